// A mutation the page_leak invariant exists for (mutants of the v5.10 tree, issue 10): the
// last put_page(old_page) of wp_page_copy() deleted. The COW copy is made and mapped, the
// old page loses its mapping but keeps the reference the fault took: it is never freed.

test "wp_page_copy() without its put_page(old_page) leaks the old page" {
    kernel "linux-5.10";
    invariants: page_leak;
    cpus 1;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty };
    pte X[1] -> P { dirty };
    cpu0 { X[0] = 1; }
    expect violation(page_leak);
}

override fn wp_page_copy(vmf) source "mm/memory.c:wp_page_copy@v5.10, mutated: the last put_page(old_page) deleted" {
    let vma = vmf->vma;
    let mm = vma->vm_mm;
    let old_page = vmf->page;
    let page_copied = 0;
    // anon_vma_prepare() cannot fail here
    let new_page = null;
    if is_zero_pfn(pte_pfn(vmf->orig_pte)) {
        new_page = alloc_zeroed_user_highpage_movable(vma, vmf->address);
        if new_page == null {
            return VM_FAULT_OOM;
        }
    } else {
        new_page = alloc_page_vma(vma, vmf->address);
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
    // (deleted: put_page(old_page))
    if page_copied {
        return VM_FAULT_WRITE;
    }
    return 0;
}
