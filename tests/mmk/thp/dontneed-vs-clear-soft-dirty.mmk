// MADV_DONTNEED against /proc/PID/clear_refs (soft-dirty) on a huge page, both under
// mmap_lock for read (v5.10.0 walks the tables after downgrading its write lock): the zap
// reads the PMD entry without the PMD lock and skips an entry it reads as none.
// clear_soft_dirty_pmd() write-protects the leaf through pmdp_invalidate() since
// 5b7abeae3af8 ("thp: fix MADV_DONTNEED vs clear soft dirty race", v4.11: "Yet another
// instance of the same race. Fix is identical to change_huge_pmd()").

import "thp-test-helpers.mmk";

test "MADV_DONTNEED racing clear_refs soft-dirty of a huge page: the leaf never reads none (v5.10)" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed soft_dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); check_zapped(X); }
    cpu1 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    expect safe;
}

test "MADV_DONTNEED racing clear_refs soft-dirty of a huge page: clear_soft_dirty_pmd() before 5b7abeae3af8" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    import "clear-soft-dirty-pmd-v4.11-rc.mmk";
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed soft_dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); check_zapped(X); }
    cpu1 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    expect violation(assertion);
}

// clear_refs write-protects a huge leaf a CPU caches writable: the flush in pmdp_invalidate()
// is the only one (v5.10.0's mmu_gather records nothing and flushes only when nested), so
// without it the CPU keeps writing without a fault and soft-dirty tracking misses the write.
test "clear_refs soft-dirty of a huge page another CPU caches writable: pmdp_invalidate() flushes it" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed soft_dirty };
    tlb cpu1: X -> H { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X = 9; }
    expect safe;
}
