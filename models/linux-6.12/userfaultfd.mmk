// userfaultfd write-protect as of v5.10: mm/userfaultfd.c and fs/userfaultfd.c.
// One uffd context per mm, registered on every VMA with VM_UFFD_*; never released, and no
// non-cooperative events (mmap_changing stays false).

// include/linux/sched.h
const TASK_RUNNING = 0x0;
const TASK_INTERRUPTIBLE = 0x1;
// the CPUs a userfaultfd context tracks (a task is named by the CPU that runs it; the
// scans below go over nr_cpu_ids() of them)

// fs/userfaultfd.c: struct userfaultfd_ctx, the fault queues. A faulting task's struct
// userfaultfd_wait_queue lives on its stack; here entry `t` (task t's) of the arrays holds
// its fields: msg.arg.pagefault.address, and which queue its wq entry is on (`pending`:
// fault_pending_wqh; `read`: moved to fault_wqh by the monitor's read). `order` keeps the
// queue's FIFO order (list_add() at the head, find_userfault() takes the tail). All of it
// is under fault_pending_wqh.lock, and each locked section below is one `atomic { }` step:
// sound because every access to these fields holds the lock. An entry off both queues is
// all zeroes (its stack frame is gone), so states differ only in what is queued. Left out: fd_wqh and poll,
// event_wqh (non-cooperative events), the refile of fault_wqh on release, `waken` (the
// wake below makes the task runnable directly).
struct userfaultfd_ctx source "fs/userfaultfd.c:struct userfaultfd_ctx@v5.10" {
    fault_pending_wqh_lock: spinlock_t;
    pending: bits guarded_by fault_pending_wqh_lock;
    read: bits guarded_by fault_pending_wqh_lock;
    address: int[8] guarded_by fault_pending_wqh_lock;
    order: int[8] guarded_by fault_pending_wqh_lock;
}
global uffd_ctx: userfaultfd_ctx;

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
// __wake_userfault(): under fault_pending_wqh.lock, __wake_up_locked_key() on both queues;
// userfaultfd_wake_function() wakes each waiter whose address is in the range and takes
// its entry off the queue (list_del_init()).
fn wake_userfault(start, len) source "fs/userfaultfd.c:wake_userfault@v5.10" {
    let ctx = &uffd_ctx;
    atomic {
        spin_lock(&ctx->fault_pending_wqh_lock);
        let t = 0;
        while t < nr_cpu_ids() {
            let queued = (ctx->pending | ctx->read) & (1 << t);
            if queued && ctx->address[t] >= start && ctx->address[t] < start + len {
                // mutate: equivalent(swap-adjacent) one atomic step: uffd_unqueue() writes the queue words, clear_idle() and wake_up_process() task t's idle flag and run state, and none reads what another writes
                uffd_unqueue(ctx, t);
                // mutate: equivalent(swap-adjacent) one atomic step: clear_idle() writes task t's idle flag, wake_up_process() its run state, and neither reads the other's
                clear_idle(t);
                wake_up_process(t);
            }
            t += 1;
        }
        spin_unlock(&ctx->fault_pending_wqh_lock);
    }
}

