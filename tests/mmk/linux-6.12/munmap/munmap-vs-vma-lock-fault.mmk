// munmap() racing a page fault that runs under the per-VMA lock (6.12, CONFIG_PER_VMA_LOCK).
//
// The fault (do_user_addr_fault() -> lock_vma_under_rcu()) finds X's VMA in the tree without
// mmap_lock, read-locks it (vma_start_read()) and checks it is not detached; then
// handle_mm_fault(FAULT_FLAG_VMA_LOCK) maps a new page (do_anonymous_page()). munmap() takes
// mmap_lock for write and gathers the range (vms_gather_munmap_vmas()): vma_start_write() of
// X waits for a fault that holds X's read lock, and marks X write-locked so that no later
// vma_start_read() gets it; then X is marked detached, taken out of the tree, mmap_lock is
// downgraded (which ends the VMA write locks: vma_end_write_all()), the PTEs are zapped and
// X's PTE table freed (free_pgtables(), under the read lock only), and X freed after an RCU
// grace period (remove_vma() -> vm_area_free(): call_rcu()). So the fault either finishes
// before the unmap (its page is then zapped with the range) or finds X write-locked or
// detached, falls back to mmap_lock (lock_mm_and_find_vma()), finds no VMA and raises SIGSEGV.
//
// X is the only VMA of the first 2 MiB range, so munmap() frees the range's PTE table.

import "munmap-test-helpers.mmk";

test "a store faulting under the VMA lock finishes before munmap() or is SIGSEGV" {
    kernel "linux-6.12";
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { X = 8; }
    expect violation(sigsegv);
    expect no violation(use_after_free);
    expect no violation(lost_write);
    expect no violation(page_leak);
    expect no violation(refcount);
    expect no violation(lock_hygiene);
    expect no violation(assertion);
    expect no violation(model_error);
}

test "the same, with the fault's page mapped: a COW-free write fault and the zap" {
    kernel "linux-6.12";
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    page P = 7;
    pte X -> P { accessed };
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { X = 8; }
    expect violation(sigsegv);
    expect no violation(use_after_free);
    expect no violation(lost_write);
    expect no violation(page_leak);
    expect no violation(refcount);
    expect no violation(lock_hygiene);
    expect no violation(assertion);
    expect no violation(model_error);
}

// 73046fd00b06: without the write lock, a fault that read-locked X before munmap() marked it
// detached keeps using it while munmap() zaps the range and frees its PTE table.
test "before 73046fd00b06: munmap() detaches X without write-locking it, under a fault that holds X's lock" {
    kernel "linux-6.12";
    import "gather-without-write-lock.mmk";
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { X = 8; }
    expect violation(use_after_free);
}

// 20cce633f425: without the grace period, the fault's lockless lookup reads X after munmap()
// freed it.
test "before 20cce633f425: munmap() frees X at once, under the fault's lockless lookup" {
    kernel "linux-6.12";
    import "remove-vma-without-rcu.mmk";
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { X = 8; }
    expect violation(use_after_free);
}
