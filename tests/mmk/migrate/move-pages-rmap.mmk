// move_pages(2) through the anon rmap (opt-in/anon-rmap-v5.10.mmk): the page is looked up
// and isolated under mmap_lock held for read (add_page_for_migration()), then migrated with
// the lock dropped, its mappings found by rmap walks of its anon_vma (try_to_unmap(),
// remove_migration_ptes()).

import "../gup/gup-test-helpers.mmk";

test "a store racing move_pages lands in the old page before the unmap or in the new one after" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { move_pages(X, MPOL_MF_MOVE); }
    cpu1 { X = 8; }
    expect safe;
}

test "a page a device has pinned stays where it is" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { move_pages(X, MPOL_MF_MOVE); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

test "a page two processes map is left alone without MPOL_MF_MOVE_ALL" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { accessed };
    pte mm1:X -> P { accessed };
    cpu0 { move_pages(X, MPOL_MF_MOVE); }
    expect safe;
}

test "munmap racing move_pages: the walk never reaches the unmapped VMA" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { move_pages(X, MPOL_MF_MOVE); }
    cpu1 { munmap(X, 1); }
    expect safe;
}

test "a page faulted into a VMA mmap() made gets an anon_vma, and move_pages finds it" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    cpu0 {
        mmap(Y, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
        Y = 5;
        let r = move_pages(Y, MPOL_MF_MOVE);
        assert(r == MIGRATEPAGE_SUCCESS);
        Y += 1;
    }
    expect safe;
}

test "a store racing move_pages of a page in a VMA mmap() made" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 0: anon private read write;
    hole Y at 600;
    cpu0 {
        mmap(Y, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
        Y = 5;
        move_pages(Y, MPOL_MF_MOVE);
    }
    cpu1 { Y += 1; }
    expect safe;
}

test "after fork, MPOL_MF_MOVE_ALL moves a page the child shares: the walk finds both mappings" {
    kernel "linux-5.10";
    import "opt-in/anon-rmap-v5.10.mmk";
    invariants: lost_write, use_after_free, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 1;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 {
        let child = fork_mm();
        let r = move_pages(X, MPOL_MF_MOVE_ALL);
        assert(r == MIGRATEPAGE_SUCCESS);
        X += 1;
        mmput(child);
    }
    expect safe;
}
