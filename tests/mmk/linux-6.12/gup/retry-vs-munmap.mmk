// GUP's slow path retrying after a fault that dropped mmap_lock, while another thread
// unmaps the range (6.12, models/linux-6.12/gup.mmk __get_user_pages_locked()).
//
// (tests/mmk/gup/retry-vs-munmap.mmk, for v5.10, with the kernel changed.)
// handle_userfault() drops mmap_lock before it sleeps and returns VM_FAULT_RETRY;
// faultin_page() tells __get_user_pages_locked() so through *locked = 0, and the retry
// takes mmap_lock again before it looks the VMA up and walks the page table
// ("retry: ... mmap_read_lock(mm); *locked = 1; ret = __get_user_pages(... FOLL_TRIED ...)").
// Once the monitor has resolved the fault and woken the thread, munmap() can take mmap_lock
// for write before the retry does, and free the VMA and the PTE table. The retry then finds
// no VMA (-EFAULT), or it takes mmap_lock first and its reference on the page before munmap
// can start. (A munmap before the monitor's unprotect leaves the monitor no VMA to resolve
// and nobody to wake: the fault stays asleep, an idle end.) A retry without mmap_lock would
// walk a VMA and a table that munmap frees under it (the model stops a page-table walk
// through the mm without mmap_lock, where PMD entries can change, as a model error).

test "6.12: the GUP retry after a userfault retakes mmap_lock, so munmap cannot free the VMA under it" {
    kernel "linux-6.12";
    invariants: use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty uffd_wp };
    cpu0 {
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { get_then_put(X); }
    cpu2 { munmap(X, 1); }
    expect safe;
}

// A short-term user of the page: look it up for write through the slow path, then drop the
// reference (a failed lookup, -EFAULT once X is unmapped, takes none).
fn get_then_put(addr) {
    let page = null;
    if get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE) == 1 {
        put_page(page);
    }
}
