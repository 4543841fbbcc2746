// The scenario's zero page (`pte X -> zero`): the state a read fault leaves in an anonymous
// VMA (do_anonymous_page(): a special, read-only PTE of the shared zero page). A write
// fault copies it (wp_page_copy(): vm_normal_page() finds no page behind a special PTE, so
// the new page is zeroed, not copied) and flushes the old translation before it drops the
// PTL, so the CPU that cached the zero page reads the new page from then on.

test "a write fault on the zero page racing a read through a cached entry" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    pte X -> zero { };
    tlb cpu1: X -> zero { };
    cpu0 { X = 8; }
    cpu1 { let v = *X; }
    expect safe;
}

// MADV_DONTNEED of a zero-page mapping: zap_pte_range() clears the special PTE and frees no
// page (vm_normal_page() is null), racing a store that faults a new page in.
test "MADV_DONTNEED of the zero page racing a write fault" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    pte X -> zero { };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { X = 8; }
    expect safe;
}
