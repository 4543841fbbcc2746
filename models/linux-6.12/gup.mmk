// mm/gup.c as of v5.10 (v5.10.0: before the v5.10.4 backports c28b1fc70390, 57efa1fe5957
// and 4509b42c3896), for one small page: pin_user_pages_fast() and get_user_pages_fast()
// through GUP-fast (internal_get_user_pages_fast(), gup_pte_range()) and the slow path it
// falls back to (get_user_pages_unlocked(), __get_user_pages_locked() with its `*locked`
// protocol, __get_user_pages(), follow_page_pte(), faultin_page()). A FOLL_PIN on a small
// page adds GUP_PIN_COUNTING_BIAS to its refcount. tests/mmk/semantics/out-params.mmk
// exercises the slow path's out-parameters.
//
// Left out: compound pages (hpage_pincount), huge PMDs and PUDs, device pages
// (pte_devmap), FOLL_LONGTERM's CMA migration, the NR_FOLL_PIN_* statistics, access_ok()
// and the range arithmetic of more than one page.

// include/linux/mm.h v5.10
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
const FOLL_LONGTERM = 0x10000;
const FOLL_PIN = 0x40000;
const FOLL_FAST_ONLY = 0x80000;

const EBUSY = 16;

const GUP_PIN_COUNTING_BIAS = 1024;

// include/linux/mm.h: "pinned" is a refcount of at least the bias (false positives are
// allowed).
fn page_maybe_dma_pinned(page) source "include/linux/mm.h:page_maybe_dma_pinned@v5.10" {
    return page_ref_count(page) >= GUP_PIN_COUNTING_BIAS;
}

fn pin_user_pages_fast(start, nr_pages, gup_flags, pages) source "mm/gup.c:pin_user_pages_fast@v5.10" {
    // WARN_ON_ONCE(gup_flags & FOLL_GET)
    return internal_get_user_pages_fast(start, nr_pages, gup_flags | FOLL_PIN, pages);
}

fn get_user_pages_fast(start, nr_pages, gup_flags, pages) source "mm/gup.c:get_user_pages_fast@v5.10" {
    return internal_get_user_pages_fast(start, nr_pages, gup_flags | FOLL_GET, pages);
}

// One page (nr_pages 1, `pages` a pointer to one page slot). has_pinned is set before the
// walk; the walk runs with IRQs disabled, which holds off the TLB-flush IPIs a path freeing
// page tables must send; what it did not get, the slow path gets under mmap_lock.
fn internal_get_user_pages_fast(start, nr_pages, gup_flags, pages) source "mm/gup.c:internal_get_user_pages_fast@v5.10" {
    let mm = current_mm();
    if gup_flags & FOLL_PIN {
        set_bit(MMF_HAS_PINNED, &mm->flags);
    }
    let nr_pinned = 0;
    let ret = 0;
    // CONFIG_HAVE_FAST_GUP and gup_fast_permitted(): true on x86-64
    let flags = local_irq_save();
    gup_pgd_range(start, start + nr_pages * PAGE_SIZE, gup_flags, pages, &nr_pinned);
    local_irq_restore(flags);
    ret = nr_pinned;
    if nr_pinned < nr_pages && (gup_flags & FOLL_FAST_ONLY) == 0 {
        ret = __gup_longterm_unlocked(start, nr_pages - nr_pinned, gup_flags, pages);
    }
    return ret;
}

// gup_pgd_range() -> gup_p4d_range() -> gup_pud_range() -> gup_pmd_range() for one PMD
// entry: read once (READ_ONCE(*pmdp)), none -> nothing, a huge leaf -> gup_huge_pmd();
// pmd_protnone() (NUMA hinting on a huge leaf) and huge PUDs are not modelled.
fn gup_pgd_range(addr, end, flags, pages, nr) source "mm/gup.c:gup_pmd_range@v5.10" {
    let pmdp = pmd_offset(current_mm(), addr);
    let pmd = *pmdp;
    if pmd_none(pmd) {
        return;
    }
    if pmd_trans_huge(pmd) {
        gup_huge_pmd(pmd, pmdp, addr, end, flags, pages, nr);
        return;
    }
    gup_pte_range(pmd, addr, end, flags, pages, nr);
}

// A huge leaf: the model's huge page is one frame (one page of the scenario in the range),
// so `refs` is 1 and the head is the page.
fn gup_huge_pmd(orig, pmdp, addr, end, flags, pages, nr) source "mm/gup.c:gup_huge_pmd@v5.10" {
    if !pmd_access_permitted(orig, flags & FOLL_WRITE) {
        return 0;
    }
    // pmd_devmap(): device pages are not modelled
    let page = pmd_page(orig);
    let head = try_grab_compound_head(page, 1, flags);
    if head == null {
        return 0;
    }
    // mutate: equivalent(disable-recheck) not observable here: only the THP opt-in changes a leaf under GUP-fast, and then either the page stays mapped at addr (a split, change_huge_pmd()) or the user's own MADV_DONTNEED or munmap discards it while the pin is taken, a race of the program's that the lost-write ghost cannot tell from a kernel fault (a DMA into a page the program discarded counts as lost); huge-PMD migration and copy_huge_pmd(), after which a pin could name a page the process no longer maps, are not modelled
    if !pmd_same(orig, *pmdp) {
        put_compound_head(head, 1, flags);
        return 0;
    }
    // mutate: equivalent(swap-adjacent) both store through out-parameters into the caller's locals (the page slot and internal_get_user_pages_fast()'s nr_pinned), private to this CPU
    *pages = page;
    *nr = *nr + 1;
    // SetPageReferenced(): LRU flags are not modelled
    return 1;
}

