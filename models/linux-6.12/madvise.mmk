// madvise(MADV_DONTNEED) and madvise(MADV_FREE) of 6.12.y: mm/madvise.c, and the zap path of
// mm/memory.c (zap_page_range_single(), zap_pte_range(),
// zap_present_ptes(), zap_present_folio_ptes()).
//
// Sources: mm/memory.c is Xilinx/linux-xlnx acc8f948 (6.12.y), read with the search tool.
// mm/madvise.c: no copy pinned to 6.12 was found (research-612-paths.md 2f); the madvise
// functions below follow 6.12's text as known from its neighbours (v6.10's
// clear_young_dirty_ptes() conversion of madvise_free_pte_range(), seen in the mailing-list
// diffs the search tool holds; madvise_dontneed_single_vma() passing NULL details to
// zap_page_range_single() until 6.13's reclaim_pt) and are NOT pinned.
//
// The tree has private anonymous order-0 folios only: no file folios (so the delayed rmap of
// a dirty file folio is never taken), no large folios (no folio_pte_batch(), no split), no
// device-private or device-exclusive entries, no hwpoison, no guard markers (6.13).
// userfaultfd_remove() events are off (no UFFD_FEATURE_EVENT_REMOVE), mmu notifiers and the
// rss counters are not modelled.

const MADV_DONTNEED = 4;
// include/uapi/asm-generic/mman-common.h
const MADV_FREE = 8;

// ---- mm/madvise.c ----

// MADV_DONTNEED and MADV_FREE do not need mmap_lock for write (madvise_need_mmap_write()).
fn madvise_need_mmap_write(behavior) source "mm/madvise.c:madvise_need_mmap_write@v6.12" {
    if behavior == MADV_DONTNEED || behavior == MADV_FREE {
        return false;
    }
    return true;
}

// do_madvise() for MADV_DONTNEED and MADV_FREE under mmap_lock held for read (6.12 has no
// per-VMA-lock madvise yet: that is 6.16). The alignment and length checks of the syscall
// are left out (the model's addresses count pages); blk_start_plug() is not modelled.
fn madvise(start, len, behavior) source "mm/madvise.c:do_madvise@v6.12 (MADV_DONTNEED, MADV_FREE)" {
    let mm = current_mm();
    if behavior != MADV_DONTNEED && behavior != MADV_FREE {
        // Only these are modelled: any other advice would run a path the model does not
        // have, so it is a model error rather than a quiet -EINVAL.
        not_modelled();
    }
    let end = start + len;
    if end == start {
        return 0;
    }
    let write = madvise_need_mmap_write(behavior);
    if write {
        // mutate: equivalent(delete-lock-pair) not observable here: only MADV_DONTNEED and MADV_FREE are modelled, and both take mmap_lock for read (madvise_need_mmap_write()); every advice that takes it for write stops at not_modelled() above, so no scenario reaches this branch
        mmap_write_lock(mm); // mmap_write_lock_killable()
    } else {
        mmap_read_lock(mm);
    }
    let error = madvise_walk_vmas(mm, start, end, behavior);
    if behavior == MADV_DONTNEED {
        // Ghost, not kernel code: what the caller may rely on at the return (below).
        madvise_dontneed_returns_coherent(mm, start, end);
    }
    if write {
        mmap_write_unlock(mm);
    } else {
        mmap_read_unlock(mm);
    }
    return error;
}

// "Walk the vmas in range [start,end), and call the visit function on each one": the visit
// is madvise_vma_behavior() -> madvise_dontneed_free().
fn madvise_walk_vmas(mm, start, end, behavior) source "mm/madvise.c:madvise_walk_vmas@v6.12" {
    let unmapped_error = 0;
    let prev = null;
    let vma = find_vma_prev(mm, start, &prev);
    if vma != null && start > vma->vm_start {
        prev = vma;
    }
    while true {
        // Still start < end.
        if vma == null {
            return -ENOMEM;
        }
        // Here start < (end|vma->vm_end).
        if start < vma->vm_start {
            unmapped_error = -ENOMEM;
            start = vma->vm_start;
            if start >= end {
                break;
            }
        }
        // Here vma->vm_start <= start < (end|vma->vm_end)
        let tmp = vma->vm_end;
        if end < tmp {
            tmp = end;
        }
        // Here vma->vm_start <= start < tmp <= (end|vma->vm_end).
        let error = madvise_dontneed_free(vma, &prev, start, tmp, behavior);
        if error != 0 {
            return error;
        }
        start = tmp;
        if prev != null && start < prev->vm_end {
            start = prev->vm_end;
        }
        if start >= end {
            break;
        }
        if prev != null {
            vma = find_vma(mm, prev->vm_end);
        } else {
            // madvise_remove dropped mmap_lock
            vma = find_vma(mm, start);
        }
    }
    return unmapped_error;
}

