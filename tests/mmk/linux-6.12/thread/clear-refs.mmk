// The scenario of tests/mmk/thread/clear-refs-v5.10.0.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// clear_refs soft-dirty, 6.12.
// Nadav Amit's reproducer (reference section 3.4), cut to its core: CPU2 keeps a writable
// TLB entry and increments; CPU1 increments and must fault; an extra reference (mlock in
// the reproducer) makes the fault copy; CPU0 writes "4" to /proc/self/clear_refs.
// 6.12: clear_refs takes mmap_lock for write (29a951dfb3c3) and flushes before it drops
// it (912efa17e512): safe.
test "clear_refs soft-dirty, 6.12" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write softdirty;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X += 1; }
    cpu2 { X += 1; }
    expect safe;
}
