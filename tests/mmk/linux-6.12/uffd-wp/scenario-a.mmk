// Scenario A of the December 2020 uffd-wp corruption, on 6.12: the monitor unprotects
// (UFFDIO_WRITEPROTECT without MODE_WP) a PTE that was writable. 6.12's uffd_wp_range() runs
// change_protection() inside an mmu_gather, under mmap_lock held for read: the PTE becomes
// read-only (vm_page_prot is PAGE_COPY, and MM_CP_TRY_CHANGE_WRITABLE does not upgrade it: the
// page is not PageAnonExclusive, as after a fork whose child has exited), the flush is
// gathered (pte_needs_flush()) and done by tlb_end_vma() after the PTL is dropped, with
// tlb_flush_pending raised. CPU1's write fault (also under mmap_lock for read, or the VMA lock)
// takes the PTL in that window and copies the page (its extra reference forbids reuse), while
// CPU2 still stores through its stale writable TLB entry.

// 6.12 as it is: do_wp_page() flushes when a flush is pending on a uffd-wp VMA, before it
// copies (6ce64428d620). Exhaustively safe.
test "6.12: uffd unprotect races a COW fault and a stale-TLB writer" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}

// The same with 6ce64428d620 ("mm/userfaultfd: fix memory corruption due to writeprotect",
// Nadav Amit, v5.12) reverted in 6.12's do_wp_page(): the copy is made while CPU2's store
// can still land in the old page, and the store is lost.
test "6ce64428d620 reverted on 6.12: the COW copy misses a store through the stale entry" {
    kernel "linux-6.12";
    import "revert-6ce64428d620.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}
