// userfaultfd write-protect as of 6.12.y: mm/userfaultfd.c and fs/userfaultfd.c (the text of
// research-612-x86-uffd.md section 2, content-dated 6.12, not pinned).
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
struct userfaultfd_ctx source "fs/userfaultfd.c:struct userfaultfd_ctx@v6.12" {
    fault_pending_wqh_lock: spinlock_t;
    map_changing_lock: rw_semaphore;
    pending: bits guarded_by fault_pending_wqh_lock;
    read: bits guarded_by fault_pending_wqh_lock;
    address: int[8] guarded_by fault_pending_wqh_lock;
    order: int[8] guarded_by fault_pending_wqh_lock;
}
global uffd_ctx: userfaultfd_ctx;

// mm/userfaultfd.c (6.12): write-protect (enable_wp) or resolve one VMA's part of the range,
// under the caller's mmap_read_lock: change_protection() inside an mmu_gather, whose flush is
// tlb_end_vma()'s at the end of the walk (and tlb_finish_mmu()'s, nested). The text is
// research-612-x86-uffd.md 2.2 (Xilinx/linux-xlnx mm/userfaultfd.c, content-dated 6.12.y,
// sublevel unknown: not pinned).
fn uffd_wp_range(dst_vma, start, len, enable_wp) source "mm/userfaultfd.c:uffd_wp_range@v6.12" {
    // VM_WARN_ONCE(start < dst_vma->vm_start || start + len > dst_vma->vm_end)
    let mm_cp_flags = MM_CP_UFFD_WP_RESOLVE;
    if enable_wp {
        mm_cp_flags = MM_CP_UFFD_WP;
    }
    // "vma->vm_page_prot already reflects that uffd-wp is enabled for this VMA (see
    // userfaultfd_set_vm_flags()) and that all PTEs are supposed to be write-protected as
    // default whenever protection changes. Try upgrading write permissions manually."
    if !enable_wp && vma_wants_manual_pte_write_upgrade(dst_vma) {
        mm_cp_flags = mm_cp_flags | MM_CP_TRY_CHANGE_WRITABLE;
    }
    let tlb = struct mmu_gather {};
    tlb_gather_mmu(&tlb, dst_vma->vm_mm);
    let ret = change_protection(&tlb, dst_vma, start, start + len, mm_cp_flags);
    tlb_finish_mmu(&tlb);
    return ret;
}

// mm/userfaultfd.c (6.12): every VMA of the range must be registered for uffd-wp. hugetlb is
// not modelled; ctx->mmap_changing is never raised (no non-cooperative events), but
// map_changing_lock is taken as the kernel does.
fn mwriteprotect_range(dst_mm, start, len, enable_wp) source "mm/userfaultfd.c:mwriteprotect_range@v6.12" {
    let ctx = &uffd_ctx;
    let end = start + len;
    // Does the address range wrap, or is the span zero-sized?
    BUG_ON(start + len <= start);
    // mutate: equivalent(delete-lock-pair) not observable here: mmap_lock keeps the VMAs from changing under the walk (mprotect, munmap, mremap), and no test runs one beside UFFDIO_WRITEPROTECT; the PTEs themselves are changed under the PTL
    // mutate: equivalent(swap-adjacent) not observable here: map_changing_lock is taken for write only by non-cooperative events (mremap, fork, madvise with UFFD_FEATURE_EVENT_*), which the model's context does not have
    mmap_read_lock(dst_mm);
    // "If memory mappings are changing because of non-cooperative operation (e.g. mremap)
    // running in parallel, bail out and request the user to retry later"
    // mutate: equivalent(delete-lock-pair) not observable here: map_changing_lock is taken for write only by non-cooperative events, which the model's context does not have
    down_read(&ctx->map_changing_lock);
    let err = -ENOENT;
    // for_each_vma_range(vmi, dst_vma, end)
    let dst_vma = find_vma(dst_mm, start);
    while dst_vma != null && dst_vma->vm_start < end {
        if !userfaultfd_wp(dst_vma) {
            err = -ENOENT;
            break;
        }
        let _start = start;
        if dst_vma->vm_start > _start {
            _start = dst_vma->vm_start;
        }
        let _end = end;
        if dst_vma->vm_end < _end {
            _end = dst_vma->vm_end;
        }
        err = uffd_wp_range(dst_vma, _start, _end - _start, enable_wp);
        if enable_wp {
            // Ghost, not kernel code: what the monitor may rely on (below).
            uffd_wp_returns_coherent(dst_vma, _start, _end);
        }
        // Return 0 on success, <0 on failures
        if err < 0 {
            break;
        }
        err = 0;
        dst_vma = dst_vma->vm_next;
    }
    // mutate: equivalent(swap-adjacent) not observable here: map_changing_lock is taken for write only by non-cooperative events, which the model's context does not have
    up_read(&ctx->map_changing_lock);
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
        let pte = pte_offset_map(mm, a);
        if pte == null || !spin_is_locked(pte_lockptr(mm, pte)) {
            assume_tlb_coherent(vma, a);
        }
        a = a + PAGE_SIZE;
    }
}

