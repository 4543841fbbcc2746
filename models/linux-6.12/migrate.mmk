// Page migration of v5.10 for one anonymous page mapped once (mm/migrate.c, mm/rmap.c):
// __unmap_and_move() locks the page, replaces its PTE with a migration entry
// (try_to_unmap(TTU_MIGRATION) -> try_to_unmap_one(): ptep_clear_flush(), then the entry),
// copies it (move_to_new_page() -> migrate_page()), puts the new page where the entry was
// (remove_migration_ptes() -> remove_migration_pte()) and unlocks. A fault that meets the
// entry waits for the old page's lock and retries (do_swap_page() -> migration_entry_wait(),
// memory.mmk).
//
// The rmap walk is opt-in: without opt-in/anon-rmap-v5.10.mmk the page's one mapping is at
// `addr` in `vma` (try_to_unmap() and remove_migration_ptes() go straight to it, and
// page_vma_mapped_walk() is the PTE there, under its PTL); with it they walk the page's
// anon_vma. Left out: isolate_lru_page() and putback (the caller's reference
// stands for the isolation; the new page goes to the LRU pagevec), the NUMA node of the new
// page (alloc_page()), THP, KSM, file and swap-cache pages, the mmu notifiers, mlock and
// set_page_dirty() (no writeback), page_ref_freeze() (the count is compared instead, as
// migrate_page_move_mapping() does for a page without a mapping), migrate_page_states().

const MIGRATEPAGE_SUCCESS = 0;

// The migration of the page mapped at addr: MIGRATEPAGE_SUCCESS, or an error with the page
// left where it was.
fn migrate_one_page(vma, addr) source "mm/migrate.c:unmap_and_move@v5.10 with __unmap_and_move() (one anonymous page mapped once at addr)" {
    let mm = vma->vm_mm;
    // isolate_lru_page(): the page the PTE maps, with a reference of the caller's
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let pte = *ptep;
    let page = null;
    if pte_present(pte) {
        page = vm_normal_page(vma, addr, pte);
    }
    if page != null {
        get_page(page);
    }
    pte_unmap_unlock(ptep, ptl);
    if page == null {
        return -EAGAIN;
    }
    return unmap_and_move(page, vma, addr);
}

// unmap_and_move() and __unmap_and_move() (MIGRATE_SYNC) for an isolated anonymous page
// (the caller's reference is the isolation's): vma and addr are where the base tree's
// try_to_unmap() and remove_migration_ptes() find the page's one mapping; with the anon
// rmap (opt-in/anon-rmap-v5.10.mmk) they walk the page's anon_vma instead. Left out:
// unmap_and_move()'s "page was freed from under us" shortcut and migrate_pages()'s retries.
fn unmap_and_move(page, vma, addr) source "mm/migrate.c:unmap_and_move@v5.10 with __unmap_and_move()" {
    // get_new_page()
    let newpage = alloc_page();
    if newpage == null {
        put_page(page);
        return -ENOMEM;
    }
    // mutate: equivalent(delete-lock-pair) not observable here: one migration runs at a time and nothing else in the tree locks a page it migrates (no reclaim, no second migration); a fault that meets the entry then retries until the migration has remapped the page (a busy wait where the kernel sleeps) and lands on the same page
    // mutate: equivalent(swap-adjacent) the new page is this CPU's alone until remove_migration_pte() maps it: locking it before or after the old page changes nothing another CPU can see
    // the kernel tries trylock_page() first and sleeps in lock_page() only when forced in a
    // synchronous mode: here always (MIGRATE_SYNC)
    lock_page(page);
    // trylock_page(newpage) cannot fail: nobody else can reach the new page
    trylock_page(newpage);
    let rc = -EAGAIN;
    let page_was_mapped = false;
    // mutate: equivalent(disable-recheck) try_to_unmap_one() rechecks the PTE under the PTL and leaves a page it no longer maps alone; remove_migration_pte() then finds no entry and does nothing
    if page_mapcount(page) > 0 {
        // Establish migration ptes
        try_to_unmap(page, vma, addr);
        page_was_mapped = true;
    }
    if page_mapcount(page) == 0 {
        rc = move_to_new_page(newpage, page);
    }
    if page_was_mapped {
        if rc == MIGRATEPAGE_SUCCESS {
            remove_migration_ptes(page, newpage, vma, addr);
        } else {
            remove_migration_ptes(page, page, vma, addr);
        }
    }
    // mutate: equivalent(swap-adjacent) nothing waits on the new page's lock: no other CPU could reach it while it was locked
    unlock_page(newpage);
    unlock_page(page);
    if rc == MIGRATEPAGE_SUCCESS {
        // the isolation reference: the old page goes; the new one to the LRU
        // (putback_lru_page(): lru_cache_add() and put_page())
        // mutate: equivalent(swap-adjacent) two different pages: the old page's last reference and the new page's pagevec reference touch no common word
        put_page(page);
        lru_cache_add(newpage);
        put_page(newpage);
    } else {
        // mutate: equivalent(swap-adjacent) two different pages' references: the freed new page was never published, and the old page's count stays above the mappings either way
        put_page(newpage);
        put_page(page);
    }
    return rc;
}

