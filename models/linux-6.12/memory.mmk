// mm/memory.c as of Linux 6.12.y (Xilinx/linux-xlnx acc8f948e4aa, research note 612-fault
// section 1): the page-fault paths, under mmap_lock or only the faulting VMA's lock
// (FAULT_FLAG_VMA_LOCK, CONFIG_PER_VMA_LOCK), and the per-VMA-lock lookup
// lock_vma_under_rcu() and the mmap_lock fallback lock_mm_and_find_vma().
//
// Folios are order-0 (page.mmk): every large-folio, mTHP and THP branch takes its small-folio
// side (alloc_anon_folio() falls back to folio_prealloc(), numa_rebuild_large_mapping() is
// never called). Not modelled: hugetlb, file-backed and shared mappings (do_fault(),
// wp_page_shared(), wp_pfn_shared()), KSM, memcg charging and statistics, mmu notifiers (no
// secondary MMUs), swap-in (the tree has no swap), device-private and device-exclusive entries,
// hwpoison, the OOM reaper's MMF_UNSTABLE (check_stable_address_space() is 0), the NUMA
// scheduler's bookkeeping (one node: a page is never misplaced). Comments mark where code is
// elided. update_mmu_cache_range(), update_mmu_tlb() and flush_tlb_fix_spurious_fault() are
// no-ops on x86; flush_cache_page() too.

// include/linux/numa.h
const NUMA_NO_NODE = -1;

// ---- the fault entry ----

// The flag checks of handle_mm_fault(): WARN_ON_ONCE()s return VM_FAULT_SIGSEGV.
fn sanitize_fault_flags(vma, flags) source "mm/memory.c:sanitize_fault_flags@v6.12" {
    if *flags & FAULT_FLAG_UNSHARE {
        if *flags & FAULT_FLAG_WRITE {
            return VM_FAULT_SIGSEGV; // WARN_ON_ONCE()
        }
        // "FAULT_FLAG_UNSHARE only applies to COW mappings. Let's just treat it like an
        // ordinary read-fault otherwise."
        if !is_cow_mapping(vma->vm_flags) {
            *flags = *flags & ~FAULT_FLAG_UNSHARE;
        }
    } else if *flags & FAULT_FLAG_WRITE {
        // "Write faults on read-only mappings are impossible ..."
        if !(vma->vm_flags & VM_MAYWRITE) {
            return VM_FAULT_SIGSEGV; // WARN_ON_ONCE()
        }
        // "... and FOLL_FORCE only applies to COW mappings."
        if !(vma->vm_flags & VM_WRITE) && !is_cow_mapping(vma->vm_flags) {
            return VM_FAULT_SIGSEGV; // WARN_ON_ONCE()
        }
    }
    // "Per-VMA locks can't be used with FAULT_FLAG_RETRY_NOWAIT because of the assumption
    // that lock is dropped on VM_FAULT_RETRY."
    if (*flags & (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT)) == (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT) {
        return VM_FAULT_SIGSEGV; // WARN_ON_ONCE()
    }
    return 0;
}

// regs is left out (gup.mmk calls it with three arguments, as with regs NULL).
// arch_vma_access_permitted() is true (no protection keys), VM_DROPPABLE is not modelled,
// nor are memcg's OOM handling, lru_gen_enter_fault(), hugetlb and mm_account_fault().
fn handle_mm_fault(vma, address, flags) source "mm/memory.c:handle_mm_fault@v6.12" {
    __set_current_state(TASK_RUNNING);
    let ret = sanitize_fault_flags(vma, &flags);
    if ret {
        return ret; // goto out
    }
    ret = __handle_mm_fault(vma, address, flags);
    // "Warning: It is no longer safe to dereference vma-> after this point, because
    // mmap_lock might have been dropped by __handle_mm_fault(), so vma might be destroyed
    // from underneath us."
    return ret;
}

// "On entry, we hold either the VMA lock or the mmap_lock (FAULT_FLAG_VMA_LOCK tells you
// which). If VM_FAULT_RETRY is set in the result, the mmap_lock is not held on exit."
// pgd_offset(), p4d_alloc(), pud_alloc(), pmd_alloc(): the levels above the PMD entry always
// exist here. The PUD-level THP branch never applies (no huge PUDs). THP is not in this tree:
// thp_vma_allowable_order() is false, so `pmd_none(*vmf.pmd) && thp_vma_allowable_order()`
// always takes its else branch, whose pmdp_get_lockless() is the one read of the PMD entry
// kept here (the first, whose value only feeds the &&, is left out). A huge leaf (a
// scenario's `pmd X -> H`) would need do_huge_pmd_numa_page(), wp_huge_pmd() and
// huge_pmd_set_accessed(): not modelled.
fn __handle_mm_fault(vma, address, flags) source "mm/memory.c:__handle_mm_fault@v6.12" {
    let vmf = struct vm_fault { .vma = vma, .address = address, .flags = flags };
    vmf->pmd = pmd_offset(vma->vm_mm, address);
    let orig_pmd = *vmf->pmd; // vmf.orig_pmd = pmdp_get_lockless(vmf.pmd)
    if pmd_trans_huge(orig_pmd) {
        not_modelled(); // a huge PMD leaf: the THP fault paths are not in this tree
    }
    return handle_pte_fault(vmf);
}

