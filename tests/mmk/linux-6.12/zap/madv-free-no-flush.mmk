// A mutation (not a kernel version): madvise_free_pte_range() cleans the PTE without
// recording it in the mmu_gather (no tlb_remove_tlb_entries()), so nothing flushes it.
override fn madvise_free_folio(tlb, vma, addr, pte, ptent, folio) source "mm/madvise.c:madvise_free_pte_range@v6.12 (a present PTE), mutated: no tlb_remove_tlb_entries()" {
    if folio_test_swapcache(folio) || folio_test_dirty(folio) {
        if !folio_trylock(folio) {
            return;
        }
        if folio_mapcount(folio) != folio_nr_pages(folio) {
            folio_unlock(folio);
            return;
        }
        folio_clear_dirty(folio);
        folio_unlock(folio);
    }
    if pte_young(ptent) || pte_dirty(ptent) {
        clear_young_dirty_ptes(vma, addr, pte, 1, CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY);
    }
    folio_mark_lazyfree(folio);
    ghost_lazyfree(vma, addr);
}
