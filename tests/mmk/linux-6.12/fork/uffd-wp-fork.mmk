// uffd-wp bits across fork() (6.12). The model's userfaultfd context has no feature bits, so it
// never asked for UFFD_FEATURE_EVENT_FORK: dup_userfaultfd() unregisters the child's copy of a
// uffd-wp VMA, and __copy_present_ptes() must then drop _PAGE_UFFD_WP from the child's PTE
// (`if (!userfaultfd_wp(dst_vma)) pte = pte_clear_uffd_wp(pte);`), while the parent's PTE and
// VMA keep theirs. A test driver looks at the child's page table after fork.
//
// b569a1760782 ("userfaultfd: wp: drop _PAGE_UFFD_WP properly when fork", v5.7) tested the
// parent's VMA instead: "We were referencing VM_UFFD_WP vm_flags on the _old_ vma rather than
// the new vma. That's overlooked in b569a1760782, so it won't work as expected." (8f34f1eac382,
// "mm/userfaultfd: fix uffd-wp special cases for fork()", Peter Xu, v5.14, backported to 5.10.y
// and 5.13.y). With it, the child's PTE keeps the uffd-wp bit in a VMA that is not registered.

// Fork, then check the child's VMA and PTE of X under the child's mmap_lock (not kernel code).
fn fork_and_check_uffd_wp() source "mmcheck: a test driver, fork() and a look at the child's page table" {
    let mm = fork_mm();
    mmap_read_lock(mm);
    let vma = mm->mmap;
    assert(!userfaultfd_wp(vma));
    let pte = *pte_offset_map(mm, X);
    assert(pte_present(pte));
    assert(!pte_write(pte));
    assert(!pte_uffd_wp(pte));
    mmap_read_unlock(mm);
    // the parent keeps its protection
    let parent = current_mm();
    mmap_read_lock(parent);
    assert(userfaultfd_wp(parent->mmap));
    assert(pte_uffd_wp(*pte_offset_map(parent, X)));
    mmap_read_unlock(parent);
}

test "6.12: the child of a uffd-wp process gets its PTEs without the uffd-wp bit" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 1;
    mms 2;
    tables 2;
    vma X: anon private read write uffd_wp;
    page P = 7 { exclusive: 1 };
    pte X -> P { dirty accessed uffd_wp };
    cpu0 { fork_and_check_uffd_wp(); }
    expect safe;
}

test "6.12 with b569a1760782's check of the parent's VMA (before 8f34f1eac382): the child's PTE keeps the uffd-wp bit" {
    kernel "linux-6.12";
    import "copy-present-ptes-src-uffd-wp.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 1;
    mms 2;
    tables 2;
    vma X: anon private read write uffd_wp;
    page P = 7 { exclusive: 1 };
    pte X -> P { dirty accessed uffd_wp };
    cpu0 { fork_and_check_uffd_wp(); }
    expect violation(assertion);
}