// fs/userfaultfd.c: the UFFDIO_WRITEPROTECT ioctl. `mode` takes
// UFFDIO_WRITEPROTECT_MODE_WP and UFFDIO_WRITEPROTECT_MODE_DONTWAKE. ctx->mmap_changing is
// never set; validate_range() accepts every modelled range; mmget_not_zero() always succeeds
// (the monitor's mm is the scenario's).
fn userfaultfd_writeprotect(start, len, mode) source "fs/userfaultfd.c:userfaultfd_writeprotect@v6.12" {
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

// "Whether WP_UNPOPULATED is enabled on the uffd context": the model's context has no
// feature bits.
fn userfaultfd_wp_unpopulated(vma) source "fs/userfaultfd.c:userfaultfd_wp_unpopulated@v6.12 (no UFFD_FEATURE_WP_UNPOPULATED)" {
    return false;
}

// fs/userfaultfd.c: wake faulting threads waiting on addresses in the range.
// __wake_userfault(): under fault_pending_wqh.lock, __wake_up_locked_key() on both queues;
// userfaultfd_wake_function() wakes each waiter whose address is in the range and takes
// its entry off the queue (list_del_init()).
fn wake_userfault(start, len) source "fs/userfaultfd.c:wake_userfault@v6.12" {
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

// fs/userfaultfd.c: entered with the fault's lock held (mmap_lock for read, or the VMA's lock
// with FAULT_FLAG_VMA_LOCK); returns VM_FAULT_RETRY with it dropped (release_fault_lock()).
// Not reached here: PF_EXITING, UFFD_FEATURE_SIGBUS, UFFD_USER_MODE_ONLY, a fault without
// FAULT_FLAG_ALLOW_RETRY (GUP without retry), FAULT_FLAG_RETRY_NOWAIT, ctx->released, hugetlb.
fn handle_userfault(vmf, reason) source "fs/userfaultfd.c:handle_userfault@v6.12" {
    let ctx = &uffd_ctx;
    let me = smp_processor_id();
    // userfaultfd_ctx_get(ctx): the context is never released here
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
    let must_wait = userfaultfd_must_wait(ctx, vmf, reason);
    release_fault_lock(vmf);
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
fn uffd_unqueue(ctx, t) source "include/linux/list.h:list_del_init@v6.12 (a uwq entry)" {
    // mutate: equivalent(swap-adjacent) called only inside its callers' atomic steps under the queue lock: stores to different words, none reading another
    ctx->pending = ctx->pending & ~(1 << t);
    // mutate: equivalent(swap-adjacent) called only inside its callers' atomic steps under the queue lock: stores to different words, none reading another
    ctx->read = ctx->read & ~(1 << t);
    // mutate: equivalent(swap-adjacent) called only inside its callers' atomic steps under the queue lock: stores to different words, none reading another
    ctx->address[t] = 0;
    ctx->order[t] = 0;
}

fn __set_current_state(state) source "include/linux/sched.h:__set_current_state@v6.12" {
    set_current_state(state);
}

// fs/userfaultfd.c: "Verify the pagetables are still not ok after having reigstered into
// the fault_pending_wqh": a lockless walk (the PGD..PUD levels always exist here). PTE markers
// count as none (pte_none_mostly()); a huge leaf waits if it is not writable for a WP fault.
fn userfaultfd_must_wait(ctx, vmf, reason) source "fs/userfaultfd.c:userfaultfd_must_wait@v6.12" {
    // mutate: equivalent(swap-adjacent) two loads of the faulting CPU's own vm_fault (on its stack) into locals; vmf->vma->vm_mm is set once when the VMA is allocated: neither changes between them
    let mm = vmf->vma->vm_mm; // ctx->mm
    let address = vmf->address;
    let pmd = pmd_offset(mm, address);
    while true {
        // again:
        let _pmd = *pmd; // pmdp_get_lockless(pmd)
        if pmd_none(_pmd) {
            return true;
        }
        // (!pmd_present(), pmd_devmap(): no PMD migration entries or devmap here)
        if pmd_trans_huge(_pmd) {
            return !pmd_write(_pmd) && (reason & VM_UFFD_WP) != 0;
        }
        let pte = pte_offset_map(_pmd, address);
        if pte == null {
            continue; // ret = true; goto again
        }
        // "Lockless access: we're in a wait_event so it's ok if it changes under us. PTE
        // markers should be handled the same as none ptes here."
        let ptent = *pte;
        let ret = false;
        if pte_none(ptent) || is_pte_marker_pte(ptent) {
            ret = true; // pte_none_mostly()
        }
        if !pte_write(ptent) && (reason & VM_UFFD_WP) != 0 {
            ret = true;
        }
        return ret;
    }
}

// fs/userfaultfd.c: the monitor's blocking read(): userfaultfd_ctx_read() waits for a
// message on fault_pending_wqh (find_userfault(): the oldest), moves its entry to
// fault_wqh and returns the fault address. The sleep and the wake-up through fd_wqh are
// the wait_until(); the take is one locked step with it.
fn userfaultfd_read() source "fs/userfaultfd.c:userfaultfd_ctx_read@v6.12" {
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
