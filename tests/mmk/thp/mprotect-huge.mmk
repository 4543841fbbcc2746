// mprotect() of a huge page (opt-in THP, v5.10): change_huge_pmd() makes the leaf not
// present (pmdp_invalidate(): the flush waits for every CPU of the mm), writes the read-only
// leaf, and change_protection_range() flushes again after the PMD lock is dropped. A store
// racing it either lands before the leaf changes, or faults: on the not-present leaf
// (huge_pmd_set_accessed() finds the entry changed under the PMD lock and the access is
// retried) or on the read-only one (SIGSEGV: the VMA is no longer writable).

test "mprotect(PROT_READ) of a huge page racing a store through a cached writable entry" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    // (SIGSEGV is the store's right outcome once the VMA is read-only)
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed };
    tlb cpu1: X -> H { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ); }
    cpu1 { X = 9; }
    expect safe;
}

// mprotect_fixup() makes the VMA read-only before it changes the leaf, so a store that
// faults on the not-present leaf is refused by the VMA check (SIGSEGV) before it reaches the
// huge fault path; the read after mprotect() finds the read-only leaf, not a leaf left not
// present (livelock: a fault for ever).
test "mprotect(PROT_READ) of a huge page racing a store that walks the leaf, then a read" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    // (SIGSEGV is the store's right outcome once the VMA is read-only)
    invariants: lost_write, use_after_free, stale_tlb, deadlock, livelock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write hugepage;
    page H = 7;
    pmd X -> H { write dirty accessed };
    cpu0 { mprotect(X, 1, PROT_READ); let v = *X; }
    cpu1 { X = 9; }
    expect safe;
}

// Under the opt-in, change_protection_range() walks PTE tables through change_pmd_range():
// its flush after the PTLs drop is all that stops a cached writable entry of a PTE-mapped
// page (change_pte_range() does not flush).
test "mprotect(PROT_READ) of a PTE-mapped page racing a store through a cached writable entry (opt-in THP)" {
    kernel "linux-5.10";
    import "opt-in/thp-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ); }
    cpu1 { X = 9; }
    expect safe;
}
