// munmap() of part of a VMA (v5.10): __do_munmap() splits the VMA at the range's ends
// (__split_vma(): a copy takes one side, vma_adjust() shrinks the original and links the
// copy) before it detaches and zaps the range, all under mmap_lock held for write (then
// read, for the zap). Stores to the pages left mapped land; a store to the unmapped one
// lands before the unmap or is SIGSEGV.

test "munmap of the middle page leaves both sides mapped and reachable" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[3]: anon private read write;
    page P = 7;
    page Q = 8;
    page R = 9;
    pte X[0] -> P { write dirty accessed };
    pte X[1] -> Q { write dirty accessed };
    pte X[2] -> R { write dirty accessed };
    cpu0 {
        let r = munmap(X[1], 1);
        assert(r == 0);
    }
    cpu1 { X[0] = 1; X[2] = 3; }
    expect safe;
}

test "a store to the page munmap takes lands before the unmap or is SIGSEGV" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { write dirty accessed };
    tlb cpu1: X[0] -> P { write dirty };
    cpu0 { munmap(X[0], 1); }
    cpu1 { X[0] = 1; X[1] = 2; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(use_after_free);
}

test "with the rmap, move_pages finds a page in either half of a split VMA" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, sigsegv, use_after_free, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[3]: anon private read write;
    page P = 7;
    page R = 9;
    pte X[0] -> P { write dirty accessed };
    pte X[2] -> R { write dirty accessed };
    cpu0 { munmap(X[1], 1); }
    cpu1 { move_pages(X[2], MPOL_MF_MOVE); X[2] += 1; }
    expect safe;
}
