// reclaim's batched flush against flush_tlb_batched_pending() under another PTL (v5.10):
// CPU0 is kswapd, reclaiming outside any mmu_gather (MADV_PAGEOUT's gather would keep
// tlb_flush_pending raised and hide the race). CPU1's MADV_DONTNEED of Y (another 2 MiB
// range, so another PTE table and PTL) sees mm->tlb_flush_batched set by CPU0's first
// swap-out, flushes, and clears the flag; if
// CPU0's second swap-out has cleared Z's PTE and set the flag again in between, the clear
// wipes that out while CPU2, which loaded Z after CPU1's flush, still caches it: nobody is
// bound to flush it any more
// (Huang Ying, "mm/rmap: fix potential batched TLB flush race", Nov 2021: "Although both
// set_tlb_ubc_flush_pending() and flush_tlb_batched_pending() are called with PTL locked,
// different PTL instances may be used").

test "v5.10: a flush_tlb_batched_pending() under another PTL clears a flag set meanwhile" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    frames 5;
    swap_slots 2;
    vma X: anon private read write;
    vma Z: anon private read write;
    vma Y at 600: anon private read write;
    page P = 5;
    page Q = 6;
    pte X -> P { write };
    pte Z -> Q { write };
    cpu0 { kswapd_reclaim_page_at(X); kswapd_reclaim_page_at(Z); }
    cpu1 { madvise(Y, 1, MADV_DONTNEED); }
    cpu2 { let v = *Z; }
    expect violation(stale_tlb);
}

// The fix: the flag is a count, and the clear a compare-and-exchange with the value the
// flush was for; the second swap-out's raise survives it.
test "with the count, the raise made during the flush survives its clear" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    import "fixes/batched-flush-atomic-flag.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    frames 5;
    swap_slots 2;
    vma X: anon private read write;
    vma Z: anon private read write;
    vma Y at 600: anon private read write;
    page P = 5;
    page Q = 6;
    pte X -> P { write };
    pte Z -> Q { write };
    cpu0 { kswapd_reclaim_page_at(X); kswapd_reclaim_page_at(Z); }
    cpu1 { madvise(Y, 1, MADV_DONTNEED); }
    cpu2 { let v = *Z; }
    expect safe;
}
