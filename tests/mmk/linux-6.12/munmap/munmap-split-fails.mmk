// munmap() whose split of the last VMA fails (6.12, vms_gather_munmap_vmas(): the
// end_split_failed path). munmap(X, 2) covers all of X and the first page of Z: X is gathered
// (write-locked, marked detached), then __split_vma() of Z cannot allocate the copy
// (vm_area_dup() fails: the allocation failure is injected below, as failslab would) and the
// gather undoes itself: reattach_vmas() marks every gathered VMA attached again, munmap()
// returns -ENOMEM and the layout is as before. A later store to X faults under the per-VMA
// lock: lock_vma_under_rcu() finds X in the tree, read-locks it and must find it attached. A
// gathered VMA left detached would send the lookup round its retry loop for ever ("The area
// was replaced with another one").

import "munmap-test-helpers.mmk";

// Fault injection, not kernel code: kmem_cache_alloc(vm_area_cachep) fails (the machine's
// pool of VMA objects otherwise runs out with a model error, not NULL).
override fn vm_area_dup(orig, mm) source "mmcheck: kernel/fork.c:vm_area_dup@v6.12 with the allocation failing (failslab)" {
    return null;
}

test "a munmap() whose end split fails leaves the gathered VMA attached: a fault under the VMA lock uses it" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, livelock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    vma X at 100: anon private read write;
    vma Z[2] at 101: anon private read;
    cpu0 {
        let r = munmap(X, 2);
        assert(r == -ENOMEM);
        assert(count_vmas() == 2);
        X = 5;
        assert(*X == 5);
    }
    expect safe;
}
