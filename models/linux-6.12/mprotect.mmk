// mm/mprotect.c of 6.12.y: change_protection() under the caller's mmu_gather, and mprotect().
// The text is the 6.12 mm/mprotect.c the search tool holds as id 31152196 (content-dated
// 6.12: change_huge_pud(), folio_likely_mapped_shared(), no guard markers; repository and
// commit unknown, so NOT pinned; research-612-x86-uffd.md 2.4).
//
// Since 6.3 ("mm/mprotect: use mmu_gather", 4a18419f71cd) the PTE walk records what it
// changes in the caller's mmu_gather (tlb_flush_pte_range() when pte_needs_flush()), and the
// flush is tlb_end_vma()'s at the end of each VMA's walk, or the caller's tlb_finish_mmu():
// inc_tlb_flush_pending() / dec_tlb_flush_pending() are the gather's.
//
// Not modelled: hugetlb, THP (change_huge_pmd(), change_huge_pud(): the THP opt-in's), the
// PUD/P4D/PGD levels (one PMD level here), device-private and device-exclusive entries, pkeys,
// PROT_GROWSDOWN/UP, READ_IMPLIES_EXEC, VM_ACCOUNT charging, vm_ops->mprotect, mseal
// (can_modify_vma()), mmu notifiers, populate_vma_page_range() for VM_LOCKED.

// include/linux/mm.h (6.12): the change_protection() flags. MM_CP_TRY_CHANGE_WRITABLE took the
// place of v5.10's MM_CP_DIRTY_ACCT (bit 0).
const MM_CP_TRY_CHANGE_WRITABLE = 0x1;
const MM_CP_UFFD_WP_ALL = MM_CP_UFFD_WP | MM_CP_UFFD_WP_RESOLVE;

// x86's pte_needs_flush() (arch/x86/include/asm/tlbflush.h) over the bits the model's PTEs
// have: "!PRESENT -> * ; no need for flush" (a PROT_NONE PTE has _PAGE_PRESENT clear), a
// changed PFN needs one, and so do a cleared _PAGE_DIRTY or _PAGE_PRESENT
// (flush_on_clear) and a changed _PAGE_RW (flush_on_change); _PAGE_ACCESSED is ignored,
// software bits (uffd-wp, soft-dirty) need none.
fn pte_needs_flush(oldpte, newpte) source "arch/x86/include/asm/tlbflush.h:pte_needs_flush@v6.12" {
    if !pte_present(oldpte) || pte_protnone(oldpte) {
        return false;
    }
    if pte_pfn(oldpte) != pte_pfn(newpte) {
        return true;
    }
    // pte_flags_need_flush(..., ignore_access = true)
    if pte_dirty(oldpte) && !pte_dirty(newpte) {
        return true;
    }
    if !pte_present(newpte) || pte_protnone(newpte) {
        return true;
    }
    if pte_write(oldpte) {
        if !pte_write(newpte) {
            return true;
        }
    } else if pte_write(newpte) {
        return true;
    }
    return false;
}

// x86 6.12: "pte_wrprotect(pte_set_flags(pte, _PAGE_UFFD_WP))": setting the uffd-wp bit
// always write-protects too (the machine's pte_mkuffd_wp() only sets the bit).
fn pte_mkuffd_wp_x86(pte) source "arch/x86/include/asm/pgtable.h:pte_mkuffd_wp@v6.12" {
    return pte_wrprotect(pte_mkuffd_wp(pte));
}

// can_change_pte_writable() (mm/mprotect.c) is written in memory.mmk, for do_numa_page(),
// by the helper who ported it; change_pte_range() below calls that one.

