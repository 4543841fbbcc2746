// Mutation of the zap path: the mmu_gather never shoots the TLBs down. After madvise()
// returns, CPU1 still holds a writable entry for the zapped page and its store lands
// there: in a freed frame (use_after_free), or, when another reference keeps the page
// alive, in a page no address maps any more: the store is lost, although it retired after
// the discard was over.

test "mutation: no flush, the zapped page freed" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { X = 9; }
    expect violation(use_after_free);
}

test "mutation: no flush, the zapped page kept by another reference" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { X = 9; }
    expect violation(lost_write);
}

override fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v5.10, mutated: flushes nothing" {
    // the mutation: no flush_tlb_range()
}
