// The wait family: wait_event() sleeps while its condition is false, so waiting with a
// spinlock held is sleeping in atomic context (a "BUG: scheduling while atomic" in the
// kernel). The userfaultfd monitor's read takes fault_pending_wqh.lock only once a message
// is there (userfaultfd_ctx_read(), fs/userfaultfd.c@v5.10); waiting for the message with
// the lock already held is the bug. The mutant of the v5.10 tree that swaps the two
// (`mmcheck mutate`) is caught by the same rule.
struct queue {
    lock: spinlock_t;
    pending: int;
}
global q: queue;

test "waiting for a message with the queue's spinlock held sleeps in atomic context" {
    kernel "linux-5.10";
    invariants: lock_hygiene;
    cpus 2;
    vma X: anon private read write;
    cpu0 { read_locked_then_wait(); }
    cpu1 { post(); }
    expect violation(lock_hygiene);
}

test "waiting first and then taking the lock is fine" {
    kernel "linux-5.10";
    invariants: lock_hygiene, deadlock;
    cpus 2;
    vma X: anon private read write;
    cpu0 { wait_then_lock(); }
    cpu1 { post(); }
    expect safe;
}

fn read_locked_then_wait() {
    spin_lock(&q.lock);
    wait_until(q.pending != 0);
    q.pending = 0;
    spin_unlock(&q.lock);
}

fn wait_then_lock() {
    wait_until(q.pending != 0);
    spin_lock(&q.lock);
    q.pending = 0;
    spin_unlock(&q.lock);
}

fn post() {
    spin_lock(&q.lock);
    q.pending = 1;
    spin_unlock(&q.lock);
}
