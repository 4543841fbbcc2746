// The mmu_gather of v5.10: mm/mmu_gather.c, include/asm-generic/tlb.h and x86's
// arch/x86/include/asm/tlb.h (text read from a v5.10.142 tree; these functions are as in
// v5.10). A PTE table freed through the gather (pte_free_tlb()) is freed after the flush,
// with the pages: native x86 queues it like a page (___pte_free_tlb() ->
// paravirt_tlb_remove_table() -> tlb_remove_page()); here tables have two slots of their
// own in the gather, freed in tlb_batch_pages_flush() after the pages. A page batch holds four
// pages instead of MAX_GATHER_BATCH: when one is full, tlb_next_batch() chains a new batch,
// and only when that GFP_NOWAIT allocation fails (a choice the search takes both ways) does
// __tlb_remove_page() ask the caller to flush now, as in the kernel.

struct mmu_gather_batch {
    next,
    nr,
    page0,
    page1,
    page2,
    page3,
}

struct mmu_gather {
    mm,
    start,
    end,
    fullmm,
    need_flush_all,
    freed_tables,
    cleared_ptes,
    cleared_pmds,
    local,
    active,
    batch_count,
    // the PTE tables queued by pte_free_tlb() (the kernel's page batch; see above)
    nr_tables,
    table0,
    table1,
}

const TASK_SIZE = 0x7ffffffff000;
const TLB_FLUSH_ALL = -1;
const MMU_GATHER_MODEL_BATCH = 4;
// MAX_GATHER_BATCH_COUNT is 10000UL / MAX_GATHER_BATCH (19 with 4 KiB pages); the
// scenarios' few pages never reach it.
const MAX_GATHER_BATCH_COUNT = 19;

fn tlb_gather_mmu(mm, start, end) source "mm/mmu_gather.c:tlb_gather_mmu@v5.10" {
    let tlb = struct mmu_gather { .mm = mm, .nr_tables = 0 };
    // fullmm = !(start | (end+1))
    tlb->fullmm = (start | (end + 1)) == 0;
    tlb->need_flush_all = false;
    tlb->local = struct mmu_gather_batch { .next = null, .nr = 0 };
    tlb->active = tlb->local;
    tlb->batch_count = 0;
    __tlb_reset_range(tlb);
    inc_tlb_flush_pending(tlb->mm);
    return tlb;
}

fn __tlb_reset_range(tlb) source "include/asm-generic/tlb.h:__tlb_reset_range@v5.10" {
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
}

fn __tlb_adjust_range(tlb, address, range_size) source "include/asm-generic/tlb.h:__tlb_adjust_range@v5.10" {
    if address < tlb->start {
        tlb->start = address;
    }
    if address + range_size > tlb->end {
        tlb->end = address + range_size;
    }
}

// tlb_remove_tlb_entry() -> tlb_flush_pte_range(); __tlb_remove_tlb_entry is a no-op on x86
fn tlb_remove_tlb_entry(tlb, ptep, address) source "include/asm-generic/tlb.h:tlb_remove_tlb_entry@v5.10" {
    __tlb_adjust_range(tlb, address, PAGE_SIZE);
    tlb->cleared_ptes = true;
}

// __get_free_pages(GFP_NOWAIT | __GFP_NOWARN, 0) for a new batch: it does not sleep or
// reclaim, and fails when no page is free at once. Whether it does depends on memory outside
// the model: both outcomes are explored.
fn get_free_page_nowait() source "mm/page_alloc.c:__get_free_pages@v5.10 (GFP_NOWAIT: may fail)" {
    return nondet();
}

fn tlb_next_batch(tlb) source "mm/mmu_gather.c:tlb_next_batch@v5.10" {
    let batch = tlb->active;
    if batch->next != null {
        tlb->active = batch->next;
        return true;
    }
    if tlb->batch_count == MAX_GATHER_BATCH_COUNT {
        return false;
    }
    if !get_free_page_nowait() {
        return false;
    }
    tlb->batch_count = tlb->batch_count + 1;
    batch = struct mmu_gather_batch { .next = null, .nr = 0 };
    tlb->active->next = batch;
    tlb->active = batch;
    return true;
}

// Queue a page to free after the flush; true when it must be flushed now (a full batch and
// no new one).
fn __tlb_remove_page(tlb, page) source "mm/mmu_gather.c:__tlb_remove_page_size@v5.10" {
    let batch = tlb->active;
    if batch->nr == 0 {
        batch->page0 = page;
    } else if batch->nr == 1 {
        batch->page1 = page;
    } else if batch->nr == 2 {
        batch->page2 = page;
    } else {
        batch->page3 = page;
    }
    batch->nr = batch->nr + 1;
    if batch->nr == MMU_GATHER_MODEL_BATCH {
        if !tlb_next_batch(tlb) {
            return true;
        }
    }
    // VM_BUG_ON_PAGE(batch->nr > batch->max, page): a caller that ignored the forced flush
    // has written past the batch (the model's last slot took the page).
    BUG_ON(tlb->active->nr > MMU_GATHER_MODEL_BATCH);
    return false;
}