// The NUMA branch's "continue" cases (prot_numa): true if the PTE is left alone. One node,
// NUMA_BALANCING_NORMAL, no memory tiering: target_node stays NUMA_NO_NODE (the scenarios run
// several threads, mm_users > 1), node_is_toptier() and folio_use_access_time() change
// nothing; folio_is_file_lru(): no file folios.
fn prot_numa_skip(vma, addr, oldpte) source "mm/mprotect.c:change_pte_range@v6.12 (the prot_numa checks)" {
    // Avoid TLB flush if possible
    if pte_protnone(oldpte) {
        return true;
    }
    let folio = vm_normal_folio(vma, addr, oldpte);
    // (folio_is_zone_device(): none)
    if folio == null || folio_test_ksm(folio) {
        return true;
    }
    // Also skip shared copy-on-write pages
    // (A performance heuristic, not a correctness check: a COW page mapped more than once
    // that is hinted anyway is restored read-only by do_numa_page(), vm_page_prot being
    // PAGE_COPY and can_change_pte_writable() refusing a page that is not exclusive.)
    if is_cow_mapping(vma->vm_flags) && (folio_maybe_dma_pinned(folio) || folio_likely_mapped_shared(folio)) {
        return true;
    }
    return false;
}

// One PTE table's part of the range under its PTL; -EAGAIN if the table went away (the
// caller walks again). The `continue`s of the kernel's loop are the else-less ifs.
fn change_pte_range(tlb, vma, pmd, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_pte_range@v6.12" {
    let pages = 0;
    let prot_numa = cp_flags & MM_CP_PROT_NUMA;
    let uffd_wp = cp_flags & MM_CP_UFFD_WP;
    let uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;
    let mm = vma->vm_mm;
    let ptl = null;
    // tlb_change_page_size(): no-op on x86
    let pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
    if pte == null {
        return -EAGAIN;
    }
    let start_pte = pte;
    // mutate: equivalent(delete-flush) not observable here: it flushes what reclaim's batched unmap left pending (3ea277194daa), and no test runs reclaim with a deferred flush beside mprotect (the tree has no kswapd driver of 6.12's try_to_unmap_one() with TTU_BATCH_FLUSH)
    // mutate: equivalent(move-flush-after-unlock) not observable here: as above, no deferred reclaim flush is ever pending in the tests
    flush_tlb_batched_pending(mm);
    while true {
        let oldpte = *pte;
        if pte_present(oldpte) {
            if !prot_numa || !prot_numa_skip(vma, addr, oldpte) {
                oldpte = ptep_modify_prot_start(vma, addr, pte);
                let ptent = pte_modify(oldpte, newprot);
                if uffd_wp {
                    ptent = pte_mkuffd_wp_x86(ptent);
                } else if uffd_wp_resolve {
                    ptent = pte_clear_uffd_wp(ptent);
                }
                // "In both cases, we can sometimes still change PTEs writable and avoid the
                // write-fault handler, for example, if a PTE is already dirty and no other COW
                // or special handling is required."
                if (cp_flags & MM_CP_TRY_CHANGE_WRITABLE) && !pte_write(ptent) && can_change_pte_writable(vma, addr, ptent) {
                    ptent = pte_mkwrite(ptent); // pte_mkwrite(ptent, vma)
                }
                ptep_modify_prot_commit(vma, addr, pte, oldpte, ptent);
                if pte_needs_flush(oldpte, ptent) {
                    tlb_flush_pte_range(tlb, addr, PAGE_SIZE);
                }
                pages = pages + 1;
            }
        } else if is_swap_pte(oldpte) {
            pages = pages + change_swap_pte(vma, addr, pte, oldpte, uffd_wp, uffd_wp_resolve);
        } else {
            // It must be an none page, or what else?..
            // "Nobody plays with any none ptes besides userfaultfd when applying the
            // protections."
            if uffd_wp && userfaultfd_wp_use_markers(vma) {
                // "we need to be able to wr-protect a none pte ... Doing that by install a
                // marker."
                set_pte_at(mm, addr, pte, swp_entry_to_pte(make_pte_marker_entry(PTE_MARKER_UFFD_WP)));
                pages = pages + 1;
            }
        }
        // while (pte++, addr += PAGE_SIZE, addr != end)
        addr = addr + PAGE_SIZE;
        if addr == end {
            break;
        }
        pte = pte_offset_map(mm, addr);
    }
    pte_unmap_unlock(start_pte, ptl);
    return pages;
}

