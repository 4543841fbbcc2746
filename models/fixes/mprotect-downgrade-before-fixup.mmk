// Nadav Amit's question (seed thread, 21 Dec 2020): "if it is ok to change the PTEs without
// mmap_lock held for write, why wouldn't mmap_write_downgrade() be executed before
// mprotect_fixup()?" The VMA update itself needs the write lock, so this downgrades right
// after it, before change_protection() touches the PTEs; do_mprotect_pkey() then drops a
// read lock.
import "linux-5.10";

override fn mprotect_fixup(vma, pprev, start, end, newflags) source "mm/mprotect.c:mprotect_fixup@v5.10 + downgrade before change_protection (question)" {
    *pprev = vma;
    let oldflags = vma->vm_flags;
    if newflags == oldflags {
        mmap_write_downgrade(vma->vm_mm);
        return 0;
    }
    assert(start == vma->vm_start && end == vma->vm_end);
    vma->vm_flags = newflags;
    let dirty_accountable = vma_wants_writenotify(vma, vma->vm_page_prot);
    vma_set_page_prot(vma);
    let cp_flags = 0;
    if dirty_accountable {
        cp_flags = MM_CP_DIRTY_ACCT;
    }
    // The question: PTEs changed under the read lock, like uffd-wp does.
    mmap_write_downgrade(vma->vm_mm);
    change_protection(vma, start, end, vma->vm_page_prot, cp_flags);
    return 0;
}

override fn do_mprotect_pkey(start, len, prot) source "mm/mprotect.c:do_mprotect_pkey@v5.10 + downgrade (question)" {
    let mm = current_mm();
    let end = start + len;
    mmap_write_lock(mm);
    let vma = find_vma(mm, start);
    if vma == null {
        mmap_write_unlock(mm);
        return -ENOMEM;
    }
    let newflags = (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC));
    if (newflags & ~(newflags >> 4)) & (VM_READ | VM_WRITE | VM_EXEC) {
        mmap_write_unlock(mm);
        return -EACCES;
    }
    let prev = null;
    let error = mprotect_fixup(vma, &prev, start, end, newflags);
    // mprotect_fixup() downgraded
    mmap_read_unlock(mm);
    return error;
}
