// Nadav Amit's alternative 2 for special (struct-page-less) pages
// (https://lore.kernel.org/r/B8095F3C-81E3-4AF9-A6A5-F597D51264BD@gmail.com): such pages are
// copied through the user virtual address, so the PTE must still be present during the
// copy. Nadav: "For special pages we would need 2 TLB flushes: one to ensure the write-bit
// is cleared, and a second one after we clear the PTE." This variant: two flushes.
// The copy method is modelled on the scenario's anonymous page.
import "linux-5.10";

override fn wp_page_copy(vmf) source "mm/memory.c:wp_page_copy@v5.10 + namit alternative 2, special-page copy (two flushes)" {
    let vma = vmf->vma;
    let mm = vma->vm_mm;
    let old_page = vmf->page;
    let page_copied = 0;
    // anon_vma_prepare() cannot fail here; the zero page is not modelled.
    let new_page = alloc_page_vma(vma, vmf->address);
    if new_page == null {
        if old_page != null {
            put_page(old_page);
        }
        return VM_FAULT_OOM;
    }
    // The copy moves below, under the PTL, through the user address.
    // mem_cgroup_charge(), __SetPageUptodate(), mmu_notifier_invalidate_range_start(): not modelled
    vmf->pte = pte_offset_map(mm, vmf->address);
    vmf->ptl = pte_lockptr(mm, vmf->pte);
    spin_lock(vmf->ptl);
    if pte_same(*vmf->pte, vmf->orig_pte) {
        // mm counters and flush_cache_page(): nothing modelled
        let entry = mk_pte(new_page, vma->vm_page_prot);
        // pte_sw_mkyoung() is a no-op on x86
        entry = maybe_mkwrite(pte_mkdirty(entry), vma);
        // Flush #1: make sure no CPU still holds a writable translation before copying
        // through the user address.
        flush_tlb_page(vma, vmf->address);
        // __copy_from_user_inatomic(): the PTE must still be present to copy through it
        if !copy_from_user_inatomic(new_page, vmf->address) {
            BUG_ON(true);
        }
        // Flush #2
        ptep_clear_flush_notify(vma, vmf->address, vmf->pte);
        page_add_new_anon_rmap(new_page, vma, vmf->address);
        lru_cache_add_inactive_or_unevictable(new_page, vma);
        // set_pte_at_notify()
        set_pte_at(mm, vmf->address, vmf->pte, entry);
        if old_page != null {
            page_remove_rmap(old_page);
        }
        new_page = old_page;
        page_copied = 1;
    }
    if new_page != null {
        put_page(new_page);
    }
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    if old_page != null {
        // VM_LOCKED munlock: not modelled
        put_page(old_page);
    }
    if page_copied {
        return VM_FAULT_WRITE;
    }
    return 0;
}
