// The fixed form of atomic-lost-update.mmk: atomic_inc() is one read-modify-write, and
// the other RMW primitives agree with it.
struct counter {
    count: atomic_t;
    done: atomic_t;
    refs: atomic_t;
}
global c: counter;

test "atomic_inc from two CPUs loses nothing" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { bump(); }
    cpu1 { bump(); }
    expect safe;
}

fn bump() {
    atomic_inc(&c.count);
    // A reference taken only while the object is live, dropped by the last user.
    atomic_cmpxchg(&c.refs, 0, 1);
    if atomic_inc_not_zero(&c.refs) {
        if atomic_dec_and_test(&c.refs) {
            assert(false);
        }
    }
    if atomic_add_return(1, &c.done) == 2 {
        assert(atomic_read(&c.count) == 2);
        assert(atomic_xchg(&c.refs, 0) == 1);
        atomic_add(5, &c.count);
        atomic_sub(7, &c.count);
        atomic_dec(&c.count);
        assert(atomic_read(&c.count) == -1);
    }
}
