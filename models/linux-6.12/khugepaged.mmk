// khugepaged's collapse of an anonymous PTE table into a huge PMD leaf, as of v5.10
// (mm/khugepaged.c collapse_huge_page(), __collapse_huge_page_isolate(),
// __collapse_huge_page_copy(); text read from a 5.10.13 tree, unchanged since v5.10 in these
// functions). The model's huge page is one frame, so a range can be collapsed only where the
// scenario has one page in its 2 MiB range: the other 511 PTEs are none, which
// khugepaged_max_ptes_none (511 by default) allows.
//
// Left out: khugepaged's scan (khugepaged_scan_pmd()'s pre-checks; khugepaged_collapse()
// stands for a scan that found the range collapsible), the revalidation before the write
// lock (the one under it is kept), swap-in, the anon_vma lock (no rmap
// walker is modelled), mmu notifiers, memcg charging, the page's LRU isolation
// (isolate_lru_page() and putback_lru_page() take and drop one reference), compound
// source pages, the young and swap-cache checks.

// khugepaged_scan_pmd() -> collapse_huge_page() for the range holding address, entered with
// mmap_lock held for read (collapse_huge_page() "will return with the mmap_lock released").
fn khugepaged_collapse(address) source "mm/khugepaged.c:khugepaged_scan_pmd@v5.10 (a scan that found the range collapsible)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    collapse_huge_page(mm, address & ~(HPAGE_PMD_SIZE - 1));
}