// arch/x86/include/asm/pgtable.h: a present leaf, writable for a write.
fn pmd_access_permitted(pmd, write) source "arch/x86/include/asm/pgtable.h:pmd_access_permitted@v5.10" {
    if !pmd_present(pmd) {
        return false;
    }
    return !write || pmd_write(pmd);
}

// One PTE: read it once, check the access, grab a reference (or a pin), and back out if
// the PTE changed meanwhile. The recheck catches a PTE changed between the read and the
// grab; it cannot catch fork's pinned-page check having run before the grab with its
// write-protect still to come.
fn gup_pte_range(pmd, addr, end, flags, pages, nr) source "mm/gup.c:gup_pte_range@v5.10" {
    let ptep = pte_offset_map(pmd, addr);
    let pte = *ptep;
    // NUMA hinting faults take the slow path
    if pte_protnone(pte) {
        return 0;
    }
    if !pte_access_permitted(pte, flags & FOLL_WRITE) {
        return 0;
    }
    // pte_devmap(): device pages are not modelled
    if pte_special(pte) {
        return 0;
    }
    let page = pte_page(pte);
    let head = try_grab_compound_head(page, 1, flags);
    if head == null {
        return 0;
    }
    if !pte_same(pte, *ptep) {
        put_compound_head(head, 1, flags);
        return 0;
    }
    // FOLL_PIN's arch_make_page_accessible(): nothing on x86; SetPageReferenced(): the
    // LRU's flags are not modelled
    // mutate: equivalent(swap-adjacent) both store through out-parameters into the caller's locals (the page slot and internal_get_user_pages_fast()'s nr_pinned), private to this CPU
    *pages = page;
    *nr = *nr + 1;
    return 1;
}

// arch/x86/include/asm/pgtable.h: present and user (every modelled PTE is a user PTE),
// and writable for a write; protection keys are not modelled.
fn pte_access_permitted(pte, write) source "arch/x86/include/asm/pgtable.h:pte_access_permitted@v5.10" {
    if !pte_present(pte) || pte_protnone(pte) {
        return false;
    }
    return !write || pte_write(pte);
}

// A small page: a pin counts GUP_PIN_COUNTING_BIAS references.
fn try_grab_compound_head(page, refs, flags) source "mm/gup.c:try_grab_compound_head@v5.10" {
    if flags & FOLL_GET {
        return try_get_compound_head(page, refs);
    }
    if flags & FOLL_PIN {
        // FOLL_LONGTERM on a CMA page, hpage_pincount: not modelled
        return try_get_compound_head(page, refs * GUP_PIN_COUNTING_BIAS);
    }
    return null;
}

// page_cache_add_speculative() on SMP: page_ref_add_unless(page, refs, 0), which fails on
// a page whose last reference is gone. The WARN_ON_ONCE(page_ref_count(head) < 0) before it
// is left out (a read of a page that may be free; the count is never negative here).
fn try_get_compound_head(page, refs) source "mm/gup.c:try_get_compound_head@v5.10" {
    if !page_ref_add_unless(page, refs, 0) {
        return null;
    }
    return page;
}

// include/linux/page_ref.h: atomic_add_unless() on the refcount.
fn page_ref_add_unless(page, nr, u) source "include/linux/page_ref.h:page_ref_add_unless@v5.10" {
    return atomic_add_unless(&page->_refcount, nr, u);
}

fn put_compound_head(page, refs, flags) source "mm/gup.c:put_compound_head@v5.10" {
    if flags & FOLL_PIN {
        refs = refs * GUP_PIN_COUNTING_BIAS;
    }
    if refs > 1 {
        atomic_sub(refs - 1, &page->_refcount); // page_ref_sub()
    }
    put_page(page);
}

// v5.10.0's own unpin (4509b42c3896 later folded it into put_compound_head()).
fn unpin_user_page(page) source "mm/gup.c:unpin_user_page@v5.10" {
    // __unpin_devmap_managed_user_page(), hpage_pincount: not modelled
    if atomic_add_return(-GUP_PIN_COUNTING_BIAS, &page->_refcount) == 0 {
        __put_page(page);
    }
}

// Without FOLL_LONGTERM: get_user_pages_unlocked().
fn __gup_longterm_unlocked(start, nr_pages, gup_flags, pages) source "mm/gup.c:__gup_longterm_unlocked@v5.10" {
    if gup_flags & FOLL_LONGTERM {
        not_modelled(); // __gup_longterm_locked(): CMA migration
    }
    return get_user_pages_unlocked(start, nr_pages, pages, gup_flags);
}

