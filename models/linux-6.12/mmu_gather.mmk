// The mmu_gather of 6.12.y: mm/mmu_gather.c, include/asm-generic/tlb.h and x86's
// arch/x86/include/asm/tlb.h and arch/x86/mm/pgtable.c. The text followed is the one quoted in
// /work/research-612-paths.md section 1 (renesas-rcar/upstream_bsp 6711e4de / 20de49cb, a
// recent mainline-ish copy: NOT pinned to 6.12) with what 6.12 does not have yet left out:
// tlb_gather_mmu_vma(), unshared_tables / fully_unshared_tables (the 2025 hugetlb PMD
// unsharing work) and the ptdesc destructor of __tlb_remove_table().
//
// What is modelled:
// - the page batches: `local` (MMU_GATHER_BUNDLE pages in the kernel, four slots here) and
//   batches chained by tlb_next_batch() when a GFP_NOWAIT page comes (a choice both ways),
//   each slot an encoded page with its ENCODED_PAGE_BIT_DELAY_RMAP flag;
// - the delayed rmap (tlb_delay_rmap(), tlb_flush_rmaps()): the rmap of a page whose PTE was
//   dirty is removed only after the TLB flush, under the PTL (5df397dec7c4, v6.2). Only file
//   folios take it in 6.12's zap_present_folio_ptes(), and the tree has anonymous folios only,
//   so no path of the tree sets it: the machinery is here for the mutation tests;
// - page tables: native x86 (pv_ops.mmu.tlb_remove_table = tlb_remove_page) queues a freed
//   PTE table like a page, freed after the flush; a paravirt guest whose TLB flush skips
//   preempted vCPUs (KVM's PV flush: pv_ops.mmu.tlb_remove_table = tlb_remove_table) frees
//   it through CONFIG_MMU_GATHER_RCU_TABLE_FREE: tlb_remove_table() batches it,
//   tlb_table_flush() frees it after the flush and a grace period, and a failed batch
//   allocation falls back to tlb_remove_table_one(): tlb_remove_table_sync_one(), an IPI to
//   every CPU, then the free. A test chooses the guest by overriding
//   paravirt_tlb_remove_table() (with `knob tlb_broadcast;` for the PV flush).
//
// Callers (6.12's API): `let tlb = struct mmu_gather {}; tlb_gather_mmu(&tlb, mm);` (or
// tlb_gather_mmu_fullmm()), then `&tlb` to the walk, then `tlb_finish_mmu(&tlb);`;
// __tlb_remove_page(tlb, page, delay_rmap) takes 6.12's third argument, and
// tlb_remove_page_size(tlb, page, size) flushes a full batch itself (zap_huge_pmd()).
//
// Left out: CONFIG_MMU_GATHER_PAGE_SIZE (tlb_change_page_size() is a no-op on x86), large
// folios (nr_pages > 1, ENCODED_PAGE_BIT_NR_PAGES_NEXT), hugetlb, mmu notifiers, the
// MAX_NR_FOLIOS_PER_FREE chunking and its cond_resched().

// The kernel's struct mmu_gather_batch: `max` slots of encoded pages. The model's batches have
// four slots (MMU_GATHER_BUNDLE is 8 and a chained batch holds MAX_GATHER_BATCH, ~510); an
// encoded page is its page and its DELAY_RMAP bit.
struct mmu_gather_batch {
    next,
    nr,
    max,
    page0,
    page1,
    page2,
    page3,
    delay0,
    delay1,
    delay2,
    delay3,
}

// struct mmu_table_batch (CONFIG_MMU_GATHER_TABLE_FREE): MAX_TABLE_BATCH tables (two here).
struct mmu_table_batch {
    mm,             // (the model's pte_free() names the mm whose pool takes the table)
    nr,
    table0,
    table1,
}

struct mmu_gather {
    mm,
    batch,          // the table batch (CONFIG_MMU_GATHER_TABLE_FREE)
    start,
    end,
    fullmm,
    need_flush_all,
    freed_tables,
    delayed_rmap,
    cleared_ptes,
    cleared_pmds,
    vma_exec,
    vma_pfn,
    batch_count,
    active,
    local,
    // the PTE tables native x86 queues on the page batch (paravirt_tlb_remove_table() ->
    // tlb_remove_page()): kept in two slots of their own here, freed with the pages
    nr_tables,
    table0,
    table1,
}

