// mm/memory.c as of v5.10: the page-fault paths.
// Not modelled: THP and hugetlb, swap, file-backed and shared mappings, KSM, memcg
// charging, mmu notifiers (no secondary MMUs). Comments mark where code is elided.

fn handle_mm_fault(vma, address, flags) source "mm/memory.c:handle_mm_fault@v5.10" {
    __set_current_state(TASK_RUNNING);
    // count_vm_event(), mem_cgroup_enter_user_fault(): no shared state modelled
    return __handle_mm_fault(vma, address, flags);
}

fn __handle_mm_fault(vma, address, flags) source "mm/memory.c:__handle_mm_fault@v5.10" {
    let vmf = struct vm_fault { .vma = vma, .address = address, .flags = flags };
    // The pgd/p4d/pud/pmd levels are always present here, and never huge.
    return handle_pte_fault(vmf);
}

fn handle_pte_fault(vmf) source "mm/memory.c:handle_pte_fault@v5.10" {
    let mm = vmf->vma->vm_mm;
    vmf->pte = pte_offset_map(mm, vmf->address);
    vmf->orig_pte = *vmf->pte;
    if pte_none(vmf->orig_pte) {
        vmf->pte = null;
    }
    if vmf->pte == null {
        // vma_is_anonymous(): only anonymous VMAs are modelled
        return do_anonymous_page(vmf);
    }
    if !pte_present(vmf->orig_pte) {
        // do_swap_page(): swap entries are not modelled
        return VM_FAULT_SIGBUS;
    }
    if pte_protnone(vmf->orig_pte) && vma_is_accessible(vmf->vma) {
        return do_numa_page(vmf);
    }
    vmf->ptl = pte_lockptr(mm, vmf->pte);
    spin_lock(vmf->ptl);
    let entry = vmf->orig_pte;
    if !pte_same(*vmf->pte, entry) {
        // update_mmu_tlb() is a no-op on x86
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    if vmf->flags & FAULT_FLAG_WRITE {
        if !pte_write(entry) {
            return do_wp_page(vmf);
        }
        entry = pte_mkdirty(entry);
    }
    entry = pte_mkyoung(entry);
    // update_mmu_cache() and flush_tlb_fix_spurious_fault() are no-ops on x86
    ptep_set_access_flags(vmf->vma, vmf->address, vmf->pte, entry, vmf->flags & FAULT_FLAG_WRITE);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return 0;
}

// Entered with the PTL held. v5.9+ reuse rule (09854ba94c6a): reuse only if page_count is 1.
fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v5.10" {
    let vma = vmf->vma;
    if userfaultfd_pte_wp(vma, *vmf->pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return handle_userfault(vmf, VM_UFFD_WP);
    }
    // Ghost: from here the fault trusts that no CPU can write through a PTE it reads as
    // read-only under the PTL (the COW assumption). Not kernel code.
    assume_tlb_coherent(vma, vmf->address);
    vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
    if vmf->page == null {
        // wp_pfn_shared() and special pages: not modelled
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return wp_page_copy(vmf);
    }
    if PageAnon(vmf->page) {
        let page = vmf->page;
        // PageKsm(): KSM is not modelled
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
    // wp_page_shared(): shared mappings are not modelled
    return do_wp_page_copy(vmf);
}

// The `copy:` label at the end of do_wp_page(), as a function (the language has no goto).
fn do_wp_page_copy(vmf) source "mm/memory.c:do_wp_page@v5.10 (label copy:)" {
    get_page(vmf->page);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return wp_page_copy(vmf);
}

// Entered with the PTL held; releases it. An upgrade: no TLB flush.
fn wp_page_reuse(vmf) source "mm/memory.c:wp_page_reuse@v5.10" {
    let vma = vmf->vma;
    // page_cpupid_xchg_last(), flush_cache_page(): nothing modelled / no-op on x86
    let entry = pte_mkyoung(vmf->orig_pte);
    entry = maybe_mkwrite(pte_mkdirty(entry), vma);
    ptep_set_access_flags(vma, vmf->address, vmf->pte, entry, 1);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
}

// Entered without the PTL, holding a reference on the old page.
fn wp_page_copy(vmf) source "mm/memory.c:wp_page_copy@v5.10" {
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
    if old_page != null {
        // VM_LOCKED munlock: not modelled
        put_page(old_page);
    }
    if page_copied {
        return VM_FAULT_WRITE;
    }
    return 0;
}

// The normal-page case: a plain copy, without the PTL. (The src == NULL case copies
// through the user address; PFN mappings are not modelled.)
fn cow_user_page(dst, src, vmf) source "mm/memory.c:cow_user_page@v5.10" {
    copy_user_highpage(dst, src);
    return true;
}

fn do_anonymous_page(vmf) source "mm/memory.c:do_anonymous_page@v5.10" {
    let vma = vmf->vma;
    if vma->vm_flags & VM_SHARED {
        return VM_FAULT_SIGBUS;
    }
    // pte_alloc(), pmd_trans_unstable(): the PTE table always exists
    // Use the zero-page for reads (mm_forbids_zeropage() is false on x86)
    if !(vmf->flags & FAULT_FLAG_WRITE) {
        // mutate: equivalent(swap-adjacent) the two commute: mk_pte() reads vm_page_prot, written only under mmap_lock held for write, which this fault excludes (it holds it for read), and pte_offset_map() only computes the PTE's address
        let zentry = pte_mkspecial(mk_pte(ZERO_PAGE(vmf->address), vma->vm_page_prot));
        vmf->pte = pte_offset_map(vma->vm_mm, vmf->address);
        vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
        spin_lock(vmf->ptl);
        if !pte_none(*vmf->pte) {
            // update_mmu_tlb() is a no-op on x86
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return 0;
        }
        if userfaultfd_missing(vma) {
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return handle_userfault(vmf, VM_UFFD_MISSING);
        }
        // setpte:
        set_pte_at(vma->vm_mm, vmf->address, vmf->pte, zentry);
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    let page = alloc_zeroed_user_highpage_movable(vma, vmf->address);
    if page == null {
        return VM_FAULT_OOM;
    }
    let entry = mk_pte(page, vma->vm_page_prot);
    if vma->vm_flags & VM_WRITE {
        entry = pte_mkwrite(pte_mkdirty(entry));
    }
    vmf->pte = pte_offset_map(vma->vm_mm, vmf->address);
    vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
    spin_lock(vmf->ptl);
    if !pte_none(*vmf->pte) {
        // release:
        // mutate: equivalent(swap-adjacent) the new page was never published (no PTE, rmap or pagevec holds it): no other CPU can reach it, so its put_page() commutes with the unlock
        put_page(page);
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    if userfaultfd_missing(vma) {
        // mutate: equivalent(swap-adjacent) the new page was never published (no PTE, rmap or pagevec holds it): no other CPU can reach it, so its put_page() commutes with the unlock
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        put_page(page);
        return handle_userfault(vmf, VM_UFFD_MISSING);
    }
    // mutate: equivalent(swap-adjacent) not observable here: the model has no LRU lists and no reclaim, and its page_add_new_anon_rmap() sets no page flag; in v5.10 the rmap comes first so that its non-atomic __SetPageSwapBacked() and the anon/file LRU choice precede a pagevec drain that makes the page PageLRU, visible to reclaim
    page_add_new_anon_rmap(page, vma, vmf->address);
    // mutate: equivalent(swap-adjacent) the PTL is held across both: every path that reads or drops the page's references (zap, COW) takes it first, the pagevec is this CPU's own, and a user access through the new PTE touches only the frame (GUP-fast, not modelled, would only take and drop references of its own)
    lru_cache_add_inactive_or_unevictable(page, vma);
    set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return 0;
}

// NUMA hinting fault on a PROT_NONE PTE. Migration is not modelled: the page stays put.
fn do_numa_page(vmf) source "mm/memory.c:do_numa_page@v5.10" {
    let vma = vmf->vma;
    // pte_savedwrite() is pte_write() on x86
    let was_writable = pte_write(vmf->orig_pte);
    vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
    spin_lock(vmf->ptl);
    if !pte_same(*vmf->pte, vmf->orig_pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    let old_pte = ptep_modify_prot_start(vma, vmf->address, vmf->pte);
    let pte = pte_modify(old_pte, vma->vm_page_prot);
    pte = pte_mkyoung(pte);
    if was_writable {
        pte = pte_mkwrite(pte);
    }
    // mutate: equivalent(swap-adjacent) vm_normal_page() reads only the local pte value (pte_special(), pte_pfn(), is_zero_pfn(), pte_page() are pure), so it commutes with the commit
    ptep_modify_prot_commit(vma, vmf->address, vmf->pte, old_pte, pte);
    let page = vm_normal_page(vma, vmf->address, pte);
    if page == null {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    // numa_migrate_prep(): takes a reference for the migration
    get_page(page);
    // mutate: equivalent(swap-adjacent) under the PTL the PTE still maps the page, so this put_page() cannot drop the last reference; dropping it before the unlock only hides the extra reference from other CPUs (e.g. a do_wp_page() reuse test, itself under this PTL), which removes behaviours and breaks nothing
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    // target_nid == NUMA_NO_NODE (one node): put_page() and done
    put_page(page);
    return 0;
}
