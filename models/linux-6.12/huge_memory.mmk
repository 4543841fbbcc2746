// mm/huge_memory.c, and the THP parts of mm/pgtable-generic.c, include/linux/huge_mm.h and
// arch/x86, as of Linux 6.12.y: what every path needs of an anonymous transparent huge page
// mapped by a PMD leaf (khugepaged makes one, munmap and MADV_DONTNEED zap one, a scenario
// may declare one: `pmd X -> H`). The THP fault path, change_huge_pmd() and the split of a
// huge PMD are not in the 6.12 tree (v5.10 has them as an opt-in,
// models/opt-in/thp-v5.10.mmk).
//
// The model's huge page is one frame, mapped at the first address of its 2 MiB range (the
// only address of the range a scenario may use), and its folio is order-0 (page.mmk): its one
// _refcount and _mapcount stand for the large folio's, so folio_remove_rmap_pmd() is the
// small folio's mapcount drop, and _entire_mapcount, _large_mapcount, _nr_pages_mapped and
// the deferred split are not modelled.
//
// Text: no mm/huge_memory.c or mm/pgtable-generic.c of 6.12.y was found in the index (the
// Xilinx/linux-xlnx copies are later); these functions follow the 6.12 text as known from
// the 6.x series (zap_huge_pmd() with folio_remove_rmap_pmd() and zap_deposited_table(),
// pmd_mkwrite(pmd, vma), pmdp_invalidate() with its VM_WARN_ON_ONCE()), and are unchanged
// in what they do from v5.10's model but for the folio calls. Not pinned.

// include/linux/huge_mm.h: a 2 MiB range, in pages (HPAGE_PMD_NR is the same number)
const HPAGE_PMD_SIZE = 512;

// "if (likely(vma->vm_flags & VM_WRITE)) pmd = pmd_mkwrite(pmd, vma);" (pmd_mkwrite(pmd,
// vma) is x86's pmd_mkwrite_novma() without shadow stacks: the machine's pmd_mkwrite())
fn maybe_pmd_mkwrite(pmd, vma) source "mm/huge_memory.c:maybe_pmd_mkwrite@v6.12" {
    if vma->vm_flags & VM_WRITE {
        pmd = pmd_mkwrite(pmd);
    }
    return pmd;
}

// ---- mm/pgtable-generic.c (x86 overrides none of these) ----

// The table deposited with a huge leaf, for its split or zap to withdraw. The kernel keeps
// a list per PMD page (pmd_huge_pte(mm, pmd), chained through the ptdesc's lru); the model's
// mm has one PMD page and keeps one deposited table (a second huge leaf in one mm is not
// modelled). assert_spin_locked(pmd_lockptr(mm, pmdp)) is left out.
fn pgtable_trans_huge_deposit(mm, pmdp, pgtable) source "mm/pgtable-generic.c:pgtable_trans_huge_deposit@v6.12" {
    if mm->pmd_huge_pte != null {
        not_modelled(); // a second deposited table: the list through the ptdesc's lru
    }
    mm->pmd_huge_pte = pgtable;
}

// "no spinlock held here"? No: assert_spin_locked() (left out); FIFO of the list: here the
// one table.
fn pgtable_trans_huge_withdraw(mm, pmdp) source "mm/pgtable-generic.c:pgtable_trans_huge_withdraw@v6.12" {
    let pgtable = mm->pmd_huge_pte;
    mm->pmd_huge_pte = null;
    return pgtable;
}

// The leaf made not present but still pmd_trans_huge() (_PAGE_PSE kept), so that a lockless
// walker never sees the entry none meanwhile; the xchg keeps the A and D bits the MMU set.
// VM_WARN_ON_ONCE(!pmd_present(*pmdp)) is left out (a load of its own).
fn pmdp_invalidate(vma, address, pmdp) source "mm/pgtable-generic.c:pmdp_invalidate@v6.12" {
    // mutate: equivalent(swap-adjacent) not observable here: no path of the 6.12 tree calls pmdp_invalidate() (its 6.12 callers __split_huge_pmd_locked(), set_pmd_migration_entry() and madvise_free_huge_pmd() are not modelled); in the kernel a flush before the entry goes invalid lets another CPU refill the huge translation in between and keep it
    let old = pmdp_establish(vma, address, pmdp, pmd_mkinvalid(*pmdp));
    flush_pmd_tlb_range(vma, address, address + HPAGE_PMD_SIZE);
    return old;
}

