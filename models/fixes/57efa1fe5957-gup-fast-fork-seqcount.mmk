// 57efa1fe5957 "mm/gup: prevent gup_fast from racing with COW during fork" (Jason
// Gunthorpe; v5.11-rc1, backported to v5.10.4): fork's page-table copy of a COW mapping
// runs inside the write side of mm->write_protect_seq, and a FOLL_PIN GUP-fast gives up
// (returning 0 pages, so the caller takes the slow path under mmap_lock, which fork holds
// for write) if the count was odd when it started or changed during its walk; whatever it
// pinned meanwhile it unpins. The commit also moved GUP-fast into lockless_pages_from_mm()
// (c28b1fc70390); the model keeps v5.10.0's single function with the new lines.
// seqcount_init() in mm_init(): a fresh mm's count is 0.

override fn copy_page_range(dst_vma, src_vma) source "mm/memory.c:copy_page_range@v5.10.4 (57efa1fe5957)" {
    let addr = src_vma->vm_start;
    let end = src_vma->vm_end;
    let src_mm = src_vma->vm_mm;
    let is_cow = is_cow_mapping(src_vma->vm_flags);
    if is_cow {
        // mmu_notifier_invalidate_range_start(): no secondary MMUs
        // "Disabling preemption is not needed for the write side, as the read side doesn't
        // spin, but goes to the mmap_lock."
        write_seqcount_begin(&src_mm->write_protect_seq); // raw_: no lockdep, no preemption here
    }
    let ret = copy_pmd_range(dst_vma, src_vma, addr, end);
    if is_cow {
        write_seqcount_end(&src_mm->write_protect_seq);
    }
    return ret;
}

override fn internal_get_user_pages_fast(start, nr_pages, gup_flags, pages) source "mm/gup.c:lockless_pages_from_mm@v5.10.4 (57efa1fe5957), in internal_get_user_pages_fast()" {
    let mm = current_mm();
    if gup_flags & FOLL_PIN {
        atomic_set(&mm->has_pinned, 1);
    }
    let nr_pinned = 0;
    let ret = 0;
    let seq = 0;
    let fast = true;
    if gup_flags & FOLL_PIN {
        seq = raw_read_seqcount(&mm->write_protect_seq);
        if seq & 1 {
            fast = false;
        }
    }
    if fast {
        let flags = local_irq_save();
        gup_pgd_range(start, start + nr_pages * PAGE_SIZE, gup_flags, pages, &nr_pinned);
        local_irq_restore(flags);
        // "When pinning pages for DMA there could be a concurrent write protect from fork()
        // via copy_page_range(), in this case always fail fast GUP."
        if (gup_flags & FOLL_PIN) != 0 && read_seqcount_retry(&mm->write_protect_seq, seq) {
            if nr_pinned == 1 {
                unpin_user_page(*pages); // unpin_user_pages(pages, nr_pinned)
            }
            nr_pinned = 0;
        }
    }
    ret = nr_pinned;
    if nr_pinned < nr_pages && (gup_flags & FOLL_FAST_ONLY) == 0 {
        ret = __gup_longterm_unlocked(start, nr_pages - nr_pinned, gup_flags, pages);
    }
    return ret;
}
