// The VMA layer of Linux 6.12.y: looking VMAs up (mm/mmap.c), munmap() (mm/mmap.c ->
// mm/vma.c, where 6.12 moved vms_gather_munmap_vmas() and vms_complete_munmap_vmas()), the
// zap and the page-table freeing it runs (mm/memory.c), splitting and merging VMAs
// (mm/vma.c), anonymous mmap() (mm/mmap.c), exit_mmap() and vm_page_prot.
//
// Sources: mm/vma.c at Xilinx/linux-xlnx 90b13e116180 (6.12.40, Makefile checked: research
// note 612-paths section 6a; not stored at acc8f948e4aa); mm/memory.c at acc8f948e4aa;
// mm/mmap.c is stored neither at acc8f948e4aa nor at 90b13e116180: its functions here follow
// GrapheneOS/kernel_common-6.12 1f4fed50e801 (the android16-6.12 line, SUBLEVEL unknown: not
// pinned), each saying so.
//
// The maple tree. 6.12 keeps the VMAs in mm->mm_mt, an RCU-safe maple tree; the model keeps
// v5.10's address-sorted list (mm->mmap, vm_next, vm_prev: mm_types.mmk), and every maple-tree
// operation here is written as the list operation that leaves the same set of VMAs: a store
// over [start, end) (vma_iter_store()) links the VMA in address order and unlinks the VMAs the
// range overwrites; vma_iter_clear_gfp() unlinks a range. A lockless reader
// (lock_vma_under_rcu(), under rcu_read_lock()) walks the list: where the maple tree would
// show it the old or the new tree, the list may show it a range as missing while a split or a
// merge relinks it (it then finds no VMA, or a VMA it must not use, and falls back to
// mmap_lock, as for any VMA it cannot lock); it never shows it a VMA that is not allocated,
// since a VMA taken out of the mm is freed only after a grace period (vm_area_free(), below).
// The side tree munmap gathers the VMAs it detaches into (mas_detach) is the run of VMAs
// themselves, still chained by vm_next once the run is unlinked, counted by vms->vma_count.
//
// vm_area_free(). 6.12's vm_area_free() (kernel/fork.c) with CONFIG_PER_VMA_LOCK frees the VMA
// after an RCU grace period (call_rcu(&vma->vm_rcu, vm_area_free_rcu_cb)), so that
// lock_vma_under_rcu() may still read a VMA munmap has just removed; __vm_area_free() frees at
// once (exit_mmap(), which no lockless reader can reach). In this tree the machine's
// primitives stand for them: vm_area_free_rcu(vma) is 6.12's vm_area_free(), and
// vm_area_free(vma) its __vm_area_free().
//
// Left out everywhere: file mappings (i_mmap, uprobes, vm_ops->open/close/may_split/mremap),
// hugetlb, mempolicies, mseal (can_modify_vma() is true: no sealed VMA), map_count and
// sysctl_max_map_count, the VM accounting (total_vm, locked_vm, VM_ACCOUNT, may_expand_vm(),
// security_vm_enough_memory_mm()), userfaultfd's unmap events, mmu notifiers, KSM, perf and
// khugepaged_enter_vma(), validate_mm() and the VM_WARN_ON()s.

// include/linux/mm.h
const VM_GROWSUP = 0;
const FIRST_USER_ADDRESS = 0;
const USER_PGTABLES_CEILING = 0;
// include/linux/mm.h
const VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT;
// include/linux/mm.h: zap_details flags
const ZAP_FLAG_DROP_MARKER = 0x1;
const ZAP_FLAG_UNMAP = 0x2;

// include/linux/mm.h: struct zap_details (its single_folio is null for munmap and exit)
struct zap_details {
    single_folio,
    even_cows,
    zap_flags,
}

// ---- looking VMAs up (mm/mmap.c, mm/vma.h, include/linux/mm.h @v6.12) ----

// find_vma(): "the first VMA which satisfies addr < vm_end, NULL if none" (mt_find() from
// addr). A walk of the address-sorted list; under mmap_lock its loads are no steps.
// mmap_assert_locked() is left out. (GrapheneOS mm/mmap.c, not pinned.)
fn find_vma(mm, addr) source "mm/mmap.c:find_vma@v6.12" {
    let vma = mm->mmap;
    while vma != null {
        if addr < vma->vm_end {
            return vma;
        }
        vma = vma->vm_next;
    }
    return null;
}

// find_vma() and the VMA before it (vma_iter_load() then vma_prev()): *pprev is the last VMA
// below addr. (GrapheneOS mm/mmap.c, not pinned.)
fn find_vma_prev(mm, addr, pprev) source "mm/mmap.c:find_vma_prev@v6.12" {
    let prev = null;
    let vma = mm->mmap;
    while vma != null && vma->vm_end <= addr {
        prev = vma;
        vma = vma->vm_next;
    }
    *pprev = prev;
    return vma;
}

// "Look up the first VMA which intersects the interval start_addr..end_addr-1".
fn find_vma_intersection(mm, start_addr, end_addr) source "mm/mmap.c:find_vma_intersection@v6.12" {
    let vma = find_vma(mm, start_addr);
    if vma != null && vma->vm_start < end_addr {
        return vma;
    }
    return null;
}

// "Find a VMA at a specific address": the VMA holding addr, or null.
fn vma_lookup(mm, addr) source "include/linux/mm.h:vma_lookup@v6.12" {
    return find_vma_intersection(mm, addr, addr + 1);
}

// mm/vma.h: vma_find(vmi, max), the iterator at start: the first VMA from start on that
// begins below max.
fn vma_find(mm, start, max) source "mm/vma.h:vma_find@v6.12 (the iterator at start)" {
    return find_vma_intersection(mm, start, max);
}

// vma_set_page_prot(): vm_page_prot from the new vm_flags (vm_pgprot_modify() of the old
// vm_page_prot keeps no bits an anonymous VMA's has beyond vm_get_page_prot()); the
// write-notify branch is for shared writable mappings only. WRITE_ONCE(): "the
// remove_protection_ptes reads vma->vm_page_prot without mmap_lock". (GrapheneOS mm/mmap.c,
// not pinned.)
fn vma_set_page_prot(vma) source "mm/mmap.c:vma_set_page_prot@v6.12" {
    vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
}

// include/linux/mm.h: vm_flags are changed with the VMA write-locked.
fn vm_flags_init(vma, flags) source "include/linux/mm.h:vm_flags_init@v6.12" {
    vma->vm_flags = flags;
}

fn vm_flags_set(vma, flags) source "include/linux/mm.h:vm_flags_set@v6.12" {
    // mutate: equivalent(swap-adjacent) not observable here: the only caller modelled, __mmap_region()'s VM_SOFTDIRTY, sets the flag on a VMA it has already write-locked (vma_start_write() before vma_iter_store(), or vma_expand()) under mmap_lock held for write, so this vma_start_write() returns at once; a caller that sets flags on a VMA in the tree that is not write-locked yet, which a fault under the VMA lock could then see change (mremap's VM_ACCOUNT, drivers), is not modelled
    vma_start_write(vma);
    vma->vm_flags = vma->vm_flags | flags;
}

fn vm_flags_clear(vma, flags) source "include/linux/mm.h:vm_flags_clear@v6.12" {
    // mutate: equivalent(swap-adjacent) not observable here: the only caller modelled, move_vma()'s VM_LOCKED_MASK clear, comes after move_vma()'s own vma_start_write(vma) under mmap_lock held for write, so this vma_start_write() returns at once; clear_refs' vm_flags_clear(VM_SOFTDIRTY) on a VMA not yet write-locked is inlined in task_mmu.mmk (and a fault reads VM_SOFTDIRTY only to be stricter), other callers are not modelled
    vma_start_write(vma);
    vma->vm_flags = vma->vm_flags & ~flags;
}

// mm/vma.h: the VMA's range and pgoff (addresses count pages: pgoff moves by pages).
fn vma_set_range(vma, start, end, pgoff) source "mm/vma.h:vma_set_range@v6.12" {
    // mutate: equivalent(swap-adjacent) every caller has write-locked vma (commit_merge(): vma_expand() and vma_merge_existing_range() lock it first) or not stored it yet (__mmap_region(), copy_vma()), under mmap_lock held for write: no fault holds its VMA lock, and lock_vma_under_rcu()'s lockless walk that reads the two bounds only picks a candidate, which vma_start_read() refuses while it is write-locked, so either order of the stores ends in the same fallback to mmap_lock
    vma->vm_start = start;
    // mutate: equivalent(swap-adjacent) vma is write-locked or not in the tree yet, under mmap_lock held for write (see vm_start above); vm_pgoff is read only by paths holding mmap_lock or the VMA lock, and the lockless walk reads only the bounds
    vma->vm_end = end;
    vma->vm_pgoff = pgoff;
}

