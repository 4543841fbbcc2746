// A mutation (not a kernel version): tlb_remove_table_one() frees the table without
// tlb_remove_table_sync_one().
override fn tlb_remove_table_one(mm, table) source "mm/mmu_gather.c:tlb_remove_table_one@v6.12, mutated: no tlb_remove_table_sync_one()" {
    __tlb_remove_table(mm, table);
}
