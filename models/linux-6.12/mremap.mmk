// mremap() as of v5.10 (mm/mremap.c): a move of a whole anonymous private VMA to a fixed
// address (MREMAP_MAYMOVE | MREMAP_FIXED, same length), the path that changes the layout
// under mmap_lock held for write and moves the PTEs between two page-table locks.
//
// The scenario names the target with `hole Y at A;`: an address range no VMA maps, whose
// VMA object copy_vma() takes. Also in place: shrinking (__do_munmap() of the tail, which
// downgrades mmap_lock to read for the zap) and growing into free space after the VMA
// (vma_expandable(), vma_adjust(); a `hole` gives the new pages their addresses). Left out:
// a move that get_unmapped_area() places (without MREMAP_FIXED), a move that grows,
// MREMAP_DONTUNMAP's VM_ACCOUNT bookkeeping (its move is modelled: the old VMA stays, empty),
// a merge of the target that needs the rmap locks or takes the source itself (copy_vma():
// not_modelled()), VM_ACCOUNT and locked_vm accounting, map_count, KSM (ksm_madvise()),
// userfaultfd's remap events, mmu notifiers, flush_cache_range() (nothing on x86),
// take_rmap_locks() (need_rmap_locks is false on every modelled branch), huge PMDs
// (move_huge_pmd()).
// The tree has no anon_vma; with opt-in/anon-rmap-v5.10.mmk the new VMA joins the old one's
// anon_vma (anon_vma_clone()) and rmap walks (move_pages()) find the moved pages.

// include/uapi/linux/mman.h
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;
const MREMAP_DONTUNMAP = 4;

// Lengths and addresses are in pages (PAGE_ALIGN() and offset_in_page() are no-ops).
fn mremap(addr, old_len, new_len, flags, new_addr) source "mm/mremap.c:SYSCALL_DEFINE5(mremap)@v5.10" {
    let mm = current_mm();
    let ret = -EINVAL;
    // untagged_addr(): no tags on x86
    if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) != 0 {
        return ret;
    }
    if (flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0 {
        return ret;
    }
    if (flags & MREMAP_DONTUNMAP) != 0 && ((flags & MREMAP_MAYMOVE) == 0 || old_len != new_len) {
        return ret;
    }
    if new_len == 0 {
        return ret;
    }
    // mmap_write_lock_killable(): no signals are modelled
    mmap_write_lock(mm);
    let downgraded = false;
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0 {
        ret = mremap_to(addr, old_len, new_addr, new_len, flags);
    } else if old_len >= new_len {
        // "Always allow a shrinking remap: that just unmaps the unnecessary pages..
        // __do_munmap does all the needed commit accounting, and downgrades mmap_lock to
        // read if so directed."
        let retval = __do_munmap(mm, addr + new_len, old_len - new_len, true);
        if retval < 0 && old_len != new_len {
            ret = retval;
        } else {
            // "Returning 1 indicates mmap_lock is downgraded to read."
            if retval == 1 {
                downgraded = true;
            }
            ret = addr;
        }
    } else {
        // "Ok, we need to grow.."
        let vma = vma_to_resize(addr, old_len, new_len, flags, &ret);
        if vma != null {
            // "old_len exactly to the end of the area.."
            if old_len == vma->vm_end - addr && vma_expandable(vma, new_len - old_len) {
                // "can we just expand the current mapping?"
                if vma_adjust(vma, vma->vm_start, addr + new_len, vma->vm_pgoff, null) != 0 {
                    ret = -ENOMEM;
                } else {
                    // vm_stat_account(), VM_LOCKED's locked_vm: not modelled
                    ret = addr;
                }
            } else {
                // "We weren't able to just expand or shrink the area, we need to create a new
                // one and move it.."
                ret = -ENOMEM;
                if (flags & MREMAP_MAYMOVE) != 0 {
                    not_modelled(); // get_unmapped_area()'s choice of address
                }
            }
        }
    }
    if downgraded {
        mmap_read_unlock(mm);
    } else {
        mmap_write_unlock(mm);
    }
    // mm_populate() (VM_LOCKED) and the userfaultfd completions: not modelled
    return ret;
}

