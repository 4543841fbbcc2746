// A hardware walk through a paging-structure cache. x86 CPUs cache PMD entries (the
// paging-structure caches of the Intel SDM, 4.10.3); a walk that finds the entry cached
// goes straight to the PTE table it names, even after the PMD entry was cleared. Only a
// TLB flush on that CPU drops the cached entry (INVLPG or a CR3 write: SDM 4.10.4.1), so a
// path that unlinks a table must flush before it frees the table: khugepaged's
// retract_page_tables() (mm/khugepaged.c v5.10) unlinks with pmdp_collapse_flush()
// (clear, then flush_tlb_range() of the range) and only then calls pte_free().
//
// cpu1 reads X[0] (its walk caches the PMD entry) and then X[1], which its TLB does not
// hold: that walk goes through the cached entry. The table's PTEs are left present so
// that cpu1's accesses are walks alone (no fault): the point is the table, not its
// entries.

test "unlink, flush, then free: cpu1's next walk misses the cache and faults" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    tables 2;
    vma X[2]: anon private read;
    page P = 7;
    page Q = 9;
    pte X[0] -> P { accessed };
    pte X[1] -> Q { accessed };
    cpu0 { retract_table(X, true); }
    cpu1 { let a = *X[0]; let b = *X[1]; }
    expect safe;
}

test "free before the flush: cpu1's walk reaches the freed table through its cache" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    tables 2;
    vma X[2]: anon private read;
    page P = 7;
    page Q = 9;
    pte X[0] -> P { accessed };
    pte X[1] -> Q { accessed };
    cpu0 { retract_table(X, false); }
    cpu1 { let a = *X[0]; let b = *X[1]; }
    expect violation(use_after_free);
}

// retract_page_tables() for one table: under mmap_lock held for write and the PMD lock,
// pmdp_collapse_flush() (pmdp_huge_get_and_clear(), then flush_tlb_range() over the
// range), then pte_free(). `flush_first` false moves the flush after the free.
fn retract_table(addr, flush_first) source "mm/khugepaged.c:retract_page_tables@v5.10 (one table; pmdp_collapse_flush() from mm/pgtable-generic.c)" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    let pmd = pmd_offset(mm, addr);
    let ptl = pmd_lock(mm, pmd);
    let old = *pmd;
    pmd_clear(pmd);
    if flush_first {
        flush_tlb_range(vma, vma->vm_start, vma->vm_end);
    }
    spin_unlock(ptl);
    pte_free(mm, pmd_pgtable(old));
    if !flush_first {
        flush_tlb_range(vma, vma->vm_start, vma->vm_end);
    }
    mmap_write_unlock(mm);
}
