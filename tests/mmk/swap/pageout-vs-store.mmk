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
