// Swap of v5.10, opt-in: the swap map and the swap cache (mm/swapfile.c, mm/swap_state.c),
// swap-in (do_swap_page()), swap-out through MADV_PAGEOUT (mm/madvise.c, mm/vmscan.c:
// reclaim_pages(), shrink_page_list()) with the batched TLB flush of reclaim (mm/rmap.c),
// and the block I/O of mm/page_io.c. The swap device is the machine's (`swap S = V;`,
// `swap_slots N;` in the scenario): swap_write_page() and swap_read_page() move a page's
// contents to and from its slots. Reclaim finds the PTEs through the anon rmap, so this
// file imports opt-in/anon-rmap-v5.10.mmk.
//
// One swap device (type 0) of at most MAX_SWAP_SLOTS slots, one cluster: lock_cluster()
// always takes the one cluster lock, under si->lock where get_swap_pages() takes both. Left
// out: the per-CPU swap slot caches (mm/swap_slots.c: a slot is allocated from and freed
// to the swap map at once, a kernel behaviour whenever the caches are off), swap count
// continuations (a slot mapped more than SWAP_MAP_MAX times), swapoff and swapon (the
// device stays valid: get_swap_device() always succeeds), readahead (swapin_readahead()
// reads the faulting entry only), the SWP_SYNCHRONOUS_IO skip of the swap cache (the
// device is a block device with a request queue: `swp_synchronous_io()`), memcg and
// workingset shadows, THP swap, KSM, mlock, hibernation, frontswap, and the accounting
// (nr_swap_pages, rss counters). Reclaim: page_check_references() is left out (a page is
// reclaimed even if referenced, a behaviour the kernel has whenever the A bits were clear
// at the check), and I/O completes in the submitting path's steps (the page stays under
// writeback, or locked for a read, until then, as the kernel's completion leaves it).

import "opt-in/anon-rmap-v5.10.mmk";

// include/linux/page-flags.h: enum pageflags (v5.10), the bits this file adds
const PG_owner_priv_1 = 10;
const PG_writeback = 15;
const PG_reclaim = 18;
// PG_swapcache = PG_owner_priv_1: swap page, swp_entry_t in private
const PG_swapcache = 10;

// include/linux/swap.h
const SWAP_HAS_CACHE = 0x40;
const SWAP_MAP_MAX = 0x3e;
const SWAP_MAP_BAD = 0x3f;

// include/uapi/asm-generic/mman-common.h
const MADV_PAGEOUT = 21;

// mm/rmap.c, enum ttu_flags (include/linux/rmap.h)
const TTU_BATCH_FLUSH = 0x80;

// mm/vmscan.c: enum page_references, enum pageout_t
const PAGE_KEEP = 0;
const PAGE_ACTIVATE = 1;
const PAGE_SUCCESS = 2;
const PAGE_CLEAN = 3;

// mm/swapfile.c: __try_to_reclaim_swap() flags
const TTRS_ANYWAY = 0x1;
const TTRS_UNMAPPED = 0x2;
const TTRS_FULL = 0x4;

// The slots the model's swap_map and swap cache have room for (offset 0 is the header).
const MAX_SWAP_SLOTS = 8;

// struct page as opt-in/anon-rmap-v5.10.mmk declares it, plus page->private, which holds
// the swap entry of a page in the swap cache (set and cleared under the page lock and the
// swap cache's lock, with PG_swapcache). mapping, anon_vma and index are no longer
// `stable`: a page swapped in gets them at its first mapping (do_swap_page() ->
// __page_set_anon_rmap(), under the page lock), while the swap cache already publishes it.
struct page source "include/linux/mm_types.h:struct page@v5.10" {
    flags: bits;
    _refcount: atomic_t refcount;
    _mapcount: atomic_t = -1;
    mapping: bits;
    mmcheck_extra_refs: int stable;
    anon_vma: handle;
    index: int;
    private: int;
}

// include/linux/swap.h: struct swap_info_struct, the fields used. swap_map[offset] is the
// slot's count: the PTEs (and shmem) naming it, plus SWAP_HAS_CACHE while a page of the
// swap cache stands for it (or is being added to it). It changes under the cluster lock.
struct swap_info_struct source "include/linux/swap.h:struct swap_info_struct@v5.10" {
    lock: spinlock_t;
    // the one swap_cluster_info's lock (lock_cluster())
    cluster_lock: spinlock_t;
    swap_map: int[9] guarded_by cluster_lock;
}

global swap_info: swap_info_struct;

// The swap cache: swapper_spaces[0], an address_space whose i_pages xarray maps a slot's
// offset to its page. Stores under the xarray lock (xa_lock_irq()); lookups are lockless
// (find_get_page() under RCU).
struct address_space source "include/linux/fs.h:struct address_space@v5.10 (swapper_spaces[])" {
    i_pages_lock: spinlock_t;
    pages: handle[9] guarded_by i_pages_lock;
}

global swapper_space: address_space;

// include/linux/sched.h: struct tlbflush_unmap_batch, current->tlb_ubc: the mm whose flush
// reclaim deferred (x86's cpumask is the built-in shootdown of that mm here: flushing it
// covers every CPU that may cache it; one mm per batch: reclaim of a page two mms map
// defers both, and a second mm in one batch is not modelled), and whether one of the
// cleared PTEs was dirty (writable).
struct tlbflush_unmap_batch source "include/linux/sched.h:struct tlbflush_unmap_batch@v5.10" {
    mm: handle;
    flush_required: int;
    writable: int;
}

percpu tlb_ubc: tlbflush_unmap_batch;

// ---- scenario set-up and the machine's hooks ----

// A slot of the swap device that `count` PTEs of the scenario name (no page of the swap
// cache stands for it).
fn scenario_swap(entry, count) source "mmcheck: scenario set-up for v5.10 with swap" {
    let offset = swp_offset(entry);
    if offset > MAX_SWAP_SLOTS || swap_device_slots() > MAX_SWAP_SLOTS {
        not_modelled(); // a swap device of more than MAX_SWAP_SLOTS slots
    }
    spin_lock(&swap_info.cluster_lock);
    swap_info.swap_map[offset] = count;
    spin_unlock(&swap_info.cluster_lock);
}

// What the scenario's pages are in this tree: anonymous pages on the LRU, swap-backed and
// up to date (do_anonymous_page() and wp_page_copy() made them, and the pagevec they went
// to was drained), each PTE mapping holding a reference.
override fn scenario_page(page, mappings, extra_refs, exclusive) source "mmcheck: scenario set-up for v5.10 with swap" {
    if exclusive {
        not_modelled(); // PageAnonExclusive() is v5.19
    }
    set_page_count(page, mappings + extra_refs);
    page->mmcheck_extra_refs = extra_refs;
    atomic_set(&page->_mapcount, mappings - 1);
    page->mapping = PAGE_MAPPING_ANON;
    page->flags = (1 << PG_lru) | (1 << PG_swapbacked) | (1 << PG_uptodate);
}

// The machine's lost_write check reads an address whose PTE is a swap entry through the
// page the swap cache holds for its slot (newer than the device while it is there), or the
// device when null. A ghost: a lockless read.
fn swap_slot_page(entry) source "mmcheck: where a swapped-out address's contents are, v5.10" {
    return swapper_space.pages[swp_offset(entry)];
}

// page_leak: a page of the swap cache holds one reference of the cache's
// (add_to_swap_cache()'s page_ref_add()).
override fn kernel_refs(page) source "mmcheck: the references the tree's kernel structures hold, v5.10 with swap" {
    let n = pagevec_refs(page);
    if PageSwapCache(page) {
        n += 1;
    }
    return n;
}

// ---- include/linux/page-flags.h ----

fn PageSwapBacked(page) source "include/linux/page-flags.h:PageSwapBacked@v5.10" {
    return test_bit(PG_swapbacked, &page->flags);
}

fn __SetPageSwapBacked(page) source "include/linux/page-flags.h:__SetPageSwapBacked@v5.10" {
    set_bit(PG_swapbacked, &page->flags);
}

fn PageSwapCache(page) source "include/linux/page-flags.h:PageSwapCache@v5.10" {
    return PageSwapBacked(page) && test_bit(PG_swapcache, &page->flags);
}

fn SetPageSwapCache(page) source "include/linux/page-flags.h:SetPageSwapCache@v5.10" {
    set_bit(PG_swapcache, &page->flags);
}

fn ClearPageSwapCache(page) source "include/linux/page-flags.h:ClearPageSwapCache@v5.10" {
    clear_bit(PG_swapcache, &page->flags);
}

fn PageDirty(page) source "include/linux/page-flags.h:PageDirty@v5.10" {
    return test_bit(PG_dirty, &page->flags);
}

fn SetPageDirty(page) source "include/linux/page-flags.h:SetPageDirty@v5.10" {
    set_bit(PG_dirty, &page->flags);
}

fn TestClearPageDirty(page) source "include/linux/page-flags.h:TestClearPageDirty@v5.10" {
    return test_and_clear_bit(PG_dirty, &page->flags);
}

fn PageUptodate(page) source "include/linux/page-flags.h:PageUptodate@v5.10" {
    return test_bit(PG_uptodate, &page->flags);
}

fn SetPageUptodate(page) source "include/linux/page-flags.h:SetPageUptodate@v5.10" {
    set_bit(PG_uptodate, &page->flags);
}

