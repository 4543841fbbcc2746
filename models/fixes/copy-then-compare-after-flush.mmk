// Peter Xu's proposal (https://lore.kernel.org/r/20201221215526.GK6640@xz-x1), with the compare
// after ptep_clear_flush(): the PTE is clear and every stale TLB entry is gone, so the old
// page's contents are final.
import "linux-5.10";

override fn wp_page_copy(vmf) source "mm/memory.c:wp_page_copy@v5.10 + peterx copy-then-compare, compare after the flush" {
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
    if !cow_user_page(new_page, old_page, vmf) {
        put_page(new_page);
        if old_page != null {
            put_page(old_page);
        }
        return 0;
    }
    // mem_cgroup_charge(), __SetPageUptodate(), mmu_notifier_invalidate_range_start(): not modelled
    vmf->pte = pte_offset_map(mm, vmf->address);
    vmf->ptl = pte_lockptr(mm, vmf->pte);
    spin_lock(vmf->ptl);
    if pte_same(*vmf->pte, vmf->orig_pte) {
        // mm counters and flush_cache_page(): nothing modelled
        let entry = mk_pte(new_page, vma->vm_page_prot);
        // pte_sw_mkyoung() is a no-op on x86
        entry = maybe_mkwrite(pte_mkdirty(entry), vma);
        ptep_clear_flush_notify(vma, vmf->address, vmf->pte);
        // data_same() after the flush: a change since the copy is taken again, now that no
        // CPU can write the old page.
        if memcmp_pages(new_page, old_page) != 0 {
            copy_user_highpage(new_page, old_page);
        }
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
