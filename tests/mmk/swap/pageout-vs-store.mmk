// MADV_PAGEOUT (v5.10: madvise_cold_or_pageout_pte_range() -> reclaim_pages() ->
// shrink_page_list()) swapping out a page another CPU caches writable and dirty. Reclaim
// clears the PTE and defers its flush (TTU_BATCH_FLUSH: set_tlb_ubc_flush_pending()), so
// the other CPU may still store through its TLB entry; because the entry was dirty,
// try_to_unmap_flush_dirty() flushes it before pageout() starts the write to the swap
// device (d950c9477d51, "mm: defer flush of writable TLB entries", v4.3). Every store
// either lands before the write or faults and finds the page in the swap cache.

test "MADV_PAGEOUT racing a store through a dirty TLB entry" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    swap_slots 1;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    tlb cpu1: X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_PAGEOUT); }
    cpu1 { X = 7; }
    expect safe;
}

// Without the flush before pageout(): the store lands in the page after the swap device
// has its contents, and the page is freed; the swap entry left in the PTE reads back 5.
test "MADV_PAGEOUT without try_to_unmap_flush_dirty() loses the store" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    import "no-flush-dirty-before-pageout.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    swap_slots 1;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    tlb cpu1: X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_PAGEOUT); }
    cpu1 { X = 7; }
    expect violation(lost_write);
}

// A clean TLB entry needs no flush before the write to swap (a store through it must set
// the D bit, so the CPU walks, finds the PTE gone and faults), but the page may be freed
// only after try_to_unmap_flush(): until then a load through the entry still reaches it.
test "MADV_PAGEOUT racing loads through a clean TLB entry" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    frames 3;
    swap_slots 1;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write };
    tlb cpu1: X -> P { write };
    cpu0 { madvise(X, 1, MADV_PAGEOUT); }
    cpu1 { let v = *X; let w = *X; assert(v == 5 && w == 5); }
    expect safe;
}

// No TLB entry: a load and a store fault on the swap entry reclaim leaves, at any point of
// the swap-out. Before __remove_mapping() they find the page in the swap cache (and their
// reference makes its refcount freeze fail: the page is kept); after it, they read the
// slot back from the device.
test "MADV_PAGEOUT racing a store and a load that fault" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 3;
    frames 4;
    swap_slots 1;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_PAGEOUT); }
    cpu1 { X = 7; }
    cpu2 { let v = *X; assert(v == 5 || v == 7); }
    expect safe;
}

// MADV_DONTNEED racing the swap-out: the zap takes the page or, once reclaim has replaced
// the PTE, the swap entry (free_swap_and_cache() then drops the slot, and the swap cache's
// page if nothing holds it).
test "MADV_PAGEOUT racing MADV_DONTNEED and a load" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 3;
    frames 4;
    swap_slots 1;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_PAGEOUT); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    cpu2 { let v = *X; assert(v == 5 || v == 0); }
    expect safe;
}

// munmap() of the range MADV_PAGEOUT works on: mmap_lock (read for the madvise, write for
// the munmap) keeps the VMA and its page table alive under the walk and the reclaim.
test "MADV_PAGEOUT racing munmap" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    swap_slots 1;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_PAGEOUT); }
    cpu1 { munmap(X, 1); }
    expect safe;
}
