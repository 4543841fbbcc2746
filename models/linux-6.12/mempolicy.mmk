// NUMA hinting as of v5.10: task_numa_work() (kernel/sched/fair.c) and change_prot_numa()
// (mm/mempolicy.c). One node, so pages are never migrated; the scan covers every VMA.

fn change_prot_numa(vma, addr, end) source "mm/mempolicy.c:change_prot_numa@v5.10" {
    let nr_updated = change_protection(vma, addr, end, PAGE_NONE, MM_CP_PROT_NUMA);
    // count_vm_numa_events(): not modelled
    return nr_updated;
}

// The scan, from the mmap_read_trylock() on; the scan-period bookkeeping is not modelled.
fn task_numa_work() source "kernel/sched/fair.c:task_numa_work@v5.10" {
    let mm = current_mm();
    if !mmap_read_trylock(mm) {
        return;
    }
    let vma = mm->mmap;
    while vma != null {
        // vma_migratable(), vma_policy_mof(), hugetlb, VM_MIXEDMAP: every modelled VMA passes
        if vma_is_accessible(vma) {
            change_prot_numa(vma, vma->vm_start, vma->vm_end);
        }
        vma = vma->vm_next;
    }
    mmap_read_unlock(mm);
}