// arch/x86/include/asm/tlb.h
fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v5.10" {
    let start = 0;
    let end = TLB_FLUSH_ALL;
    if !tlb->fullmm && !tlb->need_flush_all {
        start = tlb->start;
        end = tlb->end;
    }
    // flush_tlb_mm_range()
    flush_tlb_range(tlb->mm, start, end);
}

// Since 0758cd830494 (v5.2): no flush unless something was recorded as cleared.
fn tlb_flush_mmu_tlbonly(tlb) source "include/asm-generic/tlb.h:tlb_flush_mmu_tlbonly@v5.10" {
    // (cleared_puds and cleared_p4ds: no such levels here)
    if !(tlb->freed_tables || tlb->cleared_ptes || tlb->cleared_pmds) {
        return;
    }
    tlb_flush(tlb);
    // mmu_notifier_invalidate_range(): no secondary MMUs
    __tlb_reset_range(tlb);
}

// tlb_flush_mmu_free() -> tlb_batch_pages_flush() -> free_pages_and_swap_cache(), which
// drains this CPU's LRU pagevec first (lru_add_drain()), drops each page's swap cache if
// nothing maps it any more (free_swap_cache(): a swap cache exists with the swap opt-in)
// and then release_pages() the batch: a put_page() each.
fn tlb_batch_pages_flush(tlb) source "mm/mmu_gather.c:tlb_batch_pages_flush@v5.10" {
    let batch = tlb->local;
    while batch != null && batch->nr > 0 {
        lru_add_drain();
        if batch->nr > 0 {
            free_swap_cache(batch->page0);
        }
        if batch->nr > 1 {
            free_swap_cache(batch->page1);
        }
        if batch->nr > 2 {
            free_swap_cache(batch->page2);
        }
        if batch->nr > 3 {
            free_swap_cache(batch->page3);
        }
        if batch->nr > 0 {
            put_page(batch->page0);
        }
        if batch->nr > 1 {
            put_page(batch->page1);
        }
        if batch->nr > 2 {
            put_page(batch->page2);
        }
        if batch->nr > 3 {
            put_page(batch->page3);
        }
        batch->nr = 0;
        batch = batch->next;
    }
    tlb->active = tlb->local;
    // the PTE tables, which the kernel's batch holds with the pages
    if tlb->nr_tables > 0 {
        pte_free(tlb->mm, tlb->table0);
    }
    if tlb->nr_tables > 1 {
        pte_free(tlb->mm, tlb->table1);
    }
    tlb->nr_tables = 0;
}

// include/asm-generic/tlb.h: the flush must cover the table's range and drop the
// paging-structure caches (freed_tables).
fn pte_free_tlb(tlb, ptep, address) source "include/asm-generic/tlb.h:pte_free_tlb@v5.10" {
    tlb_flush_pmd_range(tlb, address, PAGE_SIZE);
    tlb->freed_tables = true;
    __pte_free_tlb(tlb, ptep, address);
}

// include/asm-generic/tlb.h
fn tlb_flush_pmd_range(tlb, address, size) source "include/asm-generic/tlb.h:tlb_flush_pmd_range@v5.10" {
    __tlb_adjust_range(tlb, address, size);
    tlb->cleared_pmds = true;
}

// include/asm-generic/tlb.h: a huge leaf's TLB entry (__tlb_remove_pmd_tlb_entry() is a
// no-op on x86).
fn tlb_remove_pmd_tlb_entry(tlb, pmdp, address) source "include/asm-generic/tlb.h:tlb_remove_pmd_tlb_entry@v5.10" {
    tlb_flush_pmd_range(tlb, address, HPAGE_PMD_SIZE);
}

// arch/x86/mm/pgtable.c ___pte_free_tlb(): pgtable_pte_page_dtor() and
// paravirt_release_pte() change nothing modelled; paravirt_tlb_remove_table() is
// tlb_remove_page() on native x86, which flushes at once when the batch is full (two
// tables here: a third is a model error).
fn __pte_free_tlb(tlb, pte, address) source "arch/x86/mm/pgtable.c:___pte_free_tlb@v5.10" {
    if tlb->nr_tables == 0 {
        tlb->table0 = pte;
    } else if tlb->nr_tables == 1 {
        tlb->table1 = pte;
    } else {
        not_modelled(); // more tables than the model's slots
    }
    tlb->nr_tables = tlb->nr_tables + 1;
}

// free_pages() of the chained batches: records need no freeing
fn tlb_batch_list_free(tlb) source "mm/mmu_gather.c:tlb_batch_list_free@v5.10" {
    tlb->local->next = null;
}

fn tlb_flush_mmu(tlb) source "mm/mmu_gather.c:tlb_flush_mmu@v5.10" {
    tlb_flush_mmu_tlbonly(tlb);
    tlb_batch_pages_flush(tlb);
}

fn tlb_finish_mmu(tlb, start, end) source "mm/mmu_gather.c:tlb_finish_mmu@v5.10" {
    // Parallel batchers may have seen inconsistent PTEs: flush everything.
    if mm_tlb_flush_nested(tlb->mm) {
        tlb->fullmm = true;
        __tlb_reset_range(tlb);
        tlb->freed_tables = true;
    }
    tlb_flush_mmu(tlb);
    tlb_batch_list_free(tlb);
    dec_tlb_flush_pending(tlb->mm);
}