fn collapse_huge_page(mm, address) source "mm/khugepaged.c:collapse_huge_page@v5.10" {
    // "release the mmap_lock read lock ... We will recheck the vma after taking it again in
    // write mode."
    // mutate: equivalent(swap-adjacent) alloc_page() touches only the free-frame pool and the new page, private to this CPU: allocating before the unlock only keeps a writer waiting a step longer (the kernel drops mmap_lock first because a huge page allocation may compact and reclaim for a long time)
    mmap_read_unlock(mm);
    // khugepaged_alloc_page(): the model's huge page is one frame
    let new_page = alloc_page();
    if new_page == null {
        return; // SCAN_ALLOC_HUGE_PAGE_FAIL
    }
    // "Prevent all access to pagetables with the exception of gup_fast later handled by the
    // ptep_clear_flush and the VM handled by the anon_vma lock + PG_lock."
    // mutate: equivalent(swap-adjacent) not observable here: a VMA that munmap() freed between an unlocked revalidation and the write lock is caught by the PMD recheck below (munmap frees the range's table); it takes mmap() creating a new VMA and table at the range meanwhile, which the tree lacks, for the stale VMA to be used
    mmap_write_lock(mm);
    let vma = hugepage_vma_revalidate(mm, address);
    if vma == null {
        // mutate: equivalent(swap-adjacent) new_page was never published (no PTE, rmap or pagevec holds it): freeing it before or after the unlock touches nothing another CPU can reach
        mmap_write_unlock(mm);
        put_page(new_page);
        return; // SCAN_VMA_NULL, SCAN_ADDRESS_RANGE
    }
    // "check if the pmd is still valid": mm_find_pmd() finds no table once munmap freed it
    let pmd = pmd_offset(mm, address);
    if !pmd_present(*pmd) || pmd_trans_huge(*pmd) {
        // mutate: equivalent(swap-adjacent) new_page was never published (no PTE, rmap or pagevec holds it): freeing it before or after the unlock touches nothing another CPU can reach
        mmap_write_unlock(mm);
        put_page(new_page);
        return;
    }
    let pte = pte_offset_map(pmd, address);
    let pte_ptl = pte_lockptr(mm, pte);
    let pmd_ptl = pmd_lock(mm, pmd); // probably unnecessary
    // "After this gup_fast can't run anymore. This also removes any huge TLB entry from the
    // CPU so we won't allow huge and small TLB entries for the same virtual address"
    let _pmd = pmdp_collapse_flush(vma, address, pmd);
    // mutate: equivalent(swap-adjacent) mmap_lock held for write keeps out every path of the tree that takes the PMD lock or this PTL (faults, zaps, mprotect, fork, munmap, GUP's slow path, migration, whose callers hold mmap_lock for read as move_pages(2) does), in the kernel the rmap walkers that take the PTL without mmap_lock are kept out by the anon_vma lock collapse_huge_page() holds for write (not modelled), and GUP-fast and the MMU take no lock: nesting the PTL inside the PMD lock (the kernel's own lock order) or not changes nothing another CPU can see
    spin_unlock(pmd_ptl);
    // mutate: equivalent(delete-lock-pair) the table is unlinked and flushed, and mmap_lock held for write keeps out every path of the tree that takes this PTL (faults, zaps, mprotect, fork, munmap, GUP's slow path, migration, whose callers hold mmap_lock for read as move_pages(2) does), in the kernel the rmap walkers that take the PTL without mmap_lock are kept out by the anon_vma lock collapse_huge_page() holds for write (not modelled), and GUP-fast and the MMU take no lock; the isolation only reads the PTE and the page
    // mutate: equivalent(swap-adjacent) mmap_lock held for write keeps out every path of the tree that takes this PTL (faults, zaps, mprotect, fork, munmap, GUP's slow path, migration, whose callers hold mmap_lock for read as move_pages(2) does), in the kernel the rmap walkers that take the PTL without mmap_lock are kept out by the anon_vma lock collapse_huge_page() holds for write (not modelled), and GUP-fast and the MMU take no lock: the isolation reads the same PTE and page before the lock or under it
    spin_lock(pte_ptl);
    // mutate: equivalent(swap-adjacent) mmap_lock held for write keeps out every path of the tree that takes this PTL (faults, zaps, mprotect, fork, munmap, GUP's slow path, migration, whose callers hold mmap_lock for read as move_pages(2) does), in the kernel the rmap walkers that take the PTL without mmap_lock are kept out by the anon_vma lock collapse_huge_page() holds for write (not modelled), and GUP-fast and the MMU take no lock: the isolation reads the same PTE and page under the lock or after it
    let isolated = __collapse_huge_page_isolate(vma, address, pte);
    spin_unlock(pte_ptl);
    if !isolated {
        // mutate: equivalent(swap-adjacent) every path that writes this PMD entry (a fault's __pte_alloc(), munmap's free_pgtables(), a collapse) holds mmap_lock, which this collapse holds for write: the entry it cleared reads none with or without the PMD lock
        spin_lock(pmd_ptl);
        BUG_ON(!pmd_none(*pmd));
        // "We can only use set_pmd_at when establishing hugepmds and never for establishing
        // regular pmds that points to regular pagetables. Use pmd_populate for that"
        // mutate: equivalent(swap-adjacent) every path that takes the PMD lock or writes this entry holds mmap_lock, held for write here; the lockless readers (GUP-fast, the MMU) see the same single store inside or outside the lock
        pmd_populate(mm, pmd, pmd_pgtable(_pmd));
        // mutate: equivalent(swap-adjacent) two releases in a row: every path of the tree that takes the PMD lock holds mmap_lock first, so releasing the PMD lock after mmap_lock only makes such a path wait a step for it, which reaches nothing the original order does not
        spin_unlock(pmd_ptl);
        // mutate: equivalent(swap-adjacent) new_page was never published (no PTE, rmap or pagevec holds it): no other CPU can reach it, so freeing it commutes with the unlock
        mmap_write_unlock(mm);
        put_page(new_page); // (*hpage is kept for the next scan; here it goes back)
        return;
    }
    __collapse_huge_page_copy(pte, new_page, vma, address, pte_ptl);
    // __SetPageUptodate(): not modelled; smp_wmb(): every step is in program order here
    let pgtable = pmd_pgtable(_pmd);
    let huge = mk_huge_pmd(new_page, vma->vm_page_prot);
    // mutate: equivalent(swap-adjacent) huge is a local computed from new_page and vm_flags, which is guarded by mmap_lock (held for write here): computing it inside or outside the PMD lock gives the same value
    huge = maybe_pmd_mkwrite(pmd_mkdirty(huge), vma);
    // mutate: equivalent(swap-adjacent) every path that writes this PMD entry (a fault's __pte_alloc(), munmap's free_pgtables(), a collapse) holds mmap_lock, which this collapse holds for write: the entry it cleared reads none with or without the PMD lock
    spin_lock(pmd_ptl);
    // mutate: equivalent(swap-adjacent) page_add_new_anon_rmap() writes only new_page, which no other CPU can reach until set_pmd_at() maps it; the BUG_ON() reads the PMD entry, which only mmap_lock holders write
    BUG_ON(!pmd_none(*pmd));
    // mutate: equivalent(swap-adjacent) not observable here: the model has no LRU lists and no reclaim, and its page_add_new_anon_rmap() sets no page flag; in v5.10 the rmap comes first so that its non-atomic __SetPageSwapBacked() and the anon/file LRU choice precede a pagevec drain that makes the page PageLRU, visible to reclaim
    page_add_new_anon_rmap(new_page, vma, address);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both, and every path that could reach new_page through the leaf under a lock holds mmap_lock (held for write here); what the leaf lets in first, a user access or a GUP-fast pin, touches only the frame or adds a reference of its own, and the pagevec is this CPU's own
    lru_cache_add_inactive_or_unevictable(new_page, vma);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both, and the deposit is read only under it (a split or a zap of the leaf takes it first): no CPU sees the leaf without its table
    pgtable_trans_huge_deposit(mm, pmd, pgtable);
    set_pmd_at(mm, address, pmd, huge);
    // update_mmu_cache_pmd(): nothing on x86
    // mutate: equivalent(swap-adjacent) two releases in a row: every path of the tree that takes the PMD lock holds mmap_lock first, so releasing the PMD lock after mmap_lock only makes such a path wait a step for it, which reaches nothing the original order does not
    spin_unlock(pmd_ptl);
    mmap_write_unlock(mm);
}