// ---- the maple tree's stores, on the list (see the top of this file) ----

// mm/util.c@v5.10's list primitives, kept as the model's stand-in for the maple tree's
// node writes.
fn __vma_link_list(mm, vma, prev) source "mm/util.c:__vma_link_list@v5.10 (the maple tree's stand-in)" {
    let next = null;
    vma->vm_prev = prev;
    if prev != null {
        next = prev->vm_next;
        prev->vm_next = vma;
    } else {
        next = mm->mmap;
        mm->mmap = vma;
    }
    vma->vm_next = next;
    if next != null {
        next->vm_prev = vma;
    }
}

// The unlinked VMA keeps its own vm_next and vm_prev: a lockless reader standing on it
// walks on into the mm (as an RCU reader of the old maple tree node would).
fn __vma_unlink_list(mm, vma) source "mm/util.c:__vma_unlink_list@v5.10 (the maple tree's stand-in)" {
    // mutate: equivalent(swap-adjacent) two loads of list links that are guarded by mmap_lock, which every caller (vma_iter_store()) holds for write: no CPU can change either between them
    let next = vma->vm_next;
    let prev = vma->vm_prev;
    if prev != null {
        prev->vm_next = next;
    } else {
        mm->mmap = next;
    }
    if next != null {
        next->vm_prev = prev;
    }
}

// vma_iter_store(): store vma over [vm_start, vm_end): every other VMA that range covers is
// overwritten (unlinked), and vma is linked in address order if it is not in the tree yet. A
// VMA the range covers only in part keeps its entry for the rest of its range (a merge that
// shifts a boundary adjusts its fields right after), so it stays linked. The model's walk of
// the list; its loads are no steps under mmap_lock held for write.
fn vma_iter_store(mm, vma) source "mm/vma.h:vma_iter_store@v6.12 (on the list)" {
    let linked = false;
    let prev = null;
    let cur = mm->mmap;
    while cur != null {
        let next = cur->vm_next;
        if cur == vma {
            linked = true;
        } else if cur->vm_start >= vma->vm_start && cur->vm_end <= vma->vm_end {
            __vma_unlink_list(mm, cur);
        } else if cur->vm_end <= vma->vm_start {
            prev = cur;
        }
        cur = next;
    }
    if !linked {
        __vma_link_list(mm, vma, prev);
    }
}

// ---- munmap (mm/mmap.c, mm/vma.c @v6.12) ----

// SYSCALL_DEFINE2(munmap): untagged_addr() and the alignment check (addresses are pages
// here), profile_munmap(). (GrapheneOS mm/mmap.c, not pinned.)
fn munmap(addr, len) source "mm/mmap.c:SYSCALL_DEFINE2(munmap)@v6.12" {
    return __vm_munmap(addr, len, true);
}

// unlock: do_vmi_munmap() drops mmap_lock itself on success (after downgrading it to read
// for the zap). mmap_write_lock_killable(): no signals are modelled;
// userfaultfd_unmap_complete(): not modelled. (GrapheneOS mm/mmap.c, not pinned.)
fn __vm_munmap(start, len, unlock) source "mm/mmap.c:__vm_munmap@v6.12" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let ret = do_vmi_munmap(mm, start, len, unlock);
    if ret != 0 || !unlock {
        mmap_write_unlock(mm);
    }
    return ret;
}

// "Wrapper function for non-maple tree aware do_munmap() calls" (mmap_region(), mremap).
// (GrapheneOS mm/mmap.c, not pinned.)
fn do_munmap(mm, start, len) source "mm/mmap.c:do_munmap@v6.12" {
    return do_vmi_munmap(mm, start, len, false);
}

// The vma iterator is the mm (positioned at start); offset_in_page(), TASK_SIZE and
// PAGE_ALIGN(): addresses and lengths are pages. "Return: 0 on success and drops the lock if
// so directed, error and leaves the lock held otherwise."
fn do_vmi_munmap(mm, start, len, unlock) source "mm/vma.c:do_vmi_munmap@v6.12" {
    if len <= 0 {
        return -EINVAL;
    }
    let end = start + len;
    // Find the first overlapping VMA
    let vma = vma_find(mm, start, end);
    if vma == null {
        if unlock {
            mmap_write_unlock(mm);
        }
        return 0;
    }
    return do_vmi_align_munmap(vma, mm, start, end, unlock);
}

// struct vma_munmap_struct (mm/vma.h), the fields the model uses: vma is the first VMA to
// unmap (after the split of its start), prev and next its neighbours that stay, unmap_start
// and unmap_end the bounds free_pgtables() must keep (the neighbours' ends), vma_count the
// VMAs gathered (the side tree's entries), nr_pages their size, clear_ptes whether the zap is
// still to run. The accounting fields (locked_vm, nr_accounted, exec/stack/data_vm) and uf
// are left out.
struct vma_munmap_struct {
    vma,
    start,
    end,
    unlock,
    prev,
    next,
    unmap_start,
    unmap_end,
    vma_count,
    nr_pages,
    clear_ptes,
}

// mm/vma.h: init_vma_munmap(); the iterator is the mm.
fn init_vma_munmap(vma, start, end, unlock) source "mm/vma.h:init_vma_munmap@v6.12" {
    let vms = struct vma_munmap_struct { .vma = vma, .unlock = unlock };
    if vma != null {
        vms.start = start;
        vms.end = end;
    } else {
        vms.start = 0;
        vms.end = 0;
    }
    vms.prev = null;
    vms.next = null;
    vms.unmap_start = FIRST_USER_ADDRESS;
    vms.unmap_end = USER_PGTABLES_CEILING;
    vms.vma_count = 0;
    vms.nr_pages = 0;
    vms.clear_ptes = false;
    return vms;
}

// "munmap the aligned region from @start to @end": gather (split, write-lock and mark
// detached every VMA of the range), take the range out of the tree, then complete (zap, free
// the page tables and the VMAs; downgrade and drop mmap_lock if unlock). The on-stack
// maple tree mt_detach is the gathered run itself (see the top of this file).
fn do_vmi_align_munmap(vma, mm, start, end, unlock) source "mm/vma.c:do_vmi_align_munmap@v6.12" {
    let vms = init_vma_munmap(vma, start, end, unlock);
    let error = vms_gather_munmap_vmas(&vms);
    if error != 0 {
        // gather_failed: validate_mm()
        return error;
    }
    // vma_iter_clear_gfp() cannot fail here (no maple-tree node to allocate)
    vma_iter_clear_gfp(mm, &vms);
    // Point of no return
    vms_complete_munmap_vmas(&vms);
    return 0;
}

// mm/vma.h: vma_iter_clear_gfp(vmi, start, end): store NULL over [start, end), which takes
// the gathered VMAs out of the tree. On the list: the run from vms->vma to the last gathered
// VMA is unlinked at once (its own vm_next chain stays: it is the side tree).
fn vma_iter_clear_gfp(mm, vms) source "mm/vma.h:vma_iter_clear_gfp@v6.12 (on the list)" {
    let first = vms->vma;
    let last = first;
    let i = 1;
    while i < vms->vma_count {
        last = last->vm_next;
        i = i + 1;
    }
    // mutate: equivalent(swap-adjacent) two loads of list links guarded by mmap_lock, which munmap holds for write here: no CPU can change either between them
    let prev = first->vm_prev;
    let next = last->vm_next;
    if prev != null {
        prev->vm_next = next;
    } else {
        mm->mmap = next;
    }
    if next != null {
        next->vm_prev = prev;
    }
}

