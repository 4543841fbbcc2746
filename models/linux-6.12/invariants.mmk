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

// When every program has finished, each reference to a page that is still allocated is
// accounted for: one per PTE mapping it (page_add_new_anon_rmap() and page_dup_rmap() come
// with a reference), one per slot of a CPU's LRU pagevec that holds it (lru_cache_add(),
// mm/swap.c v5.10, until the pagevec is drained), and those the scenario declared held
// outside the model (`extra_refs`). Being on the LRU holds no reference of its own in
// v5.10, and every mmu_gather batch has been freed by tlb_finish_mmu() by then. A
// reference left over is a leak (a put_page() missing: the page is never freed); one
// short of the count is a page that will be freed while still referenced.
invariant page_leak for page p at end "every reference to a page still allocated at the end is accounted for (its mappings, the LRU pagevecs that hold it, the references the scenario declared): none leaked, none missing" {
    page_count(p) == page_mapcount(p) + kernel_refs(p) + p->mmcheck_extra_refs
}

// The references kernel structures of the tree hold on `page` besides its mappings: the
// CPUs' LRU pagevecs (mmcheck: for page_leak; opt-in trees add theirs).
fn kernel_refs(page) source "mmcheck: the references the tree's kernel structures hold, v5.10" {
    return pagevec_refs(page);
}

// How many slots of the CPUs' lru_add pagevecs hold `page` (mmcheck: for page_leak).
fn pagevec_refs(page) source "mmcheck: the references the per-CPU pagevecs of mm/swap.c hold, v5.10" {
    let n = 0;
    let cpu = 0;
    while cpu < nr_cpu_ids() {
        let pvec = per_cpu_ptr(&lru_add, cpu);
        let i = 0;
        while i < pagevec_count(pvec) {
            if pvec->pages[i] == page {
                n += 1;
            }
            i += 1;
        }
        cpu += 1;
    }
    return n;
}
