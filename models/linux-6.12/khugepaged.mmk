// khugepaged's collapse of an anonymous PTE table into a huge PMD leaf, as of Linux 6.12.y
// (mm/khugepaged.c collapse_huge_page(), __collapse_huge_page_isolate(),
// __collapse_huge_page_copy() and its _succeeded/_failed halves). The model's huge page is
// one frame, so a range can be collapsed only where the scenario has one page in its 2 MiB
// range: the other 511 PTEs are none, which khugepaged_max_ptes_none (511 by default)
// allows.
//
// Text: no mm/khugepaged.c at a 6.12.y commit was found in the index. The functions follow
// the 6.12 text (folio API, alloc_charge_folio(), hugepage_vma_revalidate(mm, address,
// expect_anon, &vma, cc), find_pmd_or_thp_or_none(), check_pmd_still_valid(), 6.4's
// vma_start_write() after the PMD check, 2ba99c5e0881's tlb_remove_table_sync_one() after
// pmdp_collapse_flush(), 6.5's pte_offset_map_lock(mm, &_pmd, ...) of the unlinked table,
// 6.4's copy_mc copy with __collapse_huge_page_copy_succeeded()/_failed(),
// folio_add_new_anon_rmap(folio, vma, address, RMAP_EXCLUSIVE)); compared against
// Xilinx/linux-xlnx mm/khugepaged.c c2fdffd486bd (a later tree, ~6.17: it has TVA_* types,
// folio_expected_ref_count() and batched PTE clears, which are left at their 6.12 form here).
// Not pinned.
//
// Left out: khugepaged's scan (hpage_collapse_scan_pmd()'s checks under mmap_lock:
// khugepaged_collapse() stands for a scan that found the range collapsible), swap-in
// (`unmapped` is 0), the young/referenced requirement (cc->is_khugepaged's
// SCAN_LACK_REFERENCED_PAGE), the shared-PTE limit (one mapping), the LRU isolation
// (folio_isolate_lru() and folio_putback_lru() take and drop one reference), large source
// folios, mmu notifiers, memcg charging, NUMA node choice, deferred split, the statistics,
// thp_vma_allowable_order() (no VM_NOHUGEPAGE or sysfs settings are modelled: it passes) and
// hpage_collapse_test_exit_or_disable() (no exiting mm). anon_vma_lock_write() is the
// tree's no-op (page.mmk).

// enum scan_result (the values these paths return)
const SCAN_FAIL = 0;
const SCAN_SUCCEED = 1;
const SCAN_PMD_NULL = 2;
const SCAN_PMD_NONE = 3;
const SCAN_PMD_MAPPED = 4;
const SCAN_EXCEED_NONE_PTE = 5;
const SCAN_PTE_NON_PRESENT = 8;
const SCAN_PTE_UFFD_WP = 9;
const SCAN_PAGE_RO = 11;
const SCAN_PAGE_NULL = 13;
const SCAN_PAGE_LOCK = 15;
const SCAN_PAGE_ANON = 16;
const SCAN_PAGE_COUNT = 17;
const SCAN_ANY_PROCESS = 19;
const SCAN_VMA_NULL = 20;
const SCAN_VMA_CHECK = 21;
const SCAN_ADDRESS_RANGE = 22;
const SCAN_ALLOC_HUGE_PAGE_FAIL = 24;
const SCAN_COPY_MC = 30;

// hpage_collapse_scan_pmd() -> collapse_huge_page() for the range holding address, entered
// with mmap_lock held for read ("will return with the mmap_lock released").
fn khugepaged_collapse(address) source "mm/khugepaged.c:hpage_collapse_scan_pmd@v6.12 (a scan that found the range collapsible)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    return collapse_huge_page(mm, address & ~(HPAGE_PMD_SIZE - 1), 0, 0);
}

// __folio_alloc(GFP_TRANSHUGE, HPAGE_PMD_ORDER, ...) and mem_cgroup_charge(): the model's
// huge page is one frame; memcg is not modelled.
fn alloc_charge_folio(foliop, mm) source "mm/khugepaged.c:alloc_charge_folio@v6.12" {
    let folio = alloc_page();
    if folio == null {
        *foliop = null;
        return SCAN_ALLOC_HUGE_PAGE_FAIL;
    }
    *foliop = folio;
    return SCAN_SUCCEED;
}

