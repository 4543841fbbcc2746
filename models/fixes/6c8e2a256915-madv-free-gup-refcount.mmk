// 6c8e2a256915 ("mm: fix race between MADV_FREE reclaim and blkdev direct IO read", v5.18,
// in 5.10.y stable), on opt-in/swap-v5.10.mmk's reclaim: a clean lazyfree page is thrown
// away only if its references are the isolation's and the mappings' alone. A reference
// GUP took (a direct IO read that has not dirtied the page yet) keeps it: the PTE is put
// back, and the page is swap-backed again.

// smp_mb() orders the PTE clear before the count's read, against GUP-fast's reference
// before its PTE recheck, and smp_rmb() the count's read before PG_dirty's; every step
// runs in one order here.
override fn lazyfree_page_discardable(page) source "mm/rmap.c:try_to_unmap_one@v5.10 with 6c8e2a256915 (the MADV_FREE page check)" {
    let ref_count = page_ref_count(page);
    let map_count = page_mapcount(page);
    // The only page refs must be one from isolation plus the rmap(s) (dropped by discard:).
    return ref_count == 1 + map_count && !PageDirty(page);
}
