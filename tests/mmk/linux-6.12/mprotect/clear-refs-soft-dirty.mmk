// /proc/PID/clear_refs soft-dirty clearing on 6.12 (task_mmu.mmk): under mmap_lock held for
// write, VM_SOFTDIRTY cleared, tlb_flush_pending raised, every PTE write-protected and its
// soft-dirty bit cleared, then flush_tlb_mm() (912efa17e512, 29a951dfb3c3). A store racing it
// either lands before the write-protect (its soft-dirty state is then cleared with the rest)
// or, after clear_refs returns, must fault (no stale writable entry survives) and mark the
// PTE soft-dirty again. The racing mprotect() takes mmap_lock for write too.
test "6.12: clear_refs soft-dirty racing a stale-TLB writer and mprotect" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write softdirty;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X = 9; }
    cpu2 { mprotect(X, 1, PROT_READ | PROT_WRITE); }
    expect safe;
}

// The test can fail (a mutation: 912efa17e512's flush_tlb_mm() deleted, v5.11's clear_refs
// without the mmu_gather that used to flush): the write-protected PTE keeps a writable TLB
// entry on CPU1 once tlb_flush_pending drops.
test "912efa17e512 reverted on 6.12: clear_refs without its flush_tlb_mm()" {
    kernel "linux-6.12";
    import "clear-refs-no-flush.mmk";
    cpus 2;
    vma X: anon private read write softdirty;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X = 9; }
    expect violation(stale_tlb);
}
