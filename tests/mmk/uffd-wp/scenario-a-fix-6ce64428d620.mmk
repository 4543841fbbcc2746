// Scenario A with the merged fix 6ce64428d620: do_wp_page() flushes when a flush is
// pending on a uffd-wp VMA, before it copies. Exhaustively safe.
test "Scenario A with 6ce64428d620 (flush pending TLB entries in do_wp_page)" {
    kernel "linux-5.10";
    import "fixes/6ce64428d620-uffd-flush-pending.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
