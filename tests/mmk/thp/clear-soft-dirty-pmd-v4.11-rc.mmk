// clear_soft_dirty_pmd() before 5b7abeae3af8 ("thp: fix MADV_DONTNEED vs clear soft dirty
// race", v4.11): the huge leaf is cleared with pmdp_huge_get_and_clear() and set again, so a
// lockless reader under mmap_lock for read can see it none in between. The lines after
// pmd_clear_soft_dirty() are v5.10's (the set_pmd_at() of the write-protected leaf); the
// patch changed only the first line.
override fn clear_soft_dirty_pmd(vma, addr, pmdp) source "fs/proc/task_mmu.c:clear_soft_dirty_pmd@v4.11-rc (before 5b7abeae3af8)" {
    let pmd = pmdp_huge_get_and_clear(vma->vm_mm, addr, pmdp);
    pmd = pmd_wrprotect(pmd);
    pmd = pmd_clear_soft_dirty(pmd);
    set_pmd_at(vma->vm_mm, addr, pmdp, pmd);
}