// The is_swap_pte() branch of change_pte_range(): a writable migration entry becomes a
// readable(-exclusive) one ("A protection check is difficult so just be safe and disable
// write"), a uffd-wp marker is dropped on unprotect, a poisoned marker left alone; the uffd-wp
// bit follows cp_flags. The tree makes no device-private or device-exclusive entries, and its
// migration entries carry no exclusive flag (make_migration_entry(page, false)).
fn change_swap_pte(vma, addr, pte, oldpte, uffd_wp, uffd_wp_resolve) source "mm/mprotect.c:change_pte_range@v6.12 (a swap PTE)" {
    let mm = vma->vm_mm;
    let entry = pte_to_swp_entry(oldpte);
    let newpte = oldpte;
    if is_write_migration_entry(entry) {
        // make_readable_exclusive_migration_entry() for an anon folio
        entry = make_migration_entry(migration_entry_to_page(entry), false);
        newpte = swp_entry_to_pte(entry);
        if pte_swp_soft_dirty(oldpte) {
            newpte = pte_swp_mksoft_dirty(newpte);
        }
        // (6.12 keeps no uffd-wp bit here: the one below is added back if uffd_wp)
    } else if is_write_device_private_entry(entry) {
        not_modelled(); // no device-private entries in the tree
    } else if is_pte_marker_entry(entry) {
        // Ignore error swap entries unconditionally, because any access should sigbus anyway.
        if (pte_marker_get(entry) & PTE_MARKER_POISONED) != 0 {
            return 0;
        }
        // "If this is uffd-wp pte marker and we'd like to unprotect it, drop it; the next
        // page fault will trigger without uffd trapping."
        if uffd_wp_resolve {
            ptep_get_and_clear(mm, addr, pte); // pte_clear()
            return 1;
        }
        return 0;
    }
    if uffd_wp {
        newpte = pte_swp_mkuffd_wp(newpte);
    } else if uffd_wp_resolve {
        newpte = pte_swp_clear_uffd_wp(newpte);
    }
    if !pte_same(oldpte, newpte) {
        set_pte_at(mm, addr, pte, newpte);
        return 1;
    }
    return 0;
}

// "Return true if we want to populate pgtables in change protection procedure"
fn pgtable_populate_needed(vma, cp_flags) source "mm/mprotect.c:pgtable_populate_needed@v6.12" {
    // If not within ioctl(UFFDIO_WRITEPROTECT), then don't bother
    if !(cp_flags & MM_CP_UFFD_WP) {
        return false;
    }
    // Populate if the userfaultfd mode requires pte markers
    return userfaultfd_wp_use_markers(vma);
}

// change_pmd_prepare(): -ENOMEM if a needed table cannot be allocated.
fn change_pmd_prepare(vma, pmd, cp_flags) source "mm/mprotect.c:change_pmd_prepare@v6.12" {
    if pgtable_populate_needed(vma, cp_flags) {
        if pte_alloc(vma->vm_mm, pmd) {
            return -ENOMEM;
        }
    }
    return 0;
}

// change_protection_range() -> change_p4d_range() -> change_pud_range() -> change_pmd_range():
// one PMD level here. A huge leaf is the THP opt-in's (change_huge_pmd()): without it the
// tree never has one under mprotect. The mmu notifier range is not modelled.
fn change_pmd_range(tlb, vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_pmd_range@v6.12" {
    let mm = vma->vm_mm;
    let pages = 0;
    while addr != end {
        // again:
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        let ret = change_pmd_prepare(vma, pmd, cp_flags);
        if ret != 0 {
            pages = ret;
            break;
        }
        if !pmd_none(*pmd) {
            // _pmd = pmdp_get_lockless(pmd)
            if pmd_trans_huge(*pmd) {
                not_modelled(); // change_huge_pmd() / __split_huge_pmd(): the THP opt-in's
            }
            ret = change_pte_range(tlb, vma, pmd, addr, next, newprot, cp_flags);
            if ret < 0 {
                continue; // goto again
            }
            pages = pages + ret;
        }
        // next: cond_resched()
        addr = next;
    }
    return pages;
}