// "We enter with non-exclusive mmap_lock (to exclude vma changes, but allow concurrent
// faults)." (or the VMA's lock). The PTE is read locklessly (ptep_get_lockless() is
// ptep_get() on x86-64), its PTL found without taking it (pte_offset_map_nolock()), and
// rechecked under the PTL by each path (pte_same()).
fn handle_pte_fault(vmf) source "mm/memory.c:handle_pte_fault@v6.12" {
    if pmd_none(*vmf->pmd) {
        // "Leave __pte_alloc() until later"
        vmf->pte = null;
        vmf->flags = vmf->flags & ~FAULT_FLAG_ORIG_PTE_VALID;
    } else {
        let ptl = null;
        vmf->pte = pte_offset_map_nolock(vmf->vma->vm_mm, vmf->pmd, vmf->address, &ptl);
        if vmf->pte == null {
            return 0;
        }
        vmf->ptl = ptl;
        // mutate: equivalent(swap-adjacent) vmf->flags is the fault's own record: setting FAULT_FLAG_ORIG_PTE_VALID before or after the PTE read changes no shared state and no later step
        vmf->orig_pte = *vmf->pte; // ptep_get_lockless(vmf->pte)
        vmf->flags = vmf->flags | FAULT_FLAG_ORIG_PTE_VALID;
        if pte_none(vmf->orig_pte) {
            pte_unmap(vmf->pte);
            vmf->pte = null;
        }
    }
    if vmf->pte == null {
        return do_pte_missing(vmf);
    }
    if !pte_present(vmf->orig_pte) {
        return do_swap_page(vmf);
    }
    if pte_protnone(vmf->orig_pte) && vma_is_accessible(vmf->vma) {
        return do_numa_page(vmf);
    }
    spin_lock(vmf->ptl);
    let entry = vmf->orig_pte;
    if !pte_same(*vmf->pte, entry) {
        // update_mmu_tlb() is a no-op on x86
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    if vmf->flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE) {
        if !pte_write(entry) {
            return do_wp_page(vmf);
        } else if vmf->flags & FAULT_FLAG_WRITE {
            entry = pte_mkdirty(entry);
        }
    }
    entry = pte_mkyoung(entry);
    // update_mmu_cache_range() on a change; else "Skip spurious TLB flush for retried page
    // fault" and flush_tlb_fix_spurious_fault() for a write: both no-ops on x86
    // mutate: equivalent(swap-adjacent) not observable here: x86's ptep_set_access_flags() writes the PTE only for a write fault on a writable PTE that is not yet dirty (or young), and the x86 walk sets A and D itself; every writable anonymous PTE the tree makes is dirty and young, so the store after the unlock never happens
    ptep_set_access_flags(vmf->vma, vmf->address, vmf->pte, entry, vmf->flags & FAULT_FLAG_WRITE);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return 0;
}

// do_fault() (file mappings) is not modelled: every VMA is anonymous.
fn do_pte_missing(vmf) source "mm/memory.c:do_pte_missing@v6.12" {
    if vma_is_anonymous(vmf->vma) {
        return do_anonymous_page(vmf);
    }
    not_modelled(); // do_fault(): file mappings
    return VM_FAULT_SIGBUS;
}

// ---- anonymous pages ----

fn vmf_pte_changed(vmf) source "mm/memory.c:vmf_pte_changed@v6.12" {
    if vmf->flags & FAULT_FLAG_ORIG_PTE_VALID {
        return !pte_same(*vmf->pte, vmf->orig_pte);
    }
    return !pte_none(*vmf->pte);
}

// "Return true if the original pte was a uffd-wp pte marker (so the pte was wr-protected)."
fn vmf_orig_pte_uffd_wp(vmf) source "mm/memory.c:vmf_orig_pte_uffd_wp@v6.12" {
    if !userfaultfd_wp(vmf->vma) {
        return false;
    }
    if !(vmf->flags & FAULT_FLAG_ORIG_PTE_VALID) {
        return false;
    }
    return pte_marker_uffd_wp(vmf->orig_pte);
}

