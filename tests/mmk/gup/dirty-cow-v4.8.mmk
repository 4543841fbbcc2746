// GUP as it was before 19be0eaffa3a ("mm: remove gup_flags FOLL_WRITE games from
// __get_user_pages()", v4.9, CVE-2016-5195 "Dirty COW"): after a FOLL_FORCE write fault
// broke COW in a read-only private mapping, faultin_page() dropped FOLL_WRITE, so the
// retried lookup took any page it found as a read. If MADV_DONTNEED zapped the new copy in
// between, the retry read-faulted the original page (here the zero page) back in and handed
// it to the writer.

// v4.8's check in follow_page_pte(): `if ((flags & FOLL_WRITE) && !pte_write(pte))`.
override fn can_follow_write_pte(pte, flags) source "mm/gup.c:follow_page_pte@v4.8 (its write check, before can_follow_write_pte())" {
    return pte_write(pte);
}

// v4.8's faultin_page(): the same up to its end, where VM_FAULT_WRITE on a read-only VMA
// clears FOLL_WRITE instead of setting FOLL_COW.
override fn faultin_page(vma, address, flags, locked) source "mm/gup.c:faultin_page@v4.8" {
    let fault_flags = 0;
    // mlock all present pages, but do not fault in new pages
    if (*flags & (FOLL_POPULATE | FOLL_MLOCK)) == FOLL_MLOCK {
        return -ENOENT;
    }
    if *flags & FOLL_WRITE {
        fault_flags |= FAULT_FLAG_WRITE;
    }
    if *flags & FOLL_REMOTE {
        fault_flags |= FAULT_FLAG_REMOTE;
    }
    if locked != null {
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
    }
    if *flags & FOLL_NOWAIT {
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT;
    }
    if *flags & FOLL_TRIED {
        // FAULT_FLAG_ALLOW_RETRY and FAULT_FLAG_TRIED can co-exist
        fault_flags |= FAULT_FLAG_TRIED;
    }
    // handle_mm_fault(vma, address, fault_flags, NULL): no regs
    let ret = handle_mm_fault(vma, address, fault_flags);
    if ret & VM_FAULT_ERROR {
        let err = vm_fault_to_errno(ret, *flags);
        if err != 0 {
            return err;
        }
        BUG_ON(true);
    }
    if ret & VM_FAULT_RETRY {
        if locked != null && !(fault_flags & FAULT_FLAG_RETRY_NOWAIT) {
            *locked = 0;
        }
        return -EBUSY;
    }
    // The VM_FAULT_WRITE bit tells us that do_wp_page has broken COW when necessary, even
    // if maybe_mkwrite decided not to set pte_write. We can thus safely do subsequent page
    // lookups as if they were reads.
    if (ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE) {
        *flags = *flags & ~FOLL_WRITE;
    }
    return 0;
}
