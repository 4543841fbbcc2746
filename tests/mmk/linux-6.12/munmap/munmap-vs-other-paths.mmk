// munmap() racing the paths that find their VMA and walk its page tables under mmap_lock
// held for read (MADV_DONTNEED, mprotect(), clear_refs, a uffd-wp fault): munmap unlinks the
// VMA under the write lock, so each of them either runs before it and finds the VMA, or runs
// after and finds none. A path that looked the VMA up or walked the page table before taking
// mmap_lock would reach a freed VMA or a freed PTE table. (Ported from
// tests/mmk/munmap/munmap-vs-other-paths.mmk; its uffd-wp fault test is left out: 6.12's
// fault takes the uffd-wp path under the per-VMA lock, and userfaultfd.mmk's
// userfaultfd_must_wait() still walks the page table as v5.10 did, under mmap_lock.)

test "MADV_DONTNEED racing munmap" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { munmap(X, 1); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

test "mprotect racing munmap" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { munmap(X, 1); }
    cpu1 { mprotect(X, 1, PROT_READ); }
    expect safe;
}

test "clear_refs racing munmap" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write softdirty;
    page P = 7;
    pte X -> P { write dirty accessed soft_dirty };
    cpu0 { munmap(X, 1); }
    cpu1 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    expect safe;
}
