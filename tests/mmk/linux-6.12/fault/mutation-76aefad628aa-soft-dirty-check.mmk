// 76aefad628aa ("mm/mprotect: fix soft-dirty check in can_change_pte_writable()", Peter Xu,
// v6.0-rc1): 64fe24a3e05e ("mm/mprotect: try avoiding write faults for exclusive anonymous
// pages when changing protection", v5.19) tested soft-dirty tracking the wrong way round:
//         /* Do we need write faults for softdirty tracking? */
//         if ((vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte))
//                 return false;
// "The intention is correct but we didn't check it right because VM_SOFTDIRTY set actually
// means soft-dirty tracking disabled." With tracking on (VM_SOFTDIRTY clear, as after
// clear_refs), a PTE that is not soft-dirty is made writable without a write fault, and the
// store that follows sets only the hardware's D bit: the write is lost to soft-dirty
// tracking. In v5.19 the caller was mprotect's change_pte_range(); since 6.3 do_numa_page()
// calls the function too, so the 6.12 hinting fault is the path that shows it here. Restored:
// 6.12's can_change_pte_writable() with the v5.19 soft-dirty test.
import "numa-hinting-checks.mmk";

override fn can_change_pte_writable(vma, addr, pte) source "mm/mprotect.c:can_change_pte_writable@v6.12 (the soft-dirty test of v5.19, before 76aefad628aa)" {
    if !(vma->vm_flags & VM_WRITE) {
        return false;
    }
    if pte_protnone(pte) {
        return false;
    }
    // Do we need write faults for softdirty tracking? (inverted)
    if (vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte) {
        return false;
    }
    if userfaultfd_pte_wp(vma, pte) {
        return false;
    }
    let page = vm_normal_page(vma, addr, pte);
    return page != null && PageAnon(page) && PageAnonExclusive(page);
}

test "76aefad628aa: a NUMA hinting fault makes a PTE writable that soft-dirty tracking needed read-only" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { protnone dirty accessed };
    cpu0 { X = 8; check_soft_dirty(X); }
    cpu1 { let v = *X; }
    expect violation(assertion);
}
