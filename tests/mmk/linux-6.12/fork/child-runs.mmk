// After fork() the child runs on another CPU (switch_mm() to the child's mm) and writes the
// page it shares with the parent (6.12). Fork write-protects the PTE in both mms and, through
// folio_try_dup_anon_rmap_pte(), clears PageAnonExclusive on the shared page: the child's
// write faults, do_wp_page() finds the page neither exclusive nor singly referenced and copies
// it, and the parent's page keeps its contents.
//
// The anon-exclusive rule (6c287605fd56, "mm: remember exclusively mapped anonymous pages with
// PG_anon_exclusive", v5.19) makes do_wp_page() reuse an exclusive page without looking at
// its references, so fork must clear the bit when it shares the page: "the child never gets
// PageAnonExclusive" (copy_present_ptes()'s VM_WARN_ON_FOLIO(PageAnonExclusive(page))). A fork
// that leaves the bit set lets the child's write fault reuse the parent's page and write it
// in place: the parent's X changes under it (lost_write).

import "fork-test-helpers.mmk";

test "6.12: the child's write copies the shared page; the parent keeps its value" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    frames 4;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { fork_and_hand_off(); }
    cpu1 { run_child(); X = 9; }
    expect safe;
}

test "6.12 with a fork that keeps PageAnonExclusive on the shared page: the child writes the parent's page" {
    kernel "linux-6.12";
    import "dup-anon-rmap-keeps-exclusive.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    frames 4;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { fork_and_hand_off(); }
    cpu1 { run_child(); X = 9; }
    expect violation(lost_write);
}

// The parent writes too: its write after fork copies or, once the child has copied away,
// reuses; the child's copy-on-write leaves the parent's value alone either way.
test "6.12: parent and child both write after fork, each keeps its own value" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    frames 5;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { fork_and_hand_off(); X = 8; }
    cpu1 { run_child(); X = 9; }
    expect safe;
}
