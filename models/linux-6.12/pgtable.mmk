// Generic page-table helpers of v5.10 (include/linux/pgtable.h, mm/pgtable-generic.c,
// include/linux/mm.h, include/linux/mmu_notifier.h).

// mm/pgtable-generic.c
fn ptep_clear_flush(vma, address, ptep) source "mm/pgtable-generic.c:ptep_clear_flush@v5.10" {
    let mm = vma->vm_mm;
    let pte = ptep_get_and_clear(mm, address, ptep);
    if pte_accessible(mm, pte) {
        flush_tlb_page(vma, address);
    }
    return pte;
}

// include/linux/mmu_notifier.h: no secondary MMUs are modelled, so only the flush remains.
fn ptep_clear_flush_notify(vma, address, ptep) source "include/linux/mmu_notifier.h:ptep_clear_flush_notify@v5.10" {
    return ptep_clear_flush(vma, address, ptep);
}

// include/linux/pgtable.h: x86 has no __HAVE_ARCH_PTEP_MODIFY_PROT_TRANSACTION, so the
// generic versions apply: the PTE is zero between start and commit.
fn ptep_modify_prot_start(vma, addr, ptep) source "include/linux/pgtable.h:ptep_modify_prot_start@v5.10" {
    return ptep_get_and_clear(vma->vm_mm, addr, ptep);
}

fn ptep_modify_prot_commit(vma, addr, ptep, old_pte, pte) source "include/linux/pgtable.h:ptep_modify_prot_commit@v5.10" {
    set_pte_at(vma->vm_mm, addr, ptep, pte);
}

// include/linux/mm.h: pte_unmap_unlock() (pte_unmap is a no-op on x86-64)
fn pte_unmap_unlock(pte, ptl) source "include/linux/mm.h:pte_unmap_unlock@v5.10" {
    spin_unlock(ptl);
}

// include/linux/mm.h
fn maybe_mkwrite(pte, vma) source "include/linux/mm.h:maybe_mkwrite@v5.10" {
    if vma->vm_flags & VM_WRITE {
        pte = pte_mkwrite(pte);
    }
    return pte;
}

// include/linux/mm.h
fn vma_is_accessible(vma) source "include/linux/mm.h:vma_is_accessible@v5.10" {
    return vma->vm_flags & (VM_READ | VM_EXEC | VM_WRITE);
}

// include/linux/mm.h
fn is_cow_mapping(flags) source "include/linux/mm.h:is_cow_mapping@v5.10" {
    return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

// include/linux/gfp.h: alloc_page_vma() (NUMA policy is not modelled)
fn alloc_page_vma(vma, addr) source "include/linux/gfp.h:alloc_page_vma@v5.10" {
    return alloc_page();
}

// include/linux/highmem.h: pages come zeroed from alloc_page()
fn alloc_zeroed_user_highpage_movable(vma, addr) source "include/linux/highmem.h:alloc_zeroed_user_highpage_movable@v5.10" {
    return alloc_page();
}


// include/linux/userfaultfd_k.h
fn userfaultfd_wp(vma) source "include/linux/userfaultfd_k.h:userfaultfd_wp@v5.10" {
    return vma->vm_flags & VM_UFFD_WP;
}

// include/linux/userfaultfd_k.h
fn userfaultfd_pte_wp(vma, pte) source "include/linux/userfaultfd_k.h:userfaultfd_pte_wp@v5.10" {
    return userfaultfd_wp(vma) && pte_uffd_wp(pte);
}

// include/linux/userfaultfd_k.h
fn userfaultfd_missing(vma) source "include/linux/userfaultfd_k.h:userfaultfd_missing@v5.10" {
    return vma->vm_flags & VM_UFFD_MISSING;
}
