// Kernel contracts of v5.10 that the machine checks on every state (DESIGN.md section 7:
// they live in the model tree because they change between versions).

// Every mapping of a page holds a reference of its own: page_add_new_anon_rmap() and
// page_dup_rmap() come with a get_page(), and zap/unmap drop the mapping before the
// reference (mm/memory.c, zap_pte_range() and wp_page_copy(), v5.10), so a mapped page's
// _refcount is never below its mapcount. Breaking it is how a page gets freed under a
// mapping. (v5.10's checks of it are VM_BUG_ON_PAGE()s, off in production kernels.)
invariant refcount_covers_mapcount for page p "a page's refcount covers its mappings (each PTE mapping holds a reference)" {
    page_count(p) >= page_mapcount(p)
}
