// A flush skipped on every CPU by the x86 flush bookkeeping, from kernel history:
// aa44284960d5 ("x86/mm/tlb: Avoid reading mm_tlb_gen when possible", v6.0 merge window)
// let flush_tlb_func() return early when f->new_tlb_gen <= local_tlb_gen. The batched
// unmap flush (arch_tlbbatch_flush(), reclaim's try_to_unmap_flush()) passes
// full_flush_tlb_info, whose new_tlb_gen is 0: every CPU took it as an old flush already
// done and flushed nothing ("try_to_unmap_one() would not perform any TLB flushes",
// 8f1d56f64f8d's changelog, which fixed it by ignoring generation 0). No released kernel
// shipped the bug; here both forms are grafted onto v5.10's flush_tlb_func_common()
// (gen-zero-early-return.mmk, gen-zero-fix.mmk), over the x86 flush protocol as model code.
//
// Reclaim on cpu0 unmaps X's page with a batched flush, flushes the batch, and frees the
// page; cpu1 still caches a writable entry for X and stores through it.

test "8f1d56f64f8d: generation 0 is never taken as done, and the batch flushes cpu1" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "gen-zero-fix.mmk";
    // (no lost_write: the page goes nowhere, swap-out is not modelled)
    invariants: use_after_free, stale_tlb, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { reclaim_page(X); }
    cpu1 { X = 9; }
    expect safe;
}

test "aa44284960d5: the batched flush's generation 0 looks done, cpu1 stores into the freed page" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "gen-zero-early-return.mmk";
    invariants: use_after_free, stale_tlb, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { reclaim_page(X); }
    cpu1 { X = 9; }
    expect violation(use_after_free);
}

// shrink_page_list() for one mapped anonymous page, without swap-out: try_to_unmap() with
// TTU_BATCH_FLUSH (try_to_unmap_one()'s deferred-flush branch: the PTE cleared under the
// PTL, the flush batched), then try_to_unmap_flush() before the page is freed.
fn reclaim_page(addr) source "mm/vmscan.c:shrink_page_list@v5.10 (one page, TTU_BATCH_FLUSH; swap-out left out) with mm/rmap.c:try_to_unmap_one@v5.10" {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let pteval = ptep_get_and_clear(mm, addr, ptep);
    set_tlb_ubc_flush_pending(mm, pte_dirty(pteval));
    let page = pte_page(pteval);
    page_remove_rmap(page);
    spin_unlock(ptl);
    try_to_unmap_flush();
    put_page(page);
}
