// Protects tlb_flush_mmu() after a forced flush in zap_pte_range() (v5.10): when the
// mmu_gather batch is full and no page comes for the next one, the zap must flush and free
// the batch before it queues another page (the kernel's VM_BUG_ON(batch->nr > batch->max)
// in __tlb_remove_page_size()); every zapped page is then freed, none leaks.
test "MADV_DONTNEED past a full batch with no page for the next: every page freed" {
    kernel "linux-5.10";
    cpus 1;
    vma X[5]: anon private read write;
    page P0 = 1;
    page P1 = 2;
    page P2 = 3;
    page P3 = 4;
    page P4 = 5;
    pte X -> P0 { write dirty accessed };
    pte X[1] -> P1 { write dirty accessed };
    pte X[2] -> P2 { write dirty accessed };
    pte X[3] -> P3 { write dirty accessed };
    pte X[4] -> P4 { write dirty accessed };
    cpu0 { madvise(X, 5, MADV_DONTNEED); let v = *X[4]; }
    expect safe;
}

// The GFP_NOWAIT page for a new batch never comes: the fourth page forces the flush.
override fn get_free_page_nowait() source "mm/page_alloc.c:__get_free_pages@v5.10, always fails" {
    return false;
}
