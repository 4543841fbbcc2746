// mremap() into the middle of the VMA list and below its head (6.12): copy_vma() stores the
// new VMA into the tree between its neighbours (vma_link(): write-locked, then
// vma_iter_store(); the model's list stands in for the maple tree), and every later lookup,
// the fault's lockless one included, walks through it. (Ported from
// tests/mmk/mremap/mremap-layout.mmk.)

test "a move into a hole between two VMAs keeps both reachable" {
    kernel "linux-6.12";
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
    kernel "linux-6.12";
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

// A move to the page right after Z, with Z's flags. X has faulted (a scenario VMA starts with
// its anon_vma), so copy_vma() keeps X's pgoff for the new range ("If anonymous vma has not
// yet been faulted, update new pgoff to match new location" does not apply), and
// vma_merge_new_range() cannot extend Z over it (Z's pgoff + 1 is not X's): a new VMA is made,
// as the kernel does. (v5.10's model had no anon_vma here and merged; see
// tests/mmk/mremap/mremap-layout.mmk.) The store through the old address before the move's
// flush is expected at the new one.
test "a move next to a VMA with the same flags but another pgoff makes a VMA of its own" {
    kernel "linux-6.12";
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
        assert(count_vmas() == 2);
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
