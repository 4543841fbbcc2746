// The IPI family (kernel/smp.c of v5.10 over the machine's IPIs): smp_call_function_many()
// runs a function on the other CPUs of a mask, in their IPI handlers; with `wait` it returns
// only once every one of them has run it. A CPU takes an IPI only with IRQs enabled, runs
// the handler with IRQs disabled, and a CPU whose program has ended still takes it.
struct ipi_test {
    mask: bits;
    seen: int;
    lock: spinlock_t;
}
global t: ipi_test;

// cpu0 asks cpu1 to set `seen`, then relies on it.
fn ask_and_check(wait) {
    set_bit(1, &t.mask);
    smp_call_function_many(&t.mask, mark_seen, null, wait);
    assert(t.seen == 1);
}

fn mark_seen(info) {
    t.seen = 1;
}

test "with wait, the call has run on cpu1 when smp_call_function_many() returns" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask_and_check(true); }
    cpu1 { X = 1; X = 2; }
    expect safe;
}

test "without wait, the caller can get ahead of the call it queued" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask_and_check(false); }
    cpu1 { X = 1; }
    expect violation(assertion);
}

// A CPU with no program left (idle) takes the IPI all the same.
test "an idle CPU runs the call" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask_and_check(true); }
    expect safe;
}

// The sender holds a lock the target spins on with IRQs disabled: the target never takes
// the IPI, the sender never stops waiting (why smp_call_function_many() must not be called
// with a lock that IRQs-off code takes).
fn ask_under_lock() {
    spin_lock(&t.lock);
    set_bit(1, &t.mask);
    smp_call_function_many(&t.mask, mark_seen, null, true);
    spin_unlock(&t.lock);
}

fn lock_irqs_off() {
    let flags = local_irq_save();
    spin_lock(&t.lock);
    spin_unlock(&t.lock);
    local_irq_restore(flags);
}

test "waiting for an IPI that a CPU spinning with IRQs disabled never takes is a deadlock" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask_under_lock(); }
    cpu1 { lock_irqs_off(); }
    expect violation(deadlock);
}

fn lock_irqs_on() {
    spin_lock(&t.lock);
    spin_unlock(&t.lock);
}

test "the same target with IRQs enabled takes the IPI while it spins" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask_under_lock(); }
    cpu1 { lock_irqs_on(); }
    expect safe;
}

// A handler runs with IRQs disabled: it must not sleep.
fn sleepy(info) {
    might_sleep();
}

fn ask_sleepy() {
    set_bit(1, &t.mask);
    smp_call_function_many(&t.mask, sleepy, null, true);
}

test "an IPI handler that may sleep breaks lock hygiene" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask_sleepy(); }
    expect violation(lock_hygiene);
}
