// mm/swapfile.c as the base tree needs it: the entries it makes are migration entries, which
// hold no swap slot. The tree has no swap device; models/opt-in/swap-v5.10.mmk adds one (the
// swap map, the swap cache, swap-in and swap-out) and overrides these.

// Nothing to free for a non-swap entry (a migration or device-private one).
fn free_swap_and_cache(entry) source "mm/swapfile.c:free_swap_and_cache@v5.10 (non-swap entries)" {
    if non_swap_entry(entry) {
        return 1;
    }
    not_modelled(); // a swap entry: import opt-in/swap-v5.10.mmk
    return 0;
}

// A swap slot's reference for another PTE (fork): the base tree has no swap slots.
fn swap_duplicate(entry) source "mm/swapfile.c:swap_duplicate@v5.10 (no swap device)" {
    not_modelled(); // a swap entry: import opt-in/swap-v5.10.mmk
    return 0;
}

// mm/swap_state.c: the base tree has no swap cache, so a page is never in it.
fn free_swap_cache(page) source "mm/swap_state.c:free_swap_cache@v5.10 (no swap cache)" {
}
