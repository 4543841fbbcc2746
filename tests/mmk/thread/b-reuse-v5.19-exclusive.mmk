// Scenario B under the v5.19 PageAnonExclusive reuse rule alone (without the 6ce64428d620
// flush): the page is exclusive, so the fault reuses it and never copies. No write is lost;
// the stale writable entry seen under the PTL remains (stale_tlb).
test "Scenario B, v5.19 PageAnonExclusive reuse rule" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-v5.19-anon-exclusive.mmk";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }
    cpu2 { X = 8; }
    cpu3 { X = 9; }
    expect violation(stale_tlb);
    expect no violation(lost_write);
}
