// Scenario A of the December 2020 uffd-wp corruption (reference section 3.2): the monitor
// unprotects a PTE that was writable; v5.10's unprotect clears RW and defers the flush.
// CPU1 faults and copies the page; CPU2 stores through its stale TLB entry in between.
// Nothing schedules the interleaving: all CPUs run freely.
test "uffd unprotect races a COW fault and a stale-TLB writer (v5.10)" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };          // the LRU pagevec reference
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}
