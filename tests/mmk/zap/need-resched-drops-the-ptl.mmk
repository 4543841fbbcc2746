// zap_pte_range() (v5.10) breaks out when need_resched() says so: the PTEs it cleared stay
// cleared with their flush deferred (no force_flush), it drops the PTL, and goes `again`
// from the same address. Another CPU can take the PTL in between and see a half-done zap:
// X cleared (its flush still to come), X[1] still mapped. Before the model had
// need_resched(), the zap held the PTL over the whole PTE table and this was unreachable
// (need-resched-never.mmk is that model).

test "a reader under the PTL sees a half-done MADV_DONTNEED" {
    kernel "linux-5.10";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    page Q = 8;
    pte X -> P { write dirty accessed };
    pte X[1] -> Q { write dirty accessed };
    cpu0 { madvise(X, 2, MADV_DONTNEED); }
    cpu1 { check_not_half_done(X); }
    expect violation(assertion);
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
