// include/linux/mmap_lock.h as of v5.10: mm->mmap_lock is an rw_semaphore, and these are
// its wrappers (the rwsem family's down_read/up_read/... on &mm->mmap_lock). The _killable
// and _nested variants, the _non_owner pair and the lockdep assertions are not modelled (no
// fatal signals, no lockdep); the rwsem's wait queue and hand-off order are not modelled
// either (see the rwsem family: a waiter is disabled until it can take the lock).

fn mmap_write_lock(mm) source "include/linux/mmap_lock.h:mmap_write_lock@v5.10" {
    down_write(&mm->mmap_lock);
}

fn mmap_write_unlock(mm) source "include/linux/mmap_lock.h:mmap_write_unlock@v5.10" {
    up_write(&mm->mmap_lock);
}

fn mmap_write_downgrade(mm) source "include/linux/mmap_lock.h:mmap_write_downgrade@v5.10" {
    downgrade_write(&mm->mmap_lock);
}

fn mmap_read_lock(mm) source "include/linux/mmap_lock.h:mmap_read_lock@v5.10" {
    down_read(&mm->mmap_lock);
}

fn mmap_read_trylock(mm) source "include/linux/mmap_lock.h:mmap_read_trylock@v5.10" {
    return down_read_trylock(&mm->mmap_lock);
}

fn mmap_read_unlock(mm) source "include/linux/mmap_lock.h:mmap_read_unlock@v5.10" {
    up_read(&mm->mmap_lock);
}
