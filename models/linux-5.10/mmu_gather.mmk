// The mmu_gather of v5.10: mm/mmu_gather.c, include/asm-generic/tlb.h and x86's
// arch/x86/include/asm/tlb.h (text read from a v5.10.142 tree; these functions are as in
// v5.10). Page-table freeing (tlb_remove_table) is not modelled. The page batch holds
// four pages instead of MMU_GATHER_BUNDLE: a full batch forces a flush, as in the kernel.

struct mmu_gather {
    mm,
    start,
    end,
    fullmm,
    need_flush_all,
    freed_tables,
    cleared_ptes,
    nr,
    page0,
    page1,
    page2,
    page3,
}

const TASK_SIZE = 0x7ffffffff000;
const TLB_FLUSH_ALL = -1;
const MMU_GATHER_MODEL_BATCH = 4;

fn tlb_gather_mmu(mm, start, end) source "mm/mmu_gather.c:tlb_gather_mmu@v5.10" {
    let tlb = struct mmu_gather { .mm = mm };
    // fullmm = !(start | (end+1))
    tlb->fullmm = (start | (end + 1)) == 0;
    tlb->need_flush_all = false;
    tlb->nr = 0;
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

// Queue a page to free after the flush; true when the batch is full (flush now).
fn __tlb_remove_page(tlb, page) source "mm/mmu_gather.c:__tlb_remove_page_size@v5.10" {
    if tlb->nr == 0 {
        tlb->page0 = page;
    } else if tlb->nr == 1 {
        tlb->page1 = page;
    } else if tlb->nr == 2 {
        tlb->page2 = page;
    } else {
        tlb->page3 = page;
    }
    tlb->nr = tlb->nr + 1;
    return tlb->nr == MMU_GATHER_MODEL_BATCH;
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
    if !(tlb->freed_tables || tlb->cleared_ptes) {
        return;
    }
    tlb_flush(tlb);
    // mmu_notifier_invalidate_range(): no secondary MMUs
    __tlb_reset_range(tlb);
}

// tlb_flush_mmu_free() -> tlb_batch_pages_flush() -> free_pages_and_swap_cache()
fn tlb_batch_pages_flush(tlb) source "mm/mmu_gather.c:tlb_batch_pages_flush@v5.10" {
    if tlb->nr > 0 {
        put_page(tlb->page0);
    }
    if tlb->nr > 1 {
        put_page(tlb->page1);
    }
    if tlb->nr > 2 {
        put_page(tlb->page2);
    }
    if tlb->nr > 3 {
        put_page(tlb->page3);
    }
    tlb->nr = 0;
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
    dec_tlb_flush_pending(tlb->mm);
}
