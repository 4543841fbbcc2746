// The scenario of tests/mmk/thread/b-v5.10.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Scenario B: protect and unprotect overlap (v5.10).
// Per the reference's errata, the shortest counterexample has Scenario A's shape: v5.10's unprotect alone demotes RW.
// Scenario B of reference section 3.3; every CPU runs freely.
// 6.12: protect and unprotect both end in the mmu_gather's flush, unprotect keeps an
// exclusive page writable, and do_wp_page() flushes a pending uffd-wp flush: safe.
test "Scenario B: protect and unprotect overlap (6.12)" {
    kernel "linux-6.12";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }  // protect
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu2 { X = 8; }                                                        // faulter
    cpu3 { X = 9; }                                                        // stale-TLB writer
    expect safe;
}
