// A store racing MADV_FREE (the 6.12 form of the lost-write ghost's lazyfree window): CPU1
// stores through a dirty TLB entry while CPU0's madvise(MADV_FREE) has cleaned the PTE and
// not yet flushed. The store sets no D bit in the PTE, so reclaim may throw it away with the
// page: it raced the call, is ordered before it, and MADV_FREE lets the kernel drop what was
// written before. Before the ghost knew the call's window (ghost_discard_done() after
// madvise_free_single_vma()), any store after the PTE cleaning made the value count, and this
// was a false lost_write. A store after madvise() returns must still survive
// (madv-free-vs-store.mmk).

test "6.12: a store racing MADV_FREE may be thrown away with the page" {
    kernel "linux-6.12";
    import "lazyfree-reclaim.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 5 { exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_FREE); }
    cpu1 { X = 7; }
    cpu2 { reclaim_lazyfree_at(X); }
    expect safe;
}

// The same store ordered after the call: CPU1 waits for madvise() to return (the flush has
// dropped its entry, so its store walks and sets the PTE's D bit), and reclaim must keep it.
test "6.12: a store after MADV_FREE returns is kept" {
    kernel "linux-6.12";
    import "lazyfree-reclaim.mmk";
    cpus 3;
    vma X: anon private read write;
    vma F: anon private read write;
    page P = 5 { exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_FREE); F = 1; }
    cpu1 { let f = *F; if f == 1 { X = 7; } }
    cpu2 { reclaim_lazyfree_at(X); }
    expect safe;
}
