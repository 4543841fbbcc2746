// mremap() of Linux 6.12.y (mm/mremap.c at Xilinx/linux-xlnx acc8f948e4aa; copy_vma() is
// mm/vma.c at 90b13e116180, 6.12.40): the move of an anonymous private range to a fixed
// address (MREMAP_MAYMOVE | MREMAP_FIXED, same length, or shorter: the tail is unmapped
// first), the path that changes the layout under mmap_lock held for write and moves the PTEs
// between two page-table locks; MREMAP_DONTUNMAP's move (the old VMA stays, empty); shrinking
// in place (do_vmi_munmap() of the tail, which downgrades mmap_lock to read for the zap and
// drops it) and growing in place into free space after the VMA (vma_merge_extend()).
//
// The scenario names the target with `hole Y at A;`: an address range no VMA maps, whose VMA
// object copy_vma() takes. Both VMAs are write-locked before the PTEs move (move_vma():
// vma_start_write(vma); copy_vma() -> vma_link() or the merge write-locks the new one), so a
// fault under the per-VMA lock on either waits for mmap_write_unlock() or falls back to
// mmap_lock.
//
// Left out: a move that get_unmapped_area() places (without MREMAP_FIXED), a move that grows,
// the moves of whole page tables (move_normal_pmd(), move_normal_pud(): a test whose move
// covers a PMD's whole range, or realigns to one, stops at not_modelled()), huge PMDs
// (move_huge_pmd(), split_huge_pmd()), hugetlb, VM_ACCOUNT, locked_vm and mm_populate(),
// map_count, KSM (ksm_madvise()), vm_ops->may_split and ->mremap, userfaultfd's remap events
// and completions, mmu notifiers, flush_cache_range() (nothing on x86), mseal
// (can_modify_vma()).

// include/uapi/linux/mman.h
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;
const MREMAP_DONTUNMAP = 4;

// Lengths and addresses are in pages (PAGE_ALIGN(), offset_in_page() and untagged_addr() are
// no-ops). "MREMAP_FIXED option added 5-Dec-1999 by Benjamin LaHaise. This option implies
// MREMAP_MAYMOVE."
fn mremap(addr, old_len, new_len, flags, new_addr) source "mm/mremap.c:SYSCALL_DEFINE5(mremap)@v6.12" {
    let mm = current_mm();
    let ret = -EINVAL;
    if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) != 0 {
        return ret;
    }
    if (flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0 {
        return ret;
    }
    // MREMAP_DONTUNMAP is always a move and it does not allow resizing in the process.
    if (flags & MREMAP_DONTUNMAP) != 0 && ((flags & MREMAP_MAYMOVE) == 0 || old_len != new_len) {
        return ret;
    }
    // We allow a zero old-len as a special case for DOS-emu "duplicate shm area" thing. But a
    // zero new-len is nonsensical.
    if new_len == 0 {
        return ret;
    }
    // mmap_write_lock_killable(): no signals are modelled
    mmap_write_lock(mm);
    let unlocked = false;
    ret = mremap_locked(mm, addr, old_len, new_len, flags, new_addr, &unlocked);
    if !unlocked {
        // out:
        mmap_write_unlock(mm);
    }
    // out_unlocked:
    // mm_populate() and the userfaultfd completions: not modelled
    return ret;
}

