// Zapping a huge PMD leaf (6.12, models/linux-6.12/huge_memory.mmk zap_huge_pmd()): under
// the PMD lock the leaf is cleared (pmdp_huge_get_and_clear_full()), the folio's mapping
// dropped, the deposited table withdrawn and freed (zap_deposited_table()), and the folio
// queued in the gather, freed after the flush. A CPU that caches the huge translation may
// store through it until the flush; the folio is not freed before then (use_after_free),
// and a store after the munmap() is SIGSEGV. (MADV_DONTNEED of a huge leaf is not used
// here: the 6.12 tree's madvise.mmk zaps PTE tables only.)

test "6.12: munmap of a huge leaf racing a store through a cached entry: it lands or is SIGSEGV" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page H = 7 { exclusive: 1 };
    pmd X -> H { write dirty accessed };
    tlb cpu1: X -> H { write dirty };
    cpu0 { munmap(X, 1); }
    cpu1 { X = 8; X = 9; }
    expect violation(sigsegv);
}

test "6.12: munmap of a huge leaf frees the folio and the deposited table" {
    kernel "linux-6.12";
    cpus 1;
    vma X: anon private read write;
    page H = 7 { exclusive: 1 };
    pmd X -> H { write dirty accessed };
    cpu0 { munmap(X, 1); }
    expect safe;
}
