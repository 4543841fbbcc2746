// A bit lock whose clear_bit_unlock() is missing: the other CPU spins on it for ever.
struct object {
    flags: bits;
}
global obj: object;
const OBJ_LOCKED = 3;

test "a bit lock left set: the other CPU can never finish" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { take(); }
    cpu1 { take(); }
    expect violation(livelock);
}

fn take() {
    while test_and_set_bit_lock(OBJ_LOCKED, &obj.flags) {
    }
}
