// FOLL_FORCE writes into read-only private mappings (ptrace, /proc/pid/mem: mem_rw() ->
// access_remote_vm() with FOLL_FORCE | FOLL_WRITE), 6.12 (models/linux-6.12/gup.mmk
// can_follow_write_pte()).
//
// 6.12's rule (5535be309971, "mm/gup: fix FOLL_FORCE COW security issue and remove
// FOLL_COW", v6.0): GUP may write through a read-only PTE of a COW mapping only if it maps
// an exclusive anonymous page (COW already broken for this process) that needs no write
// fault for soft-dirty or uffd-wp; anything else takes a write fault (do_wp_page()), which
// breaks COW again if something intervened. There is no FOLL_COW to remember a COW by.
//
// 1. CVE-2016-5195, "Dirty COW" (tests/mmk/gup/dirty-cow.mmk for v5.10 and v4.8): the
//    write fault breaks COW, MADV_DONTNEED zaps the copy before GUP looks again, and the
//    retry must not take the zero page a read fault maps back in. 6.12 asks for an
//    exclusive anon page: the zero page is none (vm_normal_page() is NULL), so it faults
//    for write again and writes a fresh private copy.
// 2. The rule 5535be309971 replaced trusted a read-only PTE's dirty bit ("FOLL_COW &&
//    pte_dirty()": "it would be sufficient to have some code that sets a PTE of a
//    R/O-mapped shared page dirty, in order for it to erroneously become writable by
//    FOLL_FORCE"). After fork() both processes map the page read-only with the parent's D
//    bit kept (copy_present_ptes() write-protects, it does not clean): a debugger's
//    FOLL_FORCE write into the parent then lands in the page the child maps too, and the
//    child reads the debugger's value (lost_write on mm1:X). 6.12 sees the page is not
//    PageAnonExclusive and faults to copy it first. (The PTEs carry the soft-dirty bit, as
//    x86's pte_mkdirty() of the fault that made them writable left it, so that
//    pte_needs_soft_dirty_wp() does not hide a missing exclusive check.)

import "gup-test-helpers.mmk";

test "6.12: a FOLL_FORCE write racing MADV_DONTNEED writes a private copy (Dirty COW is safe)" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    frames 4;
    vma X: anon private read;
    vma Y: anon private read;
    pte X -> zero { };
    pte Y -> zero { };
    cpu0 { proc_mem_write_checked(X, 100); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

test "v4.8 (before 19be0eaffa3a): the write lands in the zero page" {
    kernel "linux-6.12";
    import "dirty-cow-v4.8.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 4;
    vma X: anon private read;
    vma Y: anon private read;
    pte X -> zero { };
    pte Y -> zero { };
    cpu0 { proc_mem_write(X, 100); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect violation(lost_write);
}

test "6.12: a FOLL_FORCE write to a read-only dirty PTE of a page fork() shared copies it first" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read;
    page P = 7;
    pte X -> P { dirty soft_dirty accessed };
    pte mm1:X -> P { dirty soft_dirty };
    cpu0 { proc_mem_write(X, 100); }
    cpu1 in mm1 { let v = *X; }
    expect safe;
}

test "before 5535be309971: the dirty bit lets FOLL_FORCE write into the page the child shares" {
    kernel "linux-6.12";
    import "can-follow-write-pte-dirty-bit.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read;
    page P = 7;
    pte X -> P { dirty soft_dirty accessed };
    pte mm1:X -> P { dirty soft_dirty };
    cpu0 { proc_mem_write(X, 100); }
    cpu1 in mm1 { let v = *X; }
    expect violation(lost_write);
}

// The debugger's write, which must get the page: X stays mapped (MADV_DONTNEED only zaps),
// so GUP faults a page in whatever the race; a lookup that gave up would not be tested.
fn proc_mem_write_checked(addr, v) {
    let page = null;
    let ret = get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_FORCE);
    BUG_ON(ret != 1);
    dma_add(page, v, current_mm(), addr);
    put_page(page);
}
