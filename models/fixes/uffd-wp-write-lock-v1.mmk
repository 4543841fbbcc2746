// Nadav Amit's v1 (20201219043006.2206347-1-namit@vmware.com, Dec 2020):
// mwriteprotect_range() takes mmap_lock for write, for protect and unprotect alike.
import "linux-5.10";

override fn mwriteprotect_range(dst_mm, start, len, enable_wp) source "mm/userfaultfd.c:mwriteprotect_range@v5.10 + namit v1 (mmap_write_lock)" {
    BUG_ON(start + len <= start);
    mmap_write_lock(dst_mm);
    let err = -ENOENT;
    let dst_vma = find_vma(dst_mm, start);
    if dst_vma == null || start + len > dst_vma->vm_end || (dst_vma->vm_flags & VM_SHARED) {
        mmap_write_unlock(dst_mm);
        return err;
    }
    if !userfaultfd_wp(dst_vma) {
        mmap_write_unlock(dst_mm);
        return err;
    }
    let newprot = vm_get_page_prot(dst_vma->vm_flags);
    let cp_flags = MM_CP_UFFD_WP_RESOLVE;
    if enable_wp {
        newprot = vm_get_page_prot(dst_vma->vm_flags & ~VM_WRITE);
        cp_flags = MM_CP_UFFD_WP;
    }
    change_protection(dst_vma, start, start + len, newprot, cp_flags);
    if enable_wp {
        uffd_wp_returns_coherent(dst_vma, start, start + len);
    }
    err = 0;
    mmap_write_unlock(dst_mm);
    return err;
}
