// The fixed form of rcu-free-before-sync.mmk: unpublish, synchronize_rcu(), then free.
// Readers nest, and the second reader enters and leaves while the updater waits.
struct slot {
    ptr: int;
    freed: int;
}
global g: slot;

test "kfree after synchronize_rcu" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    cpu0 { init(); updater(); }
    cpu1 { reader(); }
    cpu2 { nested_reader(); }
    expect safe;
}

fn init() {
    g.ptr = 1;
}

fn updater() {
    g.ptr = 0;
    synchronize_rcu();
    g.freed = 1;
}

fn reader() {
    rcu_read_lock();
    let p = g.ptr;
    if p == 1 {
        assert(g.freed == 0);
    }
    rcu_read_unlock();
}

fn nested_reader() {
    rcu_read_lock();
    rcu_read_lock();
    let p = g.ptr;
    rcu_read_unlock();
    if p == 1 {
        assert(g.freed == 0);
    }
    rcu_read_unlock();
}
