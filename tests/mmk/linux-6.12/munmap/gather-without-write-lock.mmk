// Not a test: vms_gather_munmap_vmas() without the vma_start_write() of each VMA it detaches,
// the code before 73046fd00b06 ("mm: write-lock VMAs before removing them from VMA tree",
// Suren Baghdasaryan, v6.4-rc1, in the series that brought CONFIG_PER_VMA_LOCK): munmap()
// took the VMAs out of the tree under mmap_lock only, which a fault holding the VMA's read
// lock (lock_vma_under_rcu()) does not wait for. "Write-locking VMAs before isolating them
// ensures that page fault handlers don't operate on isolated VMAs." The rest is 6.12's text.
override fn vms_gather_munmap_vmas(vms) source "mm/vma.c:vms_gather_munmap_vmas@v6.12 without 73046fd00b06's vma_start_write()" {
    if vms->start > vms->vma->vm_start {
        let error = __split_vma(vms->vma->vm_mm, vms->vma, vms->start, 1);
        if error != 0 {
            return error;
        }
    }
    vms->prev = vms->vma->vm_prev;
    if vms->prev != null {
        vms->unmap_start = vms->prev->vm_end;
    }
    let next = vms->vma;
    while next != null && next->vm_start < vms->end {
        if next->vm_end > vms->end {
            let error = __split_vma(next->vm_mm, next, vms->end, 0);
            if error != 0 {
                reattach_vmas(vms);
                return error;
            }
        }
        // (no vma_start_write(next) here)
        vms->vma_count = vms->vma_count + 1;
        vma_mark_detached_unlocked(next);
        vms->nr_pages = vms->nr_pages + (next->vm_end - next->vm_start);
        next = next->vm_next;
    }
    vms->next = next;
    if vms->next != null {
        vms->unmap_end = vms->next->vm_start;
    }
    vms->clear_ptes = true;
    return 0;
}

// vma_mark_detached(vma, true) asserts the VMA is write-locked ("When detaching vma should be
// write-locked"), an assertion 73046fd00b06's series added with the lock; before it, the flag
// was written without one.
fn vma_mark_detached_unlocked(vma) source "include/linux/mm.h:vma_mark_detached@v6.12 without its vma_assert_write_locked()" {
    vma->detached = true;
}