// "Put all VMAs within a range into a maple tree for removal at a later date. Handles
// splitting first and last if necessary and marking the vmas as isolated." Each VMA is
// write-locked (vma_start_write(): a fault holding its VMA lock is waited for, and no
// lock_vma_under_rcu() gets it from now on) before it is marked detached. The map_count
// check, can_modify_vma() (mseal), the accounting sums and userfaultfd_unmap_prep() are left
// out; __split_vma() fails only if no VMA can be allocated.
fn vms_gather_munmap_vmas(vms) source "mm/vma.c:vms_gather_munmap_vmas@v6.12" {
    // If we need to split any vma, do it now to save pain later.
    // Does it split the first one?
    if vms->start > vms->vma->vm_start {
        let error = __split_vma(vms->vma->vm_mm, vms->vma, vms->start, 1);
        if error != 0 {
            return error; // start_split_failed
        }
    }
    vms->prev = vms->vma->vm_prev; // vma_prev(vms->vmi)
    if vms->prev != null {
        vms->unmap_start = vms->prev->vm_end;
    }
    // Detach a range of VMAs from the mm. (for_each_vma_range(*(vms->vmi), next, vms->end))
    let next = vms->vma;
    while next != null && next->vm_start < vms->end {
        // Does it split the end?
        if next->vm_end > vms->end {
            let error = __split_vma(next->vm_mm, next, vms->end, 0);
            if error != 0 {
                reattach_vmas(vms); // end_split_failed
                return error;
            }
        }
        vma_start_write(next);
        // mas_store_gfp(mas_detach, next): the side tree is the run itself
        vms->vma_count = vms->vma_count + 1;
        // mutate: equivalent(swap-adjacent) vms is the caller's on-stack vma_munmap_struct, and next's bounds are guarded by mmap_lock, held for write: the sum reads nothing the detach writes and no CPU sees it
        vma_mark_detached(next, true);
        vms->nr_pages = vms->nr_pages + (next->vm_end - next->vm_start);
        next = next->vm_next;
    }
    vms->next = next; // vma_next(vms->vmi)
    if vms->next != null {
        vms->unmap_end = vms->next->vm_start;
    }
    vms->clear_ptes = true;
    return 0;
}

// mm/vma.h: reattach_vmas(): the gathered VMAs are marked attached again.
fn reattach_vmas(vms) source "mm/vma.h:reattach_vmas@v6.12" {
    let vma = vms->vma;
    let i = 0;
    while i < vms->vma_count {
        vma_mark_detached(vma, false);
        vma = vma->vm_next;
        i = i + 1;
    }
}

// "Finish the munmap() operation": downgrade mmap_lock if asked to ("VMAs were isolated
// before we downgraded mmap_lock"), zap and free the page tables, free the VMAs (RCU-deferred:
// remove_vma(vma, false)), and drop the read lock. map_count, locked_vm, the hiwater and vm
// statistics, vm_unacct_memory() and __mt_destroy() are left out.
fn vms_complete_munmap_vmas(vms) source "mm/vma.c:vms_complete_munmap_vmas@v6.12" {
    let mm = current_mm();
    if vms->unlock {
        mmap_write_downgrade(mm);
    }
    if vms->nr_pages == 0 {
        return;
    }
    vms_clear_ptes(vms, !vms->unlock);
    // Ghost, not kernel code: the zap and its flush are done, so the discard of the range is
    // over; from here a store that still reached a zapped page would be lost.
    ghost_discard_done(mm, vms->start, vms->end);
    // Remove and clean up vmas (mas_for_each(mas_detach, vma, ULONG_MAX))
    let vma = vms->vma;
    let i = 0;
    while i < vms->vma_count {
        let next = vma->vm_next;
        remove_vma(vma, false);
        vma = next;
        i = i + 1;
    }
    if vms->unlock {
        mmap_read_unlock(mm);
    }
}

// The zap of the gathered VMAs and the freeing of their page tables under one mmu_gather:
// "We can free page tables without write-locking mmap_lock because VMAs were isolated before
// we downgraded mmap_lock." update_hiwater_rss() is left out.
fn vms_clear_ptes(vms, mm_wr_locked) source "mm/vma.c:vms_clear_ptes@v6.12" {
    if !vms->clear_ptes {
        return; // Nothing to do
    }
    // mutate: equivalent(swap-adjacent) vms is the caller's local and vm_mm never changes after vm_area_alloc(): the load commutes with lru_add_drain()'s per-CPU pagevec
    let mm = vms->vma->vm_mm;
    lru_add_drain();
    let tlb = struct mmu_gather {};
    tlb_gather_mmu(&tlb, mm);
    unmap_vmas(&tlb, vms->vma, vms->vma_count, vms->start, vms->end, mm_wr_locked);
    // start and end may be different if there is no prev or next vma.
    free_pgtables(&tlb, vms->vma, vms->vma_count, vms->unmap_start, vms->unmap_end, mm_wr_locked);
    tlb_finish_mmu(&tlb);
    vms->clear_ptes = false;
}

// mmap_region()'s use: the old mappings' PTEs zapped while the VMAs are still in the tree.
// vma_close(): no vm_ops.
fn vms_clean_up_area(vms) source "mm/vma.c:vms_clean_up_area@v6.12" {
    if vms->nr_pages == 0 {
        return;
    }
    vms_clear_ptes(vms, true);
}

// "Close a vm structure and free it." unreachable: no lockless reader can reach the VMA any
// more (exit_mmap()), so __vm_area_free() frees it at once; otherwise vm_area_free() frees it
// after a grace period (see the top of this file). vma_close(), fput() and mpol_put(): no
// file, no policy.
fn remove_vma(vma, unreachable) source "mm/vma.c:remove_vma@v6.12" {
    might_sleep();
    if unreachable {
        vm_area_free(vma); // __vm_area_free()
    } else {
        vm_area_free_rcu(vma); // vm_area_free(): call_rcu()
    }
}

// ---- the zap and the page-table freeing (mm/memory.c @v6.12) ----

// "Unmap all pages in the vma list": the maple state (here the gathered run, or the mm's
// list from vma on for exit_mmap()) gives nr VMAs; ZAP_FLAG_DROP_MARKER | ZAP_FLAG_UNMAP and
// even_cows. mmu notifiers and hugetlb_zap_begin()/_end() are left out.
fn unmap_vmas(tlb, vma, nr, start_addr, end_addr, mm_wr_locked) source "mm/memory.c:unmap_vmas@v6.12" {
    let details = struct zap_details { .single_folio = null, .even_cows = true, .zap_flags = ZAP_FLAG_DROP_MARKER | ZAP_FLAG_UNMAP };
    let i = 0;
    while vma != null && i < nr {
        unmap_single_vma(tlb, vma, start_addr, end_addr, &details, mm_wr_locked);
        vma = vma->vm_next; // mas_find(mas, tree_end - 1)
        i = i + 1;
    }
}

// uprobes (no file), VM_PFNMAP's untrack_pfn() and hugetlb are left out.
fn unmap_single_vma(tlb, vma, start_addr, end_addr, details, mm_wr_locked) source "mm/memory.c:unmap_single_vma@v6.12" {
    let start = start_addr;
    if vma->vm_start > start {
        start = vma->vm_start;
    }
    if start >= vma->vm_end {
        return;
    }
    let end = end_addr;
    if vma->vm_end < end {
        end = vma->vm_end;
    }
    if end <= vma->vm_start {
        return;
    }
    if start != end {
        unmap_page_range(tlb, vma, start, end, details);
    }
}

// unmap_page_range() -> zap_p4d_range() -> zap_pud_range() -> zap_pmd_range(): the levels
// above the PMD always exist here. Per PMD entry: a huge leaf goes to zap_huge_pmd()
// (huge_memory.mmk): the kernel first splits one the range covers only in part
// (next - addr != HPAGE_PMD_SIZE), but the model's huge page is one page at the start of its
// 2 MiB range, so a range that reaches it covers all the leaf maps, and the leaf is zapped
// whole, as in v5.10's model (the THP opt-in's split is not used here); the single_folio
// branch is for a caller that sets it (none here). A table goes to zap_pte_range()
// (madvise.mmk), which returns where it stopped: short of next, the same entry is zapped
// again (pmd--). tlb_start_vma()/tlb_end_vma(): no cache flush on x86; cond_resched().
fn unmap_page_range(tlb, vma, addr, end, details) source "mm/memory.c:zap_pmd_range@v6.12" {
    let mm = vma->vm_mm;
    while addr != end {
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        if pmd_trans_huge(*pmd) {
            if zap_huge_pmd(tlb, vma, pmd, addr) {
                addr = next;
                continue;
            }
            // fall through
        }
        if pmd_none(*pmd) {
            addr = next;
            continue;
        }
        // 6.12: zap_pte_range(tlb, vma, pmd, addr, next, details); madvise.mmk's function
        // still takes v5.10's arguments (it finds the PMD entry itself, and zaps private
        // pages, as details' even_cows asks)
        addr = zap_pte_range(tlb, vma, addr, next);
    }
}

