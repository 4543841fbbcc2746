// Huang Ying's "mm/rmap: fix potential batched TLB flush race" (mm tree, Nov 2021; the
// text here is the patch as posted for review, 23 Nov 2021), on v5.10 with the swap opt-in:
// mm->tlb_flush_batched becomes a count that reclaim raises; flush_tlb_batched_pending()
// clears it only if nobody raised it again while it flushed (atomic_cmpxchg()), so a flush
// reclaim deferred under another PTL meanwhile is not lost.

// include/linux/mm_types.h: the v5.10 fields (mm_types.mmk), tlb_flush_batched an atomic_t.
struct mm_struct source "include/linux/mm_types.h:struct mm_struct@v5.10 with tlb_flush_batched an atomic_t (the Nov 2021 fix)" {
    mmap: handle guarded_by mmap_lock;
    mmap_lock: rw_semaphore;
    tlb_flush_pending: atomic_t;
    tlb_flush_batched: atomic_t;
    cpu_bitmap: bits;
    context_tlb_gen: atomic_t;
    has_pinned: atomic_t;
    write_protect_seq: seqcount_t;
    page_table_lock: spinlock_t;
    mm_users: atomic_t = 1;
    pmd_huge_pte: handle;
}

// opt-in/swap-v5.10.mmk's batch, with the count raised instead of the flag set.
override fn set_tlb_ubc_flush_pending(mm, writable) source "mm/rmap.c:set_tlb_ubc_flush_pending@v5.10 with the Nov 2021 fix" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if tlb_ubc->flush_required && tlb_ubc->mm != mm {
        not_modelled(); // a batch of two mms' flushes
    }
    tlb_ubc->mm = mm; // arch_tlbbatch_add_mm()
    tlb_ubc->flush_required = 1;
    atomic_inc(&mm->tlb_flush_batched);
    if writable {
        tlb_ubc->writable = 1;
    }
}

// If the new TLB flushing is pended during flushing, leave mm->tlb_flush_batched as is,
// to avoid to lose flushing.
override fn flush_tlb_batched_pending(mm) source "mm/rmap.c:flush_tlb_batched_pending@v5.10 with the Nov 2021 fix" {
    let batched = atomic_read(&mm->tlb_flush_batched);
    if batched != 0 {
        flush_tlb_mm(mm);
        atomic_cmpxchg(&mm->tlb_flush_batched, batched, 0);
    }
}