// The body of SYSCALL_DEFINE5(mremap) between mmap_write_lock_killable() and its out: label,
// a function of its own so that its gotos are returns; *unlocked says it took
// `goto out_unlocked` (the shrink's do_vmi_munmap() dropped mmap_lock).
fn mremap_locked(mm, addr, old_len, new_len, flags, new_addr, unlocked) source "mm/mremap.c:SYSCALL_DEFINE5(mremap)@v6.12" {
    let ret = -EINVAL;
    let vma = vma_lookup(mm, addr);
    if vma == null {
        return -EFAULT;
    }
    // Don't allow remapping vmas when they have already been sealed (can_modify_vma()); no
    // hugetlb VMAs
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0 {
        return mremap_to(addr, old_len, new_addr, new_len, flags);
    }
    // Always allow a shrinking remap: that just unmaps the unnecessary pages..
    // do_vmi_munmap does all the needed commit accounting, and unlocks the mmap_lock if so
    // directed.
    if old_len >= new_len {
        if old_len == new_len {
            return addr;
        }
        ret = do_vmi_munmap(mm, addr + new_len, old_len - new_len, true);
        if ret != 0 {
            return ret;
        }
        *unlocked = true;
        return addr; // goto out_unlocked
    }
    // Ok, we need to grow..
    vma = vma_to_resize(addr, old_len, new_len, flags, &ret);
    if vma == null {
        return ret; // IS_ERR(vma)
    }
    // old_len exactly to the end of the area..
    if old_len == vma->vm_end - addr {
        let delta = new_len - old_len;
        // can we just expand the current mapping?
        if vma_expandable(vma, delta) {
            // VM_ACCOUNT's security_vm_enough_memory_mm(): not modelled
            vma = vma_merge_extend(mm, vma, delta);
            if vma == null {
                return -ENOMEM;
            }
            // vm_stat_account(), VM_LOCKED's locked_vm: not modelled
            return addr;
        }
    }
    // We weren't able to just expand or shrink the area, we need to create a new one and
    // move it..
    ret = -ENOMEM;
    if (flags & MREMAP_MAYMOVE) != 0 {
        not_modelled(); // get_unmapped_area()'s choice of address
    }
    return ret;
}

// The VMA can grow by delta in place if nothing is mapped there (get_unmapped_area(MAP_FIXED)
// accepts any range in the address space).
fn vma_expandable(vma, delta) source "mm/mremap.c:vma_expandable@v6.12" {
    let end = vma->vm_end + delta;
    if end < vma->vm_end {
        return 0; // overflow
    }
    if find_vma_intersection(vma->vm_mm, vma->vm_end, end) != null {
        return 0;
    }
    return 1;
}

fn mremap_to(addr, old_len, new_addr, new_len, flags) source "mm/mremap.c:mremap_to@v6.12" {
    let mm = current_mm();
    let ret = -EINVAL;
    // offset_in_page(new_addr), new_len > TASK_SIZE: the scenario's addresses are all in range
    // Ensure the old/new locations do not overlap
    if addr + old_len > new_addr && new_addr + new_len > addr {
        return ret;
    }
    // the map_count check against sysctl_max_map_count: not modelled
    if (flags & MREMAP_FIXED) != 0 {
        // VMA is moved to dst address, and munmap dst first.
        ret = do_munmap(mm, new_addr, new_len);
        if ret != 0 {
            return ret;
        }
    }
    if old_len > new_len {
        ret = do_munmap(mm, addr + new_len, old_len - new_len);
        if ret != 0 {
            return ret;
        }
        old_len = new_len;
    }
    let vma = vma_to_resize(addr, old_len, new_len, flags, &ret);
    if vma == null {
        return ret; // IS_ERR(vma): ret = PTR_ERR(vma)
    }
    // MREMAP_DONTUNMAP's may_expand_vm(): not modelled
    if new_len > old_len {
        not_modelled(); // a move that grows the mapping
    }
    // get_unmapped_area(vma->vm_file, new_addr, ..., MAP_FIXED) returns new_addr for an
    // anonymous mapping in range
    if (flags & MREMAP_FIXED) == 0 {
        not_modelled(); // get_unmapped_area()'s choice of address
    }
    return move_vma(vma, addr, old_len, new_len, new_addr, flags);
}

// The VMA holding [addr, addr + old_len), or null with the error in *err (the kernel's
// ERR_PTR()). VM_DONTEXPAND and VM_PFNMAP are never set here, and mlock_future_ok() and
// may_expand_vm() are not modelled.
fn vma_to_resize(addr, old_len, new_len, flags, err) source "mm/mremap.c:vma_to_resize@v6.12" {
    let mm = current_mm();
    let vma = vma_lookup(mm, addr);
    if vma == null {
        *err = -EFAULT;
        return null;
    }
    // !old_len is a special case where an attempt is made to 'duplicate' a mapping. This
    // makes no sense for private mappings: every modelled VMA is private.
    if old_len == 0 {
        *err = -EINVAL;
        return null;
    }
    // We can't remap across vm area boundaries
    if old_len > vma->vm_end - addr {
        *err = -EFAULT;
        return null;
    }
    if new_len == old_len {
        return vma;
    }
    // Need to be careful about a growing mapping: the pgoff overflow check cannot fail with
    // the scenario's addresses
    return vma;
}

