// A CPU in lazy TLB mode (x86, 6.12.y): it runs a kernel thread with the user mm still
// loaded, stays in mm_cpumask(), and flushes that free no page table skip it
// (should_flush_tlb(): cpu_tlbstate_shared.is_lazy). When it switches back to a task of the
// mm, switch_mm_irqs_off() clears is_lazy, reads tlb_gen and flushes the ASID if a skipped
// flush left it behind. Without that check, the CPU would return to user space with the
// entries the skipped flush was for.
//
// stale_tlb is checked with the x86 model's promise (stale_tlb_flush_owed()): the lazy CPU's
// entries are owed a flush while it is lazy or in its switch back (which marks it not lazy
// before it reads the generation: the ghost mmcheck_in_switch covers that window), and
// stale once it runs the mm again.

test "6.12: a lazy CPU skipped by a flush catches up when it switches back" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
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

test "6.12 mutated: a switch back that skips the generation check keeps the entries a skipped flush was for" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
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

// munmap() frees X's page table (free_pgtables(): tlb->freed_tables), so its flush goes to
// the lazy CPU too (native_flush_tlb_multi(): on_each_cpu_mask() when freed_tables): "to
// prevent CPUs in lazy TLB mode from tripping up on the new contents of what used to be
// page tables". The lazy CPU takes the IPI in flush_tlb_func(), switches to init_mm and
// leaves the mm's cpumask; its switch back to the mm finds its ASID slot behind and flushes.
// Its store then faults (SIGSEGV, not checked here: X is unmapped) rather than reach the
// freed page through its old entry.
test "6.12: a flush that frees page tables reaches the lazy CPU, which leaves for init_mm" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { munmap(X, 1); }
    cpu1 { context_switch_to_kthread(); context_switch(mm0); X = 9; }
    expect safe;
}
