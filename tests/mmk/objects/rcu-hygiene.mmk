// RCU misuse is lock_hygiene: sleeping in a read section (here taking a sleeping rwsem),
// returning to user space inside one, an unbalanced rcu_read_unlock(), and
// synchronize_rcu() inside a read section (it would wait for itself).
struct object {
    sem: rw_semaphore;
    n: int;
}
global obj: object;

test "a sleeping lock inside an RCU read section" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { sleep_in_rcu(); }
    expect violation(lock_hygiene);
}

test "a read section leaked to user space" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { leak(); }
    expect violation(lock_hygiene);
}

test "rcu_read_unlock outside a read section" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { unbalanced(); }
    expect violation(lock_hygiene);
}

test "synchronize_rcu inside a read section" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { self_wait(); }
    expect violation(lock_hygiene);
}

fn sleep_in_rcu() {
    rcu_read_lock();
    down_read(&obj.sem);
    up_read(&obj.sem);
    rcu_read_unlock();
}

fn leak() {
    rcu_read_lock();
}

fn unbalanced() {
    rcu_read_lock();
    rcu_read_unlock();
    rcu_read_unlock();
}

fn self_wait() {
    rcu_read_lock();
    synchronize_rcu();
    rcu_read_unlock();
}
