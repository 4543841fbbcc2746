// GUP as it was before 19be0eaffa3a ("mm: remove gup_flags FOLL_WRITE games from
// __get_user_pages()", Linus Torvalds, v4.9-rc1, CVE-2016-5195 "Dirty COW"), restored on
// 6.12's __get_user_pages(): once a FOLL_FORCE write fault had broken COW in a read-only
// private mapping, v4.8's faultin_page() dropped FOLL_WRITE (`if ((ret & VM_FAULT_WRITE) &&
// !(vma->vm_flags & VM_WRITE)) *flags &= ~FOLL_WRITE;`), so the retried lookup took any
// page it found as a read. If MADV_DONTNEED zapped the new copy in between, the retry
// read-faulted the zero page back in and handed it to the writer.
//
// 6.12's faultin_page() takes the flags by value and 6.12's fault path no longer reports
// VM_FAULT_WRITE (removed in v6.2): here __get_user_pages() keeps v4.8's foll_flags, and
// any write fault that returned 0 on a !VM_WRITE VMA clears FOLL_WRITE in them. That is
// looser than v4.8, where a fault that found the PTE changed under it (pte_same() failing
// after MADV_DONTNEED's zap) returned 0 without VM_FAULT_WRITE and kept FOLL_WRITE: the
// shortest counterexample takes that path (the zap comes before the COW, the retry
// read-faults the zero page in and writes into it), where v4.8's needed the COW to finish
// first; what goes wrong is the same, a FOLL_WRITE lookup retried as a read. The check v4.8
// made in follow_page_pte(), `(flags & FOLL_WRITE) && !pte_write(pte)`, is
// can_follow_write_pte() without FOLL_FORCE's case.

override fn can_follow_write_pte(pte, page, vma, flags) source "mm/gup.c:follow_page_pte@v4.8 (its write check)" {
    return pte_write(pte);
}

override fn __get_user_pages(mm, start, nr_pages, gup_flags, pages, locked) source "mm/gup.c:__get_user_pages@v6.12 with v4.8's FOLL_WRITE games (before 19be0eaffa3a)" {
    let ret = 0;
    let i = 0;
    let vma = null;
    let ctx = struct follow_page_context { .pgmap = null, .page_mask = 0 };
    if nr_pages == 0 {
        return 0;
    }
    while true {
        // v4.8: foll_flags, a copy of gup_flags per page, that faultin_page() may change
        let foll_flags = gup_flags;
        if vma == null || start >= vma->vm_end {
            vma = gup_vma_lookup(mm, start);
            if vma == null {
                ret = -EFAULT;
                break;
            }
            ret = check_vma_flags(vma, gup_flags);
            if ret != 0 {
                break;
            }
        }
        let page = follow_page_mask(vma, start, foll_flags, &ctx);
        while page == null || page == -EMLINK {
            ret = faultin_page(vma, start, foll_flags, page == -EMLINK, locked);
            if ret != 0 {
                break;
            }
            // v4.8 faultin_page(): "The VM_FAULT_WRITE bit tells us that do_wp_page has
            // broken COW when necessary, even if maybe_mkwrite decided not to set
            // pte_write. We can thus safely do subsequent page lookups as if they were
            // reads."
            if (foll_flags & FOLL_WRITE) && !(vma->vm_flags & VM_WRITE) {
                foll_flags = foll_flags & ~FOLL_WRITE;
            }
            page = follow_page_mask(vma, start, foll_flags, &ctx);
        }
        if page == null || page == -EMLINK {
            if ret == -EBUSY || ret == -EAGAIN {
                ret = 0;
            }
            break;
        }
        if page == -ENOMEM || page == -EINVAL {
            ret = page;
            break;
        }
        let page_increm = 1 + (~start & ctx->page_mask);
        if page_increm > nr_pages {
            page_increm = nr_pages;
        }
        if pages != null {
            *pages = page;
        }
        i = i + page_increm;
        start = start + page_increm * PAGE_SIZE;
        nr_pages = nr_pages - page_increm;
        if nr_pages == 0 {
            break;
        }
    }
    if i != 0 {
        return i;
    }
    return ret;
}
