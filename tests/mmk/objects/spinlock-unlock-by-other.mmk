// A declared spinlock released by a CPU that does not hold it while another CPU does:
// lock_hygiene (the owner is recorded in the lock word).
struct object {
    lock: spinlock_t;
    held: atomic_t;
}
global obj: object;

test "spin_unlock by a CPU that does not hold the lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { hold(); }
    cpu1 { steal(); }
    expect violation(lock_hygiene);
}

fn hold() {
    spin_lock(&obj.lock);
    atomic_set(&obj.held, 1);
    spin_unlock(&obj.lock);
}

fn steal() {
    while atomic_read(&obj.held) == 0 {
    }
    spin_unlock(&obj.lock);
}
