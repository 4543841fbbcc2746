// Scenario A + special-page copy under the PTL, one flush.
// Without the first flush, the stale writer can still store while the kernel copies through the user address.
// Scenario A of reference section 3.2; every CPU runs freely.
test "Scenario A + special-page copy under the PTL, one flush" {
    kernel "linux-5.10";
    import "fixes/copy-under-ptl-special-one-flush.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };          // the LRU pagevec reference forces the copy
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu1 { X = 8; }                                                        // faulter
    cpu2 { X = 9; }                                                        // stale-TLB writer
    expect violation(lost_write);
}
