// struct page and the functions on it: reference counts, mapcount, the page lock, the anon
// mapping, freeing. The machine gives one `struct page` per frame and the buddy allocator's
// rmqueue()/free_one_page(); everything else here is kernel code of v5.10.

// include/linux/page-flags.h: enum pageflags (the bits these paths use)
const PG_locked = 0;
const PG_referenced = 1;
const PG_uptodate = 2;
const PG_dirty = 3;
const PG_lru = 4;
const PG_active = 5;
const PG_waiters = 7;
const PG_swapbacked = 19;

// include/linux/page-flags.h
const PAGE_MAPPING_ANON = 0x1;

// include/linux/mm_types.h: the fields of struct page these paths use. _refcount is the
// page's reference count: when the last reference goes, the page is its dropper's alone
// (what it does to it until free_one_page() is one step). _mapcount starts at
// -1 (page_mapcount_reset()); a free page's _refcount is 0. mapping holds the anon_vma
// pointer with PAGE_MAPPING_ANON set; the anon_vma itself is not modelled, so mapping is
// PAGE_MAPPING_ANON or 0. It is written while the page is new and unmapped
// (__page_set_anon_rmap()) or freed, so it is `stable`: a read is no step of its own.
// Left out: lru list heads, index, private, memcg, compound pages.
struct page source "include/linux/mm_types.h:struct page@v5.10" {
    flags: bits;
    _refcount: atomic_t refcount;
    _mapcount: atomic_t = -1;
    mapping: bits stable;
    // Not the kernel's: mmcheck's record of the references the scenario says are held
    // outside the model (`extra_refs`: a GUP pin, a reference of a path not modelled), for
    // the page_leak invariant (invariants.mmk). Written only by the scenario's set-up.
    mmcheck_extra_refs: int stable;
}

// The state a page the scenario declares starts in: an anonymous page mapped by `mappings`
// PTEs, each holding a reference (as after faults, or fork's copy_present_pte()), plus
// `extra_refs` references held elsewhere (a GUP pin, a pagevec). PG_anon_exclusive is
// v5.19; the v5.10 tree has no such bit.
fn scenario_page(page, mappings, extra_refs, exclusive) source "mmcheck: scenario set-up for v5.10" {
    if exclusive {
        not_modelled(); // PageAnonExclusive() is v5.19 (see fixes/reuse-rule-v5.19-anon-exclusive.mmk)
    }
    set_page_count(page, mappings + extra_refs);
    page->mmcheck_extra_refs = extra_refs;
    atomic_set(&page->_mapcount, mappings - 1);
    page->mapping = PAGE_MAPPING_ANON;
}

// The shared zero page (x86's empty_zero_page): a reserved page, which keeps the reference
// its boot-time initialisation gave it and is never freed. GUP takes and drops references
// on it like on any other page (follow_page_pte() hands it to a read). The reference counts
// as held outside the model, for page_leak.
fn scenario_zero_page(page) source "mmcheck: scenario set-up for v5.10, the zero page (a reserved page, init_page_count())" {
    set_page_count(page, 1);
    page->mmcheck_extra_refs = 1;
}

// ---- include/linux/page_ref.h ----

fn page_ref_count(page) source "include/linux/page_ref.h:page_ref_count@v5.10" {
    return atomic_read(&page->_refcount);
}

fn set_page_count(page, v) source "include/linux/page_ref.h:set_page_count@v5.10" {
    atomic_set(&page->_refcount, v);
}

fn page_ref_inc(page) source "include/linux/page_ref.h:page_ref_inc@v5.10" {
    atomic_inc(&page->_refcount);
}

fn page_ref_dec_and_test(page) source "include/linux/page_ref.h:page_ref_dec_and_test@v5.10" {
    return atomic_dec_and_test(&page->_refcount);
}

// ---- include/linux/mm.h ----

fn page_count(page) source "include/linux/mm.h:page_count@v5.10" {
    return page_ref_count(page); // compound_head() is the page itself: no THP
}

