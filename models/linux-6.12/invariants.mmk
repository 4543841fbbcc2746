// Kernel contracts of 6.12.y that the machine checks on every state (DESIGN.md section 7:
// they live in the model tree because they change between versions).

// Every mapping of a page holds a reference of its own: folio_add_new_anon_rmap() and
// folio_try_dup_anon_rmap_pte() come with a reference, and zap/unmap drop the mapping before
// the reference (mm/memory.c, zap_present_folio_ptes() and wp_page_copy(); the mmu_gather's
// delayed rmap drops both after the flush, rmap first), so a mapped page's
// _refcount is never below its mapcount. Breaking it is how a page gets freed under a
// mapping. (the kernel's checks of it are VM_BUG_ON_FOLIO()s, off in production kernels.)
// The counts never go negative either (a folio_put() or folio_remove_rmap_pte() too many), and
// the free path's bad_page() check (free_pages_prepare() in page.mmk) raises it too.
invariant refcount for page p "a page's refcount covers its mappings (each PTE mapping holds a reference) and neither count is negative" {
    page_count(p) >= page_mapcount(p) && page_mapcount(p) >= 0
}

// When every program has finished, each reference to a page that is still allocated is
// accounted for: one per PTE mapping it (folio_add_new_anon_rmap() and
// folio_try_dup_anon_rmap_pte() come with a reference), one per slot of a CPU's LRU folio
// batch that holds it (folio_add_lru(), mm/swap.c, until the batch is drained), and those the scenario declared held
// outside the model (`extra_refs`). Being on the LRU holds no reference of its own, and every mmu_gather batch has been freed by tlb_finish_mmu() by then. A
// reference left over is a leak (a put_page() missing: the page is never freed); one
// short of the count is a page that will be freed while still referenced.
invariant page_leak for page p at end "every reference to a page still allocated at the end is accounted for (its mappings, the LRU pagevecs that hold it, the references the scenario declared): none leaked, none missing" {
    page_count(p) == page_mapcount(p) + kernel_refs(p) + p->mmcheck_extra_refs
}

// The references kernel structures of the tree hold on `page` besides its mappings: the
// CPUs' LRU folio batches (mmcheck: for page_leak).
fn kernel_refs(page) source "mmcheck: the references the tree's kernel structures hold, v6.12" {
    return folio_batch_refs(page);
}

// How many slots of the CPUs' lru_add folio batches hold `page` (mmcheck: for page_leak).
fn folio_batch_refs(page) source "mmcheck: the references the per-CPU folio batches of mm/swap.c hold, v6.12" {
    let n = 0;
    let cpu = 0;
    while cpu < nr_cpu_ids() {
        let fbatch = per_cpu_ptr(&lru_add, cpu);
        let i = 0;
        while i < folio_batch_count(fbatch) {
            if fbatch->folios[i] == page {
                n += 1;
            }
            i += 1;
        }
        cpu += 1;
    }
    return n;
}

// Pin coherence (the contract of a7f226604170 and the anon-exclusive series, 5.19+): a
// FOLL_PIN of an anonymous page keeps the page exclusive to its process (gup_must_unshare()
// unshares a shared page before GUP pins it, fork copies a pinned page for the child, and
// migration backs off from one), so the pinned page stays the page mapped at the pinned
// address: no COW can replace it. Checked at the end, when no GUP-fast pin that is about to
// back off is still held: a mapped anonymous page that may be pinned is exclusive. (The
// lost-write ghost checks the consequence: a device's DMA through the pin, `dma_add()`,
// must be seen at the pinned address.)
invariant pin_exclusive for page p at end "a mapped anonymous page that may be pinned (FOLL_PIN) is exclusive to its process (PageAnonExclusive), so no COW can replace it under the pin" {
    !(folio_maybe_dma_pinned(p) && folio_mapped(p) && folio_test_anon(p)) || PageAnonExclusive(p)
}

// The other contracts of this tree are the machine's, read through fields and ghosts the
// model keeps (DESIGN.md section 5):
// - the tlb_flush_pending contract (4.13+): `stale_tlb` reads mm->tlb_flush_pending,
//   mm->tlb_flush_batched (6.12's generations) and mmap_lock, and do_wp_page()'s
//   assume_tlb_coherent() names the COW assumption;
// - pin coherence through a device: `dma_add()` through a pin must be seen at the pinned
//   address (`lost_write`; tests/mmk/linux-6.12/gup/pin-unshare.mmk,
//   fork/gup-fast-vs-fork.mmk, migrate/migration-vs-gup-fast.mmk);
// - zap completeness: a zap's ghost_discard() makes the address expect zero-fill and
//   ghost_discard_done() ends the window in which a store may still be lost with it, so a
//   zap that leaves a PTE, a page or a TLB entry behind is a `lost_write` (a store that
//   survives), a `use_after_free` (an entry to a freed page) or a `page_leak`;
//   madvise_dontneed_returns_coherent() checks that no CPU caches the range when
//   MADV_DONTNEED returns.
