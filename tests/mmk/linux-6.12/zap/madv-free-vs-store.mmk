// MADV_FREE (6.12: madvise_free_single_vma() -> madvise_free_pte_range(), under mmap_lock held
// for read) with reclaim (a test driver, lazyfree-reclaim.mmk): MADV_FREE cleans the folio
// (PG_dirty) and its PTE (clear_young_dirty_ptes()), gathers the flush
// (tlb_remove_tlb_entries()) and makes the folio lazyfree (PG_swapbacked cleared). Reclaim
// may then throw it away, and the address reads zero-fill, unless something was stored in it
// after the MADV_FREE: a store through a TLB entry left dirty from before would not set the
// PTE's D bit, so the mmu_gather's flush must come before madvise() returns. The lost-write
// ghost (ghost_lazyfree(), ghost_lazyfree_discard()) checks that a discard never loses a
// store made since the MADV_FREE.

test "6.12: MADV_FREE, then a store through the old dirty TLB entry's address: reclaim keeps the page" {
    kernel "linux-6.12";
    import "lazyfree-reclaim.mmk";
    cpus 2;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write dirty accessed };
    tlb cpu0: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_FREE); X = 7; }
    cpu1 { reclaim_lazyfree_at(X); }
    expect safe;
}

test "6.12: MADV_FREE, then nothing: reclaim may throw the contents away" {
    kernel "linux-6.12";
    import "lazyfree-reclaim.mmk";
    cpus 2;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_FREE); let v = *X; assert(v == 5 || v == 0); }
    cpu1 { reclaim_lazyfree_at(X); }
    expect safe;
}

// The test can fail (a mutation, not a kernel version): MADV_FREE cleans the PTE but gathers
// no flush for it, so CPU0's store after madvise() goes through its old dirty TLB entry, the
// PTE stays clean, and reclaim throws the stored value away.
test "6.12 mutation: MADV_FREE without its flush, reclaim discards a store made after it" {
    kernel "linux-6.12";
    import "lazyfree-reclaim.mmk";
    import "madv-free-no-flush.mmk";
    cpus 2;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write dirty accessed };
    tlb cpu0: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_FREE); X = 7; }
    cpu1 { reclaim_lazyfree_at(X); }
    expect violation(lost_write);
}
