// Scenario A + copy under the PTL after the flush (normal pages).
// Scenario A of reference section 3.2; every CPU runs freely.
test "Scenario A + copy under the PTL after the flush (normal pages)" {
    kernel "linux-5.10";
    import "fixes/copy-under-ptl-after-flush.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };          // the LRU pagevec reference forces the copy
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu1 { X = 8; }                                                        // faulter
    cpu2 { X = 9; }                                                        // stale-TLB writer
    // The fault still meets a stale writable TLB entry (the stale_tlb check in do_wp_page
    // fires), but this proposal no longer relies on its absence: no write is lost.
    expect violation(stale_tlb);
    expect no violation(lost_write);
}