// madvise_dontneed_free_valid_vma(): VM_LOCKED, VM_PFNMAP and hugetlb VMAs are refused; none
// is modelled but VM_LOCKED.
fn madvise_dontneed_free_valid_vma(vma, start, end, behavior) source "mm/madvise.c:madvise_dontneed_free_valid_vma@v6.12" {
    if vma->vm_flags & VM_LOCKED {
        return false; // can_madv_lru_vma()
    }
    return true;
}

fn madvise_dontneed_free(vma, prev, start, end, behavior) source "mm/madvise.c:madvise_dontneed_free@v6.12" {
    *prev = vma;
    if !madvise_dontneed_free_valid_vma(vma, start, end, behavior) {
        return -EINVAL;
    }
    if start == end {
        return 0;
    }
    // userfaultfd_remove(): true (no UFFD_FEATURE_EVENT_REMOVE), mmap_lock stays held
    if behavior == MADV_DONTNEED {
        let ret = madvise_dontneed_single_vma(vma, start, end);
        // Ghost, not kernel code: the zap and its flush are done, so the discard of the range
        // is over (madvise(2): later accesses find zero-fill-on-demand pages); from here a
        // store that still reached a zapped page would be lost.
        ghost_discard_done(vma, start, end);
        return ret;
    } else if behavior == MADV_FREE {
        let ret = madvise_free_single_vma(vma, start, end);
        // Ghost, not kernel code: the call and its flush are done, so a store that lands in a
        // lazyfree page from here makes its contents count again (one that raced the call may
        // be thrown away with the page).
        ghost_discard_done(vma, start, end);
        return ret;
    }
    return -EINVAL;
}

// "Application no longer needs these pages."
fn madvise_dontneed_single_vma(vma, start, end) source "mm/madvise.c:madvise_dontneed_single_vma@v6.12" {
    zap_page_range_single(vma, start, end - start, null);
    return 0;
}

// Ghost, not kernel code: the promise of madvise(MADV_DONTNEED) at its return. Later accesses
// to the range find zero-fill-on-demand pages, so no CPU may still cache a translation of it
// more permissive than its PTEs (a cleared PTE allows nothing): a flush another path deferred
// without raising tlb_flush_pending (reclaim's batched flush: flush_tlb_batched_pending())
// must be done by now, and so must one a parallel zap owed for a PTE this call found none
// (tlb_finish_mmu()'s nested flush). Left to their owners: PTEs whose PTL another CPU holds
// (it is changing them now), and any entry while another mmu_gather of the mm is open
// (tlb_flush_pending still raised after this call's own decrement): that call is changing
// PTEs of the mm and its flush is to come. One step, so that no other path starts or ends
// between the reads.
fn madvise_dontneed_returns_coherent(mm, start, end) source "ghost: the madvise(MADV_DONTNEED) contract" {
    atomic {
        if !mm_tlb_flush_pending(mm) {
            let a = start;
            while a < end {
                let vma = find_vma(mm, a);
                if vma != null && a >= vma->vm_start {
                    // (no PTE table: the PMD entry is none, or a huge leaf)
                    let pte = pte_offset_map(mm, a);
                    if pte == null || !spin_is_locked(pte_lockptr(mm, pte)) {
                        assume_tlb_coherent(vma, a);
                    }
                }
                a = a + PAGE_SIZE;
            }
        }
    }
}

// ---- MADV_FREE ----

