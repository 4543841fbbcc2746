// A declared spinlock still held on the return to user space: lock_hygiene names it.
struct object {
    lock: spinlock_t;
}
global obj: object;

test "a kernel path returns holding a declared spinlock" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { leak(); }
    expect violation(lock_hygiene);
}

fn leak() {
    spin_lock(&obj.lock);
}
