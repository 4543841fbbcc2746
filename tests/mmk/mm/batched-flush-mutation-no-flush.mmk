// Reclaim may clear a PTE and defer its flush past the PTL (try_to_unmap_one() with
// TTU_BATCH_FLUSH), advertising it only in mm->tlb_flush_batched. The next path to change
// PTEs of the mm under the PTL calls flush_tlb_batched_pending() first, which flushes the
// whole mm if the flag is set and clears it. Here mprotect() of X runs while reclaim's
// flush of Y is still deferred: cpu2's entry for Y is stale but owed a flush throughout.
// Mutation: flush_tlb_batched_pending() clears the flag without the flush. Once mprotect()
// drops mmap_lock, cpu2 still caches Y writable while nothing advertises the owed flush.
test "flush_tlb_batched_pending() that clears the flag without flushing" {
    kernel "linux-5.10";
    // Y's page goes nowhere: swap-out is not modelled, so its contents would count as lost
    invariants: default - lost_write;
    cpus 3;
    vma X: anon private read write;
    vma Y: anon private read write;
    page P = 7;
    page Q = 8;
    pte X -> P { write dirty accessed };
    pte Y -> Q { write dirty accessed };
    tlb cpu2: Y -> Q { write dirty };
    cpu0 { reclaim_unmap_batched(Y); }
    cpu1 { mprotect(X, 1, PROT_READ); }
    expect violation(stale_tlb);
}

// try_to_unmap_one()'s deferred-flush branch: the PTE cleared under the PTL, the flush
// batched (set_tlb_ubc_flush_pending()), then the batch flushed once reclaim is done with
// its list (try_to_unmap_flush(): this task's batch covers the mm's CPUs, flush_tlb_mm()
// here). The rmap walk, page_remove_rmap() and the page's swap-out and free are left out.
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

override fn flush_tlb_batched_pending(mm) source "mm/rmap.c:flush_tlb_batched_pending@v5.10, mutated: no flush_tlb_mm()" {
    if mm->tlb_flush_batched {
        mm->tlb_flush_batched = false;
    }
}
