// End states are where every program has finished (or can never move again), whatever the
// hardware may still do: with TLB eviction and speculative fills always enabled, the
// end-of-run checks and deadlock must still be found.
test "ABBA deadlock while the hardware may evict and fill TLB entries" {
    kernel "linux-5.10";
    cpus 2;
    knob tlb_evict;
    knob tlb_speculative;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu0: X -> P { write dirty };
    cpu0 { lock_page_then_mmap(X); }
    cpu1 { mmap_then_lock_page(X); }
    expect violation(deadlock);
}

test "tlb_flush_pending left raised, with TLB eviction and speculative fills on" {
    kernel "linux-5.10";
    cpus 1;
    knob tlb_evict;
    knob tlb_speculative;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu0: X -> P { write dirty };
    cpu0 { raise_pending(); }
    expect violation(lock_hygiene);
}

test "end-to-end lost write with TLB eviction and speculative fills on" {
    kernel "linux-5.10";
    cpus 1;
    knob tlb_evict;
    knob tlb_speculative;
    vma X: anon private read write;
    vma Y: anon private read write;
    page P = 7;
    page Q = 0;
    pte X -> P { write dirty };
    pte Y -> Q { write dirty };
    cpu0 { remap_to_other_page(X, Y); }
    expect violation(lost_write);
}

fn lock_page_then_mmap(addr) {
    let mm = current_mm();
    let page = pte_page(*pte_offset_map(mm, addr));
    lock_page(page);
    mmap_write_lock(mm);
    mmap_write_unlock(mm);
    unlock_page(page);
}

fn mmap_then_lock_page(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let page = pte_page(*pte_offset_map(mm, addr));
    lock_page(page);
    unlock_page(page);
    mmap_read_unlock(mm);
}

fn raise_pending() {
    inc_tlb_flush_pending(current_mm());
}

// A broken path: X is pointed at the page Y maps, without copying P's contents.
fn remap_to_other_page(addr, other) {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    let page = pte_page(*pte_offset_map(mm, other));
    get_page(page);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let old = ptep_get_and_clear(mm, addr, ptep);
    flush_tlb_mm(mm);
    set_pte_at(mm, addr, ptep, pte_mkdirty(pte_mkwrite(mk_pte(page, vma->vm_page_prot))));
    spin_unlock(ptl);
    mmap_write_unlock(mm);
}
