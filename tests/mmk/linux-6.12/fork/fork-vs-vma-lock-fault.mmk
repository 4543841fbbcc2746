// fork() racing a write fault that holds only the VMA's lock (6.12's per-VMA lock,
// lock_vma_under_rcu()). Fork write-protects the parent's PTE under the PTL but flushes the
// parent's TLBs only at the end of dup_mmap(), before it drops the parent's mmap_lock: until
// then another thread of the parent may still write through a writable TLB entry. With only
// mmap_lock, no fault of the parent could run meanwhile. With per-VMA locks a fault no longer
// takes mmap_lock, so fork write-locks every parent VMA (vma_start_write()) before it copies
// it: the fault's vma_start_read() fails, and it falls back to mmap_lock, which fork holds.
//
// "fork: lock VMAs of the parent process when forking" (Suren Baghdasaryan; 2b4f3b4987b5 via
// the mm tree and fb49c455323f, both in 6.5-rc1, July 2023; backported to 6.4.3; fixes
// 0bff0aaea03e, "x86/mm: try VMA lock-based page fault handling first"): "If we get a
// write-fault before that TLB flush in the parent, and we end up replacing that anonymous page
// in the parent process in do_wp_page() (because, COW-shared with the child), this might lead
// to some stale writable TLB entries targeting the wrong (old) page." Here cpu1 caches a
// writable entry for X; cpu2 writes X after fork write-protected it, faults under the VMA lock
// and copies the page fork just shared; cpu1's store lands in the old page after the copy was
// taken, and the copy replaces it: the store is lost.

test "6.12: fork write-locks the parent's VMAs, so a VMA-locked fault waits for its flush" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { fork_mm(); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}

test "6.12 without 2b4f3b4987b5 (fork not locking the parent's VMAs): a fault under the VMA lock copies the page under a stale writable entry" {
    kernel "linux-6.12";
    import "dup-mmap-no-vma-lock.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { fork_mm(); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}

// The other order: the fault comes first. X's PTE is read-only (an exclusive page, as after a
// write-protect), so cpu1's write faults at once: under the VMA's read lock it reuses the page
// (do_wp_page()) while fork's vma_start_write() waits for the read lock to go, or it finds the
// VMA write-locked and falls back to mmap_lock, which fork holds. Either way the child ends up
// sharing a write-protected page, and the parent's value is the one it wrote.
test "6.12: a VMA-locked write fault that starts before fork holds fork's vma_start_write() off" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { dirty accessed };
    cpu0 { fork_mm(); }
    cpu1 { X = 8; }
    expect safe;
}