fn PageWriteback(page) source "include/linux/page-flags.h:PageWriteback@v5.10" {
    return test_bit(PG_writeback, &page->flags);
}

fn page_mapped(page) source "mm/util.c:page_mapped@v5.10 (not compound)" {
    return atomic_read(&page->_mapcount) >= 0;
}

// ---- include/linux/page_ref.h ----

fn page_ref_add(page, nr) source "include/linux/page_ref.h:page_ref_add@v5.10" {
    atomic_add(nr, &page->_refcount);
}

fn page_ref_sub(page, nr) source "include/linux/page_ref.h:page_ref_sub@v5.10" {
    atomic_sub(nr, &page->_refcount);
}

fn page_ref_freeze(page, count) source "include/linux/page_ref.h:page_ref_freeze@v5.10" {
    return atomic_cmpxchg(&page->_refcount, count, 0) == count;
}

fn page_ref_unfreeze(page, count) source "include/linux/page_ref.h:page_ref_unfreeze@v5.10" {
    atomic_set(&page->_refcount, count);
}

// ---- the tree's pages, with the flags swap reads ----

// A new anonymous page is swap-backed and up to date: v5.10 sets PG_swapbacked here
// (__SetPageSwapBacked()) and its callers set PG_uptodate (__SetPageUptodate()) before,
// on the page while it is still theirs alone.
override fn page_add_new_anon_rmap(page, vma, address) source "mm/rmap.c:page_add_new_anon_rmap@v5.10" {
    // __SetPageUptodate() of the callers (do_anonymous_page(), wp_page_copy())
    // mutate: equivalent(swap-adjacent) the page is this CPU's alone until the rmap publishes it (page_add_new_anon_rmap()'s callers map it with set_pte_at() only afterwards)
    SetPageUptodate(page);
    // mutate: equivalent(swap-adjacent) the page is this CPU's alone until the rmap publishes it (page_add_new_anon_rmap()'s callers map it with set_pte_at() only afterwards)
    __SetPageSwapBacked(page);
    // mutate: equivalent(swap-adjacent) the page is this CPU's alone until the rmap publishes it (page_add_new_anon_rmap()'s callers map it with set_pte_at() only afterwards)
    atomic_set(&page->_mapcount, 0); // increment count (starts at -1)
    __page_set_anon_rmap(page, vma, address, 1);
}

// free_pages_prepare() with its flag reset: `page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP`
// (every page flag) as well as the base tree's checks.
override fn free_pages_prepare(page) source "mm/page_alloc.c:free_pages_prepare@v5.10" {
    if PageAnon(page) {
        page->mapping = 0;
    }
    if atomic_read(&page->_mapcount) != -1 || page_ref_count(page) != 0 {
        violation(refcount); // bad_page(page, "nonzero mapcount" / "nonzero _refcount")
    }
    page->flags = 0;
}

// ---- mm/swapfile.c ----

fn swap_count(ent) source "mm/swapfile.c:swap_count@v5.10" {
    return ent & ~SWAP_HAS_CACHE; // no COUNT_CONTINUED here
}

// The slot must be one of the device's (the check against si->max); SWP_VALID always
// holds (no swapoff). rcu_read_lock() keeps swapoff out until put_swap_device().
fn get_swap_device(entry) source "mm/swapfile.c:get_swap_device@v5.10" {
    rcu_read_lock();
    if swp_offset(entry) > swap_device_slots() {
        rcu_read_unlock();
        return null;
    }
    return &swap_info;
}

fn put_swap_device(si) source "include/linux/swap.h:put_swap_device@v5.10" {
    rcu_read_unlock();
}

// _swap_info_get() / swp_swap_info(): the one device.
fn _swap_info_get(entry) source "mm/swapfile.c:_swap_info_get@v5.10" {
    if swp_offset(entry) > swap_device_slots() {
        return null; // "Bad_offset"
    }
    return &swap_info;
}

// lock_cluster_or_swap_info(): the device has clusters (an SSD), and one of them holds
// every slot here.
fn lock_cluster(si, offset) source "mm/swapfile.c:lock_cluster_or_swap_info@v5.10" {
    spin_lock(&si->cluster_lock);
    return &si->cluster_lock;
}

fn unlock_cluster(ci) source "mm/swapfile.c:unlock_cluster_or_swap_info@v5.10" {
    spin_unlock(ci);
}

// get_swap_page() (mm/swap_slots.c) without the per-CPU slot cache: get_swap_pages(1, ...)
// on the one device, under si->lock, and scan_swap_map_slots()'s claim of a free slot under
// the cluster lock. The scan starts at the lowest offset (si->cluster_next and the per-CPU
// cluster are not modelled); its reuse of a cache-only slot when swap is full is left out.
// A null entry (0) if every slot is in use.
fn get_swap_page(page) source "mm/swap_slots.c:get_swap_page@v5.10 -> mm/swapfile.c:get_swap_pages() -> scan_swap_map_slots()" {
    let si = &swap_info;
    // mutate: equivalent(delete-lock-pair) with one cluster, si->lock only orders allocators, and every claim of a slot happens under the cluster lock too (scan_swap_map_slots()'s lock_cluster()), which orders them already
    spin_lock(&si->lock);
    let offset = 1;
    while offset <= swap_device_slots() {
        let ci = lock_cluster(si, offset);
        if si->swap_map[offset] == 0 {
            si->swap_map[offset] = SWAP_HAS_CACHE;
            // mutate: equivalent(swap-adjacent) two releases in a row: whoever waits for either lock then waits a step longer, which reaches nothing the original order does not
            unlock_cluster(ci);
            spin_unlock(&si->lock);
            return swp_entry(0, offset);
        }
        unlock_cluster(ci);
        offset += 1;
    }
    spin_unlock(&si->lock);
    return 0;
}

fn __swap_entry_free_locked(p, offset, usage) source "mm/swapfile.c:__swap_entry_free_locked@v5.10" {
    let count = p->swap_map[offset];
    let has_cache = count & SWAP_HAS_CACHE;
    count = count & ~SWAP_HAS_CACHE;
    if usage == SWAP_HAS_CACHE {
        BUG_ON(has_cache == 0); // VM_BUG_ON(!has_cache)
        has_cache = 0;
    } else if count <= SWAP_MAP_MAX {
        // (SWAP_MAP_SHMEM and COUNT_CONTINUED are not modelled)
        count -= 1;
    }
    usage = count | has_cache;
    if usage != 0 {
        p->swap_map[offset] = usage;
    } else {
        p->swap_map[offset] = SWAP_HAS_CACHE;
    }
    return usage;
}

fn __swap_entry_free(p, entry) source "mm/swapfile.c:__swap_entry_free@v5.10" {
    let offset = swp_offset(entry);
    let ci = lock_cluster(p, offset);
    let usage = __swap_entry_free_locked(p, offset, 1);
    unlock_cluster(ci);
    if usage == 0 {
        free_swap_slot(entry);
    }
    return usage;
}

// free_swap_slot() (mm/swap_slots.c) without the per-CPU cache: swapcache_free_entries()
// of the one entry, which is swap_entry_free().
fn free_swap_slot(entry) source "mm/swap_slots.c:free_swap_slot@v5.10 -> mm/swapfile.c:swapcache_free_entries()" {
    swap_entry_free(&swap_info, entry);
}

// The slot back to the free ones (swap_range_free()'s accounting is not modelled).
fn swap_entry_free(p, entry) source "mm/swapfile.c:swap_entry_free@v5.10" {
    let offset = swp_offset(entry);
    // mutate: equivalent(swap-adjacent) the read is under the cluster lock either way or the lock only orders writers: every writer of swap_map holds the cluster lock, and a one-slot read commutes with taking it
    let ci = lock_cluster(p, offset);
    let count = p->swap_map[offset];
    BUG_ON(count != SWAP_HAS_CACHE); // VM_BUG_ON(count != SWAP_HAS_CACHE)
    p->swap_map[offset] = 0;
    unlock_cluster(ci);
}

fn swap_free(entry) source "mm/swapfile.c:swap_free@v5.10" {
    let p = _swap_info_get(entry);
    if p != null {
        __swap_entry_free(p, entry);
    }
}

// Called after dropping the swap cache: the SWAP_HAS_CACHE part of the slot's count goes
// (one page: the huge-cluster branch is THP swap, not modelled).
fn put_swap_page(page, entry) source "mm/swapfile.c:put_swap_page@v5.10" {
    let offset = swp_offset(entry);
    let si = _swap_info_get(entry);
    if si == null {
        return;
    }
    let ci = lock_cluster(si, offset);
    if __swap_entry_free_locked(si, offset, SWAP_HAS_CACHE) == 0 {
        unlock_cluster(ci);
        free_swap_slot(entry);
        return;
    }
    unlock_cluster(ci);
}

fn page_swapcount(page) source "mm/swapfile.c:page_swapcount@v5.10" {
    let count = 0;
    let entry = page->private;
    let p = _swap_info_get(entry);
    if p != null {
        let offset = swp_offset(entry);
        // mutate: equivalent(swap-adjacent) not observable here: page_swapcount()'s callers (try_to_free_swap(), reuse_swap_page()) hold the page lock, and the count's only changes that matter to them (a swap_free() of the last PTE's reference, a swap_duplicate() of fork) come from paths the tests do not run beside them
        let ci = lock_cluster(p, offset);
        // mutate: equivalent(swap-adjacent) the read is under the cluster lock either way or the lock only orders writers: every writer of swap_map holds the cluster lock, and a one-slot read commutes with taking it
        count = swap_count(p->swap_map[offset]);
        unlock_cluster(ci);
    }
    return count;
}

