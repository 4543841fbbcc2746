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

// Two write faults on the same swap entry: the first to take the PTL maps the page of the
// swap cache (reuse_swap_page(): nobody else has it, so the slot is freed and the page
// written in place); the other finds the PTE changed (pte_same()), backs out and retries.
test "two write faults on one swapped-out address" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S;
    cpu0 { X = 7; }
    cpu1 { X = 9; }
    expect safe;
}

// A slot two processes share after a fork (its count is 2): a write fault in one finds the
// slot still counted for the other, so reuse_swap_page() says no and the write copies
// (do_wp_page()); the other reads the slot's contents.
test "a swapped-out page two processes share: a write in one, a read in the other" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    frames 4;
    mms 2;
    vma X: anon private read write;
    swap S = 5;
    pte mm0:X -> swap S;
    pte mm1:X -> swap S;
    cpu0 in mm0 { X = 7; }
    cpu1 in mm1 { let v = *X; assert(v == 5); }
    expect safe;
}

// MADV_DONTNEED of a swapped-out address racing its swap-in: the zap frees the slot's
// reference (free_swap_and_cache()) under the PTL; the fault either maps the page first
// (the zap then drops it) or finds the PTE none and zero-fills.
test "MADV_DONTNEED of a swapped-out address racing a load" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S;
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { let v = *X; assert(v == 5 || v == 0); }
    expect safe;
}
