// /proc/PID/clear_refs soft-dirty clearing as of 6.12.y: fs/proc/task_mmu.c. Since v5.12
// (29a951dfb3c3, 912efa17e512) the whole write runs under mmap_lock held for write: the
// VM_SOFTDIRTY flags are cleared, tlb_flush_pending raised, every PTE write-protected and its
// soft-dirty bit cleared (pinned pages of COW mappings left alone: pte_is_pinned()), and one
// flush_tlb_mm() covers it all. Text from memory of 6.12's fs/proc/task_mmu.c (no copy pinned
// to 6.12 was read): NOT pinned. The young-bit clearing of the other types, the
// CLEAR_REFS_MM_HIWATER_RSS reset, huge PMDs and mmu notifiers are not modelled.

const CLEAR_REFS_SOFT_DIRTY = 4;

fn clear_refs_write(type) source "fs/proc/task_mmu.c:clear_refs_write@v6.12" {
    let mm = current_mm();
    // mmap_write_lock_killable()
    mmap_write_lock(mm);
    if type == CLEAR_REFS_SOFT_DIRTY {
        // for_each_vma(vmi, vma)
        let vma = mm->mmap;
        while vma != null {
            if vma->vm_flags & VM_SOFTDIRTY {
                // vm_flags_clear(vma, VM_SOFTDIRTY): vma_start_write(), then the store
                // mutate: equivalent(swap-adjacent) not observable here: the VMA lock keeps out faults that run under it (lock_vma_under_rcu()) and read vm_flags without mmap_lock; no test runs such a fault beside clear_refs
                vma_start_write(vma);
                // mutate: equivalent(swap-adjacent) not observable here: vm_page_prot depends on VM_SOFTDIRTY only for shared writable mappings (vma_wants_writenotify() tracks soft-dirty only there), and only private anonymous VMAs are modelled, so computing it before the flag is cleared gives the same value
                vma->vm_flags = vma->vm_flags & ~VM_SOFTDIRTY;
                vma_set_page_prot(vma);
            }
            vma = vma->vm_next;
        }
        inc_tlb_flush_pending(mm);
        // mmu_notifier_invalidate_range_start(): not modelled
    }
    clear_refs_walk(mm, type);
    if type == CLEAR_REFS_SOFT_DIRTY {
        // mutate: equivalent(swap-adjacent) not observable here: mmap_lock is still held for write, which forgives the stale entries as the pending count does, and the flush comes before the unlock either way; the count matters to a lockless reader of it (reclaim's batched flush, GUP-fast), which no test runs beside clear_refs
        flush_tlb_mm(mm);
        dec_tlb_flush_pending(mm);
    }
    mmap_write_unlock(mm);
    return 0;
}

// walk_page_range(mm, 0, -1, &clear_refs_walk_ops, &cp): every VMA (clear_refs_test_walk()
// skips only VM_PFNMAP and the file/anon filters of the other types), one PMD range each.
fn clear_refs_walk(mm, type) source "mm/pagewalk.c:walk_page_range@v6.12 with clear_refs_walk_ops" {
    let vma = mm->mmap;
    while vma != null {
        let addr = vma->vm_start;
        while addr < vma->vm_end {
            let next = pmd_addr_end(addr, vma->vm_end);
            clear_refs_pte_range(vma, pmd_offset(mm, addr), addr, next, type);
            addr = next;
        }
        vma = vma->vm_next;
    }
}

// A huge PMD (the THP opt-in's clear_soft_dirty_pmd()) is not modelled; a table that went
// away is walked again (ACTION_AGAIN): none goes away under the write lock here.
fn clear_refs_pte_range(vma, pmd, addr, end, type) source "fs/proc/task_mmu.c:clear_refs_pte_range@v6.12" {
    let mm = vma->vm_mm;
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
    if pte == null {
        return 0; // walk->action = ACTION_AGAIN
    }
    let start_pte = pte;
    while addr != end {
        if type == CLEAR_REFS_SOFT_DIRTY {
            clear_soft_dirty(vma, addr, pte);
        }
        // the young-bit clearing of the other types is not modelled
        addr = addr + PAGE_SIZE;
        if addr != end {
            pte = pte_offset_map(mm, addr);
        }
    }
    pte_unmap_unlock(start_pte, ptl);
    return 0;
}

// "A pinned page of a COW mapping is not write-protected: a later write would COW it away
// from the pin."
fn pte_is_pinned(vma, addr, pte) source "fs/proc/task_mmu.c:pte_is_pinned@v6.12" {
    if !test_bit(MMF_HAS_PINNED, &vma->vm_mm->flags) {
        return false;
    }
    if !is_cow_mapping(vma->vm_flags) {
        return false;
    }
    let folio = vm_normal_folio(vma, addr, pte);
    if folio == null {
        return false;
    }
    return folio_maybe_dma_pinned(folio);
}

// "The soft-dirty tracker uses #PF-s to catch writes to pages, so write-protect the pte as
// well." A swap PTE loses its soft-dirty bit (pte_swp_clear_soft_dirty()) only with swap
// entries the tree does not make soft-dirty here: left out.
fn clear_soft_dirty(vma, addr, pte) source "fs/proc/task_mmu.c:clear_soft_dirty@v6.12" {
    let ptent = *pte;
    if pte_present(ptent) {
        if pte_is_pinned(vma, addr, ptent) {
            return;
        }
        let old_pte = ptep_modify_prot_start(vma, addr, pte);
        ptent = pte_wrprotect(old_pte);
        ptent = pte_clear_soft_dirty(ptent);
        ptep_modify_prot_commit(vma, addr, pte, old_pte, ptent);
    }
}
