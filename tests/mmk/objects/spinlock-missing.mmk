// spinlock-counter.mmk without the lock: the load and the store of `n` interleave.
struct object {
    lock: spinlock_t;
    n: int;
    done: atomic_t;
}
global obj: object;

test "a counter bumped without its spinlock loses an update" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { bump(); }
    cpu1 { bump(); }
    expect violation(assertion);
}

fn bump() {
    let v = obj.n;
    obj.n = v + 1;
    if atomic_add_return(1, &obj.done) == 2 {
        assert(obj.n == 2);
    }
}