// The move: the old VMA write-locked, a new VMA at new_addr (copy_vma()), the PTEs moved into
// it (move_page_tables()), then the old range unmapped (do_vmi_munmap(), which finds no PTE
// left to zap). On a short move the PTEs go back and the new range is unmapped instead.
// map_count, may_split, ksm_madvise(), VM_ACCOUNT, hiwater_vm, vm_stat_account(),
// untrack_pfn_clear(), hugetlb, mremap_userfaultfd_prep() and locked_vm are left out.
fn move_vma(vma, old_addr, old_len, new_len, new_addr, flags) source "mm/mremap.c:move_vma@v6.12" {
    let mm = vma->vm_mm;
    let err = 0;
    let need_rmap_locks = false;
// mutate: equivalent(swap-adjacent) vm_pgoff and vm_start change only under mmap_lock held for write, which mremap() holds here: the load gives the same value before or after vma_start_write(), and no other CPU sees a local
    vma_start_write(vma);
    let new_pgoff = vma->vm_pgoff + (old_addr - vma->vm_start);
    let new_vma = copy_vma(&vma, new_addr, new_len, new_pgoff, &need_rmap_locks);
    if new_vma == null {
        return -ENOMEM;
    }
    let moved_len = move_page_tables(vma, old_addr, new_vma, new_addr, old_len, need_rmap_locks, false);
    // Ghost, not kernel code: the PTEs are moved and the TLB flushed: a store through the
    // old address now reaching a moved page would be one the move lost.
    ghost_discard_done(mm, old_addr, old_addr + old_len);
    if moved_len < old_len {
        err = -ENOMEM;
    }
    // vma->vm_ops->mremap: none for an anonymous VMA
    if err != 0 {
        // On error, move entries back from new area to old, which will succeed since page
        // tables still there, and then proceed to unmap new area instead of old.
        move_page_tables(new_vma, new_addr, vma, old_addr, moved_len, true, false);
        ghost_discard_done(mm, new_addr, new_addr + moved_len);
        vma = new_vma;
        old_len = new_len;
        old_addr = new_addr;
        new_addr = err;
    }
    if err == 0 && (flags & MREMAP_DONTUNMAP) != 0 {
        // We always clear VM_LOCKED[ONFAULT] on the old vma
        vm_flags_clear(vma, VM_LOCKED_MASK);
        // anon_vma links of the old vma is no longer needed after its page table has been
        // moved.
        if new_vma != vma && vma->vm_start == old_addr && vma->vm_end == old_addr + old_len {
            unlink_anon_vmas(vma);
        }
        // Because we won't unmap we don't need to touch locked_vm
        return new_addr;
    }
    // do_vmi_munmap() of the old range; its -ENOMEM (a split failing) only changes accounting
    do_vmi_munmap(mm, old_addr, old_len, false);
    return new_addr;
}

