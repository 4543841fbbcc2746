// clear_refs soft-dirty, v5.10.0 (read lock, flush elided by tlb_finish_mmu).
// Nadav Amit's reproducer (reference section 3.4), cut to its core: CPU2 keeps a writable
// TLB entry and increments; CPU1 increments and must fault; an extra reference (mlock in
// the reproducer) makes the fault copy; CPU0 writes "4" to /proc/self/clear_refs.
test "clear_refs soft-dirty, v5.10.0 (read lock, flush elided by tlb_finish_mmu)" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write softdirty;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X += 1; }
    cpu2 { X += 1; }
    expect violation(lost_write);
}
