// be068f29034f ("mm: fix misplaced unlock_page in do_wp_page()", v5.9-rc7): do_wp_page()
// unlocks the page it reuses before wp_page_reuse() drops the PTL. Once the PTL is gone the
// page tables were the fault's only hold on the page: a MADV_DONTNEED (mmap_lock for read,
// like the fault) can zap and free it, and an unlock_page() after that touches a freed page.

// Protects: the page lock of a reused page is released while the PTL still pins the page.
test "a reused page is unlocked under the PTL: a MADV_DONTNEED right after cannot free it first" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };          // read-only, mapped once, no other reference: reused
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}
