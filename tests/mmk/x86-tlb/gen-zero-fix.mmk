// flush_tlb_func_common() of v5.10 with aa44284960d5's early return and 8f1d56f64f8d's fix:
// generation 0 (TLB_GENERATION_INVALID, the batched flush's) never returns early. The fixed
// form, for tlb-gen-zero.mmk.
const TLB_GENERATION_INVALID = 0;
override fn flush_tlb_func_common(f, local, reason) source "arch/x86/mm/tlb.c:flush_tlb_func_common@v5.10 with aa44284960d5 and its fix 8f1d56f64f8d (v6.0-rc)" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let loaded_mm = ts->loaded_mm;
    let local_tlb_gen = ts->ctx_tlb_gen[ts->loaded_mm_asid];
    if ts->is_lazy {
        not_modelled();
        return;
    }
    if f->new_tlb_gen != TLB_GENERATION_INVALID && f->new_tlb_gen <= local_tlb_gen {
        return;
    }
    let mm_tlb_gen = atomic_read(&loaded_mm->context_tlb_gen);
    if local_tlb_gen == mm_tlb_gen {
        return;
    }
    if f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_tlb_gen + 1 && f->new_tlb_gen == mm_tlb_gen {
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
