// The scenario of tests/mmk/uffd-wp/scenario-a-v5.10.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Scenario A of the December 2020 uffd-wp corruption (reference section 3.2): the monitor
// unprotects a PTE that was writable; v5.10's unprotect clears RW and defers the flush.
// CPU1 faults and copies the page; CPU2 stores through its stale TLB entry in between.
// Nothing schedules the interleaving: all CPUs run freely.
// 6.12: unprotect (uffd_wp_range() with MM_CP_TRY_CHANGE_WRITABLE) keeps an exclusive
// page's PTE writable, and do_wp_page() flushes a pending uffd-wp flush before it copies
// (6ce64428d620): safe.
test "uffd unprotect races a COW fault and a stale-TLB writer (6.12)" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
