// khugepaged's collapse of an anonymous PTE table into a huge PMD leaf, as of v5.10
// (mm/khugepaged.c collapse_huge_page(), __collapse_huge_page_isolate(),
// __collapse_huge_page_copy(); text read from a 5.10.13 tree, unchanged since v5.10 in these
// functions). The model's huge page is one frame, so a range can be collapsed only where the
// scenario has one page in its 2 MiB range: the other 511 PTEs are none, which
// khugepaged_max_ptes_none (511 by default) allows.
//
// Left out: khugepaged's scan (khugepaged_scan_pmd()'s pre-checks; khugepaged_collapse()
// stands for a scan that found the range collapsible), hugepage_vma_revalidate() and
// mm_find_pmd() rechecks (the layout does not change), swap-in, the anon_vma lock (no rmap
// walker is modelled), mmu notifiers, memcg charging, the page's LRU isolation
// (isolate_lru_page() and putback_lru_page() take and drop one reference), compound
// source pages, the young and swap-cache checks.

// include/linux/huge_mm.h: a 2 MiB range, in pages
const HPAGE_PMD_SIZE = 512;

// khugepaged_scan_pmd() -> collapse_huge_page() for the range holding address, entered with
// mmap_lock held for read (collapse_huge_page() "will return with the mmap_lock released").
fn khugepaged_collapse(address) source "mm/khugepaged.c:khugepaged_scan_pmd@v5.10 (a scan that found the range collapsible)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    collapse_huge_page(mm, address & ~(HPAGE_PMD_SIZE - 1));
}

fn collapse_huge_page(mm, address) source "mm/khugepaged.c:collapse_huge_page@v5.10" {
    // "release the mmap_lock read lock ... We will recheck the vma after taking it again in
    // write mode."
    mmap_read_unlock(mm);
    // khugepaged_alloc_page(): the model's huge page is one frame
    let new_page = alloc_page();
    if new_page == null {
        return; // SCAN_ALLOC_HUGE_PAGE_FAIL
    }
    // "Prevent all access to pagetables with the exception of gup_fast later handled by the
    // ptep_clear_flush and the VM handled by the anon_vma lock + PG_lock."
    mmap_write_lock(mm);
    let vma = find_vma(mm, address);
    let pmd = pmd_offset(mm, address);
    let pte = pte_offset_map(pmd, address);
    let pte_ptl = pte_lockptr(mm, pte);
    let pmd_ptl = pmd_lock(mm, pmd); // probably unnecessary
    // "After this gup_fast can't run anymore. This also removes any huge TLB entry from the
    // CPU so we won't allow huge and small TLB entries for the same virtual address"
    let _pmd = pmdp_collapse_flush(vma, address, pmd);
    spin_unlock(pmd_ptl);
    spin_lock(pte_ptl);
    let isolated = __collapse_huge_page_isolate(vma, address, pte);
    spin_unlock(pte_ptl);
    if !isolated {
        spin_lock(pmd_ptl);
        BUG_ON(!pmd_none(*pmd));
        // "We can only use set_pmd_at when establishing hugepmds and never for establishing
        // regular pmds that points to regular pagetables. Use pmd_populate for that"
        pmd_populate(mm, pmd, pmd_pgtable(_pmd));
        spin_unlock(pmd_ptl);
        mmap_write_unlock(mm);
        put_page(new_page); // (*hpage is kept for the next scan; here it goes back)
        return;
    }
    __collapse_huge_page_copy(pte, new_page, vma, address, pte_ptl);
    // __SetPageUptodate(): not modelled; smp_wmb(): every step is in program order here
    let pgtable = pmd_pgtable(_pmd);
    let huge = mk_huge_pmd(new_page, vma->vm_page_prot);
    huge = maybe_pmd_mkwrite(pmd_mkdirty(huge), vma);
    spin_lock(pmd_ptl);
    BUG_ON(!pmd_none(*pmd));
    page_add_new_anon_rmap(new_page, vma, address);
    lru_cache_add_inactive_or_unevictable(new_page, vma);
    // pgtable_trans_huge_deposit(mm, pmd, pgtable): the old table stays allocated, unlinked,
    // for a later split (the model keeps no deposit list)
    set_pmd_at(mm, address, pmd, huge);
    // update_mmu_cache_pmd(): nothing on x86
    spin_unlock(pmd_ptl);
    mmap_write_unlock(mm);
}

// mm/pgtable-generic.c (x86 has no override): the PMD entry cleared, then the range
// flushed, which on x86 waits for every CPU of the mm to take the flush IPI.
fn pmdp_collapse_flush(vma, address, pmdp) source "mm/pgtable-generic.c:pmdp_collapse_flush@v5.10" {
    let pmd = pmdp_huge_get_and_clear(vma->vm_mm, address, pmdp);
    flush_tlb_range(vma, address, address + HPAGE_PMD_SIZE);
    return pmd;
}

// include/linux/huge_mm.h
fn maybe_pmd_mkwrite(pmd, vma) source "mm/huge_memory.c:maybe_pmd_mkwrite@v5.10" {
    if vma->vm_flags & VM_WRITE {
        pmd = pmd_mkwrite(pmd);
    }
    return pmd;
}

// Under the old table's PTL, with the PMD entry already cleared. One page (the others of the
// range are none): "Check if the page has any GUP (or other external) pins. The page table
// that maps the page has been already unlinked from the page table tree and this process
// cannot get an additinal pin on the page."
fn __collapse_huge_page_isolate(vma, address, pte) source "mm/khugepaged.c:__collapse_huge_page_isolate@v5.10" {
    let pteval = *pte;
    if pte_none(pteval) || !pte_present(pteval) {
        return false; // a range with no page to collapse, or SCAN_PTE_NON_PRESENT
    }
    let page = vm_normal_page(vma, address, pteval);
    if page == null {
        return false; // SCAN_PAGE_NULL
    }
    if !trylock_page(page) {
        return false; // SCAN_PAGE_LOCK
    }
    if !is_refcount_suitable(page) {
        unlock_page(page);
        return false; // SCAN_PAGE_COUNT
    }
    // isolate_lru_page(), the young and swap-cache checks: not modelled
    if !pte_write(pteval) {
        unlock_page(page);
        return false; // SCAN_PAGE_RO
    }
    return true;
}

// mm/khugepaged.c: the page's references are its mappings (and the swap cache's, not
// modelled).
fn is_refcount_suitable(page) source "mm/khugepaged.c:is_refcount_suitable@v5.10" {
    return page_count(page) == page_mapcount(page);
}

// One page: copied into the huge page, its PTE cleared (pte_clear(), no flush: the PMD
// entry is gone and was flushed), its mapping and reference dropped.
fn __collapse_huge_page_copy(pte, page, vma, address, ptl) source "mm/khugepaged.c:__collapse_huge_page_copy@v5.10" {
    let src_page = pte_page(*pte);
    copy_user_highpage(page, src_page);
    // release_pte_page(): unlock_page(), putback_lru_page() (not modelled)
    unlock_page(src_page);
    spin_lock(ptl);
    ptep_get_and_clear(vma->vm_mm, address, pte); // pte_clear()
    page_remove_rmap(src_page);
    spin_unlock(ptl);
    // free_page_and_swap_cache(): no swap cache here
    put_page(src_page);
}
