// Page migration of Linux 6.12.y for one anonymous order-0 folio mapped once (mm/migrate.c,
// mm/rmap.c), as move_pages(2) runs it: add_folio_for_migration() finds and isolates the
// folio, do_move_pages_to_node() -> migrate_pages(MIGRATE_SYNC) -> migrate_pages_batch()
// runs migrate_folio_unmap() (lock the folio, allocate and lock the destination, replace the
// PTE with a migration entry: try_to_migrate() -> try_to_migrate_one()) and then
// migrate_folio_move() (move_to_new_folio() -> migrate_folio(): the refcount check, the copy,
// __folio_migrate_mapping(), folio_migrate_flags(); then remove_migration_ptes() maps the
// destination where the entry was). A fault that meets the entry waits for the migration
// (do_swap_page() -> migration_entry_wait(), memory.mmk) and retries.
//
// 6.12's anon-exclusive rule (6c287605fd56, 088b8aa537c2): try_to_migrate_one() clears the
// PTE first, then marks the page maybe-shared with folio_try_share_anon_rmap_pte(), which
// fails, and the migration backs off, if the folio may be pinned; the migration entry
// records whether the page was exclusive (writable entries are; readable ones may say so),
// and remove_migration_pte() gives the destination PageAnonExclusive (RMAP_EXCLUSIVE) for
// an entry that is not a plain readable one.
//
// Text: mm/migrate.c from Xilinx/linux-xlnx c057ee03f751 (a 6.12.y-era file: rmap_walk_arg
// with map_unused_to_zeropage, __folio_migrate_mapping() with folio_unqueue_deferred_split();
// not pinned to a sublevel: no Makefile at that commit), mm/rmap.c from Xilinx/linux-xlnx
// acc8f948e4aa (6.12.y).
//
// Left out: the rmap walk (the tree has no anon_vma objects: the folio's one mapping is at
// `addr` in `vma`, which the caller passes down, and page_vma_mapped_walk() is the PTE
// there, under its PTL); the LRU isolation (folio_isolate_lru()'s reference is the one the
// lookup takes, and putback is folio_put()); migrate_pages()' retry passes (one pass: what
// the last pass does on -EAGAIN is done at once); MIGRATE_ASYNC's batched flush
// (TTU_BATCH_FLUSH); the NUMA node of the destination; large folios, THP migration
// entries, hugetlb, KSM, file and swap-cache folios, device-private and hwpoison entries;
// mmu notifiers, mlock, memcg, writeback and the dirty/young bits of migration entries
// (migration_entry_supports_ad(): the destination is mapped old and clean, as v5.10 did).
//
// Machine limit: the machine's migration entries are readable or writable
// (make_migration_entry(page, write)); it has no readable-exclusive kind
// (SWP_MIGRATION_READ_EXCLUSIVE). A read-only PTE of an exclusive page therefore becomes a
// plain readable entry here, and its page comes back without PageAnonExclusive: a later
// write fault copies where 6.12 would reuse (more copies, never fewer). A writable PTE's
// entry is writable, which 6.12 treats as exclusive too, so writable mappings keep their
// exclusivity exactly.

const MIGRATEPAGE_SUCCESS = 0;
const MIGRATEPAGE_UNMAP = 1;

// enum migrate_mode: only MIGRATE_SYNC is modelled (move_pages(2))
const MIGRATE_SYNC = 2;

// enum ttu_flags: try_to_migrate() is called without TTU_BATCH_FLUSH in MIGRATE_SYNC
const TTU_BATCH_FLUSH = 0x20;

// The migration of the folio mapped at addr (move_pages(2) for one page):
// MIGRATEPAGE_SUCCESS, or an error with the folio left where it was. The caller holds
// mmap_lock for read (as add_folio_for_migration() does for the lookup; in 6.12 the
// migration itself runs after mmap_read_unlock(), under the anon_vma lock of the rmap walk,
// which the tree does not have: the test drivers keep mmap_lock held across it instead).
fn migrate_one_page(vma, addr) source "mm/migrate.c:add_folio_for_migration@v6.12 with do_move_pages_to_node() (one anonymous order-0 folio at addr)" {
    let mm = vma->vm_mm;
    // folio_walk_start(&fw, vma, addr, FW_ZEROPAGE): the PTE, under its PTL
    let ptl = null;
    let ptep = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    if ptep == null {
        return -EFAULT;
    }
    let pte = *ptep;
    let folio = null;
    if pte_present(pte) {
        folio = vm_normal_folio(vma, addr, pte);
    }
    // folio_nid() == node and folio_likely_mapped_shared(): the folio is to move, and is
    // mapped once. isolate_folio_to_list() -> folio_isolate_lru(): a reference of the
    // caller's (the zero page, FW_ZEROPAGE's, is not on the LRU: -EBUSY)
    if folio != null {
        folio_get(folio);
    }
    // folio_walk_end()
    pte_unmap_unlock(ptep, ptl);
    if folio == null {
        return -EFAULT;
    }
    return migrate_pages_one(folio, vma, addr);
}

