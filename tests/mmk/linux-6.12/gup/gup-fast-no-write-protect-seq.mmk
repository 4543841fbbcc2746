// gup_fast() without 57efa1fe5957 ("mm/gup: prevent gup_fast from racing with COW during
// fork", Jason Gunthorpe, v5.11-rc1, backported to v5.10.4): no read of
// mm->write_protect_seq before the walk and no read_seqcount_retry() after it, so a
// FOLL_PIN walk that overlapped fork's copy_page_range() keeps its pin. (Fork's write side
// stays: it is copy_page_range()'s, and without a reader it orders nothing.)
override fn gup_fast(start, end, gup_flags, pages) source "mm/gup.c:gup_fast@v6.12 without the write_protect_seq check (before 57efa1fe5957)" {
    let nr_pinned = 0;
    let flags = local_irq_save();
    gup_fast_pgd_range(start, end, gup_flags, pages, &nr_pinned);
    local_irq_restore(flags);
    return nr_pinned;
}
