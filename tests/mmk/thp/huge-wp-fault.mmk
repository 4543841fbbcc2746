// Write faults on a read-only huge leaf (do_huge_pmd_wp_page(), v5.10, opt-in THP): a page
// nothing else maps is reused in place (pmd_mkwrite under the PMD lock); a page another mm
// maps too (after fork) makes the fault split the PMD (pmdp_invalidate(), the deposited table
// filled and linked) and fall back to the PTE-level COW.

test "a write fault on a huge leaf only this mm maps reuses it, racing a read on another CPU" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { dirty accessed };
    cpu0 { X = 8; }
    cpu1 { let v = *X; }
    expect safe;
}

test "a write fault on a huge leaf two mms map splits the PMD and copies, racing the other mm's store" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    cpus 2;
    mms 2;
    tables 3;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { dirty accessed };
    pmd mm1:X -> H { dirty accessed };
    cpu0 { X = 8; }
    cpu1 in mm1 { X = 9; }
    expect safe;
}

// A THP fault on a none PMD in a VM_HUGEPAGE VMA maps a whole huge page; a second CPU's
// fault on the same range finds the leaf (pmd_none() under the PMD lock) and gives back
// the page and the table it allocated (page_leak otherwise).
test "two THP faults race to fill the same none PMD" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write hugepage;
    pmd X -> none;
    cpu0 { X = 8; }
    cpu1 { X = 9; }
    expect safe;
}

// The same range without VM_HUGEPAGE: the faults fill the none PMD with a PTE table
// (__pte_alloc()), and the loser frees the table it allocated.
test "two PTE faults race to fill the same none PMD (no hugepage)" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write;
    pmd X -> none;
    cpu0 { X = 8; }
    cpu1 { X = 9; }
    expect safe;
}

// Two CPUs of one mm write a huge page another mm maps too: one fault locks the page and
// splits the PMD; the other finds the page locked, sleeps for it without the PMD lock
// (holding its own reference), and rechecks the entry when it has both again: it changed,
// so the access is retried and COWs at the PTE level.
test "two write faults on a shared huge leaf: one splits, the other rechecks after the page lock" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { dirty accessed };
    pmd mm1:X -> H { dirty accessed };
    cpu0 { X = 8; }
    cpu1 { X = 9; }
    expect safe;
}
