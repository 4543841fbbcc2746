// detach_vmas_to_be_unmapped() before 246c320a8cfe (v5.7): munmap always downgrades
// mmap_lock, whatever the neighbours.
override fn detach_vmas_to_be_unmapped(mm, vma, prev, end) source "mm/mmap.c:detach_vmas_to_be_unmapped@v5.7" {
    let tail_vma = null;
    vma->vm_prev = null;
    while true {
        tail_vma = vma;
        vma = vma->vm_next;
        if vma == null || vma->vm_start >= end {
            break;
        }
    }
    if prev != null {
        prev->vm_next = vma;
    } else {
        mm->mmap = vma;
    }
    if vma != null {
        vma->vm_prev = prev;
    }
    tail_vma->vm_next = null;
    return true;
}