// "Hide vma from rmap and truncate_pagecache before freeing pgtables": each VMA
// write-locked (when mmap_lock is held for write), its anon_vma unlinked, then the tables
// under the run of VMAs closer than a PMD apart freed at once. The maple state gives nr VMAs
// (see unmap_vmas()); hugetlb and the file batch are left out.
fn free_pgtables(tlb, vma, nr, floor, ceiling, mm_wr_locked) source "mm/memory.c:free_pgtables@v6.12" {
    let i = 1;
    while vma != null {
        let addr = vma->vm_start;
        // next = mas_find(mas, ceiling - 1)
        let next = null;
        if i < nr {
            next = vma->vm_next;
            i = i + 1;
        }
        if mm_wr_locked {
            vma_start_write(vma);
        }
        unlink_anon_vmas(vma);
        // Optimization: gather nearby vmas into one call down
        while next != null && next->vm_start <= vma->vm_end + PMD_SIZE {
            vma = next;
            next = null;
            if i < nr {
                next = vma->vm_next;
                i = i + 1;
            }
            if mm_wr_locked {
                vma_start_write(vma);
            }
            unlink_anon_vmas(vma);
        }
        let top = ceiling;
        if next != null {
            top = next->vm_start;
        }
        free_pgd_range(tlb, addr, vma->vm_end, floor, top);
        vma = next;
    }
}

// At the PMD level (the levels above always exist here, so free_pmd_range()'s freeing of a
// PMD table is not modelled): a PTE table is freed only if no address of it lies below floor
// or at or above ceiling (0: no ceiling), so neighbours' tables are kept.
fn free_pgd_range(tlb, addr, end, floor, ceiling) source "mm/memory.c:free_pgd_range@v6.12" {
    addr = addr & PMD_MASK;
    if addr < floor {
        addr = addr + PMD_SIZE;
        // (if (!addr) return: no wrap-around below TASK_SIZE)
    }
    if ceiling != 0 {
        ceiling = ceiling & PMD_MASK;
        if ceiling == 0 {
            return;
        }
    }
    // `end - 1 > ceiling - 1` in unsigned arithmetic: never true without a ceiling
    if ceiling != 0 && end - 1 > ceiling - 1 {
        end = end - PMD_SIZE;
    }
    if addr > end - 1 {
        return;
    }
    // tlb_change_page_size(): one page size here
    // free_p4d_range() -> free_pud_range() -> free_pmd_range():
    let mm = tlb->mm;
    while addr < end {
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        // pmd_none_or_clear_bad()
        if !pmd_none(*pmd) {
            free_pte_range(tlb, pmd, addr);
        }
        addr = next;
    }
}

// "Note: this doesn't free the actual pages themselves. That has been handled earlier when
// unmapping all the memory regions." The table goes to the mmu_gather (pte_free_tlb(),
// mmu_gather.mmk), freed after the flush. mm_dec_nr_ptes() is left out.
fn free_pte_range(tlb, pmd, addr) source "mm/memory.c:free_pte_range@v6.12" {
    let token = pmd_pgtable(*pmd);
    pmd_clear(pmd);
    pte_free_tlb(tlb, token, addr);
}

// ---- exit_mmap (mm/mmap.c @v6.12) ----

// "Release all mmaps." The last user's teardown: the zap under mmap_lock held for read, then
// the page tables freed and the TLB flushed (one full-mm gather) under mmap_lock held for
// write, then every VMA freed at once (remove_vma(vma, true): "unreachable"). Text from
// GrapheneOS mm/mmap.c (not pinned), whose loop is 6.15's (vma_mark_detached(vma);
// remove_vma(vma)); the loop here is 6.12.40's remove_vma(vma, true) (its signature in
// mm/vma.c at 90b13e116180). Left out: mmu_notifier_release(), arch_exit_mmap(), the
// xa_is_zero() marker of a failed dup_mmap(), MMF_OOM_SKIP, mt_clear_in_rcu(), the Android
// vendor hooks, vm_unacct_memory() and the map_count BUG_ON.
fn exit_mmap(mm) source "mm/mmap.c:exit_mmap@v6.12" {
    // mutate: equivalent(delete-lock-pair) not observable here: mm_users is 0, so no task can change the VMA tree or take mmap_lock for write any more; the read lock keeps out only mmgrab() holders that write-lock it (khugepaged's collapse, which gives up on an exiting mm) and lets the OOM reaper and process_mrelease() zap beside it: mm_count, mmgrab() and those paths are not modelled
    // mutate: equivalent(swap-adjacent) mm_users is 0: no task can change the VMA tree any more (only mm_users holders do; an mmgrab() holder such as the OOM reaper only reads it), so mm->mmap reads the same before or after the read lock
    mmap_read_lock(mm);
    let vma = mm->mmap; // vma_next(&vmi)
    if vma == null {
        // Can happen if dup_mmap() received an OOM
        mmap_read_unlock(mm);
        mmap_write_lock(mm);
        mmap_write_unlock(mm);
        return;
    }
    lru_add_drain();
    // flush_cache_mm(): nothing on x86
    let tlb = struct mmu_gather {};
    tlb_gather_mmu_fullmm(&tlb, mm);
    // Use ULONG_MAX here to ensure all VMAs in the mm are unmapped
    // mutate: equivalent(swap-adjacent) not observable here: after the read unlock only an mmgrab() holder could take mmap_lock for write (khugepaged's collapse, which gives up on an mm with no users) and run beside the zap; mm_count, mmgrab() and khugepaged's mm_slot are not modelled, and every modelled path that reaches another mm holds mm_users
    unmap_vmas(&tlb, vma, TASK_SIZE, 0, TASK_SIZE, false);
    mmap_read_unlock(mm);
    mmap_write_lock(mm);
    free_pgtables(&tlb, vma, TASK_SIZE, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING, true);
    tlb_finish_mmu(&tlb);
    // Ghost, not kernel code: the address space's contents are gone.
    ghost_discard_done(mm, 0, TASK_SIZE);
    // Walk the list again, actually closing and freeing it, with preemption enabled, without
    // holding any MM locks besides the unreachable mmap_write_lock.
    while vma != null {
        let next = vma->vm_next;
        remove_vma(vma, true);
        vma = next;
    }
    // destroy: __mt_destroy(&mm->mm_mt)
    mm->mmap = null;
    mmap_write_unlock(mm);
}

// ---- stack growth ----

// 6.12's expand_stack() (mm/mmap.c) drops mmap_lock, takes it for write, looks the VMA up
// again and expands it, then downgrades: a path of its own that this tree does not model. A
// test with a `growsdown` VMA that faults below it stops here.
fn expand_stack(vma, address) source "mm/mmap.c:expand_stack@v6.12" {
    not_modelled(); // stack growth
    return -ENOMEM;
}

// ---- splitting a VMA, vma_prepare() and vma_complete() (mm/vma.c @v6.12) ----

// struct vma_prepare (mm/vma.h): what vma_prepare() locks and vma_complete() finishes.
// file and mapping are left out (no file mappings).
struct vma_prepare {
    vma,
    adj_next,
    anon_vma,
    insert,
    remove,
    remove2,
}

// init_multi_vma_prep(): the VMA that will be altered once locked, the next one if it is to
// be adjusted, and up to two VMAs to remove.
fn init_multi_vma_prep(vma, next, remove, remove2) source "mm/vma.c:init_multi_vma_prep@v6.12" {
    let vp = struct vma_prepare { .vma = vma, .adj_next = next, .insert = null, .remove = remove, .remove2 = remove2 };
    vp.anon_vma = vma->anon_vma;
    if vp.anon_vma == null && next != null {
        vp.anon_vma = next->anon_vma;
    }
    return vp;
}

fn init_vma_prep(vma) source "mm/vma.c:init_vma_prep@v6.12" {
    return init_multi_vma_prep(vma, null, null, null);
}

// "Helper function for handling locking VMAs prior to altering": the anon_vma's lock and its
// interval tree (no-ops in this tree, page.mmk); the file part (uprobes, i_mmap) is left out.
fn vma_prepare(vp) source "mm/vma.c:vma_prepare@v6.12" {
    if vp->anon_vma != null {
        anon_vma_lock_write(vp->anon_vma);
        anon_vma_interval_tree_pre_update_vma(vp->vma);
        if vp->adj_next != null {
            anon_vma_interval_tree_pre_update_vma(vp->adj_next);
        }
    }
}

