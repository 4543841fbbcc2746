// khugepaged's collapse racing an mmap(MAP_FIXED) that replaces the VMA it is collapsing
// (6.12, models/linux-6.12/khugepaged.mmk collapse_huge_page()). collapse_huge_page() drops
// mmap_lock to allocate the huge page, and again to trade its read lock for the write lock;
// a VMA it found before may be gone by then. "If mmap_lock temporarily dropped, revalidate
// vma before taking mmap_lock": hugepage_vma_revalidate() runs again once the write lock is
// held, and only then does the collapse touch the VMA (vma_start_write()) and its tables.
//
// Here mmap(MAP_FIXED) replaces X with a new VMA (a new object: 6.12 allocates it before it
// frees the one it replaces, the spare of hole Z), frees the old VMA and X's PTE table, and a
// read of X faults the zero page in under a new table. The PMD entry the collapse checks is
// then present again (check_pmd_still_valid() compares the PMD slot, not the table), so only
// the revalidation under the write lock notices the change: the new VMA has no anon_vma yet
// (a read fault maps the zero page without one), and the collapse backs off (SCAN_PAGE_ANON).
// A revalidation before mmap_write_lock() would let the collapse write-lock the freed VMA
// (use_after_free).

test "6.12: the collapse revalidates the VMA under the write lock and backs off from a replaced VMA" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write;
    hole Z at 1000;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 {
        mmap(X, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
        let v = *X;
    }
    expect safe;
}
