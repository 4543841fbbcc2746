// After fork() the child runs on another CPU (switch_mm() to the child's mm) and writes the
// page it shares with the parent: its write faults and copies (do_wp_page()), and the
// parent's page keeps its contents. copy_present_pte() write-protects the PTE in both mms;
// without the child's write-protect the child would write the parent's page in place.

import "fork-test-helpers.mmk";

test "the child's write copies the shared page; the parent keeps its value" {
    kernel "linux-5.10";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    frames 4;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { fork_and_hand_off(); }
    cpu1 { run_child(); X = 9; }
    expect safe;
}

test "a fork that leaves the child's PTE writable lets the child write the parent's page" {
    kernel "linux-5.10";
    import "copy-present-pte-child-writable.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    frames 4;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { fork_and_hand_off(); }
    cpu1 { run_child(); X = 9; }
    expect violation(lost_write);
}
