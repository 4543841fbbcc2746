// Test set-up for the MADV_FREE tests (not kernel code).
//
// Reclaim of the folio mapped at addr (kswapd, outside any mmu_gather, without mmap_lock
// for the unmap), as far as a lazyfree folio goes: folio_isolate_lru() (a reference),
// shrink_folio_list()'s folio lock, try_to_unmap() -> try_to_unmap_one()'s MADV_FREE check
// under the PTL, and the free of a discarded folio. The driver finds the folio through the
// PTE (kswapd finds it on an LRU list). Left out: the LRU lists, folio_check_references()
// (a referenced folio is reclaimed anyway), a swap-backed folio's swap-out (it is kept), the
// batched flush (the PTE is cleared with ptep_clear_flush(), as when should_defer_flush() is
// false), the rmap walk (the one mapping is at addr).
fn reclaim_lazyfree_at(addr) source "mmcheck: a test driver, mm/vmscan.c:shrink_folio_list@v6.12 -> mm/rmap.c:try_to_unmap_one@v6.12 (a lazyfree folio)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    mmap_read_unlock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    let ptent = *pte;
    if !pte_present(ptent) {
        pte_unmap_unlock(pte, ptl);
        return;
    }
    let folio = vm_normal_folio(vma, addr, ptent);
    folio_get(folio); // folio_isolate_lru()
    pte_unmap_unlock(pte, ptl);
    if !folio_trylock(folio) {
        folio_put(folio);
        return;
    }
    // shrink_folio_list(): a swap-backed anonymous folio would go to swap; kept here.
    if folio_test_swapbacked(folio) {
        folio_unlock(folio);
        folio_put(folio);
        return;
    }
    // try_to_unmap() -> try_to_unmap_one() (page_vma_mapped_walk(): the PTL, check_pte())
    pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    ptent = *pte;
    if !pte_present(ptent) || pte_page(ptent) != folio {
        pte_unmap_unlock(pte, ptl);
        folio_unlock(folio);
        folio_put(folio);
        return;
    }
    // Nuke the page table entry.
    let pteval = ptep_clear_flush(vma, addr, pte);
    // Set the dirty flag on the folio now the pte is gone.
    if pte_dirty(pteval) {
        set_bit(PG_dirty, &folio->flags); // folio_mark_dirty()
    }
    // MADV_FREE page check: "The only page refs must be one from isolation plus the
    // rmap(s) (dropped by discard:)."
    let ref_count = folio_ref_count(folio);
    let map_count = folio_mapcount(folio);
    if ref_count == 1 + map_count && !folio_test_dirty(folio) {
        // Ghost, not kernel code: the lazyfree contents go with the folio (zero-fill on
        // demand), unless something was stored since MADV_FREE.
        ghost_lazyfree_discard(vma, addr);
        // discard: folio_remove_rmap_pte(); folio_put() of the mapping's reference
        folio_remove_rmap_pte(folio, folio, vma);
        folio_put(folio);
        pte_unmap_unlock(pte, ptl);
        // shrink_folio_list(): the lazyfree folio is freed (folio_ref_freeze(folio, 1))
        folio_unlock(folio);
        folio_put(folio);
        return;
    }
    // "If the folio was redirtied, it cannot be discarded. Remap the page to page table."
    set_pte_at(mm, addr, pte, pteval);
    set_bit(PG_swapbacked, &folio->flags); // folio_set_swapbacked()
    pte_unmap_unlock(pte, ptl);
    folio_unlock(folio);
    folio_put(folio);
}
