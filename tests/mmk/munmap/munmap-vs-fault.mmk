// munmap() changing the VMA layout while another CPU faults.
//
// __do_munmap() unlinks the VMAs under mmap_lock held for write, then (munmap(2) only)
// downgrades it to read for the zap and the freeing of the page tables, so faults run
// meanwhile. A fault on the unmapped range finds no VMA and is SIGSEGV; one that ran
// before the unlink saw the old VMA. The race of 246c320a8cfe ("mm/mmap.c: close race
// between munmap() and expand_upwards()/downwards()", v5.8): with mmap_lock only held for
// read, a stack VMA just above the range can grow down into it (expand_downwards() runs
// under the read lock) and a fault maps a page there, in a PTE table that munmap's
// free_pgtables() then frees: its ceiling was the stack's old start. The fix keeps the
// write lock when the next VMA is VM_GROWSDOWN (or the previous VM_GROWSUP).
//
// X is the last page of the first 2 MiB range, the stack S the first page of the next:
// munmap(X) frees the first range's PTE table.

test "a store racing munmap either lands before the unmap or is SIGSEGV" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 511: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { munmap(X, 1); }
    cpu1 { X = 8; }
    expect violation(sigsegv);
    expect no violation(lost_write);
}

test "v5.10: next to a stack, munmap keeps mmap_lock for write, and the stack grows after the unmap" {
    kernel "linux-5.10";
    import "opt-in/stack-growth-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    vma S at 512: anon private read write growsdown;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { munmap(X, 1); }
    cpu1 { X = 8; }
    expect safe;
}

test "v5.7 (before 246c320a8cfe): the stack grows into the range whose PTE table munmap frees" {
    kernel "linux-5.10";
    import "opt-in/stack-growth-v5.10.mmk";
    import "detach-vmas-v5.7.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    vma S at 512: anon private read write growsdown;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { munmap(X, 1); }
    cpu1 { X = 8; }
    expect violation(lost_write);
    expect violation(use_after_free);
}
