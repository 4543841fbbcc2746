// Kernel contracts of v5.10 that the machine checks on every state (DESIGN.md section 7:
// they live in the model tree because they change between versions).

// Every mapping of a page holds a reference of its own: page_add_new_anon_rmap() and
// page_dup_rmap() come with a get_page(), and zap/unmap drop the mapping before the
// reference (mm/memory.c, zap_pte_range() and wp_page_copy(), v5.10), so a mapped page's
// _refcount is never below its mapcount. Breaking it is how a page gets freed under a
// mapping. (v5.10's checks of it are VM_BUG_ON_PAGE()s, off in production kernels.)
// The counts never go negative either (a put_page() or page_remove_rmap() too many), and
// the free path's bad_page() check (free_pages_prepare() in page.mmk) raises it too.
invariant refcount for page p "a page's refcount covers its mappings (each PTE mapping holds a reference) and neither count is negative" {
    page_count(p) >= page_mapcount(p) && page_mapcount(p) >= 0
}