// migrate_pages(MIGRATE_SYNC) -> migrate_pages_sync() -> migrate_pages_batch() for a list
// of one order-0 folio, one pass: unmap, then move. A folio that stays on the list (-EAGAIN,
// -ENOMEM) is put back by migrate_pages()' caller (putback_movable_pages() ->
// folio_putback_lru(): the isolation reference dropped).
fn migrate_pages_one(src, vma, addr) source "mm/migrate.c:migrate_pages_batch@v6.12 (one order-0 folio, MIGRATE_SYNC, one pass)" {
    let dst = null;
    let old_page_state = 0;
    let rc = migrate_folio_unmap(src, &dst, &old_page_state, vma, addr);
    if rc == MIGRATEPAGE_SUCCESS {
        return rc; // the folio was freed from under us
    }
    if rc != MIGRATEPAGE_UNMAP {
        folio_put(src); // putback_movable_pages() -> folio_putback_lru()
        return rc;
    }
    // try_to_unmap_flush(): nothing batched without TTU_BATCH_FLUSH
    return migrate_folio_move(src, dst, old_page_state, vma, addr);
}

// alloc_migration_target() -> folio_alloc(): an order-0 folio on any node.
fn migrate_get_new_folio(src) source "mm/migrate.c:alloc_migration_target@v6.12 (order 0)" {
    return alloc_page();
}

// "Cleanup src folio upon migration success": the isolation reference goes
// (NR_ISOLATED_* statistics left out).
fn migrate_folio_done(src) source "mm/migrate.c:migrate_folio_done@v6.12" {
    folio_put(src);
}

// "Restore the source folio to the original state upon failure" (the anon_vma reference
// and the list move are left out).
fn migrate_folio_undo_src(src, page_was_mapped, locked, vma, addr) source "mm/migrate.c:migrate_folio_undo_src@v6.12" {
    if page_was_mapped {
        remove_migration_ptes(src, src, vma, addr);
    }
    if locked {
        folio_unlock(src);
    }
}

// "Restore the destination folio to the original state upon failure" (no put_new_folio
// callback: folio_put()).
fn migrate_folio_undo_dst(dst, locked) source "mm/migrate.c:migrate_folio_undo_dst@v6.12" {
    if locked {
        folio_unlock(dst);
    }
    folio_put(dst);
}

// "Obtain the lock on page, remove all ptes." MIGRATE_SYNC: folio_lock() after a failed
// trylock. Returns MIGRATEPAGE_UNMAP with *dstp and *old_page_statep set (6.12 records
// them in dst->private), MIGRATEPAGE_SUCCESS if the folio was freed from under us, or an
// error with everything undone. The mlock, writeback, movable (non-LRU) and
// !src->mapping corner cases are left out; folio_get_anon_vma() has no anon_vma to pin.
fn migrate_folio_unmap(src, dstp, old_page_statep, vma, addr) source "mm/migrate.c:migrate_folio_unmap@v6.12" {
    if folio_ref_count(src) == 1 {
        // "Folio was freed from under us. So we are done."
        migrate_folio_done(src);
        return MIGRATEPAGE_SUCCESS;
    }
    let dst = migrate_get_new_folio(src);
    if dst == null {
        return -ENOMEM;
    }
    *dstp = dst;
    let rc = -EAGAIN;
    let old_page_state = 0;
    if !folio_trylock(src) {
        folio_lock(src); // MIGRATE_SYNC
    }
    let locked = true;
    // "Block others from accessing the new page when we get around to establishing
    // additional references."
    let dst_locked = false;
    if folio_trylock(dst) {
        dst_locked = true;
        if folio_mapped(src) {
            // Establish migration ptes
            try_to_migrate(src, 0, vma, addr);
            old_page_state = old_page_state | PAGE_WAS_MAPPED;
        }
        if !folio_mapped(src) {
            *old_page_statep = old_page_state;
            return MIGRATEPAGE_UNMAP;
        }
    }
    // out: "A folio that has not been unmapped will be restored to right list unless we
    // want to retry."
    // mutate: equivalent(swap-adjacent) dst is a fresh folio no other CPU can reach (never mapped, not on the LRU, no mapping set): unlocking and freeing it touches no word that undoing src reads or writes
    migrate_folio_undo_src(src, (old_page_state & PAGE_WAS_MAPPED) != 0, locked, vma, addr);
    migrate_folio_undo_dst(dst, dst_locked);
    return rc;
}

