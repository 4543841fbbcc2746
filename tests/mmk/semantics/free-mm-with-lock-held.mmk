// An mm freed while one of its locks is held: the holder would later release a lock in freed
// memory. The machine's free_mm() reports it as lock_hygiene. Before, an exit_mmap() that
// forgot its mmap_write_unlock() (a mutant of 6.12's) freed the mm silently.

// A child mm torn down as __mmput() does (exit_mmap()), then freed with its mmap_lock held.
fn lock_then_drop() {
    let mm = fork_mm();
    exit_mmap(mm);
    mmap_write_lock(mm);
    free_mm(mm);
}

test "free_mm() of an mm whose mmap_lock is held" {
    kernel "linux-5.10";
    invariants: lock_hygiene, deadlock, assertion, use_after_free, model_error;
    cpus 1;
    mms 2;
    tables 2;
    vma X: anon private read write;
    cpu0 { lock_then_drop(); }
    expect violation(lock_hygiene);
}
