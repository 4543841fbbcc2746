// mremap() moving a VMA while another CPU faults on it under the per-VMA lock (6.12).
//
// mremap() holds mmap_lock for write. move_vma() write-locks the old VMA (vma_start_write():
// it waits for a fault holding the VMA's read lock, and no lock_vma_under_rcu() gets it
// afterwards), copy_vma() links the new VMA write-locked (vma_link()), move_ptes() moves each
// PTE under both PTLs and flushes the old range before it drops them, and do_vmi_munmap()
// takes the old VMA away. A fault on the old range therefore either completes before the move
// (its page moves with the range) or falls back to mmap_lock, waits, finds no VMA and is
// SIGSEGV; a store through a TLB entry that still maps the old address until the flush lands
// in the moved page, and the new address sees it.
//
// X[1] has no page: a store to it faults and do_anonymous_page() maps one. The check: CPU1
// stores X[1], then W; CPU0, after mremap() returned, reads W then Y[1]. If CPU1's W store
// is seen, its X[1] store retired before mremap() returned, so it must be at Y[1].

test "a store faulting under the VMA lock lands before the move, or is SIGSEGV" {
    kernel "linux-6.12";
    cpus 2;
    tables 3;
    vma X[2] at 0: anon private read write;
    vma W at 300: anon private read write;
    hole Y[2] at 600;
    page P = 7;
    page F = 0;
    pte X[0] -> P { write dirty accessed };
    pte W -> F { write dirty accessed };
    cpu0 {
        let r = mremap(X, 2, 2, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
        let w = *W;
        let y = *Y[1];
        assert(w == 0 || y == 8);
    }
    cpu1 { X[1] = 8; W = 1; }
    expect violation(sigsegv);
    expect no violation(assertion);
    expect no violation(lost_write);
    expect no violation(use_after_free);
    expect no violation(stale_tlb);
    expect no violation(page_leak);
    expect no violation(lock_hygiene);
    expect no violation(model_error);
}

// d6ac235de4ba: without the old VMA's write lock, the fault maps a page at X[1] after
// move_ptes() passed it; the store retires there, and do_vmi_munmap() throws the page away
// with the old range: mremap() returns with the store nowhere.
test "before d6ac235de4ba: move_vma() does not write-lock X, and a fault under X's lock maps a page behind the move" {
    kernel "linux-6.12";
    import "move-vma-without-write-lock.mmk";
    cpus 2;
    tables 3;
    vma X[2] at 0: anon private read write;
    vma W at 300: anon private read write;
    hole Y[2] at 600;
    page P = 7;
    page F = 0;
    pte X[0] -> P { write dirty accessed };
    pte W -> F { write dirty accessed };
    cpu0 {
        let r = mremap(X, 2, 2, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
        let w = *W;
        let y = *Y[1];
        assert(w == 0 || y == 8);
    }
    cpu1 { X[1] = 8; W = 1; }
    expect violation(assertion);
}

// A store through CPU1's cached entry of X races the move: it lands in P before the flush
// (and Y sees it: the lost-write ghost expects it at Y once move_ptes() moved the PTE), or it
// misses the TLB after the flush, faults, falls back to mmap_lock and finds no VMA.
test "a store through a stale TLB entry of the old address races the move" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 {
        let r = mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
        Y = Y + 1;
    }
    cpu1 { X = 8; }
    expect safe;
}
