// Negative control: two concurrent uffd protects (Nadav's v1 diagram). Benign, as Yu Zhao
// showed: faults find the uffd-wp catcher bit, and a COW would flush in ptep_clear_flush().
// No monitor: a faulting writer simply sleeps.
test "uffd protect racing uffd protect, a faulter and a stale-TLB writer" {
    kernel "linux-5.10";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu1 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu2 { X = 8; }
    cpu3 { X = 9; }
    expect safe;
}