// A racy read (no lock): the caller rechecks.
fn __swap_count(entry) source "mm/swapfile.c:__swap_count@v5.10" {
    let count = 0;
    let si = get_swap_device(entry);
    if si != null {
        // mutate: equivalent(swap-adjacent) put_swap_device() is rcu_read_unlock(): it orders nothing here (no swapoff), so the load commutes with it
        count = swap_count(si->swap_map[swp_offset(entry)]);
        put_swap_device(si);
    }
    return count;
}

fn __swp_swapcount(entry) source "mm/swapfile.c:__swp_swapcount@v5.10 with swap_swapcount()" {
    let count = 0;
    let si = get_swap_device(entry);
    if si != null {
        let offset = swp_offset(entry);
        // mutate: equivalent(swap-adjacent) not observable here: __swp_swapcount()'s caller rechecks with swapcache_prepare() under the cluster lock, so a count read a step early only decides whether to allocate a page first
        let ci = lock_cluster(si, offset);
        // mutate: equivalent(swap-adjacent) the read is under the cluster lock either way or the lock only orders writers: every writer of swap_map holds the cluster lock, and a one-slot read commutes with taking it
        count = swap_count(si->swap_map[offset]);
        // mutate: equivalent(swap-adjacent) put_swap_device() is rcu_read_unlock(): it orders nothing here (no swapoff), so it commutes with the unlock
        unlock_cluster(ci);
        put_swap_device(si);
    }
    return count;
}

// (no THP: the one slot's count)
fn swap_page_trans_huge_swapped(si, entry) source "mm/swapfile.c:swap_page_trans_huge_swapped@v5.10" {
    let roffset = swp_offset(entry);
    // mutate: equivalent(swap-adjacent) not observable here: free_swap_and_cache() runs under the PTL of the PTE it cleared, and the count it reads only decides whether to try the swap cache, whose __try_to_reclaim_swap() rechecks under the page lock
    let ci = lock_cluster(si, roffset);
    // mutate: equivalent(swap-adjacent) the read is under the cluster lock either way or the lock only orders writers: every writer of swap_map holds the cluster lock, and a one-slot read commutes with taking it
    let ret = swap_count(si->swap_map[roffset]) != 0;
    unlock_cluster(ci);
    return ret;
}

fn page_swapped(page) source "mm/swapfile.c:page_swapped@v5.10 (not compound)" {
    return page_swapcount(page) != 0;
}

// page_trans_huge_map_swapcount() for a small page: its mapcount plus its slot's count.
fn page_trans_huge_map_swapcount(page) source "mm/swapfile.c:page_trans_huge_map_swapcount@v5.10 (not compound)" {
    let mapcount = page_mapcount(page); // page_trans_huge_mapcount() of a small page
    let swapcount = 0;
    if PageSwapCache(page) {
        swapcount = page_swapcount(page);
    }
    return mapcount + swapcount;
}

// Write to an anon page without COW if nobody else maps it or has it swapped; freeing its
// swap as a side effect. A page under writeback keeps its slot (SWP_STABLE_WRITES is not
// set on the device). PageKsm() is never true here.
fn reuse_swap_page(page) source "mm/swapfile.c:reuse_swap_page@v5.10 (not compound)" {
    // mutate: equivalent(swap-adjacent) a VM_BUG_ON of the page lock this CPU holds: no other CPU can release it
    BUG_ON(!PageLocked(page)); // VM_BUG_ON_PAGE(!PageLocked(page), page)
    let count = page_trans_huge_map_swapcount(page);
    if count == 1 && PageSwapCache(page) {
        if !PageWriteback(page) {
            // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first: PG_dirty of a page out of the swap cache is read by reclaim only after it takes the page lock
            delete_from_swap_cache(page);
            SetPageDirty(page);
        }
    }
    return count <= 1;
}

// pm_suspended_storage() is false (no hibernation).
fn try_to_free_swap(page) source "mm/swapfile.c:try_to_free_swap@v5.10" {
    BUG_ON(!PageLocked(page)); // VM_BUG_ON_PAGE(!PageLocked(page), page)
    if !PageSwapCache(page) {
        return 0;
    }
    if PageWriteback(page) {
        return 0;
    }
    if page_swapped(page) {
        return 0;
    }
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first: PG_dirty of a page out of the swap cache is read by reclaim only after it takes the page lock
    delete_from_swap_cache(page);
    SetPageDirty(page);
    return 1;
}

// mem_cgroup_swap_full() is vm_swap_full() without memcg: swap is never half full here.
fn __try_to_reclaim_swap(si, offset, flags) source "mm/swapfile.c:__try_to_reclaim_swap@v5.10" {
    let ret = 0;
    let page = find_get_page(&swapper_space, offset);
    if page == null {
        return 0;
    }
    if trylock_page(page) {
        if (flags & TTRS_ANYWAY) != 0 || ((flags & TTRS_UNMAPPED) != 0 && !page_mapped(page)) {
            ret = try_to_free_swap(page);
        }
        unlock_page(page);
    }
    put_page(page);
    return ret;
}

// The base tree's version, with a swap slot to free: its PTE's reference, and the page of
// the swap cache too if nothing else maps or holds it.
override fn free_swap_and_cache(entry) source "mm/swapfile.c:free_swap_and_cache@v5.10" {
    if non_swap_entry(entry) {
        return 1;
    }
    let p = _swap_info_get(entry);
    if p != null {
        let count = __swap_entry_free(p, entry);
        if count == SWAP_HAS_CACHE && !swap_page_trans_huge_swapped(p, entry) {
            __try_to_reclaim_swap(p, swp_offset(entry), TTRS_UNMAPPED | TTRS_FULL);
        }
    }
    return p != null;
}

// Returns 0, -EEXIST (usage SWAP_HAS_CACHE: someone else added the cache), -ENOENT (the slot
// is free) or -EINVAL (no such slot). SWAP_MAP_BAD slots, shmem and continuations are not
// modelled.
fn __swap_duplicate(entry, usage) source "mm/swapfile.c:__swap_duplicate@v5.10" {
    let p = get_swap_device(entry);
    if p == null {
        return -EINVAL;
    }
    let offset = swp_offset(entry);
    let ci = lock_cluster(p, offset);
    let count = p->swap_map[offset];
    let has_cache = count & SWAP_HAS_CACHE;
    count = count & ~SWAP_HAS_CACHE;
    let err = 0;
    if usage == SWAP_HAS_CACHE {
        if has_cache == 0 && count != 0 {
            has_cache = SWAP_HAS_CACHE;
        } else if has_cache != 0 {
            err = -EEXIST;
        } else {
            err = -ENOENT;
        }
    } else if count != 0 || has_cache != 0 {
        if count < SWAP_MAP_MAX {
            count += usage;
        } else {
            not_modelled(); // a swap count continuation
        }
    } else {
        err = -ENOENT;
    }
    p->swap_map[offset] = count | has_cache;
    // mutate: equivalent(swap-adjacent) put_swap_device() is rcu_read_unlock(): it orders nothing here (no swapoff), so it commutes with the unlock
    unlock_cluster(ci);
    put_swap_device(p);
    return err;
}

override fn swap_duplicate(entry) source "mm/swapfile.c:swap_duplicate@v5.10" {
    __swap_duplicate(entry, 1);
    return 0;
}

fn swapcache_prepare(entry) source "mm/swapfile.c:swapcache_prepare@v5.10" {
    return __swap_duplicate(entry, SWAP_HAS_CACHE);
}

// ---- mm/filemap.c: the swap cache's lookup ----

// find_get_page() -> pagecache_get_page() -> find_get_entry(): a lockless load of the slot,
// a speculative reference (page_cache_get_speculative() -> __page_cache_add_speculative():
// page_ref_add_unless(page, 1, 0), which fails on a page whose count is 0, frozen or
// freed), then a recheck that the slot still holds the page (xas_reload()), else drop it
// and retry.
fn find_get_page(mapping, offset) source "mm/filemap.c:find_get_entry@v5.10" {
    // mutate: equivalent(delete-lock-pair) RCU here keeps the xarray's nodes and the page's memory from going away under the lockless lookup; the model has no xarray nodes, and a struct page is never freed (a speculative reference to a freed page fails: page_ref_add_unless())
    rcu_read_lock();
    while true {
        // repeat:
        let page = mapping->pages[offset];
        if page == null {
            rcu_read_unlock();
            return null;
        }
        if !page_ref_add_unless(page, 1, 0) {
            continue;
        }
        if page != mapping->pages[offset] {
            put_page(page);
            continue;
        }
        rcu_read_unlock();
        return page;
    }
    return null;
}

// ---- mm/swap_state.c ----

