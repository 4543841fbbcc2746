// A path that rebuilds a PTE it never rechecked: pte_modify() of a none PTE keeps pfn 0 and
// sets the present bit, so set_pte_at() would map physical page 0, which is no page of the
// model (the kernel would map whatever frame 0 holds). It is reported at the write, as a
// mapping of a frame that is not there. (do_numa_page() without its pte_same() recheck,
// racing a zap, does this: tests/mmk/numa/hinting-fault-vs-dontneed.mmk.)
test "set_pte_at of a present PTE with pfn 0 is caught" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { rebuild_none(X); }
    expect violation(use_after_free);
}

fn rebuild_none(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_mkyoung(pte_modify(*ptep, vma->vm_page_prot)));
    spin_unlock(ptl);
}
