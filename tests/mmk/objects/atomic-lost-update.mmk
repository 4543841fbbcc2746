// The atomics family: a counter bumped with atomic_read() then atomic_set() loses an
// update when two CPUs interleave (the classic lost atomic update). The CPU that finishes
// last checks the count; atomic-inc.mmk is the fixed form.
struct counter {
    count: atomic_t;
    done: atomic_t;
}
global c: counter;

test "atomic_read + atomic_set from two CPUs loses an update" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { bump(); }
    cpu1 { bump(); }
    expect violation(assertion);
}

fn bump() {
    let v = atomic_read(&c.count);
    atomic_set(&c.count, v + 1);
    if atomic_add_return(1, &c.done) == 2 {
        assert(atomic_read(&c.count) == 2);
    }
}