// "old_len exactly to the end of the area..": the VMA can grow by delta in place if nothing
// is mapped there (get_unmapped_area(MAP_FIXED) accepts any range in the address space).
fn vma_expandable(vma, delta) source "mm/mremap.c:vma_expandable@v5.10" {
    let end = vma->vm_end + delta;
    if end < vma->vm_end {
        return 0; // overflow
    }
    if vma->vm_next != null && vma->vm_next->vm_start < end {
        return 0; // intersection
    }
    return 1;
}

fn mremap_to(addr, old_len, new_addr, new_len, flags) source "mm/mremap.c:mremap_to@v5.10" {
    let mm = current_mm();
    let ret = -EINVAL;
    // new_len > TASK_SIZE: the scenario's addresses are all in range
    // Ensure the old/new locations do not overlap
    if addr + old_len > new_addr && new_addr + new_len > addr {
        return ret;
    }
    // the map_count check against sysctl_max_map_count: not modelled
    if (flags & MREMAP_FIXED) != 0 {
        ret = do_munmap(mm, new_addr, new_len);
        if ret != 0 {
            return ret;
        }
    }
    if old_len >= new_len {
        ret = do_munmap(mm, addr + new_len, old_len - new_len);
        if ret != 0 && old_len != new_len {
            return ret;
        }
        old_len = new_len;
    }
    let vma = vma_to_resize(addr, old_len, new_len, flags, &ret);
    if vma == null {
        // IS_ERR(vma): ret = PTR_ERR(vma)
        return ret;
    }
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
// ERR_PTR()). For a growing mapping, VM_DONTEXPAND and VM_PFNMAP are never set here, and the
// mlock and address-space limits (may_expand_vm()) and VM_ACCOUNT are not modelled.
fn vma_to_resize(addr, old_len, new_len, flags, err) source "mm/mremap.c:vma_to_resize@v5.10" {
    let mm = current_mm();
    // mutate: equivalent(swap-adjacent) *err is the caller's local, and find_vma() reads the VMA list under mmap_lock, which mremap() holds for write: the two touch nothing in common
    let vma = find_vma(mm, addr);
    *err = -EFAULT;
    if vma == null || vma->vm_start > addr {
        return null;
    }
    *err = -EINVAL;
    if old_len == 0 {
        // "attempted to duplicate a private mapping": every modelled VMA is private
        return null;
    }
    if (flags & MREMAP_DONTUNMAP) != 0 && (vma->vm_flags & VM_SHARED) != 0 {
        return null;
    }
    // is_vm_hugetlb_page(): no hugetlb VMAs
    // We can't remap across vm area boundaries
    *err = -EFAULT;
    if old_len > vma->vm_end - addr {
        return null;
    }
    if new_len == old_len {
        return vma;
    }
    // "Need to be careful about a growing mapping": the pgoff overflow check cannot fail
    // with the scenario's addresses
    return vma;
}

// The move: a new VMA at new_addr (copy_vma()), the PTEs moved into it
// (move_page_tables()), then the old range unmapped (do_munmap(), which finds no PTE left
// to zap). On a short move the PTEs go back and the new range is unmapped instead.
fn move_vma(vma, old_addr, old_len, new_len, new_addr, flags) source "mm/mremap.c:move_vma@v5.10" {
    let mm = vma->vm_mm;
    let err = 0;
    // map_count check and ksm_madvise(MADV_UNMERGEABLE): not modelled
    let new_pgoff = vma->vm_pgoff + (old_addr - vma->vm_start);
    let new_vma = copy_vma(vma, new_addr, new_len, new_pgoff);
    if new_vma == null {
        return -ENOMEM;
    }
    let moved_len = move_page_tables(vma, old_addr, new_vma, new_addr, old_len);
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
        move_page_tables(new_vma, new_addr, vma, old_addr, moved_len);
        ghost_discard_done(mm, new_addr, new_addr + moved_len);
        vma = new_vma;
        old_len = new_len;
        old_addr = new_addr;
        new_addr = err;
    }
    // mremap_userfaultfd_prep(), arch_remap(), VM_ACCOUNT, hiwater_vm, vm_stat_account(),
    // untrack_pfn_moved(): not modelled
    if err == 0 && (flags & MREMAP_DONTUNMAP) != 0 {
        // "We always clear VM_LOCKED[ONFAULT] on the old vma"
        vma->vm_flags = vma->vm_flags & ~VM_LOCKED;
        // "Because we won't unmap we don't need to touch locked_vm": the old VMA stays,
        // its PTEs moved away (its next faults find none)
        return new_addr;
    }
    // do_munmap() of the old range; its -ENOMEM (a split failing) only changes accounting
    do_munmap(mm, old_addr, old_len);
    // VM_LOCKED: locked_vm accounting, not modelled
    return new_addr;
}

