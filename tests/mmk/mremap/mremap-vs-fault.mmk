// mremap() moving a VMA while another CPU stores to it.
//
// move_vma() (v5.10) holds mmap_lock for write: copy_vma() links a VMA at the target,
// move_ptes() moves each PTE under the old and the new PTL and flushes the old range before
// it drops them, and do_munmap() takes the old VMA away. A store to the old address either
// lands before the move (and is seen at the new one) or finds no VMA and is SIGSEGV; a store
// through a TLB entry that still maps the old address until the flush lands in the moved
// page, and the new address sees it too.

test "a store to the old address lands before the move, or is SIGSEGV" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y); }
    cpu1 { X = 8; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
    expect no violation(use_after_free);
}

test "a store to the new address before the move is SIGSEGV, after it lands" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y); }
    cpu1 { Y = Y + 1; }
    expect violation(sigsegv);
    expect no violation(lost_write);
}

test "a store racing the move, then the mover reads the new address" {
    kernel "linux-5.10";
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
