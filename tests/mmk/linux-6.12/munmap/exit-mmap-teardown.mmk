// exit_mmap() (6.12) as the last mmput() runs it, what it leaves behind.
//
// An mm whose VMAs were all unmapped (or one a failed dup_mmap() left empty) takes the early
// branch: "Can happen if dup_mmap() received an OOM": mmap_read_unlock(), then
// mmap_write_lock() and mmap_write_unlock(), each lock released by the CPU that holds it, and
// none taken while it still holds another side of mmap_lock.
//
// An mm with VMAs frees its page tables (free_pgtables()) into the full-mm gather before
// tlb_finish_mmu() flushes and frees what the gather holds: the PTE tables go back to the
// allocator. The second test has two PTE tables in all: the parent's for X, and one free,
// which fork() takes for the child's copy of X's table (W has no table). After the parent's
// exit the CPU runs the child: its fault on W needs the table the parent gave back.
// A table queued after the gather finished (tlb_remove_table() allocates a new batch that
// nobody flushes) would be leaked, and mm1's fault would find no memory for ever.

// The mm_struct itself outlives exit_mmap() while an mmgrab() reference (mm_count, not
// modelled in the tree: its last mmput() frees the mm) holds it: process_mrelease() and the
// OOM reaper grab the mm and take mmap_read_lock() to reap it. The third test is that
// skeleton: the reaper finds nothing left to reap (its zap and MMF_OOM_SKIP are left out), but
// exit_mmap() must have released mmap_lock, or the reaper waits for ever.

import "munmap-test-helpers.mmk";

test "exit_mmap() of an mm munmap() emptied takes and drops mmap_lock in order" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, assertion, deadlock, livelock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    vma X at 100: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let r = munmap(X, 1);
        assert(r == 0);
        assert(count_vmas() == 0);
        mmput(mm0);
    }
    expect safe;
}

test "exit_mmap() gives its page tables back: the child's next fault allocates one" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, assertion, deadlock, livelock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    mms 2;
    tables 2;
    vma X at 100: anon private read write;
    vma W at 700: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    pmd W -> none;
    cpu0 {
        fork_exit_run_child();
        W = 5;
        assert(*W == 5);
        assert(*X == 7);
    }
    expect safe;
}

// A test driver: fork() (the child's copy of X's PTE table takes the one free table), the
// parent exits (its mm's last mmput()), and the CPU schedules the child in (context_switch():
// the CR3 load).
fn fork_exit_run_child() source "mmcheck: a test driver, fork(), the parent's exit, the child scheduled in" {
    let child = fork_mm();
    mmput(current_mm());
    switch_mm(child);
}

test "exit_mmap() releases mmap_lock: a process_mrelease() holding mm_count can take it" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, assertion, deadlock, livelock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X at 100: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { exit_mmap_grabbed(); }
    cpu1 in mm1 { reaper_model(mm0); }
    expect safe;
}

// A test driver: the task's exit, its mm's last mmput() while another CPU holds an mmgrab()
// reference: __mmput() runs exit_mmap(), and mmdrop() leaves the mm_struct allocated.
fn exit_mmap_grabbed() source "mmcheck: a test driver, kernel/fork.c:mmput@v6.12 with mm_count held by another CPU" {
    let mm = current_mm();
    if atomic_dec_and_test(&mm->mm_users) {
        exit_mmap(mm);
        // mmdrop(): mm_count stays above 0, the mm_struct is not freed
    }
}

// A test driver: mm/oom_kill.c process_mrelease()'s locking, with its mmgrab() taken before
// the exit: mmap_read_lock_killable(), the reap (not modelled), mmap_read_unlock().
fn reaper_model(mm) source "mmcheck: a test driver, mm/oom_kill.c:process_mrelease@v6.12 (the lock only)" {
    mmap_read_lock(mm);
    mmap_read_unlock(mm);
}
