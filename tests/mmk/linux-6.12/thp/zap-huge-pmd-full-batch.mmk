// munmap() of two PTE-mapped pages and a huge PMD leaf, in that order (6.12,
// models/linux-6.12/huge_memory.mmk zap_huge_pmd() and mmu_gather.mmk): the two small pages
// fill the model's gather batch to its last usable slot, so the huge folio's
// tlb_remove_page_size() finds it full, and where the GFP_NOWAIT page for a next batch is
// not there (tlb_next_batch() -> get_free_page_nowait(), both outcomes explored) it flushes
// at once: the TLB flush, then the batch freed. zap_huge_pmd() has dropped the PMD lock
// before that call ("spin_unlock(ptl); if (flush_needed) tlb_remove_page_size(...)"), since
// the free of a batch is a sleeping context in the kernel (cond_resched() in
// __tlb_batch_free_encoded_pages()). The model's batch free leaves that cond_resched() out
// (mmu_gather.mmk), so for now this test checks only that the folios, the deposited table
// and the PTE table are freed once, after the flush (use_after_free, refcount, page_leak);
// with a might_sleep() there it also catches a tlb_remove_page_size() moved under the PMD
// lock (lock_hygiene).

test "6.12: munmap of PTE pages and a huge leaf: the leaf's folio fills the batch, which is flushed outside the PMD lock" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 1;
    vma X[2] at 0: anon private read write;
    vma H at 512: anon private read write;
    page P = 1 { exclusive: 1 };
    page Q = 2 { exclusive: 1 };
    page G = 3 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    pte X[1] -> Q { write dirty accessed };
    pmd H -> G { write dirty accessed };
    cpu0 { munmap(X, 513); }
    expect safe;
}
