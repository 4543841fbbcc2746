// switch_mm_irqs_off() with LOADED_MM_SWITCHING stored before the cpumask and the tlb_gen
// read, as the stable backport of 83b0177a6c48 ("x86/mm: Fix check/use ordering in
// switch_mm_irqs_off()") has it for 6.1, 6.6 and 6.12: a flush either sees the switching CPU
// (and sends it the IPI) or the switch reads the new generation (and flushes), or both. The
// rest is the v5.10 model's.
override fn switch_mm_irqs_off(prev, next, tsk) source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v5.10 with the order of 83b0177a6c48's stable backport" {
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
        if !cpumask_test_cpu(cpu, mm_cpumask(next)) {
            cpumask_set_cpu(cpu, mm_cpumask(next));
        }
        if !was_lazy {
            return;
        }
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        if ts->ctx_tlb_gen[prev_asid] == next_tlb_gen {
            return;
        }
        new_asid = prev_asid;
        need_flush = true;
    } else {
        // Indicate that CR3 is about to change. nmi_uaccess_okay() and others are
        // sensitive to the window where mm_cpumask(), CR3 and cpu_tlbstate.loaded_mm are
        // not all in sync.
        ts->loaded_mm = null; // LOADED_MM_SWITCHING
        // Stop remote flushes for the previous mm (skip init_mm).
        if !ts->on_init_mm {
            cpumask_clear_cpu(cpu, mm_cpumask(real_prev));
        }
        ts->on_init_mm = 0;
        // Start remote flushes and then read tlb_gen.
        cpumask_set_cpu(cpu, mm_cpumask(next));
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
    }
    if need_flush {
        ts->ctx_id[new_asid] = next;
        ts->ctx_tlb_gen[new_asid] = next_tlb_gen;
        load_new_mm_cr3(next, new_asid, true);
    } else {
        load_new_mm_cr3(next, new_asid, false);
    }
    ts->loaded_mm = next;
    ts->loaded_mm_asid = new_asid;
}
