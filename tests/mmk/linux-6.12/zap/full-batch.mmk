// MADV_DONTNEED past a full mmu_gather batch on 6.12. The model's batches have four slots and
// __tlb_remove_folio_pages_size() asks for a flush when a batch reaches max - 1 entries ("Make
// sure that we can always add another page + nr_pages") and no new batch comes
// (tlb_next_batch()'s GFP_NOWAIT page, explored both ways). zap_pte_range() then sets
// force_flush and force_break, flushes before dropping the PTL, frees the batch with
// tlb_flush_mmu() after it, and returns where it stopped; zap_pmd_range() calls it again for
// the rest. Every zapped page is freed (page_leak), none twice (refcount), and the batch is
// never overfilled (VM_BUG_ON_PAGE(batch->nr > batch->max - 1)).
test "6.12: MADV_DONTNEED of five pages through full batches, a writer on the last" {
    kernel "linux-6.12";
    cpus 2;
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
    tlb cpu1: X[4] -> P4 { write dirty };
    cpu0 { madvise(X, 5, MADV_DONTNEED); let v = *X[4]; }
    cpu1 { X[4] = 9; }
    expect safe;
}
