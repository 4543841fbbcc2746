// UFFDIO_WRITEPROTECT(MODE_WP) on 6.12 racing a write fault and a stale-TLB writer: the
// protect write-protects the PTE and marks it uffd-wp under the PTL, and its mmu_gather's
// flush (tlb_end_vma()) comes before the ioctl returns (uffd_wp_returns_coherent() checks that
// no CPU still caches a writable entry then). CPU1's write either completes before the
// protect (the PTE is writable) or faults, finds the uffd-wp bit and sleeps in
// handle_userfault() until the monitor (CPU0, after the protect) reads the fault and
// unprotects the page; CPU2's store through its stale entry lands in the page before the
// flush. No store is lost, no CPU is left waiting.
test "6.12: uffd-wp protect, a write fault resolved by the monitor, a stale-TLB writer" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 {
        userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP);
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { X += 1; }
    cpu2 { X += 2; }
    expect safe;
}

// The test can fail (a mutation, not a kernel version): uffd_wp_range() without its
// mmu_gather flush (tlb_end_vma() and tlb_finish_mmu() flush nothing); the protect returns
// while CPU2 can still write through its entry, which the monitor believes trapped.
test "6.12 mutation: the uffd-wp protect's gathered flush never happens" {
    kernel "linux-6.12";
    import "../zap/no-flush.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 {
        userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP);
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { X += 1; }
    cpu2 { X += 2; }
    expect violation(stale_tlb);
}
