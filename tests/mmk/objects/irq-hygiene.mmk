// IRQs left disabled are lock_hygiene: on the return to user space, and in a wait whose
// condition is false (wait_event() would schedule()).
struct object {
    ready: int;
}
global obj: object;

test "returning to user space with IRQs disabled" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { leak(); }
    expect violation(lock_hygiene);
}

test "waiting with IRQs disabled" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { waiter(); }
    cpu1 { set_ready(); }
    expect violation(lock_hygiene);
}

fn set_ready() {
    obj.ready = 1;
}

fn leak() {
    local_irq_disable();
    obj.ready = 2;
}

fn waiter() {
    local_irq_disable();
    wait_until(obj.ready == 1);
    local_irq_enable();
}
