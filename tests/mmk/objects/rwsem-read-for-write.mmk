// Reader/writer exclusion: an update made under down_read() instead of down_write() is
// not exclusive, so two updaters lose one increment. rwsem-exclusion.mmk takes it for write.
struct object {
    sem: rw_semaphore;
    n: int;
    done: atomic_t;
}
global obj: object;

test "an update under down_read loses an increment" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { bump(); }
    cpu1 { bump(); }
    expect violation(assertion);
}

fn bump() {
    down_read(&obj.sem);
    let v = obj.n;
    obj.n = v + 1;
    up_read(&obj.sem);
    if atomic_add_return(1, &obj.done) == 2 {
        assert(obj.n == 2);
    }
}
