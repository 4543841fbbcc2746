// include/linux/mmap_lock.h and the per-VMA lock of include/linux/mm.h as Linux 6.12.y has
// them (mmap_lock.h pinned by blob hash, research note 612-basics section 0.1; mm.h
// Xilinx/linux-xlnx ee6c677ef318). mm->mmap_lock is an rw_semaphore; CONFIG_PER_VMA_LOCK
// adds a read/write lock per VMA and a sequence number pair: a VMA is write-locked while
// its vm_lock_seq equals mm->mm_lock_seq, and mmap_write_unlock() unlocks every VMA at once
// by advancing mm->mm_lock_seq (vma_end_write_all()).
//
// Not modelled: the _killable and _nested variants, the tracepoints, lockdep and its
// assertions (mmap_assert_write_locked() and vma_assert_write_locked() are checks of the
// caller, which the machine's lock_hygiene does for guarded fields), the rwsem's wait
// queue (a waiter is disabled until it can take the lock). Barriers: every step is in one
// total order, so smp_store_release()/smp_load_acquire() on mm_lock_seq are plain here.

// "Drop all currently-held per-VMA locks." Called with mmap_lock held for write.
fn vma_end_write_all(mm) source "include/linux/mmap_lock.h:vma_end_write_all@v6.12" {
    mm->mm_lock_seq = mm->mm_lock_seq + 1;
}

fn mmap_write_lock(mm) source "include/linux/mmap_lock.h:mmap_write_lock@v6.12" {
    down_write(&mm->mmap_lock);
}

fn mmap_write_unlock(mm) source "include/linux/mmap_lock.h:mmap_write_unlock@v6.12" {
    vma_end_write_all(mm);
    up_write(&mm->mmap_lock);
}

fn mmap_write_downgrade(mm) source "include/linux/mmap_lock.h:mmap_write_downgrade@v6.12" {
    vma_end_write_all(mm);
    downgrade_write(&mm->mmap_lock);
}

fn mmap_read_lock(mm) source "include/linux/mmap_lock.h:mmap_read_lock@v6.12" {
    down_read(&mm->mmap_lock);
}

fn mmap_read_trylock(mm) source "include/linux/mmap_lock.h:mmap_read_trylock@v6.12" {
    return down_read_trylock(&mm->mmap_lock);
}

fn mmap_read_unlock(mm) source "include/linux/mmap_lock.h:mmap_read_unlock@v6.12" {
    up_read(&mm->mmap_lock);
}

// ---- include/linux/mm.h@v6.12, CONFIG_PER_VMA_LOCK ----

// "Try to read-lock a vma. The function is allowed to occasionally yield false locked
// result to avoid performance overhead, in which case we fall back to using mmap_lock.
// The function should never yield false unlocked result." The first check is lockless
// (READ_ONCE()); the second is under the VMA's read lock, against a writer that set
// vm_lock_seq under its write lock.
fn vma_start_read(vma) source "include/linux/mm.h:vma_start_read@v6.12" {
    if vma->vm_lock_seq == vma->vm_mm->mm_lock_seq {
        return false;
    }
    if !down_read_trylock(&vma->vm_lock) {
        return false;
    }
    // "Overflow might produce false locked result. False unlocked result is impossible
    // because we modify and check vma->vm_lock_seq under vma->vm_lock protection and
    // mm->mm_lock_seq modification invalidates all existing locks."
    if vma->vm_lock_seq == vma->vm_mm->mm_lock_seq {
        up_read(&vma->vm_lock);
        return false;
    }
    return true;
}

// rcu_read_lock() "keeps vma alive till the end of up_read".
fn vma_end_read(vma) source "include/linux/mm.h:vma_end_read@v6.12" {
    // mutate: equivalent(delete-lock-pair) not observable here: the RCU read lock covers what the kernel's up_read() does after the count drops (rwsem_wake() touches the rw_semaphore inside the VMA, which the writer it lets into vma_start_write() may free once a grace period passes); the machine's up_read() is one step, so no CPU can free the VMA between the release and the end of up_read()
    // mutate: equivalent(swap-adjacent) not observable here: the RCU read lock covers what the kernel's up_read() does after the count drops (rwsem_wake() touches the rw_semaphore inside the VMA, which the writer it lets into vma_start_write() may free once a grace period passes); the machine's up_read() is one step, so nothing of it is left after the release for the RCU lock to cover
    rcu_read_lock();
    // mutate: equivalent(swap-adjacent) not observable here: ending the RCU read section before up_read() leaves the kernel's up_read() unprotected after the count drops (rwsem_wake() on the rw_semaphore inside a VMA the released writer may free); the machine's up_read() is one step, and while this CPU still holds the read lock no writer gets past vma_start_write() to free the VMA
    up_read(&vma->vm_lock);
    rcu_read_unlock();
}

// "WARNING! Can only be used if mmap_lock is expected to be write-locked": then neither
// sequence number can change under the caller (both loads are under mmap_lock). The model
// returns the pair's equality and leaves *mm_lock_seq to the caller (vma_start_write()
// reads mm->mm_lock_seq itself).
fn __is_vma_write_locked(vma) source "include/linux/mm.h:__is_vma_write_locked@v6.12" {
    return vma->vm_lock_seq == vma->vm_mm->mm_lock_seq;
}

// "Begin writing to a VMA. Exclude concurrent readers under the per-VMA lock until the
// currently write-locked mmap_lock is dropped or downgraded." The down_write() waits for
// the readers that already hold the VMA lock.
fn vma_start_write(vma) source "include/linux/mm.h:vma_start_write@v6.12" {
    if __is_vma_write_locked(vma) {
        return;
    }
    // mutate: equivalent(swap-adjacent) mm->mm_lock_seq changes only in vma_end_write_all(), under mmap_lock held for write, which every caller of vma_start_write() holds (mmap_assert_write_locked()): the load gives the same value before or after down_write()
    let mm_lock_seq = vma->vm_mm->mm_lock_seq;
    // mutate: equivalent(swap-adjacent) the exclusion is down_write()'s, which waits for every reader holding vm_lock whichever comes first: a reader that finds the new vm_lock_seq before the writer holds vm_lock (the lockless check, or the check under its read lock, which it then drops) fails and falls back to mmap_lock, which the writer holds; one that passed its check holds vm_lock and down_write() waits for it; after up_write() every reader sees the new value either way. The store's place only decides whether such a reader fails, which vma_start_read() may always do ("allowed to occasionally yield false locked result"), never whether one passes
    down_write(&vma->vm_lock);
    vma->vm_lock_seq = mm_lock_seq;
    up_write(&vma->vm_lock);
}

// VM_BUG_ON_VMA(): a caller that modifies a VMA it has not write-locked is a kernel bug.
fn vma_assert_write_locked(vma) source "include/linux/mm.h:vma_assert_write_locked@v6.12" {
    BUG_ON(!__is_vma_write_locked(vma));
}

// "When detaching vma should be write-locked".
fn vma_mark_detached(vma, detached) source "include/linux/mm.h:vma_mark_detached@v6.12" {
    if detached {
        vma_assert_write_locked(vma);
    }
    vma->detached = detached;
}

// The fault's lock: the VMA's read lock (FAULT_FLAG_VMA_LOCK) or mmap_lock for read.
fn release_fault_lock(vmf) source "include/linux/mm.h:release_fault_lock@v6.12" {
    if vmf->flags & FAULT_FLAG_VMA_LOCK {
        vma_end_read(vmf->vma);
    } else {
        mmap_read_unlock(vmf->vma->vm_mm);
    }
}