// enum { PAGE_WAS_MAPPED = BIT(0), PAGE_WAS_MLOCKED = BIT(1) }
const PAGE_WAS_MAPPED = 1;

// "Migrate the folio to the newly allocated folio in dst." On -EAGAIN 6.12 keeps src
// unmapped for the next pass and, after the last pass, migrate_pages_undo_batch() undoes
// both folios: here at once (one pass).
fn migrate_folio_move(src, dst, old_page_state, vma, addr) source "mm/migrate.c:migrate_folio_move@v6.12" {
    let rc = move_to_new_folio(dst, src);
    if rc != MIGRATEPAGE_SUCCESS {
        // out: (-EAGAIN: the last pass) migrate_pages_undo_batch()
        // mutate: equivalent(swap-adjacent) migrate_folio() failed before dst was published (no mapping, no PTE, not on the LRU): no other CPU can reach dst, so unlocking and freeing it touches no word that undoing src reads or writes
        migrate_folio_undo_src(src, (old_page_state & PAGE_WAS_MAPPED) != 0, true, vma, addr);
        // mutate: equivalent(swap-adjacent) two different folios, and dst was never published (no mapping, no PTE, not on the LRU): freeing it and dropping src's isolation reference touch no common word
        migrate_folio_undo_dst(dst, true);
        folio_put(src); // putback_movable_pages() -> folio_putback_lru()
        return rc;
    }
    // "When successful, push dst to LRU immediately: so that if it turns out to be an
    // mlocked page, remove_migration_ptes() will automatically build up the correct
    // dst->mlock_count for it."
    folio_add_lru(dst);
    if old_page_state & PAGE_WAS_MAPPED {
        remove_migration_ptes(src, dst, vma, addr);
    }
    // out_unlock_both:
    folio_unlock(dst);
    // "If migration is successful, decrease refcount of dst, which will not free the page
    // because new page owner increased refcounter."
    // mutate: equivalent(swap-adjacent) two different folios: dst's reference count and src's lock bit are different words, and src stays held by its isolation reference until migrate_folio_done(), whichever comes first
    folio_put(dst);
    // "A folio that has been migrated has all references removed and will be freed."
    folio_unlock(src);
    migrate_folio_done(src);
    return rc;
}

// "Move a page to a newly allocated page. The page is locked and all ptes have been
// successfully removed." An anonymous folio outside the swap cache has no mapping
// (folio_mapping() is NULL): migrate_folio(). The movable (non-LRU) branch is left out;
// src->mapping keeps PAGE_MAPPING_ANON ("Anonymous and movable src->mapping will be cleared
// by free_pages_prepare"); flush_dcache_folio() is nothing on x86.
fn move_to_new_folio(dst, src) source "mm/migrate.c:move_to_new_folio@v6.12" {
    // mutate: equivalent(swap-adjacent) this CPU holds both folio locks since migrate_folio_unmap(): neither bit can change, so the two checks read the same in either order
    BUG_ON(!folio_test_locked(src));
    BUG_ON(!folio_test_locked(dst));
    return migrate_folio(null, dst, src, MIGRATE_SYNC);
}

