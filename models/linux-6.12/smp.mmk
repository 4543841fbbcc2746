// Function calls on other CPUs, kernel/smp.c of v5.10, over the machine's IPIs: each CPU has
// one call_single_data per other CPU (cfd_data's csd), __smp_call_single_queue() locks it,
// queues the call and sends the IPI, and csd_lock_wait() waits until the target has run it
// (the machine's rows, `mmcheck prims`). What is model code here is the loop over the mask.
//
// Left out: the fast path for a single target (smp_call_function_single() with its on-stack
// csd: the same queue, the same wait), CSD_TYPE_ASYNC calls, CPU hotplug
// (cpu_online_mask is every CPU), and the WARN_ON_ONCE()s about IRQs and task context (a
// sender with IRQs disabled that waits for a CPU doing the same is a deadlock here).

// include/linux/cpumask.h: a cpumask is one word of bits (at most 8 CPUs here).
fn cpumask_test_cpu(cpu, cpumask) source "include/linux/cpumask.h:cpumask_test_cpu@v5.10" {
    return test_bit(cpu, cpumask);
}

fn cpumask_set_cpu(cpu, dstp) source "include/linux/cpumask.h:cpumask_set_cpu@v5.10" {
    set_bit(cpu, dstp);
}

fn cpumask_clear_cpu(cpu, dstp) source "include/linux/cpumask.h:cpumask_clear_cpu@v5.10" {
    clear_bit(cpu, dstp);
}

// The first CPU of the mask other than `cpu`, or nr_cpu_ids: one read of the mask's word
// (find_first_bit() and find_next_bit() over a one-word bitmap).
fn cpumask_any_but(mask, cpu) source "include/linux/cpumask.h:cpumask_any_but@v5.10" {
    let bits = load_word(mask);
    let i = 0;
    while i < nr_cpu_ids() {
        if i != cpu && (bits & (1 << i)) != 0 {
            return i;
        }
        i += 1;
    }
    return nr_cpu_ids();
}

// The mask is read once, as cpumask_and(cfd->cpumask, mask, cpu_online_mask) does; then
// for each other CPU of it that cond_func accepts, the call is queued and the IPI sent
// (one __smp_call_single_queue() per CPU: the kernel queues them all, then sends one IPI
// to the whole mask, which the model cannot tell apart, since a CPU may take an IPI late);
// with `wait`, csd_lock_wait() on every CPU of the mask.
fn smp_call_function_many_cond(mask, func, info, wait, cond_func) source "kernel/smp.c:smp_call_function_many_cond@v5.10" {
    let this_cpu = smp_processor_id();
    let cpus = load_word(mask) & ~(1 << this_cpu);
    if cpus == 0 {
        return;
    }
    let cpu = 0;
    while cpu < nr_cpu_ids() {
        if (cpus & (1 << cpu)) != 0 {
            if cond_func == null || cond_func(cpu, info) {
                __smp_call_single_queue(cpu, func, info);
            }
        }
        cpu += 1;
    }
    if wait {
        cpu = 0;
        while cpu < nr_cpu_ids() {
            if (cpus & (1 << cpu)) != 0 {
                csd_lock_wait(cpu);
            }
            cpu += 1;
        }
    }
}

fn smp_call_function_many(mask, func, info, wait) source "kernel/smp.c:smp_call_function_many@v5.10" {
    smp_call_function_many_cond(mask, func, info, wait, null);
}

// get_cpu()/put_cpu() (preemption) are not modelled: a task never leaves its CPU.
fn on_each_cpu_cond_mask(cond_func, func, info, wait, mask) source "kernel/smp.c:on_each_cpu_cond_mask@v5.10" {
    let cpu = smp_processor_id();
    smp_call_function_many_cond(mask, func, info, wait, cond_func);
    if cpumask_test_cpu(cpu, mask) && cond_func(cpu, info) {
        let flags = local_irq_save();
        func(info);
        local_irq_restore(flags);
    }
}
