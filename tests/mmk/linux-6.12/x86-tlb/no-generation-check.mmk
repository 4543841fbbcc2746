// flush_tlb_func() of 6.12 without the first condition of its partial flush
// (f->new_tlb_gen == local_tlb_gen + 1), the mistake its own comment warns against ("we'd
// update local_tlb_gen above 1 without the full flush that's needed for tlb_gen 2"): a
// mutant for flush-protocol.mmk. The rest is models/arch/x86-tlb-v6.12.mmk's.
override fn flush_tlb_func(info) source "arch/x86/mm/tlb.c:flush_tlb_func@v6.12, mutated: no new_tlb_gen == local_tlb_gen + 1" {
    let f = info;
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let loaded_mm = null;
    let loaded_mm_asid = 0;
    let local_tlb_gen = 0;
    let local = false;
    let fmm = null;
    let is_lazy = 0;
    let new_tlb_gen = 0;
    let start = 0;
    let end = 0;
    let stride_shift = 0;
    atomic {
        loaded_mm = ts->loaded_mm;
        loaded_mm_asid = ts->loaded_mm_asid;
        local_tlb_gen = ts->ctx_tlb_gen[loaded_mm_asid];
        local = smp_processor_id() == f->initiating_cpu;
        fmm = f->mm;
        is_lazy = this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy;
        new_tlb_gen = f->new_tlb_gen;
        start = f->range_start;
        end = f->range_end;
        stride_shift = f->stride_shift;
    }
    if !local {
        if fmm != null && fmm != loaded_mm {
            return;
        }
    }
    if loaded_mm == &init_mm {
        return;
    }
    if is_lazy {
        switch_mm_irqs_off_to_init_mm();
        return;
    }
    if new_tlb_gen != TLB_GENERATION_INVALID && new_tlb_gen <= local_tlb_gen {
        return;
    }
    let mm_tlb_gen = atomic_read(&loaded_mm->context_tlb_gen);
    if local_tlb_gen == mm_tlb_gen {
        return;
    }
    // mutated: no "f->new_tlb_gen == local_tlb_gen + 1 &&"
    if end != TLB_FLUSH_ALL && new_tlb_gen == mm_tlb_gen {
        let addr = start;
        while addr < end {
            flush_tlb_one_user(addr);
            addr += 1 << stride_shift;
        }
    } else {
        flush_tlb_local();
    }
    ts->ctx_tlb_gen[loaded_mm_asid] = mm_tlb_gen;
}
