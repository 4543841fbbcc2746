// should_flush_tlb() as 6db2526c1d69 ("x86/mm/tlb: Only trim the mm_cpumask once a second",
// v6.14-rc1, backported to 6.12.y) wrote it, before fea4e317f9e7 ("x86/mm: Eliminate window
// where TLB flushes may be inadvertently skipped", CVE-2025-37964, also backported): a CPU in
// mm_cpumask() is skipped unless its loaded_mm is the flushed mm (or the once-a-second trim
// is due). No smp_rmb(), and no LOADED_MM_SWITCHING test: a CPU that has set its bit in the
// cpumask but not yet stored the new loaded_mm is skipped. (Its text is that of the
// 6.12.40 function without fea4e317f9e7's lines, as the fix's diff shows them; not read
// from a pinned tree.) The one read of the remote loaded_mm is a step of its own, after
// the is_lazy read, as in the C; the sender's own *info is read with is_lazy, as in the
// model's should_flush_tlb().
override fn should_flush_tlb(cpu, data) source "arch/x86/mm/tlb.c:should_flush_tlb@6db2526c1d69 (6.12.y before fea4e317f9e7's backport)" {
    let info = data;
    let is_lazy = 0;
    let mm = null;
    let trim_cpumask = 0;
    atomic {
        is_lazy = per_cpu_ptr(&cpu_tlbstate_shared, cpu)->is_lazy;
        mm = info->mm;
        trim_cpumask = info->trim_cpumask;
    }

    // Lazy TLB will get flushed at the next context switch.
    if is_lazy {
        return false;
    }

    // No mm means kernel memory flush.
    if mm == null {
        return true;
    }

    // The target mm is loaded, and the CPU is not lazy.
    if per_cpu_ptr(&cpu_tlbstate, cpu)->loaded_mm == mm {
        return true;
    }

    // In cpumask, but not the loaded mm? Periodically remove by flushing.
    if trim_cpumask {
        return true;
    }

    return false;
}