fn try_grab_page(page, flags) source "mm/gup.c:try_grab_page@v5.10" {
    if flags & FOLL_GET {
        // try_get_page(): fails only on a refcount overflow, which the model reports
        get_page(page);
        return true;
    }
    if flags & FOLL_PIN {
        if page_ref_count(page) <= 0 {
            return false;
        }
        // hpage_pincount: not modelled (small pages)
        atomic_add(GUP_PIN_COUNTING_BIAS, &page->_refcount); // page_ref_add()
    }
    return true;
}

struct follow_page_context {
    pgmap,
    page_mask,
}


fn get_user_pages_unlocked(start, nr_pages, pages, gup_flags) source "mm/gup.c:get_user_pages_unlocked@v5.10" {
    let mm = current_mm();
    let locked = 1;
    // FOLL_LONGTERM (__gup_longterm_locked()) is not modelled
    mmap_read_lock(mm);
    let ret = __get_user_pages_locked(mm, start, nr_pages, pages, &locked, gup_flags | FOLL_TOUCH);
    if locked {
        mmap_read_unlock(mm);
    }
    return ret;
}

// `vmas` is always NULL here.
fn __get_user_pages_locked(mm, start, nr_pages, pages, locked, flags) source "mm/gup.c:__get_user_pages_locked@v5.10" {
    if locked != null {
        // check caller initialized locked
        BUG_ON(*locked != 1);
    }
    if flags & FOLL_PIN {
        set_bit(MMF_HAS_PINNED, &mm->flags);
    }
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
            // mutate: equivalent(swap-adjacent) *locked is the caller's local (get_user_pages_unlocked()'s locked), private to this CPU, and nothing reads it while this CPU waits for mmap_lock
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
        // mutate: equivalent(swap-adjacent) *locked is the caller's local (get_user_pages_unlocked()'s locked), private to this CPU: clearing it before or after the unlock is invisible to other CPUs
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

// The page-table levels above the PMD are always present here: follow_p4d_mask() and
// follow_pud_mask() come down to follow_pmd_mask(): a huge leaf -> follow_trans_huge_pmd(),
// else follow_page_pte(). (The huge leaf is read without the PMD lock first and again under
// it, as follow_pmd_mask() does.)
fn follow_page_mask(vma, address, flags, ctx) source "mm/gup.c:follow_page_mask@v5.10" {
    ctx->page_mask = 0;
    // follow_huge_addr(): no hugepd
    let mm = vma->vm_mm;
    let pmd = pmd_offset(mm, address);
    let pmdval = *pmd;
    if pmd_none(pmdval) {
        return null; // no_page_table(): no FOLL_DUMP here
    }
    if pmd_trans_huge(pmdval) {
        // FOLL_NUMA and pmd_protnone(): FOLL_NUMA is never set here
        // retry_locked:
        let ptl = pmd_lock(mm, pmd);
        if pmd_none(*pmd) {
            spin_unlock(ptl);
            return null; // no_page_table()
        }
        // !pmd_present(): no THP migration entries
        if !pmd_trans_huge(*pmd) {
            spin_unlock(ptl);
            return follow_page_pte(vma, address, flags);
        }
        // mutate: equivalent(swap-adjacent) not observable here: with mmap_lock held for read, only the THP opt-in's paths change a huge leaf under the PMD lock (zap_huge_pmd() for MADV_DONTNEED, split_huge_pmd(), change_huge_pmd()), and no test runs GUP's slow path on a huge leaf against them; khugepaged, the tree's only writer of a leaf, holds mmap_lock for write, so reading the leaf and taking the reference after the unlock finds the same page
        let page = follow_trans_huge_pmd(vma, address, pmd, flags);
        spin_unlock(ptl);
        return page;
    }
    return follow_page_pte(vma, address, flags);
}

// mm/huge_memory.c, under the PMD lock: the page of a huge leaf, or null for a write
// through a read-only one (the caller faults). FOLL_TOUCH's touch_pmd() and the mlock and
// NUMA cases are not modelled.
fn follow_trans_huge_pmd(vma, addr, pmd, flags) source "mm/huge_memory.c:follow_trans_huge_pmd@v5.10" {
    let pmdval = *pmd;
    if (flags & FOLL_WRITE) != 0 && !pmd_write(pmdval) {
        return null; // can_follow_write_pmd() without FOLL_FORCE
    }
    let page = pmd_page(pmdval);
    if !try_grab_page(page, flags) {
        return null;
    }
    return page;
}

// `pgmap` (ZONE_DEVICE) is left out; FOLL_MIGRATION, FOLL_DUMP, FOLL_SPLIT and FOLL_MLOCK
// are never set here.
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
    if !try_grab_page(page, flags) {
        pte_unmap_unlock(ptep, ptl);
        return null; // ERR_PTR(-ENOMEM) in the kernel; never here (see try_grab_page())
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
