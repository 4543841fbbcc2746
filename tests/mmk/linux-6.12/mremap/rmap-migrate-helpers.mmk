// Test drivers (not kernel code): a migration that reaches a page the way compaction does,
// without mmap_lock (mremap/mremap-vs-migration.mmk, mprotect/mprotect-vs-migration.mmk).
//
// Compaction isolates the folio from the LRU and finds its mapping by the rmap walk under the
// anon_vma lock, never taking mmap_lock, so it runs beside a path that holds mmap_lock for
// write. The tree has no anon_vma objects: the driver finds the VMA at addr as the walk
// would, by the lockless maple-tree walk under RCU, and migrates the page there
// (migrate_one_page(): the PTL, the isolation reference, try_to_migrate_one(), the copy,
// remove_migration_pte()). The scenarios never free that VMA, as the anon_vma lock would keep
// it.

fn migrate_page_by_rmap(addr) source "mmcheck: a test driver, compaction's migration of the folio at addr (isolated from the LRU, found by the rmap walk, no mmap_lock)" {
    let mm = current_mm();
    rcu_read_lock();
    let vma = mas_walk_vma(mm, addr);
    rcu_read_unlock();
    if vma == null {
        return;
    }
    migrate_one_page(vma, addr);
}
