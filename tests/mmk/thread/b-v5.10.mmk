// Scenario B: protect and unprotect overlap (v5.10).
// Per the reference's errata, the shortest counterexample has Scenario A's shape: v5.10's unprotect alone demotes RW.
// Scenario B of reference section 3.3; every CPU runs freely.
test "Scenario B: protect and unprotect overlap (v5.10)" {
    kernel "linux-5.10";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }  // protect
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu2 { X = 8; }                                                        // faulter
    cpu3 { X = 9; }                                                        // stale-TLB writer
    expect violation(lost_write);
}
