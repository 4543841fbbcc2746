// Benchmark configuration A-nofix: the SPIN peer model's configuration of the same name
// (../shared/peers/spin/run.sh), at mmcheck's statement granularity.
test "A-nofix" {
    kernel "linux-5.10";
    cpus 3;
    frames 4;
    vma X: anon private read write uffd_wp;
    page P = 0 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X += 1; X += 1; }
    cpu2 { X += 1; X += 1; }
    expect violation(lost_write);
}