// The xarray's node allocation cannot fail here, and the shadow of an old eviction is not
// kept (no workingset).
fn add_to_swap_cache(page, entry) source "mm/swap_state.c:add_to_swap_cache@v5.10" {
    let address_space = &swapper_space;
    let idx = swp_offset(entry);
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageLocked(page)); // VM_BUG_ON_PAGE(!PageLocked(page), page)
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(PageSwapCache(page)); // VM_BUG_ON_PAGE(PageSwapCache(page), page)
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageSwapBacked(page)); // VM_BUG_ON_PAGE(!PageSwapBacked(page), page)
    // mutate: equivalent(swap-adjacent) the caller holds a reference and the page lock: the cache's reference and the flag are seen together by every path that looks at the page through the swap cache, which takes the page lock first
    page_ref_add(page, 1);
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first
    SetPageSwapCache(page);
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first: page->private is read only under it
    spin_lock(&address_space->i_pages_lock); // xas_lock_irq()
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first: page->private is read only under it, so publishing the page a step before it names its entry changes nothing a reader can see
    page->private = entry; // set_page_private()
    address_space->pages[idx] = page; // xas_store()
    spin_unlock(&address_space->i_pages_lock);
    return 0;
}

// Under the xarray lock and the page lock.
fn __delete_from_swap_cache(page, entry) source "mm/swap_state.c:__delete_from_swap_cache@v5.10" {
    let address_space = &swapper_space;
    let idx = swp_offset(entry);
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageLocked(page)); // VM_BUG_ON_PAGE(!PageLocked(page), page)
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageSwapCache(page)); // VM_BUG_ON_PAGE(!PageSwapCache(page), page)
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs under the swap cache's lock and the page lock, both this CPU's: nothing they read can change
    BUG_ON(PageWriteback(page)); // VM_BUG_ON_PAGE(PageWriteback(page), page)
    BUG_ON(address_space->pages[idx] != page); // VM_BUG_ON_PAGE(entry != page, entry)
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first: page->private is read only under it
    address_space->pages[idx] = null; // xas_store(&xas, shadow): no shadow
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first
    page->private = 0;
    ClearPageSwapCache(page);
}

// A slot for the page, and the page into the swap cache; the page is dirtied so that it is
// written (a clean MADV_FREE page whose SwapBacked bit is still set).
fn add_to_swap(page) source "mm/swap_state.c:add_to_swap@v5.10" {
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageLocked(page)); // VM_BUG_ON_PAGE(!PageLocked(page), page)
    // mutate: equivalent(swap-adjacent) PG_uptodate of a mapped anonymous page is never cleared: the VM_BUG_ON reads the same before or after the allocation
    BUG_ON(!PageUptodate(page)); // VM_BUG_ON_PAGE(!PageUptodate(page), page)
    let entry = get_swap_page(page);
    if entry == 0 {
        return 0;
    }
    // mutate: equivalent(swap-adjacent) this CPU holds the page lock, which every path that reads the page's swap-cache state (PG_swapcache, page->private) or frees its slot through it takes first: PG_dirty is read by reclaim (this CPU) and by others only under the page lock
    add_to_swap_cache(page, entry);
    set_page_dirty(page);
    return 1;
}

fn delete_from_swap_cache(page) source "mm/swap_state.c:delete_from_swap_cache@v5.10" {
    let entry = page->private;
    let address_space = &swapper_space;
    spin_lock(&address_space->i_pages_lock); // xa_lock_irq()
    __delete_from_swap_cache(page, entry);
    // mutate: equivalent(swap-adjacent) put_swap_page() takes only the cluster lock, never under the swap cache's lock in the kernel either way: dropping the slot's cache reference after the page left the cache is all that matters, and both orders do that
    spin_unlock(&address_space->i_pages_lock);
    // mutate: equivalent(swap-adjacent) the caller holds its own reference: dropping the cache's before or after the slot's frees nothing
    put_swap_page(page, entry);
    page_ref_sub(page, 1);
}

// set_page_dirty() of a swap-cache or anonymous page: swap_set_page_dirty() ->
// __set_page_dirty_no_writeback() (the swap device is a block device, no SWP_FS_OPS).
fn set_page_dirty(page) source "mm/page-writeback.c:set_page_dirty@v5.10 -> __set_page_dirty_no_writeback()" {
    if !PageDirty(page) {
        return !test_and_set_bit(PG_dirty, &page->flags);
    }
    return 0;
}

fn lookup_swap_cache(entry, vma, addr) source "mm/swap_state.c:lookup_swap_cache@v5.10" {
    let si = get_swap_device(entry);
    if si == null {
        return null;
    }
    // mutate: equivalent(swap-adjacent) put_swap_device() is rcu_read_unlock(): it orders nothing here (no swapoff), so it commutes with the lookup
    let page = find_get_page(&swapper_space, swp_offset(entry));
    put_swap_device(si);
    // (the readahead statistics are not modelled)
    return page;
}

// The page for entry from the swap cache, or a new one that this call adds to it, locked,
// for the caller to read into (*new_page_allocated). Null if the slot was freed meanwhile.
fn __read_swap_cache_async(entry, vma, addr, new_page_allocated) source "mm/swap_state.c:__read_swap_cache_async@v5.10" {
    *new_page_allocated = false;
    let page = null;
    while true {
        let si = get_swap_device(entry);
        if si == null {
            return null;
        }
        // mutate: equivalent(swap-adjacent) put_swap_device() is rcu_read_unlock(): it orders nothing here (no swapoff), so it commutes with the lookup
        page = find_get_page(&swapper_space, swp_offset(entry));
        put_swap_device(si);
        if page != null {
            return page;
        }
        // skip read ahead for an unused slot (the slot cache is on)
        if __swp_swapcount(entry) == 0 {
            return null;
        }
        page = alloc_page_vma(vma, addr);
        if page == null {
            return null;
        }
        // Swap entry may have been freed since our caller observed it.
        let err = swapcache_prepare(entry);
        if err == 0 {
            break;
        }
        put_page(page);
        if err != -EEXIST {
            return null;
        }
        // cond_resched(): someone else is adding the page, or deleting it; retry
    }
    // __SetPageLocked(), __SetPageSwapBacked(): the page is still this CPU's alone
    // mutate: equivalent(swap-adjacent) __SetPageLocked() and __SetPageSwapBacked() of a page no other CPU can reach yet
    set_bit(PG_locked, &page->flags);
    __SetPageSwapBacked(page);
    // mutate: equivalent(swap-adjacent) the page is locked by this CPU until swap_readpage() has read it: a path that finds it through the swap cache waits for the lock, so its pagevec reference comes a step earlier or later unseen
    add_to_swap_cache(page, entry);
    // SetPageWorkingset() is not modelled
    // mutate: equivalent(swap-adjacent) *new_page_allocated is the caller's local, private to this CPU
    lru_cache_add(page);
    *new_page_allocated = true;
    return page;
}

fn read_swap_cache_async(entry, vma, addr, do_poll) source "mm/swap_state.c:read_swap_cache_async@v5.10" {
    let page_was_allocated = false;
    let retpage = __read_swap_cache_async(entry, vma, addr, &page_was_allocated);
    if page_was_allocated {
        swap_readpage(retpage, do_poll);
    }
    return retpage;
}

// No readahead: the faulting entry only (swap_cluster_readahead()'s and
// swap_vma_readahead()'s last call).
fn swapin_readahead(entry, vmf) source "mm/swap_state.c:swapin_readahead@v5.10 (no readahead)" {
    return read_swap_cache_async(entry, vmf->vma, vmf->address, true);
}

override fn free_swap_cache(page) source "mm/swap_state.c:free_swap_cache@v5.10" {
    if PageSwapCache(page) && !page_mapped(page) && trylock_page(page) {
        // mutate: equivalent(swap-adjacent) not observable here: free_swap_cache() runs on no path of the tests (the kernel's callers are mmu_gather and THP)
        try_to_free_swap(page);
        unlock_page(page);
    }
}

// ---- mm/page_io.c: the block I/O (the device completes it in the submitter's steps) ----

// __swap_writepage() on a block device: the page under writeback and unlocked, the bio
// written (the device's step), then end_swap_bio_write() -> end_page_writeback(). The
// write error path and frontswap are not modelled.
fn swap_writepage(page) source "mm/page_io.c:swap_writepage@v5.10 -> __swap_writepage() -> end_swap_bio_write()" {
    if try_to_free_swap(page) != 0 {
        unlock_page(page);
        return 0;
    }
    // __swap_writepage()
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageSwapCache(page)); // VM_BUG_ON_PAGE(!PageSwapCache(page), page)
    set_bit(PG_writeback, &page->flags); // set_page_writeback()
    // mutate: equivalent(swap-adjacent) not observable here: holding the page lock over the device's write only keeps out a fault that would find the page in the swap cache, which waits for the lock and then maps the page whose contents the write took; no test can tell the order apart
    unlock_page(page);
    // submit_bio(): the device writes the page's contents to its slot
    swap_write_page(page, page->private);
    // end_swap_bio_write() -> end_page_writeback(): the bit cleared, waiters woken
    clear_bit(PG_writeback, &page->flags);
    return 0;
}

// The device reads the slot into the locked page, then end_swap_bio_read(): up to date,
// unlocked. A synchronous read waits for it; an asynchronous one returns before it in the
// kernel, with the page still locked until then (here it returns after: nobody can use the
// page before the unlock). The read error path is not modelled.
fn swap_readpage(page, synchronous) source "mm/page_io.c:swap_readpage@v5.10 -> end_swap_bio_read()" {
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(!PageLocked(page)); // VM_BUG_ON_PAGE(!PageLocked(page), page)
    // mutate: equivalent(swap-adjacent) VM_BUG_ONs of state only the page lock's holder, this CPU, changes: each reads the same a step earlier or later
    BUG_ON(PageUptodate(page)); // VM_BUG_ON_PAGE(PageUptodate(page), page)
    // mutate: equivalent(swap-adjacent) the page is locked by this CPU across both: no path reads its contents or PG_uptodate before the unlock
    swap_read_page(page, page->private);
    // mutate: equivalent(swap-adjacent) not observable here: a page that is up to date but still locked only makes another fault wait for the lock; nothing reads PG_uptodate before taking it
    SetPageUptodate(page);
    unlock_page(page);
}

