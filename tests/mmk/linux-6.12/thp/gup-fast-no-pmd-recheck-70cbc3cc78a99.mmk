// gup_fast_pte_range() before 70cbc3cc78a99 ("mm: gup: fix the fast GUP race against THP
// collapse", Yang Shi, v6.0-rc, backported to v5.10.148): after the grab only the PTE is
// rechecked (`if (unlikely(pte_val(pte) != pte_val(*ptep)))`), not the PMD entry, so a walk
// that loaded the PMD entry before khugepaged cleared it keeps its pin. Otherwise 6.12's
// function (models/linux-6.12/gup.mmk).
override fn gup_fast_pte_range(pmd, pmdp, addr, end, flags, pages, nr) source "mm/gup.c:gup_fast_pte_range@v6.12 without the PMD recheck (before 70cbc3cc78a99)" {
    let ptep = pte_offset_map(pmd, addr);
    let pte = *ptep; // ptep_get_lockless()
    if pte_protnone(pte) {
        return 0;
    }
    if !pte_access_permitted(pte, flags & FOLL_WRITE) {
        return 0;
    }
    if pte_special(pte) {
        return 0;
    }
    let page = pte_page(pte);
    let folio = try_grab_folio_fast(page, 1, flags);
    if folio == null {
        return 0;
    }
    if !pte_same(pte, *ptep) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    if !gup_fast_folio_allowed(folio, flags) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    if !pte_write(pte) && gup_must_unshare(null, flags, page) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    *pages = page;
    *nr = *nr + 1;
    return 1;
}
