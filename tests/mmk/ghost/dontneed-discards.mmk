// MADV_DONTNEED of private anonymous memory throws the contents away: a later access finds
// a zero-filled page (madvise(2)). The zap calls ghost_discard() where it clears each PTE
// and madvise() calls ghost_discard_done() once the zap and its flush are over; a store
// that lands in a zapped page in between races with the discard and may be lost with it.

test "MADV_DONTNEED, then a read finds 0" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); let v = *X; }
    expect safe;
}

// CPU1's store may land before the zap (discarded with the page), through its TLB entry
// between the zap and the flush (lost with the page: it raced with the call), or after the
// flush (it faults in a new page and must stay).
test "a store racing MADV_DONTNEED may be lost with the page; one after it stays" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); let v = *X; }
    cpu1 { X = 9; }
    expect safe;
}

// Two calls on the same range: each one's discard lasts until its own zap and flush are
// done. CPU2's second store may go through an entry filled after CPU0's flush into the page
// CPU1 is zapping; it races with CPU1's call, not CPU0's, and may be lost with that page.
test "two MADV_DONTNEEDs and a writer: each discard lasts until its own call's flush" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    cpu2 { X = 1; X = 9; }
    expect safe;
}
