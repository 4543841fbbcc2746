// NUMA hinting as Linux 6.12.y has it: task_numa_work() (kernel/sched/fair.c) and
// change_prot_numa() (mm/mempolicy.c); and mm/mempolicy.c's vma_alloc_folio() and
// mpol_misplaced(). One node, so pages are never migrated (mpol_misplaced() is always
// NUMA_NO_NODE); the scan covers every accessible VMA at once.

// "Update the page tables of the range to PROT_NONE so that a later access gives a NUMA
// hinting fault." The text after 6.12's per-memcg NUMA counters (mm/mempolicy.c, seen in
// several 6.12-era copies; not pinned): count_vm_numa_events() and count_memcg_events_mm()
// are not modelled. The protection is MM_CP_PROT_NUMA's own (change_pte_range() uses
// PAGE_NONE for it since 6.5 dropped the newprot argument); the flush is the mmu_gather's, at
// tlb_finish_mmu(), with tlb_flush_pending raised from tlb_gather_mmu() on.
fn change_prot_numa(vma, addr, end) source "mm/mempolicy.c:change_prot_numa@v6.12" {
    let tlb = struct mmu_gather {};
    tlb_gather_mmu(&tlb, vma->vm_mm);
    let nr_updated = change_protection(&tlb, vma, addr, end, MM_CP_PROT_NUMA);
    // if (nr_updated > 0): count_vm_numa_events(), count_memcg_events_mm()
    tlb_finish_mmu(&tlb);
    return nr_updated;
}

// The scan, from the mmap_read_trylock() on. Left out: the scan period and its rate limit
// (numa_next_scan, the cmpxchg that elects one scanner), numa_scan_offset (the scan restarts
// at the first VMA and covers every one), the per-VMA numab_state heuristics (scan delay,
// the PIDs that touched the VMA, vma_is_accessed()), the chunking by scan size and
// cond_resched(). vma_migratable(), vma_policy_mof(), hugetlb, VM_MIXEDMAP and the read-only
// file test pass for every modelled VMA. The 6.12 walk is for_each_vma() over mm->mm_mt under
// mmap_lock; here the mm->mmap list.
fn task_numa_work() source "kernel/sched/fair.c:task_numa_work@v6.12" {
    let mm = current_mm();
    if !mmap_read_trylock(mm) {
        return;
    }
    let vma = mm->mmap;
    while vma != null {
        // "Skip inaccessible VMAs to avoid any confusion between PROT_NONE and NUMA hinting
        // PTEs"
        if vma_is_accessible(vma) {
            change_prot_numa(vma, vma->vm_start, vma->vm_end);
        }
        vma = vma->vm_next;
    }
    mmap_read_unlock(mm);
}

// ---- mm/mempolicy.c: allocation and placement (one node) ----

// mm/mempolicy.c: one node, so no folio is ever misplaced (the memory-policy lookup and the
// memory-tiering promotion are not modelled).
fn mpol_misplaced(folio, vmf, addr) source "mm/mempolicy.c:mpol_misplaced@v6.12 (one node)" {
    return NUMA_NO_NODE;
}
