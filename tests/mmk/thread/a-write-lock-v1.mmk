// Scenario A + mmap_write_lock for uffd-wp (namit v1).
// Nadav's v1 takes mmap_lock for write in mwriteprotect_range(): faults cannot run during the deferred flush.
// Scenario A of reference section 3.2; every CPU runs freely.
test "Scenario A + mmap_write_lock for uffd-wp (namit v1)" {
    kernel "linux-5.10";
    import "fixes/uffd-wp-write-lock-v1.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };          // the LRU pagevec reference forces the copy
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }                            // unprotect
    cpu1 { X = 8; }                                                        // faulter
    cpu2 { X = 9; }                                                        // stale-TLB writer
    expect safe;
}