// "If this vma does not already have an associated anon_vma and we are only protected by the
// per-VMA lock, the caller must retry with the mmap_lock held. __anon_vma_prepare() will look
// at adjacent VMAs to determine if this VMA can share its anon_vma, and that's not safe to do
// with only the per-VMA lock held for this VMA." page.mmk's anon_vma_prepare() rechecks
// vma->anon_vma itself, as __anon_vma_prepare() does under page_table_lock.
fn __vmf_anon_prepare(vmf) source "mm/memory.c:__vmf_anon_prepare@v6.12" {
    let vma = vmf->vma;
    let ret = 0;
    if vma->anon_vma != null {
        return 0;
    }
    if vmf->flags & FAULT_FLAG_VMA_LOCK {
        if !mmap_read_trylock(vma->vm_mm) {
            return VM_FAULT_RETRY;
        }
    }
    if anon_vma_prepare(vma) != 0 { // __anon_vma_prepare(vma)
        ret = VM_FAULT_OOM;
    }
    if vmf->flags & FAULT_FLAG_VMA_LOCK {
        mmap_read_unlock(vma->vm_mm);
    }
    return ret;
}

// mm/internal.h: on VM_FAULT_RETRY the VMA lock is dropped here (the caller,
// do_user_addr_fault(), then does not).
fn vmf_anon_prepare(vmf) source "mm/internal.h:vmf_anon_prepare@v6.12" {
    let ret = __vmf_anon_prepare(vmf);
    if ret & VM_FAULT_RETRY {
        vma_end_read(vmf->vma);
    }
    return ret;
}

// mm/memory.c (6.9+): vma_alloc_zeroed_movable_folio() for need_zero, else vma_alloc_folio();
// frames come zeroed from the model's allocator, so both are vma_alloc_folio().
// mem_cgroup_charge() and folio_throttle_swaprate() are not modelled.
fn folio_prealloc(src_mm, vma, addr, need_zero) source "mm/memory.c:folio_prealloc@v6.12" {
    let new_folio = vma_alloc_folio(vma, addr);
    if new_folio == null {
        return null;
    }
    return new_folio;
}

// Without large anonymous folios (order-0 only) alloc_anon_folio() is its fallback:
// `if (unlikely(userfaultfd_armed(vma))) goto fallback;` and the mTHP orders are empty.
fn alloc_anon_folio(vmf) source "mm/memory.c:alloc_anon_folio@v6.12 (fallback: order 0)" {
    let vma = vmf->vma;
    return folio_prealloc(vma->vm_mm, vma, vmf->address, true);
}

// "We enter with non-exclusive mmap_lock (to exclude vma changes, but allow concurrent
// faults), and pte mapped but not yet locked." nr_pages is 1 (order-0 folios), so
// folio_ref_add(folio, nr_pages - 1), pte_range_none() and the mTHP statistics drop out;
// mm_forbids_zeropage() is false on x86; check_stable_address_space() is 0.
fn do_anonymous_page(vmf) source "mm/memory.c:do_anonymous_page@v6.12" {
    let vma = vmf->vma;
    let addr = vmf->address;
    // "File mapping without ->vm_ops ?"
    if vma->vm_flags & VM_SHARED {
        return VM_FAULT_SIGBUS;
    }
    // "Use pte_alloc() instead of pte_alloc_map(), so that OOM can be distinguished from a
    // transient failure of pte_offset_map()."
    if pte_alloc(vma->vm_mm, vmf->pmd) {
        return VM_FAULT_OOM;
    }
    // Use the zero-page for reads
    if !(vmf->flags & FAULT_FLAG_WRITE) {
        let zentry = pte_mkspecial(mk_pte(ZERO_PAGE(vmf->address), vma->vm_page_prot)); // pfn_pte(my_zero_pfn())
        let ptl = null;
        vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &ptl);
        if vmf->pte == null {
            return 0; // goto unlock, with no PTE
        }
        vmf->ptl = ptl;
        if vmf_pte_changed(vmf) {
            // update_mmu_tlb() is a no-op on x86
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return 0;
        }
        // "Deliver the page fault to userland, check inside PT lock"
        if userfaultfd_missing(vma) {
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return handle_userfault(vmf, VM_UFFD_MISSING);
        }
        do_anonymous_page_setpte(vmf, addr, zentry);
        return 0;
    }
    // Allocate our own private page.
    let ret = vmf_anon_prepare(vmf);
    if ret {
        return ret;
    }
    // "Returns NULL on OOM or ERR_PTR(-EAGAIN) if we must retry the fault" (the -EAGAIN is
    // the mTHP path's)
    let folio = alloc_anon_folio(vmf);
    if folio == null {
        return VM_FAULT_OOM;
    }
    // __folio_mark_uptodate(): its barrier orders the zeroing before set_pte_at(), which the
    // model's sequential consistency gives anyway
    let entry = mk_pte(folio_page(folio, 0), vma->vm_page_prot);
    // pte_sw_mkyoung() is a no-op on x86
    if vma->vm_flags & VM_WRITE {
        entry = pte_mkwrite(pte_mkdirty(entry)); // pte_mkwrite(pte, vma)
    }
    let ptl = null;
    vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, addr, &ptl);
    if vmf->pte == null {
        // mutate: equivalent(delete-put) not observable here: pte_offset_map_lock() fails only if the PMD entry no longer names a table, and pte_alloc() above made sure it does; nothing in the tree removes a PTE table under a VMA a fault holds locked (khugepaged's retract_page_tables() of file tables is not modelled)
        folio_put(folio); // release:
        return 0;
    }
    vmf->ptl = ptl;
    if vmf_pte_changed(vmf) {
        // update_mmu_tlb() is a no-op on x86; release:
        // mutate: equivalent(swap-adjacent) the new folio was never published (no PTE, rmap or LRU batch holds it): no other CPU can reach it, so its folio_put() commutes with the unlock
        folio_put(folio);
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    // "Deliver the page fault to userland, check inside PT lock"
    if userfaultfd_missing(vma) {
        // mutate: equivalent(swap-adjacent) the new folio was never published (no PTE, rmap or LRU batch holds it): no other CPU can reach it, so its folio_put() commutes with the unlock
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        folio_put(folio);
        return handle_userfault(vmf, VM_UFFD_MISSING);
    }
    // folio_ref_add(folio, nr_pages - 1), add_mm_counter(), count_mthp_stat(): nothing for
    // one page
    // mutate: equivalent(swap-adjacent) not observable here: both touch only the new folio, still private, and this CPU's own LRU batch; in 6.12 the rmap comes first so that __folio_set_swapbacked() and the anon mapping are set before a batch drain makes the folio visible on the LRU to reclaim (PG_swapbacked and reclaim are not modelled)
    folio_add_new_anon_rmap(folio, vma, addr, RMAP_EXCLUSIVE);
    folio_add_lru_vma(folio, vma);
    do_anonymous_page_setpte(vmf, addr, entry);
    return 0;
}

