// Nadav Amit's RFCv2 1/2, locking half (20201225092529.3228466-2-namit@vmware.com):
// uffd *protect* takes mmap_lock for write; unprotect keeps the read lock.
import "linux-5.10";

override fn mwriteprotect_range(dst_mm, start, len, enable_wp) source "mm/userfaultfd.c:mwriteprotect_range@v5.10 + namit RFCv2 1/2 (write lock for protect)" {
    BUG_ON(start + len <= start);
    if enable_wp {
        mmap_write_lock(dst_mm);
    } else {
        mmap_read_lock(dst_mm);
    }
    let err = -ENOENT;
    let dst_vma = find_vma(dst_mm, start);
    let ok = dst_vma != null && start + len <= dst_vma->vm_end;
    if ok && !(dst_vma->vm_flags & VM_SHARED) && userfaultfd_wp(dst_vma) {
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
    }
    if enable_wp {
        mmap_write_unlock(dst_mm);
    } else {
        mmap_read_unlock(dst_mm);
    }
    return err;
}
