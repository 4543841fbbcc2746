// Nadav's question answered: with mmap_write_downgrade() before the PTEs change, mprotect()
// becomes Scenario A: a fault copies while CPU2 still writes through its stale entry.
test "mprotect(READ|WRITE) dropping EXEC, downgraded before change_protection (Nadav's question)" {
    kernel "linux-5.10";
    import "fixes/mprotect-downgrade-before-fixup.mmk";
    cpus 3;
    vma X: anon private read write exec;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ | PROT_WRITE); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}