// The `setpte:` and `unlock:` labels at the end of do_anonymous_page(), as a function (the
// language has no goto): a uffd-wp marker's protection carries over to the new PTE.
fn do_anonymous_page_setpte(vmf, addr, entry) source "mm/memory.c:do_anonymous_page@v6.12 (label setpte:)" {
    if vmf_orig_pte_uffd_wp(vmf) {
        // pte_mkuffd_wp(): x86's write-protects too since 6.3 ("mm/uffd: always wr-protect
        // pte in pte|pmd_mkuffd_wp()", Peter Xu); the machine's primitive only sets the bit,
        // mprotect.mmk's pte_mkuffd_wp_x86() is the x86 one
        entry = pte_mkuffd_wp_x86(entry);
    }
    set_pte_at(vmf->vma->vm_mm, addr, vmf->pte, entry); // set_ptes(..., nr_pages)
    // "No need to invalidate - it was non-present before"
    pte_unmap_unlock(vmf->pte, vmf->ptl);
}

// ---- write faults: reuse or copy ----

// "Handle write page faults for pages that can be reused in the current vma". Entered with
// the PTL held; releases it. An upgrade: no TLB flush. The VM_BUG_ONs (FAULT_FLAG_WRITE, an
// anon folio PageAnonExclusive) and folio_xchg_last_cpupid() (NUMA scheduling) are left out.
fn wp_page_reuse(vmf, folio) source "mm/memory.c:wp_page_reuse@v6.12" {
    let vma = vmf->vma;
    // flush_cache_page() is a no-op on x86
    let entry = pte_mkyoung(vmf->orig_pte);
    entry = maybe_mkwrite(pte_mkdirty(entry), vma);
    // update_mmu_cache_range() is a no-op on x86
    ptep_set_access_flags(vma, vmf->address, vmf->pte, entry, 1);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    // count_vm_event(PGREUSE)
}

// The reuse rule of 6.12 for a folio not (yet) PageAnonExclusive: a small folio whose only
// reference is this mapping's, checked again under the folio lock. KSM and the swap cache are
// not in the tree (folio_test_ksm() and folio_test_swapcache() are false, so
// folio_free_swap() is never reached).
fn wp_can_reuse_anon_folio(folio, vma) source "mm/memory.c:wp_can_reuse_anon_folio@v6.12" {
    if folio_test_large(folio) {
        return false;
    }
    // "We have to verify under folio lock: these early checks are just an optimization to
    // avoid locking the folio and freeing the swapcache if there is little hope that we can
    // reuse. KSM doesn't necessarily raise the folio refcount."
    if folio_test_ksm(folio) || folio_ref_count(folio) > 3 {
        return false;
    }
    if !folio_test_lru(folio) {
        // "We cannot easily detect+handle references from remote LRU caches or references
        // to LRU folios."
        lru_add_drain();
    }
    let swapcache_ref = 0; // the bool folio_test_swapcache() as an int
    if folio_test_swapcache(folio) {
        swapcache_ref = 1;
    }
    if folio_ref_count(folio) > 1 + swapcache_ref {
        return false;
    }
    if !folio_trylock(folio) {
        return false;
    }
    // folio_test_swapcache(): false here, no folio_free_swap()
    if folio_test_ksm(folio) || folio_ref_count(folio) != 1 {
        folio_unlock(folio);
        return false;
    }
    // "Ok, we've got the only folio reference from our mapping and the folio is locked,
    // it's dark out, and we're wearing sunglasses. Hit it."
    folio_move_anon_rmap(folio, vma);
    folio_unlock(folio);
    return true;
}

