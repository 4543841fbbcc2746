// dup_mmap() of 6.12 without vma_start_write() of the parent's VMAs: the code of 6.4, which
// enabled per-VMA locks on x86 (0bff0aaea03e) before fork took them. Restored by
// "fork: lock VMAs of the parent process when forking" (Suren Baghdasaryan, 2b4f3b4987b5 and
// fb49c455323f, 6.5-rc1; backported to 6.4.3 with per-VMA locks disabled meanwhile by
// f96c48670319). The rest is models/linux-6.12/fork.mmk's dup_mmap() for scenarios of plain
// anonymous VMAs (no VM_DONTCOPY or VM_WIPEONFORK); the child's own VMA is still write-locked
// by vm_flags_clear(), which 6.4 did not have either (it changes nothing another CPU sees:
// the child's mm is private until fork returns).
override fn dup_mmap(mm, oldmm) source "kernel/fork.c:dup_mmap@v6.12 without vma_start_write(mpnt) (6.4, before 2b4f3b4987b5)" {
    mmap_write_lock(oldmm);
    mmap_write_lock(mm);
    let retval = 0;
    let prev = null;
    let mpnt = oldmm->mmap;
    while mpnt != null {
        // vma_start_write(mpnt): missing
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
    flush_tlb_mm(oldmm);
    mmap_write_unlock(oldmm);
    return retval;
}

// copy_page_range() as 6.4 had it: mmap_assert_write_locked(src_mm) (lockdep's, not modelled)
// where 6.12 has vma_assert_write_locked(src_vma), which "mm: replace mmap with vma write lock
// assertions when operating on a vma" (Suren Baghdasaryan, 6.6) put in once fork locked the
// VMAs. The rest is models/linux-6.12/fork.mmk's.
override fn copy_page_range(dst_vma, src_vma) source "mm/memory.c:copy_page_range@v6.12 with 6.4's mmap_assert_write_locked()" {
    let addr = src_vma->vm_start;
    let end = src_vma->vm_end;
    let src_mm = src_vma->vm_mm;
    if !vma_needs_copy(dst_vma, src_vma) {
        return 0;
    }
    let is_cow = is_cow_mapping(src_vma->vm_flags);
    if is_cow {
        // mmap_assert_write_locked(src_mm): lockdep, not modelled
        write_seqcount_begin(&src_mm->write_protect_seq);
    }
    let ret = copy_pmd_range(dst_vma, src_vma, addr, end);
    if is_cow {
        write_seqcount_end(&src_mm->write_protect_seq);
    }
    return ret;
}
