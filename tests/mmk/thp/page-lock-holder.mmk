// A third party holds a huge page's lock (as migration or reclaim would, with a reference
// of its own) while it zaps the page's mapping, and a write fault on the read-only huge leaf
// races it (opt-in THP, v5.10). do_huge_pmd_wp_page() finds the page locked, takes a
// reference, drops the PMD lock and sleeps for the page lock; when it has both again, the
// leaf is gone (MADV_DONTNEED), so its pmd_same() recheck backs out and the access is
// retried into a new huge page. Without the recheck the fault would map the zapped page
// again after its last reference went (use_after_free).

import "thp-test-helpers.mmk";

test "a write fault on a huge leaf waits for a page lock held across a zap, and rechecks the leaf" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { dirty accessed };
    cpu0 { X = 8; }
    cpu1 { lock_and_zap(X); }
    expect safe;
}

// The same with the huge page shared with another mm (as after fork): the fault cannot reuse
// it and splits the PMD, and the split (__split_huge_pmd()) too may find the page locked,
// sleep for it without the PMD lock, and find the leaf gone when it has both again.
test "a split of a shared huge leaf waits for a page lock held across a zap, and rechecks the leaf" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 3;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { dirty accessed };
    pmd mm1:X -> H { dirty accessed };
    cpu0 { X = 8; }
    cpu1 { lock_and_zap(X); }
    expect safe;
}
