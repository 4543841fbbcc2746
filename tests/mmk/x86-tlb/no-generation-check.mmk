// flush_tlb_func_common() of v5.10 without the first condition of its partial flush
// (f->new_tlb_gen == local_tlb_gen + 1), the mistake its own comment warns against: a
// mutant for flush-protocol.mmk.
override fn flush_tlb_func_common(f, local, reason) source "arch/x86/mm/tlb.c:flush_tlb_func_common@v5.10, mutated: no new_tlb_gen == local_tlb_gen + 1" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let loaded_mm = ts->loaded_mm;
    let mm_tlb_gen = atomic_read(&loaded_mm->context_tlb_gen);
    let local_tlb_gen = ts->ctx_tlb_gen[ts->loaded_mm_asid];
    if ts->is_lazy {
        not_modelled();
        return;
    }
    if local_tlb_gen == mm_tlb_gen {
        return;
    }
    if f->end != TLB_FLUSH_ALL && f->new_tlb_gen == mm_tlb_gen {
        let addr = f->start;
        while addr < f->end {
            __flush_tlb_one_user(addr);
            addr += 1 << f->stride_shift;
        }
    } else {
        flush_tlb_local();
    }
    ts->ctx_tlb_gen[ts->loaded_mm_asid] = mm_tlb_gen;
}