// ---- mm/memory.c: do_swap_page() ----

// The device is a block device with a request queue: SWP_SYNCHRONOUS_IO is clear, so a
// fault always goes through the swap cache. (A test of zram or pmem overrides this.)
fn swp_synchronous_io() source "mmcheck: si->flags & SWP_SYNCHRONOUS_IO of the scenario's device, v5.10" {
    return false;
}

// v5.10's do_swap_page(): pte_unmap_same() is true on x86-64; KSM (ksm_might_need_to_copy()
// returns the page), memcg, hwpoison and the delay accounting are left out;
// lock_page_or_retry() waits for the page lock without dropping mmap_lock (its
// FAULT_FLAG_ALLOW_RETRY branch, which drops it and retries the fault, is not modelled).
// Device-private entries have no driver here (migrate_to_ram()).
override fn do_swap_page(vmf) source "mm/memory.c:do_swap_page@v5.10" {
    let vma = vmf->vma;
    let ret = 0;
    let entry = pte_to_swp_entry(vmf->orig_pte);
    if non_swap_entry(entry) {
        if is_migration_entry(entry) {
            migration_entry_wait(vma->vm_mm, vmf->pmd, vmf->address);
        } else {
            not_modelled(); // a device-private entry (no driver), or hwpoison
        }
        return ret;
    }
    let page = lookup_swap_cache(entry, vma, vmf->address);
    let swapcache = page;
    if page == null {
        if swp_synchronous_io() && __swap_count(entry) == 1 {
            // skip swapcache: read the slot straight into a new page, which only the
            // PTE will hold (memcg's charge and the workingset shadow are not modelled)
            page = alloc_page_vma(vma, vmf->address);
            if page != null {
                // __SetPageLocked(), __SetPageSwapBacked(), set_page_private(): the page
                // is still this CPU's alone
                // mutate: equivalent(swap-adjacent) the new page is this CPU's alone: no PTE, swap cache or other CPU's pagevec holds it (lru_cache_add() parks it in this CPU's own), so the order of these initialising steps is invisible
                set_bit(PG_locked, &page->flags);
                // mutate: equivalent(swap-adjacent) the new page is this CPU's alone: no PTE, swap cache or other CPU's pagevec holds it (lru_cache_add() parks it in this CPU's own), so the order of these initialising steps is invisible
                __SetPageSwapBacked(page);
                // mutate: equivalent(swap-adjacent) the new page is this CPU's alone: no PTE, swap cache or other CPU's pagevec holds it (lru_cache_add() parks it in this CPU's own), so the order of these initialising steps is invisible
                page->private = entry;
                // mutate: equivalent(swap-adjacent) the new page is this CPU's alone: no PTE, swap cache or other CPU's pagevec holds it (lru_cache_add() parks it in this CPU's own), so the order of these initialising steps is invisible, and the read fills a page nobody else can reach
                lru_cache_add(page);
                swap_readpage(page, true);
            }
        } else {
            page = swapin_readahead(entry, vmf);
            swapcache = page;
        }
        if page == null {
            // Back out if somebody else faulted in this pte while we released the pte
            // lock.
            vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
            vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
            // mutate: equivalent(delete-lock-pair) the PTL only guards the recheck, whose two outcomes (VM_FAULT_OOM, 0) both retry the access here (the OOM killer is not modelled)
            spin_lock(vmf->ptl);
            // mutate: equivalent(disable-recheck) VM_FAULT_OOM and 0 both retry the access here (pagefault_out_of_memory(): the OOM killer is not modelled), so the recheck only picks which
            if pte_same(*vmf->pte, vmf->orig_pte) {
                ret = VM_FAULT_OOM;
            }
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return ret;
        }
        // Had to read the page from swap area: Major fault
        ret = VM_FAULT_MAJOR;
    }
    return do_swap_page_map(vmf, page, swapcache, entry, ret);
}

// The rest of do_swap_page(), from lock_page_or_retry() on, as a function (so that a fix of
// how the page is found, such as 13ddaf26be32's, overrides only the first half): the page
// locked, rechecked against the swap cache and the PTE, and mapped.
fn do_swap_page_map(vmf, page, swapcache, entry, ret) source "mm/memory.c:do_swap_page@v5.10 (from lock_page_or_retry() on)" {
    let vma = vmf->vma;
    let exclusive = 0;
    lock_page(page); // lock_page_or_retry()
    // Make sure try_to_free_swap or reuse_swap_page or swapoff did not release the
    // swapcache from under us.
    if (!PageSwapCache(page) || page->private != entry) && swapcache != null {
        return do_swap_page_out_page(page, ret);
    }
    // Back out if somebody else already faulted in this pte.
    vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
    vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
    spin_lock(vmf->ptl);
    if !pte_same(*vmf->pte, vmf->orig_pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl); // out_nomap:
        return do_swap_page_out_page(page, ret);
    }
    if !PageUptodate(page) {
        pte_unmap_unlock(vmf->pte, vmf->ptl); // out_nomap:
        return do_swap_page_out_page(page, VM_FAULT_SIGBUS);
    }
    // reuse_swap_page() must be called while the page is counted on swap but not yet in
    // mapcount, before page_add_anon_rmap() and swap_free().
    let pte = mk_pte(page, vma->vm_page_prot);
    if (vmf->flags & FAULT_FLAG_WRITE) != 0 && reuse_swap_page(page) {
        // mutate: equivalent(swap-adjacent) pte is a local and vmf->flags this fault's own record
        pte = maybe_mkwrite(pte_mkdirty(pte), vma);
        vmf->flags = vmf->flags & ~FAULT_FLAG_WRITE;
        ret = ret | VM_FAULT_WRITE;
        exclusive = 1; // RMAP_EXCLUSIVE
    }
    if pte_swp_soft_dirty(vmf->orig_pte) {
        pte = pte_mksoft_dirty(pte);
    }
    if pte_swp_uffd_wp(vmf->orig_pte) {
        pte = pte_mkuffd_wp(pte);
        pte = pte_wrprotect(pte);
    }
    set_pte_at(vma->vm_mm, vmf->address, vmf->pte, pte);
    vmf->orig_pte = pte;
    // do_page_add_anon_rmap(page, vma, address, exclusive) (ksm made no copy)
    // mutate: equivalent(swap-adjacent) both under the page lock and the PTL, which every path that reads the page's mapcount and slot count together (reuse_swap_page(), try_to_free_swap(), reclaim's try_to_unmap()) takes first
    page_add_anon_rmap(page, vma, vmf->address, false);
    // mutate: equivalent(swap-adjacent) not observable here: the slot's count drops under the page lock either way, and a path that reads it without the page lock (__swap_count(), __read_swap_cache_async()) rechecks under the cluster lock
    swap_free(entry);
    // mem_cgroup_swap_full() is false; VM_LOCKED and mlock are not modelled
    unlock_page(page);
    if (vmf->flags & FAULT_FLAG_WRITE) != 0 {
        ret = ret | do_wp_page(vmf);
        if (ret & VM_FAULT_ERROR) != 0 {
            ret = ret & VM_FAULT_ERROR;
        }
        return ret;
    }
    // No need to invalidate - it was non-present before
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return ret;
}

// do_swap_page()'s `out_page:` and `out_release:` labels (the language has no goto): the
// page unlocked and its reference dropped (the swap cache page is the page: no KSM copy).
fn do_swap_page_out_page(page, ret) source "mm/memory.c:do_swap_page@v5.10 (labels out_page:, out_release:)" {
    // mutate: equivalent(swap-adjacent) the caller holds this fault's reference: dropping it before or after the unlock frees nothing (the swap cache holds one too)
    unlock_page(page);
    put_page(page);
    return ret;
}

// ---- mm/rmap.c: the batched TLB flush of reclaim (CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) ----

// Defer only with TTU_BATCH_FLUSH and another CPU in mm_cpumask(mm): the built-in shootdown
// keeps no cpumask, so any CPU may cache the mm (the other case, a flush on this CPU alone,
// is not modelled).
fn should_defer_flush(mm, flags) source "mm/rmap.c:should_defer_flush@v5.10" {
    return (flags & TTU_BATCH_FLUSH) != 0;
}

// arch_tlbbatch_add_mm() records the mm; barrier() keeps the flag's store after the clear.
override fn set_tlb_ubc_flush_pending(mm, writable) source "mm/rmap.c:set_tlb_ubc_flush_pending@v5.10" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if tlb_ubc->flush_required && tlb_ubc->mm != mm {
        not_modelled(); // a batch of two mms' flushes
    }
    // mutate: equivalent(swap-adjacent) tlb_ubc is this CPU's per-CPU batch, which no other CPU reads
    tlb_ubc->mm = mm; // arch_tlbbatch_add_mm()
    tlb_ubc->flush_required = 1;
    mm->tlb_flush_batched = true;
    if writable {
        tlb_ubc->writable = 1;
    }
}

