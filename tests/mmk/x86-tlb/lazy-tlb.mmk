// A CPU in lazy TLB mode (x86, v5.10): it runs a kernel thread with the user mm still
// loaded, stays in mm_cpumask(), and flushes that free no page table skip it
// (tlb_is_not_lazy()). When it switches back to a task of the mm, switch_mm_irqs_off() reads
// tlb_gen after marking itself not lazy and flushes the ASID if a skipped flush left it
// behind. Without that check, the CPU would return to user space with the entries the
// skipped flush was for.
//
// stale_tlb is not checked: switch_mm_irqs_off() marks the CPU not lazy before it reads the
// generation, so for a few steps the model's state says the CPU runs the mm with an ASID
// behind it, and the promise stale_tlb_flush_owed() reads (x86-tlb-v5.10.mmk) cannot tell
// that window from a CPU a flush skipped. The use of the stale entry is caught
// (use_after_free).

test "a lazy CPU skipped by a flush catches up when it switches back" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { context_switch_to_kthread(); context_switch(mm0); X = 9; }
    expect safe;
}

test "a switch back that skips the generation check keeps the entries a skipped flush was for" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "lazy-no-generation-check.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { context_switch_to_kthread(); context_switch(mm0); X = 9; }
    expect violation(use_after_free);
}
