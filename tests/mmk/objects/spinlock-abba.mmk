// Two declared spinlocks taken in opposite orders: deadlock.
struct pair {
    a: spinlock_t;
    b: spinlock_t;
}
global locks: pair;

test "ABBA on two declared spinlocks" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { ab(); }
    cpu1 { ba(); }
    expect violation(deadlock);
}

fn ab() {
    spin_lock(&locks.a);
    spin_lock(&locks.b);
    spin_unlock(&locks.b);
    spin_unlock(&locks.a);
}

fn ba() {
    spin_lock(&locks.b);
    spin_lock(&locks.a);
    spin_unlock(&locks.a);
    spin_unlock(&locks.b);
}
