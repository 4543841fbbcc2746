// The LRU pagevec (models/linux-5.10/swap.mmk): a page faulted in during a run is held by
// its CPU's lru_add pagevec until a drain drops that reference. A zap drains its own CPU's
// pagevec first (zap_page_range(), free_pages_and_swap_cache()), so a page faulted in and
// zapped on one CPU can be freed, and a free that comes too early is found.

test "a faulted-in page is freed by a zap on its CPU: freeing before the flush is caught" {
    kernel "linux-5.10";
    invariants: use_after_free;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 1; zap_free_then_flush(X); }
    cpu1 { X = 9; X = 10; }
    expect violation(use_after_free);
}

test "the same zap without its lru_add_drain(): the pagevec keeps the page, nothing is freed" {
    kernel "linux-5.10";
    invariants: use_after_free;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 1; zap_free_then_flush_no_drain(X); }
    cpu1 { X = 9; X = 10; }
    expect safe;
}

// the zap of checks/free-before-flush.mmk (put_page() before the flush), after the drain
// zap_page_range() does first
fn zap_free_then_flush(addr) {
    lru_add_drain();
    zap_free_then_flush_no_drain(addr);
}

fn zap_free_then_flush_no_drain(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    mmap_read_lock(mm);
    spin_lock(ptl);
    let pte = ptep_get_and_clear(mm, addr, ptep);
    if pte_present(pte) {
        let page = pte_page(pte);
        page_remove_rmap(page);
        put_page(page);
    }
    spin_unlock(ptl);
    flush_tlb_page(vma, addr);
    mmap_read_unlock(mm);
}
