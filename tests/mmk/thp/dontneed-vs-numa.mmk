// MADV_DONTNEED and automatic NUMA balancing both hold mmap_lock only for read. The zap
// checks the PMD entry without the PMD lock (zap_pmd_range(): pmd_trans_huge(*pmd), then
// pmd_none_or_trans_huge_or_clear_bad()), and skips an entry it reads as none. Since
// ced108037c2a ("thp: fix MADV_DONTNEED vs. numa balancing race", v4.11),
// change_huge_pmd() makes the huge leaf not present with pmdp_invalidate() instead of
// clearing it, so the entry stays pmd_trans_huge() throughout and the zap waits for the PMD
// lock and zaps the re-established leaf.
//
// No CPU accesses X, so once MADV_DONTNEED has returned nothing may map it: a load would find
// the old contents where madvise(2) promises zero-fill (check_zapped(), below).

import "thp-test-helpers.mmk";

test "MADV_DONTNEED racing NUMA hinting of a huge page: the leaf never reads none (v5.10)" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); check_zapped(X); }
    cpu1 { task_numa_work(); }
    expect safe;
}

// The same with change_huge_pmd() as v4.11-rc had it (pmdp_huge_get_and_clear_notify(),
// then set_pmd_at()): the zap reads the entry while it is cleared, skips it, and returns with
// the huge page still mapped, its old contents where MADV_DONTNEED promised zero-fill.
test "MADV_DONTNEED racing NUMA hinting of a huge page: change_huge_pmd() before ced108037c2a" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    import "change-huge-pmd-v4.11-rc.mmk";
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); check_zapped(X); }
    cpu1 { task_numa_work(); }
    expect violation(assertion);
}
