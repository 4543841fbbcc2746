// mmap() of an anonymous private mapping (6.12: __mmap_region()) racing a store to its
// range. The new VMA is write-locked and stored into the tree under mmap_lock held for write:
// a store before that finds no VMA and is SIGSEGV, one after faults a zero-filled page in
// (under the VMA lock once mmap_write_unlock() ended the write lock). MAP_FIXED over a mapped
// VMA gathers it as munmap() does (vms_gather_munmap_vmas(): write-locked, detached), clears
// its PTEs while it is still in the tree (vms_clean_up_area()), stores the new VMA over it and
// frees it (vms_complete_munmap_vmas()): a store through a stale TLB entry before the zap's
// flush goes with the discarded page; after it, the store lands in the new mapping. (Ported
// from tests/mmk/mmap/mmap-vs-fault.mmk.)

test "a store to a hole mmap() is filling is SIGSEGV before the link, and lands after" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    cpu0 { mmap(Y, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED); }
    cpu1 { Y = 5; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(use_after_free);
}

test "mmap(MAP_FIXED) over a mapped page: a racing store goes with the old page or lands in the new mapping" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 0: anon private read write;
    // a spare VMA object: 6.12 allocates the new VMA before it frees the one it replaces
    hole Z at 1000;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 {
        let r = mmap(X, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
        assert(r == X);
    }
    cpu1 { X = 8; }
    expect safe;
}

test "MAP_FIXED_NOREPLACE over a mapped VMA fails, and a hint at a free range is taken" {
    kernel "linux-6.12";
    invariants: assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    cpu0 {
        let r = mmap(X, 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
        assert(r == -EEXIST);
        r = mmap(Y, 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
        assert(r == Y);
    }
    expect safe;
}