// try_to_unmap(TTU_MIGRATION | TTU_IGNORE_MLOCK) without the rmap walk: the one mapping is
// at addr in vma. Its result (!page_mapcount()) is left out: __unmap_and_move() ignores it.
fn try_to_unmap(page, vma, addr) source "mm/rmap.c:try_to_unmap@v5.10 (the page's one mapping, known)" {
    try_to_unmap_one(page, vma, addr);
}

// remove_migration_ptes(old, new, false) without the rmap walk: the one entry is at addr
// in vma.
fn remove_migration_ptes(old, new, vma, addr) source "mm/migrate.c:remove_migration_ptes@v5.10 (the page's one mapping, known)" {
    remove_migration_pte(new, vma, addr, old);
}

// page_vma_mapped_walk() down to the PTE of address, for a caller holding mmap_lock (the
// base tree's migrations do): a walk through the mm. The anon rmap overrides it with the
// walk of an rmap walker, which holds the anon_vma lock instead.
fn page_vma_mapped_pte(vma, address) source "mm/page_vma_mapped.c:page_vma_mapped_walk@v5.10 (a small page, under mmap_lock)" {
    return pte_offset_map(vma->vm_mm, address);
}

// try_to_unmap_one() with TTU_MIGRATION for the PTE at address: under the PTL
// (page_vma_mapped_walk()), clear and flush it (no deferred flush: TTU_BATCH_FLUSH is
// reclaim's), then leave a migration entry with the old PTE's write, soft-dirty and uffd-wp
// bits, and drop the mapping.
fn try_to_unmap_one(page, vma, address) source "mm/rmap.c:try_to_unmap_one@v5.10 (TTU_MIGRATION, one PTE)" {
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and never written again, and page_vma_mapped_pte() only reads: the two commute
    let mm = vma->vm_mm;
    let ptep = page_vma_mapped_pte(vma, address);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    if !pte_present(*ptep) || pte_page(*ptep) != page {
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    // Nuke the page table entry.
    let pteval = ptep_clear_flush(vma, address, ptep);
    let entry = make_migration_entry(page, pte_write(pteval));
    let swp_pte = swp_entry_to_pte(entry);
    if pte_soft_dirty(pteval) {
        swp_pte = pte_swp_mksoft_dirty(swp_pte);
    }
    if pte_uffd_wp(pteval) {
        swp_pte = pte_swp_mkuffd_wp(swp_pte);
    }
    // mutate: equivalent(swap-adjacent) both under the PTL, which every path that reads this PTE or this page's mapcount against it takes; the count the migration compares comes after the unlock
    set_pte_at(mm, address, ptep, swp_pte);
    // mutate: equivalent(swap-adjacent) the caller's isolation reference keeps the count above 0: this put_page() frees nothing, so its place against the rmap update does not matter
    page_remove_rmap(page);
    // mutate: equivalent(swap-adjacent) the caller's isolation reference keeps the count above 0: this put_page() frees nothing, inside or outside the PTL
    put_page(page);
    pte_unmap_unlock(ptep, ptl);
    return true;
}

// move_to_new_page() -> migrate_page() for an anonymous page without a mapping:
// migrate_page_move_mapping() (the count must be the isolation reference alone; the new
// page takes the old one's mapping) then migrate_page_copy() (the contents).
fn move_to_new_page(newpage, page) source "mm/migrate.c:move_to_new_page@v5.10 with migrate_page() and migrate_page_move_mapping()" {
    if page_count(page) != 1 {
        return -EAGAIN;
    }
    // mutate: equivalent(swap-adjacent) the new page is this CPU's alone until remove_migration_pte() maps it
    newpage->mapping = page->mapping;
    copy_user_highpage(newpage, page);
    return MIGRATEPAGE_SUCCESS;
}

// remove_migration_pte() for the entry at addr naming `old`: under the PTL, the page `new`
// (the new page, or the old one if the copy failed) mapped again, old (not young), writable
// if the entry was a write entry; soft-dirty and uffd-wp carried over.
fn remove_migration_pte(new, vma, addr, old) source "mm/migrate.c:remove_migration_pte@v5.10 (one PTE)" {
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and never written again, and page_vma_mapped_pte() only reads: the two commute
    let mm = vma->vm_mm;
    let ptep = page_vma_mapped_pte(vma, addr);
    // page_vma_mapped_walk(): no PTE table there (a fork child's VMA the rmap finds before
    // copy_page_range() has filled its table), so no mapping
    if ptep == null {
        return false;
    }
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    // page_vma_mapped_walk(): a migration entry for `old`
    if !is_swap_pte(*ptep) {
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    let entry = pte_to_swp_entry(*ptep);
    if !is_migration_entry(entry) || migration_entry_to_page(entry) != old {
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    // mutate: equivalent(swap-adjacent) the PTE value is computed from the page number and vm_page_prot (guarded by mmap_lock, which the migration holds for read), not from the count
    get_page(new);
    let pte = pte_mkold(mk_pte(new, vma->vm_page_prot));
    if pte_swp_soft_dirty(*ptep) {
        pte = pte_mksoft_dirty(pte);
    }
    if is_write_migration_entry(entry) {
        pte = maybe_mkwrite(pte, vma);
    } else if pte_swp_uffd_wp(*ptep) {
        pte = pte_mkuffd_wp(pte);
    }
    // mutate: equivalent(swap-adjacent) both under the PTL, which every path that reads this PTE or the page's mapcount takes; the count already covers the new mapping (get_page(new) above), so the refcount checks hold either way
    set_pte_at(mm, addr, ptep, pte);
    page_add_anon_rmap(new, vma, addr, false);
    // update_mmu_cache() is a no-op on x86; no flush: the entry was not present
    pte_unmap_unlock(ptep, ptl);
    return true;
}

// mm/migrate.c: with the PTL taken here; a page whose last reference is gone is not waited
// for. put_and_wait_on_page_locked() drops the reference before it sleeps (DROP); here the
// reference is dropped once the lock is free, which only keeps the old page a little longer.
fn __migration_entry_wait(mm, ptep, ptl) source "mm/migrate.c:__migration_entry_wait@v5.10" {
    spin_lock(ptl);
    let pte = *ptep;
    if !is_swap_pte(pte) {
        pte_unmap_unlock(ptep, ptl);
        return;
    }
    let entry = pte_to_swp_entry(pte);
    if !is_migration_entry(entry) {
        pte_unmap_unlock(ptep, ptl);
        return;
    }
    let page = migration_entry_to_page(entry);
    if !get_page_unless_zero(page) {
        pte_unmap_unlock(ptep, ptl);
        return;
    }
    pte_unmap_unlock(ptep, ptl);
    // put_and_wait_on_page_locked()
    might_sleep();
    wait_until(!PageLocked(page));
    put_page(page);
}

fn migration_entry_wait(mm, pmd, address) source "mm/migrate.c:migration_entry_wait@v5.10" {
    let ptep = pte_offset_map(pmd, address);
    let ptl = pte_lockptr(mm, ptep);
    __migration_entry_wait(mm, ptep, ptl);
}

// include/linux/mm.h: page_ref_add_unless(page, 1, 0)
fn get_page_unless_zero(page) source "include/linux/mm.h:get_page_unless_zero@v5.10" {
    return atomic_inc_not_zero(&page->_refcount);
}
