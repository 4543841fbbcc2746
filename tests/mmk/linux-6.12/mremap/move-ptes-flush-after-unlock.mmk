// Not a test: move_ptes() flushing the old range only after it dropped both PTLs, the order
// before eb66ae030829 ("mremap: properly flush TLB before releasing the page", Linus
// Torvalds, v4.20-rc1; CVE-2018-18281, found by Jann Horn): between the unlock and the flush,
// whoever reaches the page through the new PTE (reclaim or truncation of a file page in the
// original report; a migration here) can free it while another CPU still writes to it
// through its cached entry of the old address. The rest is 6.12's text (mremap.mmk).
override fn move_ptes(vma, old_pmd, old_addr, old_end, new_vma, new_pmd, new_addr, need_rmap_locks) source "mm/mremap.c:move_ptes@v6.12 with the flush after the PTLs drop, as before eb66ae030829" {
    let need_clear_uffd_wp = vma_has_uffd_without_event_remap(vma);
    let mm = vma->vm_mm;
    let force_flush = false;
    let len = old_end - old_addr;
    if need_rmap_locks {
        take_rmap_locks(vma);
    }
    let old_ptl = null;
    let old_pte = pte_offset_map_lock(mm, old_pmd, old_addr, &old_ptl);
    let new_ptl = null;
    let new_pte = pte_offset_map_nolock(mm, new_pmd, new_addr, &new_ptl);
    if new_ptl != old_ptl {
        spin_lock(new_ptl); // spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING)
    }
    flush_tlb_batched_pending(vma->vm_mm);
    while old_addr < old_end {
        old_pte = pte_offset_map(old_pmd, old_addr); // old_pte++
        new_pte = pte_offset_map(new_pmd, new_addr); // new_pte++
        if !pte_none(*old_pte) {
            let pte = ptep_get_and_clear(mm, old_addr, old_pte);
            // If we are remapping a valid PTE, make sure to flush TLB before we drop the PTL
            // for the PTE.
            let page = null;
            if pte_present(pte) {
                force_flush = true;
                page = pte_page(pte);
            }
            pte = move_soft_dirty_pte(pte);
            if need_clear_uffd_wp && pte_marker_uffd_wp(pte) {
                pte_clear(mm, new_addr, new_pte);
            } else {
                if need_clear_uffd_wp {
                    if pte_present(pte) {
                        pte = pte_clear_uffd_wp(pte);
                    } else if is_swap_pte(pte) {
                        pte = pte_swp_clear_uffd_wp(pte);
                    }
                }
                set_pte_at(mm, new_addr, new_pte, pte);
            }
            // Ghost, not kernel code: new_addr now holds what old_addr held.
            ghost_move(vma, old_addr, new_addr, page);
        }
        old_addr = old_addr + PAGE_SIZE;
        new_addr = new_addr + PAGE_SIZE;
    }
    if new_ptl != old_ptl {
        spin_unlock(new_ptl);
    }
    pte_unmap(new_pte);
    pte_unmap_unlock(old_pte, old_ptl);
    // before eb66ae030829: the flush after both PTLs are dropped (v4.19's move_ptes() flushed
    // in move_page_tables(), after the loop over the PMDs)
    if force_flush {
        flush_tlb_range(vma, old_end - len, old_end);
    }
    if need_rmap_locks {
        drop_rmap_locks(vma);
    }
    return 0;
}
