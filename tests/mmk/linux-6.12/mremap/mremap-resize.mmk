// mremap() in place (6.12): a shrink unmaps the tail with do_vmi_munmap(unlock = true), which
// splits the VMA (both halves write-locked), downgrades mmap_lock to read before the zap and
// drops it, so faults on the rest of the VMA (under its VMA lock once the downgrade ended the
// write locks) run beside the zap; a growth into the free range after the VMA extends it
// (vma_expandable(), vma_merge_extend() -> vma_merge_new_range() -> vma_expand(): the VMA
// write-locked, its vm_end moved). (Ported from tests/mmk/mremap/mremap-resize.mmk.)

test "a shrinking mremap zaps the tail under the read lock, racing stores to both halves" {
    kernel "linux-6.12";
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
    kernel "linux-6.12";
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
    kernel "linux-6.12";
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
