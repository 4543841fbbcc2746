// 6.12's do_wp_page() (memory.mmk's text) with 6ce64428d620 ("mm/userfaultfd: fix memory
// corruption due to writeprotect", Nadav Amit, v5.12-rc3) reverted: the fault no longer
// flushes the TLB entries a uffd-wp change_protection() left pending before it decides to
// copy. A historical mutation, not a kernel version.
override fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v6.12 with 6ce64428d620 reverted" {
    let unshare = (vmf->flags & FAULT_FLAG_UNSHARE) != 0;
    let vma = vmf->vma;
    let folio = null;
    if !unshare {
        if userfaultfd_pte_wp(vma, *vmf->pte) {
            if !userfaultfd_wp_async(vma) {
                pte_unmap_unlock(vmf->pte, vmf->ptl);
                return handle_userfault(vmf, VM_UFFD_WP);
            }
            // "Nothing needed (cache flush, TLB invalidations, etc.) because we're only
            // removing the uffd-wp bit, which is completely invisible to the user."
            let pte = pte_clear_uffd_wp(*vmf->pte);
            set_pte_at(vma->vm_mm, vmf->address, vmf->pte, pte);
            // "Update this to be prepared for following up CoW handling"
            vmf->orig_pte = pte;
        }
        // 6ce64428d620 reverted: no flush of a pending uffd-wp TLB flush before the copy
    }
    // Ghost: from here the fault trusts that no CPU can write through a PTE it reads as
    // read-only under the PTL (the COW assumption). Not kernel code.
    assume_tlb_coherent(vma, vmf->address);
    vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
    if vmf->page != null {
        folio = page_folio(vmf->page);
    }
    // (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)): shared mappings are not modelled
    // "Private mapping: create an exclusive anonymous page copy if reuse is impossible. We
    // might miss VM_WRITE for FOLL_FORCE handling. If we encounter a page that is marked
    // exclusive, we must reuse the page without further checks."
    if folio != null && folio_test_anon(folio) && (PageAnonExclusive(vmf->page) || wp_can_reuse_anon_folio(folio, vma)) {
        if !PageAnonExclusive(vmf->page) {
            SetPageAnonExclusive(vmf->page);
        }
        if unshare {
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return 0;
        }
        wp_page_reuse(vmf, folio);
        return 0;
    }
    // "Ok, we need to copy. Oh, well.."
    if folio != null {
        folio_get(folio);
    }
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return wp_page_copy(vmf);
}
