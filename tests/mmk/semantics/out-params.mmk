// Out-parameters as the kernel writes them: the GUP slow path of v5.10 (mm/gup.c) passes
// `int *locked` from get_user_pages_unlocked() down to faultin_page(), which sets
// `*locked = 0` when the fault dropped mmap_lock (VM_FAULT_RETRY from handle_userfault());
// `unsigned int *flags` (`&foll_flags`), `struct page **pages` (`&page`) and
// `struct follow_page_context *ctx` (`&ctx`) travel the same way.
//
// Here the fault is a write to a uffd write-protected page: it sleeps until the monitor on
// cpu0 unprotects the page, and returns with mmap_lock dropped. Whether the caller then
// releases mmap_lock depends only on the value written through the pointer: honouring it is
// safe; a caller that ignores it releases a lock it no longer holds.
//
// Not modelled: FOLL_PIN, FOLL_LONGTERM, hugetlb, THP and ZONE_DEVICE pages (ctx->pgmap is
// never set), the gate area, fatal signals (mmap_read_lock_killable() always succeeds),
// cond_resched(), page flags (FOLL_TOUCH's set_page_dirty()/mark_page_accessed()), and
// arrays of more than one page (`pages[i]` is `*pages`, for nr_pages == 1).

test "GUP: the caller learns through *locked that the fault dropped mmap_lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty uffd_wp };
    cpu0 {
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { pin_user_page_for_write(X); }
    expect safe;
}

test "GUP: a caller that ignores *locked releases mmap_lock it no longer holds" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty uffd_wp };
    cpu0 {
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { get_user_pages_unlocked_ignoring_locked(X, 1, null, FOLL_WRITE); }
    expect violation(lock_hygiene);
}

// A driver pinning one user page to write into it (its DMA is not modelled).
fn pin_user_page_for_write(addr) source "a driver: get_user_pages_unlocked(FOLL_WRITE) then put_page(), as in v5.10 callers" {
    let page = null;
    let ret = get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE);
    BUG_ON(ret != 1 || page == null);
    put_page(page);
}

// The bug of the second test: the caller releases mmap_lock whatever *locked says.
fn get_user_pages_unlocked_ignoring_locked(start, nr_pages, pages, gup_flags) source "mm/gup.c:get_user_pages_unlocked@v5.10 with `if (locked)` left out (a bug, for the test)" {
    let mm = current_mm();
    let locked = 1;
    mmap_read_lock(mm);
    let ret = __get_user_pages_locked(mm, start, nr_pages, pages, &locked, gup_flags | FOLL_TOUCH);
    mmap_read_unlock(mm);
    return ret;
}