const TASK_SIZE = 0x7ffffffff000;
const TLB_FLUSH_ALL = -1;
const MMU_GATHER_BUNDLE = 4;
const MAX_GATHER_BATCH = 4;
// MAX_GATHER_BATCH_COUNT is 10000UL / MAX_GATHER_BATCH (19 with 4 KiB pages); the
// scenarios' few pages never reach it.
const MAX_GATHER_BATCH_COUNT = 19;
const MAX_TABLE_BATCH = 2;

// ---- include/asm-generic/tlb.h ----

fn __tlb_adjust_range(tlb, address, range_size) source "include/asm-generic/tlb.h:__tlb_adjust_range@v6.12" {
    if address < tlb->start {
        tlb->start = address;
    }
    if address + range_size > tlb->end {
        tlb->end = address + range_size;
    }
}

fn __tlb_reset_range(tlb) source "include/asm-generic/tlb.h:__tlb_reset_range@v6.12" {
    if tlb->fullmm {
        tlb->start = -1;
        tlb->end = -1;
    } else {
        tlb->start = TASK_SIZE;
        tlb->end = 0;
    }
    tlb->freed_tables = false;
    tlb->cleared_ptes = false;
    tlb->cleared_pmds = false;
    // (cleared_puds, cleared_p4ds: no such levels here)
}

// SMP: "This both sets 'delayed_rmap', and returns true."
fn tlb_delay_rmap(tlb) source "include/asm-generic/tlb.h:tlb_delay_rmap@v6.12 (CONFIG_SMP)" {
    tlb->delayed_rmap = true;
    return true;
}

// x86's tlb_flush(): flush_tlb_mm_range() of the gathered range (stride and freed_tables are
// the machine's: every flush also drops the paging-structure caches).
fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v6.12" {
    let start = 0;
    let end = TLB_FLUSH_ALL;
    if !tlb->fullmm && !tlb->need_flush_all {
        start = tlb->start;
        end = tlb->end;
    }
    flush_tlb_range(tlb->mm, start, end);
}

fn tlb_update_vma_flags(tlb, vma) source "include/asm-generic/tlb.h:tlb_update_vma_flags@v6.12" {
    // vma_huge: no hugetlb
    tlb->vma_exec = (vma->vm_flags & VM_EXEC) != 0;
    tlb->vma_pfn = false; // no VM_PFNMAP / VM_MIXEDMAP mappings
}

// "Anything calling __tlb_adjust_range() also sets at least one of these bits."
fn tlb_flush_mmu_tlbonly(tlb) source "include/asm-generic/tlb.h:tlb_flush_mmu_tlbonly@v6.12" {
    if !(tlb->freed_tables || tlb->cleared_ptes || tlb->cleared_pmds) {
        return;
    }
    tlb_flush(tlb);
    __tlb_reset_range(tlb);
}

// flush_cache_range() is a no-op on x86.
fn tlb_start_vma(tlb, vma) source "include/asm-generic/tlb.h:tlb_start_vma@v6.12" {
    if tlb->fullmm {
        return;
    }
    tlb_update_vma_flags(tlb, vma);
}

// x86 does not select CONFIG_MMU_GATHER_MERGE_VMAS: a flush at every VMA's end.
fn tlb_end_vma(tlb, vma) source "include/asm-generic/tlb.h:tlb_end_vma@v6.12" {
    if tlb->fullmm {
        return;
    }
    // mutate: equivalent(delete-flush) on x86 this flush is for the range's size, not for safety ("this avoids the ranges growing with the unused space between consecutive VMAs, but also the mmu_gather::vma_* flags from tlb_start_vma() rely on this": x86's tlb_flush() reads no vma_* flag): without it the range stays gathered and tlb_finish_mmu(), or a full batch's tlb_flush_mmu(), flushes it before any gathered page or table is freed and before dec_tlb_flush_pending(), so a stale entry lives only while its flush is advertised pending; between two VMAs of one call (unmap_vmas(), mprotect's loop) the VMAs are detached or mmap_lock is held for write
    // "Do a TLB flush and reset the range at VMA boundaries"
    tlb_flush_mmu_tlbonly(tlb);
}