// include/linux/pgtable.h: x86 has no __HAVE_ARCH_FLUSH_PMD_TLB_RANGE
fn flush_pmd_tlb_range(vma, addr, end) source "include/linux/pgtable.h:flush_pmd_tlb_range@v6.12" {
    // mutate: equivalent(delete-flush) not observable here: flush_pmd_tlb_range()'s only caller in the tree is pmdp_invalidate(), which no modelled path calls (the huge PMD split, set_pmd_migration_entry() and madvise_free_huge_pmd() are not modelled)
    flush_tlb_range(vma, addr, end);
}

// arch/x86/mm/pgtable.c: no flush ("#PF is architecturally guaranteed to do that").
fn pmdp_set_access_flags(vma, address, pmdp, entry, dirty) source "arch/x86/mm/pgtable.c:pmdp_set_access_flags@v6.12" {
    let changed = !pmd_same(*pmdp, entry);
    if changed && dirty {
        set_pmd_at(vma->vm_mm, address, pmdp, entry); // set_pmd()
    }
    return changed;
}

// ---- mm/huge_memory.c ----

// "Returns page table lock pointer if a given pmd maps a thp, NULL otherwise." is_swap_pmd()
// (no THP migration entries) and pmd_devmap() (no DAX) are never true here.
fn __pmd_trans_huge_lock(pmd, vma) source "mm/huge_memory.c:__pmd_trans_huge_lock@v6.12" {
    let ptl = pmd_lock(vma->vm_mm, pmd);
    if pmd_trans_huge(*pmd) {
        return ptl;
    }
    spin_unlock(ptl);
    return null;
}

// mm/huge_memory.c: the deposited table withdrawn and freed at once (pte_free(), not through
// the gather); mm_dec_nr_ptes() is left out.
fn zap_deposited_table(mm, pmd) source "mm/huge_memory.c:zap_deposited_table@v6.12" {
    let pgtable = pgtable_trans_huge_withdraw(mm, pmd);
    pte_free(mm, pgtable);
}

// The huge leaf cleared under the PMD lock, its folio's mapping dropped, its deposited table
// freed, and the folio queued in the gather (tlb_remove_page_size(), which flushes at once
// if the batch is full). tlb_change_page_size() (a no-op on x86), arch_check_zapped_pmd()
// (shadow stacks), vma_is_special_huge(), the huge zero folio, THP migration entries, file
// THPs and the RSS counters are left out.
fn zap_huge_pmd(tlb, vma, pmd, addr) source "mm/huge_memory.c:zap_huge_pmd@v6.12" {
    let ptl = __pmd_trans_huge_lock(pmd, vma);
    if ptl == null {
        return 0;
    }
    // "For architectures like ppc64 we look at deposited pgtable when calling
    // pmdp_huge_get_and_clear. So do the pgtable_trans_huge_withdraw after finishing pmdp
    // related operations." (pmdp_huge_get_and_clear_full())
    let orig_pmd = pmdp_huge_get_and_clear(tlb->mm, addr, pmd);
    tlb_remove_pmd_tlb_entry(tlb, pmd, addr);
    // pmd_present(orig_pmd)
    let page = pmd_page(orig_pmd);
    let folio = page_folio(page);
    // Ghost, not kernel code: the page is thrown away with its contents, as in
    // zap_pte_range().
    ghost_discard(vma, addr, page);
    folio_remove_rmap_pte(folio, page, vma); // folio_remove_rmap_pmd(): see the top of the file
    if folio_test_anon(folio) {
        zap_deposited_table(tlb->mm, pmd);
    }
    spin_unlock(ptl);
    // flush_needed: the folio goes to the gather, which flushes at once if its batch is full
    tlb_remove_page_size(tlb, folio_page(folio, 0), HPAGE_PMD_SIZE);
    return 1;
}

// Scenario set-up, not kernel code: a huge leaf of the scenario (`pmd X -> H`) has the table
// it replaced deposited, as __do_huge_pmd_anonymous_page() and khugepaged leave it.
fn scenario_huge_pmd(vma, addr, pgtable) source "mmcheck: scenario set-up for v6.12 THP" {
    vma->vm_mm->pmd_huge_pte = pgtable;
}