// mm/vma.c: "Copy the vma structure to a new location in the same mm, prior to moving page
// table entries, to effect an mremap move": a neighbour of the target extended over it
// (vma_merge_new_range()), else a copy of *vmap linked there (vma_link() write-locks it).
// *need_rmap_locks: whether move_ptes() must take the rmap locks (the merged VMA's pgoff at
// or below vma's, so an rmap walk could visit it first); the anon_vma lock is a no-op in this
// tree. vma_dup_policy(), the file and vm_ops->open are left out.
fn copy_vma(vmap, addr, len, pgoff, need_rmap_locks) source "mm/vma.c:copy_vma@v6.12" {
    let vma = *vmap;
// mutate: equivalent(swap-adjacent) two loads of the VMA, vm_mm set once at allocation and vm_start written only under mmap_lock held for write, which the caller holds: neither can change between them
    let mm = vma->vm_mm;
    let vma_start = vma->vm_start;
    let faulted_in_anon_vma = true;
    // If anonymous vma has not yet been faulted, update new pgoff to match new location, to
    // increase its chance of merging.
    if vma->anon_vma == null {
        pgoff = addr;
        faulted_in_anon_vma = false;
    }
    let prev = null;
    let new_vma = find_vma_prev(mm, addr, &prev);
    if new_vma != null && new_vma->vm_start < addr + len {
        return null; // should never get here
    }
    let vmg = vmg_vma_state(mm, prev, vma, addr, addr + len);
    vmg.vma = null; // New VMA range.
    vmg.pgoff = pgoff;
    vmg.next = new_vma; // vma_iter_next_rewind(&vmi, NULL)
    new_vma = vma_merge_new_range(&vmg);
    if new_vma != null {
        // Source vma may have been merged into new_vma
        if vma_start >= new_vma->vm_start && vma_start < new_vma->vm_end {
            // "The only way we can get a vma_merge with self during an mremap is if the vma
            // hasn't been faulted in yet"
            BUG_ON(faulted_in_anon_vma);
            vma = new_vma;
            *vmap = vma;
        }
        *need_rmap_locks = new_vma->vm_pgoff <= vma->vm_pgoff;
        return new_vma;
    }
    new_vma = vm_area_dup(vma, mm);
    if new_vma == null {
        return null;
    }
    vma_set_range(new_vma, addr, addr + len, pgoff);
    if anon_vma_clone(new_vma, vma) != 0 {
        // out_free_vma
        vm_area_free(new_vma);
        return null;
    }
// mutate: equivalent(swap-adjacent) *need_rmap_locks is move_vma()'s local, which no other CPU can reach: its store can go before or after the link
    vma_link(mm, new_vma);
    *need_rmap_locks = false;
    return new_vma;
}

// mm/mremap.c: take_rmap_locks() and drop_rmap_locks(): the anon_vma's lock (a no-op in this
// tree: page.mmk); no file.
fn take_rmap_locks(vma) source "mm/mremap.c:take_rmap_locks@v6.12" {
    if vma->anon_vma != null {
        anon_vma_lock_write(vma->anon_vma);
    }
}

fn drop_rmap_locks(vma) source "mm/mremap.c:drop_rmap_locks@v6.12" {
    if vma->anon_vma != null {
        anon_vma_unlock_write(vma->anon_vma);
    }
}

// get_extent(NORMAL_PMD, ...): "an extent of the corresponding size for the pgt_entry
// specified if valid. Else returns a smaller extent bounded by the end of the source and
// destination pgt_entry."
fn get_extent(old_addr, old_end, new_addr) source "mm/mremap.c:get_extent@v6.12 (NORMAL_PMD)" {
    let next = (old_addr + PMD_SIZE) & PMD_MASK;
    let extent = next - old_addr;
    if extent > old_end - old_addr {
        extent = old_end - old_addr;
    }
    next = (new_addr + PMD_SIZE) & PMD_MASK;
    if extent > next - new_addr {
        extent = next - new_addr;
    }
    return extent;
}

// "A helper to check if aligning down is OK. The aligned address should fall on *no
// mapping*."
fn can_align_down(vma, addr_to_align, mask, for_stack) source "mm/mremap.c:can_align_down@v6.12" {
    let addr_masked = addr_to_align & mask;
    if !for_stack && vma->vm_start != addr_to_align {
        return false;
    }
    if for_stack && addr_masked >= vma->vm_start {
        return true;
    }
    return find_vma_intersection(vma->vm_mm, addr_masked, vma->vm_start) == null;
}

// "Opportunistically realign to specified boundary for faster copy."
fn try_realign_addr(old_addr, old_vma, new_addr, new_vma, mask, for_stack) source "mm/mremap.c:try_realign_addr@v6.12" {
    // Skip if the addresses are already aligned.
    if (*old_addr & ~mask) == 0 {
        return;
    }
    // Only realign if the new and old addresses are mutually aligned.
    if (*old_addr & ~mask) != (*new_addr & ~mask) {
        return;
    }
    // Ensure realignment doesn't cause overlap with existing mappings.
    if !can_align_down(old_vma, *old_addr, mask, for_stack) || !can_align_down(new_vma, *new_addr, mask, for_stack) {
        return;
    }
// mutate: equivalent(swap-adjacent) two stores to move_page_tables()' locals, which no other CPU can reach
    *old_addr = *old_addr & mask;
    *new_addr = *new_addr & mask;
}

