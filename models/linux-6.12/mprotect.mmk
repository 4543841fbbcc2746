// mm/mprotect.c as of v5.10: change_protection() and mprotect().
// Not modelled: hugetlb, THP (change_huge_pmd), swap and device-private entries (migration
// entries are), VMA merging, a range over several VMAs, memory accounting.

fn change_pte_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_pte_range@v5.10" {
    let pages = 0;
    let dirty_accountable = cp_flags & MM_CP_DIRTY_ACCT;
    let prot_numa = cp_flags & MM_CP_PROT_NUMA;
    let uffd_wp = cp_flags & MM_CP_UFFD_WP;
    let uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;
    let mm = vma->vm_mm;
    // pte_offset_map_lock()
    let pte = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, pte);
    spin_lock(ptl);
    // target_node stays NUMA_NO_NODE: the scenarios run several threads (mm_users > 1).
    flush_tlb_batched_pending(mm);
    while true {
        let oldpte = *pte;
        if pte_present(oldpte) {
            let preserve_write = prot_numa && pte_write(oldpte);
            let skip = false;
            if prot_numa {
                if pte_protnone(oldpte) {
                    skip = true;
                } else {
                    let page = vm_normal_page(vma, addr, oldpte);
                    if page == null {
                        skip = true;
                        // "Also skip shared copy-on-write pages"
                        // mutate: equivalent(disable-recheck) a performance heuristic (NUMA faults on shared data sections are not worth taking), not a correctness check: a COW page mapped more than once that is hinted anyway is restored read-only by do_numa_page() (vm_page_prot is PAGE_COPY, and its PTE had no write bit to save), so it only costs a hinting fault
                    } else if is_cow_mapping(vma->vm_flags) && page_mapcount(page) != 1 {
                        skip = true;
                    }
                }
            }
            if !skip {
                oldpte = ptep_modify_prot_start(vma, addr, pte);
                let ptent = pte_modify(oldpte, newprot);
                if preserve_write {
                    // pte_mk_savedwrite() is pte_mkwrite() on x86
                    ptent = pte_mkwrite(ptent);
                }
                if uffd_wp {
                    ptent = pte_wrprotect(ptent);
                    ptent = pte_mkuffd_wp(ptent);
                } else if uffd_wp_resolve {
                    // "Leave the write bit to be handled by PF interrupt handler": but
                    // pte_modify() already took RW from newprot, which is read-only.
                    ptent = pte_clear_uffd_wp(ptent);
                }
                if dirty_accountable && pte_dirty(ptent) && (pte_soft_dirty(ptent) || !(vma->vm_flags & VM_SOFTDIRTY)) {
                    ptent = pte_mkwrite(ptent);
                }
                ptep_modify_prot_commit(vma, addr, pte, oldpte, ptent);
                pages = pages + 1;
            }
        } else if is_swap_pte(oldpte) {
            // A migration, swap or device-private entry (the tree makes no device-private
            // ones; a swap entry keeps its value but for the uffd-wp bit).
            let entry = pte_to_swp_entry(oldpte);
            let newpte = oldpte;
            if is_write_migration_entry(entry) {
                // A protection check is difficult so just be safe and disable write
                // (make_migration_entry_read())
                entry = make_migration_entry(migration_entry_to_page(entry), false);
                newpte = swp_entry_to_pte(entry);
                if pte_swp_soft_dirty(oldpte) {
                    newpte = pte_swp_mksoft_dirty(newpte);
                }
                if pte_swp_uffd_wp(oldpte) {
                    newpte = pte_swp_mkuffd_wp(newpte);
                }
            } else if is_write_device_private_entry(entry) {
                // We do not preserve soft-dirtiness. (make_device_private_entry_read())
                entry = make_device_private_entry(device_private_entry_to_page(entry), false);
                newpte = swp_entry_to_pte(entry);
                if pte_swp_uffd_wp(oldpte) {
                    newpte = pte_swp_mkuffd_wp(newpte);
                }
            }
            if uffd_wp {
                newpte = pte_swp_mkuffd_wp(newpte);
            } else if uffd_wp_resolve {
                newpte = pte_swp_clear_uffd_wp(newpte);
            }
            if !pte_same(oldpte, newpte) {
                set_pte_at(mm, addr, pte, newpte);
                pages = pages + 1;
            }
        }
        // pte++, addr += PAGE_SIZE, addr != end
        addr = addr + PAGE_SIZE;
        if addr == end {
            break;
        }
        pte = pte_offset_map(mm, addr);
    }
    pte_unmap_unlock(pte, ptl);
    return pages;
}

// The pgd..pmd walk is folded in: one PTE table covers every modelled address.
fn change_protection_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_protection_range@v5.10" {
    let mm = vma->vm_mm;
    let start = addr;
    let pages = 0;
    BUG_ON(addr >= end);
    // flush_cache_range() is a no-op on x86
    inc_tlb_flush_pending(mm);
    pages = pages + change_pte_range(vma, addr, end, newprot, cp_flags);
    // Only now, after every PTL was dropped, are stale TLB entries shot down.
    if pages {
        flush_tlb_range(vma, start, end);
    }
    dec_tlb_flush_pending(mm);
    return pages;
}