// The walk with an mmu_gather for the PTEs it cleans (walk_page_range() with
// madvise_free_walk_ops: one madvise_free_pte_range() per PMD range).
fn madvise_free_single_vma(vma, start_addr, end_addr) source "mm/madvise.c:madvise_free_single_vma@v6.12" {
    let mm = vma->vm_mm;
    // MADV_FREE works for only anon vma at the moment
    if !vma_is_anonymous(vma) {
        return -EINVAL;
    }
    let start = start_addr;
    if vma->vm_start > start {
        start = vma->vm_start;
    }
    if start >= vma->vm_end {
        return -EINVAL;
    }
    let end = end_addr;
    if vma->vm_end < end {
        end = vma->vm_end;
    }
    if end <= vma->vm_start {
        return -EINVAL;
    }
    lru_add_drain();
    let tlb = struct mmu_gather {};
    // mutate: equivalent(swap-adjacent) tlb is this CPU's on-stack gather, which no other CPU can reach; tlb_start_vma() only records the VMA's flags in it (vma_exec, vma_pfn; fullmm is false before and after tlb_gather_mmu()), which x86's tlb_flush() does not read and tlb_gather_mmu() leaves as they are but for vma_pfn, false for an anonymous VMA either way
    tlb_gather_mmu(&tlb, mm);
    // update_hiwater_rss(), mmu_notifier_invalidate_range_start(): not modelled
    tlb_start_vma(&tlb, vma);
    // walk_page_range(): one madvise_free_pte_range() per PMD range
    let addr = start;
    while addr < end {
        let next = pmd_addr_end(addr, end);
        madvise_free_pte_range(pmd_offset(mm, addr), addr, next, &tlb, vma);
        addr = next;
    }
    // mutate: equivalent(swap-adjacent) tlb_finish_mmu() flushes the gathered range itself (tlb_flush_mmu() -> tlb_flush_mmu_tlbonly(), or the whole mm if another flusher is nested) before dec_tlb_flush_pending(), at the same point of the call, and tlb_end_vma() after it finds the range reset and flushes nothing; MADV_FREE frees no page through the gather
    tlb_end_vma(&tlb, vma);
    tlb_finish_mmu(&tlb);
    return 0;
}

// The walk's pmd_entry: walk->private is the mmu_gather, walk->vma the VMA. A swap entry is
// dropped ("just clear page table to prevent swap-in which is more expensive rather than
// (page allocation + zeroing)"), a folio only this mapping maps is cleaned (PG_dirty) and
// its PTE made old and clean with the flush gathered (clear_young_dirty_ptes(),
// tlb_remove_tlb_entries()), then made lazyfree. madvise_free_huge_pmd() (THP) is not
// modelled.
fn madvise_free_pte_range(pmd, addr, end, tlb, vma) source "mm/madvise.c:madvise_free_pte_range@v6.12" {
    let mm = tlb->mm;
    let ptl = null;
    let nr_swap = 0;
    // tlb_change_page_size(): no-op on x86
    let start_pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
    if start_pte == null {
        return 0;
    }
    let pte = start_pte;
    // mutate: equivalent(delete-flush) not observable here: it flushes what reclaim's batched unmap left pending (set_tlb_ubc_flush_pending()), which this tree does not have (mm_types.mmk: no reclaim path sets mm->tlb_flush_batched), so the flush branch is never taken
    // mutate: equivalent(move-flush-after-unlock) not observable here: it flushes what reclaim's batched unmap left pending (set_tlb_ubc_flush_pending()), which this tree does not have (mm_types.mmk: no reclaim path sets mm->tlb_flush_batched), so the flush branch is never taken
    flush_tlb_batched_pending(mm);
    while addr != end {
        let nr = 1;
        let ptent = *pte;
        if !pte_none(ptent) {
            if !pte_present(ptent) {
                let entry = pte_to_swp_entry(ptent);
                if !non_swap_entry(entry) {
                    // swap_pte_batch() is 1 for order-0; free_swap_and_cache_nr(entry, 1)
                    nr_swap = nr_swap - nr;
                    free_swap_and_cache(entry);
                    ptep_get_and_clear(mm, addr, pte); // clear_not_present_full_ptes()
                    // Ghost, not kernel code: the swapped-out contents are gone for good.
                    ghost_discard(vma, addr, null);
                } else if is_pte_marker_entry(entry) && (pte_marker_get(entry) & PTE_MARKER_POISONED) != 0 {
                    // is_poisoned_swp_entry() (is_hwpoison_entry(): no hwpoison here)
                    ptep_get_and_clear(mm, addr, pte); // pte_clear_not_present_full()
                }
            } else {
                let folio = vm_normal_folio(vma, addr, ptent);
                // (folio_is_zone_device(): none; folio_test_large(): order-0 only)
                if folio != null {
                    madvise_free_folio(tlb, vma, addr, pte, ptent, folio);
                }
            }
        }
        addr = addr + PAGE_SIZE * nr;
        if addr != end {
            pte = pte_offset_map(mm, addr); // pte += nr
        }
    }
    // add_mm_counter(mm, MM_SWAPENTS, nr_swap): not modelled
    pte_unmap_unlock(start_pte, ptl);
    // cond_resched()
    return 0;
}

