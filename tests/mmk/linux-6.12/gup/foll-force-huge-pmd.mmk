// FOLL_FORCE writes through a read-only huge PMD leaf (6.12, can_follow_write_pmd(), the PMD
// twin of can_follow_write_pte(): 5535be309971's rule for THP). After fork() both processes
// map the huge page read-only with the parent's D bit (and soft-dirty bit) kept; GUP may
// follow the read-only leaf for a write only if the page is an exclusive anonymous one,
// else it must fault and unshare first (do_huge_pmd_wp_page()). The tree has no THP fault
// path, so the GUP here is FOLL_NOFAULT (as a caller that must not sleep in a fault asks):
// the lookup must then fail (-EFAULT) rather than hand out the page the child maps too, into
// which the debugger's write would land (lost_write on mm1:X).

import "gup-test-helpers.mmk";

// The debugger's write without faulting: get_user_pages_unlocked() with FOLL_NOFAULT added
// to proc_mem_write()'s FOLL_FORCE | FOLL_WRITE.
fn proc_mem_write_nofault(addr, v) source "mmcheck: a test driver, mm/memory.c:__access_remote_vm@v6.12 with FOLL_FORCE | FOLL_WRITE | FOLL_NOFAULT" {
    let page = null;
    if get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_FORCE | FOLL_NOFAULT) == 1 {
        dma_add(page, v, current_mm(), addr);
        put_page(page);
    }
}

test "6.12: a FOLL_FORCE write does not follow a read-only huge PMD of a page fork() shared" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read;
    page H = 7;
    pmd X -> H { dirty soft_dirty accessed };
    pmd mm1:X -> H { dirty soft_dirty };
    cpu0 { proc_mem_write_nofault(X, 100); }
    cpu1 in mm1 { let v = *X; }
    expect safe;
}

// The same lookup of an exclusive huge page (COW already broken for this process) follows
// the read-only leaf and writes in place: the check is not a blanket refusal.
test "6.12: a FOLL_FORCE write follows a read-only huge PMD of an exclusive page" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 1;
    vma X: anon private read;
    page H = 7 { exclusive: 1 };
    pmd X -> H { dirty soft_dirty accessed };
    cpu0 { proc_mem_write_nofault(X, 100); let v = *X; assert(v == 107); }
    expect safe;
}