// "Helper function for handling the unlocking after altering VMAs, or for inserting a VMA":
// a split's new VMA stored into the tree, the anon_vma unlocked, then each removed VMA
// marked detached and freed (vm_area_free(): after a grace period). The file part and
// mpol_put() are left out.
fn vma_complete(vp, mm) source "mm/vma.c:vma_complete@v6.12" {
    if vp->insert != null {
        // split_vma has split insert from vma, and needs us to insert it before dropping
        // the locks (it may either follow vma or precede it).
        vma_iter_store(mm, vp->insert);
        // mm->map_count++
    }
    if vp->anon_vma != null {
        anon_vma_interval_tree_post_update_vma(vp->vma);
        if vp->adj_next != null {
            anon_vma_interval_tree_post_update_vma(vp->adj_next);
        }
        anon_vma_unlock_write(vp->anon_vma);
    }
    while vp->remove != null {
        // again:
        vma_mark_detached(vp->remove, true);
        if vp->remove->anon_vma != null {
            anon_vma_merge(vp->vma, vp->remove);
        }
        // mm->map_count--, mpol_put()
        vm_area_free_rcu(vp->remove); // vm_area_free()
        // In mprotect's case 6 (see comments on vma_merge), we are removing both mid and
        // next vmas
        vp->remove = vp->remove2;
        vp->remove2 = null;
    }
}

// "__split_vma() bypasses sysctl_max_map_count checking." vma becomes two at addr: a copy
// (vm_area_dup()) takes the part below addr when new_below, else the part above; both are
// write-locked before vma changes, so no fault under the per-VMA lock sees the split half
// done. The iterator (vmi) is the mm; vma_iter_prealloc() cannot fail here;
// vma_dup_policy(), get_file(), vm_ops->open and vm_ops->may_split, hugetlb_split() and
// vma_adjust_trans_huge() (the model's huge page sits at the start of its 2 MiB range and a
// VMA boundary never falls inside a huge leaf's range) are left out.
fn __split_vma(mm, vma, addr, new_below) source "mm/vma.c:__split_vma@v6.12" {
    let new = vm_area_dup(vma, mm);
    if new == null {
        return -ENOMEM;
    }
    if new_below {
        new->vm_end = addr;
    } else {
        // mutate: equivalent(swap-adjacent) new comes from vm_area_dup() and is stored into the tree only by vma_complete(): no other CPU can reach it
        new->vm_start = addr;
        new->vm_pgoff = new->vm_pgoff + (addr - vma->vm_start);
    }
    if anon_vma_clone(new, vma) != 0 {
        // out_free_vma
        vm_area_free(new);
        return -ENOMEM;
    }
    // mutate: equivalent(swap-adjacent) new is in no tree until vma_complete() stores it, so its VMA lock is uncontended and no fault can see it; vma is still write-locked before anything of it changes (vma_prepare(), the new bounds)
    vma_start_write(vma);
    // mutate: equivalent(swap-adjacent) new is in no tree yet (no CPU can reach it), and init_vma_prep() reads vma->anon_vma, which changes only under mmap_lock (a fault under the VMA lock without an anon_vma retries with mmap_lock: __vmf_anon_prepare()), held here for write; vma is already write-locked
    vma_start_write(new);
    let vp = init_vma_prep(vma);
    vp.insert = new;
    vma_prepare(&vp);
    if new_below {
        // mutate: equivalent(swap-adjacent) vma is write-locked (above) under mmap_lock held for write: no fault holds its VMA lock, vm_pgoff is read only under one of the two, and the lockless walk that reads vm_start only picks a candidate, which vma_start_read() refuses while vma is write-locked
        vma->vm_start = addr;
        vma->vm_pgoff = vma->vm_pgoff + (addr - new->vm_start);
    } else {
        vma->vm_end = addr;
    }
    // vma_complete stores the new vma
    vma_complete(&vp, vma->vm_mm);
    return 0;
}

// "Split a vma into two pieces at address 'addr'": the map_count check is not modelled.
fn split_vma(mm, vma, addr, new_below) source "mm/vma.c:split_vma@v6.12" {
    return __split_vma(mm, vma, addr, new_below);
}

// ---- merging VMAs (mm/vma.c @v6.12) ----

// struct vma_merge_struct (mm/vma.h), the fields the model uses: file, policy, uffd_ctx and
// anon_name are left out (none, none, one context, none); the iterator is the mm.
struct vma_merge_struct {
    mm,
    prev,
    next,
    vma,
    start,
    end,
    pgoff,
    flags,
    anon_vma,
    just_expand,
    give_up_on_oom,
    state,
}

// enum vma_merge_state
const VMA_MERGE_START = 0;
const VMA_MERGE_ERROR_NOMEM = 1;
const VMA_MERGE_NOMERGE = 2;
const VMA_MERGE_SUCCESS = 3;

// VMG_STATE(): a new range [start, end) with flags and pgoff.
fn vmg_state(mm, start, end, flags, pgoff) source "mm/vma.h:VMG_STATE@v6.12" {
    return struct vma_merge_struct { .mm = mm, .prev = null, .next = null, .vma = null, .start = start, .end = end, .pgoff = pgoff, .flags = flags, .anon_vma = null, .just_expand = false, .give_up_on_oom = false, .state = VMA_MERGE_START };
}

// VMG_VMA_STATE(): [start, end) of vma, with vma's flags, anon_vma and the pgoff of start.
fn vmg_vma_state(mm, prev, vma, start, end) source "mm/vma.h:VMG_VMA_STATE@v6.12" {
    let vmg = struct vma_merge_struct { .mm = mm, .prev = prev, .next = null, .vma = vma, .start = start, .end = end, .just_expand = false, .give_up_on_oom = false, .state = VMA_MERGE_START };
    // mutate: equivalent(swap-adjacent) vmg is a local record; vm_flags and vm_pgoff are guarded by mmap_lock and anon_vma changes only under it (a fault under the VMA lock retries with mmap_lock to set it: __vmf_anon_prepare()), and every caller holds it for write: the loads commute
    vmg.flags = vma->vm_flags;
    // mutate: equivalent(swap-adjacent) vmg is a local record; anon_vma, vm_pgoff and vm_start change only under mmap_lock, which every caller holds for write: the loads commute
    vmg.anon_vma = vma->anon_vma;
    vmg.pgoff = vma->vm_pgoff + (start - vma->vm_start);
    return vmg;
}

fn vmg_nomem(vmg) source "mm/vma.h:vmg_nomem@v6.12" {
    return vmg->state == VMA_MERGE_ERROR_NOMEM;
}

// "VM_SOFTDIRTY should not prevent from VMA merging, if we match the flags but dirty bit".
// mpol_equal(), the file, the userfaultfd context (one at most, so two registered VMAs share
// it) and the anon_vma name are left out.
fn is_mergeable_vma(vmg, merge_next) source "mm/vma.c:is_mergeable_vma@v6.12" {
    let vma = vmg->prev;
    if merge_next {
        vma = vmg->next;
    }
    if ((vma->vm_flags ^ vmg->flags) & ~VM_SOFTDIRTY) != 0 {
        return false;
    }
    return true;
}

// "The list_is_singular() test is to avoid merging VMA cloned from parents."
fn is_mergeable_anon_vma(anon_vma1, anon_vma2, vma) source "mm/vma.c:is_mergeable_anon_vma@v6.12" {
    if (anon_vma1 == null || anon_vma2 == null) && (vma == null || anon_vma_chain_is_singular(vma)) {
        return true;
    }
    return anon_vma1 == anon_vma2;
}

// "Are the anon_vma's belonging to each VMA compatible with one another?"
fn are_anon_vmas_compatible(vma1, vma2) source "mm/vma.c:are_anon_vmas_compatible@v6.12" {
    return is_mergeable_anon_vma(vma1->anon_vma, vma2->anon_vma, null);
}

// "Return true if we can merge this (vm_flags,anon_vma,file,vm_pgoff) in front of (at a
// lower virtual address and file offset than) the vma." Addresses count pages: PHYS_PFN()
// is the identity.
fn can_vma_merge_before(vmg) source "mm/vma.c:can_vma_merge_before@v6.12" {
    let pglen = vmg->end - vmg->start;
    if is_mergeable_vma(vmg, true) && is_mergeable_anon_vma(vmg->anon_vma, vmg->next->anon_vma, vmg->next) {
        if vmg->next->vm_pgoff == vmg->pgoff + pglen {
            return true;
        }
    }
    return false;
}

// "... beyond (at a higher virtual address and file offset than) the vma."
fn can_vma_merge_after(vmg) source "mm/vma.c:can_vma_merge_after@v6.12" {
    if is_mergeable_vma(vmg, false) && is_mergeable_anon_vma(vmg->anon_vma, vmg->prev->anon_vma, vmg->prev) {
        if vmg->prev->vm_pgoff + (vmg->prev->vm_end - vmg->prev->vm_start) == vmg->pgoff {
            return true;
        }
    }
    return false;
}

