// C promotes a bool to int in a comparison: `down_read_trylock(sem) == 0` is true when the
// trylock failed. Before this was so, a failed trylock compared unequal to 0 and the caller
// went on as if it held the lock (6.12's vma_start_read() as first written), then released
// a lock it never took.

struct test_sem source "mmcheck: a test object" {
    sem: rw_semaphore;
    held: atomic_t;
    done: atomic_t;
}
global sem_holder: test_sem;

fn hold_for_write() {
    down_write(&sem_holder.sem);
    atomic_set(&sem_holder.held, 1);
    wait_until(atomic_read(&sem_holder.done) == 1);
    up_write(&sem_holder.sem);
}

fn compare_failed_trylock() {
    wait_until(atomic_read(&sem_holder.held) == 1);
    let got = down_read_trylock(&sem_holder.sem);
    assert(got == 0);
    assert(!(got != 0));
    assert(0 == got);
    assert(true == 1);
    assert(false != 1);
    atomic_set(&sem_holder.done, 1);
}

test "a failed trylock compares equal to 0" {
    kernel "linux-5.10";
    invariants: assertion, lock_hygiene, deadlock, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { hold_for_write(); }
    cpu1 { compare_failed_trylock(); }
    expect safe;
}
