// GUP-fast racing munmap() of the address (6.12). munmap() takes X out of the tree, zaps its
// PTE and frees the range's PTE table through the mmu_gather (vms_clear_ptes() ->
// free_pgtables() -> free_pte_range(): pmd_clear(), pte_free_tlb()), which frees the table
// only after tlb_finish_mmu()'s flush (and, with CONFIG_MMU_GATHER_RCU_TABLE_FREE, after an
// RCU grace period). GUP-fast walks with IRQs disabled and no lock (gup_fast():
// local_irq_save()), reading the PMD entry once and the PTE through the table it names, so
// the flush's IPI cannot complete while it walks: it either pins the page first (the DMA then
// lands in a page the program is unmapping: its own race) or finds the PMD entry none and
// falls back to the slow path, which finds no VMA.

import "munmap-test-helpers.mmk";

test "GUP-fast racing munmap: a pin or a failure, never a freed table" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// A paravirtual TLB flush (`knob tlb_broadcast`: the shootdown interrupts no CPU, so an
// IRQs-off walker holds nothing off) with the table freed as soon as the flush returns, as
// x86 did before 9e52fc2b50de: GUP-fast reads the PMD entry, munmap() clears it, flushes and
// frees the table, and GUP-fast reads the PTE through the freed table.
test "before 9e52fc2b50de, with a flush that sends no IPI: munmap() frees the PTE table under GUP-fast" {
    kernel "linux-6.12";
    import "free-table-after-flush-v4.13.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    knob tlb_broadcast;
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(use_after_free);
}

// The same flush, the same immediate free, but without the knob: the shootdown waits for
// GUP-fast's IRQs to come back on, so the v4.13 rule was safe on native x86.
test "before 9e52fc2b50de, on native x86 (the flush is an IPI): GUP-fast holds the flush off" {
    kernel "linux-6.12";
    import "free-table-after-flush-v4.13.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); assert_unmapped(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}