// migrate_folio() -> __migrate_folio(): "Check whether src does not have extra refs before
// we do more work", copy, then move the mapping and the flags. folio_expected_refs(NULL, src)
// is 1: the isolation reference.
fn migrate_folio(mapping, dst, src, mode) source "mm/migrate.c:__migrate_folio@v6.12 (via migrate_folio(), no mapping)" {
    let expected_count = 1; // folio_expected_refs(mapping, src)
    if folio_ref_count(src) != expected_count {
        return -EAGAIN;
    }
    let rc = folio_mc_copy(dst, src);
    if rc != 0 {
        return rc;
    }
    rc = __folio_migrate_mapping(mapping, dst, src, expected_count);
    if rc != MIGRATEPAGE_SUCCESS {
        return rc;
    }
    folio_migrate_flags(dst, src);
    return MIGRATEPAGE_SUCCESS;
}

// mm/util.c: copy_mc_highpage() of each page; a machine check (-EHWPOISON) is not modelled.
fn folio_mc_copy(dst, src) source "mm/util.c:folio_mc_copy@v6.12" {
    copy_user_highpage(dst, src);
    return 0;
}

// "Replace the folio in the mapping": without a mapping (an anonymous folio outside the
// swap cache) and small, "No turning back from here": the destination takes the source's
// mapping (index, __folio_set_swapbacked() and the statistics left out). No refcount
// freeze: the count was compared in __migrate_folio().
fn __folio_migrate_mapping(mapping, newfolio, folio, expected_count) source "mm/migrate.c:__folio_migrate_mapping@v6.12 (no mapping, small folio)" {
    newfolio->mapping = folio->mapping;
    return MIGRATEPAGE_SUCCESS;
}

// "Copy the flags and some other ancillary information": of the flags the tree keeps, only
// PG_mappedtodisk, the bit PG_anon_exclusive aliases: "PG_anon_exclusive (->
// PG_mappedtodisk) is always migrated via migration entries. We can still have
// PG_anon_exclusive set on an effectively unmapped and unreferenced first sub-pages of an
// anonymous THP: we can simply copy it here via PG_mappedtodisk." (For an order-0 folio
// try_to_migrate_one() has cleared it.) Referenced, uptodate, active, dirty, young, NUMA,
// KSM, memcg and page-owner information are left out.
fn folio_migrate_flags(newfolio, folio) source "mm/migrate.c:folio_migrate_flags@v6.12" {
    if PageAnonExclusive(folio) { // folio_test_mappedtodisk()
        SetPageAnonExclusive(newfolio); // folio_set_mappedtodisk()
    }
}

// try_to_migrate(folio, flags) without the rmap walk: the folio's one mapping is at addr
// in vma. ("Migration always ignores mlock"; temporary stacks and zone-device folios are
// not modelled.)
fn try_to_migrate(folio, flags, vma, addr) source "mm/rmap.c:try_to_migrate@v6.12 (the folio's one mapping, known)" {
    try_to_migrate_one(folio, vma, addr, flags);
}

// page_vma_mapped_walk() for a small folio down to the PTE of address, locked: map_pte()
// maps the table without the lock and takes the PTL (the PVMW_SYNC form), rechecking the
// PMD entry as pte_offset_map_lock() does. NULL if the range has no PTE table. The caller
// checks what the PTE holds (check_pte()).
fn page_vma_mapped_walk_pte(vma, address, ptlp) source "mm/page_vma_mapped.c:page_vma_mapped_walk@v6.12 (a small folio: map_pte() and the PTL)" {
    let mm = vma->vm_mm;
    return pte_offset_map_lock(mm, pmd_offset(mm, address), address, ptlp);
}

