// The spinlock family: a plain int bumped under a declared spinlock_t loses nothing.
// spinlock-missing.mmk is the same without the lock.
struct object {
    lock: spinlock_t;
    n: int;
    done: atomic_t;
}
global obj: object;

test "a counter under a declared spinlock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { bump(); }
    cpu1 { bump(); }
    expect safe;
}

fn bump() {
    spin_lock(&obj.lock);
    assert(spin_is_locked(&obj.lock));
    let v = obj.n;
    obj.n = v + 1;
    spin_unlock(&obj.lock);
    if atomic_add_return(1, &obj.done) == 2 {
        assert(obj.n == 2);
        assert(spin_trylock(&obj.lock));
        assert(!spin_trylock(&obj.lock));
        spin_unlock(&obj.lock);
    }
}