fn change_protection(vma, start, end, newprot, cp_flags) source "mm/mprotect.c:change_protection@v5.10" {
    BUG_ON((cp_flags & (MM_CP_UFFD_WP | MM_CP_UFFD_WP_RESOLVE)) == (MM_CP_UFFD_WP | MM_CP_UFFD_WP_RESOLVE));
    // is_vm_hugetlb_page(): hugetlb is not modelled
    return change_protection_range(vma, start, end, newprot, cp_flags);
}

// include/linux/mm.h / mm/mmap.c: only shared writable mappings want write notification.
fn vma_wants_writenotify(vma, vm_page_prot) source "mm/mmap.c:vma_wants_writenotify@v5.10" {
    if (vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED) {
        return false;
    }
    // shared mappings are not modelled
    return false;
}

// Called with mmap_lock held for write, for [start, end) inside vma: the range first merges
// with a neighbour that can take it (vma_merge(): the same flags once changed), else a range
// that starts or ends inside vma splits it. *pprev is left at the VMA that now holds the range.
// VM_ACCOUNT charging is not modelled.
fn mprotect_fixup(vma, pprev, start, end, newflags) source "mm/mprotect.c:mprotect_fixup@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(), and vm_flags is guarded by mmap_lock, which mprotect() holds for write: two loads that commute
    let mm = vma->vm_mm;
    let oldflags = vma->vm_flags;
    if newflags == oldflags {
        *pprev = vma;
        return 0;
    }
    // "First try to merge with previous and/or next vma."
    let pgoff = vma->vm_pgoff + (start - vma->vm_start);
    *pprev = vma_merge(mm, *pprev, start, end, newflags, vma->anon_vma, pgoff);
    if *pprev != null {
        vma = *pprev;
        return mprotect_fixup_success(vma, start, end, newflags);
    }
    *pprev = vma;
    if start != vma->vm_start {
        let error = split_vma(mm, vma, start, true);
        if error != 0 {
            return error;
        }
    }
    if end != vma->vm_end {
        let error = split_vma(mm, vma, end, false);
        if error != 0 {
            return error;
        }
    }
    return mprotect_fixup_success(vma, start, end, newflags);
}

// mprotect_fixup() from its `success:` label: the flags, the page protection and the PTEs.
fn mprotect_fixup_success(vma, start, end, newflags) source "mm/mprotect.c:mprotect_fixup@v5.10 (label success:)" {
    // "vm_flags and vm_page_prot are protected by the mmap_lock held in write mode."
    // mutate: equivalent(swap-adjacent) not observable here: shared mappings are not modelled, and vma_wants_writenotify() is false for every private VMA whether it sees the old flags or the new; in v5.10 it must see the new ones (an mprotect to PROT_WRITE of a shared mapping that tracks dirtying)
    vma->vm_flags = newflags;
    // mutate: equivalent(swap-adjacent) not observable here: shared mappings are not modelled, and vma_wants_writenotify() is false for every private VMA before it looks at vm_page_prot; in v5.10 it compares the old vm_page_prot with vm_pgprot_modify() of it, which vma_set_page_prot() would already have rewritten
    let dirty_accountable = vma_wants_writenotify(vma, vma->vm_page_prot);
    vma_set_page_prot(vma);
    let cp_flags = 0;
    if dirty_accountable {
        cp_flags = MM_CP_DIRTY_ACCT;
    }
    change_protection(vma, start, end, vma->vm_page_prot, cp_flags);
    // populate_vma_page_range() for VM_LOCKED: not modelled
    return 0;
}

// The mprotect() system call: VMA after VMA over the range, each through mprotect_fixup(),
// which may merge, split or change it in place; a hole in the range is -ENOMEM (what was
// changed before it stays changed). No pkeys, no PROT_GROWSDOWN/UP, no READ_IMPLIES_EXEC.
fn do_mprotect_pkey(start, len, prot) source "mm/mprotect.c:do_mprotect_pkey@v5.10" {
    let mm = current_mm();
    let end = start + len;
    // mmap_write_lock_killable()
    mmap_write_lock(mm);
    let vma = find_vma(mm, start);
    if vma == null {
        mmap_write_unlock(mm);
        return -ENOMEM;
    }
    let prev = vma->vm_prev;
    if vma->vm_start > start {
        mmap_write_unlock(mm);
        return -ENOMEM;
    }
    if start > vma->vm_start {
        prev = vma;
    }
    let nstart = start;
    let error = 0;
    while true {
        // "Here we know that vma->vm_start <= nstart < vma->vm_end."
        // calc_vm_prot_bits(): PROT_READ/WRITE/EXEC map to VM_READ/WRITE/EXEC
        let newflags = (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC));
        // "newflags >> 4 shift VM_MAY% in place of VM_%"
        if (newflags & ~(newflags >> 4)) & (VM_READ | VM_WRITE | VM_EXEC) {
            error = -EACCES;
            break;
        }
        let tmp = vma->vm_end;
        if tmp > end {
            tmp = end;
        }
        error = mprotect_fixup(vma, &prev, nstart, tmp, newflags);
        if error != 0 {
            break;
        }
        nstart = tmp;
        if nstart < prev->vm_end {
            nstart = prev->vm_end;
        }
        if nstart >= end {
            break;
        }
        vma = prev->vm_next;
        if vma == null || vma->vm_start != nstart {
            error = -ENOMEM;
            break;
        }
    }
    mmap_write_unlock(mm);
    return error;
}



fn mprotect(start, len, prot) source "mm/mprotect.c:SYSCALL_DEFINE3(mprotect)@v5.10" {
    return do_mprotect_pkey(start, len, prot);
}
