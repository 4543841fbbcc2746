// Benchmark configuration A3-fix: the SPIN peer model's configuration of the same name
// (../shared/peers/spin/run.sh), at mmcheck's statement granularity.
test "A3-fix" {
    kernel "linux-5.10";
    import "fixes/6ce64428d620-uffd-flush-pending.mmk";
    cpus 4;
    frames 5;
    vma X: anon private read write uffd_wp;
    page P = 0 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X += 1; X += 1; }
    cpu2 { X += 1; X += 1; }
    cpu3 { X += 1; X += 1; }
    expect safe;
}
