// mremap() in place (v5.10): a shrink unmaps the tail with __do_munmap(), which downgrades
// mmap_lock to read before the zap (85a06835f6f1, v4.20), so faults on the rest of the VMA
// run beside the zap; a growth into the free range after the VMA moves its vm_end
// (vma_expandable(), vma_adjust()).

test "a shrinking mremap zaps the tail under the read lock, racing stores to both halves" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    page Q = 8;
    pte X[0] -> P { write dirty accessed };
    pte X[1] -> Q { write dirty accessed };
    tlb cpu1: X[1] -> Q { write dirty };
    cpu0 {
        let r = mremap(X, 2, 1, 0, 0);
        assert(r == X);
    }
    cpu1 { X[0] = 1; X[1] = 9; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
    expect no violation(use_after_free);
    expect no violation(assertion);
}

test "a growing mremap moves vm_end over a free range, racing a store to it" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 0: anon private read write;
    hole Y at 1;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let r = mremap(X, 1, 2, 0, 0);
        assert(r == X);
        Y = 5;
    }
    cpu1 { Y = 6; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(assertion);
}

test "a growing mremap into a mapped range without MREMAP_MAYMOVE fails with -ENOMEM" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    vma X at 0: anon private read write;
    vma Z at 1: anon private read;
    cpu0 {
        let r = mremap(X, 1, 2, 0, 0);
        assert(r == -ENOMEM);
    }
    expect safe;
}
