// Mutation of the discard rule: the zap clears the PTE and frees the page but does not
// tell the lost-write ghost that the contents are gone. The zero-filled page a later read
// finds then looks like a lost write of 7, so the verdict of dontneed-discards.mmk rests on
// the discard rule.
test "mutation: a zap without ghost_discard()" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); let v = *X; }
    expect violation(lost_write);
}

override fn zap_pte_range(tlb, vma, addr, end) source "mm/memory.c:zap_pte_range@v5.10, mutated: no ghost_discard()" {
    let mm = tlb->mm;
    let force_flush = false;
    while addr != end {
        // again:
        let start_pte = pte_offset_map(mm, addr);
        let ptl = pte_lockptr(mm, start_pte);
        spin_lock(ptl);
        let pte = start_pte;
        flush_tlb_batched_pending(mm);
        while addr != end {
            let ptent = *pte;
            if !pte_none(ptent) {
                if need_resched() {
                    break;
                }
                if pte_present(ptent) {
                    let page = vm_normal_page(vma, addr, ptent);
                    // ptep_get_and_clear_full()
                    ptent = ptep_get_and_clear(mm, addr, pte);
                    // the mutation: no ghost_discard(vma, addr, page) here
                    tlb_remove_tlb_entry(tlb, pte, addr);
                    if page != null {
                        // anonymous: no set_page_dirty(), no mark_page_accessed()
                        page_remove_rmap(page);
                        if __tlb_remove_page(tlb, page) {
                            force_flush = true;
                            addr = addr + PAGE_SIZE;
                            break;
                        }
                    }
                }
                // swap and migration entries: not modelled (none are made)
            }
            addr = addr + PAGE_SIZE;
            if addr != end {
                pte = pte_offset_map(mm, addr);
            }
        }
        // Do the actual TLB flush before dropping ptl
        if force_flush {
            tlb_flush_mmu_tlbonly(tlb);
        }
        pte_unmap_unlock(start_pte, ptl);
        if force_flush {
            force_flush = false;
            tlb_flush_mmu(tlb);
        }
        // addr != end: cond_resched(); goto again;
    }
    return addr;
}
