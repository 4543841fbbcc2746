// switch_mm_irqs_off() of 6.12.y without its lazy-mode catch-up: a switch back to the mm a
// lazy CPU kept loaded returns as a switch between two threads of the process would, with no
// tlb_gen check. A mutant for lazy-tlb.mmk (the check came with b956575bed91's rework, v4.14:
// "Read the tlb_gen to check whether a flush is needed"). The rest is
// models/arch/x86-tlb-v6.12.mmk's.
override fn switch_mm_irqs_off(unused, next, tsk) source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v6.12, mutated: no tlb_gen check when leaving lazy mode" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let prev = null;
    let prev_asid = 0;
    let was_lazy = 0;
    let cpu = smp_processor_id();
    let next_tlb_gen = 0;
    let need_flush = false;
    let new_asid = 0;
    atomic {
        prev = ts->loaded_mm;
        prev_asid = ts->loaded_mm_asid;
        was_lazy = this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy;
    }
    if was_lazy {
        this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy = 0;
    }
    if prev == next {
        if prev != &init_mm && !cpumask_test_cpu(cpu, mm_cpumask(next)) {
            cpumask_set_cpu(cpu, mm_cpumask(next));
        }
        // mutated: a switch back from lazy mode is taken for a switch between threads
        return;
    } else {
        ts->loaded_mm = null; // LOADED_MM_SWITCHING
        if prev != &init_mm {
            cpumask_clear_cpu(cpu, mm_cpumask(prev));
        }
        cpumask_set_cpu(cpu, mm_cpumask(next));
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        atomic {
            choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
        }
    }
    if need_flush {
        atomic {
            ts->ctx_id[new_asid] = next;
            ts->ctx_tlb_gen[new_asid] = next_tlb_gen;
            load_new_mm_cr3(next, new_asid, true);
        }
    } else {
        load_new_mm_cr3(next, new_asid, false);
    }
    atomic {
        ts->loaded_mm = next;
        ts->loaded_mm_asid = new_asid;
    }
}
