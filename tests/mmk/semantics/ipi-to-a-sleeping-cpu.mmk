// A CPU asleep on a lock still takes interrupts: an IPI sent to it is handled, and the
// sender's csd_lock_wait() returns, even while the sender holds the lock the target sleeps
// on (6.12's khugepaged holds mmap_lock for write across tlb_remove_table_sync_one(), whose
// IPI reaches a GUP-fast CPU gone to its slow path and asleep in mmap_read_lock()). The
// machine once ran a handler with no step of its own together with the interrupted code's
// next step, which here is the blocked lock: the handler's return never happened and the
// run ended in a false deadlock.

struct test_lock source "mmcheck: a test object" {
    sem: rw_semaphore;
    held: atomic_t;
}
global lk: test_lock;

// "Simply deliver the interrupt": a handler that touches nothing.
fn empty_handler(info) {
}

fn hold_and_interrupt() {
    down_write(&lk.sem);
    atomic_set(&lk.held, 1);
    __smp_call_single_queue(1, empty_handler, null);
    csd_lock_wait(1);
    up_write(&lk.sem);
}

fn sleep_on_the_lock() {
    wait_until(atomic_read(&lk.held) == 1);
    down_read(&lk.sem);
    up_read(&lk.sem);
}

test "an IPI reaches a CPU asleep on a lock its sender holds" {
    kernel "linux-5.10";
    invariants: deadlock, lock_hygiene, assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { hold_and_interrupt(); }
    cpu1 { sleep_on_the_lock(); }
    expect safe;
}