// Its VM_BUG_ON_PAGE(page_ref_zero_or_close_to_overflow(page)) is left out: a get_page()
// of a free page is use_after_free here, and the refcount invariant covers the counts.
fn get_page(page) source "include/linux/mm.h:get_page@v5.10" {
    page_ref_inc(page);
}

// VM_BUG_ON_PAGE(page_ref_count(page) == 0) is left out (it would be a separate load and
// step); an underflow breaks the tree's `refcount` invariant instead.
fn put_page_testzero(page) source "include/linux/mm.h:put_page_testzero@v5.10" {
    return page_ref_dec_and_test(page);
}

// The ZONE_DEVICE (devmap) branch is left out.
fn put_page(page) source "include/linux/mm.h:put_page@v5.10" {
    if put_page_testzero(page) {
        __put_page(page);
    }
}

fn page_mapcount(page) source "include/linux/mm.h:page_mapcount@v5.10" {
    return atomic_read(&page->_mapcount) + 1; // not compound: no THP
}

fn page_mapcount_reset(page) source "include/linux/mm.h:page_mapcount_reset@v5.10" {
    atomic_set(&page->_mapcount, -1);
}

// ---- include/linux/page-flags.h ----

fn PageAnon(page) source "include/linux/page-flags.h:PageAnon@v5.10" {
    return (page->mapping & PAGE_MAPPING_ANON) != 0;
}

fn PageLocked(page) source "include/linux/page-flags.h:PageLocked@v5.10" {
    return test_bit(PG_locked, &page->flags);
}

fn PageLRU(page) source "include/linux/page-flags.h:PageLRU@v5.10" {
    return test_bit(PG_lru, &page->flags);
}

fn SetPageLRU(page) source "include/linux/page-flags.h:SetPageLRU@v5.10" {
    set_bit(PG_lru, &page->flags);
}

// __ClearPageLRU() is the non-atomic __clear_bit(): the page is its caller's alone there.
fn __ClearPageLRU(page) source "include/linux/page-flags.h:__ClearPageLRU@v5.10" {
    clear_bit(PG_lru, &page->flags);
}

// ---- mm/swap.c ----

// __page_cache_release(): a page on the LRU is taken off it under the lruvec lock; the
// LRU lists are not modelled, so only PG_lru is cleared.
fn __page_cache_release(page) source "mm/swap.c:__page_cache_release@v5.10" {
    if PageLRU(page) {
        __ClearPageLRU(page);
    }
}

// Its mem_cgroup_uncharge() is not modelled.
fn __put_single_page(page) source "mm/swap.c:__put_single_page@v5.10" {
    __page_cache_release(page);
    free_unref_page(page);
}

// Compound pages and ZONE_DEVICE are not modelled.
fn __put_page(page) source "mm/swap.c:__put_page@v5.10" {
    __put_single_page(page);
}

// ---- mm/page_alloc.c ----

// post_alloc_hook(): set_page_refcounted(); the rest (KASAN, page owner, poisoning) has no
// bearing on these races.
fn post_alloc_hook(page) source "mm/page_alloc.c:post_alloc_hook@v5.10" {
    set_page_count(page, 1);
}

// get_page_from_freelist() -> rmqueue() -> prep_new_page(): zones, watermarks, per-CPU
// lists and __GFP_ZERO's clear_page() are not modelled (a frame comes zeroed).
fn alloc_page() source "include/linux/gfp.h:alloc_page@v5.10" {
    let page = rmqueue();
    if page != null {
        post_alloc_hook(page);
    }
    return page;
}

