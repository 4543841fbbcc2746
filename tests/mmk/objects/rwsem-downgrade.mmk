// The fixed form of rwsem-downgrade-race.mmk: every write happens before downgrade_write(),
// which lets readers in without letting another writer in between.
struct object {
    sem: rw_semaphore;
    a: int;
    b: int;
}
global obj: object;

test "modifying before downgrade_write is safe" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    cpu0 { writer(); }
    cpu1 { reader(); }
    cpu2 { writer2(); }
    expect safe;
}

fn writer() {
    down_write(&obj.sem);
    obj.a = 1;
    obj.b = 1;
    downgrade_write(&obj.sem);
    // Still a reader: no writer can have changed the pair since.
    assert(obj.a == obj.b);
    up_read(&obj.sem);
}

fn writer2() {
    if down_write_trylock(&obj.sem) {
        obj.a = 2;
        obj.b = 2;
        up_write(&obj.sem);
    }
}

fn reader() {
    if down_read_trylock(&obj.sem) {
        assert(obj.a == obj.b);
        up_read(&obj.sem);
    }
    down_read(&obj.sem);
    assert(obj.a == obj.b);
    up_read(&obj.sem);
}
