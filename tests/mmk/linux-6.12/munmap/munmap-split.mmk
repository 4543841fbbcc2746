// munmap() of part of a VMA (6.12): vms_gather_munmap_vmas() splits the VMA at the range's
// ends (__split_vma(): a copy takes one side; both write-locked with vma_start_write() before
// the original shrinks, under the anon_vma lock of vma_prepare()/vma_complete(), and the copy
// stored into the tree), then write-locks and detaches the middle, all under mmap_lock held
// for write (then read, for the zap). Faults under the per-VMA lock on the halves that stay
// either run before the split or find a VMA write-locked (or missing from the tree for a
// moment) and fall back to mmap_lock, which finds the half; a store to the unmapped page lands
// before the unmap or is SIGSEGV.

import "munmap-test-helpers.mmk";

test "munmap of the middle page leaves both sides mapped and reachable, faults under the VMA lock included" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[3] at 100: anon private read write;
    page Q = 8;
    pte X[1] -> Q { write dirty accessed };
    cpu0 {
        let r = munmap(X[1], 1);
        assert(r == 0);
        assert(count_vmas() == 2);
    }
    cpu1 { X[0] = 1; X[2] = 3; }
    expect safe;
}

test "a store to the page munmap takes lands before the unmap or is SIGSEGV" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[2] at 100: anon private read write;
    page P = 7;
    pte X[0] -> P { write dirty accessed };
    tlb cpu1: X[0] -> P { write dirty };
    cpu0 { munmap(X[0], 1); }
    cpu1 { X[0] = 1; X[1] = 2; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(use_after_free);
}
