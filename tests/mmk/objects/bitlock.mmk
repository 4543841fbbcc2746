// The fixed form of bitlock-test-then-set.mmk: test_and_set_bit_lock() takes the bit in
// one step (as trylock_page() does on PG_locked), clear_bit_unlock() drops it.
struct object {
    flags: bits;
    inside: int;
}
global obj: object;
const OBJ_LOCKED = 3;

test "test_and_set_bit_lock is a lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { critical(); }
    cpu1 { critical(); }
    expect safe;
}

fn critical() {
    while test_and_set_bit_lock(OBJ_LOCKED, &obj.flags) {
    }
    assert(obj.inside == 0);
    obj.inside = 1;
    assert(test_bit(OBJ_LOCKED, &obj.flags));
    // Another bit of the same word, used only under the lock.
    assert(!test_and_clear_bit(5, &obj.flags));
    assert(!test_and_set_bit(5, &obj.flags));
    clear_bit(5, &obj.flags);
    obj.inside = 0;
    clear_bit_unlock(OBJ_LOCKED, &obj.flags);
}
