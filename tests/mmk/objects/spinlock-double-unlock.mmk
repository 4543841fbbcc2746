// A declared spinlock released twice: lock_hygiene on the second spin_unlock().
struct object {
    lock: spinlock_t;
}
global obj: object;

test "spin_unlock twice" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { twice(); }
    expect violation(lock_hygiene);
}

fn twice() {
    spin_lock(&obj.lock);
    spin_unlock(&obj.lock);
    spin_unlock(&obj.lock);
}
