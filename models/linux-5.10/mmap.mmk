// mm/mmap.c: looking a VMA up, and vm_page_prot following vm_flags.

// find_vma(): the first VMA that ends above addr (it may start above it too: callers check
// vm_start). v5.10 looks in the per-thread vmacache, then walks mm_rb; the VMAs are never
// changed here, so a walk of the address-sorted mm->mmap list finds the same one, and its
// loads of stable fields are no steps. mmap_assert_locked() is left out.
fn find_vma(mm, addr) source "mm/mmap.c:find_vma@v5.10" {
    let vma = mm->mmap;
    while vma != null {
        if addr < vma->vm_end {
            return vma;
        }
        vma = vma->vm_next;
    }
    return null;
}

// vma_set_page_prot(): vm_page_prot from the new vm_flags. Its write-notify branch (for
// shared writable mappings that track dirtying) never applies to the anonymous private
// VMAs modelled.
fn vma_set_page_prot(vma) source "mm/mmap.c:vma_set_page_prot@v5.10" {
    vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
}