// The loop body of madvise_free_pte_range() for a present PTE mapping an order-0 folio
// (its `continue`s are the returns).
fn madvise_free_folio(tlb, vma, addr, pte, ptent, folio) source "mm/madvise.c:madvise_free_pte_range@v6.12 (a present PTE)" {
    if folio_test_swapcache(folio) || folio_test_dirty(folio) {
        if !folio_trylock(folio) {
            return;
        }
        // "If we have a large folio at this point, we know it is fully mapped so if its
        // mapcount is the same as its number of pages, it must be exclusive."
        if folio_mapcount(folio) != folio_nr_pages(folio) {
            folio_unlock(folio);
            return;
        }
        // (folio_test_swapcache() && !folio_free_swap(): no swap cache in the tree)
        // mutate: equivalent(swap-adjacent) not observable here: the tests' reclaim reads PG_dirty only under the PTL this CPU holds (try_to_unmap_one()'s MADV_FREE check), so a clear just after the folio unlock is seen by no reader in between; the folio lock matters for a swap-cache folio (folio_free_swap()), which the tree does not have
        folio_clear_dirty(folio);
        folio_unlock(folio);
    }
    if pte_young(ptent) || pte_dirty(ptent) {
        clear_young_dirty_ptes(vma, addr, pte, 1, CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY);
        tlb_remove_tlb_entries(tlb, pte, 1, addr);
    }
    folio_mark_lazyfree(folio);
    // Ghost, not kernel code: from here reclaim may throw the contents away, until a store
    // lands in the page again.
    ghost_lazyfree(vma, addr);
}

// include/linux/pgtable.h (cydp_t)
const CYDP_CLEAR_YOUNG = 0x01;
const CYDP_CLEAR_DIRTY = 0x02;

// The generic clear_young_dirty_ptes() (x86 has no arch version): the PTE is taken away
// (ptep_get_and_clear(): no hardware A/D update can be lost between the read and the write)
// and put back old and clean.
fn clear_young_dirty_ptes(vma, addr, ptep, nr, flags) source "include/linux/pgtable.h:clear_young_dirty_ptes@v6.12" {
    if nr != 1 {
        not_modelled(); // large folios
    }
    let mm = vma->vm_mm;
    if flags == CYDP_CLEAR_YOUNG {
        not_modelled(); // ptep_test_and_clear_young(): MADV_FREE clears both
    }
    let pte = ptep_get_and_clear(mm, addr, ptep);
    if flags & CYDP_CLEAR_YOUNG {
        pte = pte_mkold(pte);
    }
    if flags & CYDP_CLEAR_DIRTY {
        pte = pte_mkclean(pte);
    }
    set_pte_at(mm, addr, ptep, pte);
}

// ---- folio helpers this file needs (include/linux/page-flags.h, mm/swap.c) ----

// ---- mm/memory.c: the zap ----

// "remove user pages in a given range": the range must fit into one VMA. hugetlb, mmu
// notifiers and update_hiwater_rss() are not modelled. unmap_single_vma() and
// unmap_page_range() (6.12's zap_pmd_range(), which calls zap_pte_range() again for the rest
// of a PMD range it stopped short of) are mmap.mmk's.
fn zap_page_range_single(vma, address, size, details) source "mm/memory.c:zap_page_range_single@v6.12" {
    let end = address + size;
    lru_add_drain();
    let tlb = struct mmu_gather {};
    tlb_gather_mmu(&tlb, vma->vm_mm);
    unmap_single_vma(&tlb, vma, address, end, details, false);
    tlb_finish_mmu(&tlb);
}

