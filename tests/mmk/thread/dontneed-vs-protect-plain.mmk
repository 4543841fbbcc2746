// Nadav Amit's MADV_DONTNEED race (https://lore.kernel.org/r/729A8C1E-FC5B-4F46-AE01-85E00C66DFFF@gmail.com):
// DONTNEED has cleared the PTE but its mmu_gather flush is still pending; uffd protect
// sees pte_none, changes nothing and, in v5.10, flushes nothing.
test "MADV_DONTNEED racing uffd protect (v5.10)" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu2 { X = 9; }
    // The protect finds no PTE (pages == 0), skips its flush and returns while CPU2 can
    // still write through its stale entry: its promise to the monitor is broken.
    expect violation(stale_tlb);
    // That promise is all that breaks: no write is lost (the search must be exhaustive).
    expect no violation(lost_write);
}