// "This routine handles present pages, when users try to write to a shared page
// (FAULT_FLAG_WRITE) [or] GUP wants to take a R/O pin on a possibly shared anonymous page
// (FAULT_FLAG_UNSHARE)". Entered with the PTL held; returns with it released. Shared
// mappings (wp_page_shared(), wp_pfn_shared()) and KSM's COW_KSM count are not modelled.
fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v6.12" {
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
        // "Userfaultfd write-protect can defer flushes. Ensure the TLB is flushed in this
        // case before copying." (6ce64428d620)
        if userfaultfd_wp(vmf->vma) && mm_tlb_flush_pending(vmf->vma->vm_mm) {
            flush_tlb_page(vmf->vma, vmf->address);
        }
    }
    // Ghost: from here the fault trusts that no CPU can write through a PTE it reads as
    // read-only under the PTL (the COW assumption). Not kernel code.
    // mutate: equivalent(swap-adjacent) vm_normal_page() computes from vmf->orig_pte, the fault's local copy of the PTE, and reads nothing shared; assume_tlb_coherent() is a ghost check that writes nothing: either order gives the same steps
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

// The struct-page case: copy_mc_user_highpage() without the PTL (the machine's copy cannot
// hit a memory error, so -EHWPOISON is never returned). The src == NULL case (VM_PFNMAP /
// VM_MIXEDMAP, copied through the user address) is not modelled.
fn __wp_page_copy_user(dst, src, vmf) source "mm/memory.c:__wp_page_copy_user@v6.12" {
    copy_user_highpage(dst, src);
    return 0;
}

// "Handle the case of a page which we actually need to copy to a new page, either due to
// COW or unsharing." Entered without the PTL, holding a reference on the old folio (if any).
// mm counters, ksm_might_unmap_zero_page(), mmu notifiers, delay accounting,
// kmsan_copy_page_meta() and free_swap_cache() (no swap cache) are left out.
fn wp_page_copy(vmf) source "mm/memory.c:wp_page_copy@v6.12" {
    let unshare = (vmf->flags & FAULT_FLAG_UNSHARE) != 0;
    let vma = vmf->vma;
    let mm = vma->vm_mm;
    let old_folio = null;
    let page_copied = 0;
    if vmf->page != null {
        old_folio = page_folio(vmf->page);
    }
    let ret = vmf_anon_prepare(vmf);
    if ret {
        // out:
        if old_folio != null {
            // mutate: equivalent(delete-put) not observable here: an old folio is an anonymous page mapped in this VMA, and mapping it gave the VMA its anon_vma (never cleared on a live VMA), so vmf_anon_prepare() returns 0 whenever old_folio is set; only a private COW of a file page (not modelled) comes here with an old folio and no anon_vma
            folio_put(old_folio);
        }
        return ret;
    }
    let pfn_is_zero = is_zero_pfn(pte_pfn(vmf->orig_pte));
    let new_folio = folio_prealloc(mm, vma, vmf->address, pfn_is_zero);
    if new_folio == null {
        // oom: ... out:
        if old_folio != null {
            folio_put(old_folio);
        }
        return VM_FAULT_OOM;
    }
    if !pfn_is_zero {
        let err = __wp_page_copy_user(folio_page(new_folio, 0), vmf->page, vmf);
        if err {
            // "COW failed, if the fault was solved by other, it's fine."
            // mutate: equivalent(delete-put) not observable here: the model's copy cannot fail (no hardware memory errors: __wp_page_copy_user() always returns 0)
            folio_put(new_folio);
            if old_folio != null {
                // mutate: equivalent(delete-put) not observable here: the model's copy cannot fail (no hardware memory errors: __wp_page_copy_user() always returns 0)
                folio_put(old_folio);
            }
            return 0;
        }
    }
    // __folio_mark_uptodate(); mmu_notifier_invalidate_range_start(): not modelled
    // "Re-check the pte - we dropped the lock"
    let ptl = null;
    vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &ptl);
    if vmf->pte != null && pte_same(*vmf->pte, vmf->orig_pte) {
        vmf->ptl = ptl;
        // mm counters, ksm_might_unmap_zero_page(), flush_cache_page(): nothing modelled
        let entry = mk_pte(folio_page(new_folio, 0), vma->vm_page_prot);
        // pte_sw_mkyoung() is a no-op on x86
        if unshare {
            if pte_soft_dirty(vmf->orig_pte) {
                entry = pte_mksoft_dirty(entry);
            }
            if pte_uffd_wp(vmf->orig_pte) {
                entry = pte_mkuffd_wp_x86(entry); // pte_mkuffd_wp() (x86: write-protects too)
            }
        } else {
            entry = maybe_mkwrite(pte_mkdirty(entry), vma);
        }
        // "Clear the pte entry and flush it first, before updating the pte with the new
        // entry, to keep TLBs on different CPUs in sync."
        // mutate: equivalent(swap-adjacent) folio_add_new_anon_rmap() writes only new_folio, which no other CPU can reach until set_pte_at() below maps it; the clear and flush touch the old PTE and the TLBs only
        ptep_clear_flush(vma, vmf->address, vmf->pte);
        // mutate: equivalent(swap-adjacent) not observable here: both touch only new_folio, still private, and this CPU's own LRU batch (PG_swapbacked, which the rmap sets first in 6.12 for the LRU's choice of list, and reclaim are not modelled)
        folio_add_new_anon_rmap(new_folio, vma, vmf->address, RMAP_EXCLUSIVE);
        folio_add_lru_vma(new_folio, vma);
        BUG_ON(unshare && pte_write(entry));
        set_pte_at(mm, vmf->address, vmf->pte, entry);
        // update_mmu_cache_range() is a no-op on x86
        if old_folio != null {
            // "Only after switching the pte to the new page may we remove the mapcount
            // here."
            folio_remove_rmap_pte(old_folio, vmf->page, vma);
        }
        // Free the old page..
        new_folio = old_folio;
        page_copied = 1;
        pte_unmap_unlock(vmf->pte, vmf->ptl);
    } else if vmf->pte != null {
        // update_mmu_tlb() is a no-op on x86
        pte_unmap_unlock(vmf->pte, ptl);
    }
    // mmu_notifier_invalidate_range_end(): not modelled
    if new_folio != null {
        folio_put(new_folio);
    }
    if old_folio != null {
        // if (page_copied) free_swap_cache(old_folio): no swap cache in the tree
        folio_put(old_folio);
    }
    return 0;
}