fn tlb_flush_pte_range(tlb, address, size) source "include/asm-generic/tlb.h:tlb_flush_pte_range@v6.12" {
    __tlb_adjust_range(tlb, address, size);
    tlb->cleared_ptes = true;
}

fn tlb_flush_pmd_range(tlb, address, size) source "include/asm-generic/tlb.h:tlb_flush_pmd_range@v6.12" {
    __tlb_adjust_range(tlb, address, size);
    tlb->cleared_pmds = true;
}

// tlb_remove_tlb_entry(): __tlb_remove_tlb_entry() is a no-op on x86.
fn tlb_remove_tlb_entry(tlb, ptep, address) source "include/asm-generic/tlb.h:tlb_remove_tlb_entry@v6.12" {
    tlb_flush_pte_range(tlb, address, PAGE_SIZE);
}

fn tlb_remove_tlb_entries(tlb, ptep, nr, address) source "include/asm-generic/tlb.h:tlb_remove_tlb_entries@v6.12" {
    tlb_flush_pte_range(tlb, address, PAGE_SIZE * nr);
}

// A huge leaf's TLB entry (__tlb_remove_pmd_tlb_entry() is a no-op on x86).
fn tlb_remove_pmd_tlb_entry(tlb, pmdp, address) source "include/asm-generic/tlb.h:tlb_remove_pmd_tlb_entry@v6.12" {
    tlb_flush_pmd_range(tlb, address, HPAGE_PMD_SIZE);
}

// "the flush must cover the table's range and drop the paging-structure caches"
fn pte_free_tlb(tlb, ptep, address) source "include/asm-generic/tlb.h:pte_free_tlb@v6.12" {
    tlb_flush_pmd_range(tlb, address, PAGE_SIZE);
    tlb->freed_tables = true;
    __pte_free_tlb(tlb, ptep, address);
}

fn __tlb_remove_page(tlb, page, delay_rmap) source "include/asm-generic/tlb.h:__tlb_remove_page@v6.12" {
    return __tlb_remove_page_size(tlb, page, delay_rmap, PAGE_SIZE);
}

// "tlb_remove_page_size(): a page whose batch is full is flushed at once"
fn tlb_remove_page_size(tlb, page, page_size) source "include/asm-generic/tlb.h:tlb_remove_page_size@v6.12" {
    if __tlb_remove_page_size(tlb, page, false, page_size) {
        // mutate: equivalent(delete-flush) not observable here: a full batch keeps a slot in reserve ("Make sure that we can always add another page"), and the only caller is zap_huge_pmd(); the model's mm deposits one table (mm->pmd_huge_pte), so a scenario has one huge leaf per mm and what comes after it is zap_pte_range(), which takes the reserved slot and flushes itself; a second huge leaf after a full batch would overfill it in the kernel
        tlb_flush_mmu(tlb);
    }
}

fn tlb_remove_page(tlb, page) source "include/asm-generic/tlb.h:tlb_remove_page@v6.12" {
    tlb_remove_page_size(tlb, page, PAGE_SIZE);
}

// ---- arch/x86 page-table freeing ----

// ___pte_free_tlb(): pagetable_pte_dtor() and paravirt_release_pte() change nothing modelled.
fn __pte_free_tlb(tlb, pte, address) source "arch/x86/mm/pgtable.c:___pte_free_tlb@v6.12" {
    paravirt_tlb_remove_table(tlb, pte);
}

// pv_ops.mmu.tlb_remove_table: tlb_remove_page() on native x86 (the table rides the page
// batch: freed by tlb_flush_mmu() after the flush, whose IPI waits for every CPU with IRQs
// disabled, such as a GUP-fast walker); tlb_remove_table() in a KVM guest with the PV TLB
// flush (kvm_guest_init()), whose flush does not interrupt preempted vCPUs. The native choice
// here; a test of a PV guest overrides this function.
fn paravirt_tlb_remove_table(tlb, table) source "arch/x86/include/asm/paravirt.h:paravirt_tlb_remove_table@v6.12 (native: tlb_remove_page)" {
    // tlb_remove_page(tlb, table): the model's table slots stand for the page batch's (a
    // third table before a flush is past the model's room).
    if tlb->nr_tables == 0 {
        tlb->table0 = table;
    } else if tlb->nr_tables == 1 {
        tlb->table1 = table;
    } else {
        not_modelled(); // more tables than the model's slots
    }
    tlb->nr_tables = tlb->nr_tables + 1;
}

