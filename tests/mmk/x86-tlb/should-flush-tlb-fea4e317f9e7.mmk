// should_flush_tlb() with fea4e317f9e7 ("x86/mm: Eliminate window where TLB flushes may be
// inadvertently skipped", CVE-2025-37964): a CPU between its CR3 load and its loaded_mm
// store (LOADED_MM_SWITCHING) is flushed. The mm is read once, ordered against the switch's
// stores by smp_rmb() (every step is in program order here).
override fn tlb_is_not_lazy(cpu, data) source "arch/x86/mm/tlb.c:should_flush_tlb@fea4e317f9e7" {
    let info = data;
    let loaded_mm = per_cpu_ptr(&cpu_tlbstate, cpu)->loaded_mm;
    // Lazy TLB will get flushed at the next context switch.
    if per_cpu_ptr(&cpu_tlbstate, cpu)->is_lazy {
        return false;
    }
    // No mm means kernel memory flush.
    if info->mm == null {
        return true;
    }
    // While switching, the remote CPU could have state from either the prev or next mm.
    // Assume the worst and flush.
    if loaded_mm == null {
        return true; // LOADED_MM_SWITCHING
    }
    // The target mm is loaded, and the CPU is not lazy.
    if loaded_mm == info->mm {
        return true;
    }
    // In cpumask, but not the loaded mm? Periodically remove by flushing (trim_cpumask).
    return false;
}
