// collapse_huge_page() as before 2ba99c5e0881 ("mm/khugepaged: fix GUP-fast interaction by
// sending IPI", Jann Horn, v6.1, Cc: stable; backported to 5.15.y in Dec 2022): no
// tlb_remove_table_sync_one() after pmdp_collapse_flush(). "Since commit 70cbc3cc78a99 ("mm:
// gup: fix the fast GUP race against THP collapse"), the lockless_pages_from_mm() fastpath
// rechecks the pmd_t to ensure that the page table was not removed by khugepaged in between.
// However, lockless_pages_from_mm() still requires that the page table is not concurrently
// freed. Fix it by sending IPIs (if the architecture uses semi-RCU-style page table
// freeing) before freeing/reusing page tables."
//
// The mutation makes the call a no-op in collapse_huge_page() only: 6.12's other callers
// of tlb_remove_table_sync_one() (the mmu_gather's table freeing) are left as they are.
override fn collapse_huge_page(mm, address, referenced, unmapped) source "mm/khugepaged.c:collapse_huge_page@v6.12 without tlb_remove_table_sync_one() (before 2ba99c5e0881)" {
    mmap_read_unlock(mm);
    let folio = null;
    let result = alloc_charge_folio(&folio, mm);
    if result != SCAN_SUCCEED {
        return collapse_out_nolock(folio, result);
    }
    mmap_read_lock(mm);
    let vma = null;
    result = hugepage_vma_revalidate(mm, address, true, &vma);
    if result != SCAN_SUCCEED {
        mmap_read_unlock(mm);
        return collapse_out_nolock(folio, result);
    }
    let pmd = null;
    result = find_pmd_or_thp_or_none(mm, address, &pmd);
    if result != SCAN_SUCCEED {
        mmap_read_unlock(mm);
        return collapse_out_nolock(folio, result);
    }
    mmap_read_unlock(mm);
    mmap_write_lock(mm);
    result = hugepage_vma_revalidate(mm, address, true, &vma);
    if result != SCAN_SUCCEED {
        return collapse_out_up_write(mm, folio, result);
    }
    result = check_pmd_still_valid(mm, address, pmd);
    if result != SCAN_SUCCEED {
        return collapse_out_up_write(mm, folio, result);
    }
    vma_start_write(vma);
    anon_vma_lock_write(vma->anon_vma);
    let pmd_ptl = pmd_lock(mm, pmd);
    let _pmd = pmdp_collapse_flush(vma, address, pmd);
    spin_unlock(pmd_ptl);
    // (no tlb_remove_table_sync_one())
    let pte_ptl = null;
    let pte = pte_offset_map_lock(mm, &_pmd, address, &pte_ptl);
    if pte != null {
        result = __collapse_huge_page_isolate(vma, address, pte);
        spin_unlock(pte_ptl);
    } else {
        result = SCAN_PMD_NULL;
    }
    if result != SCAN_SUCCEED {
        if pte != null {
            pte_unmap(pte);
        }
        spin_lock(pmd_ptl);
        BUG_ON(!pmd_none(*pmd));
        pmd_populate(mm, pmd, pmd_pgtable(_pmd));
        spin_unlock(pmd_ptl);
        anon_vma_unlock_write(vma->anon_vma);
        return collapse_out_up_write(mm, folio, result);
    }
    anon_vma_unlock_write(vma->anon_vma);
    result = __collapse_huge_page_copy(pte, folio, pmd, _pmd, vma, address, pte_ptl);
    pte_unmap(pte);
    if result != SCAN_SUCCEED {
        return collapse_out_up_write(mm, folio, result);
    }
    let pgtable = pmd_pgtable(_pmd);
    _pmd = mk_huge_pmd(folio_page(folio, 0), vma->vm_page_prot);
    _pmd = maybe_pmd_mkwrite(pmd_mkdirty(_pmd), vma);
    spin_lock(pmd_ptl);
    BUG_ON(!pmd_none(*pmd));
    folio_add_new_anon_rmap(folio, vma, address, RMAP_EXCLUSIVE);
    folio_add_lru_vma(folio, vma);
    pgtable_trans_huge_deposit(mm, pmd, pgtable);
    set_pmd_at(mm, address, pmd, _pmd);
    spin_unlock(pmd_ptl);
    folio = null;
    return collapse_out_up_write(mm, folio, SCAN_SUCCEED);
}