// How much of len was moved. The levels above the PMD always exist (get_old_pud() finds one,
// alloc_new_pud() and alloc_new_pmd() never fail), and a PUD's range is never the extent.
fn move_page_tables(vma, old_addr, new_vma, new_addr, len, need_rmap_locks, for_stack) source "mm/mremap.c:move_page_tables@v6.12" {
    if len == 0 {
        return 0;
    }
    let old_end = old_addr + len;
    // If possible, realign addresses to PMD boundary for faster copy. Only realign if the
    // mremap copying hits a PMD boundary.
    if len >= PMD_SIZE - (old_addr & ~PMD_MASK) {
        try_realign_addr(&old_addr, vma, &new_addr, new_vma, PMD_MASK, for_stack);
    }
    // flush_cache_range(): nothing on x86; mmu_notifier_invalidate_range_start(): no
    // secondary MMUs
    let extent = 0;
    while old_addr < old_end {
        // cond_resched()
        extent = get_extent(old_addr, old_end, new_addr);
        let old_pmd = get_old_pmd(vma->vm_mm, old_addr);
        if old_pmd != null {
            let new_pmd = pmd_offset(vma->vm_mm, new_addr); // alloc_new_pmd()
            let again = true;
            let stop = false;
            while again {
                again = false;
                if pmd_trans_huge(*old_pmd) {
                    not_modelled(); // move_pgt_entry(HPAGE_PMD) -> move_huge_pmd(), split_huge_pmd()
                } else if extent == PMD_SIZE {
                    not_modelled(); // move_pgt_entry(NORMAL_PMD) -> move_normal_pmd()
                }
                if !pmd_none(*old_pmd) {
                    if pte_alloc(new_vma->vm_mm, new_pmd) {
                        stop = true;
                    } else if move_ptes(vma, old_pmd, old_addr, old_addr + extent, new_vma, new_pmd, new_addr, need_rmap_locks) < 0 {
                        again = true; // goto again
                    }
                }
            }
            if stop {
                break;
            }
        }
        old_addr = old_addr + extent;
        new_addr = new_addr + extent;
    }
    // Prevent negative return values when {old,new}_addr was realigned but we broke out of
    // the above loop for the first PMD itself.
    if old_addr < old_end - len {
        return 0;
    }
    return len + old_addr - old_end; // how much done
}

// The PMD entry of old_addr, or null if none (pgd, p4d and pud always exist here).
fn get_old_pmd(mm, addr) source "mm/mremap.c:get_old_pmd@v6.12" {
    let pmd = pmd_offset(mm, addr);
    if pmd_none(*pmd) {
        return null;
    }
    return pmd;
}

// include/linux/userfaultfd_k.h (a 6.12.y stable backport: "mm: clear uffd-wp PTE/PMD state
// on mremap()", which the pinned mm/mremap.c calls): a uffd-wp VMA whose context did not ask for UFFD_FEATURE_EVENT_REMAP.
// The tree's userfaultfd context has no features (no remap events), so every uffd-wp VMA
// qualifies. (Text not pinned: the function is read from its callers in mm/mremap.c.)
fn vma_has_uffd_without_event_remap(vma) source "include/linux/userfaultfd_k.h:vma_has_uffd_without_event_remap@v6.12" {
    return userfaultfd_wp(vma);
}

