// A CPU in lazy TLB mode (x86, v5.10): it runs a kernel thread with the user mm still
// loaded, stays in mm_cpumask(), and flushes that free no page table skip it
// (tlb_is_not_lazy()). When it switches back to a task of the mm, switch_mm_irqs_off() reads
// tlb_gen after marking itself not lazy and flushes the ASID if a skipped flush left it
// behind. Without that check, the CPU would return to user space with the entries the
// skipped flush was for.
//
// stale_tlb is checked with the x86 model's promise (stale_tlb_flush_owed()): the lazy CPU's
// entries are owed a flush while it is lazy or in its switch back (which marks it not lazy
// before it reads the generation: the ghost mmcheck_in_switch covers that window), and
// stale once it runs the mm again.

test "a lazy CPU skipped by a flush catches up when it switches back" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
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
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { context_switch_to_kthread(); context_switch(mm0); X = 9; }
    expect violation(use_after_free);
}
