// mm/gup.c of 6.12.y (Xilinx/linux-xlnx 90b13e116180, whose Makefile says 6.12.40: mm/gup.c is
// not stored at the tree's acc8f948e4aa), for order-0 folios of anonymous private memory:
// GUP-fast (pin_user_pages_fast(), get_user_pages_fast() -> gup_fast_fallback() -> gup_fast()
// with the mm->write_protect_seq check of 57efa1fe5957, gup_fast_pgd_range() ..
// gup_fast_pte_range() with its PMD and PTE rechecks and gup_must_unshare()) and the slow path
// it falls back to (__gup_longterm_locked(), __get_user_pages_locked() with its `*locked`
// protocol, __get_user_pages(), follow_page_mask(), follow_page_pte() with 6.12's
// can_follow_write_pte() and its FAULT_FLAG_UNSHARE request (-EMLINK), faultin_page()).
// A FOLL_PIN on a small folio adds GUP_PIN_COUNTING_BIAS to its refcount; the zero page is
// never pinned. gup_must_unshare() is mm/internal.h's (Xilinx/linux-xlnx 2a4a597cc1b6: a
// later tree, mm/internal.h is not stored at a 6.12 commit; the function is the one the 6.x
// patches quote, after the CONFIG_HAVE_GUP_FAST rename of 6.10).
//
// Left out: large folios (_pincount, record_subpages() of more than one page, the
// page_folio() != folio recheck after a split), huge PUDs, device pages (pte_devmap,
// pgmap), P2PDMA, FOLL_LONGTERM's migration of unpinnable folios, hugetlb, file and shmem
// mappings (writable_file_mapping_allowed()), secretmem, the gate area, FOLL_DUMP,
// FOLL_MADV_POPULATE, signals (gup_signal_pending() and mmap_read_lock_killable() never
// fail here), the NR_FOLL_PIN_* statistics, access_ok() and the range arithmetic of more
// than one page, CONFIG_DEBUG_VM's checks (sanity_check_pinned_pages(), the VM_BUG_ON_PAGE()
// that a FOLL_PIN only ever grabs an exclusive anon page). The machine's memory is
// sequentially consistent, so smp_mb__after_atomic() and gup_must_unshare()'s smp_rmb()
// are comments.

// include/linux/mm_types.h@v6.12: the FOLL_* flags of the gup/pup interface
const FOLL_WRITE = 1 << 0;
const FOLL_GET = 1 << 1;
const FOLL_DUMP = 1 << 2;
const FOLL_FORCE = 1 << 3;
const FOLL_NOWAIT = 1 << 4;
const FOLL_NOFAULT = 1 << 5;
const FOLL_HWPOISON = 1 << 6;
const FOLL_ANON = 1 << 7;
const FOLL_LONGTERM = 1 << 8;
const FOLL_SPLIT_PMD = 1 << 9;
const FOLL_PCI_P2PDMA = 1 << 10;
const FOLL_INTERRUPTIBLE = 1 << 11;
const FOLL_HONOR_NUMA_FAULT = 1 << 12;

// mm/internal.h@v6.12: the internal-only FOLL_* flags
const FOLL_TOUCH = 1 << 16;
const FOLL_TRIED = 1 << 17;
const FOLL_REMOTE = 1 << 18;
const FOLL_PIN = 1 << 19;
const FOLL_FAST_ONLY = 1 << 20;
const FOLL_UNLOCKABLE = 1 << 21;
const FOLL_MADV_POPULATE = 1 << 22;
const INTERNAL_GUP_FLAGS = FOLL_TOUCH | FOLL_TRIED | FOLL_REMOTE | FOLL_PIN | FOLL_FAST_ONLY | FOLL_UNLOCKABLE | FOLL_MADV_POPULATE;

// ---- the references GUP takes ----

// The WARN_ON_ONCE(folio_ref_count(folio) < 0) is left out (a read of a folio that may be
// free; the count is never negative here), and so is the recheck that the page still
// belongs to the folio after the reference (no folio is ever split here).
fn try_get_folio(page, refs) source "mm/gup.c:try_get_folio@v6.12" {
    let folio = page_folio(page);
    if !folio_ref_try_add(folio, refs) {
        return null;
    }
    return folio;
}

// put_devmap_managed_folio_refs(): no device pages.
fn gup_put_folio(folio, refs, flags) source "mm/gup.c:gup_put_folio@v6.12" {
    if flags & FOLL_PIN {
        if is_zero_folio(folio) {
            return;
        }
        // folio_test_large(): order-0 folios only
        refs = refs * GUP_PIN_COUNTING_BIAS;
    }
    folio_put_refs(folio, refs);
}

// Returns 0, or -ENOMEM for a folio whose references are all gone (the WARN_ON_ONCE()).
// is_pci_p2pdma_page(): no P2PDMA pages.
fn try_grab_folio(folio, refs, flags) source "mm/gup.c:try_grab_folio@v6.12" {
    if folio_ref_count(folio) <= 0 {
        return -ENOMEM;
    }
    if flags & FOLL_GET {
        folio_ref_add(folio, refs);
    } else if flags & FOLL_PIN {
        // "Don't take a pin on the zero page - it's not going anywhere and it is used in a
        // *lot* of places."
        if is_zero_folio(folio) {
            return 0;
        }
        // folio_test_large(): order-0 folios only
        folio_ref_add(folio, refs * GUP_PIN_COUNTING_BIAS);
    }
    return 0;
}

