// The delayed rmap of 5df397dec7c4 ("mm: delay page_remove_rmap() until after the TLB has been
// flushed", Linus Torvalds, v6.2). Before it, zap_pte_range() dropped a page's rmap as soon as
// it had cleared the PTE, and flushed the TLBs later (for a dirty shared page, before dropping
// the PTL; otherwise at tlb_finish_mmu()). A page whose PTE was dirty could then look
// unmapped to folio_mkclean() ("if (!folio_mapped(folio)) return"), which starts writeback
// without write-protecting anything, while another CPU still held a writable, dirty TLB entry
// for it: a store after the writeback's copy is lost with the page. Since 6.2 a dirty file
// folio's rmap is removed by tlb_flush_rmaps(), after tlb_flush_mmu_tlbonly(), still under the
// PTL.
//
// The tree has anonymous folios only. These tests make the scenario's page a file folio
// (folio_test_anon() false: the zap takes the file branch of zap_present_folio_ptes()), with
// the page cache's reference as an extra one, and stand for writeback by a test driver:
// folio_mkclean()'s test of folio_mapped(), and the promise writeback relies on when it
// finds the folio unmapped (no CPU can store into it without a fault), checked with
// assume_tlb_coherent() at the address the zap cleared.

test "6.12: MADV_DONTNEED of a dirty file folio, writeback finds it unmapped only after the flush" {
    kernel "linux-6.12";
    import "file-folio.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { }
    cpu2 { writeback_mkclean(P, X); }
    expect safe;
}

// The same with zap_present_folio_ptes() as it was before 5df397dec7c4 (v6.1's
// zap_pte_range(): force_flush for a dirty file page, page_remove_rmap() at once, the flush at
// the end of the PTE table under the PTL).
test "5df397dec7c4 reverted: the rmap goes before the flush, writeback trusts a stale dirty TLB entry" {
    kernel "linux-6.12";
    import "file-folio.mmk";
    import "rmap-before-flush.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { }
    cpu2 { writeback_mkclean(P, X); }
    expect violation(stale_tlb);
}

// The zap's forced flush moved after the PTL is dropped (1cf35d47712d reverted; the rmap is
// still delayed, so writeback finds the folio mapped and walks it): the walk takes the PTL
// right after the zap drops it, finds the PTE gone and nothing to clean, and the writeback
// goes on while CPU1's dirty TLB entry can still store into the folio.
test "1cf35d47712d reverted on 6.12: the zap flushes after the PTL, writeback's rmap walk cleans nothing" {
    kernel "linux-6.12";
    import "file-folio.mmk";
    import "flush-after-ptl.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { }
    cpu2 { writeback_mkclean(P, X); }
    expect violation(stale_tlb);
}
