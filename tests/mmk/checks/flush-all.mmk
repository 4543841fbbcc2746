// flush_tlb_range(mm, 0, TLB_FLUSH_ALL), as x86's tlb_flush() issues for a full-mm
// mmu_gather, must drop every entry: this write-protect is then clean (no stale_tlb).
test "write-protect, then a TLB_FLUSH_ALL range flush" {
    kernel "linux-5.10";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    page Q = 5;
    pte X[0] -> P { write dirty };
    pte X[1] -> Q { write dirty };
    tlb cpu1: X[0] -> P { write dirty };
    tlb cpu1: X[1] -> Q { write dirty };
    cpu0 { wrprotect_all_flush(X); }
    expect safe;
}

fn wrprotect_all_flush(addr) {
    let mm = current_mm();
    inc_tlb_flush_pending(mm);
    let ptl = pte_lockptr(mm, pte_offset_map(mm, addr));
    spin_lock(ptl);
    set_pte_at(mm, addr, pte_offset_map(mm, addr), pte_wrprotect(*pte_offset_map(mm, addr)));
    set_pte_at(mm, addr + 1, pte_offset_map(mm, addr + 1), pte_wrprotect(*pte_offset_map(mm, addr + 1)));
    spin_unlock(ptl);
    flush_tlb_range(mm, 0, -1);
    dec_tlb_flush_pending(mm);
}
