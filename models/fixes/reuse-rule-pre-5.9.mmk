// The reuse rule before 09854ba94c6a ("mm: do_wp_page() simplification", v5.9): an
// anonymous page is reused when it is mapped once (reuse_swap_page()), whatever its
// refcount. do_wp_page() as of v5.8 (text read from a v5.7 tree; the function did not
// change in v5.8). KSM and swap are not modelled.
import "linux-5.10";

override fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v5.8" {
    let vma = vmf->vma;
    if userfaultfd_pte_wp(vma, *vmf->pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return handle_userfault(vmf, VM_UFFD_WP);
    }
    assume_tlb_coherent(vma, vmf->address);
    vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
    if vmf->page == null {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return wp_page_copy(vmf);
    }
    if PageAnon(vmf->page) {
        if !trylock_page(vmf->page) {
            get_page(vmf->page);
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            lock_page(vmf->page);
            vmf->pte = pte_offset_map(vma->vm_mm, vmf->address);
            vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
            spin_lock(vmf->ptl);
            if !pte_same(*vmf->pte, vmf->orig_pte) {
                unlock_page(vmf->page);
                pte_unmap_unlock(vmf->pte, vmf->ptl);
                put_page(vmf->page);
                return 0;
            }
            put_page(vmf->page);
        }
        if reuse_swap_page(vmf->page) {
            // total_map_swapcount == 1: page_move_anon_rmap() (rmap is not modelled)
            unlock_page(vmf->page);
            wp_page_reuse(vmf);
            return VM_FAULT_WRITE;
        }
        unlock_page(vmf->page);
    }
    return do_wp_page_copy(vmf);
}

// mm/swapfile.c: with no swap, the count is the mapcount (page_trans_huge_map_swapcount()).
fn reuse_swap_page(page) source "mm/swapfile.c:reuse_swap_page@v5.8 (no swap)" {
    return page_mapcount(page) <= 1;
}
