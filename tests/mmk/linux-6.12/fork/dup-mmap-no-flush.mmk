// dup_mmap() of 6.12 without its flush_tlb_mm(oldmm) after the copy (a mutation, for the test:
// no kernel shipped it; every COW fork since the early days flushes the parent here, before it
// releases the parent's mmap_lock). The rest is models/linux-6.12/fork.mmk's dup_mmap() for
// scenarios of plain anonymous VMAs (no VM_DONTCOPY or VM_WIPEONFORK).
override fn dup_mmap(mm, oldmm) source "kernel/fork.c:dup_mmap@v6.12 without flush_tlb_mm(oldmm) (a mutation, for the test)" {
    mmap_write_lock(oldmm);
    mmap_write_lock(mm);
    let retval = 0;
    let prev = null;
    let mpnt = oldmm->mmap;
    while mpnt != null {
        vma_start_write(mpnt);
        let tmp = vm_area_dup(mpnt, mm);
        anon_vma_fork(tmp, mpnt);
        vma_start_write(tmp);
        tmp->vm_flags = tmp->vm_flags & ~VM_LOCKED_MASK;
        if prev == null {
            mm->mmap = tmp;
        } else {
            prev->vm_next = tmp;
        }
        tmp->vm_prev = prev;
        prev = tmp;
        retval = copy_page_range(tmp, mpnt);
        mpnt = mpnt->vm_next;
    }
    mmap_write_unlock(mm);
    // flush_tlb_mm(oldmm): missing
    mmap_write_unlock(oldmm);
    return retval;
}