// TIF_NEED_RESCHED is set by the scheduler (a tick, a wakeup), outside the model: both
// answers are explored.
fn need_resched() source "include/linux/sched.h:need_resched@v6.12" {
    return nondet();
}

// One PTE table's range under its PTL. The kernel's pmd and details arguments are not
// passed: the PMD entry is looked up from the mm (the caller holds mmap_lock), and details
// only matter for file folios and the markers of file VMAs (should_zap_cows() and
// should_zap_folio() are true for every anonymous folio, and
// zap_install_uffd_wp_if_needed() returns at once for an anonymous VMA). Breaking out on
// need_resched() leaves the PTEs cleared so far with their flush deferred (no force_flush)
// and returns where it stopped: zap_pmd_range() (mmap.mmk's unmap_page_range()) calls again.
fn zap_pte_range(tlb, vma, addr, end) source "mm/memory.c:zap_pte_range@v6.12" {
    let force_flush = false;
    let force_break = false;
    let mm = tlb->mm;
    let ptl = null;
    // tlb_change_page_size(): no-op on x86; init_rss_vec(): rss not modelled
    let start_pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    if start_pte == null {
        return addr;
    }
    let pte = start_pte;
    // mutate: equivalent(delete-flush) not observable here: it flushes what reclaim's batched unmap left pending (set_tlb_ubc_flush_pending()), and no test runs reclaim with a deferred flush beside a zap (the tree has no kswapd driver of 6.12's try_to_unmap_one() with TTU_BATCH_FLUSH)
    // mutate: equivalent(move-flush-after-unlock) not observable here: as above, no deferred reclaim flush is ever pending in the tests
    flush_tlb_batched_pending(mm);
    while true {
        let ptent = *pte;
        let nr = 1;
        if !pte_none(ptent) {
            if need_resched() {
                break;
            }
            if pte_present(ptent) {
                let max_nr = (end - addr) / PAGE_SIZE;
                nr = zap_present_ptes(tlb, vma, pte, ptent, max_nr, addr, &force_flush, &force_break);
                if force_break {
                    addr = addr + nr * PAGE_SIZE;
                    break;
                }
            } else {
                zap_nonpresent_pte(tlb, vma, pte, ptent, addr);
            }
        }
        // while (pte += nr, addr += PAGE_SIZE * nr, addr != end)
        addr = addr + PAGE_SIZE * nr;
        if addr == end {
            break;
        }
        pte = pte_offset_map(mm, addr);
    }
    // add_mm_rss_vec(): not modelled
    // Do the actual TLB flush before dropping ptl
    if force_flush {
        tlb_flush_mmu_tlbonly(tlb);
        tlb_flush_rmaps(tlb, vma);
    }
    pte_unmap_unlock(start_pte, ptl);
    // "If we forced a TLB flush (either due to running out of batch buffers or because we
    // needed to flush dirty TLB entries before releasing the ptl), free the batched memory
    // too. Come back again if we didn't do everything."
    if force_flush {
        tlb_flush_mmu(tlb);
    }
    return addr;
}