// x86: free_page_and_swap_cache() of the table page. (`mm` is the model's: its pte_free()
// gives the table back to that mm's pool.)
fn __tlb_remove_table(mm, table) source "arch/x86/include/asm/tlb.h:__tlb_remove_table@v6.12" {
    pte_free(mm, table);
}

// ---- mm/mmu_gather.c ----

fn tlb_next_batch(tlb) source "mm/mmu_gather.c:tlb_next_batch@v6.12" {
    // Limit batching if we have delayed rmaps pending
    if tlb->delayed_rmap && tlb->active != tlb->local {
        return false;
    }
    let batch = tlb->active;
    if batch->next != null {
        tlb->active = batch->next;
        return true;
    }
    if tlb->batch_count == MAX_GATHER_BATCH_COUNT {
        return false;
    }
    // __get_free_page(GFP_NOWAIT | __GFP_NOWARN)
    if !get_free_page_nowait() {
        return false;
    }
    tlb->batch_count = tlb->batch_count + 1;
    batch = struct mmu_gather_batch { .next = null, .nr = 0, .max = MAX_GATHER_BATCH };
    tlb->active->next = batch;
    tlb->active = batch;
    return true;
}

// __get_free_page(GFP_NOWAIT | __GFP_NOWARN) for a new batch: it does not sleep or reclaim,
// and fails when no page is free at once. Whether it does depends on memory outside the
// model: both outcomes are explored.
fn get_free_page_nowait() source "mm/page_alloc.c:__get_free_pages@v6.12 (GFP_NOWAIT: may fail)" {
    return nondet();
}

// Slot i of a batch (the encoded_pages[] array).
fn batch_page(batch, i) source "include/asm-generic/tlb.h:encoded_page_ptr@v6.12 (batch->encoded_pages[i])" {
    if i == 0 {
        return batch->page0;
    } else if i == 1 {
        return batch->page1;
    } else if i == 2 {
        return batch->page2;
    }
    return batch->page3;
}

fn batch_delay_rmap(batch, i) source "include/asm-generic/tlb.h:encoded_page_flags@v6.12 (& ENCODED_PAGE_BIT_DELAY_RMAP)" {
    if i == 0 {
        return batch->delay0;
    } else if i == 1 {
        return batch->delay1;
    } else if i == 2 {
        return batch->delay2;
    }
    return batch->delay3;
}

// batch->encoded_pages[batch->nr++] = encode_page(page, flags)
fn batch_add(batch, page, delay) source "include/asm-generic/tlb.h:encode_page@v6.12 (batch->encoded_pages[batch->nr++])" {
    let i = batch->nr;
    if i == 0 {
        batch->page0 = page;
        batch->delay0 = delay;
    } else if i == 1 {
        batch->page1 = page;
        batch->delay1 = delay;
    } else if i == 2 {
        batch->page2 = page;
        batch->delay2 = delay;
    } else {
        batch->page3 = page;
        batch->delay3 = delay;
    }
    batch->nr = i + 1;
}

fn tlb_flush_rmap_batch(batch, vma) source "mm/mmu_gather.c:tlb_flush_rmap_batch@v6.12" {
    let i = 0;
    while i < batch->nr {
        if batch_delay_rmap(batch, i) {
            let page = batch_page(batch, i);
            // (ENCODED_PAGE_BIT_NR_PAGES_NEXT: order-0 folios only)
            folio_remove_rmap_pte(page_folio(page), page, vma);
        }
        i = i + 1;
    }
}

// "tlb_flush_rmaps - do pending rmap removals after we have flushed the TLB". Because of how
// tlb_next_batch() works, only the active batch and the local one can hold delayed rmaps.
fn tlb_flush_rmaps(tlb, vma) source "mm/mmu_gather.c:tlb_flush_rmaps@v6.12" {
    if !tlb->delayed_rmap {
        return;
    }
    tlb_flush_rmap_batch(tlb->local, vma);
    if tlb->active != tlb->local {
        tlb_flush_rmap_batch(tlb->active, vma);
    }
    tlb->delayed_rmap = false;
}

