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

// What the caller of MADV_DONTNEED may rely on when no CPU touches the range: its PMD entry
// maps nothing (a huge leaf would hand a later load the old contents).
fn check_zapped(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    assert(pmd_none(*pmd_offset(mm, addr)));
    mmap_read_unlock(mm);
}
