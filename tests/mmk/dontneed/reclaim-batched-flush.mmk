// Protects flush_tlb_batched_pending() in zap_pte_range() (3ea277194daa, v4.14): reclaim
// cleared X's PTE and batched its flush (try_to_unmap_one() with TTU_BATCH_FLUSH), then
// MADV_DONTNEED of X finds the PTE none, clears nothing, and would return while cpu1 still
// caches X -> P, although madvise(2) promises zero-fill pages from then on.
test "MADV_DONTNEED of a PTE reclaim cleared with its flush batched: flushed before the return" {
    kernel "linux-5.10";
    // P goes nowhere: swap-out is not modelled, so its contents would count as lost
    invariants: default - lost_write;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { reclaim_unmap_batched(X); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// try_to_unmap_one()'s deferred-flush branch, as in tests/mmk/mm/batched-flush.mmk: the PTE
// cleared under the PTL, the flush batched (set_tlb_ubc_flush_pending()), then the batch
// flushed once reclaim is done with its list (try_to_unmap_flush()). The rmap walk,
// page_remove_rmap() and the page's swap-out and free are left out.
fn reclaim_unmap_batched(addr) source "mm/rmap.c:try_to_unmap_one@v5.10 (should_defer_flush() branch) and mm/vmscan.c:try_to_unmap_flush()" {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let pteval = ptep_get_and_clear(mm, addr, ptep);
    set_tlb_ubc_flush_pending(mm, pte_dirty(pteval));
    spin_unlock(ptl);
    flush_tlb_mm(mm);
}
