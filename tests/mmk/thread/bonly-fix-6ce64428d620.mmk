// Scenario B, write bit preserved, + 6ce64428d620.
// Scenario B of reference section 3.3; every CPU runs freely.
test "Scenario B, write bit preserved, + 6ce64428d620" {
    kernel "linux-5.10";
    import "fixes/uffd-wp-preserve-write.mmk";
    import "fixes/6ce64428d620-uffd-flush-pending.mmk";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }  // protect
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu2 { X = 8; }                                                        // faulter
    cpu3 { X = 9; }                                                        // stale-TLB writer
    expect safe;
}
