// The IPI filter of 6db2526c1d69 ("x86/mm/tlb: Only trim the mm_cpumask once a second",
// v6.14-rc1), on the v5.10 flush: should_flush_tlb() in place of tlb_is_not_lazy(). A CPU in
// mm_cpumask() is skipped unless its loaded_mm is the flushed mm; the once-a-second trim
// (info->trim_cpumask, should_trim_cpumask()) is left out: false.
override fn tlb_is_not_lazy(cpu, data) source "arch/x86/mm/tlb.c:should_flush_tlb@6db2526c1d69" {
    let info = data;
    // Lazy TLB will get flushed at the next context switch.
    if per_cpu_ptr(&cpu_tlbstate, cpu)->is_lazy {
        return false;
    }
    // No mm means kernel memory flush.
    if info->mm == null {
        return true;
    }
    // The target mm is loaded, and the CPU is not lazy.
    if per_cpu_ptr(&cpu_tlbstate, cpu)->loaded_mm == info->mm {
        return true;
    }
    // In cpumask, but not the loaded mm? Periodically remove by flushing (trim_cpumask).
    return false;
}
