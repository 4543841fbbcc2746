// mremap() into the middle of the VMA list and below its head: copy_vma() links the new VMA
// between its neighbours (__vma_link_list()), and every later lookup walks through it.

test "a move into a hole between two VMAs keeps both reachable" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 3;
    vma X at 0: anon private read write;
    hole Y at 600;
    vma Z at 1200: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let r = mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
        Y = Y + 1;
    }
    cpu1 { Z = 5; }
    expect safe;
}

test "a move below the first VMA makes the new one the head of the list" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 3;
    hole Y at 0;
    vma X at 600: anon private read write;
    vma Z at 1200: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let r = mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
        Y = Y + 1;
    }
    cpu1 { Z = 5; }
    expect safe;
}

// A move to the page right after Z, with Z's flags: copy_vma() extends Z over the target
// (vma_merge() case 2) instead of making a VMA, and the moved PTE lands in Z's range. The
// store through the old address before the move's flush is expected at the new one.
test "a move next to a VMA with the same flags merges into it" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    vma Z at 600: anon private read write;
    hole Y at 601;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 {
        let r = mremap(X, 1, 1, MREMAP_MAYMOVE | MREMAP_FIXED, Y);
        assert(r == Y);
        assert(count_vmas() == 1);
        Y = Y + 1;
    }
    cpu1 { X = 9; }
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
