// fork() racing a write by another thread of the parent (6.12): copy_present_ptes() write-
// protects the parent's PTE without a flush, and dup_mmap() flushes the parent's TLBs once,
// after the copy and before it drops the parent's mmap_lock (which also drops the VMA write
// locks it took). Until then a parent thread with a writable TLB entry still writes the page
// the child now shares (the kernel accepts this: the write is concurrent with the fork); after
// it, the next write faults and copies. Without the flush the parent keeps writing into the
// child's page after fork returned.

import "fork-test-helpers.mmk";

test "6.12: fork write-protects the parent's PTE and flushes before it returns" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { fork_mm(); }
    cpu1 { X = 8; X = 9; }
    expect safe;
}

// A flush_tlb_mm() that flushes nothing, for this test: dup_mmap() as written, minus its flush
// (a mutation, not a historical bug: every kernel since COW fork has flushed the parent here).
test "6.12: without dup_mmap()'s flush the parent's stale entry outlives fork" {
    kernel "linux-6.12";
    import "dup-mmap-no-flush.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { fork_mm(); }
    cpu1 { X = 8; X = 9; }
    expect violation(stale_tlb);
}