fn change_protection_range(tlb, vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_protection_range@v6.12" {
    BUG_ON(addr >= end);
    // mutate: equivalent(swap-adjacent) tlb_start_vma() only records the VMA's flags in the caller's gather (vma_exec, vma_pfn), which x86's tlb_flush() does not read and change_pmd_range() does not touch: recorded before or after the walk, the flush is the same
    tlb_start_vma(tlb, vma);
    // change_prepare() of the PGD/P4D/PUD levels: they always exist here
    // mutate: equivalent(swap-adjacent) on x86 tlb_end_vma()'s flush only keeps the gathered range tight between VMAs: run before the walk it flushes nothing, and the walk's range stays gathered until the caller's tlb_finish_mmu() flushes it before dec_tlb_flush_pending() (uffd_wp_range() and change_prot_numa() finish right after change_protection(); mprotect after its last VMA, under mmap_lock held for write with every VMA write-locked); the flush is advertised pending throughout
    let pages = change_pmd_range(tlb, vma, addr, end, newprot, cp_flags);
    tlb_end_vma(tlb, vma);
    return pages;
}

fn change_protection(tlb, vma, start, end, cp_flags) source "mm/mprotect.c:change_protection@v6.12" {
    let newprot = vma->vm_page_prot;
    BUG_ON((cp_flags & MM_CP_UFFD_WP_ALL) == MM_CP_UFFD_WP_ALL);
    // CONFIG_NUMA_BALANCING: "Ordinary protection updates (mprotect, uffd-wp, softdirty
    // tracking) are expected to reflect their requirements via VMA flags such that
    // vma_set_page_prot() will adjust vma->vm_page_prot accordingly."
    if cp_flags & MM_CP_PROT_NUMA {
        newprot = vm_get_page_prot(0); // PAGE_NONE
    }
    // is_vm_hugetlb_page(): hugetlb is not modelled
    return change_protection_range(tlb, vma, start, end, newprot, cp_flags);
}

// mm/mmap.c: only shared writable mappings want write notification (soft-dirty and uffd-wp
// tracking are checked after that test).
fn vma_wants_writenotify(vma, vm_page_prot) source "mm/mmap.c:vma_wants_writenotify@v6.12" {
    if (vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED) {
        return false;
    }
    // shared mappings are not modelled
    return false;
}

// Called with mmap_lock held for write, for [start, end) inside vma. vma_modify_flags()
// (mm/vma.c, mmap.mmk) merges the range with a neighbour that can take it or splits vma
// where the range starts or ends inside it. *pprev is left at the VMA that now holds the
// range. The kernel's vma iterator is the mm here. can_modify_vma() (mseal), PFN checks and VM_ACCOUNT are not
// modelled.
fn mprotect_fixup(tlb, vma, pprev, start, end, newflags) source "mm/mprotect.c:mprotect_fixup@v6.12" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(), and vm_flags is guarded by mmap_lock, which mprotect() holds for write: two loads that commute
    let mm = vma->vm_mm;
    let oldflags = vma->vm_flags;
    let mm_cp_flags = 0;
    if newflags == oldflags {
        *pprev = vma;
        return 0;
    }
    vma = vma_modify_flags(mm, *pprev, vma, start, end, newflags);
    if vma == -ENOMEM {
        return -ENOMEM; // IS_ERR(vma): goto fail (vm_unacct_memory(): not modelled)
    }
    // mutate: equivalent(swap-adjacent) *pprev is the caller's local: no other CPU can see the store, before or after the VMA lock is taken
    *pprev = vma;
    // "vm_flags and vm_page_prot are protected by the mmap_lock held in write mode."
    vma_start_write(vma);
    vm_flags_reset(vma, newflags);
    if vma_wants_manual_pte_write_upgrade(vma) {
        mm_cp_flags = mm_cp_flags | MM_CP_TRY_CHANGE_WRITABLE;
    }
    vma_set_page_prot(vma);
    change_protection(tlb, vma, start, end, mm_cp_flags);
    // vm_unacct_memory(), populate_vma_page_range(), vm_stat_account(), perf_event_mmap():
    // not modelled
    return 0;
}

