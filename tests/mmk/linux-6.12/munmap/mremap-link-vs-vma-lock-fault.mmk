// vma_link() (6.12, mm/vma.c) write-locks a new VMA before it stores it into the tree:
// "Lock the VMA since it is modified after insertion". mremap()'s copy_vma() links the copy
// at the target, then move_vma() moves the old range's PTEs into it (move_page_tables()). A
// store to the target racing the move either comes before the link (no VMA: SIGSEGV) or finds
// the new VMA write-locked, falls back to mmap_lock, waits for mremap() and lands in the
// moved page. A VMA visible in the tree before it is write-locked would let the fault
// read-lock it (lock_vma_under_rcu()) and map a zero-filled page at the target, which
// move_ptes() then overwrites with the moved one: the store is lost.

test "mremap(): a store to the target before the move is SIGSEGV, after it lands in the moved page" {
    kernel "linux-6.12";
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let r = mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
    }
    cpu1 { Y = 8; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(use_after_free);
    expect no violation(stale_tlb);
    expect no violation(page_leak);
    expect no violation(refcount);
    expect no violation(lock_hygiene);
    expect no violation(assertion);
    expect no violation(model_error);
}
