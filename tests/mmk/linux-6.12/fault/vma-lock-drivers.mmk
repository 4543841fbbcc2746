// Test drivers shared by the tests of this folder (a model file: no test here).
//
// mprotect_readonly(addr): what mprotect(addr, len, PROT_READ) does to a whole VMA in 6.12,
// reduced to its locking: mmap_lock for write, the VMA write-locked (mprotect_fixup() ->
// vma_start_write(), which waits for the faults holding the VMA's read lock and makes later
// vma_start_read()s fail until mmap_write_unlock()), vm_flags and vm_page_prot changed, then
// change_protection()'s work on each PTE of the range (under its PTL; the flush after, with
// tlb_flush_pending raised around it). A driver, not the kernel's mprotect: mprotect.mmk is
// being ported at the same time; no merge, no split, no mmu_gather.
fn mprotect_readonly(addr) source "mmcheck: test driver, mprotect(PROT_READ) of a whole VMA as 6.12 locks it" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    vma_start_write(vma);
    vma->vm_flags = vma->vm_flags & ~VM_WRITE;
    vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
    inc_tlb_flush_pending(mm);
    let a = vma->vm_start;
    while a < vma->vm_end {
        let ptl = null;
        let pte = pte_offset_map_lock(mm, pmd_offset(mm, a), a, &ptl);
        if pte != null {
            if pte_present(*pte) {
                let old = ptep_modify_prot_start(vma, a, pte);
                ptep_modify_prot_commit(vma, a, pte, old, pte_modify(old, vma->vm_page_prot));
            }
            pte_unmap_unlock(pte, ptl);
        }
        a = a + PAGE_SIZE;
    }
    flush_tlb_range(vma, vma->vm_start, vma->vm_end);
    dec_tlb_flush_pending(mm);
    mmap_write_unlock(mm);
}

// Once mprotect(PROT_READ) has returned, no PTE of the VMA may be writable: a fault that
// read the old vm_flags must have finished before the VMA was write-locked (and its PTE was
// then write-protected), or must see the new flags.
fn check_not_writable(addr, len) source "mmcheck: test check" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let a = addr;
    while a < addr + len {
        let ptl = null;
        let pte = pte_offset_map_lock(mm, pmd_offset(mm, a), a, &ptl);
        if pte != null {
            BUG_ON(pte_write(*pte));
            pte_unmap_unlock(pte, ptl);
        }
        a = a + PAGE_SIZE;
    }
    mmap_read_unlock(mm);
}
