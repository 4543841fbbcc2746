// A PTE table freed through the 6.12 mmu_gather while GUP-fast walks it. GUP-fast walks with
// IRQs disabled and no lock; the freeing side unlinks the table (pmd_clear()), queues it in
// the gather (pte_free_tlb()) and frees it only in tlb_finish_mmu(), after the flush.
//
// - Native x86 (pv_ops.mmu.tlb_remove_table = tlb_remove_page): the table rides the page
//   batch and is freed after the flush, whose shootdown IPI waits for the walker to enable
//   IRQs again.
// - A KVM guest with the PV TLB flush, whose flush does not interrupt a preempted vCPU
//   (`knob tlb_broadcast`: a shootdown waits for no CPU): the IPI no longer holds the free
//   off, so pv_ops.mmu.tlb_remove_table is tlb_remove_table() (CONFIG_MMU_GATHER_RCU_TABLE_FREE):
//   the table is freed after a grace period (modelled as tlb_remove_table_sync_one()'s IPI,
//   see mmu_gather.mmk), or, when no page comes for the table batch, by
//   tlb_remove_table_one(): tlb_remove_table_sync_one(), then the free.
//
// The freeing side is free_pte_range() for one empty table under its own mmu_gather (a test
// driver: munmap's free_pgtables() does the same for every table under the unmapped VMAs).
// Invariants: the walker must never read a freed table.

test "6.12 native: the table rides the page batch, the flush IPI waits for the IRQs-off walker" {
    kernel "linux-6.12";
    import "table-free-helpers.mmk";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table_gathered(X); }
    cpu1 { gup_fast_pte(X); }
    expect safe;
}

// Why a PV guest needs the RCU table free: the native choice under a flush that skips the
// walker's vCPU frees the table under it.
test "6.12 native table freeing under a PV TLB flush: the walker reads a freed table" {
    kernel "linux-6.12";
    import "table-free-helpers.mmk";
    knob tlb_broadcast;
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table_gathered(X); }
    cpu1 { gup_fast_pte(X); }
    expect violation(use_after_free);
}

// The PV guest as 6.12 runs it: tlb_remove_table(), with or without a page for the table
// batch (get_free_page_nowait() is explored both ways).
test "6.12 PV guest: tlb_remove_table() waits for the IRQs-off walker before the free" {
    kernel "linux-6.12";
    import "table-free-helpers.mmk";
    import "pv-tlb-remove-table.mmk";
    knob tlb_broadcast;
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table_gathered(X); }
    cpu1 { gup_fast_pte(X); }
    expect safe;
}

// tlb_remove_table_one() without its tlb_remove_table_sync_one(): the fallback frees the
// table right after a flush the walker does not hold off. The rule is the one 2ba99c5e0881
// ("mm/khugepaged: fix GUP-fast interaction by sending IPI", Jann Horn, v6.1) restored in
// khugepaged: with a flush that need not IPI every CPU, only this IPI orders the free after
// every IRQs-off walk that could still see the table. (A mutation in that territory: the
// fallback has had the IPI since it was written; no bug of this line was found.)
test "mutation: the fallback tlb_remove_table_one() frees without the IPI" {
    kernel "linux-6.12";
    import "table-free-helpers.mmk";
    import "pv-tlb-remove-table.mmk";
    import "no-table-sync.mmk";
    knob tlb_broadcast;
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table_gathered(X); }
    cpu1 { gup_fast_pte(X); }
    expect violation(use_after_free);
}