// arch_tlbbatch_flush(): every CPU that may cache the batch's mm.
fn try_to_unmap_flush() source "mm/rmap.c:try_to_unmap_flush@v5.10" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if !tlb_ubc->flush_required {
        return;
    }
    flush_tlb_mm(tlb_ubc->mm); // arch_tlbbatch_flush()
    // mutate: equivalent(swap-adjacent) tlb_ubc is this CPU's per-CPU batch, which no other CPU reads
    tlb_ubc->mm = null;
    // mutate: equivalent(swap-adjacent) tlb_ubc is this CPU's per-CPU batch, which no other CPU reads
    tlb_ubc->flush_required = 0;
    tlb_ubc->writable = 0;
}

// Flush iff there are potentially writable TLB entries that can race with IO.
fn try_to_unmap_flush_dirty() source "mm/rmap.c:try_to_unmap_flush_dirty@v5.10" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if tlb_ubc->writable {
        try_to_unmap_flush();
    }
}

// try_to_unmap_one() for reclaim (TTU_BATCH_FLUSH) of an anonymous page in the swap cache,
// one PTE: under the PTL (page_vma_mapped_walk() checked the PTE maps the page), the PTE
// cleared with its flush deferred, its dirty bit moved to the page, the slot's reference
// taken for the swap PTE that replaces it. Left out: mlock (VM_LOCKED), THP, hugetlb,
// hwpoison, pte_unused(), the MADV_FREE (!PageSwapBacked) discard, arch_unmap_one(), swapoff's
// mmlist, the rss counters, mmu notifiers.
fn try_to_unmap_one_reclaim(page, vma, address, flags) source "mm/rmap.c:try_to_unmap_one@v5.10 (reclaim of an anonymous page)" {
    let mm = vma->vm_mm;
    let ptep = page_vma_mapped_pte(vma, address);
    if ptep == null || !pte_present(*ptep) {
        return true; // map_pte(): not mapped here
    }
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    // check_pte()
    if !pte_present(*ptep) || pte_page(*ptep) != page {
        pte_unmap_unlock(ptep, ptl);
        return true;
    }
    // Nuke the page table entry.
    let pteval = null;
    if should_defer_flush(mm, flags) {
        // We clear the PTE but do not flush so potentially a remote CPU could still be
        // writing to the page.
        pteval = ptep_get_and_clear(mm, address, ptep);
        set_tlb_ubc_flush_pending(mm, pte_dirty(pteval));
    } else {
        // mutate: equivalent(delete-flush) dead code here: should_defer_flush() is true for every call (reclaim passes TTU_BATCH_FLUSH and the built-in shootdown keeps no cpumask)
        pteval = ptep_clear_flush(vma, address, ptep);
    }
    // Move the dirty bit to the page. Now the pte is gone.
    if pte_dirty(pteval) {
        set_page_dirty(page);
    }
    let entry = page->private;
    if PageSwapBacked(page) != PageSwapCache(page) {
        not_modelled(); // WARN_ON_ONCE(1): a swap-backed page reclaim did not add to swap
    }
    // MADV_FREE page check
    if !PageSwapBacked(page) {
        if lazyfree_page_discardable(page) {
            // Ghost, not kernel code: the lazyfree contents go with the page (zero-fill
            // on demand), unless something was stored since MADV_FREE.
            ghost_lazyfree_discard(vma, address);
            // goto discard:
            // mutate: equivalent(swap-adjacent) the isolation reference keeps the count above 0: this put_page() frees nothing, before or after the rmap update
            page_remove_rmap(page);
            // mutate: equivalent(swap-adjacent) the isolation reference keeps the count above 0: this put_page() frees nothing, inside or outside the PTL
            put_page(page);
            pte_unmap_unlock(ptep, ptl);
            return true;
        }
        // If the page was redirtied, it cannot be discarded. Remap the page to page table.
        // mutate: equivalent(swap-adjacent) both under the PTL and the page lock reclaim holds: PG_swapbacked is read by this CPU's reclaim and by mark_page_lazyfree() under the PTL, which sees both or neither
        set_pte_at(mm, address, ptep, pteval);
        // mutate: equivalent(swap-adjacent) PG_swapbacked is read by this CPU's reclaim and by mark_page_lazyfree() under the PTL: setting it before or after the unlock is seen by no other reader in between
        __SetPageSwapBacked(page); // SetPageSwapBacked()
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    if swap_duplicate(entry) < 0 {
        // mutate: equivalent(swap-adjacent) dead code here: swap_duplicate() never fails (no continuation, no bad slot)
        set_pte_at(mm, address, ptep, pteval);
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    let swp_pte = swp_entry_to_pte(entry);
    if pte_soft_dirty(pteval) {
        swp_pte = pte_swp_mksoft_dirty(swp_pte);
    }
    if pte_uffd_wp(pteval) {
        swp_pte = pte_swp_mkuffd_wp(swp_pte);
    }
    // mutate: equivalent(swap-adjacent) both under the PTL, and the page lock and the isolation reference are reclaim's: the paths that read the mapcount against this PTE take the PTL or the page lock first
    set_pte_at(mm, address, ptep, swp_pte);
    // discard:
    // mutate: equivalent(swap-adjacent) the isolation reference keeps the count above 0: this put_page() frees nothing, before or after the rmap update
    page_remove_rmap(page);
    // mutate: equivalent(swap-adjacent) the isolation reference keeps the count above 0: this put_page() frees nothing, inside or outside the PTL
    put_page(page);
    pte_unmap_unlock(ptep, ptl);
    return true;
}

// try_to_unmap_one()'s MADV_FREE page check, as a function (so that a fix of it, such as
// 6c8e2a256915's, overrides it alone): a lazyfree page that nothing redirtied is thrown away.
fn lazyfree_page_discardable(page) source "mm/rmap.c:try_to_unmap_one@v5.10 (the MADV_FREE page check)" {
    return !PageDirty(page);
}

// try_to_unmap(page, TTU_BATCH_FLUSH) through the rmap (rwc.done page_mapcount_is_zero,
// anon_lock page_lock_anon_vma_read): true if the page is no longer mapped.
fn try_to_unmap_reclaim(page, flags) source "mm/rmap.c:try_to_unmap@v5.10 (reclaim's TTU_BATCH_FLUSH)" {
    rmap_walk_anon(page, try_to_unmap_one_reclaim, flags, page_mapcount_is_zero, page_lock_anon_vma_read);
    return !page_mapped(page);
}

// ---- mm/vmscan.c: reclaim of one page ----

// A freeable page is referenced only by the caller that isolated it and the swap cache.
fn is_page_cache_freeable(page) source "mm/vmscan.c:is_page_cache_freeable@v5.10" {
    return page_count(page) == 1 + 1; // page_has_private(): no buffers
}

// pageout() of a swap-cache page (the mapping is swapper_space, whose writepage is
// swap_writepage(); may_write_to_inode() holds for it).
fn pageout(page) source "mm/vmscan.c:pageout@v5.10" {
    if !is_page_cache_freeable(page) {
        return PAGE_KEEP;
    }
    // clear_page_dirty_for_io(): the page is unmapped, so no PTE dirty bit to collect
    if TestClearPageDirty(page) {
        // mutate: equivalent(swap-adjacent) PG_reclaim is read by nothing modelled (end_page_writeback()'s rotate_reclaimable_page() is not modelled)
        set_bit(PG_reclaim, &page->flags); // SetPageReclaim()
        swap_writepage(page);
        if !PageWriteback(page) {
            // synchronous write or broken a_ops?
            clear_bit(PG_reclaim, &page->flags); // ClearPageReclaim()
        }
        return PAGE_SUCCESS;
    }
    return PAGE_CLEAN;
}

// __remove_mapping() of a swap-cache page: the count frozen at the isolation's reference
// plus the swap cache's (a GUP or a fault that took one keeps the page), PG_dirty
// rechecked after the freeze, then out of the swap cache and its slot's cache reference
// dropped. Returns 1 with the count at 0.
fn __remove_mapping(page) source "mm/vmscan.c:__remove_mapping@v5.10 (a swap-cache page)" {
    BUG_ON(!PageLocked(page));
    let address_space = &swapper_space;
    spin_lock(&address_space->i_pages_lock); // xa_lock_irqsave()
    let refcount = 1 + 1; // 1 + compound_nr(page)
    if !page_ref_freeze(page, refcount) {
        spin_unlock(&address_space->i_pages_lock); // cannot_free:
        return 0;
    }
    // note: atomic_cmpxchg in page_ref_freeze provides the smp_rmb
    if PageDirty(page) {
        // mutate: equivalent(swap-adjacent) not observable here: a speculative reference that fails against the frozen count only retries (find_get_page()), and the count is back before any other path could take the swap cache's lock
        page_ref_unfreeze(page, refcount);
        spin_unlock(&address_space->i_pages_lock); // cannot_free:
        return 0;
    }
    let swap = page->private;
    __delete_from_swap_cache(page, swap);
    // mutate: equivalent(swap-adjacent) put_swap_page() takes only the cluster lock: dropping the slot's cache reference after the page left the cache is all that matters, and both orders do that
    spin_unlock(&address_space->i_pages_lock);
    put_swap_page(page, swap);
    return 1;
}

// shrink_page_list() for a list of one isolated anonymous page (reclaim_pages()'s
// scan_control: may_unmap, may_writepage, GFP_KERNEL so __GFP_IO and __GFP_FS). Returns the
// number reclaimed (the page freed after the batched flush) or 0 with the page still
// isolated, its isolation reference held, for the caller to put back. Left out:
// page_check_references() (PAGEREF_RECLAIM), the LRU activation (activate_locked is
// keep_locked here), THP, file pages, MADV_FREE pages (!PageSwapBacked), buffers, the
// statistics.
fn shrink_page_list(page) source "mm/vmscan.c:shrink_page_list@v5.10 (one anonymous page)" {
    let freed = shrink_one_page(page);
    try_to_unmap_flush();
    if freed {
        // free_unref_page_list() (mem_cgroup_uncharge_list() is not modelled)
        free_unref_page(page);
        return 1;
    }
    return 0;
}

// The loop body of shrink_page_list(): true at `free_it:` (the count frozen at 0, the page
// unlocked), false at `keep:` (unlocked, still isolated).
fn shrink_one_page(page) source "mm/vmscan.c:shrink_page_list@v5.10 (the loop body, one anonymous page)" {
    if !trylock_page(page) {
        return false; // keep
    }
    // PageWriteback(): cases 1 and 2 activate the page, case 3 (legacy memcg) is not
    // modelled
    if PageWriteback(page) {
        unlock_page(page); // activate_locked -> keep_locked
        return false;
    }
    // Anonymous process memory has backing store? Try to allocate it some swap space here.
    if PageAnon(page) && PageSwapBacked(page) {
        if !PageSwapCache(page) {
            if page_maybe_dma_pinned(page) {
                unlock_page(page); // keep_locked
                return false;
            }
            if !add_to_swap(page) {
                unlock_page(page); // activate_locked_split -> keep_locked
                return false;
            }
        }
    }
    // (a lazyfree page, PageAnon() && !PageSwapBacked(), needs no swap: it is freed or kept;
    // file pages are not modelled)
    // The page is mapped into the page tables of one or more processes. Try to unmap it
    // here.
    if page_mapped(page) {
        if !try_to_unmap_reclaim(page, TTU_BATCH_FLUSH) {
            return shrink_activate_locked(page);
        }
    }
    if PageDirty(page) {
        // Only kswapd can writeback filesystem pages: a dirty lazyfree page is on the file
        // LRU (page_is_file_lru()) and, reclaimed here by MADV_PAGEOUT, is activated
        if !PageSwapBacked(page) {
            set_bit(PG_reclaim, &page->flags); // SetPageReclaim()
            return shrink_activate_locked(page);
        }
        // Page is dirty. Flush the TLB if a writable entry potentially exists to avoid CPU
        // writes after IO starts and then write it out here.
        try_to_unmap_flush_dirty();
        let r = pageout(page);
        if r == PAGE_KEEP {
            unlock_page(page); // keep_locked
            return false;
        }
        if r == PAGE_SUCCESS {
            if PageWriteback(page) {
                return false; // keep
            }
            if PageDirty(page) {
                return false; // keep
            }
            // A synchronous write - probably a ramdisk. Go ahead and try to reclaim the
            // page.
            if !trylock_page(page) {
                return false; // keep
            }
            if PageDirty(page) || PageWriteback(page) {
                unlock_page(page); // keep_locked
                return false;
            }
        }
        // PAGE_CLEAN: try to free the page below
    }
    if PageAnon(page) && !PageSwapBacked(page) {
        // follow __remove_mapping for reference
        if !page_ref_freeze(page, 1) {
            unlock_page(page); // keep_locked
            return false;
        }
        if PageDirty(page) {
            // mutate: equivalent(swap-adjacent) not observable here: a speculative reference that fails against the frozen count only retries (find_get_page()), and the count is back before the page lock is
            page_ref_unfreeze(page, 1);
            unlock_page(page); // keep_locked
            return false;
        }
    } else if !__remove_mapping(page) {
        unlock_page(page); // keep_locked
        return false;
    }
    unlock_page(page);
    return true; // free_it
}

// activate_locked: not a candidate for swapping, so reclaim swap space (only when swap is
// full or the page mlocked: neither here); PG_active is not modelled.
fn shrink_activate_locked(page) source "mm/vmscan.c:shrink_page_list@v5.10 (label activate_locked:)" {
    unlock_page(page); // keep_locked:
    return false;
}

// isolate_lru_page(): off the LRU with a reference of the isolation's own (the lru_lock's
// recheck of PG_lru is the atomic test-and-clear here).
fn isolate_lru_page(page) source "mm/vmscan.c:isolate_lru_page@v5.10" {
    if test_and_clear_bit(PG_lru, &page->flags) {
        get_page(page);
        return 0;
    }
    return -EBUSY;
}

// putback_lru_page(): back through this CPU's pagevec (lru_cache_add() takes its own
// reference), then the isolation's reference dropped.
fn putback_lru_page(page) source "mm/vmscan.c:putback_lru_page@v5.10" {
    lru_cache_add(page);
    put_page(page);
}

// reclaim_pages() of MADV_PAGEOUT's list, here one page: shrink_page_list() on it, and back
// to the LRU if it was kept.
fn reclaim_pages(page) source "mm/vmscan.c:reclaim_pages@v5.10 (one page)" {
    let nr_reclaimed = shrink_page_list(page);
    if nr_reclaimed == 0 {
        putback_lru_page(page);
    }
    return nr_reclaimed;
}

// ---- mm/madvise.c: MADV_PAGEOUT ----

// madvise_cold_or_pageout_pte_range() with pageout set, for a range of one page (a list of
// several is not modelled): under the PTL, a present, normal page that only this PTE maps
// and that is on the LRU is made old (the A bit cleared, its flush gathered) and isolated;
// after the unlock it is reclaimed, with mmap_lock still held for read. THP is left out.
fn madvise_pageout_pte_range(tlb, vma, addr) source "mm/madvise.c:madvise_cold_or_pageout_pte_range@v5.10 (pageout, one page)" {
    let mm = vma->vm_mm;
    let orig_pte = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, orig_pte);
    // mutate: equivalent(swap-adjacent) not observable here: flush_tlb_batched_pending() flushes what another CPU's reclaim deferred, and MADV_PAGEOUT promises nothing about TLBs; a flush a step before the lock only shortens that window
    spin_lock(ptl);
    // mutate: equivalent(move-flush-after-unlock) not observable here: MADV_PAGEOUT makes no promise about TLB entries at its return, and its own flush of the A bits it clears comes at tlb_finish_mmu(); the batched one another CPU's reclaim deferred is closed by that reclaim (try_to_unmap_flush())
    // mutate: equivalent(delete-flush) not observable here: MADV_PAGEOUT makes no promise about TLB entries at its return, and a PTE another CPU's reclaim already cleared is not present here, so it is skipped; the flush only shortens the other reclaim's window, which that reclaim closes itself (try_to_unmap_flush())
    flush_tlb_batched_pending(mm);
    let isolated = null;
    let ptent = *orig_pte;
    if pte_present(ptent) {
        let page = vm_normal_page(vma, addr, ptent);
        // Do not interfere with other mappings of this page and non-LRU page.
        // mutate: equivalent(disable-recheck) a policy, not a safety check: kernel reclaim (kswapd) unmaps pages several processes map; MADV_PAGEOUT leaves them alone only not to interfere with the other mappings
        if page != null && PageLRU(page) && page_mapcount(page) == 1 {
            if pte_young(ptent) {
                ptent = ptep_get_and_clear(mm, addr, orig_pte); // ptep_get_and_clear_full()
                ptent = pte_mkold(ptent);
                // mutate: equivalent(swap-adjacent) both under the PTL; the flush tlb_remove_tlb_entry() gathers runs at tlb_finish_mmu(), after both
                set_pte_at(mm, addr, orig_pte, ptent);
                tlb_remove_tlb_entry(tlb, orig_pte, addr);
            }
            // ClearPageReferenced(), test_and_clear_page_young(): not modelled
            if isolate_lru_page(page) == 0 {
                isolated = page; // PageUnevictable() is never true here
            }
        }
    }
    pte_unmap_unlock(orig_pte, ptl);
    if isolated != null {
        reclaim_pages(isolated);
    }
}

// madvise(MADV_PAGEOUT) on one page of one VMA: madvise_pageout() -> can_do_pageout() (an
// anonymous VMA: always) -> madvise_pageout_page_range() under mmap_lock held for read,
// with an mmu_gather for the A bits it clears. MADV_FREE: madvise_dontneed_free() ->
// madvise_free_single_vma() (userfaultfd_remove() is not modelled). MADV_DONTNEED is the
// base tree's.
override fn madvise(start, len, behavior) source "mm/madvise.c:do_madvise@v5.10 (MADV_DONTNEED, MADV_PAGEOUT, MADV_FREE)" {
    let mm = current_mm();
    let end = start + len;
    if behavior != MADV_DONTNEED && behavior != MADV_PAGEOUT && behavior != MADV_FREE {
        not_modelled(); // other advice
    }
    mmap_read_lock(mm);
    let vma = find_vma(mm, start);
    if vma == null || end > vma->vm_end {
        mmap_read_unlock(mm);
        return -ENOMEM;
    }
    if behavior == MADV_PAGEOUT {
        if len != 1 {
            not_modelled(); // MADV_PAGEOUT of more than one page
        }
        // madvise_pageout(): lru_add_drain(), then the walk with its mmu_gather
        // mutate: equivalent(swap-adjacent) lru_add_drain() touches only this CPU's pagevec and tlb_gather_mmu() only this CPU's new record
        lru_add_drain();
        let tlb = tlb_gather_mmu(mm, start, end);
        // mutate: equivalent(swap-adjacent) not observable here: tlb_finish_mmu() flushes the A bits MADV_PAGEOUT cleared, which nothing the tests check depends on (a young TLB entry for an old PTE is no more permissive)
        madvise_pageout_pte_range(tlb, vma, start);
        // mutate: equivalent(swap-adjacent) not observable here: the flush of the A bits the walk cleared depends on nothing mmap_lock protects, and no check depends on an old PTE's TLB entry being gone
        tlb_finish_mmu(tlb, start, end);
        mmap_read_unlock(mm);
        return 0;
    }
    if behavior == MADV_FREE {
        // mutate: equivalent(swap-adjacent) not observable here: no test runs munmap() or mprotect() beside MADV_FREE, so nothing needs mmap_lock against the walk
        madvise_free_single_vma(vma, start, end);
        mmap_read_unlock(mm);
        // Ghost, not kernel code: the call and its flush are done, so a store that lands in a
        // lazyfree page from here makes its contents count again (one that raced the call may
        // be thrown away with the page).
        ghost_discard_done(vma, start, end);
        return 0;
    }
    zap_page_range(vma, start, end - start);
    ghost_discard_done(vma, start, end);
    // mutate: equivalent(swap-adjacent) a ghost check, not kernel code: whether it looks just before or just after the unlock is no kernel behaviour
    madvise_dontneed_returns_coherent(vma, start, end);
    mmap_read_unlock(mm);
    return 0;
}

// ---- MADV_FREE (mm/madvise.c, mm/swap.c) ----

// include/uapi/asm-generic/mman-common.h
const MADV_FREE = 8;

// madvise_free_single_vma() over one VMA's range: the walk with an mmu_gather for the PTEs
// it cleans. mmu notifiers and the rss counters are not modelled.
fn madvise_free_single_vma(vma, start_addr, end_addr) source "mm/madvise.c:madvise_free_single_vma@v5.10" {
    let mm = vma->vm_mm;
    // MADV_FREE works for only anon vma at the moment (every modelled VMA is)
    let start = start_addr;
    if vma->vm_start > start {
        start = vma->vm_start;
    }
    if start >= vma->vm_end {
        return -EINVAL;
    }
    let end = end_addr;
    if vma->vm_end < end {
        end = vma->vm_end;
    }
    // mutate: equivalent(swap-adjacent) lru_add_drain() touches only this CPU's pagevec and tlb_gather_mmu() only this CPU's new record
    lru_add_drain();
    let tlb = tlb_gather_mmu(mm, start, end);
    let addr = start;
    while addr < end {
        madvise_free_pte(tlb, vma, addr);
        addr = addr + PAGE_SIZE;
    }
    tlb_finish_mmu(tlb, start, end);
    return 0;
}

// madvise_free_pte_range() for one address (the walk of its PMD range takes the PTL once
// for all; THP is not modelled): a swap entry is dropped (no swap-in for data the program
// gave up), a page only this mapping maps is cleaned (its PG_dirty and its PTE's D bit) and
// made lazyfree, its PTE made old and clean with the flush gathered.
fn madvise_free_pte(tlb, vma, addr) source "mm/madvise.c:madvise_free_pte_range@v5.10 (one PTE)" {
    let mm = tlb->mm;
    let orig_pte = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, orig_pte);
    // mutate: equivalent(swap-adjacent) not observable here: flush_tlb_batched_pending() flushes what another CPU's reclaim deferred, and MADV_FREE promises nothing about TLBs; a flush a step before the lock only shortens that window
    spin_lock(ptl);
    // mutate: equivalent(delete-flush) not observable here: MADV_FREE makes no promise about TLB entries at its return, and a PTE another CPU's reclaim already cleared is not present here, so it is skipped; the flush only shortens the other reclaim's window, which that reclaim closes itself (try_to_unmap_flush())
    flush_tlb_batched_pending(mm);
    let pte = orig_pte;
    let ptent = *pte;
    if pte_none(ptent) {
        pte_unmap_unlock(orig_pte, ptl);
        return;
    }
    // If the pte has swp_entry, just clear page table to prevent swap-in which is more
    // expensive rather than (page allocation + zeroing).
    if !pte_present(ptent) {
        let entry = pte_to_swp_entry(ptent);
        if !non_swap_entry(entry) {
            // mutate: equivalent(swap-adjacent) both under the PTL: free_swap_and_cache() touches the swap map and the swap cache, not the PTE, and every path that reads the PTE takes the PTL first
            free_swap_and_cache(entry);
            ptep_get_and_clear(mm, addr, pte); // pte_clear_not_present_full()
            // Ghost, not kernel code: the swapped-out contents are gone for good.
            ghost_discard(vma, addr, null);
        }
        pte_unmap_unlock(orig_pte, ptl);
        return;
    }
    let page = vm_normal_page(vma, addr, ptent);
    if page == null {
        pte_unmap_unlock(orig_pte, ptl);
        return;
    }
    if PageSwapCache(page) || PageDirty(page) {
        if !trylock_page(page) {
            pte_unmap_unlock(orig_pte, ptl);
            return;
        }
        // If page is shared with others, we couldn't clear PG_dirty of the page.
        // mutate: equivalent(disable-recheck) not observable here: it takes a page that is dirty or in the swap cache and mapped by two mms, one of whose PTEs is clean, for clearing PG_dirty to let reclaim throw the other mm's data away; no test has such a page
        if page_mapcount(page) != 1 {
            // mutate: equivalent(swap-adjacent) two releases in a row: whoever waits for either lock then waits a step longer, which reaches nothing the original order does not
            unlock_page(page);
            pte_unmap_unlock(orig_pte, ptl);
            return;
        }
        if PageSwapCache(page) && !try_to_free_swap(page) {
            // mutate: equivalent(swap-adjacent) two releases in a row: whoever waits for either lock then waits a step longer, which reaches nothing the original order does not
            unlock_page(page);
            pte_unmap_unlock(orig_pte, ptl);
            return;
        }
        // mutate: equivalent(swap-adjacent) not observable here: reclaim reads PG_dirty under the page lock, and this PTE (mapped, the page's only mapping) keeps the page from being discarded until reclaim has cleared it, under the PTL this CPU holds
        clear_bit(PG_dirty, &page->flags); // ClearPageDirty()
        unlock_page(page);
    }
    if pte_young(ptent) || pte_dirty(ptent) {
        ptent = ptep_get_and_clear(mm, addr, pte); // ptep_get_and_clear_full()
        ptent = pte_mkold(ptent);
        ptent = pte_mkclean(ptent);
        // mutate: equivalent(swap-adjacent) both under the PTL; the flush tlb_remove_tlb_entry() gathers runs at tlb_finish_mmu(), after both
        set_pte_at(mm, addr, pte, ptent);
        tlb_remove_tlb_entry(tlb, pte, addr);
    }
    mark_page_lazyfree(page);
    // Ghost, not kernel code: from here reclaim may throw the contents away, until a store
    // lands in the page again.
    ghost_lazyfree(vma, addr);
    pte_unmap_unlock(orig_pte, ptl);
}

