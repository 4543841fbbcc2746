// Two faults grow the same stack at once (opt-in/stack-growth-v5.10.mmk): both hold mmap_lock
// for read only, and expand_downwards() checks and moves vm_start under the anon_vma lock
// (page_table_lock too), so the lower address wins whichever runs first. If the check ran
// outside the lock, the higher fault could move vm_start back up over the page the lower one
// has just mapped. This test cannot tell: every later access reaches that page through its
// PTE, without a VMA lookup (the model's mutation mark on the lock says so); it checks that
// concurrent growth stays safe.

test "two faults below a stack grow it at once, and every store lands" {
    kernel "linux-5.10";
    import "opt-in/stack-growth-v5.10.mmk";
    invariants: lost_write, sigsegv, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    hole G[2] at 1000;
    vma S at 1002: anon private read write growsdown;
    cpu0 { G[1] = 1; G[0] = 3; }
    cpu1 { G[0] = 2; G[1] = 4; }
    expect safe;
}
