// mmap() of an anonymous private mapping (v5.10, models/linux-5.10/mmap.mmk) racing a store
// to its range. mmap_region() links the new VMA under mmap_lock held for write: a store
// before that finds no VMA and is SIGSEGV, one after faults a zero-filled page in. MAP_FIXED
// over a mapped VMA unmaps it first (munmap_vma_range()): a store through a stale TLB entry
// before the zap's flush goes with the discarded page; after it, the store lands in the new
// mapping.

test "a store to a hole mmap() is filling is SIGSEGV before the link, and lands after" {
    kernel "linux-5.10";
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
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 0: anon private read write;
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
    kernel "linux-5.10";
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