fn can_vma_merge_left(vmg) source "mm/vma.c:can_vma_merge_left@v6.12" {
    return vmg->prev != null && vmg->prev->vm_end == vmg->start && can_vma_merge_after(vmg);
}

// "In addition, if we can merge with the left VMA, ensure that left and right anon_vma's are
// also compatible."
fn can_vma_merge_right(vmg, can_merge_left) source "mm/vma.c:can_vma_merge_right@v6.12" {
    if vmg->next == null || vmg->end != vmg->next->vm_start || !can_vma_merge_before(vmg) {
        return false;
    }
    if !can_merge_left {
        return true;
    }
    return are_anon_vmas_compatible(vmg->prev, vmg->next);
}

// "We can only remove VMAs when merging if they do not have a close hook": no vm_ops here.
fn can_merge_remove_vma(vma) source "mm/vma.c:can_merge_remove_vma@v6.12" {
    return true;
}

// "Easily overlooked: when mprotect shifts the boundary, make sure the expanding vma has
// anon_vma set if the shrinking vma had, to cover any anon pages imported."
fn dup_anon_vma(dst, src, dup) source "mm/vma.c:dup_anon_vma@v6.12" {
    if src->anon_vma != null && dst->anon_vma == null {
        // mutate: equivalent(swap-adjacent) a VM_BUG_ON check moved past a store it does not read: the assertion reads dst's vm_lock_seq and the mm's mm_lock_seq, the store dst->anon_vma; every caller write-locked dst first, so it holds on either side
        vma_assert_write_locked(dst);
        dst->anon_vma = src->anon_vma;
        let ret = anon_vma_clone(dst, src);
        if ret != 0 {
            return ret;
        }
        *dup = dst;
    }
    return 0;
}

// "Actually perform the VMA merge operation": vmg->vma gets [start, end) and pgoff, adjust's
// start moves by adj_start, and remove (and remove2) go. The maple tree's stores are the
// list's (vma_iter_store() overwrites the removed VMAs' ranges); vma_iter_prealloc() cannot
// fail here; vma_adjust_trans_huge() is left out (see __split_vma()).
fn commit_merge(vmg, adjust, remove, remove2, adj_start, expanded) source "mm/vma.c:commit_merge@v6.12" {
    let vp = init_multi_vma_prep(vmg->vma, adjust, remove, remove2);
    // mutate: equivalent(swap-adjacent) not observable here: vma_prepare() takes the anon_vma lock and takes the VMA out of the anon_vma interval tree (anon_vma_interval_tree_pre_update_vma()) before its range changes, so an rmap walk never finds it indexed under a range it no longer has; the tree has no anon_vma objects, interval trees or rmap walks (page.mmk: those are no-ops)
    vma_prepare(&vp);
    vma_set_range(vmg->vma, vmg->start, vmg->end, vmg->pgoff);
    if expanded {
        vma_iter_store(vmg->mm, vmg->vma);
    }
    if adj_start != 0 {
        // mutate: equivalent(swap-adjacent) adjust is write-locked (vma_merge_existing_range() locks vma and next first) under mmap_lock held for write: vm_pgoff is read only under one of them, and the lockless walk reading vm_start only picks a candidate vma_start_read() refuses
        adjust->vm_start = adjust->vm_start + adj_start;
        adjust->vm_pgoff = adjust->vm_pgoff + adj_start;
        if adj_start < 0 {
            vma_iter_store(vmg->mm, adjust);
        }
    }
    vma_complete(&vp, vmg->vma->vm_mm);
    return 0;
}

// "Attempt to merge VMAs based on a VMA having its attributes modified" (mprotect()): the
// range [start, end) of vmg->vma, at its left or right edge, joins prev or next (or both),
// every VMA involved write-locked first. vmg->prev is the VMA before, or vmg->vma itself when
// the range starts inside it. khugepaged_enter_vma() is left out.
fn vma_merge_existing_range(vmg) source "mm/vma.c:vma_merge_existing_range@v6.12" {
    let vma = vmg->vma;
    let prev = vmg->prev;
    let next = null;
    let anon_dup = null;
    let adjust = null;
    let start = vmg->start;
    let end = vmg->end;
    // mutate: equivalent(swap-adjacent) two loads of vma's bounds, guarded by mmap_lock, which every caller holds for write, into locals
    let left_side = vma != null && start == vma->vm_start;
    let right_side = vma != null && end == vma->vm_end;
    let err = 0;
    let adj_start = 0;
    let merge_left = false;
    let merge_right = false;
    vmg->state = VMA_MERGE_NOMERGE;
    // If a special mapping or if the range being modified is neither at the furthermost left
    // or right side of the VMA, then we have no chance of merging and should abort. (VM_SPECIAL
    // is never set here.)
    if !left_side && !right_side {
        return null;
    }
    if left_side {
        merge_left = can_vma_merge_left(vmg);
    }
    if right_side {
        next = vma->vm_next; // vma_iter_next_range()
        vmg->next = next;
        merge_right = can_vma_merge_right(vmg, merge_left);
    }
    if !merge_left && !merge_right {
        return null; // If we have nothing to merge, abort.
    }
    let merge_both = merge_left && merge_right;
    // If we span the entire VMA, a merge implies it will be deleted.
    let merge_will_delete_vma = left_side && right_side;
    // If we merge both VMAs, then next is also deleted.
    let merge_will_delete_next = merge_both;
    // (can_merge_remove_vma() is true for every modelled VMA)
    // No matter what happens, we will be adjusting vma.
    vma_start_write(vma);
    if merge_left {
        vma_start_write(prev);
    }
    if merge_right {
        vma_start_write(next);
    }
    if merge_both {
        //         |<----->|
        // |-------*********-------|
        //   prev     vma     next
        //  extend   delete  delete
        vmg->vma = prev;
        // mutate: equivalent(swap-adjacent) vmg is the caller's on-stack vma_merge_struct, and prev's and next's fields are guarded by mmap_lock, held for write: no CPU sees or changes either
        vmg->start = prev->vm_start;
        // mutate: equivalent(swap-adjacent) vmg is the caller's on-stack vma_merge_struct, and prev's and next's fields are guarded by mmap_lock, held for write: no CPU sees or changes either
        vmg->end = next->vm_end;
        vmg->pgoff = prev->vm_pgoff;
        let src = vma;
        if next->anon_vma != null {
            src = next;
        }
        err = dup_anon_vma(prev, src, &anon_dup);
    } else if merge_left {
        //         |<----->| OR
        //         |<--------->|
        // |-------*************
        //   prev       vma
        //  extend shrink/delete
        vmg->vma = prev;
        // mutate: equivalent(swap-adjacent) vmg is the caller's on-stack vma_merge_struct, and prev's fields are guarded by mmap_lock, held for write: no CPU sees or changes either
        vmg->start = prev->vm_start;
        vmg->pgoff = prev->vm_pgoff;
        if !merge_will_delete_vma {
            adjust = vma;
            adj_start = vmg->end - vma->vm_start;
        }
        err = dup_anon_vma(prev, vma, &anon_dup);
    } else {
        //     |<----->| OR
        // |<--------->|
        // *************-------|
        //      vma       next
        // shrink/delete extend
        let pglen = vmg->end - vmg->start;
        if merge_will_delete_vma {
            vmg->vma = next;
            // mutate: equivalent(swap-adjacent) vmg is the caller's on-stack vma_merge_struct, and next's fields are guarded by mmap_lock, held for write: no CPU sees or changes either
            vmg->end = next->vm_end;
            vmg->pgoff = next->vm_pgoff - pglen;
        } else {
            // We shrink vma and expand next. IMPORTANT: This is the ONLY case where the
            // final merged VMA is NOT vmg->vma, but rather vmg->next.
            vmg->start = vma->vm_start;
            vmg->end = start;
            vmg->pgoff = vma->vm_pgoff;
            adjust = next;
            adj_start = 0 - (vma->vm_end - start);
        }
        err = dup_anon_vma(next, vma, &anon_dup);
    }
    // In nearly all cases, we expand vmg->vma. There is one exception - merge_right where we
    // partially span the VMA.
    let expanded = !merge_right || merge_will_delete_vma;
    let remove = null;
    if merge_will_delete_vma {
        remove = vma;
    }
    let remove2 = null;
    if merge_will_delete_next {
        remove2 = next;
    }
    if err == 0 {
        err = commit_merge(vmg, adjust, remove, remove2, adj_start, expanded);
    }
    if err != 0 {
        // abort:
        if anon_dup != null {
            unlink_anon_vmas(anon_dup);
        }
        if !vmg->give_up_on_oom {
            vmg->state = VMA_MERGE_ERROR_NOMEM;
        }
        return null;
    }
    vmg->state = VMA_MERGE_SUCCESS;
    if merge_left {
        return prev;
    }
    return next;
}