// free_pages_prepare(): `if (PageMappingFlags(page)) page->mapping = NULL;` (only anon
// mappings exist here); check_free_page() -> page_expected_state() then finds a page still
// mapped (or referenced) bad, and bad_page() reports it: the tree's `refcount` invariant
// broken. (v5.10 runs that check here with CONFIG_DEBUG_VM, else when the per-CPU list
// drains; the model checks at once.) Its other work (flags to clear on free, hwpoison,
// memcg, poisoning) is left out.
fn free_pages_prepare(page) source "mm/page_alloc.c:free_pages_prepare@v5.10" {
    if PageAnon(page) {
        page->mapping = 0;
    }
    if atomic_read(&page->_mapcount) != -1 || page_ref_count(page) != 0 {
        violation(refcount); // bad_page(page, "nonzero mapcount" / "nonzero _refcount")
    }
}

// The per-CPU free lists are not modelled: the frame goes back to the buddy allocator.
fn free_unref_page(page) source "mm/page_alloc.c:free_unref_page@v5.10" {
    free_pages_prepare(page);
    free_one_page(page);
}

fn __free_pages(page, order) source "mm/page_alloc.c:__free_pages@v5.10" {
    if put_page_testzero(page) {
        free_unref_page(page); // free_the_page(), order 0
    }
}

fn __free_page(page) source "include/linux/gfp.h:__free_page@v5.10" {
    __free_pages(page, 0);
}

// ---- mm/rmap.c ----

fn __page_set_anon_rmap(page, vma, address, exclusive) source "mm/rmap.c:__page_set_anon_rmap@v5.10" {
    if PageAnon(page) {
        return;
    }
    page->mapping = PAGE_MAPPING_ANON; // (anon_vma | PAGE_MAPPING_ANON); page->index not modelled
}

// mm/rmap.c: the anon_vma chains. The tree has no anon_vma objects (every VMA's anon_vma is
// null, so there is no chain to copy or unlink, and no rmap walk);
// opt-in/anon-rmap-v5.10.mmk overrides these with the real ones.
fn anon_vma_clone(dst, src) source "mm/rmap.c:anon_vma_clone@v5.10 (no anon_vma in the tree)" {
    return 0;
}

fn anon_vma_prepare(vma) source "include/linux/rmap.h:anon_vma_prepare@v5.10 (no anon_vma in the tree)" {
    return 0;
}

fn anon_vma_fork(vma, pvma) source "mm/rmap.c:anon_vma_fork@v5.10 (no anon_vma in the tree)" {
    return 0;
}

// The anon_vma lock, and a VMA whose vm_start, vm_end or vm_pgoff change coming out of its
// anon_vmas' trees and going back in (vma_adjust()): never reached in the tree, where no VMA
// has an anon_vma; opt-in/anon-rmap-v5.10.mmk has the real ones.
fn anon_vma_lock_write(anon_vma) source "include/linux/rmap.h:anon_vma_lock_write@v5.10 (no anon_vma in the tree)" {
    not_modelled(); // an anon_vma without opt-in/anon-rmap-v5.10.mmk
}

fn anon_vma_unlock_write(anon_vma) source "include/linux/rmap.h:anon_vma_unlock_write@v5.10 (no anon_vma in the tree)" {
    not_modelled(); // an anon_vma without opt-in/anon-rmap-v5.10.mmk
}

fn anon_vma_interval_tree_pre_update_vma(vma) source "mm/mmap.c:anon_vma_interval_tree_pre_update_vma@v5.10 (no anon_vma in the tree)" {
    not_modelled(); // an anon_vma without opt-in/anon-rmap-v5.10.mmk
}

fn anon_vma_interval_tree_post_update_vma(vma) source "mm/mmap.c:anon_vma_interval_tree_post_update_vma@v5.10 (no anon_vma in the tree)" {
    not_modelled(); // an anon_vma without opt-in/anon-rmap-v5.10.mmk
}

fn unlink_anon_vmas(vma) source "mm/rmap.c:unlink_anon_vmas@v5.10 (no anon_vma in the tree)" {
}

