// An IPI may land on a CPU before any of its steps, including steps that touch nothing
// the sender touches: here cpu1's store to `seen` and the handler cpu0 sends it store to
// the same word, and either may come last. (Partial-order reduction: a step of a CPU that
// can still be interrupted does not commute with the IPIs it may take, whose handlers'
// words are not in the sender's own future. Without that rule, cpu1's store runs first
// alone and the store-last order below is never explored.)
struct ipi_order {
    seen: int;
}
global o: ipi_order;

invariant handler_last at end "the handler's store is the last one to `seen`" {
    o.seen == 1
}

// smp_call_function_single(1, mark, NULL, true), as its two steps (no indirect call in the
// sender's code to make its future cover every function named as a value)
fn ask() {
    __smp_call_single_queue(1, mark, null);
    csd_lock_wait(1);
}

fn mark(info) {
    o.seen = 1;
}

fn overwrite() {
    o.seen = 2;
}

test "cpu1's own store can come after the handler it is sent" {
    kernel "linux-5.10";
    invariants: handler_last, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { ask(); }
    cpu1 { overwrite(); }
    expect violation(handler_last);
}
