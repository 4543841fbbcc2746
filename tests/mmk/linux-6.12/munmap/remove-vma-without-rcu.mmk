// Not a test: remove_vma() freeing the VMA at once, as vm_area_free() did before 20cce633f425
// ("mm: rcu safe VMA freeing", Michel Lespinasse, v6.4-rc1, in the CONFIG_PER_VMA_LOCK
// series): kmem_cache_free() with no grace period. lock_vma_under_rcu() looks the VMA up in
// the tree under rcu_read_lock() only, with no mmap_lock, so it may hold a pointer to a VMA
// munmap() has just taken out of the tree and read its fields (vm_lock_seq, the VMA lock,
// detached, vm_start); "mm: rcu safe VMA freeing" defers the free with call_rcu() so that
// every such reader has left its read section first. The rest is 6.12's text.
override fn remove_vma(vma, unreachable) source "mm/vma.c:remove_vma@v6.12 with vm_area_free() before 20cce633f425" {
    might_sleep();
    vm_area_free(vma); // kmem_cache_free(vm_area_cachep, vma)
}
