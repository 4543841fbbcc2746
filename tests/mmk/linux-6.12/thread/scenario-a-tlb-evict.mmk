// The scenario of tests/mmk/uffd-wp/scenario-a-tlb-evict.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Scenario A with hardware free to evict TLB entries at any time (knob tlb_evict): the race
// survives eviction (the stale entry need only last through the copy).
// 6.12: as scenario-a.mmk, with TLB eviction: safe.
test "Scenario A, 6.12, with random TLB eviction" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    knob tlb_evict;
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
