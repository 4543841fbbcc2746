// The rwsem family: a writer that downgrade_write()s and then keeps modifying what it now
// holds only for read races with a reader (the shape of the munmap race that 246c320a8cfe
// closed in 2020: after __do_munmap() downgraded mmap_lock it still changed the page tables
// a reader could reach). rwsem-downgrade.mmk modifies before downgrading.
struct object {
    sem: rw_semaphore;
    a: int;
    b: int;
}
global obj: object;

test "modifying after downgrade_write races with a reader" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { writer(); }
    cpu1 { reader(); }
    expect violation(assertion);
}

fn writer() {
    down_write(&obj.sem);
    obj.a = 1;
    downgrade_write(&obj.sem);
    // The bug: a write under a read hold.
    obj.b = 1;
    up_read(&obj.sem);
}

fn reader() {
    down_read(&obj.sem);
    assert(obj.a == obj.b);
    up_read(&obj.sem);
}
