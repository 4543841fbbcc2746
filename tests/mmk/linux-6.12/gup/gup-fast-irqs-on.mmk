// A mutant of 6.12's gup_fast() for gup-fast-vs-munmap.mmk: the walk without
// local_irq_save()/local_irq_restore(), so the TLB flush that frees a table does not wait
// for it. Not a kernel version: a check that the scenario can fail.
override fn gup_fast(start, end, gup_flags, pages) source "mm/gup.c:gup_fast@v6.12 without local_irq_save() (a mutant)" {
    let mm = current_mm();
    let nr_pinned = 0;
    let seq = 0;
    if gup_flags & FOLL_PIN {
        seq = raw_read_seqcount(&mm->write_protect_seq);
        if seq & 1 {
            return 0;
        }
    }
    gup_fast_pgd_range(start, end, gup_flags, pages, &nr_pinned);
    if gup_flags & FOLL_PIN {
        if read_seqcount_retry(&mm->write_protect_seq, seq) {
            gup_fast_unpin_user_pages(pages, nr_pinned);
            return 0;
        }
    }
    return nr_pinned;
}
