// GUP-fast racing munmap() of the address (6.12, models/linux-6.12/gup.mmk gup_fast()):
// munmap() frees the range's PTE table through the mmu_gather, which on x86 the TLB flush's
// IPI orders after every CPU's IRQs-off walk (gup_fast()'s local_irq_save()), so GUP-fast
// either pins the page first (the DMA then lands in a page the program unmapped: its own
// race) or finds the PMD entry none and falls back to the slow path, which finds no VMA.

import "gup-test-helpers.mmk";

test "6.12: GUP-fast racing munmap: a pin or a failure, never a freed table" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// The check that the scenario reaches the race: the same walk with IRQs left enabled (no
// kernel had this; GUP-fast has disabled IRQs since 2667f50e8b81's generic version and the
// x86 one before it) holds off nothing, and reads the PTE of the table munmap() freed.
test "6.12: GUP-fast with IRQs enabled reads a freed table (the scenario's check)" {
    kernel "linux-6.12";
    import "gup-fast-irqs-on.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(use_after_free);
}
