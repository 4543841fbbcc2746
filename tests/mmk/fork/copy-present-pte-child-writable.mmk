// copy_present_pte() that write-protects only the parent's PTE and copies the PTE to the
// child as it was (a bug, for the test): the child's PTE stays writable on the shared page.
override fn copy_present_pte(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc) source "mm/memory.c:copy_present_pte@v5.10 without the child's pte_wrprotect() (a bug, for the test)" {
    let src_mm = src_vma->vm_mm;
    let vm_flags = src_vma->vm_flags;
    let pte = *src_pte;
    let page = vm_normal_page(src_vma, addr, pte);
    if page != null {
        let retval = copy_present_page(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc, pte, page);
        if retval <= 0 {
            return retval;
        }
        get_page(page);
        page_dup_rmap(page, false);
    }
    if is_cow_mapping(vm_flags) && pte_write(pte) {
        ptep_set_wrprotect(src_mm, addr, src_pte);
    }
    pte = pte_mkold(pte);
    set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
    return 0;
}
