// `guarded_by LOCK`: a field written only under its lock. A store without the lock (held
// for write, for an rwsem) is lock_hygiene; a load under the lock is no step of its own (no
// other CPU can change the word then); a load without it is an ordinary racy load.
struct counter {
    lock: spinlock_t;
    n: int guarded_by lock;
    sem: rw_semaphore;
    seen: int guarded_by sem;
    flags: bits guarded_by lock;
}
global c: counter;

test "increments under the spinlock lose nothing" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { inc(); check_two(); }
    cpu1 { inc(); check_two(); }
    expect safe;
}

test "a store without the lock is lock_hygiene" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { store_unlocked(); }
    expect violation(lock_hygiene);
}

test "a racy load outside the lock can see the value change between two loads" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { inc(); }
    cpu1 { racy_twice(); }
    expect violation(assertion);
}

test "readers under the rwsem see one value; the writer needs it for write" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { write_seen(); }
    cpu1 { read_twice(); }
    expect safe;
}

test "a store under the rwsem held for read is lock_hygiene" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { write_under_read(); }
    expect violation(lock_hygiene);
}

test "a set_bit on a guarded field without its lock is lock_hygiene, not a write the locked reader misses" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { read_flags_twice(); }
    cpu1 { set_flag_unlocked(); }
    expect violation(lock_hygiene);
}

fn set_flag_unlocked() {
    set_bit(0, &c.flags);
}

fn read_flags_twice() {
    spin_lock(&c.lock);
    let a = c.flags;
    let b = c.flags;
    spin_unlock(&c.lock);
    assert(a == b);
}

fn inc() {
    spin_lock(&c.lock);
    let v = c.n;
    c.n = v + 1;
    spin_unlock(&c.lock);
}

fn check_two() {
    spin_lock(&c.lock);
    let v = c.n;
    spin_unlock(&c.lock);
    assert(v >= 1);
}

fn racy_twice() {
    let a = c.n;
    let b = c.n;
    assert(a == b);
}

fn write_seen() {
    down_write(&c.sem);
    c.seen = 1;
    c.seen = 2;
    up_write(&c.sem);
}

fn read_twice() {
    down_read(&c.sem);
    let a = c.seen;
    let b = c.seen;
    up_read(&c.sem);
    assert(a == b && a != 1);
}

fn write_under_read() {
    down_read(&c.sem);
    c.seen = 1;
    up_read(&c.sem);
}

fn store_unlocked() {
    c.n = 1;
}

// A guarded field that no running code writes is read as if under its lock
// (machine/constants.rs); one written through `obj->field = v` or through `&obj->field` is
// not, and a racy reader can see it change. (Both tests are SAFE if the writes go unseen.)
test "a racy load of a VMA field written under mmap_lock through vma->vm_flags can see it change" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { set_softdirty(X); }
    cpu1 { racy_flags_twice(X); }
    expect violation(assertion);
}

test "the same with the field written through &vma->vm_flags" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { set_softdirty_through_pointer(X); }
    cpu1 { racy_flags_twice(X); }
    expect violation(assertion);
}

fn set_softdirty(addr) {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    vma->vm_flags = vma->vm_flags | VM_SOFTDIRTY;
    mmap_write_unlock(mm);
}

fn set_softdirty_through_pointer(addr) {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    let flags = vma->vm_flags;
    store_word(&vma->vm_flags, flags | VM_SOFTDIRTY);
    mmap_write_unlock(mm);
}

fn racy_flags_twice(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    mmap_read_unlock(mm);
    let a = vma->vm_flags;
    let b = vma->vm_flags;
    assert(a == b);
}
