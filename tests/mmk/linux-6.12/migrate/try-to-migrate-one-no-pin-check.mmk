// try_to_migrate_one() that clears PageAnonExclusive without asking whether the folio may be
// pinned (a mutation of the rule 6c287605fd56, "mm: remember exclusively mapped anonymous
// pages with PG_anon_exclusive", v5.19-rc1, introduced and 088b8aa537c2, "mm: fix
// PageAnonExclusive clearing racing with concurrent RCU GUP-fast", v6.1-rc1, ordered after
// the PTE clear): ClearPageAnonExclusive() where 6.12 calls
// folio_try_share_anon_rmap_pte() and backs off on -EBUSY. Otherwise 6.12's function
// (models/linux-6.12/migrate.mmk).
override fn try_to_migrate_one(folio, vma, address, flags) source "mm/rmap.c:try_to_migrate_one@v6.12 without the pin check of folio_try_share_anon_rmap_pte() (a mutation)" {
    let mm = vma->vm_mm;
    let ptl = null;
    let ptep = page_vma_mapped_walk_pte(vma, address, &ptl);
    if ptep == null {
        return true;
    }
    let pte = *ptep;
    if !pte_present(pte) || pte_page(pte) != folio_page(folio, 0) {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    let subpage = folio_page(folio, 0);
    let anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(subpage);
    let pteval = ptep_clear_flush(vma, address, ptep);
    BUG_ON(pte_write(pteval) && folio_test_anon(folio) && !anon_exclusive);
    if anon_exclusive {
        ClearPageAnonExclusive(subpage); // (no folio_maybe_dma_pinned() check)
    }
    let entry = null;
    if pte_write(pteval) {
        entry = make_migration_entry(subpage, true);
    } else {
        entry = make_migration_entry(subpage, false);
    }
    let swp_pte = swp_entry_to_pte(entry);
    if pte_soft_dirty(pteval) {
        swp_pte = pte_swp_mksoft_dirty(swp_pte);
    }
    if pte_uffd_wp(pteval) {
        swp_pte = pte_swp_mkuffd_wp(swp_pte);
    }
    set_pte_at(mm, address, ptep, swp_pte);
    folio_remove_rmap_pte(folio, subpage, vma);
    folio_put(folio);
    pte_unmap_unlock(ptep, ptl);
    return true;
}
