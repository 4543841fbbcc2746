// 912efa17e512 "mm: proc: Invalidate TLB after clearing soft-dirty page state" (Will
// Deacon, v5.12-rc1), on top of 29a951dfb3c3: the mmu_gather is gone; soft-dirty clearing
// raises tlb_flush_pending, walks, flushes the whole mm, then drops the count, all under
// mmap_lock held for write.
import "fixes/clear-refs-write-lock-29a951dfb3c3.mmk";

override fn clear_refs_write(type) source "fs/proc/task_mmu.c:clear_refs_write@v5.12 (29a951dfb3c3 + 912efa17e512)" {
    let mm = current_mm();
    mmap_write_lock(mm);
    if type == CLEAR_REFS_SOFT_DIRTY {
        let vma = mm->mmap;
        while vma != null {
            vma->vm_flags = vma->vm_flags & ~VM_SOFTDIRTY;
            vma_set_page_prot(vma);
            vma = vma->vm_next;
        }
        inc_tlb_flush_pending(mm);
    }
    clear_refs_walk(mm, type);
    if type == CLEAR_REFS_SOFT_DIRTY {
        flush_tlb_mm(mm);
        dec_tlb_flush_pending(mm);
    }
    mmap_write_unlock(mm);
    return 0;
}
