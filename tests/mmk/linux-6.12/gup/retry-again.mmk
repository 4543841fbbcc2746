// GUP's slow path whose retry faults again (6.12, models/linux-6.12/gup.mmk
// __get_user_pages_locked()).
//
// (tests/mmk/gup/retry-again.mmk, for v5.10, with the kernel changed; userfaultfd.mmk of this
// tree decides what the fault does.) A uffd-wp monitor that takes snapshots in rounds: it resolves the write fault
// (unprotect and wake), then write-protects the page again for its next round. A GUP
// caller (a driver that looks the page up for write) faults on the protected page:
// handle_userfault() drops mmap_lock and returns VM_FAULT_RETRY, and the retry, with
// FAULT_FLAG_TRIED, can meet the page protected again and fault a second time, which drops
// mmap_lock again. 6.12, as v5.10, retries until it has the page ("Continue to retry until we
// succeeded", since 4426e945df58, "mm/gup: allow VM_FAULT_RETRY for multiple times", v5.7):
// each round retakes mmap_lock, sets *locked = 1 before __get_user_pages() may clear it,
// and decides from *locked after the call whether to go round again. So the driver always
// gets its page, and the lock is released once, by whoever holds it.

test "6.12: a retry that faults on the page protected again retries until GUP has the page" {
    kernel "linux-6.12";
    invariants: assertion, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty uffd_wp };
    cpu0 {
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
        userfaultfd_writeprotect(addr, 1, UFFDIO_WRITEPROTECT_MODE_WP);
        addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { get_then_put(X); }
    expect safe;
}

// A driver: the page of addr for write through the slow path, which must succeed here (X
// stays mapped and writable once the monitor resolves the fault), then the reference
// dropped.
fn get_then_put(addr) {
    let page = null;
    let ret = get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE);
    BUG_ON(ret != 1 || page == null);
    put_page(page);
}
