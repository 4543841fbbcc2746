// __free_page() (include/linux/gfp.h, v5.10): __free_pages(page, 0) drops the reference
// alloc_page() gave and frees the page when it was the last. v5.10 uses the pair for pages a
// path owns alone (a page-table page, an mmu_gather batch page); no path of the model tree
// calls __free_page() yet, so this calls the pair directly.

// Protects: a page given back with __free_page() is freed, and its frame can be allocated again.
test "alloc_page() then __free_page(): the frame is free again" {
    kernel "linux-5.10";
    cpus 1;
    frames 1;
    vma X: anon private read write;
    cpu0 { alloc_free_alloc(); }
    expect safe;
}

fn alloc_free_alloc() {
    let page = alloc_page();
    BUG_ON(page == null);
    __free_page(page);
    page = alloc_page();
    BUG_ON(page == null);                   // the only frame is free again
    __free_page(page);
}
