// mremap()'s PTE move before eb66ae030829 ("mremap: properly flush TLB before releasing the
// page", Oct 2018, CVE-2018-18281), as the v4.19-rc text has it: only a dirty PTE is flushed
// in move_ptes(), and after the new PTL is already released; a clean one only sets
// *need_flush, and move_page_tables() flushes the old range once every PTL is dropped. The
// rest is the v5.10 tree's (5d1904204c99's dirty-PTE flush, v4.9, is kept).

override fn move_page_tables(vma, old_addr, new_vma, new_addr, len) source "mm/mremap.c:move_page_tables@v4.19-rc (before eb66ae030829)" {
    let old_end = old_addr + len;
    let need_flush = false;
    let extent = 0;
    while old_addr < old_end {
        let next = (old_addr + PMD_SIZE) & PMD_MASK;
        extent = next - old_addr;
        if extent > old_end - old_addr {
            extent = old_end - old_addr;
        }
        let old_pmd = get_old_pmd(vma->vm_mm, old_addr);
        if old_pmd != null {
            let new_pmd = pmd_offset(vma->vm_mm, new_addr); // alloc_new_pmd()
            if pmd_trans_huge(*old_pmd) {
                not_modelled(); // move_huge_pmd(), split_huge_pmd()
            }
            if pmd_none(*new_pmd) && __pte_alloc(new_vma->vm_mm, new_pmd) != 0 {
                break;
            }
            next = (new_addr + PMD_SIZE) & PMD_MASK;
            if extent > next - new_addr {
                extent = next - new_addr;
            }
            move_ptes_v4_19(vma, old_pmd, old_addr, old_addr + extent, new_vma, new_pmd, new_addr, &need_flush);
        }
        old_addr = old_addr + extent;
        new_addr = new_addr + extent;
    }
    if need_flush {
        flush_tlb_range(vma, old_end - len, old_addr);
    }
    return len + old_addr - old_end;
}

fn move_ptes_v4_19(vma, old_pmd, old_addr, old_end, new_vma, new_pmd, new_addr, need_flush) source "mm/mremap.c:move_ptes@v4.19-rc (before eb66ae030829)" {
    let mm = vma->vm_mm;
    let force_flush = false;
    let len = old_end - old_addr;
    let old_pte = pte_offset_map(old_pmd, old_addr);
    let old_ptl = pte_lockptr(mm, old_pte);
    spin_lock(old_ptl);
    let new_pte = pte_offset_map(new_pmd, new_addr);
    let new_ptl = pte_lockptr(mm, new_pte);
    if new_ptl != old_ptl {
        spin_lock(new_ptl);
    }
    flush_tlb_batched_pending(vma->vm_mm);
    while old_addr < old_end {
        old_pte = pte_offset_map(old_pmd, old_addr);
        new_pte = pte_offset_map(new_pmd, new_addr);
        if !pte_none(*old_pte) {
            let pte = ptep_get_and_clear(mm, old_addr, old_pte);
            // If we are remapping a dirty PTE, make sure to flush TLB before we drop the
            // PTL for the old PTE or we may race with page_mkclean().
            let page = null;
            if pte_present(pte) {
                page = pte_page(pte);
                if pte_dirty(pte) {
                    force_flush = true;
                }
            }
            pte = move_soft_dirty_pte(pte);
            set_pte_at(mm, new_addr, new_pte, pte);
            ghost_move(vma, old_addr, new_addr, page);
        }
        old_addr = old_addr + PAGE_SIZE;
        new_addr = new_addr + PAGE_SIZE;
    }
    if new_ptl != old_ptl {
        spin_unlock(new_ptl);
    }
    if force_flush {
        flush_tlb_range(vma, old_end - len, old_end);
    } else {
        *need_flush = true;
    }
    pte_unmap_unlock(old_pte, old_ptl);
}
