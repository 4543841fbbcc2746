// Not a test: x86's page-table freeing before 9e52fc2b50de ("x86/mm: Enable RCU based page
// table freeing (CONFIG_HAVE_RCU_TABLE_FREE=y)", Vitaly Kuznetsov, v4.14): a PTE table is
// freed as soon as the TLB flush that follows its unlinking returns (___pte_free_tlb() ->
// tlb_remove_page(), freed with the gather's pages after tlb_flush_mmu_tlbonly()). That is
// safe for GUP-fast's IRQs-off walk only while the flush is an IPI the walker holds off; a
// paravirtual flush that sends none (Hyper-V's hypercall, 2ffd9e33ce4a, or Xen's) frees the
// table under the walker: "Accessing the page table itself safely also relies on disabled
// interrupts and TLB flush IPIs that don't happen with hypercalls, which was acknowledged in
// commit 9e52fc2b50de". The model writes it in free_pte_range(), for one table: unlink,
// flush, free. (The tree's own free goes through its mmu_gather, mmu_gather.mmk.)
override fn free_pte_range(tlb, pmd, addr) source "mm/memory.c:free_pte_range@v6.12 with x86's table free before 9e52fc2b50de (v4.13)" {
    let token = pmd_pgtable(*pmd);
    pmd_clear(pmd);
    // pte_free_tlb() -> tlb_remove_page(): freed once the gather's flush is done
    flush_tlb_mm(tlb->mm);
    pte_free(tlb->mm, token);
}
