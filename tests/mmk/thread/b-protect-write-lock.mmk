// Scenario B + write lock for protect only.
// The reference's errata: unprotect still clears RW under the read lock and defers its flush (Scenario A).
// Scenario B of reference section 3.3; every CPU runs freely.
test "Scenario B + write lock for protect only" {
    kernel "linux-5.10";
    import "fixes/uffd-wp-protect-write-lock.mmk";
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
