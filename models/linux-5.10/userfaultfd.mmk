// userfaultfd write-protect as of v5.10: mm/userfaultfd.c and fs/userfaultfd.c.
// One uffd context per mm, registered on every VMA with VM_UFFD_*; never released, and no
// non-cooperative events (mmap_changing stays false).

// mm/userfaultfd.c: protect (enable_wp) or unprotect a range, under mmap_read_lock.
fn mwriteprotect_range(dst_mm, start, len, enable_wp) source "mm/userfaultfd.c:mwriteprotect_range@v5.10" {
    BUG_ON(start + len <= start);
    mmap_read_lock(dst_mm);
    // *mmap_changing is never set here
    let err = -ENOENT;
    // find_dst_vma(): the VMA must contain the whole range
    let dst_vma = find_vma(dst_mm, start);
    if dst_vma == null || start + len > dst_vma->vm_end || (dst_vma->vm_flags & VM_SHARED) {
        mmap_read_unlock(dst_mm);
        return err;
    }
    if !userfaultfd_wp(dst_vma) {
        mmap_read_unlock(dst_mm);
        return err;
    }
    // vma_is_anonymous(): every modelled VMA is anonymous
    let newprot = vm_get_page_prot(dst_vma->vm_flags);
    let cp_flags = MM_CP_UFFD_WP_RESOLVE;
    if enable_wp {
        newprot = vm_get_page_prot(dst_vma->vm_flags & ~VM_WRITE);
        cp_flags = MM_CP_UFFD_WP;
    }
    change_protection(dst_vma, start, start + len, newprot, cp_flags);
    if enable_wp {
        uffd_wp_returns_coherent(dst_vma, start, start + len);
    }
    err = 0;
    mmap_read_unlock(dst_mm);
    return err;
}

// Ghost, not kernel code: the promise of UFFDIO_WRITEPROTECT(MODE_WP) to the monitor. When
// it returns, no CPU may still cache a translation more permissive than the range's PTEs,
// else a write the monitor believes trapped can still land. PTEs another CPU is changing
// right now (its PTL is held) are that CPU's business.
fn uffd_wp_returns_coherent(vma, start, end) source "ghost: the UFFDIO_WRITEPROTECT contract" {
    let mm = vma->vm_mm;
    let a = start;
    while a < end {
        if !spin_is_locked(pte_lockptr(mm, pte_offset_map(mm, a))) {
            assume_tlb_coherent(vma, a);
        }
        a = a + PAGE_SIZE;
    }
}

// fs/userfaultfd.c: the UFFDIO_WRITEPROTECT ioctl. `mode` takes
// UFFDIO_WRITEPROTECT_MODE_WP and UFFDIO_WRITEPROTECT_MODE_DONTWAKE.
fn userfaultfd_writeprotect(start, len, mode) source "fs/userfaultfd.c:userfaultfd_writeprotect@v5.10" {
    // ctx->mmap_changing is never set; validate_range() accepts every modelled range
    if mode & ~(UFFDIO_WRITEPROTECT_MODE_DONTWAKE | UFFDIO_WRITEPROTECT_MODE_WP) {
        return -EINVAL;
    }
    let mode_wp = mode & UFFDIO_WRITEPROTECT_MODE_WP;
    let mode_dontwake = mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
    if mode_wp && mode_dontwake {
        return -EINVAL;
    }
    let ret = mwriteprotect_range(current_mm(), start, len, mode_wp);
    if ret {
        return ret;
    }
    // Waking happens after mwriteprotect_range() returned, i.e. after its flush.
    if !mode_wp && !mode_dontwake {
        wake_userfault(start, len);
    }
    return ret;
}

// fs/userfaultfd.c: wake faulting threads waiting on addresses in the range.
fn wake_userfault(start, len) source "fs/userfaultfd.c:wake_userfault@v5.10" {
    // __wake_userfault(): under fault_pending_wqh.lock, wake both queues in the range
    uffd_wake(start, len);
}

// fs/userfaultfd.c: entered with mmap_lock held for read; returns with it dropped.
fn handle_userfault(vmf, reason) source "fs/userfaultfd.c:handle_userfault@v5.10" {
    let mm = vmf->vma->vm_mm;
    // ctx->released, UFFD_FEATURE_SIGBUS, the missing-fault checks: not reached here.
    // User faults carry FAULT_FLAG_ALLOW_RETRY and never FAULT_FLAG_RETRY_NOWAIT.
    let ret = VM_FAULT_RETRY;
    // Under fault_pending_wqh.lock: __add_wait_queue(); set_current_state(TASK_INTERRUPTIBLE)
    uffd_enqueue(vmf->address);
    let must_wait = userfaultfd_must_wait(vmf->address, vmf->flags, reason);
    mmap_read_unlock(mm);
    if must_wait {
        // wake_up_poll(&ctx->fd_wqh): the monitor's read sees the queued message
        schedule();
    }
    set_task_running();
    // if (!list_empty_careful(&uwq.wq.entry)) list_del() under the lock
    uffd_dequeue();
    return ret;
}

// fs/userfaultfd.c: does the fault still need the monitor? (PMD levels always present)
fn userfaultfd_must_wait(address, flags, reason) source "fs/userfaultfd.c:userfaultfd_must_wait@v5.10" {
    let ret = false;
    let pte = pte_offset_map(current_mm(), address);
    if pte_none(*pte) {
        ret = true;
    }
    if !pte_write(*pte) && (reason & VM_UFFD_WP) {
        ret = true;
    }
    return ret;
}

// fs/userfaultfd.c: the monitor's blocking read(): wait for a message on
// fault_pending_wqh, move it to fault_wqh and return the fault address.
fn userfaultfd_read() source "fs/userfaultfd.c:userfaultfd_ctx_read@v5.10" {
    return uffd_read_msg();
}
