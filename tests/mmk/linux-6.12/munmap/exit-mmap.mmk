// exit_mmap() (6.12) in the last mmput(), racing a /proc reader that holds a reference to the
// mm (get_task_mm()). 6.12's exit_mmap() zaps every VMA under mmap_lock held for read, then
// takes it for write to free the page tables (free_pgtables() with each VMA write-locked) and
// flush, and frees the VMAs at once (remove_vma(vma, true): no lockless reader can reach an
// mm whose last user is gone). The last mmput() runs on whichever CPU drops the last
// reference, so the reader's mmap_read_lock() and find_vma() either come before the exit's
// teardown or the reader runs exit_mmap() itself. (Ported from
// tests/mmk/fork/mm-lifetime.mmk: its task model, exit_mm() and reader.)

struct task_model {
    alloc_lock: spinlock_t;
    exited: int guarded_by alloc_lock;
}
global task: task_model;

test "exit_mmap() in the last mmput(): a reader holding a reference keeps the mm until it is done" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 100: anon private read write;
    vma Z at 700: anon private read write;
    page P = 7;
    page Q = 8;
    pte X -> P { write dirty accessed };
    pte Z -> Q { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { exit_mm_model(); }
    cpu1 { proc_reader(true); }
    expect safe;
}

// kernel/exit.c exit_mm(): task->mm cleared under task_lock(), then mmput(). (The switch to
// lazy TLB mode, the core-dump handshake and the memcg owner are not modelled.)
fn exit_mm_model() source "kernel/exit.c:exit_mm@v5.10 (the task's ->mm as a flag; a test driver)" {
    let mm = current_mm();
    spin_lock(&task.alloc_lock);
    task.exited = 1;
    spin_unlock(&task.alloc_lock);
    mmput(mm);
}

// kernel/fork.c get_task_mm(): the mm with a reference, or null once the task has none.
fn get_task_mm_model() source "kernel/fork.c:get_task_mm@v5.10 (the task's ->mm as a flag; a test driver)" {
    let mm = null;
    spin_lock(&task.alloc_lock);
    if task.exited == 0 {
        mm = current_mm();
        mmget(mm);
    }
    spin_unlock(&task.alloc_lock);
    return mm;
}

// A /proc/PID/maps-like reader: the VMA of X under mmap_lock, then the reference dropped.
fn proc_reader(with_reference) {
    let mm = null;
    if with_reference {
        mm = get_task_mm_model();
    } else if task.exited == 0 {
        mm = current_mm(); // (a bug, for the test: no reference taken)
    }
    if mm != null {
        mmap_read_lock(mm);
        let vma = find_vma(mm, X);
        mmap_read_unlock(mm);
        if with_reference {
            mmput(mm);
        }
    }
}
