// mremap() racing a migration of the page it moves (6.12), the race eb66ae030829 (v4.20,
// CVE-2018-18281) closed: move_ptes() must flush the old range's TLB before it drops the
// PTLs. "NOTE! Both old and new PTL matter: ... the new one to make sure the physical page
// stays valid until the TLB entry for the old mapping has been flushed." Once the new PTL is
// dropped, whoever reaches the page through the new address (here a migration: compaction's,
// which isolates the folio from the LRU and finds its mapping by the rmap walk under the
// anon_vma lock, never taking mmap_lock) can unmap, copy and free it; a CPU that still caches
// the old address then stores into a page nobody maps any more.
//
// The driver stands in for that rmap walk (rmap-migrate-helpers.mmk).

import "rmap-migrate-helpers.mmk";

// CPU1 caches X's translation and stores through it while CPU0 moves X to Y and CPU2
// migrates the page it finds at Y. The store lands in P before the flush (the migration
// cannot reach P at Y before the flush: the PTL) and the copy has it, or it misses the TLB,
// faults and finds no VMA (SIGSEGV, not checked here).
test "6.12: mremap's flush before the PTLs drop keeps a migration of the moved page behind it" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y); }
    cpu1 { X = 8; }
    cpu2 { migrate_page_by_rmap(Y); }
    expect safe;
}

// eb66ae030829's bug: the flush after the PTLs drop. The migration takes Y's PTL in the gap,
// unmaps and copies P, and CPU1's store through its cached entry of X lands in the old page
// after the copy: Y ends up without it.
test "before eb66ae030829: mremap flushes after the PTLs drop, and the migration copies the page under a stale writer" {
    kernel "linux-6.12";
    import "move-ptes-flush-after-unlock.mmk";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y); }
    cpu1 { X = 8; }
    cpu2 { migrate_page_by_rmap(Y); }
    expect violation(lost_write);
}
