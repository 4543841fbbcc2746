// rwsem misuse is lock_hygiene: up_read() by a CPU that holds it for write, a read hold
// kept on the return to user space, and down_read() under a spinlock (it may sleep).
struct object {
    sem: rw_semaphore;
    lock: spinlock_t;
}
global obj: object;

test "up_read on a write hold" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { wrong_up(); }
    expect violation(lock_hygiene);
}

test "a read hold leaked to user space" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { leak(); }
    expect violation(lock_hygiene);
}

test "down_read under a spinlock" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { sleep_in_atomic(); }
    expect violation(lock_hygiene);
}

test "down_read twice on one CPU" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { recurse(); }
    expect violation(deadlock);
}

fn wrong_up() {
    down_write(&obj.sem);
    up_read(&obj.sem);
}

fn leak() {
    down_read(&obj.sem);
}

fn sleep_in_atomic() {
    spin_lock(&obj.lock);
    down_read(&obj.sem);
    up_read(&obj.sem);
    spin_unlock(&obj.lock);
}

fn recurse() {
    down_read(&obj.sem);
    down_read(&obj.sem);
}
