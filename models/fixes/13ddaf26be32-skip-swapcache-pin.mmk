// 13ddaf26be32 ("mm/swap: fix race when skipping swapcache", v6.8, in 6.6 and 6.1 stable),
// on v5.10's do_swap_page() (opt-in/swap-v5.10.mmk): the fault that skips the swap cache
// first pins the slot with the cache flag (swapcache_prepare()), so that only one thread
// swaps it in and nobody can put the entry in the cache or reuse the slot; a racer backs
// out (schedule_timeout_uninterruptible(1), then the fault is retried). The pin is dropped
// (swapcache_clear()) once the PTL is released, on every way out.

// mm/swapfile.c (v6.8): drop the SWAP_HAS_CACHE pin of the skip path.
fn swapcache_clear(si, entry) source "mm/swapfile.c:swapcache_clear@v6.8" {
    let offset = swp_offset(entry);
    let ci = lock_cluster(si, offset);
    let usage = __swap_entry_free_locked(si, offset, SWAP_HAS_CACHE);
    unlock_cluster(ci);
    if usage == 0 {
        free_swap_slot(entry);
    }
}

override fn do_swap_page(vmf) source "mm/memory.c:do_swap_page@v5.10 with 13ddaf26be32 (v6.8)" {
    let vma = vmf->vma;
    let ret = 0;
    let need_clear_cache = false;
    let entry = pte_to_swp_entry(vmf->orig_pte);
    if non_swap_entry(entry) {
        if is_migration_entry(entry) {
            migration_entry_wait(vma->vm_mm, vmf->pmd, vmf->address);
        } else {
            not_modelled(); // a device-private entry (no driver), or hwpoison
        }
        return ret;
    }
    let page = lookup_swap_cache(entry, vma, vmf->address);
    let swapcache = page;
    if page == null {
        if swp_synchronous_io() && __swap_count(entry) == 1 {
            // Prevent parallel swapin from proceeding with the cache flag. Otherwise,
            // another thread may finish swapin first, free the entry, and swapout reusing
            // the same entry. It's undetectable as pte_same() returns true due to entry
            // reuse.
            if swapcache_prepare(entry) != 0 {
                // Relax a bit to prevent rapid repeated page faults
                // (schedule_timeout_uninterruptible(1)): the fault returns and is retried
                return ret;
            }
            need_clear_cache = true;
            // skip swapcache
            page = alloc_page_vma(vma, vmf->address);
            if page != null {
                set_bit(PG_locked, &page->flags);
                __SetPageSwapBacked(page);
                page->private = entry;
                lru_cache_add(page);
                swap_readpage(page, true);
            }
        } else {
            page = swapin_readahead(entry, vmf);
            swapcache = page;
        }
        if page == null {
            vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
            vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
            spin_lock(vmf->ptl);
            if pte_same(*vmf->pte, vmf->orig_pte) {
                ret = VM_FAULT_OOM;
            }
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            if need_clear_cache {
                swapcache_clear(&swap_info, entry);
            }
            return ret;
        }
        ret = VM_FAULT_MAJOR;
    }
    ret = do_swap_page_map(vmf, page, swapcache, entry, ret);
    // Clear the swap cache pin for direct swapin after PTL unlock
    if need_clear_cache {
        swapcache_clear(&swap_info, entry);
    }
    return ret;
}
