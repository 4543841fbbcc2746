// mprotect(PROT_READ) on 6.12: do_mprotect_pkey() takes mmap_lock for write and gathers the
// whole call in one mmu_gather; change_pte_range() write-protects the PTE under the PTL and
// records the flush (pte_needs_flush(): RW cleared), and tlb_end_vma() flushes at the end of
// the VMA's walk, before mmap_write_unlock(). No fault (mmap_lock for read, or the VMA lock,
// which vma_start_write() in mprotect_fixup() excludes) can copy the page while CPU2 still
// holds a stale writable entry, and stores through that entry land in the still-mapped page.
// CPU1's store after the mprotect is killed by SIGSEGV, as it must be; nothing else breaks.
test "6.12: mprotect RW->RO racing a faulting store and a stale-TLB writer" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
    expect no violation(use_after_free);
    expect no violation(deadlock);
    expect no violation(lock_hygiene);
    expect no violation(refcount);
}

// RO again to RW: MM_CP_TRY_CHANGE_WRITABLE (vma_wants_manual_pte_write_upgrade()) makes the
// PTE of an exclusive anonymous page writable at once (can_change_pte_writable()), with no
// flush needed (RW set: pte_needs_flush() says yes all the same, x86 flushes on any RW
// change); a page that is not exclusive stays read-only until a write fault. Both stores must
// survive.
test "6.12: mprotect RO->RW, exclusive page upgraded in place, racing stores" {
    kernel "linux-6.12";
    cpus 2;
    vma X[2]: anon private read;
    page P = 7 { exclusive: 1 };
    page Q = 8 { extra_refs: 1 };
    pte X -> P { dirty accessed };
    pte X[1] -> Q { dirty accessed };
    cpu0 { mprotect(X, 2, PROT_READ | PROT_WRITE); X = 1; X[1] = 2; }
    cpu1 { let v = *X; let w = *X[1]; }
    expect safe;
}

// The test can fail (a mutation, not a kernel version): the gather's flush does nothing, so
// CPU2's stale writable entry survives mprotect(PROT_READ) and its store lands in a page the
// mm maps read-only; the fault of CPU1's store then finds the VMA read-only (SIGSEGV), and
// the stale entry is reported as soon as the flush was owed.
test "6.12 mutation: mprotect's gathered flush never happens" {
    kernel "linux-6.12";
    import "../zap/no-flush.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(stale_tlb);
}

// mprotect(PROT_NONE): the PTE takes the new vm_page_prot (PAGE_NONE: not present to the
// hardware), its flush is gathered (present cleared), and a read after the call faults into a
// VMA without VM_READ: SIGSEGV. A stale readable entry on CPU1 is shot down before the return.
test "6.12: mprotect(PROT_NONE), then a read is killed; a stale entry is flushed" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mprotect(X, 1, 0); let v = *X; } // mprotect(X, 1, PROT_NONE)
    cpu1 { let w = *X; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
    expect no violation(use_after_free);
    expect no violation(lock_hygiene);
}
