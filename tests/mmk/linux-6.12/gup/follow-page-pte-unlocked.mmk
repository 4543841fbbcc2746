// A mutant of 6.12's follow_page_pte() for gup-vs-dontneed.mmk: the PTE read and the page
// named before the PTL is taken. Not a kernel version: a check that the scenario can fail.
override fn follow_page_pte(vma, address, pmd, flags, pgmap) source "mm/gup.c:follow_page_pte@v6.12 with the PTE read before the PTL (a mutant)" {
    let mm = vma->vm_mm;
    let ptep = pte_offset_map(pmd, address);
    let pte = *ptep;
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    if !pte_present(pte) {
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    let page = vm_normal_page(vma, address, pte);
    if (flags & FOLL_WRITE) && !can_follow_write_pte(pte, page, vma, flags) {
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    if page == null {
        page = pte_page(pte);
    }
    if !pte_write(pte) && gup_must_unshare(vma, flags, page) {
        pte_unmap_unlock(ptep, ptl);
        return -EMLINK;
    }
    let ret = try_grab_folio(page_folio(page), 1, flags);
    if ret != 0 {
        pte_unmap_unlock(ptep, ptl);
        return ret;
    }
    pte_unmap_unlock(ptep, ptl);
    return page;
}
