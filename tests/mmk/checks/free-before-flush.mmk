// use_after_free: a zap that frees the page before flushing; CPU1 still writes through its
// TLB entry into the freed (and reallocated) frame. This is why zap_pte_range() batches
// pages in the mmu_gather and frees them only after the flush.
test "free the page before the TLB flush" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { zap_free_then_flush(X); }
    cpu1 { X = 9; }
    expect violation(use_after_free);
}

fn zap_free_then_flush(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    mmap_read_lock(mm);
    spin_lock(ptl);
    let pte = ptep_get_and_clear(mm, addr, ptep);
    let page = pte_page(pte);
    page_remove_rmap(page);
    put_page(page);
    spin_unlock(ptl);
    flush_tlb_page(vma, addr);
    mmap_read_unlock(mm);
}

// The same free seen by a kernel copy on CPU1 (copy_from_user_inatomic(), as
// cow_user_page() does): through its stale TLB entry it reads the freed frame.
test "free the page before the TLB flush: a kernel copy reads the freed frame" {
    kernel "linux-5.10";
    invariants: use_after_free, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { zap_free_then_flush(X); }
    cpu1 { kernel_copy(X); }
    expect violation(use_after_free);
}

fn kernel_copy(addr) {
    let page = alloc_page();
    if page != null {
        copy_from_user_inatomic(page, addr);
        put_page(page);
    }
}