// Both PTLs held ("We don't have to worry about the ordering of src and dst pte locks because
// exclusive mmap_lock prevents deadlock"); every present PTE moved makes the TLB flush of the
// old range come before the PTLs are released: "NOTE! Both old and new PTL matter: the old
// one for racing with folio_mkclean(), the new one to make sure the physical page stays valid
// until the TLB entry for the old mapping has been flushed" (eb66ae030829, v4.20). The two
// table mappings cannot fail under mmap_lock held for write (no -EAGAIN here).
// arch_enter/leave_lazy_mmu_mode(): nothing without paravirt; move_pte() is the PTE itself
// on x86.
fn move_ptes(vma, old_pmd, old_addr, old_end, new_vma, new_pmd, new_addr, need_rmap_locks) source "mm/mremap.c:move_ptes@v6.12" {
// mutate: equivalent(swap-adjacent) two loads of the VMA (vm_flags, written only under mmap_lock held for write, which mremap() holds; vm_mm, set once at allocation) into locals: neither can change between them
    let need_clear_uffd_wp = vma_has_uffd_without_event_remap(vma);
    let mm = vma->vm_mm;
    let force_flush = false;
    let len = old_end - old_addr;
    if need_rmap_locks {
        take_rmap_locks(vma);
    }
    let old_ptl = null;
    let old_pte = pte_offset_map_lock(mm, old_pmd, old_addr, &old_ptl);
    let new_ptl = null;
    let new_pte = pte_offset_map_nolock(mm, new_pmd, new_addr, &new_ptl);
    if new_ptl != old_ptl {
        spin_lock(new_ptl); // spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING)
    }
    // mutate: equivalent(delete-flush) not observable here: the flush owed is reclaim's batched one (3ea277194daa); reclaim flushes a dirty entry itself before it writes the page to swap (try_to_unmap_flush_dirty()), and through a clean one a store faults (it must set the D bit in a PTE that is gone), so what still reaches the page after mremap() returns is a load of contents no store changed
    // mutate: equivalent(move-flush-after-unlock) not observable here: the flush owed is reclaim's batched one (3ea277194daa); reclaim flushes a dirty entry itself before it writes the page to swap (try_to_unmap_flush_dirty()), and through a clean one a store faults (it must set the D bit in a PTE that is gone), so what still reaches the page after mremap() returns is a load of contents no store changed
    flush_tlb_batched_pending(vma->vm_mm);
    while old_addr < old_end {
        old_pte = pte_offset_map(old_pmd, old_addr); // old_pte++
        new_pte = pte_offset_map(new_pmd, new_addr); // new_pte++
        if !pte_none(*old_pte) {
            let pte = ptep_get_and_clear(mm, old_addr, old_pte);
            // If we are remapping a valid PTE, make sure to flush TLB before we drop the PTL
            // for the PTE.
            let page = null;
            if pte_present(pte) {
                force_flush = true;
                page = pte_page(pte);
            }
            pte = move_soft_dirty_pte(pte);
            if need_clear_uffd_wp && pte_marker_uffd_wp(pte) {
                pte_clear(mm, new_addr, new_pte);
            } else {
                if need_clear_uffd_wp {
                    if pte_present(pte) {
                        pte = pte_clear_uffd_wp(pte);
                    } else if is_swap_pte(pte) {
                        pte = pte_swp_clear_uffd_wp(pte);
                    }
                }
                set_pte_at(mm, new_addr, new_pte, pte);
            }
            // Ghost, not kernel code: new_addr now holds what old_addr held.
            ghost_move(vma, old_addr, new_addr, page);
        }
        old_addr = old_addr + PAGE_SIZE;
        new_addr = new_addr + PAGE_SIZE;
    }
    if force_flush {
        flush_tlb_range(vma, old_end - len, old_end);
    }
    if new_ptl != old_ptl {
        spin_unlock(new_ptl);
    }
    pte_unmap(new_pte);
    pte_unmap_unlock(old_pte, old_ptl);
    if need_rmap_locks {
        drop_rmap_locks(vma);
    }
    return 0;
}

// CONFIG_MEM_SOFT_DIRTY: "Set soft dirty bit so we can notice in userspace the ptes were
// moved."
fn move_soft_dirty_pte(pte) source "mm/mremap.c:move_soft_dirty_pte@v6.12" {
    if pte_present(pte) {
        return pte_mksoft_dirty(pte);
    }
    if is_swap_pte(pte) {
        return pte_swp_mksoft_dirty(pte);
    }
    return pte;
}
