// Swap-in (do_swap_page(), opt-in/swap-v5.10.mmk): an address whose page was swapped out
// (`pte X -> swap S`) reads back what the slot holds, through the swap cache.

test "a store and a load of a swapped-out address race through the swap cache" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S;
    cpu0 { X = 7; }
    cpu1 { let v = *X; }
    expect safe;
}

// The load sees the slot's contents or the store's, nothing else.
test "a load of a swapped-out address reads the slot's contents" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S;
    cpu0 { X = 7; }
    cpu1 { let v = *X; assert(v == 5 || v == 7); }
    expect safe;
}
