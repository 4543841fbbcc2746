// fork() racing a write by another thread of the parent: copy_present_pte() write-protects
// the parent's PTE without a flush, and dup_mmap() flushes the parent's TLBs once, after
// the copy and before it drops the parent's mmap_lock. Until then a parent thread with a
// writable TLB entry still writes the page the child now shares (the kernel accepts this:
// the write is concurrent with the fork); after it, the next write faults and copies.
// Without the flush the parent keeps writing into the child's page after fork returned.

test "fork write-protects the parent's PTE and flushes before it returns" {
    kernel "linux-5.10";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { fork_mm(); }
    cpu1 { X = 8; X = 9; }
    expect safe;
}

test "without dup_mmap()'s flush the parent's stale entry outlives fork" {
    kernel "linux-5.10";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { fork_mm_without_flush(); }
    cpu1 { X = 8; X = 9; }
    expect violation(stale_tlb);
}

// dup_mm() with dup_mmap() minus its flush_tlb_mm(oldmm) (a bug, for the test), for the
// scenario's one VMA (no VM_DONTCOPY, VM_WIPEONFORK or anon_vma_fork(), a no-op in the tree).
fn fork_mm_without_flush() source "kernel/fork.c:dup_mm@v5.10 -> dup_mmap(), mutated: no flush_tlb_mm(oldmm)" {
    let oldmm = current_mm();
    let mm = allocate_mm();
    mmap_write_lock(oldmm);
    mmap_write_lock(mm);
    let tmp = vm_area_dup(oldmm->mmap, mm);
    mm->mmap = tmp;
    copy_page_range(tmp, oldmm->mmap);
    mmap_write_unlock(mm);
    mmap_write_unlock(oldmm);
}
