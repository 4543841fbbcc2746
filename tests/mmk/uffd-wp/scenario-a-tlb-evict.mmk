// Scenario A with hardware free to evict TLB entries at any time (knob tlb_evict): the race
// survives eviction (the stale entry need only last through the copy).
test "Scenario A, v5.10, with random TLB eviction" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    knob tlb_evict;
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}