// fs/userfaultfd.c: entered with mmap_lock held for read; returns with it dropped.
fn handle_userfault(vmf, reason) source "fs/userfaultfd.c:handle_userfault@v5.10" {
    let mm = vmf->vma->vm_mm;
    let ctx = &uffd_ctx;
    let me = smp_processor_id();
    // ctx->released, UFFD_FEATURE_SIGBUS, the missing-fault checks: not reached here.
    // User faults carry FAULT_FLAG_ALLOW_RETRY and never FAULT_FLAG_RETRY_NOWAIT.
    let ret = VM_FAULT_RETRY;
    atomic {
        spin_lock(&ctx->fault_pending_wqh_lock);
        // __add_wait_queue(&ctx->fault_pending_wqh, &uwq.wq): behind every queued entry
        let last = 0;
        let t = 0;
        while t < nr_cpu_ids() {
            if (ctx->pending | ctx->read) & (1 << t) && ctx->order[t] > last {
                last = ctx->order[t];
            }
            t += 1;
        }
        // mutate: equivalent(swap-adjacent) one atomic step under the queue lock: stores to different words, neither reading the other
        ctx->address[me] = vmf->address;
        // mutate: equivalent(swap-adjacent) one atomic step under the queue lock: stores to different words, neither reading the other
        ctx->order[me] = last + 1;
        ctx->pending = ctx->pending | (1 << me);
        set_current_state(TASK_INTERRUPTIBLE);
        // (model device) asleep here while the message is queued is an idle end: the
        // monitor may be outside the scenario
        set_idle(true);
        spin_unlock(&ctx->fault_pending_wqh_lock);
    }
    let must_wait = userfaultfd_must_wait(vmf->address, vmf->flags, reason);
    mmap_read_unlock(mm);
    if must_wait {
        // wake_up_poll(&ctx->fd_wqh): the monitor's read sees the queued message
        schedule();
    }
    __set_current_state(TASK_RUNNING);
    set_idle(false);
    // if (!list_empty_careful(&uwq.wq.entry)) list_del() under the lock
    atomic {
        spin_lock(&ctx->fault_pending_wqh_lock);
        if (ctx->pending | ctx->read) & (1 << me) {
            uffd_unqueue(ctx, me);
        }
        spin_unlock(&ctx->fault_pending_wqh_lock);
    }
    return ret;
}

// list_del_init(&uwq->wq.entry), called with fault_pending_wqh.lock held: task t's entry
// leaves its queue (and, with its stack frame, its message).
fn uffd_unqueue(ctx, t) source "include/linux/list.h:list_del_init@v5.10 (a uwq entry)" {
    // mutate: equivalent(swap-adjacent) called only inside its callers' atomic steps under the queue lock: stores to different words, none reading another
    ctx->pending = ctx->pending & ~(1 << t);
    // mutate: equivalent(swap-adjacent) called only inside its callers' atomic steps under the queue lock: stores to different words, none reading another
    ctx->read = ctx->read & ~(1 << t);
    // mutate: equivalent(swap-adjacent) called only inside its callers' atomic steps under the queue lock: stores to different words, none reading another
    ctx->address[t] = 0;
    ctx->order[t] = 0;
}

fn __set_current_state(state) source "include/linux/sched.h:__set_current_state@v5.10" {
    set_current_state(state);
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

// fs/userfaultfd.c: the monitor's blocking read(): userfaultfd_ctx_read() waits for a
// message on fault_pending_wqh (find_userfault(): the oldest), moves its entry to
// fault_wqh and returns the fault address. The sleep and the wake-up through fd_wqh are
// the wait_until(); the take is one locked step with it.
fn userfaultfd_read() source "fs/userfaultfd.c:userfaultfd_ctx_read@v5.10" {
    let ctx = &uffd_ctx;
    // (model device) a monitor blocked reading is an idle end, like a server with no work
    set_idle(true);
    let addr = 0;
    atomic {
        wait_until((ctx->pending & ~ctx->read) != 0);
        spin_lock(&ctx->fault_pending_wqh_lock);
        let oldest = -1;
        let t = 0;
        while t < nr_cpu_ids() {
            if (ctx->pending & ~ctx->read) & (1 << t) {
                if oldest < 0 || ctx->order[t] < ctx->order[oldest] {
                    oldest = t;
                }
            }
            t += 1;
        }
        // mutate: equivalent(swap-adjacent) one atomic step under the queue lock: addr is a local and the store is to another word
        ctx->read = ctx->read | (1 << oldest);
        // mutate: equivalent(swap-adjacent) not observable here: the locked section is one atomic step, so a load moved past spin_unlock() is still inside it; in the kernel it would race with a wake's list_del_init() of the entry (its stack frame gone); needs locked sections as separate steps
        addr = ctx->address[oldest];
        spin_unlock(&ctx->fault_pending_wqh_lock);
    }
    set_idle(false);
    return addr;
}
