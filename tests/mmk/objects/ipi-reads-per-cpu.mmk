// A call run by IPI may read the sender's per-CPU data (x86's flush_tlb_info, handed to
// the other CPUs as the call's argument). Once a program sends IPIs, a CPU's stores to its
// own per-CPU variables are steps another CPU can see between, like any shared store:
// here cpu0 queues a call without waiting, then updates the two fields the call compares.
struct pair {
    a: int;
    b: int;
}
percpu pc: pair;

fn send_then_update() {
    let p = this_cpu_ptr(&pc);
    __smp_call_single_queue(1, compare, p);
    p->a = 1;
    p->b = 1;
}

fn compare(info) {
    assert(info->a == info->b);
}

test "the handler can see cpu0's per-CPU pair half updated" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { send_then_update(); }
    expect violation(assertion);
}

// The same from a CPU's very first statements (run before the search starts when they
// touch nothing shared): with IPIs in the program, cpu0's per-CPU stores are steps, and
// cpu1, reading cpu0's instance, can see them half done.
fn update_pair() {
    let p = this_cpu_ptr(&pc);
    p->a = 1;
    p->b = 1;
    __smp_call_single_queue(1, compare, p);
}

fn read_cpu0_pair() {
    let p = per_cpu_ptr(&pc, 0);
    assert(p->a == p->b);
}

test "another CPU can see cpu0's leading per-CPU stores half done" {
    kernel "linux-5.10";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { update_pair(); }
    cpu1 { read_cpu0_pair(); }
    expect violation(assertion);
}
