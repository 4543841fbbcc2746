// The scenario of tests/mmk/thread/b-v5.10-overlap.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Scenario B on v5.10, the overlap race itself: the unprotect is the monitor's answer to a
// write-protect fault that only the protect can have caused.
// In tests/mmk/thread/b-v5.10.mmk the unprotect may run first, on the writable PTE, and
// demote it alone (Scenario A); its shortest counterexample leaves the protect idle. Here
// the monitor (the selftest's fault-handler thread, reference section 3.1) unprotects only
// after userfaultfd_read() returned a fault, and a fault is queued only by a write that met
// the uffd-wp bit cpu0's protect set. So the unprotect always finds the PTE read-only and
// demotes nothing: the stale writable entry on cpu4 dates from before the protect, and a
// write can be lost only if the unprotect removes the catcher bit while the protect's
// flush is still pending.
// If cpu2's write lands before the protect, no fault is queued and the monitor waits in
// userfaultfd_read() for good; no write can be lost on that path.
// Scenario B of reference section 3.3 (Andrea's diagram, X+JJqK91plkBVisG@redhat.com).
// 6.12: as b.mmk: safe.
// Cost (not in the bundled suite): an exhaustive search of 50.7 million states, about
// 290 s and 12 GiB on the project's 2-core machine (BENCHMARKS.md, row "B3 on 6.12").
test "Scenario B, overlap only, v5.10 (unprotect answers the protect's fault)" {
    kernel "linux-6.12";
    cpus 5;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu4: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }  // protect
    cpu1 {                                                                 // monitor
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);                              // unprotect
    }
    cpu2 { X = 8; }                        // app thread: its uffd-wp fault wakes the monitor
    cpu3 { X = 10; }                       // app thread: the COW faulter
    cpu4 { X = 9; }                        // stale-TLB writer
    expect safe;
}
