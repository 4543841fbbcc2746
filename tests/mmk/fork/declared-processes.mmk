// Two processes declared in the scenario, as right after a fork(): every declared address
// space has the scenario's VMAs, its own page tables and TLB, and `pte mm1:X -> P` maps a
// page in address space 1. Here parent (mm0) and child (mm1) share P read-only, and each
// writes X on its own CPU (`cpu1 in mm1`): each write faults and copies (or reuses the page
// once the other has copied away), and each process ends with its own value. The lost-write
// ghost checks both.

test "parent and child each write the page they share, and each keeps its own value" {
    kernel "linux-5.10";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty accessed };
    tlb cpu1: mm1:X -> P { dirty };
    cpu0 { X = 8; }
    cpu1 in mm1 { X = 9; }
    expect safe;
}

test "a do_wp_page() that reuses a shared page lets the child write the parent's memory" {
    kernel "linux-5.10";
    import "wp-always-reuse.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty accessed };
    cpu1 in mm1 { X = 9; }
    expect violation(lost_write);
}
