// A VMA freed after an RCU grace period (vm_area_free() with CONFIG_PER_VMA_LOCK, v6.4+:
// call_rcu()), against a lockless reader that found it under rcu_read_lock() (as
// lock_vma_under_rcu() does through the maple tree): the reader may use it until it leaves
// its read section. Freed at once, the reader's next load is a use after free.

test "a VMA freed by call_rcu() outlives the reader's read section" {
    kernel "linux-5.10";
    invariants: use_after_free, lock_hygiene, deadlock, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { unlink_first_vma(true); }
    cpu1 { read_first_vma(); }
    expect safe;
}

test "a VMA freed at once under a lockless reader" {
    kernel "linux-5.10";
    invariants: use_after_free, lock_hygiene, deadlock, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { unlink_first_vma(false); }
    cpu1 { read_first_vma(); }
    expect violation(use_after_free);
}

// The writer: the first VMA off the mm's list under mmap_lock, then freed.
fn unlink_first_vma(rcu) source "mmcheck: a test driver, a VMA unlinked and freed" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = mm->mmap;
    mm->mmap = vma->vm_next;
    if rcu {
        vm_area_free_rcu(vma);
    } else {
        vm_area_free(vma);
    }
    mmap_write_unlock(mm);
}

// The lockless reader: the first VMA under RCU, and a field of it twice.
fn read_first_vma() source "mmcheck: a test driver, a VMA looked up under RCU" {
    let mm = current_mm();
    rcu_read_lock();
    let vma = mm->mmap;
    if vma != null {
        let a = vma->vm_flags;
        let b = vma->vm_flags;
    }
    rcu_read_unlock();
}
