// Benchmark configuration A-fix: the SPIN peer model's configuration of the same name
// (../shared/peers/spin/run.sh), at mmcheck's statement granularity.
test "A-fix" {
    kernel "linux-5.10";
    import "fixes/6ce64428d620-uffd-flush-pending.mmk";
    cpus 3;
    frames 4;
    vma X: anon private read write uffd_wp;
    page P = 0 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X += 1; X += 1; }
    cpu2 { X += 1; X += 1; }
    expect safe;
}
