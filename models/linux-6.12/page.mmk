// struct page / struct folio and the functions on them, as Linux 6.12.y has them: reference
// counts, mapcount, PageAnonExclusive, the folio lock, the anon rmap, freeing. The machine
// gives one `struct page` per frame and the buddy allocator's rmqueue()/free_one_page();
// everything else here is kernel code.
//
// Folios are order-0 here: a folio handle is its one page's handle (page_folio() and
// folio_page() are the identity), so folio->_mapcount is page->_mapcount and folio->flags
// page->flags, as in the kernel for a small folio. Large folios (_large_mapcount,
// _nr_pages_mapped, _entire_mapcount, _pincount, deferred split) are left out: every
// `folio_test_large()` branch is the small one.

// include/linux/page-flags.h: enum pageflags (the bits these paths use)
const PG_locked = 0;
const PG_referenced = 1;
const PG_uptodate = 2;
const PG_dirty = 3;
const PG_lru = 4;
const PG_active = 5;
const PG_waiters = 7;
const PG_swapbacked = 19;
// PG_swapcache is PG_owner_priv_1 (bit 8); which bit it is matters to nothing modelled.
const PG_swapcache = 8;
// PG_anon_exclusive is an alias of another bit of enum pageflags (PG_mappedtodisk in 6.x);
// which bit it is does not matter to these paths, only that it is in the flags word.
const PG_anon_exclusive = 17;

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
struct page source "include/linux/mm_types.h:struct page@v6.12" {
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
// PTEs, each holding a reference (as after faults, or fork's copy_present_ptes()), plus
// `extra_refs` references held elsewhere (a GUP pin, an LRU batch), PageAnonExclusive if
// the scenario says `exclusive: 1` (a page only one process has mapped since its fault).
fn scenario_page(page, mappings, extra_refs, exclusive) source "mmcheck: scenario set-up for v6.12" {
    set_page_count(page, mappings + extra_refs);
    page->mmcheck_extra_refs = extra_refs;
    atomic_set(&page->_mapcount, mappings - 1);
    page->mapping = PAGE_MAPPING_ANON;
    // an anonymous folio is swap-backed from its first mapping (folio_add_new_anon_rmap())
    __folio_set_swapbacked(page);
    if exclusive {
        SetPageAnonExclusive(page);
    }
}

// The shared zero page (x86's empty_zero_page): a reserved page, which keeps the reference
// its boot-time initialisation gave it and is never freed. GUP takes and drops references
// on it like on any other page (follow_page_pte() hands it to a read). The reference counts
// as held outside the model, for page_leak.
fn scenario_zero_page(page) source "mmcheck: scenario set-up for v6.12, the zero page (a reserved page, init_page_count())" {
    set_page_count(page, 1);
    page->mmcheck_extra_refs = 1;
}

// ---- include/linux/page_ref.h (6.x text; not pinned to 6.12, unchanged for these) ----

fn page_ref_count(page) source "include/linux/page_ref.h:page_ref_count@v6.12" {
    return atomic_read(&page->_refcount);
}

fn folio_ref_count(folio) source "include/linux/page_ref.h:folio_ref_count@v6.12" {
    return page_ref_count(folio);
}

fn set_page_count(page, v) source "include/linux/page_ref.h:set_page_count@v6.12" {
    atomic_set(&page->_refcount, v);
}

fn page_ref_inc(page) source "include/linux/page_ref.h:page_ref_inc@v6.12" {
    atomic_inc(&page->_refcount);
}

fn folio_ref_inc(folio) source "include/linux/page_ref.h:folio_ref_inc@v6.12" {
    page_ref_inc(folio);
}

fn folio_ref_add(folio, nr) source "include/linux/page_ref.h:folio_ref_add@v6.12" {
    atomic_add(nr, &folio->_refcount);
}

fn page_ref_dec_and_test(page) source "include/linux/page_ref.h:page_ref_dec_and_test@v6.12" {
    return atomic_dec_and_test(&page->_refcount);
}

fn folio_ref_sub_and_test(folio, nr) source "include/linux/page_ref.h:folio_ref_sub_and_test@v6.12" {
    return atomic_add_return(-nr, &folio->_refcount) == 0; // atomic_sub_and_test()
}

// page_ref_add_unless(page, 1, 0): a reference unless the count is 0 (a page being freed).
fn folio_ref_try_add(folio, count) source "include/linux/page_ref.h:folio_ref_try_add@v6.12" {
    return atomic_add_unless(&folio->_refcount, count, 0);
}

// "the folio may be getting freed": get a reference unless the count is 0.
fn folio_try_get(folio) source "include/linux/page_ref.h:folio_try_get@v6.12" {
    return folio_ref_try_add(folio, 1);
}

// ---- include/linux/mm.h@v6.12 (Xilinx/linux-xlnx ee6c677ef318) ----

fn page_count(page) source "include/linux/mm.h:page_count@v6.12" {
    return folio_ref_count(page_folio(page));
}

// Order-0 folios: the folio is the page (see the file's header).
fn page_folio(page) source "include/linux/page-flags.h:page_folio@v6.12 (order-0: the page itself)" {
    return page;
}

fn folio_page(folio, n) source "include/linux/page-flags.h:folio_page@v6.12 (order-0: only page 0)" {
    BUG_ON(n != 0);
    return folio;
}

fn folio_test_large(folio) source "include/linux/page-flags.h:folio_test_large@v6.12 (order-0 folios only)" {
    return false;
}

fn folio_nr_pages(folio) source "include/linux/mm.h:folio_nr_pages@v6.12 (order-0 folios only)" {
    return 1;
}

// VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio)) is left out: a reference
// taken on a free page is use_after_free here.
fn folio_get(folio) source "include/linux/mm.h:folio_get@v6.12" {
    folio_ref_inc(folio);
}

// VM_BUG_ON_PAGE(page_ref_count(page) == 0) is left out (it would be a load of its own);
// an underflow breaks the tree's `refcount` invariant instead.
fn put_page_testzero(page) source "include/linux/mm.h:put_page_testzero@v6.12" {
    return page_ref_dec_and_test(page);
}

fn folio_put_testzero(folio) source "include/linux/mm.h:folio_put_testzero@v6.12" {
    return put_page_testzero(folio);
}

fn folio_put(folio) source "include/linux/mm.h:folio_put@v6.12" {
    if folio_put_testzero(folio) {
        __folio_put(folio);
    }
}

fn folio_put_refs(folio, refs) source "include/linux/mm.h:folio_put_refs@v6.12" {
    if folio_ref_sub_and_test(folio, refs) {
        __folio_put(folio);
    }
}

// put_devmap_managed_folio_refs() (ZONE_DEVICE) is left out.
fn put_page(page) source "include/linux/mm.h:put_page@v6.12" {
    folio_put(page_folio(page));
}

// folio_mapcount() of a small folio: _mapcount + 1 (the large-folio sum is left out).
fn folio_mapcount(folio) source "include/linux/mm.h:folio_mapcount@v6.12" {
    return atomic_read(&folio->_mapcount) + 1;
}

fn page_mapcount(page) source "include/linux/mm.h:page_mapcount@v6.12" {
    return folio_mapcount(page_folio(page));
}

fn folio_mapped(folio) source "include/linux/mm.h:folio_mapped@v6.12" {
    return folio_mapcount(folio) >= 1;
}

fn page_mapcount_reset(page) source "include/linux/mm.h:page_mapcount_reset@v6.12" {
    atomic_set(&page->_mapcount, -1);
}

// GUP_PIN_COUNTING_BIAS: a FOLL_PIN adds 1024 references to a small folio.
const GUP_PIN_COUNTING_BIAS = 1 << 10;

// The _pincount of large folios is left out; a small folio counts pins in its refcount, so
// GUP_PIN_COUNTING_BIAS plain references read as "maybe pinned" (as in the kernel).
fn folio_maybe_dma_pinned(folio) source "include/linux/mm.h:folio_maybe_dma_pinned@v6.12" {
    return folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS;
}

// "This should most likely only be called during fork() to see whether we should break the
// cow immediately for an anon page on the src mm. The caller has to hold the PT lock and
// the vma->vm_mm->->write_protect_seq." Its VM_BUG_ON() on the seqcount is left out.
fn folio_needs_cow_for_dma(vma, folio) source "include/linux/mm.h:folio_needs_cow_for_dma@v6.12" {
    if !test_bit(MMF_HAS_PINNED, &vma->vm_mm->flags) {
        return false;
    }
    return folio_maybe_dma_pinned(folio);
}

// ---- include/linux/page-flags.h@v6.12 (Xilinx/linux-xlnx 65b259e3e06d) ----

fn PageAnon(page) source "include/linux/page-flags.h:PageAnon@v6.12" {
    return folio_test_anon(page_folio(page));
}

fn folio_test_anon(folio) source "include/linux/page-flags.h:folio_test_anon@v6.12" {
    return (folio->mapping & PAGE_MAPPING_ANON) != 0;
}

// KSM is not modelled: no folio is a KSM folio.
fn folio_test_ksm(folio) source "include/linux/page-flags.h:folio_test_ksm@v6.12 (no KSM)" {
    return false;
}

// The swap cache is not in this tree: no path sets PG_swapcache, but the test reads the
// folio's flags as the kernel's does (a read of a freed folio is still one).
fn folio_test_swapcache(folio) source "include/linux/page-flags.h:folio_test_swapcache@v6.12" {
    return test_bit(PG_swapcache, &folio->flags);
}

fn PageAnonExclusive(page) source "include/linux/page-flags.h:PageAnonExclusive@v6.12" {
    return test_bit(PG_anon_exclusive, &page->flags);
}

fn SetPageAnonExclusive(page) source "include/linux/page-flags.h:SetPageAnonExclusive@v6.12" {
    set_bit(PG_anon_exclusive, &page->flags);
}

fn ClearPageAnonExclusive(page) source "include/linux/page-flags.h:ClearPageAnonExclusive@v6.12" {
    clear_bit(PG_anon_exclusive, &page->flags);
}

fn PageLocked(page) source "include/linux/page-flags.h:PageLocked@v6.12" {
    return test_bit(PG_locked, &page->flags);
}

fn folio_test_locked(folio) source "include/linux/page-flags.h:folio_test_locked@v6.12" {
    return test_bit(PG_locked, &folio->flags);
}

fn folio_test_lru(folio) source "include/linux/page-flags.h:folio_test_lru@v6.12" {
    return test_bit(PG_lru, &folio->flags);
}

fn PageLRU(page) source "include/linux/page-flags.h:PageLRU@v6.12" {
    return folio_test_lru(page_folio(page));
}

fn folio_set_lru(folio) source "include/linux/page-flags.h:folio_set_lru@v6.12" {
    set_bit(PG_lru, &folio->flags);
}

fn SetPageLRU(page) source "include/linux/page-flags.h:SetPageLRU@v6.12" {
    folio_set_lru(page_folio(page));
}

// __folio_clear_lru() is the non-atomic __clear_bit(): the folio is its caller's alone there.
fn __folio_clear_lru(folio) source "include/linux/page-flags.h:__folio_clear_lru@v6.12" {
    clear_bit(PG_lru, &folio->flags);
}

fn __ClearPageLRU(page) source "include/linux/page-flags.h:__ClearPageLRU@v6.12" {
    __folio_clear_lru(page_folio(page));
}

// ---- mm/swap.c (6.12's __folio_put(); not read at a pinned 6.12.y, the order-0 path) ----

// page_cache_release(): a folio on the LRU is taken off it under the lruvec lock; the LRU
// lists are not modelled, so only PG_lru is cleared.
fn page_cache_release(folio) source "mm/swap.c:page_cache_release@v6.12" {
    if folio_test_lru(folio) {
        __folio_clear_lru(folio);
    }
}

// The last reference went: ZONE_DEVICE, hugetlb, large folios' deferred split and
// mem_cgroup_uncharge() are left out.
fn __folio_put(folio) source "mm/swap.c:__folio_put@v6.12 (order 0)" {
    page_cache_release(folio);
    free_unref_page(folio, 0);
}

// ---- mm/page_alloc.c ----

// post_alloc_hook(): set_page_refcounted(); the rest (KASAN, page owner, poisoning) has no
// bearing on these races.
fn post_alloc_hook(page) source "mm/page_alloc.c:post_alloc_hook@v6.12" {
    set_page_count(page, 1);
}

// get_page_from_freelist() -> rmqueue() -> prep_new_page(): zones, watermarks, per-CPU
// lists and __GFP_ZERO's clear_page() are not modelled (a frame comes zeroed).
fn alloc_page() source "include/linux/gfp.h:alloc_page@v6.12" {
    let page = rmqueue();
    if page != null {
        post_alloc_hook(page);
    }
    return page;
}

// free_pages_prepare(): `if (PageMappingFlags(page)) page->mapping = NULL;` (only anon
// mappings exist here; it also clears PG_anon_exclusive with the other flags to check,
// PAGE_FLAGS_CHECK_AT_PREP); page_expected_state() then finds a page still mapped (or
// referenced, or still on the LRU, or locked) bad, and bad_page() reports it: the tree's
// `refcount` invariant broken.
// Its other work (hwpoison, memcg, poisoning) is left out.
fn free_pages_prepare(page) source "mm/page_alloc.c:free_pages_prepare@v6.12" {
    if PageAnon(page) {
        page->mapping = 0;
    }
// mutate: equivalent(disable-recheck) the page is its freer's alone here, and clearing a bit that is already clear changes nothing
    if PageAnonExclusive(page) {
        ClearPageAnonExclusive(page);
    }
    if atomic_read(&page->_mapcount) != -1 || page_ref_count(page) != 0 {
        violation(refcount); // bad_page(page, "nonzero mapcount" / "nonzero _refcount")
    }
    // page_expected_state(): PAGE_FLAGS_CHECK_AT_FREE includes PG_lru and PG_locked
    if test_bit(PG_lru, &page->flags) || test_bit(PG_locked, &page->flags) {
        violation(refcount); // bad_page(page, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set")
    }
}

// The per-CPU free lists are not modelled: the frame goes back to the buddy allocator.
fn free_unref_page(page, order) source "mm/page_alloc.c:free_unref_page@v6.12" {
    BUG_ON(order != 0);
    free_pages_prepare(page);
    free_one_page(page);
}

fn __free_pages(page, order) source "mm/page_alloc.c:__free_pages@v6.12" {
    if put_page_testzero(page) {
        free_unref_page(page, order); // free_frozen_pages() of order 0
    }
}

// ---- mm/rmap.c@v6.12 (Xilinx/linux-xlnx acc8f948e4aa) and include/linux/rmap.h ----

// The tree has no anon_vma objects and no rmap walk. vma->anon_vma is a token: null until
// anon_vma_prepare() runs (or the scenario's VMA, which starts with one, as after its first
// fault), then the VMA's mm. Every VMA of an mm thus has the same anon_vma here: the model
// does not tell two anon_vmas apart, so vma_merge() may merge two VMAs the kernel would keep
// apart for having different anon_vmas (as the v5.10 tree, whose anon_vma is always null,
// does). The anon_vma lock and chains have nothing to protect.
const RMAP_NONE = 0;
const RMAP_EXCLUSIVE = 1;

// __anon_vma_prepare() sets vma->anon_vma under mm->page_table_lock (the anon_vma's own
// lock, allocation and anon_vma_chain are left out). Called from faults holding mmap_lock for
// read or only the VMA's lock (vmf_anon_prepare() takes mmap_lock first in that case).
fn anon_vma_prepare(vma) source "include/linux/rmap.h:anon_vma_prepare@v6.12 (the anon_vma a token)" {
    if vma->anon_vma != null {
        return 0;
    }
    let mm = vma->vm_mm;
// mutate: equivalent(delete-lock-pair) not observable here: the anon_vma is a token (the mm), so two racing faults that both find it null store the same value; in the kernel the lock keeps them from allocating two anon_vmas for one VMA
    spin_lock(&mm->page_table_lock);
    if vma->anon_vma == null {
        vma->anon_vma = mm;
    }
    spin_unlock(&mm->page_table_lock);
    return 0;
}

fn anon_vma_clone(dst, src) source "mm/rmap.c:anon_vma_clone@v6.12 (no anon_vma chains in the tree)" {
    return 0;
}

// The child VMA gets its own anon_vma (the token: the child's mm) when the parent has one.
fn anon_vma_fork(vma, pvma) source "mm/rmap.c:anon_vma_fork@v6.12 (the anon_vma a token)" {
    if pvma->anon_vma != null {
        vma->anon_vma = vma->vm_mm;
    } else {
        vma->anon_vma = null;
    }
    return 0;
}

// down_write(&anon_vma->root->rwsem): no anon_vma object to lock, but the rwsem may sleep.
fn anon_vma_lock_write(anon_vma) source "include/linux/rmap.h:anon_vma_lock_write@v6.12 (no anon_vma objects: nothing to lock)" {
    might_sleep();
}

fn anon_vma_unlock_write(anon_vma) source "include/linux/rmap.h:anon_vma_unlock_write@v6.12 (no anon_vma objects: nothing to lock)" {
}

fn anon_vma_interval_tree_pre_update_vma(vma) source "mm/vma.c:anon_vma_interval_tree_pre_update_vma@v6.12 (no anon_vma trees)" {
}

fn anon_vma_interval_tree_post_update_vma(vma) source "mm/vma.c:anon_vma_interval_tree_post_update_vma@v6.12 (no anon_vma trees)" {
}

fn unlink_anon_vmas(vma) source "mm/rmap.c:unlink_anon_vmas@v6.12 (no anon_vma chains in the tree)" {
}

// list_is_singular(&vma->anon_vma_chain): a VMA with an anon_vma has a chain of one entry
// (its own anon_vma) unless fork gave it its parent's too; the model keeps no chains and
// answers as for a VMA never forked.
fn anon_vma_chain_is_singular(vma) source "include/linux/list.h:list_is_singular@v6.12 (of vma->anon_vma_chain; no chains in the tree)" {
    return vma->anon_vma != null;
}

fn anon_vma_merge(vma, next) source "include/linux/rmap.h:anon_vma_merge@v6.12" {
    unlink_anon_vmas(next);
}

// __folio_set_anon(): folio->mapping = anon_vma + PAGE_MAPPING_ANON, with the oldest
// anon_vma (the root) when not exclusive; with the anon_vma a token, PAGE_MAPPING_ANON.
// folio->index is left out (no rmap walk).
fn __folio_set_anon(folio, vma, address, exclusive) source "mm/rmap.c:__folio_set_anon@v6.12" {
// mutate: equivalent(swap-adjacent) the check reads the VMA and the store writes the new folio, which no other CPU can reach yet: either order gives the same steps
    BUG_ON(vma->anon_vma == null);
    folio->mapping = PAGE_MAPPING_ANON;
}

// "When a folio belongs exclusively to one process after a COW event, that folio can be
// moved into the anon_vma that belongs to just that process": with the anon_vma a token,
// folio->mapping stays PAGE_MAPPING_ANON. The VM_BUG_ONs (the folio locked, the VMA's
// anon_vma set) are kept.
fn folio_move_anon_rmap(folio, vma) source "mm/rmap.c:folio_move_anon_rmap@v6.12" {
// mutate: equivalent(swap-adjacent) two checks that write nothing: either order fails on the same states
    BUG_ON(!folio_test_locked(folio));
    BUG_ON(vma->anon_vma == null);
}

// "Like folio_add_anon_rmap_*() but must only be called on *new* folios." The small-folio
// branch; VM_DROPPABLE (never set here), statistics and mTHP counters are left out.
fn folio_add_new_anon_rmap(folio, vma, address, flags) source "mm/rmap.c:folio_add_new_anon_rmap@v6.12" {
    let exclusive = (flags & RMAP_EXCLUSIVE) != 0;
    BUG_ON(address < vma->vm_start || address + PAGE_SIZE > vma->vm_end);
    if !folio_test_swapbacked(folio) {
        __folio_set_swapbacked(folio);
    }
// mutate: equivalent(swap-adjacent) both write the new folio, which no other CPU can reach yet: its callers map it with set_pte_at() only afterwards, under the PTL
    __folio_set_anon(folio, vma, address, exclusive);
    atomic_set(&folio->_mapcount, 0); // increment count (starts at -1)
    if exclusive {
        SetPageAnonExclusive(folio_page(folio, 0));
    }
}

// __folio_add_anon_rmap() at RMAP_LEVEL_PTE for one page of a small folio:
// __folio_add_rmap()'s atomic_inc_and_test(&folio->_mapcount), then PageAnonExclusive for
// RMAP_EXCLUSIVE. __page_check_anon_rmap(), statistics, mlock and the VM_WARN_ONs are left
// out. "The caller needs to hold the page table lock, and the page must be locked in the
// anon_vma case."
fn folio_add_anon_rmap_pte(folio, page, vma, address, flags) source "mm/rmap.c:folio_add_anon_rmap_ptes@v6.12 (nr_pages 1)" {
    atomic_add_return(1, &folio->_mapcount); // atomic_inc_and_test(): the first mapping's test feeds statistics only
    if flags & RMAP_EXCLUSIVE {
        SetPageAnonExclusive(page);
    }
}

// __folio_remove_rmap() at RMAP_LEVEL_PTE for a small folio: atomic_add_negative(-1,
// &folio->_mapcount). folio->mapping is not reset ("leave the reset to
// free_pages_prepare"). Statistics and munlock_vma_folio() are left out.
fn folio_remove_rmap_pte(folio, page, vma) source "mm/rmap.c:folio_remove_rmap_ptes@v6.12 (nr_pages 1)" {
    atomic_add_negative_dec(&folio->_mapcount);
}

// atomic_add_negative(-1, v): v - 1, true if the result is negative.
fn atomic_add_negative_dec(v) source "include/linux/atomic.h:atomic_add_negative@v6.12" {
    return atomic_add_return(-1, v) < 0;
}

// __folio_try_dup_anon_rmap() at RMAP_LEVEL_PTE for one page of a small folio (6.11+ text,
// include/linux/rmap.h; a comment-stripped copy, not pinned to 6.12): "If this folio may
// have been pinned by the parent process, don't allow to duplicate the mappings but instead
// require to e.g., copy the subpage immediately for the child". Device-private folios are
// not modelled.
fn folio_try_dup_anon_rmap_pte(folio, page, src_vma) source "include/linux/rmap.h:folio_try_dup_anon_rmap_pte@v6.12" {
    let maybe_pinned = folio_needs_cow_for_dma(src_vma, folio);
    if maybe_pinned {
// mutate: equivalent(disable-recheck) a page that may be pinned is exclusive in 6.12 (GUP keeps a pin of an anonymous page only if gup_must_unshare() finds it so, and fork keeps a pinned page exclusive in the parent); where GUP-fast's speculative pin briefly raises a shared page's count, the mutant copies the page for the child instead of sharing it, which is as correct
        if PageAnonExclusive(page) {
            return -EBUSY;
        }
    }
// mutate: equivalent(disable-recheck) clearing a bit that is already clear changes nothing (the PTL is held, and the bit is only set under it or on a new folio)
    if PageAnonExclusive(page) {
        ClearPageAnonExclusive(page);
    }
    atomic_inc(&folio->_mapcount);
    return 0;
}

// __folio_try_share_anon_rmap() at RMAP_LEVEL_PTE (same copy as above): the caller has
// cleared or invalidated the PTE; marking the page possibly shared fails if it may be
// pinned. The smp_mb() pairs with GUP-fast's try_grab_folio_fast() and the
// smp_mb__after_atomic() with gup_must_unshare()'s smp_rmb(): every step is in one total
// order here.
fn folio_try_share_anon_rmap_pte(folio, page) source "include/linux/rmap.h:folio_try_share_anon_rmap_pte@v6.12" {
    BUG_ON(!PageAnonExclusive(page));
    if folio_maybe_dma_pinned(folio) {
        return -EBUSY;
    }
    ClearPageAnonExclusive(page);
    return 0;
}

// ---- include/linux/pagemap.h, mm/filemap.c ----

fn folio_trylock(folio) source "include/linux/pagemap.h:folio_trylock@v6.12" {
    return !test_and_set_bit_lock(PG_locked, &folio->flags);
}

fn trylock_page(page) source "include/linux/pagemap.h:trylock_page@v6.12" {
    return folio_trylock(page_folio(page));
}

// folio_lock() tries folio_trylock() and else sleeps in __folio_lock() until its own
// test_and_set_bit_lock() succeeds. A failed trylock changes nothing, so the fast path and
// the wait are one step here: disabled while the lock is held, the lock taken the moment it
// is free. PG_waiters and the folio wait queue are left out.
fn folio_lock(folio) source "include/linux/pagemap.h:folio_lock@v6.12" {
    might_sleep();
    wait_until(folio_trylock(folio));
}

fn lock_page(page) source "include/linux/pagemap.h:lock_page@v6.12" {
    folio_lock(page_folio(page));
}

// folio_xor_flags_has_waiters() and the wake-up: the wake-up is implicit.
fn folio_unlock(folio) source "mm/filemap.c:folio_unlock@v6.12" {
    clear_bit_unlock(PG_locked, &folio->flags);
}

fn unlock_page(page) source "mm/folio-compat.c:unlock_page@v6.12" {
    folio_unlock(page_folio(page));
}

// ---- mm/memory.c@v6.12 ----

// vm_normal_page() for the mappings modelled (CONFIG_ARCH_HAS_PTE_SPECIAL on x86; no
// find_special_page, VM_PFNMAP/VM_MIXEDMAP or devmap): a special PTE (the zero page) has no
// struct page to use; highest_memmap_pfn is left out (every pfn is a frame).
fn vm_normal_page(vma, addr, pte) source "mm/memory.c:vm_normal_page@v6.12" {
    if pte_special(pte) {
        return null;
    }
    if is_zero_pfn(pte_pfn(pte)) {
        return null;
    }
    return pte_page(pte);
}

fn vm_normal_folio(vma, addr, pte) source "mm/memory.c:vm_normal_folio@v6.12" {
    let page = vm_normal_page(vma, addr, pte);
    if page != null {
        return page_folio(page);
    }
    return null;
}

fn folio_test_dirty(folio) source "include/linux/page-flags.h:folio_test_dirty@v6.12" {
    return test_bit(PG_dirty, &folio->flags);
}

fn folio_clear_dirty(folio) source "include/linux/page-flags.h:folio_clear_dirty@v6.12" {
    clear_bit(PG_dirty, &folio->flags);
}

// __folio_set_swapbacked() is the non-atomic __set_bit() on a folio no other CPU can reach
// yet (a new folio, or the scenario's set-up).
fn __folio_set_swapbacked(folio) source "include/linux/page-flags.h:__folio_set_swapbacked@v6.12" {
    set_bit(PG_swapbacked, &folio->flags);
}

fn folio_test_swapbacked(folio) source "include/linux/page-flags.h:folio_test_swapbacked@v6.12" {
    return test_bit(PG_swapbacked, &folio->flags);
}

fn folio_test_unevictable(folio) source "include/linux/page-flags.h:folio_test_unevictable@v6.12 (no mlock LRU here)" {
    return false;
}

// folio_likely_mapped_shared() of an order-0 folio (include/linux/mm.h)
fn folio_likely_mapped_shared(folio) source "include/linux/mm.h:folio_likely_mapped_shared@v6.12 (order 0)" {
    return folio_mapcount(folio) > 1;
}

// include/linux/mm.h@v6.12: fork.mmk's copy_present_page() still asks it of a page.
fn page_maybe_dma_pinned(page) source "include/linux/mm.h:page_maybe_dma_pinned@v6.12" {
    return folio_maybe_dma_pinned(page_folio(page));
}

// include/linux/mm.h@v6.12: is_zero_pfn(page_to_pfn(page)); the model compares with the
// zero page itself.
fn is_zero_page(page) source "include/linux/mm.h:is_zero_page@v6.12" {
    return page == ZERO_PAGE(0);
}

fn is_zero_folio(folio) source "include/linux/mm.h:is_zero_folio@v6.12" {
    return is_zero_page(folio_page(folio, 0));
}

// include/linux/page_ref.h@v6.12: atomic_add_unless() on the refcount (the speculative
// reference of GUP-fast; migrate.mmk uses it too).
fn page_ref_add_unless(page, nr, u) source "include/linux/page_ref.h:page_ref_add_unless@v6.12" {
    return atomic_add_unless(&page->_refcount, nr, u);
}

// mm/mempolicy.c: vma_alloc_folio(gfp, order, vma, addr, hugepage) of an order-0 folio: the
// VMA's memory policy (one node here) and the gfp flags are left out, so it is alloc_page()'s
// page as a folio (the fault path's allocation).
fn vma_alloc_folio(vma, addr) source "mm/mempolicy.c:vma_alloc_folio_noprof@v6.12 (order 0)" {
    let page = alloc_page();
    if page == null {
        return null;
    }
    return page_folio(page);
}
