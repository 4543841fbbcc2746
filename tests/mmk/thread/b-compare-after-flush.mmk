// Scenario B + copy-then-compare after the flush.
// Scenario B of reference section 3.3; every CPU runs freely.
test "Scenario B + copy-then-compare after the flush" {
    kernel "linux-5.10";
    import "fixes/copy-then-compare-after-flush.mmk";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }  // protect
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu2 { X = 8; }                                                        // faulter
    cpu3 { X = 9; }                                                        // stale-TLB writer
    // The fault still meets a stale writable TLB entry (the stale_tlb check in do_wp_page
    // fires), but this proposal no longer relies on its absence: no write is lost.
    expect violation(stale_tlb);
    expect no violation(lost_write);
}
