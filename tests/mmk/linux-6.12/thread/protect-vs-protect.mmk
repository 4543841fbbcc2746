// The scenario of tests/mmk/thread/protect-vs-protect.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Negative control: two concurrent uffd protects (Nadav's v1 diagram). Benign, as Yu Zhao
// showed: faults find the uffd-wp catcher bit, and a COW would flush in ptep_clear_flush().
// No monitor: a faulting writer simply sleeps.
test "uffd protect racing uffd protect, a faulter and a stale-TLB writer" {
    kernel "linux-6.12";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu1 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu2 { X = 8; }
    cpu3 { X = 9; }
    expect safe;
}