// mm/pgtable-generic.c (x86 has no override): the PMD entry cleared, then the range
// flushed, which on x86 waits for every CPU of the mm to take the flush IPI.
fn pmdp_collapse_flush(vma, address, pmdp) source "mm/pgtable-generic.c:pmdp_collapse_flush@v5.10" {
    let pmd = pmdp_huge_get_and_clear(vma->vm_mm, address, pmdp);
    flush_tlb_range(vma, address, address + HPAGE_PMD_SIZE);
    return pmd;
}

// "If mmap_lock temporarily dropped, revalidate vma before taking mmap_lock": the VMA
// must still be there and cover the range. The model's huge page is one page, so "the range"
// is the address here (the kernel wants [address, address + HPAGE_PMD_SIZE) inside the
// VMA); hugepage_vma_check() and khugepaged_test_exit() pass (no VM_NOHUGEPAGE, no exiting
// mm are modelled).
fn hugepage_vma_revalidate(mm, address) source "mm/khugepaged.c:hugepage_vma_revalidate@v5.10" {
    let vma = find_vma(mm, address);
    if vma == null || vma->vm_start > address {
        return null;
    }
    return vma;
}


// Under the old table's PTL, with the PMD entry already cleared. One page (the others of the
// range are none): "Check if the page has any GUP (or other external) pins. The page table
// that maps the page has been already unlinked from the page table tree and this process
// cannot get an additinal pin on the page."
fn __collapse_huge_page_isolate(vma, address, pte) source "mm/khugepaged.c:__collapse_huge_page_isolate@v5.10" {
    let pteval = *pte;
    if pte_none(pteval) || !pte_present(pteval) {
        return false; // a range with no page to collapse, or SCAN_PTE_NON_PRESENT
    }
    let page = vm_normal_page(vma, address, pteval);
    if page == null {
        return false; // SCAN_PAGE_NULL
    }
    if !trylock_page(page) {
        return false; // SCAN_PAGE_LOCK
    }
    if !is_refcount_suitable(page) {
        unlock_page(page);
        return false; // SCAN_PAGE_COUNT
    }
    // isolate_lru_page(), the young and swap-cache checks: not modelled
    if !pte_write(pteval) {
        unlock_page(page);
        return false; // SCAN_PAGE_RO
    }
    return true;
}

// mm/khugepaged.c: the page's references are its mappings (and the swap cache's, not
// modelled).
fn is_refcount_suitable(page) source "mm/khugepaged.c:is_refcount_suitable@v5.10" {
    return page_count(page) == page_mapcount(page);
}

// One page: copied into the huge page, its PTE cleared (pte_clear(), no flush: the PMD
// entry is gone and was flushed), its mapping and reference dropped.
fn __collapse_huge_page_copy(pte, page, vma, address, ptl) source "mm/khugepaged.c:__collapse_huge_page_copy@v5.10" {
    let src_page = pte_page(*pte);
    // mutate: equivalent(swap-adjacent) every path of the tree that takes or waits for a page lock (migration's lock_page(), whose callers hold mmap_lock for read as move_pages(2) does; do_wp_page()'s trylock_page(); migration_entry_wait() in a fault) runs under mmap_lock, which collapse holds for write until it is done; in the kernel the page is also off the LRU (isolate_lru_page(), not modelled) and rmap walkers are held off by the anon_vma lock, so releasing it before the copy lets nobody in
    copy_user_highpage(page, src_page);
    // release_pte_page(): unlock_page(), putback_lru_page() (not modelled)
    // mutate: equivalent(swap-adjacent) every path of the tree that takes or waits for a page lock (migration's lock_page(), whose callers hold mmap_lock for read as move_pages(2) does; do_wp_page()'s trylock_page(); migration_entry_wait() in a fault) runs under mmap_lock, which collapse holds for write until it is done; in the kernel the page is also off the LRU (isolate_lru_page(), not modelled) and rmap walkers are held off by the anon_vma lock, so releasing it after taking the PTL changes nothing
    unlock_page(src_page);
    spin_lock(ptl);
    // mutate: equivalent(swap-adjacent) both under the PTL, with mmap_lock held for write and the table unlinked: no other path reads this PTE or the page's mapcount in between (GUP-fast may still read the PTE where invalidation is broadcast, but never the mapcount), and dropping the mapcount first keeps page_count >= page_mapcount
    ptep_get_and_clear(vma->vm_mm, address, pte); // pte_clear()
    // mutate: equivalent(swap-adjacent) nothing that reads the page's mapcount can run while mmap_lock is held for write (in the kernel the rmap walkers are held off by the anon_vma lock, not modelled), and the PTE is already clear: dropping the mapping after the unlock changes nothing another CPU can see
    page_remove_rmap(src_page);
    // mutate: equivalent(swap-adjacent) the PTE is already clear and no path can take this PTL while mmap_lock is held for write: dropping the reference (and freeing the page, if it is the last) inside or outside the PTL changes nothing another CPU can see
    spin_unlock(ptl);
    // free_page_and_swap_cache(): no swap cache here
    put_page(src_page);
}
