// can_follow_write_pte() as it was before 5535be309971 ("mm/gup: fix FOLL_FORCE COW
// security issue and remove FOLL_COW", David Hildenbrand, v6.0-rc1, CVE-2022-2590), from
// 19be0eaffa3a (v4.9) on:
//
//     return pte_write(pte) ||
//         ((flags & FOLL_FORCE) && (flags & FOLL_COW) && pte_dirty(pte));
//
// FOLL_COW was set by faultin_page() once a write fault had broken COW (VM_FAULT_WRITE on a
// !VM_WRITE VMA); 6.12 has neither FOLL_COW nor VM_FAULT_WRITE (removed in v6.2), so the
// restored rule keeps what FOLL_COW stood for, "this is a COW mapping written with
// FOLL_FORCE" (6.12's own VMA checks), and trusts the dirty bit for the rest: a read-only
// dirty PTE is taken as "we already broke COW", without asking whether the page is
// exclusive. That is the hole the fix closed ("it would be sufficient to have some code
// that sets a PTE of a R/O-mapped shared page dirty").
override fn can_follow_write_pte(pte, page, vma, flags) source "mm/gup.c:can_follow_write_pte@v5.19 (FOLL_COW's dirty-bit rule, before 5535be309971)" {
    if pte_write(pte) {
        return true;
    }
    if !(flags & FOLL_FORCE) {
        return false;
    }
    if (vma->vm_flags & VM_SHARED) || !(vma->vm_flags & VM_MAYWRITE) || (vma->vm_flags & VM_WRITE) {
        return false;
    }
    return pte_dirty(pte);
}
