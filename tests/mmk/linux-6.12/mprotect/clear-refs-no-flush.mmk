// 6.12's clear_refs_write() (task_mmu.mmk) without the flush_tlb_mm() 912efa17e512 ("mm:
// proc: Invalidate TLB after clearing soft-dirty page state", Will Deacon, v5.12-rc1) added
// when it dropped the mmu_gather. A historical mutation, not a kernel version.
override fn clear_refs_write(type) source "fs/proc/task_mmu.c:clear_refs_write@v6.12 without 912efa17e512's flush_tlb_mm()" {
    let mm = current_mm();
    mmap_write_lock(mm);
    if type == CLEAR_REFS_SOFT_DIRTY {
        let vma = mm->mmap;
        while vma != null {
            if vma->vm_flags & VM_SOFTDIRTY {
                vma_start_write(vma);
                vma->vm_flags = vma->vm_flags & ~VM_SOFTDIRTY;
                vma_set_page_prot(vma);
            }
            vma = vma->vm_next;
        }
        inc_tlb_flush_pending(mm);
    }
    clear_refs_walk(mm, type);
    if type == CLEAR_REFS_SOFT_DIRTY {
        // (no flush_tlb_mm(mm))
        dec_tlb_flush_pending(mm);
    }
    mmap_write_unlock(mm);
    return 0;
}
