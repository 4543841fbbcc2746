// GUP-fast racing munmap() of the address (v5.10): munmap() frees the range's PTE table
// through the mmu_gather (free_pgtables() -> pte_free_tlb()), which on x86 the TLB flush's
// IPI orders after every CPU's IRQs-off walk, so GUP-fast either pins the page first (the
// DMA then lands in a page the program unmapped: its own race) or finds the PMD entry none
// and falls back to the slow path, which finds no VMA.

import "gup-test-helpers.mmk";

test "GUP-fast racing munmap: a pin or a failure, never a freed table" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

