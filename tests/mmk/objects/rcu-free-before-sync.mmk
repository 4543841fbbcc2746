// The RCU family: an updater that unpublishes an object and frees it before
// synchronize_rcu() frees it under a reader that still holds the old pointer (the classic
// RCU use-after-free). rcu-free-after-sync.mmk waits for the grace period first.
struct slot {
    // 1: the object is published; 0: unpublished.
    ptr: int;
    // Set by the free (a model of kfree(): the object is gone).
    freed: int;
}
global g: slot;

test "kfree before synchronize_rcu" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { init(); updater(); }
    cpu1 { reader(); }
    expect violation(assertion);
}

fn init() {
    g.ptr = 1;
}

fn updater() {
    g.ptr = 0;
    g.freed = 1;
    synchronize_rcu();
}

fn reader() {
    rcu_read_lock();
    let p = g.ptr;
    if p == 1 {
        assert(g.freed == 0);
    }
    rcu_read_unlock();
}
