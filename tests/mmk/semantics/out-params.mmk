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

const FOLL_WRITE = 0x01;
const FOLL_TOUCH = 0x02;
const FOLL_GET = 0x04;
const FOLL_FORCE = 0x10;
const FOLL_NOWAIT = 0x20;
const FOLL_POPULATE = 0x40;
const FOLL_NUMA = 0x200;
const FOLL_TRIED = 0x800;
const FOLL_MLOCK = 0x1000;
const FOLL_REMOTE = 0x2000;
const FOLL_COW = 0x4000;
const FOLL_PIN = 0x40000;

const EFAULT = 14;
const EBUSY = 16;

struct follow_page_context {
    pgmap,
    page_mask,
}

// A driver pinning one user page to write into it (its DMA is not modelled).
fn pin_user_page_for_write(addr) source "a driver: get_user_pages_unlocked(FOLL_WRITE) then put_page(), as in v5.10 callers" {
    let page = null;
    let ret = get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE);
    BUG_ON(ret != 1 || page == null);
    put_page(page);
}

fn get_user_pages_unlocked(start, nr_pages, pages, gup_flags) source "mm/gup.c:get_user_pages_unlocked@v5.10" {
    let mm = current_mm();
    let locked = 1;
    // FOLL_LONGTERM is never set here
    mmap_read_lock(mm);
    let ret = __get_user_pages_locked(mm, start, nr_pages, pages, &locked, gup_flags | FOLL_TOUCH);
    if locked {
        mmap_read_unlock(mm);
    }
    return ret;
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

// `vmas` is always NULL here.
fn __get_user_pages_locked(mm, start, nr_pages, pages, locked, flags) source "mm/gup.c:__get_user_pages_locked@v5.10" {
    if locked != null {
        // check caller initialized locked
        BUG_ON(*locked != 1);
    }
    // FOLL_PIN is never set: no mm->has_pinned
    if pages != null && !(flags & FOLL_PIN) {
        flags = flags | FOLL_GET;
    }
    let pages_done = 0;
    let lock_dropped = false;
    let ret = 0;
    while true {
        ret = __get_user_pages(mm, start, nr_pages, flags, pages, locked);
        if locked == null {
            // VM_FAULT_RETRY couldn't trigger, bypass
            return ret;
        }
        // VM_FAULT_RETRY cannot return errors
        if !*locked {
            BUG_ON(ret < 0);
            BUG_ON(ret >= nr_pages);
        }
        if ret > 0 {
            nr_pages = nr_pages - ret;
            pages_done = pages_done + ret;
            if nr_pages == 0 {
                break;
            }
        }
        if *locked {
            // VM_FAULT_RETRY didn't trigger or it was a FOLL_NOWAIT.
            if pages_done == 0 {
                pages_done = ret;
            }
            break;
        }
        // VM_FAULT_RETRY triggered, so seek to the faulting offset (`pages += ret`: with one
        // page, ret is 0 here).
        start = start + ret * PAGE_SIZE;
        lock_dropped = true;
        // retry: (fatal_signal_pending() is never true; mmap_read_lock_killable() succeeds)
        let again = true;
        while again {
            mmap_read_lock(mm);
            *locked = 1;
            ret = __get_user_pages(mm, start, 1, flags | FOLL_TRIED, pages, locked);
            again = !*locked;
            if again {
                // Continue to retry until we succeeded
                BUG_ON(ret != 0);
            }
        }
        if ret != 1 {
            BUG_ON(ret > 1);
            if pages_done == 0 {
                pages_done = ret;
            }
            break;
        }
        nr_pages = nr_pages - 1;
        pages_done = pages_done + 1;
        if nr_pages == 0 {
            break;
        }
        // pages++, start += PAGE_SIZE: arrays of more than one page are not modelled
        not_modelled();
    }
    if lock_dropped && *locked {
        // We must let the caller know we temporarily dropped the lock and so the critical
        // section protected by it was lost.
        mmap_read_unlock(mm);
        *locked = 0;
    }
    return pages_done;
}

// `vmas` is always NULL; `pages` holds one page.
fn __get_user_pages(mm, start, nr_pages, gup_flags, pages, locked) source "mm/gup.c:__get_user_pages@v5.10" {
    let ret = 0;
    let i = 0;
    let vma = null;
    let ctx = struct follow_page_context { .pgmap = null, .page_mask = 0 };
    if nr_pages == 0 {
        return 0;
    }
    // untagged_addr(): no address tags on x86
    if !(gup_flags & FOLL_FORCE) {
        gup_flags = gup_flags | FOLL_NUMA;
    }
    // do { ... } while (nr_pages)
    while true {
        let foll_flags = gup_flags;
        // first iteration or cross vma bound
        if vma == null || start >= vma->vm_end {
            // find_extend_vma(): no stack to extend; in_gate_area(): no gate area
            vma = find_vma(mm, start);
            if vma == null || check_vma_flags(vma, gup_flags) != 0 {
                ret = -EFAULT;
                break;
            }
            // is_vm_hugetlb_page(): no hugetlb
        }
        // retry: (fatal_signal_pending() is never true; cond_resched() is not modelled)
        let page = follow_page_mask(vma, start, foll_flags, &ctx);
        while page == null {
            ret = faultin_page(vma, start, &foll_flags, locked);
            if ret != 0 {
                break;
            }
            // goto retry
            page = follow_page_mask(vma, start, foll_flags, &ctx);
        }
        if page == null {
            // -EBUSY, -EFAULT, -ENOMEM, -EHWPOISON: goto out (-ENOENT, for FOLL_MLOCK, is
            // never returned here)
            if ret == -EBUSY {
                ret = 0;
            }
            break;
        }
        // follow_page_mask() returns no error pointers here (-EEXIST is for pfn maps)
        if pages != null {
            // pages[i] = page; flush_anon_page() and flush_dcache_page() are no-ops on x86
            *pages = page;
            ctx->page_mask = 0;
        }
        // next_page: (addresses are page numbers here: PAGE_SIZE is 1)
        let page_increm = 1 + (~start & ctx->page_mask);
        if page_increm > nr_pages {
            page_increm = nr_pages;
        }
        i = i + page_increm;
        start = start + page_increm * PAGE_SIZE;
        nr_pages = nr_pages - page_increm;
        if nr_pages == 0 {
            break;
        }
    }
    // out: ctx.pgmap is never set, nothing to put
    if i != 0 {
        return i;
    }
    return ret;
}

// VM_IO, VM_PFNMAP and FOLL_ANON: only anonymous VMAs are modelled;
// arch_vma_access_permitted(): no protection keys.
fn check_vma_flags(vma, gup_flags) source "mm/gup.c:check_vma_flags@v5.10" {
    let vm_flags = vma->vm_flags;
    let write = gup_flags & FOLL_WRITE;
    if write {
        if !(vm_flags & VM_WRITE) {
            if !(gup_flags & FOLL_FORCE) {
                return -EFAULT;
            }
            if !is_cow_mapping(vm_flags) {
                return -EFAULT;
            }
        }
    } else if !(vm_flags & VM_READ) {
        if !(gup_flags & FOLL_FORCE) {
            return -EFAULT;
        }
        if !(vm_flags & VM_MAYREAD) {
            return -EFAULT;
        }
    }
    return 0;
}

// The page-table levels above the PTE are always present and never huge here:
// follow_p4d_mask() .. follow_pmd_mask() come down to follow_page_pte().
fn follow_page_mask(vma, address, flags, ctx) source "mm/gup.c:follow_page_mask@v5.10" {
    ctx->page_mask = 0;
    // follow_huge_addr(): no hugepd
    return follow_page_pte(vma, address, flags);
}

// `pgmap` (ZONE_DEVICE) is left out; FOLL_MIGRATION, FOLL_DUMP, FOLL_SPLIT, FOLL_PIN and
// FOLL_MLOCK are never set here.
fn follow_page_pte(vma, address, flags) source "mm/gup.c:follow_page_pte@v5.10" {
    let mm = vma->vm_mm;
    let ptep = pte_offset_map(mm, address);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let pte = *ptep;
    if !pte_present(pte) {
        // no_page: (no FOLL_MIGRATION)
        pte_unmap_unlock(ptep, ptl);
        // pte_none or not: no_page_table() returns NULL without FOLL_DUMP
        return null;
    }
    if (flags & FOLL_NUMA) && pte_protnone(pte) {
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    if (flags & FOLL_WRITE) && !can_follow_write_pte(pte, flags) {
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    let page = vm_normal_page(vma, address, pte);
    if page == null {
        if is_zero_pfn(pte_pfn(pte)) {
            page = pte_page(pte);
        } else {
            // follow_pfn_pte(): pfn maps are not modelled
            not_modelled();
        }
    }
    // try_grab_page(): FOLL_GET takes a reference (try_get_page())
    if flags & FOLL_GET {
        get_page(page);
    }
    // FOLL_TOUCH: set_page_dirty() and mark_page_accessed() change no modelled state
    pte_unmap_unlock(ptep, ptl);
    return page;
}

// FOLL_FORCE can write to even unwritable pte's, but only after we've gone through a COW
// cycle and they are dirty.
fn can_follow_write_pte(pte, flags) source "mm/gup.c:can_follow_write_pte@v5.10" {
    return pte_write(pte) || ((flags & FOLL_FORCE) && (flags & FOLL_COW) && pte_dirty(pte));
}

// mmap_lock must be held on entry. If locked is not NULL and *flags does not include
// FOLL_NOWAIT, the mmap_lock may be released. If it is, *locked is set to 0 and -EBUSY
// returned.
fn faultin_page(vma, address, flags, locked) source "mm/gup.c:faultin_page@v5.10" {
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
    // VM_FAULT_WRITE: do_wp_page() has broken COW when necessary, even if maybe_mkwrite()
    // decided not to set pte_write; later lookups may be done as if they were reads.
    if (ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE) {
        *flags |= FOLL_COW;
    }
    return 0;
}

// FOLL_HWPOISON is never set here.
fn vm_fault_to_errno(vm_fault, foll_flags) source "include/linux/mm.h:vm_fault_to_errno@v5.10" {
    if vm_fault & VM_FAULT_OOM {
        return -ENOMEM;
    }
    if vm_fault & (VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE) {
        return -EFAULT;
    }
    if vm_fault & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV) {
        return -EFAULT;
    }
    return 0;
}
