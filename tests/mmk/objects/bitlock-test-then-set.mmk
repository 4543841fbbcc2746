// The bit-operations family: a bit lock taken with test_bit() then set_bit() is two
// steps, so two CPUs can both see it clear and both enter (mutual exclusion broken).
// bitlock.mmk takes it with test_and_set_bit_lock() instead.
struct object {
    flags: bits;
    inside: int;
}
global obj: object;
const OBJ_LOCKED = 3;

test "test_bit + set_bit is not a lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { critical(); }
    cpu1 { critical(); }
    expect violation(assertion);
}

fn critical() {
    while test_bit(OBJ_LOCKED, &obj.flags) {
    }
    set_bit(OBJ_LOCKED, &obj.flags);
    assert(obj.inside == 0);
    obj.inside = 1;
    obj.inside = 0;
    clear_bit(OBJ_LOCKED, &obj.flags);
}
