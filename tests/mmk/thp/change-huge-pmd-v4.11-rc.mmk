// change_huge_pmd() before ced108037c2a ("thp: fix MADV_DONTNEED vs. numa balancing race",
// v4.11): the huge leaf is cleared (pmdp_huge_get_and_clear_notify(); mmu notifiers are not
// modelled) and set again, so a lockless reader under mmap_lock for read can see it none in
// between. Written in v5.10's shape (after "thp: reduce indentation level in
// change_huge_pmd()", the patch before the fix), with v5.10's uffd-wp lines kept.
override fn change_huge_pmd(vma, pmd, addr, newprot, cp_flags) source "mm/huge_memory.c:change_huge_pmd@v4.11-rc (before ced108037c2a)" {
    let mm = vma->vm_mm;
    let prot_numa = cp_flags & MM_CP_PROT_NUMA;
    let uffd_wp = cp_flags & MM_CP_UFFD_WP;
    let uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;
    let ptl = __pmd_trans_huge_lock(pmd, vma);
    if ptl == null {
        return 0;
    }
    let preserve_write = prot_numa && pmd_write(*pmd);
    let ret = 1;
    if prot_numa && pmd_protnone(*pmd) {
        spin_unlock(ptl);
        return ret;
    }
    let entry = pmdp_huge_get_and_clear(mm, addr, pmd);
    entry = pmd_modify(entry, newprot);
    if preserve_write {
        entry = pmd_mkwrite(entry);
    }
    if uffd_wp {
        entry = pmd_wrprotect(entry);
        entry = pmd_mkuffd_wp(entry);
    } else if uffd_wp_resolve {
        entry = pmd_clear_uffd_wp(entry);
    }
    ret = HPAGE_PMD_SIZE; // HPAGE_PMD_NR
    set_pmd_at(mm, addr, pmd, entry);
    spin_unlock(ptl);
    return ret;
}
