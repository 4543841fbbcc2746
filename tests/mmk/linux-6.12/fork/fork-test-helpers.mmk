// Test drivers the 6.12 fork tests share (not kernel code): the parent forks and hands the
// child's mm to another CPU, which runs the child.

struct handoff source "mmcheck: a test driver, the child handed to another CPU" {
    mm: handle;
}
global child: handoff;

// The parent: fork, then publish the child's mm (as wake_up_new_task() makes the child
// runnable).
fn fork_and_hand_off() source "mmcheck: a test driver, fork() and wake_up_new_task()" {
    let mm = fork_mm();
    child.mm = mm;
}

// Another CPU schedules the child in: context_switch() to its mm.
fn run_child() source "mmcheck: a test driver, the child scheduled in (context_switch())" {
    wait_until(child.mm != null);
    switch_mm(child.mm);
}
