// do_wp_page()'s `copy:` label in v5.10: "get_page(vmf->page); pte_unmap_unlock(...)". The
// reference wp_page_copy() works with is taken while the PTL still pins the old page; taken
// after the unlock, a MADV_DONTNEED (mmap_lock for read, like the fault) may zap every
// mapping and free the page first, and the get_page() lands on a freed page.

// Protects: the COW path takes its reference on the old page before it drops the PTL.
test "the COW path takes its reference on the old page under the PTL: a MADV_DONTNEED cannot free it first" {
    kernel "linux-5.10";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty accessed };       // mapped twice (fork's two mappings): copied
    pte X[1] -> P { dirty accessed };
    cpu0 { X[0] = 8; }
    cpu1 { madvise(X, 2, MADV_DONTNEED); }
    expect safe;
}
