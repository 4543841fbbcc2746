// zap_present_folio_ptes() with the order of v6.1's zap_pte_range(), before 5df397dec7c4
// ("mm: delay page_remove_rmap() until after the TLB has been flushed", v6.2): a dirty file
// page forces the flush before the PTL is dropped, but its rmap is removed at once, before
// that flush (page_remove_rmap(page, vma, false) right after the PTE is cleared).
override fn zap_present_folio_ptes(tlb, vma, folio, page, pte, ptent, nr, addr, force_flush, force_break) source "mm/memory.c:zap_pte_range@v6.1 (before 5df397dec7c4), in 6.12's zap_present_folio_ptes()" {
    let mm = tlb->mm;
    ptent = ptep_get_and_clear(mm, addr, pte);
    if !folio_test_anon(folio) {
        if pte_dirty(ptent) {
            *force_flush = true;
            set_bit(PG_dirty, &folio->flags); // set_page_dirty(page)
        }
    }
    ghost_discard(vma, addr, page);
    tlb_remove_tlb_entries(tlb, pte, nr, addr);
    folio_remove_rmap_pte(folio, page, vma); // page_remove_rmap(page, vma, false)
    if __tlb_remove_folio_pages(tlb, page, nr, false) {
        *force_flush = true;
        *force_break = true;
    }
}