// mark_page_lazyfree(): an anonymous, swap-backed page on the LRU moves to the lazyfree
// (inactive file) list through this CPU's lru_lazyfree pagevec. The pagevec is not modelled:
// the page moves at once (pagevec_lru_move_fn() as for a full pagevec), and the get/put of
// its reference pair is left out.
fn mark_page_lazyfree(page) source "mm/swap.c:mark_page_lazyfree@v5.10" {
    if PageLRU(page) && PageAnon(page) && PageSwapBacked(page) && !PageSwapCache(page) {
        lru_lazyfree_fn(page);
    }
}

// Lazyfree pages are clean anonymous pages. They have PG_swapbacked flag cleared, to
// distinguish them from normal anonymous pages. (The LRU lists, PG_active and
// PG_referenced are not modelled; the lru_lock is the pagevec's caller's here.)
fn lru_lazyfree_fn(page) source "mm/swap.c:lru_lazyfree_fn@v5.10" {
    if PageLRU(page) && PageAnon(page) && PageSwapBacked(page) && !PageSwapCache(page) {
        clear_bit(PG_swapbacked, &page->flags); // ClearPageSwapBacked()
    }
}

// ---- kswapd (a test driver) ----

// kswapd's reclaim of one page: shrink_inactive_list() isolates it from the LRU
// (isolate_lru_pages()) and shrink_page_list() reclaims it, without mmap_lock and outside
// any mmu_gather (unlike MADV_PAGEOUT). The page is the one mapped at addr: the driver
// finds it with follow_page() under mmap_lock (as kswapd finds it on an LRU list), and
// puts it back on the LRU if it is kept (move_pages_to_lru()).
fn kswapd_reclaim_page_at(addr) source "mmcheck: a test driver, mm/vmscan.c:shrink_inactive_list@v5.10 for the page mapped at addr" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    let page = null;
    if vma != null && addr >= vma->vm_start {
        page = follow_page_pte(vma, addr, FOLL_GET);
    }
    mmap_read_unlock(mm);
    if page == null {
        return 0;
    }
    let isolated = isolate_lru_page(page) == 0;
    put_page(page); // follow_page()'s reference: the isolation holds its own
    if !isolated {
        return 0;
    }
    return reclaim_pages(page);
}
