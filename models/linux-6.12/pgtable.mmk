// Generic page-table helpers of Linux 6.12.y: mm/pgtable-generic.c (PTE-table mapping and
// locking, ptep_clear_flush()), include/linux/pgtable.h, include/linux/mm.h, and the
// userfaultfd helpers of include/linux/userfaultfd_k.h the fault path uses.
//
// PTE-table mapping (6.5+): __pte_offset_map() reads the PMD entry once, locklessly
// (pmdp_get_lockless()), and maps the table that value names; pte_offset_map_lock() takes the
// table's PTL and rechecks the PMD entry under it (pmd_same()), retrying if it changed. A
// caller holding only a VMA's lock (no mmap_lock) walks this way, so these take the PMD
// entry's value and hand it to the machine's pte_offset_map(pmdval, addr), the lockless
// walker's form.
// Left out (machine limits):
// - the rcu_read_lock() that __pte_offset_map() takes and pte_unmap() drops: the machine's
//   pte_offset_map() is a built-in a model function cannot replace, and paths of the tree
//   call it directly and pair it with pte_unmap_unlock() or pte_unmap(); an RCU read section
//   here would be unbalanced with those. No PTE table of an anonymous VMA is freed while a
//   fault of that VMA runs (free_pgtables() runs with the VMA detached and write-locked, and
//   frees only tables no remaining VMA shares), so the grace period protects nothing these
//   paths reach.
// - pte_lockptr(mm, &pmdval): the machine's pte_lockptr(mm, ptep) gives the PTL of the table
//   a PTE pointer points into, which is the table pmdval names (split PTE locks).
// - is_pmd_migration_entry(), pmd_devmap(), pmd_bad(): no PMD migration entries, devmap or
//   bad entries in the model.

// mm/pgtable-generic.c: the PMD entry read once; NULL if it names no PTE table (none, or a
// huge leaf).
fn __pte_offset_map(pmd, addr, pmdvalp) source "mm/pgtable-generic.c:__pte_offset_map@v6.12" {
    // rcu_read_lock(); pmdp_get_lockless_start/end() are no-ops on x86-64
    let pmdval = *pmd; // pmdp_get_lockless(pmd)
    if pmdvalp != null {
        *pmdvalp = pmdval;
    }
    if pmd_none(pmdval) {
        return null; // nomap: rcu_read_unlock()
    }
    if pmd_trans_huge(pmdval) {
        return null;
    }
    return pte_offset_map(pmdval, addr); // __pte_map(&pmdval, addr)
}

// mm/pgtable-generic.c: "like pte_offset_map(); but when successful, it also outputs a
// pointer to the spinlock in ptlp ... without locking it".
fn pte_offset_map_nolock(mm, pmd, addr, ptlp) source "mm/pgtable-generic.c:pte_offset_map_nolock@v6.12" {
    let pmdval = null;
    let pte = __pte_offset_map(pmd, addr, &pmdval);
    if pte != null {
        *ptlp = pte_lockptr(mm, pte); // pte_lockptr(mm, &pmdval)
    }
    return pte;
}

// mm/pgtable-generic.c: "When successful, *pmd is rechecked after acquiring the ptlock, and
// retried internally if it changed"; NULL, with *ptlp unchanged, if there is no table.
fn __pte_offset_map_lock(mm, pmd, addr, ptlp) source "mm/pgtable-generic.c:__pte_offset_map_lock@v6.12" {
    while true {
        let pmdval = null;
        let pte = __pte_offset_map(pmd, addr, &pmdval);
        if pte == null {
            return pte;
        }
        let ptl = pte_lockptr(mm, pte);
        spin_lock(ptl);
        // mutate: equivalent(disable-recheck) not observable here: for anonymous memory a PMD entry changes only under mmap_lock held for write with the VMA write-locked (khugepaged's collapse, free_pgtables() of tables no VMA shares any more), which every caller of this excludes; the entry changing between the read and the lock needs a file THP collapse (retract_page_tables() under only the i_mmap lock), not modelled
        if pmd_same(pmdval, *pmd) { // pmdp_get_lockless(pmd)
            *ptlp = ptl;
            return pte;
        }
        pte_unmap_unlock(pte, ptl);
    }
}

