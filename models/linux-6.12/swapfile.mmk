// mm/swapfile.c and mm/swap_state.c of Linux 6.12.y as the tree needs them: the entries it
// makes are migration entries, which hold no swap slot, and it has no swap device, no swap
// map and no swap cache (folio_test_swapcache() is always false, page.mmk). What these
// functions do for a swap slot is therefore unreachable here; a test that reaches it stops
// with not_modelled() rather than run it wrongly. (v5.10's opt-in swap tree,
// models/opt-in/swap-v5.10.mmk, has no 6.12 counterpart yet.)
//
// Text: 6.12's swap.h/swapfile.c/swap_state.c from memory of the 6.10+ batched form
// (free_swap_and_cache_nr(), 6.10; free_swap_cache() on a folio, 6.x): no mm/swapfile.c of
// 6.12.y was found in the index (Xilinx/linux-xlnx has a later one). Not pinned.

// include/linux/swap.h: "static inline void free_swap_and_cache(swp_entry_t entry) {
// free_swap_and_cache_nr(entry, 1); }" (the callers in this tree: zap_nonpresent_ptes() and
// MADV_FREE, one entry each).
fn free_swap_and_cache(entry) source "include/linux/swap.h:free_swap_and_cache@v6.12" {
    free_swap_and_cache_nr(entry, 1);
}

// "Free the swap entry like above, but also try to free the page cache of the swap entries
// in the range." Nothing to free for a non-swap entry (a migration or device-private entry,
// or a marker); a swap slot needs get_swap_device(), the swap map and the swap cache, which
// the tree does not have. (6.12 returns void; v5.10's int result is gone.)
fn free_swap_and_cache_nr(entry, nr) source "mm/swapfile.c:free_swap_and_cache_nr@v6.12" {
    if non_swap_entry(entry) {
        return;
    }
    // get_swap_device(entry), __swap_entries_free(), __try_to_reclaim_swap()
    not_modelled(); // a swap slot: no swap device in the 6.12 tree
}

// "Increase reference count of swap entry by 1. Returns 0 for success, or -ENOMEM if a
// swap_count_continuation is required but could not be allocated" (fork's
// copy_nonpresent_pte()): `while (!err && __swap_duplicate(entry, 1) == -ENOMEM) err =
// add_swap_count_continuation(entry, GFP_ATOMIC);`. The tree has no swap slots to count.
fn swap_duplicate(entry) source "mm/swapfile.c:swap_duplicate@v6.12" {
    let err = 0;
    // __swap_duplicate(entry, 1): the swap map of the entry's device
    not_modelled(); // a swap slot: no swap device in the 6.12 tree
    return err;
}

// mm/swap_state.c: "If we are the only user, then try to free up the swap cache. Its ok to
// check the swapcache flag without the folio lock here, as we'll have to recheck it under
// the folio lock anyway." No folio is ever in the swap cache here, so the test is false and
// nothing else is read.
fn free_swap_cache(folio) source "mm/swap_state.c:free_swap_cache@v6.12" {
    if folio_test_swapcache(folio) && !folio_mapped(folio) && folio_trylock(folio) {
        not_modelled(); // folio_free_swap(): no swap cache in the 6.12 tree
        folio_unlock(folio);
    }
}
