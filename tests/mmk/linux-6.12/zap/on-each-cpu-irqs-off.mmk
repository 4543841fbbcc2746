// on_each_cpu_cond_mask() (kernel/smp.c of 6.12, models/linux-6.12/smp.mmk), the call x86's
// TLB shootdown makes (native_flush_tlb_multi(): on_each_cpu_cond_mask(should_flush_tlb,
// flush_tlb_func, ...)): the function runs on every CPU of the mask that cond_func accepts,
// the calling CPU included (SCF_RUN_LOCAL), and always with IRQs disabled: in the other CPUs'
// IPI handlers, and on the caller between local_irq_save() and local_irq_restore().
// flush_tlb_func() relies on it (lockdep_assert_irqs_disabled(): an IPI taken in the middle
// of a local flush would run another flush on a half-updated cpu_tlbstate). With wait, every
// CPU has run it when the call returns.
struct on_each_cpu_test {
    mask: bits;
    ran: int;
}
global t: on_each_cpu_test;

// The function: the shootdown handler's contract, then a count of the CPUs that ran it.
fn flush_like_func(info) source "mmcheck: a test function, arch/x86/mm/tlb.c:flush_tlb_func@v6.12's lockdep_assert_irqs_disabled()" {
    BUG_ON(!irqs_disabled());
    atomic {
        t.ran = t.ran + 1;
    }
}

fn call_on_each_cpu(ncpus) source "mmcheck: a test driver, on_each_cpu_cond_mask() over every CPU, with wait" {
    let cpu = 0;
    while cpu < ncpus {
        set_bit(cpu, &t.mask);
        cpu += 1;
    }
    on_each_cpu_cond_mask(null, flush_like_func, null, true, &t.mask);
    assert(t.ran == ncpus);
}

test "6.12: on_each_cpu_cond_mask() runs the function on every CPU, the caller's with IRQs off" {
    kernel "linux-6.12";
    invariants: assertion, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { call_on_each_cpu(2); }
    cpu1 { X = 1; }
    expect safe;
}
