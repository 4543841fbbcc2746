// copy_page_range() of 6.12 without mm->write_protect_seq: the code before 57efa1fe5957
// ("mm/gup: prevent gup_fast from racing with COW during fork", Jason Gunthorpe, v5.11-rc1,
// backported to v5.10.4), which put fork's page-table copy of a COW mapping inside the
// seqcount's write side for GUP-fast to check. The rest is models/linux-6.12/fork.mmk's.
// folio_needs_cow_for_dma() in models/linux-6.12/page.mmk leaves out its VM_BUG_ON() on the
// count being odd, which the 6.12 text has and a kernel without the seqcount would not.
override fn copy_page_range(dst_vma, src_vma) source "mm/memory.c:copy_page_range@v6.12 without write_protect_seq (before 57efa1fe5957)" {
    let addr = src_vma->vm_start;
    let end = src_vma->vm_end;
    if !vma_needs_copy(dst_vma, src_vma) {
        return 0;
    }
    return copy_pmd_range(dst_vma, src_vma, addr, end);
}
