// 70cbc3cc78a99 "mm: gup: fix the fast GUP race against THP collapse" (Yang Shi; v6.0,
// backported to v5.10.148): gup_pte_range() is given the PMD pointer and backs off if the
// PMD entry changed as well as the PTE, so a walk that loaded the PMD entry before
// khugepaged cleared it does not keep its pin.

override fn gup_pgd_range(addr, end, flags, pages, nr) source "mm/gup.c:gup_pmd_range@v5.10.148 (70cbc3cc78a99)" {
    let pmdp = pmd_offset(current_mm(), addr);
    let pmd = *pmdp;
    if pmd_none(pmd) {
        return;
    }
    if pmd_trans_huge(pmd) {
        gup_huge_pmd(pmd, pmdp, addr, end, flags, pages, nr);
        return;
    }
    gup_pte_range_pmdp(pmd, pmdp, addr, end, flags, pages, nr);
}

// gup_pte_range() with its new pmdp argument (a new name: an override keeps its arity).
fn gup_pte_range_pmdp(pmd, pmdp, addr, end, flags, pages, nr) source "mm/gup.c:gup_pte_range@v5.10.148 (70cbc3cc78a99)" {
    let ptep = pte_offset_map(pmd, addr);
    let pte = *ptep;
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
    let head = try_grab_compound_head(page, 1, flags);
    if head == null {
        return 0;
    }
    if !pmd_same(pmd, *pmdp) || !pte_same(pte, *ptep) {
        put_compound_head(head, 1, flags);
        return 0;
    }
    *pages = page;
    *nr = *nr + 1;
    return 1;
}
