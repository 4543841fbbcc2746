// Objects from a slab cache (`kmem_cache NAME: STRUCT[N]`) and RCU: an updater unpublishes
// an object and frees it; a reader that found it under rcu_read_lock() may still use it.
// Freeing before synchronize_rcu() is a use-after-free; after it, the reader is done.
struct anon_thing source "test: an RCU-protected object" {
    value: int;
}
kmem_cache things: anon_thing[2];

struct slot {
    ptr: handle;
}
global g: slot;

test "kmem_cache_free before synchronize_rcu: the reader touches a free object" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { publish(); unpublish_free_then_sync(); }
    cpu1 { reader(); }
    expect violation(use_after_free);
}

test "kmem_cache_free after synchronize_rcu: safe" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { publish(); unpublish_sync_then_free(); }
    cpu1 { reader(); }
    expect safe;
}

test "a double kmem_cache_free is use_after_free" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { double_free(); }
    expect violation(use_after_free);
}

fn publish() {
    let obj = kmem_cache_alloc(&things);
    obj->value = 7;
    g.ptr = obj;
}

fn unpublish_free_then_sync() {
    let obj = g.ptr;
    g.ptr = null;
    kmem_cache_free(&things, obj);
    synchronize_rcu();
}

fn unpublish_sync_then_free() {
    let obj = g.ptr;
    g.ptr = null;
    synchronize_rcu();
    kmem_cache_free(&things, obj);
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

fn double_free() {
    let obj = kmem_cache_alloc(&things);
    kmem_cache_free(&things, obj);
    kmem_cache_free(&things, obj);
}