fn collapse_huge_page(mm, address, referenced, unmapped) source "mm/khugepaged.c:collapse_huge_page@v6.12" {
    // "Before allocating the hugepage, release the mmap_lock read lock. The allocation can
    // take potentially a long time if it involves sync compaction, and we do not need to
    // hold the mmap_lock during that. We will recheck the vma after taking it again in
    // write mode."
    mmap_read_unlock(mm);
    let folio = null;
    let result = alloc_charge_folio(&folio, mm);
    if result != SCAN_SUCCEED {
        return collapse_out_nolock(folio, result);
    }
    mmap_read_lock(mm);
    let vma = null;
    result = hugepage_vma_revalidate(mm, address, true, &vma);
    if result != SCAN_SUCCEED {
        mmap_read_unlock(mm);
        return collapse_out_nolock(folio, result);
    }
    let pmd = null;
    result = find_pmd_or_thp_or_none(mm, address, &pmd);
    if result != SCAN_SUCCEED {
        mmap_read_unlock(mm);
        return collapse_out_nolock(folio, result);
    }
    // `unmapped`: __collapse_huge_page_swapin() (no swap here)
    mmap_read_unlock(mm);
    // "Prevent all access to pagetables with the exception of gup_fast later handled by
    // the ptep_clear_flush and the VM handled by the anon_vma lock + PG_lock."
    mmap_write_lock(mm);
    result = hugepage_vma_revalidate(mm, address, true, &vma);
    if result != SCAN_SUCCEED {
        return collapse_out_up_write(mm, folio, result);
    }
    // check if the pmd is still valid
    result = check_pmd_still_valid(mm, address, pmd);
    if result != SCAN_SUCCEED {
        return collapse_out_up_write(mm, folio, result);
    }
    // mutate: equivalent(swap-adjacent) not observable here: the anon_vma is a token with no lock (anon_vma_lock_write() is empty, page.mmk); in the kernel the order is vma_start_write() then anon_vma->rwsem (mm/rmap.c), and the reverse deadlocks against a fault that holds the VMA lock and waits in migration_entry_wait() for a migration whose remove_migration_ptes() waits for the anon_vma lock
    vma_start_write(vma);
    anon_vma_lock_write(vma->anon_vma);
    // mmu_notifier_invalidate_range_start(): not modelled
    let pmd_ptl = pmd_lock(mm, pmd); // probably unnecessary
    // "This removes any huge TLB entry from the CPU so we won't allow huge and small TLB
    // entries for the same virtual address to avoid the risk of CPU bugs in that area.
    // Parallel GUP-fast is fine since GUP-fast will back off when it detects PMD is
    // changed."
    let _pmd = pmdp_collapse_flush(vma, address, pmd);
    // mutate: equivalent(swap-adjacent) tlb_remove_table_sync_one()'s IPI needs no lock (pmdp_collapse_flush()'s flush IPI is already sent under it), and a CPU waiting for this PMD lock (pmd_lock() is per PMD page: a fault of another VMA under the same PMD page) spins with IRQs enabled and takes the IPI: holding the lock across it only makes that CPU wait longer, and nothing is written in between
    spin_unlock(pmd_ptl);
    // mmu_notifier_invalidate_range_end(): not modelled
    tlb_remove_table_sync_one();
    let pte_ptl = null;
    let pte = pte_offset_map_lock(mm, &_pmd, address, &pte_ptl);
    if pte != null {
        // mutate: equivalent(swap-adjacent) the table is unlinked and flushed, and tlb_remove_table_sync_one() has waited out any GUP-fast walker of it; faults, zaps and rmap walks are held off by mmap_lock, the VMA lock and the anon_vma lock, all held for write: no CPU writes this PTE, and the folio lock and refcount the check reads are not protected by the PTL (trylock and speculative references do without it)
        result = __collapse_huge_page_isolate(vma, address, pte);
        spin_unlock(pte_ptl);
    } else {
        result = SCAN_PMD_NULL;
    }
    if result != SCAN_SUCCEED {
        if pte != null {
            pte_unmap(pte);
        }
        // mutate: equivalent(swap-adjacent) the VMA spans the whole PMD range (thp_vma_suitable_order()), so every path that writes this PMD entry holds mmap_lock or this VMA's lock, both held for write here: the entry reads none inside or outside the PMD lock
        spin_lock(pmd_ptl);
        BUG_ON(!pmd_none(*pmd));
        // "We can only use set_pmd_at when establishing hugepmds and never for
        // establishing regular pmds that points to regular pagetables. Use pmd_populate
        // for that"
        // mutate: equivalent(swap-adjacent) every other writer of this PMD entry holds mmap_lock or this VMA's lock (the VMA spans the range), held for write here, rmap walkers that would read it under the PMD lock are held off by the anon_vma lock until later, and GUP-fast reads it without the lock: written under or just after the PMD lock, it is seen the same
        pmd_populate(mm, pmd, pmd_pgtable(_pmd));
        // mutate: equivalent(swap-adjacent) anon_vma_unlock_write() is up_write(), which does not sleep and may be called under a spinlock; an rmap walker it lets in finds the PMD entry already restored and at most waits for the PMD lock
        spin_unlock(pmd_ptl);
        anon_vma_unlock_write(vma->anon_vma);
        return collapse_out_up_write(mm, folio, result);
    }
    // "All pages are isolated and locked so anon_vma rmap can't run anymore."
    // mutate: equivalent(swap-adjacent) holding the anon_vma lock across the copy only holds rmap walkers off longer: one let in before the copy (page_idle or DAMON walk an anon folio by pfn, without its lock) finds the PMD entry none, as it would until set_pmd_at(), and the copy takes only the PTL, which nests inside the anon_vma lock
    anon_vma_unlock_write(vma->anon_vma);
    result = __collapse_huge_page_copy(pte, folio, pmd, _pmd, vma, address, pte_ptl);
    pte_unmap(pte);
    if result != SCAN_SUCCEED {
        return collapse_out_up_write(mm, folio, result);
    }
    // "The smp_wmb() inside __folio_mark_uptodate() ensures the copy_huge_page writes
    // become visible before the set_pmd_at() write." (every step is in program order here)
    let pgtable = pmd_pgtable(_pmd);
    _pmd = mk_huge_pmd(folio_page(folio, 0), vma->vm_page_prot);
    // mutate: equivalent(swap-adjacent) _pmd is a local computed from the folio and vm_flags, which is guarded by mmap_lock (held for write here): computing it inside or outside the PMD lock gives the same value
    _pmd = maybe_pmd_mkwrite(pmd_mkdirty(_pmd), vma);
    // mutate: equivalent(swap-adjacent) the VMA spans the whole PMD range (thp_vma_suitable_order()), so every path that writes this PMD entry holds mmap_lock or this VMA's lock, both held for write here: the entry reads none inside or outside the PMD lock
    spin_lock(pmd_ptl);
    // mutate: equivalent(swap-adjacent) folio_add_new_anon_rmap() writes only the new folio, which no other CPU can reach until set_pmd_at() maps it; the BUG_ON() reads the PMD entry, which only mmap_lock holders write
    BUG_ON(!pmd_none(*pmd));
    // mutate: equivalent(swap-adjacent) not observable here: the model has no LRU lists and no reclaim; the rmap comes first so that the folio is anonymous before a batch drain makes it PageLRU, visible to reclaim
    folio_add_new_anon_rmap(folio, vma, address, RMAP_EXCLUSIVE);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both, and every path that could reach the folio through the leaf under a lock holds mmap_lock (held for write here); what the leaf lets in first, a user access or a GUP-fast pin, touches only the frame or adds a reference of its own, and the batch is this CPU's own
    folio_add_lru_vma(folio, vma);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both, and the deposit is read only under it (a zap of the leaf takes it first): no CPU sees the leaf without its table
    pgtable_trans_huge_deposit(mm, pmd, pgtable);
    set_pmd_at(mm, address, pmd, _pmd);
    // update_mmu_cache_pmd(): nothing on x86; deferred_split_folio(): not modelled
    spin_unlock(pmd_ptl);
    folio = null;
    return collapse_out_up_write(mm, folio, SCAN_SUCCEED);
}

