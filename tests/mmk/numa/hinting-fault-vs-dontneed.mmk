// A NUMA hinting fault (do_numa_page()) reads the PROT_NONE PTE without the PTL; a
// MADV_DONTNEED of the same page may zap it, flush and free the page before the fault takes
// the PTL. The fault must notice (pte_same() under the PTL) and must hold its own reference
// on the page (numa_migrate_prep()'s get_page() under the PTL) across the unlocked window.
// The PTE starts as change_prot_numa() leaves a writable page: PROT_NONE with the write bit
// kept (the savedwrite of x86).

// Protects the pte_same() recheck of do_numa_page(): without it the fault rebuilds a PTE
// from the one the zap cleared and maps the freed page again (or a page of nothing).
test "NUMA hinting fault racing MADV_DONTNEED of its page" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { protnone write dirty accessed };
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// The same race on a userfaultfd-missing range (as in QEMU postcopy, which drops pages with
// MADV_DONTNEED and lets the monitor fill them): a fault that finds the PTE zapped retries
// into do_anonymous_page(), which allocates before it sees the range is uffd-missing and
// must drop that page (put_page()) before handing the fault to the monitor (page_leak).
test "NUMA hinting fault racing MADV_DONTNEED on a uffd-missing range" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write uffd_missing;
    page P = 7;
    pte X -> P { protnone write dirty accessed };
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}
