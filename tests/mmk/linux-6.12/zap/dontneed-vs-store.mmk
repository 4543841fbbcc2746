// MADV_DONTNEED (6.12: madvise_dontneed_single_vma() -> zap_page_range_single(), under
// mmap_lock held for read) racing a store. The zap clears the PTE under the PTL and queues the
// page in the mmu_gather; tlb_finish_mmu() flushes and only then frees it. A store may land
// before the zap (discarded with the page), through CPU1's TLB entry between the zap and the
// flush (it raced with the call and is lost with the page), or after the flush (it faults in
// a new zero-filled page and must stay): the lost-write ghost checks all three.

test "6.12: a store racing MADV_DONTNEED may be lost with the page; one after it stays" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); let v = *X; }
    cpu1 { X = 9; }
    expect safe;
}

// Two calls on the same range and a writer: each discard lasts until its own zap and flush
// are done (tlb_finish_mmu()'s nested flush covers a PTE the second call found none).
test "6.12: two MADV_DONTNEEDs and a writer" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    cpu2 { X = 1; X = 9; }
    expect safe;
}

// The test can fail: a zap whose gather never shoots the TLBs down lets CPU1's store land in
// the freed page after madvise() returned.
test "6.12 mutation: tlb_flush() flushes nothing, the zapped page is written after its free" {
    kernel "linux-6.12";
    import "no-flush.mmk";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { X = 9; }
    expect violation(use_after_free);
}
