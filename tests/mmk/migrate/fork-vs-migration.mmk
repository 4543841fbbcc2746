// fork() while move_pages(2) migrates the page (v5.10): the migration runs without
// mmap_lock once the page is isolated, so fork, holding it for write, may find the
// migration entry and copy it (copy_nonpresent_pte(): a write entry of a COW mapping
// becomes a read one in parent and child). remove_migration_ptes() then finds both
// mappings through the anon rmap (anon_vma_fork() joined the child to the parent's
// anon_vma), and the parent's store that waited on the entry copies the page.

import "../fork/fork-test-helpers.mmk";

test "fork copies a migration entry; the parent's store after it" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    frames 5;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { move_pages(X, MPOL_MF_MOVE); }
    cpu1 { fork_and_hand_off(); X = 7; }
    expect safe;
}

// The same with the child running: it reads the contents fork copied, whichever page the
// migration leaves it, and never the parent's later store.
test "fork copies a migration entry; the parent writes, the child reads" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 3;
    mms 2;
    tables 2;
    frames 5;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { move_pages(X, MPOL_MF_MOVE); }
    cpu1 { fork_and_hand_off(); X = 7; }
    cpu2 { run_child(); let v = *X; assert(v == 5); }
    expect safe;
}