// try_to_migrate_one() for the PTE at address (no TTU_SPLIT_HUGE_PMD, no TTU_SYNC): under
// the PTL, clear and flush the PTE (MIGRATE_SYNC: no deferred flush), then "See
// folio_try_share_anon_rmap_pte(): clear PTE first": a page that may be pinned stays
// exclusive and mapped, and the walk stops (ret false); else leave a migration entry that
// says whether the PTE was writable or the page exclusive, and drop the mapping and its
// reference. folio_mark_dirty(), update_hiwater_rss(), arch_unmap_one() (0 on x86), the
// young/dirty bits of the entry and the device-private, hwpoison, hugetlb and pte_unused()
// branches are left out.
fn try_to_migrate_one(folio, vma, address, flags) source "mm/rmap.c:try_to_migrate_one@v6.12 (a small anonymous folio, one PTE)" {
    let mm = vma->vm_mm;
    let ptl = null;
    let ptep = page_vma_mapped_walk_pte(vma, address, &ptl);
    if ptep == null {
        return true;
    }
    // check_pte(): the PTE maps the folio (PVMW_MIGRATION is not set)
    let pte = *ptep;
    if !pte_present(pte) || pte_page(pte) != folio_page(folio, 0) {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    let subpage = folio_page(folio, 0);
    // mutate: equivalent(swap-adjacent) PageAnonExclusive of a mapped page changes only under the PTL of its PTE (a write fault's reuse, fork's folio_try_dup_anon_rmap_pte(), remove_migration_pte()), which this CPU holds across both, and folio->mapping of an anonymous folio is stable: the flag reads the same before or after the clear and flush
    let anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(subpage);
    // flush_cache_page(): nothing on x86. Nuke the page table entry.
    let pteval = ptep_clear_flush(vma, address, ptep);
    // VM_BUG_ON_PAGE(): a writable anonymous PTE maps an exclusive page
    BUG_ON(pte_write(pteval) && folio_test_anon(folio) && !anon_exclusive);
    // "See folio_try_share_anon_rmap_pte(): clear PTE first."
    if anon_exclusive && folio_try_share_anon_rmap_pte(folio, subpage) != 0 {
        set_pte_at(mm, address, ptep, pteval);
        // page_vma_mapped_walk_done()
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    // "Store the pfn of the page in a special migration pte. do_swap_page() will wait until
    // the migration pte is removed and then restart fault handling."
    let entry = null;
    if pte_write(pteval) {
        entry = make_migration_entry(subpage, true); // make_writable_migration_entry()
    } else if anon_exclusive {
        // make_readable_exclusive_migration_entry(): the machine has no such kind (see the
        // top of this file); the nearest is a readable entry
        entry = make_migration_entry(subpage, false);
    } else {
        entry = make_migration_entry(subpage, false); // make_readable_migration_entry()
    }
    let swp_pte = swp_entry_to_pte(entry);
    if pte_soft_dirty(pteval) {
        swp_pte = pte_swp_mksoft_dirty(swp_pte);
    }
    if pte_uffd_wp(pteval) {
        swp_pte = pte_swp_mkuffd_wp(swp_pte);
    }
    // mutate: equivalent(swap-adjacent) both under the PTL, which every path that reads this PTE or this folio's mapcount against it takes; the count the migration compares comes after the unlock
    set_pte_at(mm, address, ptep, swp_pte);
    // mutate: equivalent(swap-adjacent) the caller's isolation reference keeps the count above 0: this folio_put() frees nothing, so its place against the rmap update does not matter
    folio_remove_rmap_pte(folio, subpage, vma);
    // mutate: equivalent(swap-adjacent) the caller's isolation reference keeps the count above 0: this folio_put() frees nothing, inside or outside the PTL
    folio_put(folio);
    pte_unmap_unlock(ptep, ptl);
    return true;
}

// remove_migration_ptes(src, dst, 0) without the rmap walk: the one entry is at addr in
// vma. (RMP_USE_SHARED_ZEROPAGE is a THP split's.)
fn remove_migration_ptes(src, dst, vma, addr) source "mm/migrate.c:remove_migration_ptes@v6.12 (the folio's one mapping, known)" {
    remove_migration_pte(dst, vma, addr, src);
}

// "Restore a potential migration pte to a working pte entry": under the PTL
// (page_vma_mapped_walk() with PVMW_SYNC | PVMW_MIGRATION: a migration entry naming `src`),
// the folio `folio` (the destination, or the source if the migration failed) mapped again,
// old (the entry keeps no young bit here), writable if the entry was writable, soft-dirty
// and uffd-wp carried over, and PageAnonExclusive (RMAP_EXCLUSIVE) unless the entry was a
// plain readable one. mlock and the THP, device-private and hugetlb branches are left out.
fn remove_migration_pte(folio, vma, addr, src) source "mm/migrate.c:remove_migration_pte@v6.12 (a small anonymous folio, one PTE)" {
    let mm = vma->vm_mm;
    let ptl = null;
    let ptep = page_vma_mapped_walk_pte(vma, addr, &ptl);
    // page_vma_mapped_walk(): no PTE table there, so no mapping
    if ptep == null {
        return true;
    }
    let old_pte = *ptep;
    if !is_swap_pte(old_pte) {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    let entry = pte_to_swp_entry(old_pte);
    if !is_migration_entry(entry) || migration_entry_to_page(entry) != folio_page(src, 0) {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    let rmap_flags = RMAP_NONE;
    let new = folio_page(folio, 0);
    // mutate: equivalent(swap-adjacent) folio_get() raises the count of a folio this CPU holds locked and referenced, so no check of another CPU depends on when; the vm_page_prot load is a READ_ONCE() that no other word orders, and its writers (mprotect, under mmap_lock for write) never read this folio's count
    folio_get(folio);
    let pte = mk_pte(new, vma->vm_page_prot); // READ_ONCE(vma->vm_page_prot)
    // !is_migration_entry_young(entry); is_migration_entry_dirty(): entries carry neither
    pte = pte_mkold(pte);
    if pte_swp_soft_dirty(old_pte) {
        pte = pte_mksoft_dirty(pte);
    } else {
        pte = pte_clear_soft_dirty(pte);
    }
    if is_write_migration_entry(entry) { // is_writable_migration_entry()
        pte = pte_mkwrite(pte); // pte_mkwrite(pte, vma): no shadow stacks
    } else if pte_swp_uffd_wp(old_pte) {
        pte = pte_mkuffd_wp(pte);
    }
    // !is_readable_migration_entry(): writable (or readable-exclusive, which the machine
    // does not have) entries were exclusive
    if folio_test_anon(folio) && is_write_migration_entry(entry) {
        rmap_flags = rmap_flags | RMAP_EXCLUSIVE;
    }
    // mutate: equivalent(swap-adjacent) both under the PTL, which every path that reads this PTE or the folio's mapcount takes; the count already covers the new mapping (folio_get() above), so the refcount checks hold either way
    folio_add_anon_rmap_pte(folio, new, vma, addr, rmap_flags);
    set_pte_at(mm, addr, ptep, pte);
    // update_mmu_cache(): nothing on x86; "No need to invalidate - it was non-present before"
    pte_unmap_unlock(ptep, ptl);
    return true;
}

// "Something used the pte of a page under migration. We need to get to the page and wait
// until migration is finished. When we return from this function the fault will be
// retried."
fn migration_entry_wait(mm, pmd, address) source "mm/migrate.c:migration_entry_wait@v6.12" {
    let ptl = null;
    let ptep = pte_offset_map_lock(mm, pmd, address, &ptl);
    if ptep == null {
        return;
    }
    let pte = *ptep;
    pte_unmap(ptep);
    if !is_swap_pte(pte) {
        spin_unlock(ptl);
        return;
    }
    let entry = pte_to_swp_entry(pte);
    if !is_migration_entry(entry) {
        spin_unlock(ptl);
        return;
    }
    migration_entry_wait_on_locked(entry, ptl, ptep, pte);
}

// mm/filemap.c: "Wait for a migration entry referencing the given page to be removed. This
// is equivalent to folio_put_wait_locked(folio, TASK_UNINTERRUPTIBLE) except this can be
// called without taking a reference on the page. Instead this should be called while
// holding the ptl for the migration entry referencing the page." The waiter is queued on
// the folio's wait queue under the PTL, the PTL dropped, and the sleep ends at the
// folio_unlock() that follows remove_migration_ptes(); after the PTL is dropped the
// waiter never touches the folio again (it may be freed).
//
// Machine limit: page.mmk's folio_unlock() wakes implicitly (no wait queue, no
// PG_waiters), and a wait on the folio's PG_locked would read a folio that may have been
// freed. The nearest faithful wait: until the PTE no longer holds the entry, which every
// end of a migration (remove_migration_ptes(), for success and failure alike) brings about
// before it unlocks the folio. The wait may thus end a little earlier than 6.12's, at a
// point where any other thread of the process could already use the new PTE. The PTE read
// needs no PTL: the caller's mmap_lock or VMA lock keeps the table.
fn migration_entry_wait_on_locked(entry, ptl, ptep, pte) source "mm/filemap.c:migration_entry_wait_on_locked@v6.12 (the wait on the PTE, see above)" {
    // "If a migration entry exists for the page the migration path must hold a valid
    // reference to the page, and it must take the ptl to remove the migration entry. So
    // the page is valid until the ptl is dropped."
    spin_unlock(ptl);
    might_sleep();
    wait_until(!pte_same(*ptep, pte));
}