// mm/mmap.c: do_munmap() is __do_munmap() without the downgrade of mmap_lock.
fn do_munmap(mm, start, len) source "mm/mmap.c:do_munmap@v5.10" {
    return __do_munmap(mm, start, len, false);
}

// mm/mmap.c: a VMA like vma for [addr, addr + len), linked into the list and into vma's
// anon_vmas, or a neighbour of the target extended over it (vma_merge()). The mempolicy and
// the file are not modelled. *need_rmap_locks is false for a new VMA (it comes after vma in
// the rmap walks' order); a merge that needs it true (the merged VMA's pgoff at or below
// vma's: move_ptes() under the rmap locks), or a merge with vma itself (*vmap), is
// not_modelled().
fn copy_vma(vma, addr, len, pgoff) source "mm/mmap.c:copy_vma@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(), and vm_start is guarded by mmap_lock, which mremap() holds for write: two loads that commute
    let mm = vma->vm_mm;
    let vma_start = vma->vm_start;
    // If anonymous vma has not yet been faulted, update new pgoff to match new location,
    // to increase its chance of merging.
    if vma->anon_vma == null {
        pgoff = addr;
    }
    let prev = null;
    if find_vma_links(mm, addr, addr + len, &prev) != 0 {
        return null; // should never get here
    }
    let new_vma = vma_merge(mm, prev, addr, addr + len, vma->vm_flags, vma->anon_vma, pgoff);
    if new_vma != null {
        // "Source vma may have been merged into new_vma"
        if vma_start >= new_vma->vm_start && vma_start < new_vma->vm_end {
            not_modelled(); // *vmap = vma = new_vma
        }
        if new_vma->vm_pgoff <= vma->vm_pgoff {
            not_modelled(); // *need_rmap_locks = true: move_ptes() under the rmap locks
        }
        return new_vma;
    }
    new_vma = vm_area_dup(vma, mm);
    if new_vma == null {
        return null;
    }
    // mutate: equivalent(swap-adjacent) new_vma is linked nowhere yet (vma_link() and anon_vma_clone() publish it below, under the locks an rmap walk or a lookup takes): no other CPU can read its fields between these stores
    new_vma->vm_start = addr;
    // mutate: equivalent(swap-adjacent) new_vma is linked nowhere yet (vma_link() and anon_vma_clone() publish it below, under the locks an rmap walk or a lookup takes): no other CPU can read its fields between these stores
    new_vma->vm_end = addr + len;
    new_vma->vm_pgoff = pgoff;
    // vma_dup_policy(): not modelled
    if anon_vma_clone(new_vma, vma) != 0 {
        vm_area_free(new_vma);
        return null;
    }
    // get_file(), vm_ops->open: no file
    vma_link(mm, new_vma, prev);
    return new_vma;
}

// mm/mmap.c: vma_link() -> __vma_link() -> __vma_link_list() (mm/util.c). The rb-tree,
// i_mmap, map_count and validate_mm() are left out.
fn vma_link(mm, vma, prev) source "mm/mmap.c:vma_link@v5.10" {
    __vma_link_list(mm, vma, prev);
}