// "Attempt to merge a new VMA into address space": [start, end) joins prev, next, or both
// (then next is removed). The caller has set prev and next. khugepaged_enter_vma() is left
// out.
fn vma_merge_new_range(vmg) source "mm/vma.c:vma_merge_new_range@v6.12" {
    let prev = vmg->prev;
    let next = vmg->next;
    let start = vmg->start;
    let end = vmg->end;
    let pgoff = vmg->pgoff;
    let pglen = end - start;
    vmg->state = VMA_MERGE_NOMERGE;
    // Special VMAs are unmergeable, also if no prev/next.
    if prev == null && next == null {
        return null;
    }
    let can_merge_left = can_vma_merge_left(vmg);
    let can_merge_right = !vmg->just_expand && can_vma_merge_right(vmg, can_merge_left);
    // If we can merge with the next VMA, adjust vmg accordingly.
    if can_merge_right {
        vmg->end = next->vm_end;
        vmg->vma = next;
        vmg->pgoff = next->vm_pgoff - pglen;
    }
    // If we can merge with the previous VMA, adjust vmg accordingly.
    if can_merge_left {
        vmg->start = prev->vm_start;
        vmg->vma = prev;
        vmg->pgoff = prev->vm_pgoff;
        // (can_merge_remove_vma(next) holds; vma_prev(vmg->vmi): the iterator is the mm)
    }
    // Now try to expand adjacent VMA(s). This takes care of removing the following VMA if we
    // have VMAs on both sides.
    if vmg->vma != null && vma_expand(vmg) == 0 {
        vmg->state = VMA_MERGE_SUCCESS;
        return vmg->vma;
    }
    // If expansion failed, reset state. Allows us to retry merge later.
    if !vmg->just_expand {
        vmg->vma = null;
        vmg->start = start;
        vmg->end = end;
        vmg->pgoff = pgoff;
    }
    return null;
}

// "Expand @vma to vmg->start and vmg->end. Can expand off the start and end. Will expand over
// vmg->next if it's different from vmg->vma and vmg->end == vmg->next->vm_end."
fn vma_expand(vmg) source "mm/vma.c:vma_expand@v6.12" {
    let anon_dup = null;
    let remove_next = false;
    let vma = vmg->vma;
    let next = vmg->next;
    vma_start_write(vma);
    if next != null && vma != next && vmg->end == next->vm_end {
        remove_next = true;
        // mutate: equivalent(swap-adjacent) dup_anon_vma() writes only vma (write-locked above) and reads next->anon_vma, which changes only under mmap_lock (a fault under next's VMA lock with no anon_vma retries with mmap_lock: __vmf_anon_prepare()), held here for write; next is write-locked before commit_merge() changes or removes it either way
        vma_start_write(next);
        let ret = dup_anon_vma(vma, next, &anon_dup);
        if ret != 0 {
            return ret;
        }
    }
    let remove = null;
    if remove_next {
        remove = next;
    }
    if commit_merge(vmg, null, remove, null, 0, true) != 0 {
        // nomem:
        if anon_dup != null {
            unlink_anon_vmas(anon_dup);
        }
        if !vmg->give_up_on_oom {
            vmg->state = VMA_MERGE_ERROR_NOMEM;
        }
        return -ENOMEM;
    }
    return 0;
}

// "We are about to modify one or multiple of a VMA's flags ... As a result, we might be able
// to merge the newly modified VMA range with an adjacent VMA with identical properties. If no
// merge is possible and the range does not span the entirety of the VMA, we then need to
// split the VMA to accommodate the change." Returns the merged VMA, vma after the splits, or
// a negative error (the kernel's ERR_PTR()).
fn vma_modify(vmg) source "mm/vma.c:vma_modify@v6.12" {
    let vma = vmg->vma;
    let start = vmg->start;
    let end = vmg->end;
    // First, try to merge.
    let merged = vma_merge_existing_range(vmg);
    if merged != null {
        return merged;
    }
    if vmg_nomem(vmg) {
        return -ENOMEM;
    }
    // Split any preceding portion of the VMA.
    if vma->vm_start < start {
        let err = split_vma(vmg->mm, vma, start, 1);
        if err != 0 {
            return err;
        }
    }
    // Split any trailing portion of the VMA.
    if vma->vm_end > end {
        let err = split_vma(vmg->mm, vma, end, 0);
        if err != 0 {
            return err;
        }
    }
    return vma;
}

// mprotect_fixup()'s entry (the iterator is the mm).
fn vma_modify_flags(mm, prev, vma, start, end, new_flags) source "mm/vma.c:vma_modify_flags@v6.12" {
    let vmg = vmg_vma_state(mm, prev, vma, start, end);
    vmg.flags = new_flags;
    return vma_modify(&vmg);
}

// "Expand vma by delta bytes, potentially merging with an immediately adjacent VMA with
// identical properties" (mremap() growing in place). vma_iter_next_rewind(): the VMA after vma.
fn vma_merge_extend(mm, vma, delta) source "mm/vma.c:vma_merge_extend@v6.12" {
    let vmg = vmg_vma_state(mm, vma, vma, vma->vm_end, vma->vm_end + delta);
    vmg.next = vma->vm_next;
    vmg.vma = null; // We use the VMA to populate VMG fields only.
    return vma_merge_new_range(&vmg);
}

// Transitional, not kernel code: v5.10's vma_merge(mm, prev, addr, end, vm_flags, anon_vma,
// pgoff) as mprotect.mmk still calls it (mprotect_fixup() of v5.10: merge, else split), on
// 6.12's vma_merge_existing_range(). 6.12 has no vma_merge() of this shape: mprotect_fixup()
// calls vma_modify_flags(), which merges or splits itself; this goes once mprotect.mmk does.
fn vma_merge(mm, prev, addr, end, vm_flags, anon_vma, pgoff) source "mmcheck: v5.10 vma_merge() signature over mm/vma.c:vma_merge_existing_range@v6.12 (transitional)" {
    let vma = find_vma(mm, addr);
    let vmg = vmg_vma_state(mm, prev, vma, addr, end);
    vmg.flags = vm_flags;
    vmg.anon_vma = anon_vma;
    vmg.pgoff = pgoff;
    return vma_merge_existing_range(&vmg);
}

// "Link a new VMA": write-locked, stored into the tree. vma_link_file(): no file; map_count.
fn vma_link(mm, vma) source "mm/vma.c:vma_link@v6.12" {
    vma_start_write(vma);
    vma_iter_store(mm, vma);
    return 0;
}

// ---- mmap (mm/mmap.c @v6.12, GrapheneOS, not pinned) ----
//
// Anonymous private mappings only (no file, no MAP_SHARED: shmem is not modelled, and no
// MAP_DROPPABLE), at an address the caller names: MAP_FIXED, MAP_FIXED_NOREPLACE, or a hint
// that is free (the search of the gaps is not modelled). What the new mapping replaces is
// gathered and unmapped as munmap does (vms_gather_munmap_vmas(), ...); a new range next to a
// VMA with the same flags extends it (vma_merge_new_range()). Left out: the rlimits and
// accounting, MAP_POPULATE and mm_populate(), MAP_LOCKED, MAP_HUGETLB, MAP_GROWSDOWN,
// MAP_NORESERVE, personality flags, pkeys, MDWE, perf and uprobe events, userfaultfd unmap
// events, the Android vendor hooks of that tree.

// include/uapi/asm-generic/mman-common.h and mman.h
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_TYPE = 0x0f;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_POPULATE = 0x8000;
const MAP_HUGETLB = 0x40000;
const MAP_FIXED_NOREPLACE = 0x100000;
const EEXIST = 17;