// out_up_write: then out_nolock.
fn collapse_out_up_write(mm, folio, result) source "mm/khugepaged.c:collapse_huge_page@v6.12 (out_up_write)" {
    mmap_write_unlock(mm);
    return collapse_out_nolock(folio, result);
}

// out_nolock: the new folio goes back unless it was mapped.
fn collapse_out_nolock(folio, result) source "mm/khugepaged.c:collapse_huge_page@v6.12 (out_nolock)" {
    if folio != null {
        folio_put(folio);
    }
    return result;
}

// mm/pgtable-generic.c (x86 has no override): the PMD entry cleared, then the range
// flushed, which on x86 waits for every CPU of the mm to take the flush IPI. "pmd and
// hugepage pte format are same. So we could use the same function."
fn pmdp_collapse_flush(vma, address, pmdp) source "mm/pgtable-generic.c:pmdp_collapse_flush@v6.12" {
    // VM_BUG_ON(pmd_trans_huge(*pmdp)): left out (a load of its own)
    let pmd = pmdp_huge_get_and_clear(vma->vm_mm, address, pmdp);
    // collapse needs to flush the whole TLB of the range
    flush_tlb_range(vma, address, address + HPAGE_PMD_SIZE);
    return pmd;
}

// "If mmap_lock temporarily dropped, revalidate vma before taking mmap_lock." The VMA must
// still be there and cover the range: the model's huge page is one page, so "the range" is
// the address here (thp_vma_suitable_order() wants [haddr, haddr + HPAGE_PMD_SIZE) inside
// the VMA); thp_vma_allowable_order() passes (see the top of the file). "Anon VMA expected,
// the address may be unmapped then remapped to file after khugepaged reaquired the
// mmap_lock."
fn hugepage_vma_revalidate(mm, address, expect_anon, vmap) source "mm/khugepaged.c:hugepage_vma_revalidate@v6.12" {
    let vma = find_vma(mm, address);
    *vmap = vma;
    if vma == null {
        return SCAN_VMA_NULL;
    }
    if vma->vm_start > address {
        return SCAN_ADDRESS_RANGE; // thp_vma_suitable_order()
    }
    if expect_anon && (vma->anon_vma == null || !vma_is_anonymous(vma)) {
        return SCAN_PAGE_ANON;
    }
    return SCAN_SUCCEED;
}

