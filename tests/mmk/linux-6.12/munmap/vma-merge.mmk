// VMA merging (6.12, mm/vma.c: vma_merge_existing_range() for mprotect(), through
// mprotect.mmk's call of vma_merge() (a transitional shim, mmap.mmk), and
// vma_merge_new_range() -> vma_expand() for mmap(); commit_merge(), vma_prepare(),
// vma_complete()): a range whose flags come to equal a neighbour's joins it instead of staying
// a VMA of its own, under mmap_lock held for write, every VMA involved write-locked first
// (vma_start_write()), and a removed VMA marked detached and freed after a grace period; a
// racing fault under the per-VMA lock finds the merged VMA, or falls back to mmap_lock.
// count_vmas() (below) reads the VMA list under mmap_lock. (Ported from
// tests/mmk/mmap/vma-merge.mmk; the comments on each test name v5.10's cases.)

// mprotect() of the middle page splits X in three (split_vma() twice); mprotect() back to
// read-write fills the hole: case 1, prev takes the range and next, which is freed
// (remove_next 1).
test "mprotect of the middle page and back: the three VMAs merge into one again" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[3]: anon private read write;
    page P = 7;
    pte X[0] -> P { write dirty accessed };
    cpu0 {
        let r = mprotect(X[1], 1, PROT_READ);
        assert(r == 0);
        assert(count_vmas() == 3);
        r = mprotect(X[1], 1, PROT_READ | PROT_WRITE);
        assert(r == 0);
        assert(count_vmas() == 1);
        X[1] = 5;
    }
    cpu1 { X[0] = 1; X[2] = 3; }
    expect safe;
}

// mmap(MAP_FIXED) right after X with X's flags extends X (case 2): a store to the new page
// before the merge finds no VMA (SIGSEGV), one after faults a page in through X.
test "mmap next to a VMA with its flags extends it, racing a store to the new page" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 0: anon private read write;
    hole Y at 1;
    cpu0 {
        let r = mmap(Y, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
        assert(r == Y);
        assert(count_vmas() == 1);
    }
    cpu1 { Y = 5; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(assertion);
}

// mprotect() over two VMAs: X (read-write) becomes read-only like Z after it, and merges into
// Z (case 8: Z grows down over X, which is freed: remove_next 3); the loop then finds the
// rest of the range already done. A store to X through a cached writable entry lands before
// the PTE is write-protected and flushed, or faults with SIGSEGV after.
test "mprotect over two VMAs merges the first into the second, racing a store through a cached entry" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X at 0: anon private read write;
    vma Z at 1: anon private read;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 {
        let r = mprotect(X, 2, PROT_READ);
        assert(r == 0);
        assert(count_vmas() == 1);
    }
    cpu1 { X = 8; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
    expect no violation(assertion);
}

// mprotect() of a range with a hole in it: the VMA before the hole changes, then -ENOMEM.
test "mprotect over a hole changes the first VMA and fails at the hole" {
    kernel "linux-6.12";
    invariants: assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    vma X at 0: anon private read write;
    vma Z at 2: anon private read write;
    cpu0 {
        let r = mprotect(X, 3, PROT_READ);
        assert(r == -ENOMEM);
        assert(count_vmas() == 2);
    }
    expect safe;
}

fn count_vmas() {
    let mm = current_mm();
    mmap_read_lock(mm);
    let n = 0;
    let v = mm->mmap;
    while v != null {
        n += 1;
        v = v->vm_next;
    }
    mmap_read_unlock(mm);
    return n;
}

// mprotect() of the first page of B to A's flags shifts the A/B boundary up
// (vma_merge_existing_range(), merge_left of part of B: prev A expands, B shrinks from the
// left, adj_start > 0), while a store faults on A's page under the VMA lock: both VMAs are
// write-locked for the change, and the store lands in A either way.
test "mprotect shifts the boundary into the next VMA (merge left, part of it)" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma A at 100: anon private read write;
    vma B[2] at 101: anon private read;
    cpu0 {
        let r = mprotect(B[0], 1, PROT_READ | PROT_WRITE);
        assert(r == 0);
        assert(count_vmas() == 2);
        B[0] = 5;
    }
    cpu1 { A = 1; }
    expect safe;
}

// mprotect() of the last page of A to B's flags shifts the boundary down (merge right, part
// of A: A shrinks, B expands down, adj_start < 0, B stored again), racing a store to B.
test "mprotect shifts the boundary into the previous VMA (merge right, part of it)" {
    kernel "linux-6.12";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma A[2] at 100: anon private read;
    vma B at 102: anon private read write;
    cpu0 {
        let r = mprotect(A[1], 1, PROT_READ | PROT_WRITE);
        assert(r == 0);
        assert(count_vmas() == 2);
        A[1] = 5;
    }
    cpu1 { B = 1; }
    expect safe;
}