// The non-present half of zap_pte_range()'s loop body (6.12 has it inline; 6.13 moves it to
// zap_nonpresent_ptes()). A genuine swap entry frees its slot (free_swap_and_cache_nr():
// free_swap_and_cache(), one entry here); a migration entry, an anonymous VMA's uffd-wp
// marker and a poisoned marker are just cleared; the tree makes no device-private or
// device-exclusive entries, hwpoison entries or guard markers.
fn zap_nonpresent_pte(tlb, vma, pte, ptent, addr) source "mm/memory.c:zap_pte_range@v6.12 (a non-present PTE)" {
    let mm = tlb->mm;
    let entry = pte_to_swp_entry(ptent);
    if is_device_private_entry(entry) {
        not_modelled(); // no device-private entries in the tree
    } else if !non_swap_entry(entry) {
        // Genuine swap entries, hence a private anon pages (should_zap_cows(): true)
        free_swap_and_cache(entry);
    } else if is_migration_entry(entry) {
        // (should_zap_folio(): true for anon; the rss counter is not modelled)
    } else if pte_marker_entry_uffd_wp(entry) {
        // For anon: always drop the marker
    } else if is_pte_marker_entry(entry) && (pte_marker_get(entry) & PTE_MARKER_POISONED) != 0 {
        // is_poisoned_swp_entry(): should_zap_cows() is true
    } else {
        // "We should have covered all the swap entry types": WARN_ON_ONCE(1)
        not_modelled();
    }
    ptep_get_and_clear(mm, addr, pte); // clear_not_present_full_ptes()
    // zap_install_uffd_wp_if_needed(): "Zap on anonymous always means dropping everything"
    // Ghost, not kernel code: the address expects zero-fill from now on.
    ghost_discard(vma, addr, null);
}

// "Zap or skip at least one present PTE, trying to batch-process subsequent PTEs that map
// consecutive pages of the same folio": order-0 folios only, so one PTE.
fn zap_present_ptes(tlb, vma, pte, ptent, max_nr, addr, force_flush, force_break) source "mm/memory.c:zap_present_ptes@v6.12" {
    let mm = tlb->mm;
    let page = vm_normal_page(vma, addr, ptent);
    if page == null {
        // We don't need up-to-date accessed/dirty bits. (the zero page)
        ptep_get_and_clear(mm, addr, pte); // ptep_get_and_clear_full()
        // arch_check_zapped_pte(): a shadow-stack check, not modelled
        tlb_remove_tlb_entry(tlb, pte, addr);
        // (zap_install_uffd_wp_if_needed(): nothing for an anonymous VMA;
        // ksm_might_unmap_zero_page(): no KSM)
        // Ghost, not kernel code: the address expects zero-fill from now on.
        ghost_discard(vma, addr, null);
        return 1;
    }
    let folio = page_folio(page);
    // should_zap_folio(details, folio): true for anonymous folios
    zap_present_folio_ptes(tlb, vma, folio, page, pte, ptent, 1, addr, force_flush, force_break);
    return 1;
}

fn zap_present_folio_ptes(tlb, vma, folio, page, pte, ptent, nr, addr, force_flush, force_break) source "mm/memory.c:zap_present_folio_ptes@v6.12" {
    let mm = tlb->mm;
    let delay_rmap = false;
    if !folio_test_anon(folio) {
        // A file folio (never in the tree): its dirty bit must reach the folio, and its rmap
        // stays until the TLB flush (tlb_delay_rmap()), for page_mkclean() to find.
        ptent = ptep_get_and_clear(mm, addr, pte); // get_and_clear_full_ptes()
        if pte_dirty(ptent) {
            // folio_mark_dirty(folio)
            set_bit(PG_dirty, &folio->flags);
            if tlb_delay_rmap(tlb) {
                delay_rmap = true;
                *force_flush = true;
            }
        }
        // folio_mark_accessed(), the rss counters: not modelled
    } else {
        // We don't need up-to-date accessed/dirty bits.
        ptep_get_and_clear(mm, addr, pte); // clear_full_ptes()
    }
    // Ghost, not kernel code: a private anonymous page is thrown away with its contents;
    // until the flush, a store through a stale entry goes with it.
    ghost_discard(vma, addr, page);
    // Checking a single PTE in a batch is sufficient. (arch_check_zapped_pte(): not modelled)
    tlb_remove_tlb_entries(tlb, pte, nr, addr);
    // userfaultfd_pte_wp() -> zap_install_uffd_wp_if_needed(): nothing for an anonymous VMA
    if !delay_rmap {
        folio_remove_rmap_pte(folio, page, vma);
        // (folio_mapcount() < 0: print_bad_pte(), a message; the refcount invariant sees it)
    }
    if __tlb_remove_folio_pages(tlb, page, nr, delay_rmap) {
        // mutate: equivalent(swap-adjacent) two stores to the caller's locals through pointers: no other CPU can see either
        *force_flush = true;
        *force_break = true;
    }
}
