// NUMA hinting on a huge page (opt-in THP, v5.10, one NUMA node): change_prot_numa() makes
// the leaf PROT_NONE (keeping its write bit, x86's savedwrite), and the hinting fault
// (do_huge_pmd_numa_page()) gives it its protection back under the PMD lock and the page
// lock, after rechecking that the leaf is still the one it faulted on.

import "thp-test-helpers.mmk";

test "a store racing NUMA hinting of a huge page" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed };
    cpu0 { task_numa_work(); }
    cpu1 { X = 9; }
    expect safe;
}

// The hinting fault reads the PROT_NONE leaf without the PMD lock; MADV_DONTNEED may zap it
// and free the page first. The fault's pmd_same() under the PMD lock sees the leaf gone and
// returns (it would otherwise map the freed page again).
test "a NUMA hinting fault on a huge page racing MADV_DONTNEED" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    cpus 2;
    tables 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { protnone write dirty accessed };
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// A NUMA hinting fault on a huge page whose lock a third party holds across a zap: the
// fault takes a reference, drops the PMD lock and waits for the page lock
// (put_and_wait_on_page_locked()), then returns for the access to be retried.
test "a NUMA hinting fault on a locked huge page waits for the lock and retries" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { protnone write dirty accessed };
    cpu0 { X = 8; }
    cpu1 { lock_and_zap(X); }
    expect safe;
}

// Under the opt-in, NUMA hinting walks PTE tables through change_pmd_range() too, under
// mmap_lock for read: the PTEs it makes PROT_NONE are flushed only at the end, so the count
// of flushes in flight (inc_tlb_flush_pending()) must be raised before the first change.
test "NUMA hinting of a PTE-mapped page another CPU caches writable (opt-in THP)" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { X = 9; }
    expect safe;
}
