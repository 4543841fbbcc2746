// A flush skipped on every CPU by the x86 flush bookkeeping, from kernel history:
// aa44284960d5 ("x86/mm/tlb: Avoid reading mm_tlb_gen when possible", v6.0 merge window)
// let flush_tlb_func() return early when f->new_tlb_gen <= local_tlb_gen. The batched
// unmap flush (arch_tlbbatch_flush(), reclaim's try_to_unmap_flush()) passes a
// flush_tlb_info whose new_tlb_gen is 0: every CPU took it as an old flush already done and
// flushed nothing ("try_to_unmap_one() would not perform any TLB flushes", 8f1d56f64f8d's
// changelog, which fixed it by ignoring generation 0, TLB_GENERATION_INVALID). No released
// kernel shipped the bug. 6.12's flush_tlb_func() has both (models/arch/x86-tlb-v6.12.mmk);
// gen-zero-early-return.mmk restores the early return without the exception.
//
// Reclaim on cpu0 unmaps X's folio with a batched flush (cpu1 is in the mm's cpumask, so
// should_defer_flush() defers), flushes the batch, and frees the folio; cpu1 still caches a
// writable entry for X and stores through it.

test "6.12 (8f1d56f64f8d): generation 0 is never taken as done, and the batch flushes cpu1" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    // (no lost_write: the folio goes nowhere, swap-out is not modelled)
    invariants: use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { reclaim_page(X); }
    cpu1 { X = 9; }
    expect safe;
}

test "aa44284960d5 (fixed by 8f1d56f64f8d): the batched flush's generation 0 looks done, cpu1 stores into the freed folio" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    import "gen-zero-early-return.mmk";
    invariants: use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { reclaim_page(X); }
    cpu1 { X = 9; }
    expect violation(use_after_free);
}

// Test set-up (not kernel code): shrink_folio_list() for the one anonymous folio mapped at
// addr, without swap-out: folio_isolate_lru()'s reference, try_to_unmap() ->
// try_to_unmap_one() with TTU_BATCH_FLUSH (should_defer_flush(): the PTE cleared under the
// PTL, the flush batched by set_tlb_ubc_flush_pending()), then try_to_unmap_flush() before
// the folio is freed. The driver finds the folio through the PTE and the VMA with find_vma()
// (kswapd finds them on an LRU list and through the rmap). Left out: the LRU lists, the folio
// lock, folio_check_references(), the swap cache and pageout() (a dirty anonymous folio is
// freed here as if written out), the rmap walk (the one mapping is at addr), mlock.
fn reclaim_page(addr) source "mmcheck: a test driver, mm/vmscan.c:shrink_folio_list@v6.12 -> mm/rmap.c:try_to_unmap_one@v6.12 (TTU_BATCH_FLUSH; swap-out left out)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    mmap_read_unlock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    let page = pte_page(*pte);
    let folio = page_folio(page);
    folio_get(folio); // folio_isolate_lru()
    let pteval = null;
    // should_defer_flush(mm, TTU_BATCH_FLUSH)
    if arch_tlbbatch_should_defer(mm) {
        // We clear the PTE but do not flush so potentially a remote CPU could still be
        // writing to the folio.
        pteval = ptep_get_and_clear(mm, addr, pte);
        set_tlb_ubc_flush_pending(mm, pteval, addr);
    } else {
        pteval = ptep_clear_flush(vma, addr, pte);
    }
    folio_remove_rmap_pte(folio, page, vma);
    folio_put(folio);
    pte_unmap_unlock(pte, ptl);
    // shrink_folio_list(): try_to_unmap_flush() before the folios are freed
    try_to_unmap_flush();
    folio_put(folio);
}
