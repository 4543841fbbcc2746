// 13ddaf26be32 ("mm/swap: fix race when skipping swapcache", v6.8): two faults on one swap
// entry of a synchronous device both skip the swap cache and read it into pages of their
// own (A, B). CPU1 maps B first, frees the slot (swap_free()), writes B, and swaps it out
// again (MADV_PAGEOUT), reusing the same slot: the PTE holds the same entry value as
// before, so CPU0's pte_same() passes and maps its stale page A. CPU1's store is lost.
// v5.10 has the race (the skip path is 0bcac06f27d7, v5.1). The page was written before it
// was swapped out, so its swap PTE is soft-dirty, as the one the second swap-out leaves (x86's
// pte_mkdirty() sets _PAGE_SOFT_DIRTY too): the two entries are bit for bit the same.

test "two faults skip the swap cache and one maps a stale page (v5.10)" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    import "synchronous-swap-device.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 4;
    swap_slots 2;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S { soft_dirty };
    cpu0 { let v = *X; }
    cpu1 { X = 7; madvise(X, 1, MADV_PAGEOUT); }
    expect violation(lost_write);
}

// The fix: the skip path pins the slot with SWAP_HAS_CACHE (swapcache_prepare()) until it
// has dropped the PTL, so a racing fault backs out and retries, and the slot cannot be
// reused meanwhile: the swap-out takes another one, and CPU0's pte_same() fails.
test "two faults skip the swap cache, with 13ddaf26be32's pin" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    import "synchronous-swap-device.mmk";
    import "fixes/13ddaf26be32-skip-swapcache-pin.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 4;
    swap_slots 2;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S { soft_dirty };
    cpu0 { let v = *X; }
    cpu1 { X = 7; madvise(X, 1, MADV_PAGEOUT); }
    expect safe;
}
