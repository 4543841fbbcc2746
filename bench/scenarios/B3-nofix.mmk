// Benchmark configuration B3-nofix: the SPIN peer model's configuration of the same name
// (../shared/peers/spin/run.sh), at mmcheck's statement granularity.
test "B3-nofix" {
    kernel "linux-5.10";
    cpus 5;
    frames 5;
    vma X: anon private read write uffd_wp;
    page P = 0 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }
    cpu2 { X += 1; X += 1; }
    cpu3 { X += 1; X += 1; }
    cpu4 { X += 1; X += 1; }
    expect violation(lost_write);
}
