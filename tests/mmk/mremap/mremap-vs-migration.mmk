// mremap() racing a migration that finds the page through the rmap, without mmap_lock
// (CVE-2018-18281, fixed by eb66ae030829). move_pages(2) isolates P under mmap_lock held for
// read, then migrates it with the lock dropped: try_to_unmap() walks P's anon_vma, which
// copy_vma() has made reach the new VMA at Y too. mremap() moves X's PTE to Y; CPU0 still
// caches X -> P. If the PTLs drop before the old range's flush, the migration can take Y's
// PTL, replace P there, and free it while CPU0 still reads it through X: "the physical page
// stays valid until the TLB entry for the old mapping has been flushed" only when that flush
// comes before the new PTL is released.

test "v5.10: the old range is flushed before the new PTL drops, so the migrated page outlives every stale entry" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write accessed };
    tlb cpu0: X -> P { write };
    cpu0 { let v = *X; }
    cpu1 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y); }
    cpu2 { move_pages(X, MPOL_MF_MOVE); }
    expect safe;
}

test "v4.19-rc (before eb66ae030829): a clean PTE's flush waits for every PTL to drop, and the migration frees the page under a stale entry" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    import "move-ptes-v4.19.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    page P = 7;
    pte X -> P { write accessed };
    tlb cpu0: X -> P { write };
    cpu0 { let v = *X; }
    cpu1 { mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y); }
    cpu2 { move_pages(X, MPOL_MF_MOVE); }
    expect violation(use_after_free);
}