fn __vma_link_list(mm, vma, prev) source "mm/util.c:__vma_link_list@v5.10" {
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

// How much of len was moved. The PMD entries above the PTE tables always exist (pgd, p4d and
// pud levels are not modelled: get_old_pmd() is the entry, alloc_new_pmd() never fails).
fn move_page_tables(vma, old_addr, new_vma, new_addr, len) source "mm/mremap.c:move_page_tables@v5.10" {
    let old_end = old_addr + len;
    // flush_cache_range(): nothing on x86; mmu_notifier_invalidate_range_start(): no
    // secondary MMUs
    let extent = 0;
    while old_addr < old_end {
        // cond_resched()
        let next = (old_addr + PMD_SIZE) & PMD_MASK;
        extent = next - old_addr;
        if extent > old_end - old_addr {
            extent = old_end - old_addr;
        }
        next = (new_addr + PMD_SIZE) & PMD_MASK;
        if extent > next - new_addr {
            extent = next - new_addr;
        }
        let old_pmd = get_old_pmd(vma->vm_mm, old_addr);
        if old_pmd != null {
            let new_pmd = pmd_offset(vma->vm_mm, new_addr); // alloc_new_pmd()
            if pmd_trans_huge(*old_pmd) {
                not_modelled(); // move_huge_pmd(), split_huge_pmd()
            }
            if extent == PMD_SIZE {
                not_modelled(); // move_normal_pmd(): a whole 2 MiB range moved at the PMD level
            }
            if pmd_none(*new_pmd) && __pte_alloc(new_vma->vm_mm, new_pmd) != 0 {
                break;
            }
            move_ptes(vma, old_pmd, old_addr, old_addr + extent, new_vma, new_pmd, new_addr);
        }
        old_addr = old_addr + extent;
        new_addr = new_addr + extent;
    }
    return len + old_addr - old_end; // how much done
}

// The PMD entry of old_addr, or null if none (pgd, p4d and pud always exist here).
fn get_old_pmd(mm, addr) source "mm/mremap.c:get_old_pmd@v5.10" {
    let pmd = pmd_offset(mm, addr);
    if pmd_none(*pmd) {
        return null;
    }
    return pmd;
}

// Both PTLs held ("exclusive mmap_lock prevents deadlock" between their orders); every
// present PTE moved makes the TLB flush of the old range come before the PTLs are released:
// "the new one to make sure the physical page stays valid until the TLB entry for the old
// mapping has been flushed" (eb66ae030829, Oct 2018). take_rmap_locks(): no anon_vma.
fn move_ptes(vma, old_pmd, old_addr, old_end, new_vma, new_pmd, new_addr) source "mm/mremap.c:move_ptes@v5.10" {
    let mm = vma->vm_mm;
    let force_flush = false;
    let len = old_end - old_addr;
    let old_pte = pte_offset_map(old_pmd, old_addr);
    let old_ptl = pte_lockptr(mm, old_pte);
    spin_lock(old_ptl);
    let new_pte = pte_offset_map(new_pmd, new_addr);
    let new_ptl = pte_lockptr(mm, new_pte);
    if new_ptl != old_ptl {
        spin_lock(new_ptl); // spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING)
    }
    // mutate: equivalent(delete-flush) not observable here: the flush owed is reclaim's batched one (3ea277194daa); reclaim flushes a dirty entry itself before it writes the page to swap (try_to_unmap_flush_dirty()), and through a clean one a store faults (it must set the D bit in a PTE that is gone), so what still reaches the page after mremap() returns is a load of contents no store changed
    // mutate: equivalent(move-flush-after-unlock) not observable here: the flush owed is reclaim's batched one (3ea277194daa); reclaim flushes a dirty entry itself before it writes the page to swap (try_to_unmap_flush_dirty()), and through a clean one a store faults (it must set the D bit in a PTE that is gone), so what still reaches the page after mremap() returns is a load of contents no store changed
    flush_tlb_batched_pending(vma->vm_mm);
    // arch_enter_lazy_mmu_mode(): nothing without paravirt
    while old_addr < old_end {
        old_pte = pte_offset_map(old_pmd, old_addr);
        new_pte = pte_offset_map(new_pmd, new_addr);
        if !pte_none(*old_pte) {
            let pte = ptep_get_and_clear(mm, old_addr, old_pte);
            // If we are remapping a valid PTE, make sure to flush TLB before we drop the PTL
            // for the PTE.
            let page = null;
            if pte_present(pte) {
                force_flush = true;
                page = pte_page(pte);
            }
            // move_pte(): the PTE itself on x86
            pte = move_soft_dirty_pte(pte);
            set_pte_at(mm, new_addr, new_pte, pte);
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
    pte_unmap_unlock(old_pte, old_ptl);
}

// CONFIG_MEM_SOFT_DIRTY: a moved PTE is soft-dirty, so that userspace notices the move.
fn move_soft_dirty_pte(pte) source "mm/mremap.c:move_soft_dirty_pte@v5.10" {
    if pte_present(pte) {
        return pte_mksoft_dirty(pte);
    }
    if is_swap_pte(pte) {
        return pte_swp_mksoft_dirty(pte);
    }
    return pte;
}