// mm/rmap.c mm_find_pmd(): the levels above the PMD always exist here, so the PMD entry of
// address. find_pmd_or_thp_or_none(): its value read once, locklessly (pmdp_get_lockless());
// pmd_devmap() and pmd_bad() are never true here.
fn find_pmd_or_thp_or_none(mm, address, pmdp) source "mm/khugepaged.c:find_pmd_or_thp_or_none@v6.12" {
    let pmd = pmd_offset(mm, address); // mm_find_pmd()
    // mutate: equivalent(swap-adjacent) *pmdp is the caller's local (an out-parameter): no other CPU can see it, and the load of the PMD entry does not depend on it
    *pmdp = pmd;
    let pmde = *pmd;
    if pmd_none(pmde) {
        return SCAN_PMD_NONE;
    }
    if !pmd_present(pmde) {
        return SCAN_PMD_NULL;
    }
    if pmd_trans_huge(pmde) {
        return SCAN_PMD_MAPPED;
    }
    return SCAN_SUCCEED;
}

fn check_pmd_still_valid(mm, address, pmd) source "mm/khugepaged.c:check_pmd_still_valid@v6.12" {
    let new_pmd = null;
    let result = find_pmd_or_thp_or_none(mm, address, &new_pmd);
    if result != SCAN_SUCCEED {
        return result;
    }
    if new_pmd != pmd {
        return SCAN_FAIL;
    }
    return SCAN_SUCCEED;
}

// Under the old table's PTL, with the PMD entry already cleared and flushed. One page (the
// others of the range are none, within khugepaged_max_ptes_none). "Check if the page has
// any GUP (or other external) pins. The page table that maps the page has been already
// unlinked from the page table tree and this process cannot get an additional pin on the
// page. New pins can come later if the page is shared across fork, but not from this
// process. The other process cannot write to the page, only trigger CoW." 6.12 has no
// PageAnonExclusive or folio_maybe_dma_pinned() test here: a pin shows in the refcount
// (is_refcount_suitable()), and the new folio is mapped exclusive. The large-folio branch,
// the shared-PTE count, the LRU isolation and the young test are left out (see the top);
// on failure release_pte_pages() has nothing to release (the one page is unlocked here).
fn __collapse_huge_page_isolate(vma, address, pte) source "mm/khugepaged.c:__collapse_huge_page_isolate@v6.12" {
    let pteval = *pte; // ptep_get()
    if pte_none(pteval) || (pte_present(pteval) && is_zero_pfn(pte_pfn(pteval))) {
        // ++none_or_zero: a range with no page at all is not collapsed here (a scan would
        // not pick it); the kernel would go on and find no writable PTE (SCAN_PAGE_RO)
        return SCAN_PAGE_RO;
    }
    if !pte_present(pteval) {
        return SCAN_PTE_NON_PRESENT;
    }
    if pte_uffd_wp(pteval) {
        return SCAN_PTE_UFFD_WP;
    }
    let page = vm_normal_page(vma, address, pteval);
    if page == null {
        return SCAN_PAGE_NULL;
    }
    let folio = page_folio(page);
    // VM_BUG_ON_FOLIO(!folio_test_anon(folio), folio)
    // "We can do it before isolate_lru_page because the page can't be freed from under us.
    // NOTE: PG_lock is needed to serialize against split_huge_page when invoked from the
    // VM."
    if !folio_trylock(folio) {
        return SCAN_PAGE_LOCK;
    }
    if !is_refcount_suitable(folio) {
        folio_unlock(folio);
        return SCAN_PAGE_COUNT;
    }
    // folio_isolate_lru(): not modelled
    if !pte_write(pteval) {
        // !writable: release_pte_pages() unlocks the folio
        folio_unlock(folio);
        return SCAN_PAGE_RO;
    }
    return SCAN_SUCCEED;
}

