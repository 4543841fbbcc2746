// A folio whose last reference goes in an LRU drain comes off the LRU before it goes back to
// the allocator (6.12, folios_put_refs(): page_cache_release() -- lruvec_del_folio() and
// __folio_clear_lru() -- then free_unref_folios()). The page allocator hands the frame out at
// once to any CPU, and a new page must not carry PG_lru: the kernel's free path checks it
// (PAGE_FLAGS_CHECK_AT_FREE) and so does the allocator (check_new_page():
// PAGE_FLAGS_CHECK_AT_PREP), both bad_page(); a freed page still on an LRU list would be
// found there by reclaim or compaction.
//
// CPU1 faults a page in (do_anonymous_page(): folio_add_lru_vma() queues it, with a
// reference, in CPU1's lru_add batch); CPU0's MADV_DONTNEED zaps it and its gather drops the
// mapping's reference, so the batch's is the last. CPU1's MADV_FREE of another range drains
// its batch (lru_add_drain(): lru_add() sets PG_lru, folios_put() drops the reference) and
// frees the page. CPU2 allocates a page whenever one is free: with one frame, it is that
// page's, and it must come without PG_lru.

// The allocator's check of a new page (a test driver standing for check_new_page()'s
// PAGE_FLAGS_CHECK_AT_PREP test of PG_lru); the page goes back at once.
fn alloc_and_check_new_page() source "mmcheck: a test driver, mm/page_alloc.c:check_new_page@v6.12 (PG_lru in PAGE_FLAGS_CHECK_AT_PREP)" {
    let page = alloc_page();
    if page != null {
        BUG_ON(folio_test_lru(page));
        __free_pages(page, 0);
    }
}

test "6.12: a page freed by an LRU drain is off the LRU before another CPU can allocate it" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 3;
    frames 1;
    vma X: anon private read write;
    vma Y at 300: anon private read write;
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { X = 1; madvise(Y, 1, MADV_FREE); }
    cpu2 { alloc_and_check_new_page(); }
    expect safe;
}
