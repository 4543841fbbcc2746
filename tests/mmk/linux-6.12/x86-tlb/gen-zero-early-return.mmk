// flush_tlb_func() with aa44284960d5's early return ("x86/mm/tlb: Avoid reading mm_tlb_gen
// when possible", v6.0 merge window) as it was before 8f1d56f64f8d ("x86/mm/tlb: Ignore
// f->new_tlb_gen when zero") added the TLB_GENERATION_INVALID exception: a flush whose
// generation this CPU has reached (f->new_tlb_gen <= local_tlb_gen) returns before reading
// mm_tlb_gen, and the batched flush's generation 0 is always reached. The rest is
// models/arch/x86-tlb-v6.12.mmk's.
override fn flush_tlb_func(info) source "arch/x86/mm/tlb.c:flush_tlb_func@v6.12 with aa44284960d5's early return before 8f1d56f64f8d (v6.0-rc)" {
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
    // aa44284960d5: no "f->new_tlb_gen != TLB_GENERATION_INVALID &&"
    if new_tlb_gen <= local_tlb_gen {
        return;
    }
    let mm_tlb_gen = atomic_read(&loaded_mm->context_tlb_gen);
    if local_tlb_gen == mm_tlb_gen {
        return;
    }
    if end != TLB_FLUSH_ALL && new_tlb_gen == local_tlb_gen + 1 && new_tlb_gen == mm_tlb_gen {
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
