// switch_mm_irqs_off() of v5.10 without its lazy-mode catch-up: a switch back to the mm a
// lazy CPU kept loaded returns as a switch between two threads of the process would, with no
// tlb_gen check. A mutant for lazy-tlb.mmk (the check of b956575bed91's rework, v4.14, and
// its "smp_mb(); next_tlb_gen = atomic64_read(...)" since).
override fn switch_mm_irqs_off(prev, next, tsk) source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v5.10, mutated: no tlb_gen check when leaving lazy mode" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let real_prev = ts->loaded_mm;
    let prev_asid = ts->loaded_mm_asid;
    let was_lazy = ts->is_lazy;
    let cpu = smp_processor_id();
    let next_tlb_gen = 0;
    let need_flush = false;
    let new_asid = 0;
    ts->is_lazy = 0;
    if real_prev == next {
        // Even in lazy TLB mode, the CPU should stay set in the mm_cpumask.
        if !cpumask_test_cpu(cpu, mm_cpumask(next)) {
            cpumask_set_cpu(cpu, mm_cpumask(next)); // WARN_ON_ONCE()
        }
        // mutated: a switch back from lazy mode is taken for a switch between threads
        return;
    } else {
        // Stop remote flushes for the previous mm (skip init_mm).
        if !ts->on_init_mm {
            cpumask_clear_cpu(cpu, mm_cpumask(real_prev));
        }
        ts->on_init_mm = 0;
        // Start remote flushes and then read tlb_gen.
        cpumask_set_cpu(cpu, mm_cpumask(next));
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
        // Let nmi_uaccess_okay() know that we're changing CR3.
        ts->loaded_mm = null; // LOADED_MM_SWITCHING
    }
    if need_flush {
        ts->ctx_id[new_asid] = next;
        ts->ctx_tlb_gen[new_asid] = next_tlb_gen;
        load_new_mm_cr3(next, new_asid, true);
    } else {
        // The new ASID is already up to date.
        load_new_mm_cr3(next, new_asid, false);
    }
    // Make sure we write CR3 before loaded_mm.
    ts->loaded_mm = next;
    ts->loaded_mm_asid = new_asid;
}
