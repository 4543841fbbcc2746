// switch_mm_irqs_off() of 6.12.40 as released (Xilinx/linux-xlnx 90b13e11, research note
// 612-x86-uffd section 1.2), before the stable backport of 83b0177a6c48 ("x86/mm: Fix
// check/use ordering in switch_mm_irqs_off()"): the LOADED_MM_SWITCHING store comes last in
// the branch that switches mms, after the cpumask updates, the tlb_gen read and
// choose_new_asid() ("the relevant code blocks are in the wrong order due to a bad rebase
// earlier", the backport's changelog; 6.12.0 had the same order, under the older comment
// "Let nmi_uaccess_okay() know that we're changing CR3."). So fea4e317f9e7's test of
// LOADED_MM_SWITCHING in should_flush_tlb() comes too late: a flush that reads the cpumask
// after the switching CPU set its bit, and that CPU's loaded_mm before it stored
// LOADED_MM_SWITCHING, skips it, while the switch read tlb_gen before the flush bumped it.
// The rest is models/arch/x86-tlb-v6.12.mmk's (same left-out parts, same ghost).
override fn switch_mm_irqs_off(unused, next, tsk) source "arch/x86/mm/tlb.c:switch_mm_irqs_off@6.12.40 (before 83b0177a6c48's stable backport)" {
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
        atomic {
            this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy = 0;
            ts->mmcheck_in_switch = 1; // ghost
        }
    }

    if prev == next {
        if prev != &init_mm && !cpumask_test_cpu(cpu, mm_cpumask(next)) {
            cpumask_set_cpu(cpu, mm_cpumask(next)); // WARN_ON_ONCE()
        }
        if !was_lazy {
            return;
        }
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        if ts->ctx_tlb_gen[prev_asid] == next_tlb_gen {
            ts->mmcheck_in_switch = 0; // ghost
            return;
        }
        new_asid = prev_asid;
        need_flush = true;
    } else {
        // (cond_mitigation(tsk): not modelled)

        // Stop remote flushes for the previous mm. Skip kernel threads; we never send
        // init_mm TLB flushing IPIs, but the bitmap manipulation can cause cache line
        // contention.
        if prev != &init_mm {
            cpumask_clear_cpu(cpu, mm_cpumask(prev));
        }

        // Start receiving IPIs and then read tlb_gen (and LAM below)
        cpumask_set_cpu(cpu, mm_cpumask(next));
        next_tlb_gen = atomic_read(&next->context_tlb_gen);

        atomic {
            choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
        }

        // Indicate that CR3 is about to change. nmi_uaccess_okay() and others are
        // sensitive to the window where mm_cpumask(), CR3 and cpu_tlbstate.loaded_mm are
        // not all in sync.
        ts->loaded_mm = null; // LOADED_MM_SWITCHING
        // barrier();
    }

    if need_flush {
        atomic {
            ts->ctx_id[new_asid] = next;
            ts->ctx_tlb_gen[new_asid] = next_tlb_gen;
            load_new_mm_cr3(next, new_asid, true);
        }
    } else {
        // The new ASID is already up to date.
        load_new_mm_cr3(next, new_asid, false);
    }

    // Make sure we write CR3 before loaded_mm.
    atomic {
        ts->loaded_mm = next;
        ts->mmcheck_in_switch = 0; // ghost
        ts->loaded_mm_asid = new_asid;
    }
}
