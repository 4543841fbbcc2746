// Test drivers for table-free-vs-gup-fast.mmk (not kernel code beyond what they name).

// free_pte_range() (mm/memory.c) for one empty PTE table, under an mmu_gather of its own as
// free_pgtables() runs under munmap's: the PMD entry cleared, the table queued with
// pte_free_tlb(), and tlb_finish_mmu() flushing and freeing.
fn free_table_gathered(addr) source "mmcheck: a test driver, mm/memory.c:free_pte_range@v6.12 under tlb_gather_mmu()/tlb_finish_mmu()" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let tlb = struct mmu_gather {};
    tlb_gather_mmu(&tlb, mm);
    let pmd = pmd_offset(mm, addr);
    let token = pmd_pgtable(*pmd);
    pmd_clear(pmd);
    pte_free_tlb(&tlb, token, addr);
    tlb_finish_mmu(&tlb);
    mmap_write_unlock(mm);
}

// gup_fast_pmd_range() and gup_fast_pte_range() for one PTE, IRQs disabled around the walk as
// gup_fast() does (local_irq_save()): the PMD entry read once, the PTE read through the table
// that value names; a present PTE would be pinned, here it is none.
fn gup_fast_pte(addr) source "mmcheck: a test driver, mm/gup.c:gup_fast_pte_range@v6.12 (one PTE, under gup_fast()'s local_irq_save())" {
    let mm = current_mm();
    let flags = local_irq_save();
    let pmdp = pmd_offset(mm, addr);
    let pmd = *pmdp; // pmdp_get_lockless()
    if !pmd_none(pmd) {
        let ptep = pte_offset_map(pmd, addr);
        let pte = *ptep; // ptep_get_lockless()
        assert(pte_none(pte));
    }
    local_irq_restore(flags);
}
