// The scenario of need-resched-drops-the-ptl.mmk with need_resched() never true: the zap
// of one PTE table runs under its PTL from start to end, and the reader never sees it
// half done.

test "without need_resched(), the zap of one PTE table is atomic under its PTL" {
    kernel "linux-5.10";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    page Q = 8;
    pte X -> P { write dirty accessed };
    pte X[1] -> Q { write dirty accessed };
    cpu0 { madvise(X, 2, MADV_DONTNEED); }
    cpu1 { check_not_half_done(X); }
    expect safe;
}

override fn need_resched() source "include/linux/sched.h:need_resched@v5.10, never set" {
    return false;
}

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
