// MADV_DONTNEED as of v5.10: mm/madvise.c and the zap path of mm/memory.c.
// Only anonymous pages; swap entries are freed through free_swap_and_cache() (a slot with the
// swap opt-in); userfaultfd_remove() events are off.

const MADV_DONTNEED = 4;

// mm/madvise.c: do_madvise() for MADV_DONTNEED, which runs under mmap_read_lock.
fn madvise(start, len, behavior) source "mm/madvise.c:do_madvise@v5.10 (MADV_DONTNEED)" {
    let mm = current_mm();
    let end = start + len;
    if behavior != MADV_DONTNEED {
        // Only MADV_DONTNEED is modelled: any other advice would run a path the model does
        // not have (v5.10 accepts MADV_FREE, MADV_COLD, ... here), so it is a model error
        // rather than a quiet -EINVAL.
        not_modelled();
    }
    mmap_read_lock(mm);
    let vma = find_vma(mm, start);
    if vma == null || end > vma->vm_end {
        mmap_read_unlock(mm);
        return -ENOMEM;
    }
    // madvise_dontneed_free() -> madvise_dontneed_single_vma()
    zap_page_range(vma, start, end - start);
    // Ghost, not kernel code: the zap and its flush are done, so the discard of the range is
    // over (madvise(2): later accesses find zero-fill-on-demand pages); from here a store
    // that still reached a zapped page would be lost.
    ghost_discard_done(vma, start, end);
    // Ghost, not kernel code: what the caller may rely on at the return (below).
    // mutate: equivalent(swap-adjacent) a ghost check, not kernel code: whether it looks just before or just after the unlock is no kernel behaviour
    madvise_dontneed_returns_coherent(vma, start, end);
    mmap_read_unlock(mm);
    return 0;
}

// Ghost, not kernel code: the promise of madvise(MADV_DONTNEED) at its return. Later accesses
// to the range find zero-fill-on-demand pages, so no CPU may still cache a translation of it
// more permissive than its PTEs (a cleared PTE allows nothing): a flush another path deferred
// without raising tlb_flush_pending (reclaim's batched flush: flush_tlb_batched_pending())
// must be done by now, and so must one a parallel zap owed for a PTE this call found none
// (tlb_finish_mmu()'s nested flush). Left to their owners, as in uffd_wp_returns_coherent():
// PTEs whose PTL another CPU holds (it is changing them now), and any entry while another
// mmu_gather or change_protection() of the mm is open (tlb_flush_pending still raised after
// this call's own decrement): that call is changing PTEs of the mm and its flush is to come,
// e.g. a second MADV_DONTNEED zapping a page a store faulted in after this call's flush.
// One step, so that no other path starts or ends between the reads.
fn madvise_dontneed_returns_coherent(vma, start, end) source "ghost: the madvise(MADV_DONTNEED) contract" {
    let mm = vma->vm_mm;
    atomic {
        if !mm_tlb_flush_pending(mm) {
            let a = start;
            while a < end {
                // (no PTE table: the PMD entry is none, or a huge leaf)
                let pte = pte_offset_map(mm, a);
                if pte == null || !spin_is_locked(pte_lockptr(mm, pte)) {
                    assume_tlb_coherent(vma, a);
                }
                a = a + PAGE_SIZE;
            }
        }
    }
}

fn zap_page_range(vma, start, size) source "mm/memory.c:zap_page_range@v5.10" {
    lru_add_drain();
    let end = start + size;
    let tlb = tlb_gather_mmu(vma->vm_mm, start, end);
    // update_hiwater_rss(), mmu notifiers: not modelled
    // unmap_single_vma() -> unmap_page_range() -> zap_pte_range() (one PTE table)
    zap_pte_range(tlb, vma, start, end);
    tlb_finish_mmu(tlb, start, end);
}

// TIF_NEED_RESCHED is set by the scheduler (a tick, a wakeup), outside the model: both
// answers are explored.
fn need_resched() source "include/linux/sched.h:need_resched@v5.10" {
    return nondet();
}

// Breaking out on need_resched() leaves the PTEs cleared so far with their flush deferred
// (no force_flush), drops the PTL, and goes `again` from the same address; cond_resched()
// itself is not modelled (it only lets other CPUs run, which they may anyway).
fn zap_pte_range(tlb, vma, addr, end) source "mm/memory.c:zap_pte_range@v5.10" {
    let mm = tlb->mm;
    let force_flush = false;
    while addr != end {
        // again:
        let start_pte = pte_offset_map(mm, addr);
        let ptl = pte_lockptr(mm, start_pte);
        spin_lock(ptl);
        let pte = start_pte;
        flush_tlb_batched_pending(mm);
        while addr != end {
            let ptent = *pte;
            if !pte_none(ptent) {
                if need_resched() {
                    break;
                }
                if pte_present(ptent) {
                    let page = vm_normal_page(vma, addr, ptent);
                    // ptep_get_and_clear_full()
                    ptent = ptep_get_and_clear(mm, addr, pte);
                    // Ghost, not kernel code: a private anonymous page is thrown away with
                    // its contents; until the flush, a store through a stale entry goes with it.
                    ghost_discard(vma, addr, page);
                    tlb_remove_tlb_entry(tlb, pte, addr);
                    if page != null {
                        // anonymous: no set_page_dirty(), no mark_page_accessed()
                        page_remove_rmap(page);
                        if __tlb_remove_page(tlb, page) {
                            force_flush = true;
                            addr = addr + PAGE_SIZE;
                            break;
                        }
                    }
                } else {
                    // A swap or migration entry: the rss counters are not modelled;
                    // details->check_mapping is never set for an anonymous zap; the tree
                    // makes no device-private entries. free_swap_and_cache() frees nothing
                    // for a migration entry, and a swap slot's reference with the
                    // opt-in swap (opt-in/swap-v5.10.mmk).
                    let entry = pte_to_swp_entry(ptent);
                    // (its false, a corrupt entry, is print_bad_pte(): a message only)
                    free_swap_and_cache(entry);
                    ptep_get_and_clear(mm, addr, pte); // pte_clear_not_present_full()
                    // Ghost, not kernel code: the address expects zero-fill from now on.
                    ghost_discard(vma, addr, null);
                }
            }
            addr = addr + PAGE_SIZE;
            if addr != end {
                pte = pte_offset_map(mm, addr);
            }
        }
        // Do the actual TLB flush before dropping ptl
        // mutate: equivalent(move-flush-after-unlock) not observable here: the kernel flushes before dropping the PTL for dirty file pages (page_mkclean() through the rmap must not find the PTE gone while a CPU can still write through a stale dirty entry); only anonymous pages are modelled, and for them the zap's ordinary path already leaves its flush past the PTL (tlb_finish_mmu()), with tlb_flush_pending raised, and the pages are still freed only after the flush (tlb_flush_mmu() below)
        if force_flush {
            // mutate: equivalent(delete-flush) not observable here: tlb_flush_mmu() right after the unlock starts with the same tlb_flush_mmu_tlbonly() of the same range before it frees the batch, so this is the flush moved past the unlock (see above: dirty file pages, not modelled)
            tlb_flush_mmu_tlbonly(tlb);
        }
        pte_unmap_unlock(start_pte, ptl);
        if force_flush {
            force_flush = false;
            tlb_flush_mmu(tlb);
        }
        // addr != end: cond_resched(); goto again;
    }
    return addr;
}