// The mprotect() system call: one mmu_gather for every VMA of the range, each through
// mprotect_fixup(), which may merge, split or change it in place; a hole in the range is
// -ENOMEM (what was changed before it stays changed).
fn do_mprotect_pkey(start, len, prot) source "mm/mprotect.c:do_mprotect_pkey@v6.12" {
    let mm = current_mm();
    let reqprot = prot;
    if len == 0 {
        return 0;
    }
    let end = start + len;
    // mmap_write_lock_killable()
    mmap_write_lock(mm);
    let error = -ENOMEM;
    // vma_find(&vmi, end)
    let vma = find_vma(mm, start);
    if vma == null || vma->vm_start >= end {
        mmap_write_unlock(mm);
        return error;
    }
    if vma->vm_start > start {
        mmap_write_unlock(mm);
        return error;
    }
    let prev = vma->vm_prev; // vma_prev(&vmi)
    if start > vma->vm_start {
        prev = vma;
    }
    let tlb = struct mmu_gather {};
    tlb_gather_mmu(&tlb, mm);
    let nstart = start;
    let tmp = vma->vm_start;
    error = 0;
    // for_each_vma_range(vmi, vma, end)
    while vma != null && vma->vm_start < end {
        if vma->vm_start != tmp {
            error = -ENOMEM;
            break;
        }
        // "Each mprotect() call explicitly passes r/w/x permissions. If a permission is not
        // passed to mprotect(), it must be cleared from the VMA." (calc_vm_prot_bits():
        // PROT_READ/WRITE/EXEC map to VM_READ/WRITE/EXEC; VM_FLAGS_CLEAR has no other bit
        // here)
        let newflags = (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC));
        // newflags >> 4 shift VM_MAY% in place of VM_%
        if (newflags & ~(newflags >> 4)) & (VM_READ | VM_WRITE | VM_EXEC) {
            error = -EACCES;
            break;
        }
        // map_deny_write_exec(), arch_validate_flags(), security_file_mprotect(): pass
        tmp = vma->vm_end;
        if tmp > end {
            tmp = end;
        }
        error = mprotect_fixup(&tlb, vma, &prev, nstart, tmp, newflags);
        if error != 0 {
            break;
        }
        // tmp = vma_iter_end(&vmi): the end of the VMA mprotect_fixup() left the range in
        tmp = prev->vm_end;
        nstart = tmp;
        prot = reqprot;
        vma = prev->vm_next;
    }
    tlb_finish_mmu(&tlb);
    if error == 0 && tmp < end {
        error = -ENOMEM;
    }
    mmap_write_unlock(mm);
    return error;
}

fn mprotect(start, len, prot) source "mm/mprotect.c:SYSCALL_DEFINE3(mprotect)@v6.12" {
    return do_mprotect_pkey(start, len, prot);
}

// mm/mprotect.c (written here for do_numa_page(); mprotect's change_pte_range() uses it
// too): whether a PTE of a writable VMA may be made writable without a write fault. The
// MAP_SHARED branch is not modelled (no shared mappings). WARN_ON_ONCE() returns false.
fn can_change_pte_writable(vma, addr, pte) source "mm/mprotect.c:can_change_pte_writable@v6.12" {
    if !(vma->vm_flags & VM_WRITE) {
        return false; // WARN_ON_ONCE()
    }
    // "Don't touch entries that are not even readable."
    if pte_protnone(pte) {
        return false;
    }
    // "Do we need write faults for softdirty tracking?"
    if pte_needs_soft_dirty_wp(vma, pte) {
        return false;
    }
    // "Do we need write faults for uffd-wp tracking?"
    if userfaultfd_pte_wp(vma, pte) {
        return false;
    }
    // "Writable MAP_PRIVATE mapping: We can only special-case on exclusive anonymous pages,
    // because we know that our write-fault handler similarly would map them writable without
    // any additional checks while holding the PT lock."
    let page = vm_normal_page(vma, addr, pte);
    return page != null && PageAnon(page) && PageAnonExclusive(page);
}