// __tlb_batch_free_encoded_pages() -> free_pages_and_swap_cache(): this CPU's LRU batch is
// drained first (lru_add_drain()), each folio's swap cache dropped if nothing maps it any
// more (free_swap_cache(): no swap cache in the tree), and the references dropped
// (folios_put_refs(): a folio_put() each).
fn __tlb_batch_free_encoded_pages(batch) source "mm/mmu_gather.c:__tlb_batch_free_encoded_pages@v6.12 -> mm/swap_state.c:free_pages_and_swap_cache()" {
    // cond_resched() between chunks: the batch is freed where the caller may sleep
    might_sleep();
    lru_add_drain();
    let i = 0;
    while i < batch->nr {
        free_swap_cache(batch_page(batch, i));
        i = i + 1;
    }
    i = 0;
    while i < batch->nr {
        folio_put(page_folio(batch_page(batch, i)));
        i = i + 1;
    }
    batch->nr = 0;
}

fn tlb_batch_pages_flush(tlb) source "mm/mmu_gather.c:tlb_batch_pages_flush@v6.12" {
    let batch = tlb->local;
    while batch != null && batch->nr > 0 {
        __tlb_batch_free_encoded_pages(batch);
        batch = batch->next;
    }
    tlb->active = tlb->local;
    // the PTE tables native x86 queued with the pages (paravirt_tlb_remove_table())
    if tlb->nr_tables > 0 {
        pte_free(tlb->mm, tlb->table0);
    }
    if tlb->nr_tables > 1 {
        pte_free(tlb->mm, tlb->table1);
    }
    tlb->nr_tables = 0;
}

// free_pages() of the chained batches: records need no freeing
fn tlb_batch_list_free(tlb) source "mm/mmu_gather.c:tlb_batch_list_free@v6.12" {
    tlb->local->next = null;
}

// Queue a page to free after the flush (with its rmap, if delay_rmap); true when the caller
// must flush now (a full batch and no new one). "Make sure that we can always add another
// "page" + "nr_pages", requiring two entries instead of only a single one."
fn __tlb_remove_folio_pages_size(tlb, page, nr_pages, delay_rmap, page_size) source "mm/mmu_gather.c:__tlb_remove_folio_pages_size@v6.12" {
    BUG_ON(!tlb->end);
    if nr_pages != 1 {
        not_modelled(); // large folios
    }
    let batch = tlb->active;
    batch_add(batch, page, delay_rmap);
    if batch->nr >= batch->max - 1 {
        if !tlb_next_batch(tlb) {
            return true;
        }
        batch = tlb->active;
    }
    // VM_BUG_ON_PAGE(batch->nr > batch->max - 1, page)
    BUG_ON(batch->nr > batch->max - 1);
    return false;
}

fn __tlb_remove_folio_pages(tlb, page, nr_pages, delay_rmap) source "mm/mmu_gather.c:__tlb_remove_folio_pages@v6.12" {
    return __tlb_remove_folio_pages_size(tlb, page, nr_pages, delay_rmap, PAGE_SIZE);
}

fn __tlb_remove_page_size(tlb, page, delay_rmap, page_size) source "mm/mmu_gather.c:__tlb_remove_page_size@v6.12" {
    return __tlb_remove_folio_pages_size(tlb, page, 1, delay_rmap, page_size);
}

// ---- CONFIG_MMU_GATHER_TABLE_FREE / CONFIG_MMU_GATHER_RCU_TABLE_FREE ----

fn __tlb_remove_table_free(batch) source "mm/mmu_gather.c:__tlb_remove_table_free@v6.12" {
    if batch->nr > 0 {
        __tlb_remove_table(batch->mm, batch->table0);
    }
    if batch->nr > 1 {
        __tlb_remove_table(batch->mm, batch->table1);
    }
    // free_page((unsigned long)batch): a record
}

// tlb_remove_table_smp_sync() and tlb_remove_table_sync_one() (mm/mmu_gather.c: "Simply
// deliver the interrupt"; smp_call_function(tlb_remove_table_smp_sync, NULL, 1), an IPI to
// every other CPU, waited for) are written in khugepaged.mmk by the helper who ported
// 2ba99c5e0881's call there; they belong to this file.

