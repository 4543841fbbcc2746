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
    // pgd_offset(), p4d_alloc(), pud_alloc(), pmd_alloc(): the levels above the PMD entry
    // always exist here; huge PUDs and PMDs (THP) are not modelled.
    vmf->pmd = pmd_offset(vma->vm_mm, address);
    return handle_pte_fault(vmf);
}

fn handle_pte_fault(vmf) source "mm/memory.c:handle_pte_fault@v5.10" {
    let mm = vmf->vma->vm_mm;
    if pmd_none(*vmf->pmd) {
        vmf->pte = null;
    } else {
        // pmd_devmap_trans_unstable(): no huge PMDs here
        vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
        vmf->orig_pte = *vmf->pte;
        if pte_none(vmf->orig_pte) {
            vmf->pte = null;
        }
    }
    if vmf->pte == null {
        // vma_is_anonymous(): only anonymous VMAs are modelled
        return do_anonymous_page(vmf);
    }
    if !pte_present(vmf->orig_pte) {
        return do_swap_page(vmf);
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
    // mutate: equivalent(swap-adjacent) vm_normal_page() computes from vmf->orig_pte, the fault's local copy of the PTE, and reads nothing shared; assume_tlb_coherent() is a ghost check that writes nothing: either order gives the same steps
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
        // The early out before the page lock. Without it the recheck below, under the same
        // PTL, tests page_count(page) != 1 again.
        // mutate: equivalent(disable-recheck) the recheck below tests page_count(page) != 1 again under the same PTL; a count that falls to 1 between the two reads gives the states of the same put_page() before this read, and the page lock then taken on a shared page only delays another page-lock user (in the tree only this function takes it, under the one PTL; the lock is released on every path)
        if page_count(page) != 1 {
            return do_wp_page_copy(vmf);
        }
        if !trylock_page(page) {
            return do_wp_page_copy(vmf);
        }
        // The recheck under the page lock. In v5.10 a page's count can rise while this fault
        // holds the PTL (GUP-fast, LRU isolation by reclaim or compaction, the swap cache)
        // and KSM can merge the page (the PageKsm() half of this test). In the tree every
        // reference and every mapping of a mapped page is taken under the PTL, so with
        // page_count 1 above (and 1 <= page_mapcount <= page_count) both are still 1 here.
        // (Even a lockless GUP-fast pin taken between the two checks would give the states
        // of one taken after the unlock_page() below and before wp_page_reuse() writes the
        // PTE, which v5.10 allows too.)
        // mutate: equivalent(disable-recheck) not observable here: page_count was 1 above, and nothing in the tree raises page_count or page_mapcount of a mapped page without the PTL this fault holds (no GUP-fast, no LRU isolation, no swap cache, no KSM); telling it apart needs one of those
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
    if anon_vma_prepare(vma) != 0 {
        return VM_FAULT_OOM;
    }
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
            // mutate: equivalent(delete-put) not observable here: the model's cow_user_page() cannot fail; v5.10's fails only for a source without a struct page (src == NULL: a VM_PFNMAP/VM_MIXEDMAP mapping) whose PTE changed while the user copy faulted, and PFN mappings are not modelled
            put_page(new_page);
            if old_page != null {
                // mutate: equivalent(delete-put) dead code in v5.10 too: cow_user_page() fails only when its src, old_page, is NULL (the struct-page case always copies and returns true), so old_page != NULL never holds here
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
        // mutate: equivalent(swap-adjacent) entry is built from new_page and vma->vm_flags alone, not from the PTE the clear changes, and vm_flags cannot change while the fault holds mmap_lock for read (it is guarded_by mmap_lock)
        entry = maybe_mkwrite(pte_mkdirty(entry), vma);
        // mutate: equivalent(swap-adjacent) page_add_new_anon_rmap() writes only new_page, which no other CPU can reach until set_pte_at() below maps it; the clear and flush touch the old PTE and the TLBs only
        ptep_clear_flush_notify(vma, vmf->address, vmf->pte);
        // Both on new_page, still private. In v5.10 page_add_new_anon_rmap() also sets
        // PG_swapbacked with the non-atomic __SetPageSwapBacked(), which the LRU add reads
        // to pick the anon list: after lru_cache_add() a drained pagevec would have put the
        // page on the file LRU, and the plain store would race the LRU's own flag updates.
        // mutate: equivalent(swap-adjacent) not observable here: PG_swapbacked and the LRU lists are not modelled (page_add_new_anon_rmap() omits __SetPageSwapBacked(), __pagevec_lru_add_fn() only sets PG_lru); both calls touch only new_page, private to this CPU, and this CPU's own pagevec (a full one drains pages the rmap call does not touch)
        page_add_new_anon_rmap(new_page, vma, vmf->address);
        // mutate: equivalent(swap-adjacent) the PTL is held across both: every kernel path of the tree that could reach new_page through its new PTE (zap, mprotect, uffd-wp, clear_refs, a fault) takes it first, and a user access through the PTE touches neither new_page's counts nor the pagevec
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
    // pte_alloc()
    if pmd_none(*vmf->pmd) && __pte_alloc(vma->vm_mm, vmf->pmd) {
        return VM_FAULT_OOM;
    }
    // pmd_trans_unstable(): no huge PMDs here
    // Use the zero-page for reads (mm_forbids_zeropage() is false on x86)
    if !(vmf->flags & FAULT_FLAG_WRITE) {
        // mutate: equivalent(swap-adjacent) the two commute: mk_pte() reads vm_page_prot, written only under mmap_lock held for write, which this fault excludes (it holds it for read), and pte_offset_map() only computes the PTE's address
        let zentry = pte_mkspecial(mk_pte(ZERO_PAGE(vmf->address), vma->vm_page_prot));
        vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
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
    // Allocate our own private page.
    if anon_vma_prepare(vma) != 0 {
        return VM_FAULT_OOM;
    }
    let page = alloc_zeroed_user_highpage_movable(vma, vmf->address);
    if page == null {
        return VM_FAULT_OOM;
    }
    let entry = mk_pte(page, vma->vm_page_prot);
    if vma->vm_flags & VM_WRITE {
        entry = pte_mkwrite(pte_mkdirty(entry));
    }
    vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
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

// A PTE table for a none PMD entry: allocated before the lock, published under it unless
// another CPU populated the entry meanwhile (then freed). mm_inc_nr_ptes() is left out;
// smp_wmb() (the zeroed table visible before the entry) holds here, every step being in
// program order.
fn __pte_alloc(mm, pmd) source "mm/memory.c:__pte_alloc@v5.10" {
    let new = pte_alloc_one(mm);
    if new == null {
        return -ENOMEM;
    }
    let ptl = pmd_lock(mm, pmd);
    if pmd_none(*pmd) {
        pmd_populate(mm, pmd, new);
        new = null;
    }
    spin_unlock(ptl);
    if new != null {
        pte_free(mm, new);
    }
    return 0;
}

// include/linux/mm.h
fn pmd_lock(mm, pmd) source "include/linux/mm.h:pmd_lock@v5.10" {
    let ptl = pmd_lockptr(mm, pmd);
    spin_lock(ptl);
    return ptl;
}

// Only migration entries are modelled here (opt-in/swap-v5.10.mmk overrides this with swap-in;
// no device-private or hwpoison entries):
// pte_unmap_same() is true on x86-64 (a PTE is one word), the fault waits for the migration
// and returns 0, and the access is retried.
fn do_swap_page(vmf) source "mm/memory.c:do_swap_page@v5.10 (migration entries)" {
    let entry = pte_to_swp_entry(vmf->orig_pte);
    if non_swap_entry(entry) {
        if is_migration_entry(entry) {
            migration_entry_wait(vmf->vma->vm_mm, vmf->pmd, vmf->address);
            return 0;
        }
    }
    // swapin: not modelled
    not_modelled();
    return VM_FAULT_SIGBUS;
}
