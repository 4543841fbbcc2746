// The fixed form of irq-sleep-disabled.mmk: local_irq_restore() before the slow path's
// mmap_lock, as internal_get_user_pages_fast() orders it (mm/gup.c@v5.10). Also: save and
// restore nest, and irqs_disabled() follows them.
struct mm_obj {
    mmap_lock: rw_semaphore;
    pinned: int;
}
global mm: mm_obj;

test "local_irq_restore before taking mmap_lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { gup(); }
    cpu1 { writer(); }
    expect safe;
}

fn gup() {
    assert(!irqs_disabled());
    let flags = local_irq_save();
    assert(irqs_disabled());
    let inner = local_irq_save();
    local_irq_restore(inner);
    // The inner restore keeps them off: the outer save had disabled them.
    assert(irqs_disabled());
    local_irq_restore(flags);
    assert(!irqs_disabled());
    down_read(&mm.mmap_lock);
    mm.pinned = 1;
    up_read(&mm.mmap_lock);
    local_irq_disable();
    local_irq_enable();
}

fn writer() {
    down_write(&mm.mmap_lock);
    mm.pinned = 0;
    up_write(&mm.mmap_lock);
}
