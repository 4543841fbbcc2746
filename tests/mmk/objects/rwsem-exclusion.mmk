// The fixed form of rwsem-read-for-write.mmk: updaters take the rwsem for write, a reader
// for read; no update is lost and the reader never sees a half-done one.
struct object {
    sem: rw_semaphore;
    n: int;
    m: int;
    done: atomic_t;
}
global obj: object;

test "down_write excludes writers and readers" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    cpu0 { bump(); }
    cpu1 { bump(); }
    cpu2 { look(); }
    expect safe;
}

fn bump() {
    down_write(&obj.sem);
    let v = obj.n;
    obj.n = v + 1;
    obj.m = v + 1;
    up_write(&obj.sem);
    if atomic_add_return(1, &obj.done) == 2 {
        assert(obj.n == 2);
    }
}

fn look() {
    down_read(&obj.sem);
    assert(obj.n == obj.m);
    up_read(&obj.sem);
}
