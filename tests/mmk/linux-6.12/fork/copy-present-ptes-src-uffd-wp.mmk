// __copy_present_ptes() of 6.12 with the uffd-wp check of b569a1760782 ("userfaultfd: wp: drop
// _PAGE_UFFD_WP properly when fork", v5.7): `if (!(vm_flags & VM_UFFD_WP))` of the *parent's*
// VMA, as v5.10.0's copy_present_pte() had it, until 8f34f1eac382 ("mm/userfaultfd: fix uffd-wp
// special cases for fork()", v5.14) switched it to userfaultfd_wp(dst_vma). The rest is
// models/linux-6.12/fork.mmk's.
override fn __copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, pte, addr, nr) source "mm/memory.c:__copy_present_ptes@v6.12 with the src_vma uffd-wp check of b569a1760782 (before 8f34f1eac382)" {
    let src_mm = src_vma->vm_mm;
    let vm_flags = src_vma->vm_flags;
    if is_cow_mapping(vm_flags) && pte_write(pte) {
        wrprotect_ptes(src_mm, addr, src_pte, nr);
        pte = pte_wrprotect(pte);
    }
    if (vm_flags & VM_SHARED) != 0 {
        pte = pte_mkclean(pte);
    }
    pte = pte_mkold(pte);
    // "Make sure the _PAGE_UFFD_WP bit is cleared if the new VMA does not have the
    // VM_UFFD_WP, which means that the uffd fork event is not enabled."
    if (vm_flags & VM_UFFD_WP) == 0 {
        pte = pte_clear_uffd_wp(pte);
    }
    set_ptes(dst_vma->vm_mm, addr, dst_pte, pte, nr);
}
