// An mm outlives its process only through mm_users (6.12): a task that looks at another
// process's address space (a /proc reader: get_task_mm(), then mmap_read_lock() and a walk)
// takes a reference with the task lock held, and the exiting process's exit_mm() clears
// task->mm under the same lock before its mmput(). The last mmput() runs exit_mmap() and frees
// the mm, on whichever CPU drops it. A reader that used the mm without the reference would
// touch a freed mm.
//
// The model has no task_struct: `task` stands for the exiting process's task (its alloc_lock
// and whether exit_mm() has cleared ->mm), and every CPU here runs that process's mm, which
// get_task_mm() returns. (No historical bug: the unreferenced reader is a mutation of the
// caller, for the test.)

struct task_model {
    alloc_lock: spinlock_t;
    exited: int guarded_by alloc_lock;
}
global task: task_model;

test "6.12: get_task_mm() and mmput(): the reader either misses the mm or keeps it alive" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { exit_mm_model(); }
    cpu1 { proc_reader(true); }
    expect safe;
}

test "6.12: a reader that takes no reference uses the mm after the last mmput() freed it" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { exit_mm_model(); }
    cpu1 { proc_reader(false); }
    expect violation(use_after_free);
}

// kernel/exit.c exit_mm(): task->mm cleared under task_lock(), then mmput(). (The switch to
// lazy TLB mode, the core-dump handshake and the memcg owner are not modelled.)
fn exit_mm_model() source "kernel/exit.c:exit_mm@v6.12 (the task's ->mm as a flag)" {
    let mm = current_mm();
    spin_lock(&task.alloc_lock);
    task.exited = 1;
    spin_unlock(&task.alloc_lock);
    mmput(mm);
}

// kernel/fork.c get_task_mm(): the mm with a reference, or null once the task has none
// (PF_KTHREAD is not modelled).
fn get_task_mm_model() source "kernel/fork.c:get_task_mm@v6.12 (the task's ->mm as a flag)" {
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
