// The scenario of tests/mmk/thread/dontneed-vs-protect-plain.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Nadav Amit's MADV_DONTNEED race (https://lore.kernel.org/r/729A8C1E-FC5B-4F46-AE01-85E00C66DFFF@gmail.com):
// DONTNEED has cleared the PTE but its mmu_gather flush is still pending; uffd protect
// sees pte_none, changes nothing and, in v5.10, flushes nothing.
// 6.12: uffd_wp_range() runs change_protection() in an mmu_gather, and tlb_finish_mmu()
// sees the DONTNEED's gather open (mm_tlb_flush_nested()) and flushes the range: safe.
test "MADV_DONTNEED racing uffd protect (6.12)" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu2 { X = 9; }
    // The protect finds no PTE, but its tlb_finish_mmu() flushes the range because the
    // DONTNEED's gather is still open: its promise to the monitor holds.
    expect safe;
}
