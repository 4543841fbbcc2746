// fork() of a swapped-out address: copy_nonpresent_pte() gives the child the same swap
// entry and the slot a reference more (swap_duplicate()), so the slot is freed only when
// both have faulted it in or dropped it. The parent's store after the fork faults the page
// in and, the slot being counted for the child too, copies it (reuse_swap_page() says no):
// the child still reads what was swapped out.

import "../fork/fork-test-helpers.mmk";

test "fork of a swapped-out page: the parent writes, the child reads" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    mms 2;
    tables 2;
    frames 4;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S;
    cpu0 { fork_and_hand_off(); X = 7; }
    cpu1 { run_child(); let v = *X; assert(v == 5); }
    expect safe;
}

// A fork that gives the child the entry without the slot's reference: the parent's fault
// frees the slot as its last user (swap_free()) and writes the page in place; the child's
// fault then finds a free slot (or, after a reuse, someone else's contents).
test "fork without swap_duplicate(): the child's entry outlives its slot" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    import "no-swap-duplicate.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    mms 2;
    tables 2;
    frames 4;
    vma X: anon private read write;
    swap S = 5;
    pte X -> swap S;
    cpu0 { fork_and_hand_off(); X = 7; }
    cpu1 { run_child(); let v = *X; assert(v == 5); }
    expect violation(assertion);
}
