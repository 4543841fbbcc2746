// The scenario of full-batch-allocation-fails.mmk with the GFP_NOWAIT allocation always
// succeeding: the full batch chains a new one, nothing is flushed or freed mid-table, and the
// zap holds the PTL over the whole table. (Before tlb_next_batch() was modelled, a full batch
// always forced the flush, and this test found the half-done zap.)

test "a full batch chains a new one: the zap keeps the PTL over the table" {
    kernel "linux-5.10";
    cpus 2;
    vma X[5]: anon private read write;
    page P0 = 1;
    page P1 = 2;
    page P2 = 3;
    page P3 = 4;
    page P4 = 5;
    pte X -> P0 { write dirty accessed };
    pte X[1] -> P1 { write dirty accessed };
    pte X[2] -> P2 { write dirty accessed };
    pte X[3] -> P3 { write dirty accessed };
    pte X[4] -> P4 { write dirty accessed };
    cpu0 { madvise(X, 5, MADV_DONTNEED); }
    cpu1 { check_not_half_done(X + 3); }
    expect safe;
}

override fn get_free_page_nowait() source "mm/page_alloc.c:__get_free_pages@v5.10, never fails" {
    return true;
}

// need_resched() never true here, so that the PTL is dropped mid-table only for a full batch.
override fn need_resched() source "include/linux/sched.h:need_resched@v5.10, never set" {
    return false;
}

// Under the PTL: the PTE at addr cleared while the next one is still mapped means the zap
// dropped the PTL between them.
fn check_not_half_done(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let first = *ptep;
    let second = *pte_offset_map(mm, addr + PAGE_SIZE);
    BUG_ON(pte_none(first) && !pte_none(second));
    spin_unlock(ptl);
}