// The folio's references are its mappings (plus the page cache's or swap cache's, none
// here, and PG_private's).
fn is_refcount_suitable(folio) source "mm/khugepaged.c:is_refcount_suitable@v6.12" {
    let expected_refcount = folio_mapcount(folio);
    if !folio_test_anon(folio) || folio_test_swapcache(folio) {
        expected_refcount += folio_nr_pages(folio);
    }
    return folio_ref_count(folio) == expected_refcount;
}

// "attempts to copy memory contents from raw pages to a hugepage. Cleans up the raw pages
// if copying succeeds; otherwise restores the original page table and releases isolated raw
// pages." One page (the others are none: clear_user_highpage() of a frame that came
// zeroed). A machine check in copy_mc_user_highpage() (SCAN_COPY_MC) is not modelled.
fn __collapse_huge_page_copy(pte, folio, pmd, orig_pmd, vma, address, ptl) source "mm/khugepaged.c:__collapse_huge_page_copy@v6.12" {
    let pteval = *pte; // ptep_get(pte + i)
    let src_page = pte_page(pteval);
    // mutate: equivalent(swap-adjacent) the table is unlinked and flushed, mmap_lock is held for write and the VMA write-locked: no path of the tree reaches the source page's contents through a mapping, and the destination is this CPU's alone
    copy_user_highpage(folio_page(folio, 0), src_page); // copy_mc_user_highpage()
    __collapse_huge_page_copy_succeeded(pte, vma, address, ptl);
    return SCAN_SUCCEED;
}

// The source page's PTE cleared (under the PTL: "ptl mostly unnecessary, but preempt has to
// be disabled to update the per-cpu stats inside folio_remove_rmap_pte()"), its mapping and
// reference dropped. No flush: the PMD entry is gone and was flushed.
fn __collapse_huge_page_copy_succeeded(pte, vma, address, ptl) source "mm/khugepaged.c:__collapse_huge_page_copy_succeeded@v6.12" {
    let pteval = *pte;
    let src_page = pte_page(pteval);
    let src = page_folio(src_page);
    // release_pte_folio(): folio_unlock(), folio_putback_lru() (not modelled)
    // mutate: equivalent(swap-adjacent) every path of the tree that takes or waits for a folio lock runs under mmap_lock or the VMA lock, which collapse holds for write until it is done; in the kernel the folio is also off the LRU and rmap walkers are held off by the anon_vma lock, so releasing it after taking the PTL changes nothing
    folio_unlock(src);
    spin_lock(ptl);
    // mutate: equivalent(swap-adjacent) both under the PTL, with mmap_lock held for write and the table unlinked: no other path reads this PTE or the folio's mapcount in between, and dropping the mapcount first keeps the refcount above it
    ptep_get_and_clear(vma->vm_mm, address, pte); // ptep_clear()
    // mutate: equivalent(swap-adjacent) not observable here: the model has no per-CPU statistics; the kernel takes the PTL here ("preempt has to be disabled to update the per-cpu stats inside folio_remove_rmap_pte()"), and outside it the __lruvec_stat_mod_folio() update would run preemptible
    folio_remove_rmap_pte(src, src_page, vma);
    // mutate: equivalent(swap-adjacent) the table is unlinked, so no other CPU can find its PTL, and freeing the page neither sleeps nor takes the PTL (free_swap_cache() only trylocks the folio)
    spin_unlock(ptl);
    free_page_and_swap_cache(src_page);
}

// mm/swap_state.c: "Perform a free_page(), also freeing any swap cache associated with this
// page if it is the last user of the page." (no huge zero folio here)
fn free_page_and_swap_cache(page) source "mm/swap_state.c:free_page_and_swap_cache@v6.12" {
    let folio = page_folio(page);
    free_swap_cache(folio);
    folio_put(folio);
}

