// mm/huge_memory.c, and the THP parts of mm/pgtable-generic.c, include/linux/huge_mm.h and
// arch/x86, as of v5.10 (text read from a 5.10.13 tree): what every path needs of an
// anonymous transparent huge page mapped by a PMD leaf (khugepaged makes one, munmap zaps
// one, a scenario may declare one: `pmd X -> H`). The THP fault path, change_huge_pmd() and
// the split of a huge PMD are opt-in (models/opt-in/thp-v5.10.mmk): they would make every
// fault, mprotect and MADV_DONTNEED of the tree able to change PMD entries, and so cost
// every test PMD reads as steps of their own.
//
// The model's huge page is one frame, mapped at the first address of its 2 MiB range (the
// only address of the range a scenario may use). Its one _refcount and _mapcount stand for
// the compound page's: compound_mapcount, the subpages' counts and PG_double_map are not
// modelled.

// include/linux/huge_mm.h: a 2 MiB range, in pages (HPAGE_PMD_NR is the same number)
const HPAGE_PMD_SIZE = 512;

fn maybe_pmd_mkwrite(pmd, vma) source "mm/huge_memory.c:maybe_pmd_mkwrite@v5.10" {
    if vma->vm_flags & VM_WRITE {
        pmd = pmd_mkwrite(pmd);
    }
    return pmd;
}

// ---- mm/pgtable-generic.c (x86 overrides none of these) ----

// The table deposited with a huge leaf, for its split to withdraw. The kernel keeps a list
// per PMD page (pmd_huge_pte(mm, pmd), chained through page->lru); the model's mm has one
// PMD page and keeps one deposited table (a second huge leaf in one mm is not modelled).
// assert_spin_locked() is left out.
fn pgtable_trans_huge_deposit(mm, pmdp, pgtable) source "mm/pgtable-generic.c:pgtable_trans_huge_deposit@v5.10" {
    if mm->pmd_huge_pte != null {
        not_modelled(); // a second deposited table: the list through page->lru
    }
    mm->pmd_huge_pte = pgtable;
}

fn pgtable_trans_huge_withdraw(mm, pmdp) source "mm/pgtable-generic.c:pgtable_trans_huge_withdraw@v5.10" {
    let pgtable = mm->pmd_huge_pte;
    mm->pmd_huge_pte = null;
    return pgtable;
}

// The leaf made not present but still pmd_trans_huge() (_PAGE_PSE kept), so that a lockless
// walker never sees the entry none meanwhile; the xchg keeps the A and D bits the MMU set.
fn pmdp_invalidate(vma, address, pmdp) source "mm/pgtable-generic.c:pmdp_invalidate@v5.10" {
    let old = pmdp_establish(vma, address, pmdp, pmd_mkinvalid(*pmdp));
    flush_pmd_tlb_range(vma, address, address + HPAGE_PMD_SIZE);
    return old;
}

// include/linux/pgtable.h: x86 has no __HAVE_ARCH_FLUSH_PMD_TLB_RANGE
fn flush_pmd_tlb_range(vma, addr, end) source "include/linux/pgtable.h:flush_pmd_tlb_range@v5.10" {
    flush_tlb_range(vma, addr, end);
}

// arch/x86/mm/pgtable.c: no flush ("#PF is architecturally guaranteed to do that").
fn pmdp_set_access_flags(vma, address, pmdp, entry, dirty) source "arch/x86/mm/pgtable.c:pmdp_set_access_flags@v5.10" {
    let changed = !pmd_same(*pmdp, entry);
    if changed && dirty {
        set_pmd_at(vma->vm_mm, address, pmdp, entry); // set_pmd()
    }
    return changed;
}

// ---- mm/huge_memory.c ----

// is_swap_pmd() (no THP migration entries) and pmd_devmap() (no DAX) are never true here.
fn __pmd_trans_huge_lock(pmd, vma) source "mm/huge_memory.c:__pmd_trans_huge_lock@v5.10" {
    let ptl = pmd_lock(vma->vm_mm, pmd);
    if pmd_trans_huge(*pmd) {
        return ptl;
    }
    spin_unlock(ptl);
    return null;
}

// The huge leaf cleared under the PMD lock, its page queued in the gather and its deposited
// table freed. tlb_change_page_size(), vma_is_special_huge(), the huge zero page, THP
// migration entries, file THPs and the RSS counters are left out.
fn zap_huge_pmd(tlb, vma, pmd, addr) source "mm/huge_memory.c:zap_huge_pmd@v5.10" {
    let ptl = __pmd_trans_huge_lock(pmd, vma);
    if ptl == null {
        return 0;
    }
    // pmdp_huge_get_and_clear_full()
    let orig_pmd = pmdp_huge_get_and_clear(tlb->mm, addr, pmd);
    tlb_remove_pmd_tlb_entry(tlb, pmd, addr);
    // pmd_present(orig_pmd): no THP migration entries
    let page = pmd_page(orig_pmd);
    // Ghost, not kernel code: the page is thrown away with its contents, as in zap_pte_range().
    ghost_discard(vma, addr, page);
    // mutate: equivalent(swap-adjacent) the leaf is already cleared under the PMD lock, so no path can reach the page through it any more, and nothing in the tree reads a huge page's mapcount under the PMD lock: dropping the mapping inside or outside the lock changes nothing another CPU can see
    page_remove_rmap(page);
    // PageAnon(page): zap_deposited_table()
    let pgtable = pgtable_trans_huge_withdraw(tlb->mm, pmd);
    // mutate: equivalent(swap-adjacent) the withdrawn table is linked by no PMD entry and named by no deposit any more: no other CPU can reach it, so freeing it inside or outside the PMD lock is the same
    pte_free(tlb->mm, pgtable);
    spin_unlock(ptl);
    // tlb_remove_page_size(): flush now if the batch is full
    if __tlb_remove_page(tlb, page) {
        // mutate: equivalent(delete-flush) not observable here: a range holds one huge page in the model, and a batch has four slots, so munmap() never fills one with huge pages; a range with more huge pages (huge pages of more than one frame) would
        tlb_flush_mmu(tlb);
    }
    return 1;
}

// Scenario set-up, not kernel code: a huge leaf of the scenario (`pmd X -> H`) has the table
// it replaced deposited, as __do_huge_pmd_anonymous_page() and khugepaged leave it.
fn scenario_huge_pmd(vma, addr, pgtable) source "mmcheck: scenario set-up for v5.10 THP" {
    vma->vm_mm->pmd_huge_pte = pgtable;
}
