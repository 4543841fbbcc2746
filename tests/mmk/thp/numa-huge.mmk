// NUMA hinting on a huge page (opt-in THP, v5.10, one NUMA node): change_prot_numa() makes
// the leaf PROT_NONE (keeping its write bit, x86's savedwrite), and the hinting fault
// (do_huge_pmd_numa_page()) gives it its protection back under the PMD lock and the page
// lock, after rechecking that the leaf is still the one it faulted on.

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
