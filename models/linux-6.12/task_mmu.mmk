// /proc/PID/clear_refs soft-dirty clearing as of v5.10.0: fs/proc/task_mmu.c.
// v5.10.0 takes mmap_lock for read, drops it to clear VM_SOFTDIRTY under the write lock,
// downgrades, then write-protects every PTE under the read lock inside an mmu_gather that
// records nothing, so tlb_finish_mmu() flushes only when another batcher is nested
// (reference section 2.11, from the stable diffs of 29a951dfb3c3). The pte_is_pinned()
// check came later (9348b73c2e1b) and is left out.

const CLEAR_REFS_SOFT_DIRTY = 4;

fn clear_refs_write(type) source "fs/proc/task_mmu.c:clear_refs_write@v5.10" {
    let mm = current_mm();
    // mmap_read_lock_killable()
    // mutate: equivalent(swap-adjacent) tlb_gather_mmu() sets up a local gather and raises tlb_flush_pending; nothing reads the count to skip a flush (mm_tlb_flush_nested() and the protnone check in arch-x86.mmk only flush more, stale_tlb only forgives more), and while this CPU waits for the lock it has changed nothing, so raising it before the lock can neither break a check nor hide a violation the order under the lock reaches
    mmap_read_lock(mm);
    let tlb = tlb_gather_mmu(mm, 0, -1);
    if type == CLEAR_REFS_SOFT_DIRTY {
        let vma = mm->mmap;
        while vma != null {
            if !(vma->vm_flags & VM_SOFTDIRTY) {
                vma = vma->vm_next;
                continue;
            }
            mmap_read_unlock(mm);
            // mmap_write_lock_killable()
            mmap_write_lock(mm);
            let v = mm->mmap;
            while v != null {
                // mutate: equivalent(swap-adjacent) not observable here: vm_page_prot depends on VM_SOFTDIRTY only for shared writable mappings (vma_wants_writenotify() tracks soft-dirty only there), and only private anonymous VMAs are modelled, so computing it before the flag is cleared gives the same value
                v->vm_flags = v->vm_flags & ~VM_SOFTDIRTY;
                vma_set_page_prot(v);
                v = v->vm_next;
            }
            mmap_write_downgrade(mm);
            break;
        }
        // mmu_notifier_invalidate_range_start(): not modelled
    }
    clear_refs_walk(mm, type);
    // mutate: equivalent(swap-adjacent) the walk queued no pages, and tlb_finish_mmu() reads and writes only the gather, the TLBs (a flush when nested) and tlb_flush_pending, none of them under mmap_lock; a writer let in before it (mprotect, another clear_refs' write section) flushes its own changes, and the count it still finds raised only makes it or this finish flush more; the order with the finish first stays reachable
    tlb_finish_mmu(tlb, 0, -1);
    mmap_read_unlock(mm);
    return 0;
}

// walk_page_range(mm, 0, mm->highest_vm_end, &clear_refs_walk_ops, &cp): every VMA
// (clear_refs_test_walk skips only VM_PFNMAP and file/anon filters), one PMD each.
fn clear_refs_walk(mm, type) source "mm/pagewalk.c:walk_page_range@v5.10 with clear_refs_walk_ops" {
    let vma = mm->mmap;
    while vma != null {
        clear_refs_pte_range(vma, vma->vm_start, vma->vm_end, type);
        vma = vma->vm_next;
    }
}

fn clear_refs_pte_range(vma, addr, end, type) source "fs/proc/task_mmu.c:clear_refs_pte_range@v5.10" {
    let mm = vma->vm_mm;
    let pte = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, pte);
    spin_lock(ptl);
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
    pte_unmap_unlock(pte, ptl);
    return 0;
}

fn clear_soft_dirty(vma, addr, pte) source "fs/proc/task_mmu.c:clear_soft_dirty@v5.10" {
    let ptent = *pte;
    if pte_present(ptent) {
        let old_pte = ptep_modify_prot_start(vma, addr, pte);
        ptent = pte_wrprotect(old_pte);
        ptent = pte_clear_soft_dirty(ptent);
        ptep_modify_prot_commit(vma, addr, pte, old_pte, ptent);
    }
    // swap PTEs are not modelled
}
