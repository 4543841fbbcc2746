// khugepaged collapsing the range munmap() is unmapping: collapse_huge_page() drops
// mmap_lock to allocate the huge page and revalidates the VMA and the PMD entry under the
// write lock (hugepage_vma_revalidate(), mm_find_pmd()), so a munmap that ran meanwhile
// leaves it nothing to collapse; one that runs after waits for the collapse.

test "a collapse racing munmap of its range revalidates under the write lock" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { munmap(X, 1); }
    expect safe;
}

// khugepaged comes back to a range it already collapsed: mm_find_pmd() finds a huge leaf,
// not a table, and the collapse gives its new page back.
test "a second collapse of a huge range finds no table and frees its page" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); khugepaged_collapse(X); X = 8; }
    expect safe;
}