// list_is_singular(&vma->anon_vma_chain): the VMA's chain is empty in the tree. (The opt-in
// rmap keeps no per-VMA chain either, so there too this is false, and vma_merge() merges a
// VMA that has an anon_vma with one that has none only where the kernel would also refuse:
// it is the stricter answer.)
fn anon_vma_chain_is_singular(vma) source "include/linux/list.h:list_is_singular@v5.10 (of vma->anon_vma_chain; no chains in the tree)" {
    return false;
}

// include/linux/rmap.h
fn anon_vma_merge(vma, next) source "include/linux/rmap.h:anon_vma_merge@v5.10" {
    BUG_ON(vma->anon_vma != next->anon_vma);
    unlink_anon_vmas(next);
}

// do_page_add_anon_rmap() with flags 0, not compound: the first mapping sets the anon rmap.
// Left out: the VM_BUG_ONs (the page lock), statistics, and the not-first branch's
// __page_check_anon_rmap().
fn page_add_anon_rmap(page, vma, address, compound) source "mm/rmap.c:page_add_anon_rmap@v5.10" {
    if atomic_add_return(1, &page->_mapcount) == 0 {
        __page_set_anon_rmap(page, vma, address, 0);
    }
}

// Not compound. Left out: the VM_BUG_ONs, __mod_lruvec_page_state() statistics, and
// __SetPageSwapBacked(page), which v5.10 does first (nothing in the model reads
// PG_swapbacked: no LRU lists, no reclaim).
fn page_add_new_anon_rmap(page, vma, address) source "mm/rmap.c:page_add_new_anon_rmap@v5.10" {
    // mutate: equivalent(swap-adjacent) both write the new page, which no other CPU can reach yet: its callers (wp_page_copy(), do_anonymous_page()) map it with set_pte_at() only afterwards, under the PTL
    atomic_set(&page->_mapcount, 0); // increment count (starts at -1)
    __page_set_anon_rmap(page, vma, address, 1);
}

// The anon, non-compound path: statistics and the deferred-split and mlock handling are
// left out.
fn page_remove_rmap(page) source "mm/rmap.c:page_remove_rmap@v5.10" {
    atomic_add_negative_dec(&page->_mapcount);
}

// atomic_add_negative(-1, v): v - 1, true if the result is negative (page_remove_rmap()
// returns early when the page is still mapped).
fn atomic_add_negative_dec(v) source "include/linux/atomic.h:atomic_add_negative@v5.10" {
    return atomic_add_return(-1, v) < 0;
}

// ---- include/linux/pagemap.h, mm/filemap.c ----

fn trylock_page(page) source "include/linux/pagemap.h:trylock_page@v5.10" {
    return !test_and_set_bit_lock(PG_locked, &page->flags);
}

// lock_page() tries trylock_page() and else sleeps in __lock_page() ->
// wait_on_page_bit_common() until its own test_and_set_bit_lock() succeeds. A failed
// trylock changes nothing, so the fast path and the wait are one step here: disabled
// while the lock is held, the lock taken the moment it is free. PG_waiters and the page
// wait queue are left out (the wake-up is the step becoming enabled).
fn lock_page(page) source "include/linux/pagemap.h:lock_page@v5.10" {
    might_sleep();
    wait_until(trylock_page(page));
}

// clear_bit_unlock_is_negative_byte() and wake_up_page_bit(): the wake-up is implicit.
// VM_BUG_ON_PAGE(!PageLocked(page), page) is left out (a load of its own).
fn unlock_page(page) source "mm/filemap.c:unlock_page@v5.10" {
    clear_bit_unlock(PG_locked, &page->flags);
}

// ---- mm/memory.c ----

// vm_normal_page() for the mappings modelled (no VM_PFNMAP/VM_MIXEDMAP, every pfn valid):
// special PTEs and the zero page have no struct page to use.
fn vm_normal_page(vma, addr, pte) source "mm/memory.c:vm_normal_page@v5.10" {
    if pte_special(pte) {
        return null;
    }
    if is_zero_pfn(pte_pfn(pte)) {
        return null;
    }
    return pte_page(pte);
}