// call_rcu(&batch->rcu, tlb_remove_table_rcu): the tables are freed after an RCU-sched grace
// period, which IRQ-disabled sections (GUP-fast) hold off. Machine limit: no call_rcu() with a
// callback, and synchronize_rcu() waits only for rcu_read_lock() sections. The nearest
// faithful thing: wait, as tlb_remove_table_sync_one() does, until every CPU has taken an
// interrupt (so no IRQs-off walk that could see the tables is still running), then free. The
// free comes at the earliest moment the kernel's could, and the caller waits for it, which the
// kernel's does not (it loses interleavings where the caller runs on first: no path of the
// tree looks at a queued table again).
fn tlb_remove_table_free(batch) source "mm/mmu_gather.c:tlb_remove_table_free@v6.12 (CONFIG_MMU_GATHER_RCU_TABLE_FREE; call_rcu() modelled, see above)" {
    tlb_remove_table_sync_one();
    __tlb_remove_table_free(batch);
}

// "If we want tlb_remove_table() to imply TLB invalidates." (x86 does not select
// CONFIG_MMU_GATHER_NO_TABLE_INVALIDATE: tlb_needs_table_invalidate() is true.)
fn tlb_table_invalidate(tlb) source "mm/mmu_gather.c:tlb_table_invalidate@v6.12" {
    // mutate: equivalent(delete-flush) not observable here: the invalidation before a table is freed drops the paging-structure caches that may still point into it, which the machine does not have (its TLB caches leaf translations, which name pages, not tables); the leaf entries of the range stay gathered and are flushed before any gathered page is freed
    tlb_flush_mmu_tlbonly(tlb);
}

fn tlb_remove_table_one(mm, table) source "mm/mmu_gather.c:tlb_remove_table_one@v6.12 (__tlb_remove_table_one())" {
    tlb_remove_table_sync_one();
    __tlb_remove_table(mm, table);
}

fn tlb_table_flush(tlb) source "mm/mmu_gather.c:tlb_table_flush@v6.12" {
    if tlb->batch != null {
        // mutate: equivalent(swap-adjacent) not observable here: freeing the tables before the invalidation leaves the paging-structure caches pointing into freed tables, which the machine does not have (its TLB caches leaf translations, which name pages, not tables; GUP-fast, the software walker, is ordered by tlb_remove_table_free()'s IPI either way); the leaf entries of the range stay gathered and are flushed before any gathered page is freed
        tlb_table_invalidate(tlb);
        tlb_remove_table_free(tlb->batch);
        tlb->batch = null;
    }
}

fn tlb_remove_table(tlb, table) source "mm/mmu_gather.c:tlb_remove_table@v6.12" {
    if tlb->batch == null {
        // __get_free_page(GFP_NOWAIT | __GFP_NOWARN)
        if !get_free_page_nowait() {
            // mutate: equivalent(swap-adjacent) not observable here: the invalidation before the free drops the hardware walkers' paging-structure caches, and the tests' walker of a freed table is GUP-fast's software walk, which the IPI of tlb_remove_table_one() orders; a CPU whose paging-structure cache still names the table and then accesses the range would see it
            tlb_table_invalidate(tlb);
            tlb_remove_table_one(tlb->mm, table);
            return;
        }
        tlb->batch = struct mmu_table_batch { .mm = tlb->mm, .nr = 0 };
    }
    let batch = tlb->batch;
    if batch->nr == 0 {
        batch->table0 = table;
    } else {
        batch->table1 = table;
    }
    batch->nr = batch->nr + 1;
    if batch->nr == MAX_TABLE_BATCH {
        tlb_table_flush(tlb);
    }
}

fn tlb_table_init(tlb) source "mm/mmu_gather.c:tlb_table_init@v6.12" {
    tlb->batch = null;
}

fn tlb_flush_mmu_free(tlb) source "mm/mmu_gather.c:tlb_flush_mmu_free@v6.12" {
    // mutate: equivalent(swap-adjacent) both come after tlb_flush_mmu_tlbonly(); in the kernel tlb_table_flush() only queues the tables (call_rcu()), so the pages are freed before the tables are in the kernel's own order: only the model's synchronous wait for the grace period makes the original stricter, and no CPU reaches a gathered page through a table (the PTEs were cleared before)
    tlb_table_flush(tlb);
    tlb_batch_pages_flush(tlb);
}

