// A full pagevec drains at once (lru_cache_add(): pagevec_add() leaves no space). With
// PAGEVEC_SIZE lowered to 1 here, the page a fault adds goes straight to the LRU and the
// pagevec's reference is dropped, so a zap that forgets lru_add_drain() still frees it.
const PAGEVEC_SIZE = 1;

test "with a one-page pagevec the fault's page is freed by a zap without a drain" {
    kernel "linux-5.10";
    invariants: use_after_free;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 1; zap_free_then_flush_no_drain(X); }
    cpu1 { X = 9; X = 10; }
    expect violation(use_after_free);
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
