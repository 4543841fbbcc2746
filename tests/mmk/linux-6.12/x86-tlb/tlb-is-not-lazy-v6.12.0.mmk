// The IPI filter of 6.12.0 as released, before 6db2526c1d69's backport replaced it with
// should_flush_tlb(): every CPU of the cpumask that is not lazy gets the IPI. (Text from
// memory of v5.11..v6.13's arch/x86/mm/tlb.c, not read from a pinned tree; on_each_cpu_cond_mask()
// passes it the same (cpu, info) arguments.) 6.12.0 had no trim_cpumask: the flag this
// file's flush_tlb_mm_range() still computes is read by nobody here.
override fn should_flush_tlb(cpu, data) source "arch/x86/mm/tlb.c:tlb_is_not_lazy@v6.12 (6.12.0, before 6db2526c1d69's backport)" {
    return !per_cpu_ptr(&cpu_tlbstate_shared, cpu)->is_lazy;
}
