// The overlap race of Scenario B + write lock for protect only: the unprotect is the monitor's
// answer to a write-protect fault that only the protect can have caused (on v5.10 this
// loses a write: b-v5.10-overlap.mmk).
// tests/mmk/thread/b-protect-write-lock.mmk loses a write through Scenario A alone (v5.10's
// unprotect demotes RW by itself). Here the unprotect always finds the PTE already
// read-only, so this asks only whether it can still remove the catcher bit while the
// protect's flush is pending.
// The protect holds mmap_lock for write until its flush is done; the faulting write
// and the unprotect need it for read.
// If cpu2's write lands before the protect, no fault is queued and the monitor waits in
// userfaultfd_read() for good; no write can be lost on that path.
// Scenario B of reference section 3.3 (Andrea's diagram, X+JJqK91plkBVisG@redhat.com).
test "Scenario B, overlap only, + write lock for protect (unprotect answers the fault)" {
    kernel "linux-5.10";
    import "fixes/uffd-wp-protect-write-lock.mmk";
    cpus 5;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };          // the LRU pagevec reference forces the copy
    pte X -> P { write dirty accessed };
    tlb cpu4: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }  // protect
    cpu1 {                                                                 // monitor
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);                              // unprotect
    }
    cpu2 { X = 8; }                        // app thread: its uffd-wp fault wakes the monitor
    cpu3 { X = 10; }                       // app thread: the COW faulter
    cpu4 { X = 9; }                        // stale-TLB writer
    expect no violation(lost_write);
    expect no violation(stale_tlb);
}
