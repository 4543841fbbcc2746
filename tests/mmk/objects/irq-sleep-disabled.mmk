// The IRQ family: GUP-fast walks the page tables with IRQs disabled (local_irq_save()
// around gup_pgd_range() in internal_get_user_pages_fast(), mm/gup.c@v5.10) and must not
// sleep there; falling back to the slow path, which takes mmap_lock, before
// local_irq_restore() sleeps with IRQs disabled. irq-sleep-after-restore.mmk restores
// first, as the kernel does.
struct mm_obj {
    mmap_lock: rw_semaphore;
    pinned: int;
}
global mm: mm_obj;

test "taking mmap_lock before local_irq_restore sleeps with IRQs disabled" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { gup(); }
    cpu1 { writer(); }
    expect violation(lock_hygiene);
}

fn gup() {
    let flags = local_irq_save();
    // The fast walk found nothing to pin: the slow path, still with IRQs off (the bug).
    down_read(&mm.mmap_lock);
    mm.pinned = 1;
    up_read(&mm.mmap_lock);
    local_irq_restore(flags);
}

fn writer() {
    down_write(&mm.mmap_lock);
    mm.pinned = 0;
    up_write(&mm.mmap_lock);
}