// mmap(addr, len, prot, flags, -1, 0) of an anonymous mapping: the address, or an error
// (negative). Lengths and addresses are in pages.
fn mmap(addr, len, prot, flags) source "mm/mmap.c:ksys_mmap_pgoff@v6.12 -> mm/util.c:vm_mmap_pgoff@v6.12 (MAP_ANONYMOUS, fd -1)" {
    if (flags & MAP_ANONYMOUS) == 0 {
        not_modelled(); // file mappings
    }
    if (flags & (MAP_HUGETLB | MAP_POPULATE)) != 0 {
        not_modelled(); // hugetlb and populated mappings
    }
    let mm = current_mm();
    // security_mmap_file(): nothing to check; mmap_write_lock_killable(): no signals
    mmap_write_lock(mm);
    let ret = do_mmap(addr, len, prot, flags, 0, 0);
    mmap_write_unlock(mm);
    // userfaultfd_unmap_complete() and mm_populate(): not modelled
    return ret;
}

// "The caller must write-lock current->mm->mmap_lock." round_hint_to_min() (mmap_min_addr),
// the overflow and map_count checks, READ_IMPLIES_EXEC and pkeys are left out.
fn do_mmap(addr, len, prot, flags, vm_flags, pgoff) source "mm/mmap.c:do_mmap@v6.12" {
    let mm = current_mm();
    if len == 0 {
        return -EINVAL;
    }
    // force arch specific MAP_FIXED handling in get_unmapped_area
    if (flags & MAP_FIXED_NOREPLACE) != 0 {
        flags = flags | MAP_FIXED;
    }
    // calc_vm_prot_bits() | calc_vm_flag_bits() | mm->def_flags | VM_MAYREAD | VM_MAYWRITE |
    // VM_MAYEXEC: PROT_READ/WRITE/EXEC are VM_READ/WRITE/EXEC
    vm_flags = vm_flags | (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
    // Obtain the address to map to.
    addr = __get_unmapped_area(addr, len, pgoff, flags);
    if addr < 0 {
        return addr;
    }
    if (flags & MAP_FIXED_NOREPLACE) != 0 {
        if find_vma_intersection(mm, addr, addr + len) != null {
            return -EEXIST;
        }
    }
    // MAP_LOCKED and mlock_future_ok(): not modelled
    if (flags & MAP_TYPE) == MAP_PRIVATE {
        // Set pgoff according to addr for anon_vma.
        pgoff = addr;
    } else {
        not_modelled(); // MAP_SHARED (shmem), MAP_DROPPABLE
    }
    // MAP_NORESERVE: VM_NORESERVE, not modelled
    return mmap_region(addr, len, vm_flags, pgoff);
}

// __get_unmapped_area() for a fixed address or a free hint; the search of the gaps
// (vm_unmapped_area()) and THP alignment are not modelled.
fn __get_unmapped_area(addr, len, pgoff, flags) source "mm/mmap.c:__get_unmapped_area@v6.12 -> arch/x86/kernel/sys_x86_64.c:arch_get_unmapped_area_topdown@v6.12" {
    let mm = current_mm();
    if (flags & MAP_FIXED) != 0 {
        return addr;
    }
    // requesting a specific address
    if addr != 0 {
        let prev = null;
        let vma = find_vma_prev(mm, addr, &prev);
        // (vm_start_gap() and vm_end_gap(): no stack guard gap around these VMAs)
        if (vma == null || addr + len <= vma->vm_start) && (prev == null || addr >= prev->vm_end) {
            return addr;
        }
    }
    not_modelled(); // vm_unmapped_area()'s search for a gap
    return -ENOMEM;
}

// map_deny_write_exec() and arch_validate_flags() pass; no file.
fn mmap_region(addr, len, vm_flags, pgoff) source "mm/mmap.c:mmap_region@v6.12" {
    return __mmap_region(addr, len, vm_flags, pgoff);
}

// The old mappings of the range are gathered (split, write-locked, detached) and their PTEs
// cleared while they are still in the tree ("so that rmap cannot race with the freeing
// later"), then the new range merges with a neighbour or gets a new VMA, write-locked before
// it is stored ("Lock the VMA since it is modified after insertion into VMA tree"), which
// overwrites the old VMAs, and vms_complete_munmap_vmas() frees them. may_expand_vm() and the
// accounting are not modelled, so the abort paths (vms_abort_munmap_vmas()) are never taken;
// a VMA allocation that fails is a model error.
fn __mmap_region(addr, len, vm_flags, pgoff) source "mm/mmap.c:__mmap_region@v6.12" {
    let mm = current_mm();
    let end = addr + len;
    let vmg = vmg_state(mm, addr, end, vm_flags, pgoff);
    // Find the first overlapping VMA
    let vma = vma_find(mm, addr, end);
    let vms = init_vma_munmap(vma, addr, end, false);
    if vma != null {
        // Prepare to unmap any existing mapping in the area
        let error = vms_gather_munmap_vmas(&vms);
        if error != 0 {
            return error; // gather_failed
        }
        vmg.next = vms.next;
        vmg.prev = vms.prev;
        vma = null;
    } else {
        // vma_iter_next_rewind(&vmi, &vmg.prev)
        let prev = null;
        vmg.next = find_vma_prev(mm, addr, &prev);
        vmg.prev = prev;
    }
    // clear PTEs while the vma is still in the tree so that rmap cannot race with the
    // freeing later in the truncate scenario.
    // mutate: equivalent(swap-adjacent) not observable here: the kernel clears the old PTEs while the old VMAs are still in the tree "so that rmap cannot race with the freeing later in the truncate scenario" (a file's unmap_mapping_range() over i_mmap); the tree has no file mappings and no rmap walk, and the old and new VMAs are write-locked under mmap_lock held for write either way, so no fault or page-table walker can tell
    vms_clean_up_area(&vms);
    vma = vma_merge_new_range(&vmg);
    if vma == null {
        vma = vm_area_alloc(mm);
        // mutate: equivalent(swap-adjacent) vma comes from vm_area_alloc() and is in no tree until vma_iter_store(): no other CPU can reach it
        vma_set_range(vma, addr, end, pgoff);
        // mutate: equivalent(swap-adjacent) vma is in no tree until vma_iter_store(): no other CPU can reach it
        vm_flags_init(vma, vm_flags);
        // mutate: equivalent(swap-adjacent) vma is in no tree until vma_iter_store(): its VMA lock is uncontended and no CPU reads vm_page_prot before the store
        vma->vm_page_prot = vm_get_page_prot(vm_flags);
        // vma_set_anonymous(): vm_ops = NULL
        // Lock the VMA since it is modified after insertion into VMA tree
        // mutate: equivalent(swap-adjacent) not observable here: stored before it is write-locked, the new VMA can be read-locked by a fault (lock_vma_under_rcu()) before __mmap_region() finishes it, but what follows (vm_flags_set(VM_SOFTDIRTY), vma_set_page_prot()) changes what a fault uses only for file-backed or shared writable VMAs (33313a747e81: "post-addition modifications are done only for file-backed VMAs"); only private anonymous mappings are modelled
        vma_start_write(vma);
        vma_iter_store(mm, vma); // vma_iter_store_new()
        // mm->map_count++, vma_link_file(), khugepaged_enter_vma(), ksm_add_vma()
    }
    // expanded: (perf_event_mmap())
    // Unmap any existing mapping in the area
    // mutate: equivalent(swap-adjacent) vms_complete_munmap_vmas() (unlock false: no downgrade) frees only the old VMAs, detached and out of the tree, while vm_flags_set() stores to the new one, write-locked under mmap_lock held for write until mmap() returns: no CPU reads its vm_flags in between
    vms_complete_munmap_vmas(&vms);
    // vm_stat_account(), VM_LOCKED accounting, uprobe_mmap(): not modelled
    // New (or expanded) vma always get soft dirty status.
    // mutate: equivalent(swap-adjacent) not observable here: vm_page_prot depends on VM_SOFTDIRTY only for shared writable mappings (vma_wants_writenotify() tracks soft-dirty only there); only private anonymous VMAs are modelled, so computing it before the flag is set gives the same value
    vm_flags_set(vma, VM_SOFTDIRTY);
    vma_set_page_prot(vma);
    return addr;
}

// include/linux/mm.h: "Use only if VMA has no other users": vma_assert_write_locked(), then
// the store (ACCESS_PRIVATE(vma, __vm_flags) = flags).
fn vm_flags_reset(vma, flags) source "include/linux/mm.h:vm_flags_reset@v6.12" {
    // mutate: equivalent(swap-adjacent) a VM_BUG_ON check moved past a store it does not read: the assertion reads vm_lock_seq and mm_lock_seq, the store vm_flags; every caller (mprotect_fixup()) write-locked vma just before, so it holds on either side
    vma_assert_write_locked(vma);
    vma->vm_flags = flags; // vm_flags_init()
}
