// 29a951dfb3c3 "mm: fix clear_refs_write locking" (Linus Torvalds, v5.11-rc4; 5.10.8):
// clear_refs takes mmap_lock for write for the whole operation, with no downgrade.
// "Turning page table entries read-only requires the mmap_sem held for writing."
import "linux-5.10";

override fn clear_refs_write(type) source "fs/proc/task_mmu.c:clear_refs_write@v5.10 + 29a951dfb3c3" {
    let mm = current_mm();
    // mmap_write_lock_killable()
    mmap_write_lock(mm);
    let tlb = tlb_gather_mmu(mm, 0, -1);
    if type == CLEAR_REFS_SOFT_DIRTY {
        let vma = mm->mmap;
        while vma != null {
            vma->vm_flags = vma->vm_flags & ~VM_SOFTDIRTY;
            vma_set_page_prot(vma);
            vma = vma->vm_next;
        }
    }
    clear_refs_walk(mm, type);
    // still the mmu_gather that records nothing: no flush unless nested
    tlb_finish_mmu(tlb, 0, -1);
    mmap_write_unlock(mm);
    return 0;
}
