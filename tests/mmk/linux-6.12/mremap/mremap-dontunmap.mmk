// mremap(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP), 6.12: the PTEs move to the new
// address as in any move, but the old VMA stays, empty (move_vma() skips do_vmi_munmap(),
// clears VM_LOCKED with vm_flags_clear() and unlinks the old VMA's anon_vma): the next access
// to the old address faults in a zero-filled page, as userfaultfd's live migration relies on
// (the old range registered with userfaultfd catches those faults). (Ported from
// tests/mmk/mremap/mremap-dontunmap.mmk.)

test "MREMAP_DONTUNMAP moves the page and leaves the old range mapped and empty" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let r = mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, Y);
        assert(r == Y);
        let y = *Y;
        assert(y == 7);
        let x = *X;
        assert(x == 0);
    }
    expect safe;
}

// A store through a stale TLB entry of the old address races the move: before the move's
// flush it lands in the moved page and is seen at the new address; after it, it faults a
// fresh page in at the old address, which stays mapped.
test "MREMAP_DONTUNMAP racing a store through a cached entry of the old address" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, Y); }
    cpu1 { X = 9; }
    expect safe;
}