// include/linux/mm.h (the __cond_lock() annotation is sparse's)
fn pte_offset_map_lock(mm, pmd, addr, ptlp) source "include/linux/mm.h:pte_offset_map_lock@v6.12" {
    return __pte_offset_map_lock(mm, pmd, addr, ptlp);
}

// include/linux/pgtable.h: pte_unmap() is rcu_read_unlock() without CONFIG_HIGHPTE (left
// out with the read section, see the top of this file).
fn pte_unmap(pte) source "include/linux/pgtable.h:pte_unmap@v6.12" {
}

// include/linux/mm.h: spin_unlock(ptl); pte_unmap(pte)
fn pte_unmap_unlock(pte, ptl) source "include/linux/mm.h:pte_unmap_unlock@v6.12" {
    spin_unlock(ptl);
    pte_unmap(pte);
}

// include/linux/mm.h: `(unlikely(pmd_none(*(pmd))) && __pte_alloc(mm, pmd))`, true on
// failure (-ENOMEM).
fn pte_alloc(mm, pmd) source "include/linux/mm.h:pte_alloc@v6.12" {
    return pmd_none(*pmd) && __pte_alloc(mm, pmd) != 0;
}

// mm/pgtable-generic.c (x86 has no __HAVE_ARCH_PTEP_CLEAR_FLUSH)
fn ptep_clear_flush(vma, address, ptep) source "mm/pgtable-generic.c:ptep_clear_flush@v6.12" {
    let mm = vma->vm_mm;
    let pte = ptep_get_and_clear(mm, address, ptep);
    if pte_accessible(mm, pte) {
        flush_tlb_page(vma, address);
    }
    return pte;
}

// include/linux/pgtable.h: __ptep_modify_prot_start(); x86 defines
// __HAVE_ARCH_PTEP_MODIFY_PROT_TRANSACTION only for Xen PV (CONFIG_PARAVIRT_XXL), whose
// native hook is this generic one: the PTE is none between start and commit.
fn ptep_modify_prot_start(vma, addr, ptep) source "include/linux/pgtable.h:ptep_modify_prot_start@v6.12" {
    return ptep_get_and_clear(vma->vm_mm, addr, ptep);
}

fn ptep_modify_prot_commit(vma, addr, ptep, old_pte, pte) source "include/linux/pgtable.h:ptep_modify_prot_commit@v6.12" {
    set_pte_at(vma->vm_mm, addr, ptep, pte);
}

// include/linux/mm.h. 6.12's pte_mkwrite(pte, vma) is x86's out-of-line version (6.6's
// shadow-stack series): VM_SHADOW_STACK is not modelled, so it is pte_mkwrite_novma() with
// pte_clear_saveddirty() (a no-op without shadow stacks' _PAGE_SAVED_DIRTY), the machine's
// pte_mkwrite().
fn maybe_mkwrite(pte, vma) source "include/linux/mm.h:maybe_mkwrite@v6.12" {
    if vma->vm_flags & VM_WRITE {
        pte = pte_mkwrite(pte); // pte_mkwrite(pte, vma)
    }
    return pte;
}

// include/linux/mm.h: vma->vm_flags & VM_ACCESS_FLAGS
fn vma_is_accessible(vma) source "include/linux/mm.h:vma_is_accessible@v6.12" {
    return vma->vm_flags & (VM_READ | VM_EXEC | VM_WRITE);
}

// include/linux/mm.h: `!vma->vm_ops`; every modelled VMA is anonymous.
fn vma_is_anonymous(vma) source "include/linux/mm.h:vma_is_anonymous@v6.12" {
    return true;
}

