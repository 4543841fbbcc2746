// kfree_rcu(): a slab object freed after a grace period (include/linux/rcupdate.h@v5.10).
// The updater unpublishes the object, then queues it; readers that found it inside their
// read section keep using it until they leave the section. Queuing it while it is still
// published lets a reader that starts after the grace period find a freed object.
struct rcu_thing source "test: an RCU-protected object" {
    value: int;
}
kmem_cache things: rcu_thing[2];

struct slot {
    ptr: handle;
}
global g: slot;

test "kfree_rcu after unpublishing: readers in their sections keep the object" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    cpu0 { publish(); unpublish_then_kfree_rcu(); }
    cpu1 { reader(); }
    cpu2 { reader(); }
    expect safe;
}

test "kfree_rcu while still published: a later reader finds a freed object" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { publish(); kfree_rcu_then_unpublish(); }
    cpu1 { reader(); }
    expect violation(use_after_free);
}

test "the caller's own read section: the object lives until its rcu_read_unlock()" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { publish(); free_inside_section(0); }
    expect safe;
}

test "the caller's own read section: touching the object after rcu_read_unlock()" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { publish(); free_inside_section(1); }
    expect violation(use_after_free);
}

test "kmem_cache_free of an object kfree_rcu() queued is a double free" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { publish(); queue_then_free(); }
    expect violation(use_after_free);
}

test "kfree_rcu twice is a double free" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { publish(); twice(); }
    expect violation(use_after_free);
}

fn publish() {
    let obj = kmem_cache_alloc(&things);
    obj->value = 7;
    g.ptr = obj;
}

fn unpublish_then_kfree_rcu() {
    let obj = g.ptr;
    g.ptr = null;
    kfree_rcu(obj);
}

fn kfree_rcu_then_unpublish() {
    let obj = g.ptr;
    kfree_rcu(obj);
    g.ptr = null;
}

fn reader() {
    rcu_read_lock();
    let obj = g.ptr;
    if obj != null {
        let v = obj->value;
        assert(v == 7);
    }
    rcu_read_unlock();
}

fn free_inside_section(touch_after) {
    rcu_read_lock();
    let obj = g.ptr;
    g.ptr = null;
    kfree_rcu(obj);
    let v = obj->value;
    assert(v == 7);
    rcu_read_unlock();
    if touch_after {
        let w = obj->value;
    }
}

// (inside a read section, so that the object is still queued at the second free)
fn queue_then_free() {
    rcu_read_lock();
    let obj = g.ptr;
    g.ptr = null;
    kfree_rcu(obj);
    kmem_cache_free(&things, obj);
    rcu_read_unlock();
}

fn twice() {
    rcu_read_lock();
    let obj = g.ptr;
    g.ptr = null;
    kfree_rcu(obj);
    kfree_rcu(obj);
    rcu_read_unlock();
}
