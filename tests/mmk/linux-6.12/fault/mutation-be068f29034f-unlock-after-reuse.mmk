// be068f29034f ("mm: fix misplaced unlock_page in do_wp_page()", Linus Torvalds, v5.9-rc7):
// 09854ba94c6a ("mm: do_wp_page() simplification", v5.9-rc1) reused a page mapped once with
// no other reference under the page lock, and unlocked it only after wp_page_reuse() had
// dropped the PTL:
//         wp_page_reuse(vmf);
//         unlock_page(page);
//         return VM_FAULT_WRITE;
// Once the PTL is gone the page tables were the fault's only hold on the page: a
// MADV_DONTNEED (mmap_lock for read; here the fault holds only the VMA's read lock) zaps the
// PTE and frees the page while it is still locked (bad_page(): PG_locked is one of the
// flags checked at free, the tree's `refcount` invariant), and unlock_page() then writes a
// freed page's flags (use_after_free). The fix
// unlocks before wp_page_reuse(), under the PTL, as 6.12's wp_can_reuse_anon_folio() does.
// Restored here in 6.12's shape: wp_can_reuse_anon_folio() returns with the folio still
// locked when it reuses, and do_wp_page() unlocks after wp_page_reuse().

override fn wp_can_reuse_anon_folio(folio, vma) source "mm/memory.c:wp_can_reuse_anon_folio@v6.12 (the unlock of v5.9-rc1..rc6, before be068f29034f)" {
    if folio_test_large(folio) {
        return false;
    }
    if folio_test_ksm(folio) || folio_ref_count(folio) > 3 {
        return false;
    }
    if !folio_test_lru(folio) {
        lru_add_drain();
    }
    if folio_ref_count(folio) > 1 {
        return false;
    }
    if !folio_trylock(folio) {
        return false;
    }
    if folio_test_ksm(folio) || folio_ref_count(folio) != 1 {
        folio_unlock(folio);
        return false;
    }
    folio_move_anon_rmap(folio, vma);
    // (the folio stays locked: the caller unlocks it after wp_page_reuse())
    return true;
}

override fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v6.12 (the unlock of v5.9-rc1..rc6, before be068f29034f)" {
    let unshare = (vmf->flags & FAULT_FLAG_UNSHARE) != 0;
    let vma = vmf->vma;
    let folio = null;
    if !unshare {
        if userfaultfd_pte_wp(vma, *vmf->pte) {
            pte_unmap_unlock(vmf->pte, vmf->ptl);
            return handle_userfault(vmf, VM_UFFD_WP);
        }
        if userfaultfd_wp(vmf->vma) && mm_tlb_flush_pending(vmf->vma->vm_mm) {
            flush_tlb_page(vmf->vma, vmf->address);
        }
    }
    assume_tlb_coherent(vma, vmf->address);
    vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
    if vmf->page != null {
        folio = page_folio(vmf->page);
    }
    if folio != null && folio_test_anon(folio) {
        let exclusive = PageAnonExclusive(vmf->page);
        if exclusive || wp_can_reuse_anon_folio(folio, vma) {
            if !exclusive {
                SetPageAnonExclusive(vmf->page);
            }
            if unshare {
                pte_unmap_unlock(vmf->pte, vmf->ptl);
                if !exclusive {
                    folio_unlock(folio);
                }
                return 0;
            }
            wp_page_reuse(vmf, folio);
            if !exclusive {
                folio_unlock(folio); // unlock_page(page) after wp_page_reuse()
            }
            return 0;
        }
    }
    if folio != null {
        folio_get(folio);
    }
    pte_unmap_unlock(vmf->pte, vmf->ptl);
    return wp_page_copy(vmf);
}

test "be068f29034f: the reused page unlocked after the PTL is dropped, racing MADV_DONTNEED" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };          // mapped once, no other reference, not exclusive
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect violation(refcount);
}