// include/linux/mm.h
fn is_cow_mapping(flags) source "include/linux/mm.h:is_cow_mapping@v6.12" {
    return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

// include/linux/mm.h: "Indicates whether GUP can follow a PROT_NONE mapped page, or whether
// a (NUMA hinting) fault is required" ... here: whether a private writable VMA's PTEs may be
// made writable without a write fault (do_numa_page(), change_pte_range()).
fn vma_wants_manual_pte_write_upgrade(vma) source "include/linux/mm.h:vma_wants_manual_pte_write_upgrade@v6.12" {
    if vma->vm_flags & VM_SHARED {
        return vma_wants_writenotify(vma, vma->vm_page_prot);
    }
    return (vma->vm_flags & VM_WRITE) != 0;
}

// include/linux/gfp.h: alloc_page_vma_noprof(): "struct folio *folio =
// vma_alloc_folio_noprof(gfp, 0, vma, addr, false); return &folio->page;" (gfp left out).
fn alloc_page_vma(vma, addr) source "include/linux/gfp.h:alloc_page_vma@v6.12" {
    let folio = vma_alloc_folio(vma, addr);
    if folio == null {
        return null;
    }
    return folio_page(folio, 0);
}

// ---- include/linux/userfaultfd_k.h (CONFIG_USERFAULTFD; the text of research note
// 612-fault section 4.4, gregkh/linux 92b472945dbf, content-dated 6.12-6.15, not pinned) ----

fn userfaultfd_missing(vma) source "include/linux/userfaultfd_k.h:userfaultfd_missing@v6.12" {
    return vma->vm_flags & VM_UFFD_MISSING;
}

fn userfaultfd_wp(vma) source "include/linux/userfaultfd_k.h:userfaultfd_wp@v6.12" {
    return vma->vm_flags & VM_UFFD_WP;
}

fn userfaultfd_pte_wp(vma, pte) source "include/linux/userfaultfd_k.h:userfaultfd_pte_wp@v6.12" {
    return userfaultfd_wp(vma) && pte_uffd_wp(pte);
}

// vma->vm_flags & __VM_UFFD_FLAGS (VM_UFFD_MINOR is not modelled)
fn userfaultfd_armed(vma) source "include/linux/userfaultfd_k.h:userfaultfd_armed@v6.12" {
    return vma->vm_flags & (VM_UFFD_MISSING | VM_UFFD_WP);
}

// include/linux/swapops.h: PTE_MARKER_UFFD_WP = BIT(0), PTE_MARKER_POISONED = BIT(1)
const PTE_MARKER_UFFD_WP = 1;
const PTE_MARKER_POISONED = 2;

fn pte_marker_entry_uffd_wp(entry) source "include/linux/userfaultfd_k.h:pte_marker_entry_uffd_wp@v6.12" {
    return is_pte_marker_entry(entry) && (pte_marker_get(entry) & PTE_MARKER_UFFD_WP) != 0;
}

fn pte_marker_uffd_wp(pte) source "include/linux/userfaultfd_k.h:pte_marker_uffd_wp@v6.12" {
    if !is_swap_pte(pte) {
        return false;
    }
    let entry = pte_to_swp_entry(pte);
    return pte_marker_entry_uffd_wp(entry);
}

// fs/userfaultfd.c (written here for do_wp_page(); it belongs with handle_userfault()):
// whether the VMA's context has UFFD_FEATURE_WP_ASYNC. The model's one uffd context has no
// feature bits: synchronous write-protect faults only.
fn userfaultfd_wp_async(vma) source "fs/userfaultfd.c:userfaultfd_wp_async@v6.12 (no UFFD_FEATURE_WP_ASYNC)" {
    return false;
}

// include/linux/userfaultfd_k.h: "Only wr-protect mode uses pte markers"; anonymous uffd-wp
// needs them only with UFFD_FEATURE_WP_UNPOPULATED, which the model's context does not have.
fn userfaultfd_wp_use_markers(vma) source "include/linux/userfaultfd_k.h:userfaultfd_wp_use_markers@v6.12" {
    if !userfaultfd_wp(vma) {
        return false;
    }
    if !vma_is_anonymous(vma) {
        return true;
    }
    return userfaultfd_wp_unpopulated(vma);
}

// include/linux/pgtable.h pte_none_mostly(): "pte_none(pte) || is_pte_marker(pte)"
fn is_pte_marker_pte(pte) source "include/linux/swapops.h:is_pte_marker@v6.12" {
    return is_swap_pte(pte) && is_pte_marker_entry(pte_to_swp_entry(pte));
}

// arch/x86/include/asm/pgtable.h: pte_clear() -> native_pte_clear(), a store of an empty
// PTE. The machine has no store of a none PTE, so the model clears it with
// ptep_get_and_clear() (an xchg where the kernel stores; under the PTL the PTE ends the same).
fn pte_clear(mm, addr, ptep) source "arch/x86/include/asm/pgtable.h:pte_clear@v6.12" {
    ptep_get_and_clear(mm, addr, ptep);
}
