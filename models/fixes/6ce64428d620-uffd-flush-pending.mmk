// 6ce64428d620 "mm/userfaultfd: fix memory corruption due to writeprotect"
// (Nadav Amit, v5.12-rc3; stable 5.9+). In do_wp_page(), with the PTL held, flush the
// page's TLB entries if the VMA is uffd-wp registered and a flush is pending on the mm,
// before deciding to reuse or copy.
import "linux-5.10";

override fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v5.10 + 6ce64428d620" {
    let vma = vmf->vma;
    if userfaultfd_pte_wp(vma, *vmf->pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return handle_userfault(vmf, VM_UFFD_WP);
    }
    // The fix: userfaultfd_wp() && mm_tlb_flush_pending() -> flush_tlb_page()
    if userfaultfd_wp(vmf->vma) && mm_tlb_flush_pending(vmf->vma->vm_mm) {
        flush_tlb_page(vmf->vma, vmf->address);
    }
    assume_tlb_coherent(vma, vmf->address);
    vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
    if vmf->page == null {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return wp_page_copy(vmf);
    }
    if PageAnon(vmf->page) {
        let page = vmf->page;
        if page_count(page) != 1 {
            return do_wp_page_copy(vmf);
        }
        if !trylock_page(page) {
            return do_wp_page_copy(vmf);
        }
        if page_mapcount(page) != 1 || page_count(page) != 1 {
            unlock_page(page);
            return do_wp_page_copy(vmf);
        }
        unlock_page(page);
        wp_page_reuse(vmf);
        return VM_FAULT_WRITE;
    }
    return do_wp_page_copy(vmf);
}