// ---- NUMA hinting faults ----

// The TNF_* flags, the folio's last_cpupid, vma_set_access_pid_bit() and the NUMA event
// counters feed the scheduler's placement, which is not modelled; the node test
// (folio_nid(folio) == numa_node_id()) always holds (one node).
fn numa_migrate_check(folio, vmf, addr, writable) source "mm/memory.c:numa_migrate_check@v6.12" {
    return mpol_misplaced(folio, vmf, addr);
}

// Under the PTL: the PTE's protection restored from vm_page_prot, young, and writable if
// the caller found it may be.
fn numa_rebuild_single_mapping(vmf, vma, fault_addr, fault_pte, writable) source "mm/memory.c:numa_rebuild_single_mapping@v6.12" {
    let old_pte = ptep_modify_prot_start(vma, fault_addr, fault_pte);
    let pte = pte_modify(old_pte, vma->vm_page_prot);
    pte = pte_mkyoung(pte);
    if writable {
        pte = pte_mkwrite(pte); // pte_mkwrite(pte, vma)
    }
    ptep_modify_prot_commit(vma, fault_addr, fault_pte, old_pte, pte);
    // update_mmu_cache_range() is a no-op on x86
}

// A NUMA hinting fault on a PROT_NONE PTE (change_prot_numa()). Entered with the PTE mapped
// (handle_pte_fault()'s pte_offset_map_nolock()), its PTL not taken. One node: the target is
// always NUMA_NO_NODE, so the migration (migrate_misplaced_folio_prepare(),
// migrate_misplaced_folio()), the retaking of the PTL after a failed one and
// task_numa_fault() are never reached; nor is numa_rebuild_large_mapping() (order-0
// folios). 6.12 keeps no write bit in the PROT_NONE PTE (pte_savedwrite() is gone): a
// writable private VMA's PTE becomes writable again only through can_change_pte_writable().
fn do_numa_page(vmf) source "mm/memory.c:do_numa_page@v6.12" {
    let vma = vmf->vma;
    let writable = false;
    // mutate: equivalent(swap-adjacent) vma_wants_manual_pte_write_upgrade() reads only vm_flags, which the fault's VMA or mmap lock keeps from changing, and the PTL orders nothing it reads
    let pte_write_upgrade = vma_wants_manual_pte_write_upgrade(vma);
    // "The pte cannot be used safely until we verify, while holding the page table lock,
    // that its contents have not changed during fault handling."
    spin_lock(vmf->ptl);
    // Read the live PTE from the page tables:
    let old_pte = *vmf->pte;
    if !pte_same(old_pte, vmf->orig_pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    let pte = pte_modify(old_pte, vma->vm_page_prot);
    // "Detect now whether the PTE could be writable; this information is only valid while
    // holding the PT lock."
    writable = pte_write(pte);
    if !writable && pte_write_upgrade && can_change_pte_writable(vma, vmf->address, pte) {
        writable = true;
    }
    let folio = vm_normal_folio(vma, vmf->address, pte);
    // folio_is_zone_device(): no device pages
    if folio != null {
        // nid = folio_nid(folio); nr_pages = folio_nr_pages(folio)
        let target_nid = numa_migrate_check(folio, vmf, vmf->address, writable);
        if target_nid != NUMA_NO_NODE {
            not_modelled(); // migrate_misplaced_folio(): one node, never reached
        }
    }
    // out_map: "Make it present again"
    numa_rebuild_single_mapping(vmf, vma, vmf->address, vmf->pte, writable);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    // task_numa_fault(): scheduler bookkeeping, not modelled
    return 0;
}

// ---- non-present entries: migration entries and PTE markers ----

// "sizeof(pte_t) > sizeof(unsigned long)" is false on x86-64: the PTE is not rechecked, only
// unmapped.
fn pte_unmap_same(vmf) source "mm/memory.c:pte_unmap_same@v6.12" {
    pte_unmap(vmf->pte);
    vmf->pte = null;
    return 1;
}

// A PTE marker whose VMA is no longer uffd-wp registered: cleared back to none, if it did not
// change meanwhile.
fn pte_marker_clear(vmf) source "mm/memory.c:pte_marker_clear@v6.12" {
    let ptl = null;
    vmf->pte = pte_offset_map_lock(vmf->vma->vm_mm, vmf->pmd, vmf->address, &ptl);
    if vmf->pte == null {
        return 0;
    }
    vmf->ptl = ptl;
    // "Be careful so that we will only recover a special uffd-wp pte into a none pte.
    // Otherwise it means the pte could have changed, so retry."
    if pte_same(vmf->orig_pte, *vmf->pte) {
        ptep_get_and_clear(vmf->vma->vm_mm, vmf->address, vmf->pte); // pte_clear()
    }
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return 0;
}

// "This is actually a page-missing access, but with uffd-wp special pte installed. It means
// this pte was wr-protected before being unmapped."
fn pte_marker_handle_uffd_wp(vmf) source "mm/memory.c:pte_marker_handle_uffd_wp@v6.12" {
    // "Just in case there're leftover special ptes even after the region got unregistered -
    // we can simply clear them."
    if !userfaultfd_wp(vmf->vma) {
        return pte_marker_clear(vmf);
    }
    return do_pte_missing(vmf);
}

fn handle_pte_marker(vmf) source "mm/memory.c:handle_pte_marker@v6.12" {
    let entry = pte_to_swp_entry(vmf->orig_pte);
    let marker = pte_marker_get(entry);
    // "PTE markers should never be empty."
    if marker == 0 {
        return VM_FAULT_SIGBUS; // WARN_ON_ONCE()
    }
    // "Higher priority than uffd-wp when data corrupted"
    if marker & PTE_MARKER_POISONED {
        return VM_FAULT_HWPOISON;
    }
    if pte_marker_entry_uffd_wp(entry) {
        return pte_marker_handle_uffd_wp(vmf);
    }
    // "This is an unknown pte marker" (the guard markers are 6.13)
    return VM_FAULT_SIGBUS;
}

// do_swap_page() up to its non-swap entries: a migration entry is waited on
// (migration_entry_wait(), then the access is retried), a PTE marker handled. The swap-in
// that follows for a slot of the swap device is not modelled (the tree has no swap);
// device-exclusive and hwpoison entries are not modelled either (nothing makes them). A
// device-private entry's migrate_to_ram() is not modelled, but its VMA-lock retry is kept
// ("migrate_to_ram is not yet ready to operate under VMA lock").
fn do_swap_page(vmf) source "mm/memory.c:do_swap_page@v6.12 (non-swap entries)" {
    let vma = vmf->vma;
    let ret = 0;
    if !pte_unmap_same(vmf) {
        return ret;
    }
    let entry = pte_to_swp_entry(vmf->orig_pte);
    if non_swap_entry(entry) {
        if is_migration_entry(entry) {
            migration_entry_wait(vma->vm_mm, vmf->pmd, vmf->address);
        } else if is_device_private_entry(entry) {
            if vmf->flags & FAULT_FLAG_VMA_LOCK {
                vma_end_read(vma);
                return VM_FAULT_RETRY;
            }
            not_modelled(); // pgmap->ops->migrate_to_ram()
        } else if is_pte_marker_entry(entry) {
            ret = handle_pte_marker(vmf);
        } else {
            // print_bad_pte()
            ret = VM_FAULT_SIGBUS;
        }
        return ret;
    }
    // swap-in: not modelled (no swap in this tree)
    not_modelled();
    return VM_FAULT_SIGBUS;
}

// ---- page tables ----

// "Ensure all pte setup (eg. pte page lock and page clearing) are visible before the pte is
// made visible to other CPUs by being put into page tables": smp_wmb(), which sequential
// consistency gives. mm_inc_nr_ptes() is left out.
fn pmd_install(mm, pmd, pte) source "mm/memory.c:pmd_install@v6.12" {
    let ptl = pmd_lock(mm, pmd);
    // "Has another populated it ?"
    if pmd_none(*pmd) {
        pmd_populate(mm, pmd, *pte);
        *pte = null;
    }
    spin_unlock(ptl);
}

// A PTE table for a none PMD entry: allocated before the lock, published under it unless
// another CPU populated the entry meanwhile (then freed).
fn __pte_alloc(mm, pmd) source "mm/memory.c:__pte_alloc@v6.12" {
    let new = pte_alloc_one(mm);
    if new == null {
        return -ENOMEM;
    }
    pmd_install(mm, pmd, &new);
    if new != null {
        pte_free(mm, new);
    }
    return 0;
}

// include/linux/mm.h
fn pmd_lock(mm, pmd) source "include/linux/mm.h:pmd_lock@v6.12" {
    let ptl = pmd_lockptr(mm, pmd);
    spin_lock(ptl);
    return ptl;
}

// ---- the per-VMA lock and the mmap_lock fallback (mm/memory.c in 6.12) ----

// lib/maple_tree.c mas_walk() of mm->mm_mt at address: the VMA whose range holds address, or
// NULL in a gap. The model keeps the VMAs in the address-sorted mm->mmap list (mm_types.mmk)
// and walks it; without mmap_lock every load is an ordinary racy load (the maple tree's RCU
// readers read its nodes the same way). A VMA unlinked meanwhile stays allocated until the
// grace period ends (vm_area_free() defers the free with call_rcu()).
fn mas_walk_vma(mm, address) source "lib/maple_tree.c:mas_walk@v6.12 (of mm->mm_mt; here the mm->mmap list)" {
    let vma = mm->mmap;
    while vma != null {
        if address < vma->vm_end {
            if vma->vm_start <= address {
                return vma;
            }
            return null;
        }
        vma = vma->vm_next;
    }
    return null;
}

// "Lookup and lock a VMA under RCU protection. Returned VMA is guaranteed to be stable and
// not isolated. If the VMA is not found or is being modified the function returns NULL."
// count_vm_vma_lock_event() statistics are left out.
fn lock_vma_under_rcu(mm, address) source "mm/memory.c:lock_vma_under_rcu@v6.12" {
    rcu_read_lock();
    while true { // retry:
        let vma = mas_walk_vma(mm, address);
        if vma == null {
            break; // goto inval
        }
        if !vma_start_read(vma) {
            break; // goto inval
        }
        // "Check if the VMA got isolated after we found it"
        if vma->detached {
            vma_end_read(vma);
            // "The area was replaced with another one"
            continue; // goto retry
        }
        // "At this point, we have a stable reference to a VMA: The VMA is locked and we know
        // it hasn't already been isolated."
        // "Check since vm_start/vm_end might change before we lock the VMA"
        if address < vma->vm_start || address >= vma->vm_end {
            vma_end_read(vma); // inval_end_read:
            break;
        }
        rcu_read_unlock();
        return vma;
    }
    // inval:
    rcu_read_unlock();
    return null;
}

// get_mmap_lock_carefully(): `mmap_read_trylock(mm)`, else (a user-mode fault: no
// exception-table search) `!mmap_read_lock_killable(mm)`; fatal signals are not modelled, so
// the killable lock is mmap_read_lock().
fn get_mmap_lock_carefully(mm) source "mm/memory.c:get_mmap_lock_carefully@v6.12" {
    if mmap_read_trylock(mm) {
        return true;
    }
    mmap_read_lock(mm);
    return true;
}

// "This is kind of equivalend to "mmap_read_lock()" followed by "find_extend_vma()", except
// it's a lot more careful about the locking (and will drop the lock on failure)." regs is
// left out (user-mode faults only). Stack growth (the VM_GROWSDOWN branch:
// mmap_upgrade_trylock() is false, upgrade_mmap_lock_carefully() drops mmap_lock and takes
// it for write, find_vma() again, expand_stack_locked(), mmap_write_downgrade()) is not in
// this tree yet.
fn lock_mm_and_find_vma(mm, addr) source "mm/memory.c:lock_mm_and_find_vma@v6.12" {
    if !get_mmap_lock_carefully(mm) {
        return null;
    }
    let vma = find_vma(mm, addr);
    if vma != null && vma->vm_start <= addr {
        return vma;
    }
    // "Well, dang. We might still be successful, but only if we can extend a vma to do so."
    if vma == null || !(vma->vm_flags & VM_GROWSDOWN) {
        mmap_read_unlock(mm);
        return null;
    }
    not_modelled(); // stack growth: upgrade_mmap_lock_carefully(), expand_stack_locked()
    mmap_read_unlock(mm);
    return null;
}

// ---- mm/mprotect.c and mm/internal.h helpers the fault path calls ----

// pte_needs_soft_dirty_wp() (mm/internal.h) is in gup.mmk.