fn tlb_flush_mmu(tlb) source "mm/mmu_gather.c:tlb_flush_mmu@v6.12" {
    tlb_flush_mmu_tlbonly(tlb);
    tlb_flush_mmu_free(tlb);
}

// `tlb` is the caller's on-stack struct mmu_gather: `let tlb = struct mmu_gather {};
// tlb_gather_mmu(&tlb, mm);` (or the record itself).
fn __tlb_gather_mmu(tlb, mm, fullmm) source "mm/mmu_gather.c:__tlb_gather_mmu@v6.12" {
    tlb->mm = mm;
    tlb->fullmm = fullmm;
    tlb->need_flush_all = false;
    tlb->local = struct mmu_gather_batch { .next = null, .nr = 0, .max = MMU_GATHER_BUNDLE };
    tlb->active = tlb->local;
    tlb->batch_count = 0;
    tlb->delayed_rmap = false;
    tlb_table_init(tlb);
    tlb->nr_tables = 0;
    __tlb_reset_range(tlb);
    inc_tlb_flush_pending(tlb->mm);
}

fn tlb_gather_mmu(tlb, mm) source "mm/mmu_gather.c:tlb_gather_mmu@v6.12" {
    __tlb_gather_mmu(tlb, mm, false);
}

// "@mm is without users and we're going to destroy the full address space (exit/execve)."
fn tlb_gather_mmu_fullmm(tlb, mm) source "mm/mmu_gather.c:tlb_gather_mmu_fullmm@v6.12" {
    __tlb_gather_mmu(tlb, mm, true);
}

fn tlb_finish_mmu(tlb) source "mm/mmu_gather.c:tlb_finish_mmu@v6.12" {
    // "If there are parallel threads are doing PTE changes on same range under non-exclusive
    // lock (e.g., mmap_lock read-side) but defer TLB flush by batching, one thread may end up
    // seeing inconsistent PTEs and result in having stale TLB entries. So flush TLB
    // forcefully if we detect parallel PTE batching threads."
    if mm_tlb_flush_nested(tlb->mm) {
        tlb->fullmm = true;
        __tlb_reset_range(tlb);
        tlb->freed_tables = true;
    }
    tlb_flush_mmu(tlb);
    tlb_batch_list_free(tlb);
    dec_tlb_flush_pending(tlb->mm);
}

// mm/mmu_gather.c with CONFIG_MMU_GATHER_RCU_TABLE_FREE (x86 selects it): "This isn't an
// RCU grace period and hence the page-tables cannot be assumed to be actually RCU-freed. It
// is however sufficient for software page-table walkers that rely on IRQ disabling."
// smp_call_function(tlb_remove_table_smp_sync, NULL, 1): an IPI to every other online CPU,
// waiting until each has taken it (a CPU with IRQs disabled, as GUP-fast runs, holds it
// off). The loop is smp_call_function_many_cond()'s (smp.mmk) over cpu_online_mask, which
// the tree keeps as no word.
fn tlb_remove_table_sync_one() source "mm/mmu_gather.c:tlb_remove_table_sync_one@v6.12" {
    let this_cpu = smp_processor_id();
    let cpu = 0;
    while cpu < nr_cpu_ids() {
        if cpu != this_cpu {
            __smp_call_single_queue(cpu, tlb_remove_table_smp_sync, null);
        }
        cpu += 1;
    }
    cpu = 0;
    while cpu < nr_cpu_ids() {
        if cpu != this_cpu {
            csd_lock_wait(cpu);
        }
        cpu += 1;
    }
}

// "Simply deliver the interrupt". Machine limit: a handler with no step of its own folds
// its return into the interrupted CPU's next shared access, and that CPU may be blocked on
// a lock the sender holds (GUP-fast's slow path waiting for khugepaged's mmap_lock), which
// left the sender's csd_lock_wait() waiting for ever; the empty atomic block is the
// handler's one step (it touches nothing).
fn tlb_remove_table_smp_sync(arg) source "mm/mmu_gather.c:tlb_remove_table_smp_sync@v6.12" {
    atomic {
    }
}
