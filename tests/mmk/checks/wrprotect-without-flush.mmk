// stale_tlb: RW->RO under the PTL with no flush, no pending count and no write lock. Once the
// PTL is dropped, CPU1's writable entry is stale and nothing is bound to flush it.
test "write-protect under the PTL and never flush" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { wrprotect_no_flush(X); }
    expect violation(stale_tlb);
}

fn wrprotect_no_flush(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    spin_unlock(ptl);
}
