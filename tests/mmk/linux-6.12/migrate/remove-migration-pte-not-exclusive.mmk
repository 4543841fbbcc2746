// remove_migration_pte() without the exclusive marker (a mutation that restores the
// migration of before 6c287605fd56, "mm: remember exclusively mapped anonymous pages with
// PG_anon_exclusive", David Hildenbrand, v5.19-rc1, where entries recorded only
// writable/readable and nothing carried exclusivity across a migration): 6.12's text with
// `if (folio_test_anon(folio) && !is_readable_migration_entry(entry)) rmap_flags |=
// RMAP_EXCLUSIVE;` left out, so the destination is mapped maybe-shared.
override fn remove_migration_pte(folio, vma, addr, src) source "mm/migrate.c:remove_migration_pte@v6.12 without RMAP_EXCLUSIVE (before 6c287605fd56's exclusive entries)" {
    let mm = vma->vm_mm;
    let ptl = null;
    let ptep = page_vma_mapped_walk_pte(vma, addr, &ptl);
    if ptep == null {
        return true;
    }
    let old_pte = *ptep;
    if !is_swap_pte(old_pte) {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    let entry = pte_to_swp_entry(old_pte);
    if !is_migration_entry(entry) || migration_entry_to_page(entry) != folio_page(src, 0) {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    let rmap_flags = RMAP_NONE;
    let new = folio_page(folio, 0);
    folio_get(folio);
    let pte = mk_pte(new, vma->vm_page_prot);
    pte = pte_mkold(pte);
    if pte_swp_soft_dirty(old_pte) {
        pte = pte_mksoft_dirty(pte);
    } else {
        pte = pte_clear_soft_dirty(pte);
    }
    if is_write_migration_entry(entry) {
        pte = pte_mkwrite(pte);
    } else if pte_swp_uffd_wp(old_pte) {
        pte = pte_mkuffd_wp(pte);
    }
    // (no RMAP_EXCLUSIVE)
    folio_add_anon_rmap_pte(folio, new, vma, addr, rmap_flags);
    set_pte_at(mm, addr, ptep, pte);
    pte_unmap_unlock(ptep, ptl);
    return true;
}