// sanity_check_pinned_pages() is CONFIG_DEBUG_VM only.
fn unpin_user_page(page) source "mm/gup.c:unpin_user_page@v6.12" {
    gup_put_folio(page_folio(page), 1, FOLL_PIN);
}

// `pages` holds one page here: npages is 0 or 1.
fn gup_fast_unpin_user_pages(pages, npages) source "mm/gup.c:gup_fast_unpin_user_pages@v6.12" {
    // "Don't perform any sanity checks because we might have raced with fork() and some
    // anonymous pages might now actually be shared -- which is why we're unpinning after
    // all."
    if npages > 0 {
        gup_put_folio(page_folio(*pages), 1, FOLL_PIN);
    }
}

// "Set the MMF_HAS_PINNED if not set yet; after set it'll be there for the mm's lifecycle."
fn mm_set_has_pinned_flag(mm_flags) source "mm/gup.c:mm_set_has_pinned_flag@v6.12" {
    if !test_bit(MMF_HAS_PINNED, mm_flags) {
        set_bit(MMF_HAS_PINNED, mm_flags);
    }
}

// ---- mm/internal.h: when a read-only pin must unshare first ----

// "Indicates for which pages that are write-protected in the page table, whether GUP has
// to trigger unsharing via FAULT_FLAG_UNSHARE such that the GUP pin will remain consistent
// with the pages mapped into the page tables of the MM." A null vma is GUP-fast.
fn gup_must_unshare(vma, flags, page) source "mm/internal.h:gup_must_unshare@v6.12 (text of a later tree, see the header)" {
    // "FOLL_WRITE is implicitly handled correctly as the page table entry has to be
    // writable -- and if it references (part of) an anonymous folio, that part is required
    // to be marked exclusive."
    if (flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN {
        return false;
    }
    if !PageAnon(page) {
        // "We only care about R/O long-term pining"
        if !(flags & FOLL_LONGTERM) {
            return false;
        }
        if vma == null {
            return true;
        }
        return is_cow_mapping(vma->vm_flags);
    }
    // smp_rmb(): "Paired with a memory barrier in folio_try_share_anon_rmap_*()."
    // "Note that KSM pages cannot be exclusive, and consequently, cannot get pinned."
    return !PageAnonExclusive(page);
}

// ---- the slow path ----

struct follow_page_context {
    pgmap,
    page_mask,
}

// include/linux/mm.h@v6.12
fn gup_can_follow_protnone(vma, flags) source "include/linux/mm.h:gup_can_follow_protnone@v6.12" {
    // "If callers don't want to honor NUMA hinting faults, no need to determine if we
    // would actually have to trigger a NUMA hinting fault."
    if !(flags & FOLL_HONOR_NUMA_FAULT) {
        return true;
    }
    return !vma_is_accessible(vma);
}

// mm/internal.h@v6.12 (CONFIG_MEM_SOFT_DIRTY): soft-dirty tracking is on in a VMA whose
// VM_SOFTDIRTY is clear, and then a PTE without its soft-dirty bit needs a write fault.
fn pte_needs_soft_dirty_wp(vma, pte) source "mm/internal.h:pte_needs_soft_dirty_wp@v6.12" {
    return !(vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte);
}

// "FOLL_FORCE can write to even unwritable PTEs in COW mappings." The rule of 5535be309971
// ("mm/gup: fix FOLL_FORCE COW security issue and remove FOLL_COW", v6.0): only an
// exclusive anonymous page (COW already broken) may be written through a read-only PTE,
// whatever its dirty bit says.
fn can_follow_write_pte(pte, page, vma, flags) source "mm/gup.c:can_follow_write_pte@v6.12" {
    // If the pte is writable, we can write to the page.
    if pte_write(pte) {
        return true;
    }
    // Maybe FOLL_FORCE is set to override it?
    if !(flags & FOLL_FORCE) {
        return false;
    }
    // But FOLL_FORCE has no effect on shared mappings
    if vma->vm_flags & VM_SHARED {
        return false; // VM_MAYSHARE: only private mappings are modelled
    }
    // ... or read-only private ones
    if !(vma->vm_flags & VM_MAYWRITE) {
        return false;
    }
    // ... or already writable ones that just need to take a write fault
    if vma->vm_flags & VM_WRITE {
        return false;
    }
    // "See can_change_pte_writable(): we broke COW and could map the page writable if we
    // have an exclusive anonymous page ..."
    if page == null || !PageAnon(page) || !PageAnonExclusive(page) {
        return false;
    }
    // "... and a write-fault isn't required for other reasons."
    if pte_needs_soft_dirty_wp(vma, pte) {
        return false;
    }
    return !userfaultfd_pte_wp(vma, pte);
}

// Returns the page with its reference or pin, null (the caller faults), or -EMLINK (an
// error pointer in the kernel: the caller faults with FAULT_FLAG_UNSHARE). `pmd` is the
// PMD entry's pointer; `pgmap` is unused (no device pages). FOLL_DUMP and pfn maps
// (follow_pfn_pte()) are not modelled.
fn follow_page_pte(vma, address, pmd, flags, pgmap) source "mm/gup.c:follow_page_pte@v6.12" {
    let mm = vma->vm_mm;
    // FOLL_GET and FOLL_PIN are mutually exclusive.
    if (flags & (FOLL_PIN | FOLL_GET)) == (FOLL_PIN | FOLL_GET) {
        return -EINVAL;
    }
    let ptl = null;
    let ptep = pte_offset_map_lock(mm, pmd, address, &ptl);
    if ptep == null {
        return null; // no_page_table(): NULL without FOLL_DUMP
    }
    let pte = *ptep; // ptep_get()
    if !pte_present(pte) {
        // no_page: not none or none, no_page_table() returns NULL without FOLL_DUMP
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    if pte_protnone(pte) && !gup_can_follow_protnone(vma, flags) {
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    let page = vm_normal_page(vma, address, pte);
    // "We only care about anon pages in can_follow_write_pte() and don't have to worry
    // about pte_devmap() because they are never anon."
    if (flags & FOLL_WRITE) && !can_follow_write_pte(pte, page, vma, flags) {
        pte_unmap_unlock(ptep, ptl);
        return null;
    }
    if page == null {
        if is_zero_pfn(pte_pfn(pte)) {
            page = pte_page(pte);
        } else {
            not_modelled(); // follow_pfn_pte(): pfn maps
        }
    }
    let folio = page_folio(page);
    if !pte_write(pte) && gup_must_unshare(vma, flags, page) {
        pte_unmap_unlock(ptep, ptl);
        return -EMLINK;
    }
    // try_grab_folio() does nothing unless FOLL_GET or FOLL_PIN is set.
    let ret = try_grab_folio(folio, 1, flags);
    if ret != 0 {
        pte_unmap_unlock(ptep, ptl);
        return ret;
    }
    // FOLL_PIN's arch_make_folio_accessible(): nothing on x86. FOLL_TOUCH's
    // set_page_dirty() and mark_page_accessed() change no modelled state.
    pte_unmap_unlock(ptep, ptl);
    return page;
}

// follow_page_mask() -> follow_p4d_mask() -> follow_pud_mask() -> follow_pmd_mask(): the
// levels above the PMD are always present here (no huge PUDs), so this is
// follow_pmd_mask()'s body. The PMD entry is read locklessly (pmdp_get_lockless()), then a
// huge leaf again under the PMD lock. vma_pgtable_walk_begin() is for hugetlb only;
// pmd_devmap(), FOLL_SPLIT_PMD and THP migration entries are not modelled.
fn follow_page_mask(vma, address, flags, ctx) source "mm/gup.c:follow_pmd_mask@v6.12 (with follow_page_mask@v6.12)" {
    ctx->page_mask = 0;
    let mm = vma->vm_mm;
    let pmd = pmd_offset(mm, address);
    let pmdval = *pmd;
    if pmd_none(pmdval) || !pmd_present(pmdval) {
        return null; // no_page_table()
    }
    if !pmd_trans_huge(pmdval) {
        return follow_page_pte(vma, address, pmd, flags, null);
    }
    if pmd_protnone(pmdval) && !gup_can_follow_protnone(vma, flags) {
        return null;
    }
    // mutate: equivalent(swap-adjacent) not observable here: with mmap_lock held for read, no path of this tree changes a huge leaf (khugepaged, the only one that makes leaves, holds mmap_lock for write; this tree has no THP fault, split or zap of a leaf under mmap_lock for read yet), so the leaf read before or after taking the PMD lock is the same
    let ptl = pmd_lock(mm, pmd);
    pmdval = *pmd;
    if !pmd_present(pmdval) {
        spin_unlock(ptl);
        return null;
    }
    if !pmd_trans_huge(pmdval) {
        spin_unlock(ptl);
        return follow_page_pte(vma, address, pmd, flags, null);
    }
    // mutate: equivalent(swap-adjacent) not observable here: with mmap_lock held for read, no path of this tree changes a huge leaf under the PMD lock (see above), so reading the leaf and taking the reference after the unlock finds the same page
    let page = follow_huge_pmd(vma, address, pmd, flags, ctx);
    spin_unlock(ptl);
    return page;
}

// "FOLL_FORCE can write to even unwritable PMDs in COW mappings."
fn can_follow_write_pmd(pmd, page, vma, flags) source "mm/gup.c:can_follow_write_pmd@v6.12" {
    if pmd_write(pmd) {
        return true;
    }
    if !(flags & FOLL_FORCE) {
        return false;
    }
    if vma->vm_flags & VM_SHARED {
        return false;
    }
    if !(vma->vm_flags & VM_MAYWRITE) {
        return false;
    }
    if vma->vm_flags & VM_WRITE {
        return false;
    }
    if page == null || !PageAnon(page) || !PageAnonExclusive(page) {
        return false;
    }
    // pmd_needs_soft_dirty_wp()
    if !(vma->vm_flags & VM_SOFTDIRTY) && !pmd_soft_dirty(pmd) {
        return false;
    }
    // userfaultfd_huge_pmd_wp()
    return !(userfaultfd_wp(vma) && pmd_uffd_wp(pmd));
}

// Under the PMD lock. The model's huge page is one frame, so the page is the leaf's and
// page_mask stays 0 (the kernel's HPAGE_PMD_NR - 1 would advance over the rest of the
// range). FOLL_DUMP's huge zero page and FOLL_TOUCH's touch_pmd() are not modelled.
fn follow_huge_pmd(vma, addr, pmd, flags, ctx) source "mm/gup.c:follow_huge_pmd@v6.12" {
    let pmdval = *pmd;
    let page = pmd_page(pmdval);
    if (flags & FOLL_WRITE) && !can_follow_write_pmd(pmdval, page, vma, flags) {
        return null;
    }
    if pmd_protnone(*pmd) && !gup_can_follow_protnone(vma, flags) {
        return null;
    }
    if !pmd_write(pmdval) && gup_must_unshare(vma, flags, page) {
        return -EMLINK;
    }
    let ret = try_grab_folio(page_folio(page), 1, flags);
    if ret != 0 {
        return ret;
    }
    return page;
}

// mmap_lock must be held on entry. With FOLL_UNLOCKABLE and without FOLL_NOWAIT the fault
// may release it: then *locked is 0 and -EBUSY (or -EAGAIN, VM_FAULT_COMPLETED) returned.
// 6.12 has no FOLL_COW: a caller that gets 0 simply looks again, and can_follow_write_pte()
// decides from the page itself. `unshare` asks the fault to unshare a possibly shared
// anonymous page without writing it (FAULT_FLAG_UNSHARE, for a read-only FOLL_PIN).
fn faultin_page(vma, address, flags, unshare, locked) source "mm/gup.c:faultin_page@v6.12" {
    let fault_flags = 0;
    if flags & FOLL_NOFAULT {
        return -EFAULT;
    }
    if flags & FOLL_WRITE {
        fault_flags |= FAULT_FLAG_WRITE;
    }
    if flags & FOLL_REMOTE {
        fault_flags |= FAULT_FLAG_REMOTE;
    }
    if flags & FOLL_UNLOCKABLE {
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
        // FAULT_FLAG_INTERRUPTIBLE is opt-in (FOLL_INTERRUPTIBLE)
        if flags & FOLL_INTERRUPTIBLE {
            fault_flags |= FAULT_FLAG_INTERRUPTIBLE;
        }
    }
    if flags & FOLL_NOWAIT {
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT;
    }
    if flags & FOLL_TRIED {
        // FAULT_FLAG_ALLOW_RETRY and FAULT_FLAG_TRIED can co-exist
        fault_flags |= FAULT_FLAG_TRIED;
    }
    if unshare {
        fault_flags |= FAULT_FLAG_UNSHARE;
        // FAULT_FLAG_WRITE and FAULT_FLAG_UNSHARE are incompatible
        BUG_ON(fault_flags & FAULT_FLAG_WRITE);
    }
    // handle_mm_fault(vma, address, fault_flags, NULL): no regs
    let ret = handle_mm_fault(vma, address, fault_flags);
    if ret & VM_FAULT_COMPLETED {
        // "With FAULT_FLAG_RETRY_NOWAIT we'll never release the mmap lock in the page
        // fault handler." (WARN_ON_ONCE)
        *locked = 0;
        // "Use -EAGAIN to show that we want to take the mmap lock _again_."
        return -EAGAIN;
    }
    if ret & VM_FAULT_ERROR {
        let err = vm_fault_to_errno(ret, flags);
        if err != 0 {
            return err;
        }
        BUG_ON(true);
    }
    if ret & VM_FAULT_RETRY {
        if !(fault_flags & FAULT_FLAG_RETRY_NOWAIT) {
            *locked = 0;
        }
        return -EBUSY;
    }
    return 0;
}

// FOLL_HWPOISON is never set here.
fn vm_fault_to_errno(vm_fault, foll_flags) source "include/linux/mm.h:vm_fault_to_errno@v6.12" {
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

// VM_IO, VM_PFNMAP, FOLL_ANON, fsdax, hugetlb, secretmem, writable_file_mapping_allowed()
// and VM_SHADOW_STACK: only anonymous private VMAs are modelled; arch_vma_access_permitted():
// no protection keys.
fn check_vma_flags(vma, gup_flags) source "mm/gup.c:check_vma_flags@v6.12" {
    let vm_flags = vma->vm_flags;
    let write = gup_flags & FOLL_WRITE;
    if write {
        if !(vm_flags & VM_WRITE) {
            if !(gup_flags & FOLL_FORCE) {
                return -EFAULT;
            }
            // "Anon pages in shared mappings are surprising: now just reject it."
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

// !CONFIG_STACK_GROWSUP: the VMA containing addr; GUP no longer expands a stack (an address
// below a VM_GROWSDOWN VMA only gets a rate-limited warning, left out).
fn gup_vma_lookup(mm, addr) source "mm/gup.c:gup_vma_lookup@v6.12" {
    let vma = find_vma(mm, addr);
    if vma == null || addr >= vma->vm_start {
        return vma;
    }
    return null;
}

// `pages` holds one page. untagged_addr_remote(): no address tags on x86. The gate area,
// FOLL_MADV_POPULATE and the large-folio refcount work for page_increm > 1 are left out.
fn __get_user_pages(mm, start, nr_pages, gup_flags, pages, locked) source "mm/gup.c:__get_user_pages@v6.12" {
    let ret = 0;
    let i = 0;
    let vma = null;
    let ctx = struct follow_page_context { .pgmap = null, .page_mask = 0 };
    if nr_pages == 0 {
        return 0;
    }
    // do { ... } while (nr_pages)
    while true {
        // first iteration or cross vma bound
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
        // retry: (fatal_signal_pending() is never true; cond_resched() is not modelled)
        let page = follow_page_mask(vma, start, gup_flags, &ctx);
        while page == null || page == -EMLINK {
            ret = faultin_page(vma, start, gup_flags, page == -EMLINK, locked);
            if ret != 0 {
                break;
            }
            // case 0: goto retry
            page = follow_page_mask(vma, start, gup_flags, &ctx);
        }
        if page == null || page == -EMLINK {
            // -EBUSY, -EAGAIN: ret = 0; then (and for -EFAULT, -ENOMEM, -EHWPOISON) goto out
            if ret == -EBUSY || ret == -EAGAIN {
                ret = 0;
            }
            break;
        }
        if page == -ENOMEM || page == -EINVAL {
            // IS_ERR(page) (-EEXIST is for pfn maps)
            ret = page;
            break;
        }
        // next_page: (addresses are page numbers here: PAGE_SIZE is 1)
        let page_increm = 1 + (~start & ctx->page_mask);
        if page_increm > nr_pages {
            page_increm = nr_pages;
        }
        if pages != null {
            // pages[i] = page; flush_anon_page() and flush_dcache_page() are no-ops on x86
            *pages = page;
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

// *locked == 1: the caller holds mmap_lock and this may drop it (then *locked = 0);
// *locked == 0: this takes and drops it. `pages` holds one page.
fn __get_user_pages_locked(mm, start, nr_pages, pages, locked, flags) source "mm/gup.c:__get_user_pages_locked@v6.12" {
    let must_unlock = false;
    if nr_pages == 0 {
        return 0;
    }
    // "The internal caller expects GUP to manage the lock internally and the lock must be
    // released when this returns." (mmap_read_lock_killable() never fails here)
    if !*locked {
        mmap_read_lock(mm);
        must_unlock = true;
        *locked = 1;
    }
    if flags & FOLL_PIN {
        mm_set_has_pinned_flag(&mm->flags);
    }
    // "FOLL_PIN and FOLL_GET are mutually exclusive."
    if pages != null && !(flags & FOLL_PIN) {
        flags = flags | FOLL_GET;
    }
    let pages_done = 0;
    let ret = 0;
    while true {
        ret = __get_user_pages(mm, start, nr_pages, flags, pages, locked);
        if !(flags & FOLL_UNLOCKABLE) {
            // VM_FAULT_RETRY couldn't trigger, bypass
            pages_done = ret;
            break;
        }
        // VM_FAULT_RETRY or VM_FAULT_COMPLETED cannot return errors
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
        // VM_FAULT_RETRY triggered, so seek to the faulting offset (`pages += ret`: with
        // one page, ret is 0 here).
        start = start + ret * PAGE_SIZE;
        // The lock was temporarily dropped, so we must unlock later
        must_unlock = true;
        // retry: (gup_signal_pending() is never true; mmap_read_lock_killable() succeeds)
        let again = true;
        while again {
            // mutate: equivalent(swap-adjacent) *locked is the caller's local, private to this CPU, and nothing reads it while this CPU waits for mmap_lock
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
    if must_unlock && *locked {
        // "We either temporarily dropped the lock, or the caller requested that we both
        // acquire and drop the lock. Either way, we must now unlock, and notify the caller
        // of that state."
        // mutate: equivalent(swap-adjacent) *locked is the caller's local, private to this CPU: clearing it before or after the unlock is invisible to other CPUs
        mmap_read_unlock(mm);
        *locked = 0;
    }
    // "Failing to pin anything implies something has gone wrong (except when FOLL_NOWAIT is
    // specified)." (WARN_ON_ONCE)
    if pages_done == 0 && !(flags & FOLL_NOWAIT) {
        return -EFAULT;
    }
    return pages_done;
}

// Without FOLL_LONGTERM: __get_user_pages_locked().
fn __gup_longterm_locked(mm, start, nr_pages, pages, locked, gup_flags) source "mm/gup.c:__gup_longterm_locked@v6.12" {
    if gup_flags & FOLL_LONGTERM {
        not_modelled(); // check_and_migrate_movable_pages(): migration of unpinnable folios
    }
    return __get_user_pages_locked(mm, start, nr_pages, pages, locked, gup_flags);
}

// "Check that the given flags are valid for the exported gup/pup interface, and update
// them with the required flags that the caller must have set." (The WARN_ON_ONCE()s.)
fn is_valid_gup_args(pages, locked, gup_flags_p, to_set) source "mm/gup.c:is_valid_gup_args@v6.12" {
    let gup_flags = *gup_flags_p;
    if gup_flags & INTERNAL_GUP_FLAGS {
        return false;
    }
    gup_flags = gup_flags | to_set;
    if locked != null {
        // At the external interface locked must be set
        if *locked != 1 {
            return false;
        }
        gup_flags = gup_flags | FOLL_UNLOCKABLE;
    }
    // FOLL_GET and FOLL_PIN are mutually exclusive.
    if (gup_flags & (FOLL_PIN | FOLL_GET)) == (FOLL_PIN | FOLL_GET) {
        return false;
    }
    // LONGTERM can only be specified when pinning
    if !(gup_flags & FOLL_PIN) && (gup_flags & FOLL_LONGTERM) {
        return false;
    }
    // Pages input must be given if using GET/PIN
    if (gup_flags & (FOLL_GET | FOLL_PIN)) && pages == null {
        return false;
    }
    *gup_flags_p = gup_flags;
    return true;
}

// The caller holds mmap_lock (for read).
fn get_user_pages(start, nr_pages, gup_flags, pages) source "mm/gup.c:get_user_pages@v6.12" {
    let locked = 1;
    if !is_valid_gup_args(pages, null, &gup_flags, FOLL_TOUCH) {
        return -EINVAL;
    }
    return __get_user_pages_locked(current_mm(), start, nr_pages, pages, &locked, gup_flags);
}

// "get_user_pages_unlocked() is suitable to replace the form: mmap_read_lock(mm);
// get_user_pages(mm, ..., pages, NULL); mmap_read_unlock(mm);"
fn get_user_pages_unlocked(start, nr_pages, pages, gup_flags) source "mm/gup.c:get_user_pages_unlocked@v6.12" {
    let locked = 0;
    if !is_valid_gup_args(pages, null, &gup_flags, FOLL_TOUCH | FOLL_UNLOCKABLE) {
        return -EINVAL;
    }
    return __get_user_pages_locked(current_mm(), start, nr_pages, pages, &locked, gup_flags);
}

// The caller holds mmap_lock (for read). "Nearly the same as get_user_pages(), except that
// FOLL_TOUCH is not set, and FOLL_PIN is set."
fn pin_user_pages(start, nr_pages, gup_flags, pages) source "mm/gup.c:pin_user_pages@v6.12" {
    let locked = 1;
    if !is_valid_gup_args(pages, null, &gup_flags, FOLL_PIN) {
        return 0;
    }
    return __gup_longterm_locked(current_mm(), start, nr_pages, pages, &locked, gup_flags);
}

// "the FOLL_PIN variant of get_user_pages_unlocked()"
fn pin_user_pages_unlocked(start, nr_pages, pages, gup_flags) source "mm/gup.c:pin_user_pages_unlocked@v6.12" {
    let locked = 0;
    if !is_valid_gup_args(pages, null, &gup_flags, FOLL_PIN | FOLL_TOUCH | FOLL_UNLOCKABLE) {
        return 0;
    }
    return __gup_longterm_locked(current_mm(), start, nr_pages, pages, &locked, gup_flags);
}

// ---- GUP-fast ----
//
// "get_user_pages_fast attempts to pin user pages by walking the page tables directly and
// avoids taking locks. Thus the walker needs to be protected from page table pages being
// freed from under it, and should block any THP splits. One way to achieve this is to have
// the walker disable interrupts, and rely on IPIs from the TLB flushing code blocking before
// the page table pages are freed." (x86: the machine's shootdown waits for a CPU with IRQs
// disabled.)

// "Used in the GUP-fast path to determine whether GUP is permitted to work on a specific
// folio." CONFIG_SECRETMEM (x86 defconfig): an order-0 folio is checked, so its mapping is
// read (READ_ONCE; the folio is held): an anonymous folio passes, a folio with no mapping
// (the zero page) falls back to the slow path. Slab and hugetlb folios, file mappings,
// secretmem and shmem are not modelled.
fn gup_fast_folio_allowed(folio, flags) source "mm/gup.c:gup_fast_folio_allowed@v6.12" {
    let reject_file_backed = false;
    let check_secretmem = false;
    // "If we aren't pinning then no problematic write can occur."
    if (flags & (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE)) == (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE) {
        reject_file_backed = true;
    }
    // secretmem folios are always order-0 folios.
    if !folio_test_large(folio) {
        check_secretmem = true;
    }
    if !reject_file_backed && !check_secretmem {
        return true;
    }
    let mapping = folio->mapping;
    // "The mapping may have been truncated, in any case we cannot determine if this
    // mapping is safe - fall back to slow path to determine how to proceed."
    if mapping == 0 {
        return false;
    }
    // Anonymous folios pose no problem. (PAGE_MAPPING_FLAGS: only the anon bit here)
    return (mapping & PAGE_MAPPING_ANON) != 0;
}

// "Attempt to get or pin a folio in fast path": a speculative reference (add unless
// zero), then for FOLL_PIN the rest of the bias. The zero page is never pinned.
fn try_grab_folio_fast(page, refs, flags) source "mm/gup.c:try_grab_folio_fast@v6.12" {
    // VM_WARN_ON_ONCE(!irqs_disabled())
    if (flags & (FOLL_GET | FOLL_PIN)) == 0 {
        return null; // WARN_ON_ONCE
    }
    if flags & FOLL_GET {
        return try_get_folio(page, refs);
    }
    // FOLL_PIN is set
    if is_zero_page(page) {
        return page_folio(page);
    }
    let folio = try_get_folio(page, refs);
    if folio == null {
        return null;
    }
    // FOLL_LONGTERM and !folio_is_longterm_pinnable(): every folio here is pinnable (no
    // CMA, no ZONE_MOVABLE)
    // folio_test_large(): order-0 folios only
    folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1));
    // smp_mb__after_atomic(): "Adjust the pincount before re-checking the PTE for changes.
    // This is essentially a smp_mb() and is paired with a memory barrier in
    // folio_try_share_anon_rmap_*()."
    return folio;
}

// arch/x86/include/asm/pgtable.h: present and user (every modelled PTE is a user PTE),
// and writable for a write; protection keys are not modelled.
fn pte_access_permitted(pte, write) source "arch/x86/include/asm/pgtable.h:pte_access_permitted@v6.12" {
    if !pte_present(pte) || pte_protnone(pte) {
        return false;
    }
    return !write || pte_write(pte);
}

fn pmd_access_permitted(pmd, write) source "arch/x86/include/asm/pgtable.h:pmd_access_permitted@v6.12" {
    if !pmd_present(pmd) || pmd_protnone(pmd) {
        return false;
    }
    return !write || pmd_write(pmd);
}

// One PTE (`end` is addr + 1): read it once (ptep_get_lockless(): one atomic read on
// x86-64), check the access, grab a reference (or a pin), then back out if the PMD entry
// or the PTE changed meanwhile (70cbc3cc78a99's PMD recheck: a THP collapse clears the PMD
// entry before it copies the pages), if the folio is not allowed, or if a read-only pin
// would need to unshare the page first (gup_must_unshare(): the slow path faults with
// FAULT_FLAG_UNSHARE). pte_devmap() and arch_make_folio_accessible() (nothing on x86) are
// left out; folio_set_referenced(): LRU flags are not modelled; the closing
// pte_unmap(ptem) is a no-op here (pgtable.mmk leaves out __pte_offset_map()'s RCU read
// section). Returns 1 when every PTE of the range was grabbed.
fn gup_fast_pte_range(pmd, pmdp, addr, end, flags, pages, nr) source "mm/gup.c:gup_fast_pte_range@v6.12" {
    // ptem = ptep = pte_offset_map(&pmd, addr): the table the PMD value read by
    // gup_fast_pmd_range() names (its copy, not *pmdp again)
    let ptep = __pte_offset_map(&pmd, addr, null);
    if ptep == null {
        return 0;
    }
    let pte = *ptep; // ptep_get_lockless()
    // "Always fallback to ordinary GUP on PROT_NONE-mapped pages"
    if pte_protnone(pte) {
        return 0;
    }
    if !pte_access_permitted(pte, flags & FOLL_WRITE) {
        return 0;
    }
    if pte_special(pte) {
        return 0;
    }
    let page = pte_page(pte);
    let folio = try_grab_folio_fast(page, 1, flags);
    if folio == null {
        return 0;
    }
    if !pmd_same(pmd, *pmdp) || !pte_same(pte, *ptep) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    if !gup_fast_folio_allowed(folio, flags) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    if !pte_write(pte) && gup_must_unshare(null, flags, page) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    // mutate: equivalent(swap-adjacent) both store through out-parameters into the caller's locals (the page slot and gup_fast()'s nr_pinned), private to this CPU
    *pages = page; // pages[*nr]
    *nr = *nr + 1;
    return 1;
}

// A huge leaf: the model's huge page is one frame, so record_subpages() records the one
// page and `refs` is 1. pmd_special() and pmd_devmap() are never set here.
fn gup_fast_pmd_leaf(orig, pmdp, addr, end, flags, pages, nr) source "mm/gup.c:gup_fast_pmd_leaf@v6.12" {
    if !pmd_access_permitted(orig, flags & FOLL_WRITE) {
        return 0;
    }
    let page = pmd_page(orig);
    let folio = try_grab_folio_fast(page, 1, flags);
    if folio == null {
        return 0;
    }
    // mutate: equivalent(disable-recheck) not observable here: no path of this tree changes a huge leaf under GUP-fast but the program's own munmap() or MADV_DONTNEED of it (khugepaged makes leaves from tables, it never replaces one), a discard racing the pin that the lost-write ghost counts as the program's race; leaf splits, migration and copy_huge_pmd(), after which a pin could name a page the process no longer maps, are not modelled in this tree
    if !pmd_same(orig, *pmdp) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    if !gup_fast_folio_allowed(folio, flags) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    if !pmd_write(orig) && gup_must_unshare(null, flags, page) {
        gup_put_folio(folio, 1, flags);
        return 0;
    }
    // mutate: equivalent(swap-adjacent) both store through out-parameters into the caller's locals, private to this CPU
    *pages = page;
    *nr = *nr + 1;
    return 1;
}

// One PMD entry, read once (pmdp_get_lockless(): one atomic read on x86-64).
fn gup_fast_pmd_range(addr, end, flags, pages, nr) source "mm/gup.c:gup_fast_pmd_range@v6.12" {
    let pmdp = pmd_offset(current_mm(), addr);
    let pmd = *pmdp;
    if !pmd_present(pmd) {
        return 0;
    }
    if pmd_trans_huge(pmd) {
        // pmd_leaf(): "See gup_fast_pte_range()"
        if pmd_protnone(pmd) {
            return 0;
        }
        return gup_fast_pmd_leaf(pmd, pmdp, addr, end, flags, pages, nr);
    }
    return gup_fast_pte_range(pmd, pmdp, addr, end, flags, pages, nr);
}

// gup_fast_pgd_range() -> gup_fast_p4d_range() -> gup_fast_pud_range() ->
// gup_fast_pmd_range(): the levels above the PMD are always present here, and never leaves.
fn gup_fast_pgd_range(addr, end, flags, pages, nr) source "mm/gup.c:gup_fast_pgd_range@v6.12" {
    gup_fast_pmd_range(addr, end, flags, pages, nr);
}

// The IRQs-off walk, bracketed for FOLL_PIN by mm->write_protect_seq (57efa1fe5957): "When
// pinning pages for DMA there could be a concurrent write protect from fork() via
// copy_page_range(), in this case always fail GUP-fast." gup_fast_permitted(): true on
// x86-64.
fn gup_fast(start, end, gup_flags, pages) source "mm/gup.c:gup_fast@v6.12" {
    let mm = current_mm();
    let nr_pinned = 0;
    let seq = 0;
    if gup_flags & FOLL_PIN {
        seq = raw_read_seqcount(&mm->write_protect_seq);
        if seq & 1 {
            return 0;
        }
    }
    // "Disable interrupts. ... With interrupts disabled, we block page table pages from
    // being freed from under us."
    let flags = local_irq_save();
    gup_fast_pgd_range(start, end, gup_flags, pages, &nr_pinned);
    local_irq_restore(flags);
    if gup_flags & FOLL_PIN {
        if read_seqcount_retry(&mm->write_protect_seq, seq) {
            gup_fast_unpin_user_pages(pages, nr_pinned);
            return 0;
        }
        // sanity_check_pinned_pages(): CONFIG_DEBUG_VM only
    }
    return nr_pinned;
}

// One page. What GUP-fast did not get, the slow path gets under mmap_lock
// (__gup_longterm_locked() with FOLL_TOUCH | FOLL_UNLOCKABLE).
fn gup_fast_fallback(start, nr_pages, gup_flags, pages) source "mm/gup.c:gup_fast_fallback@v6.12" {
    let locked = 0;
    if gup_flags & ~(FOLL_WRITE | FOLL_LONGTERM | FOLL_FORCE | FOLL_PIN | FOLL_GET | FOLL_FAST_ONLY | FOLL_NOFAULT | FOLL_PCI_P2PDMA | FOLL_HONOR_NUMA_FAULT) {
        return -EINVAL; // WARN_ON_ONCE
    }
    if gup_flags & FOLL_PIN {
        let mm = current_mm();
        mm_set_has_pinned_flag(&mm->flags);
    }
    // might_lock_read(), untagged_addr(), the overflow, TASK_SIZE_MAX and access_ok()
    // checks: one user page of the scenario
    let end = start + nr_pages * PAGE_SIZE;
    let nr_pinned = gup_fast(start, end, gup_flags, pages);
    if nr_pinned == nr_pages || (gup_flags & FOLL_FAST_ONLY) != 0 {
        return nr_pinned;
    }
    // "Slow path: try to get the remaining pages with get_user_pages" (nr_pinned is 0 here:
    // start and pages stay)
    let ret = __gup_longterm_locked(current_mm(), start, nr_pages - nr_pinned, pages, &locked, gup_flags | FOLL_TOUCH | FOLL_UNLOCKABLE);
    if ret < 0 {
        // "The caller has to unpin the pages we already pinned so returning -errno is not
        // an option"
        if nr_pinned != 0 {
            return nr_pinned;
        }
        return ret;
    }
    return ret + nr_pinned;
}

fn get_user_pages_fast(start, nr_pages, gup_flags, pages) source "mm/gup.c:get_user_pages_fast@v6.12" {
    // "internally (within mm/gup.c), gup fast variants must set FOLL_GET, because gup fast
    // is always a "pin with a +1 page refcount" request."
    if !is_valid_gup_args(pages, null, &gup_flags, FOLL_GET) {
        return -EINVAL;
    }
    return gup_fast_fallback(start, nr_pages, gup_flags, pages);
}

fn pin_user_pages_fast(start, nr_pages, gup_flags, pages) source "mm/gup.c:pin_user_pages_fast@v6.12" {
    if !is_valid_gup_args(pages, null, &gup_flags, FOLL_PIN) {
        return -EINVAL;
    }
    return gup_fast_fallback(start, nr_pages, gup_flags, pages);
}
