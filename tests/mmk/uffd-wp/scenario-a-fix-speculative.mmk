// The merged fix with hardware free to evict and to fill TLB entries speculatively from
// present PTEs: still safe.
test "Scenario A + 6ce64428d620 with TLB eviction and speculative fills" {
    kernel "linux-5.10";
    import "fixes/6ce64428d620-uffd-flush-pending.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    knob tlb_evict;
    knob tlb_speculative;
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
