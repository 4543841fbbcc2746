// A mutation that shows the NUMA control can fail: change_pte_range() without the
// savedwrite rule (preserve_write). do_numa_page() then restores a read-only PTE while a
// CPU still holds a writable TLB entry and the flush is pending: Scenario A again.
test "NUMA hinting without preserve_write (mutation)" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}

// do_numa_page() without was_writable: the mutation.
override fn do_numa_page(vmf) source "mm/memory.c:do_numa_page@v5.10, mutated: write bit not restored" {
    let vma = vmf->vma;
    vmf->ptl = pte_lockptr(vma->vm_mm, vmf->pte);
    spin_lock(vmf->ptl);
    if !pte_same(*vmf->pte, vmf->orig_pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return 0;
    }
    let old_pte = ptep_modify_prot_start(vma, vmf->address, vmf->pte);
    let pte = pte_modify(old_pte, vma->vm_page_prot);
    pte = pte_mkyoung(pte);
    ptep_modify_prot_commit(vma, vmf->address, vmf->pte, old_pte, pte);
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return 0;
}
