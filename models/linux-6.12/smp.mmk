// Function calls on other CPUs, kernel/smp.c of 6.12 (text from memory of 6.12's kernel/smp.c:
// no copy pinned to 6.12 was read; NOT pinned), over the machine's IPIs: each CPU has
// one call_single_data per other CPU (cfd_data's csd), __smp_call_single_queue() locks it,
// queues the call and sends the IPI, and csd_lock_wait() waits until the target has run it
// (the machine's rows, `mmcheck prims`). What is model code here is the loop over the mask.
//
// Left out: the fast path for a single target (smp_call_function_single() with its on-stack
// csd: the same queue, the same wait), CSD_TYPE_ASYNC calls, CPU hotplug
// (cpu_online_mask is every CPU), and the WARN_ON_ONCE()s about IRQs and task context (a
// sender with IRQs disabled that waits for a CPU doing the same is a deadlock here).

// include/linux/cpumask.h: a cpumask is one word of bits (at most 8 CPUs here).
fn cpumask_test_cpu(cpu, cpumask) source "include/linux/cpumask.h:cpumask_test_cpu@v6.12" {
    return test_bit(cpu, cpumask);
}

fn cpumask_set_cpu(cpu, dstp) source "include/linux/cpumask.h:cpumask_set_cpu@v6.12" {
    set_bit(cpu, dstp);
}

fn cpumask_clear_cpu(cpu, dstp) source "include/linux/cpumask.h:cpumask_clear_cpu@v6.12" {
    clear_bit(cpu, dstp);
}

// The first CPU of the mask other than `cpu`, or nr_cpu_ids: one read of the mask's word
// (find_first_bit() and find_next_bit() over a one-word bitmap).
fn cpumask_any_but(mask, cpu) source "include/linux/cpumask.h:cpumask_any_but@v6.12" {
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

// kernel/smp.c: the scf_flags of smp_call_function_many_cond()
const SCF_WAIT = 1;
const SCF_RUN_LOCAL = 2;

// The mask is read once, as cpumask_and(cfd->cpumask, mask, cpu_online_mask) does; then
// for each other CPU of it that cond_func accepts, the call is queued and the IPI sent
// (one __smp_call_single_queue() per CPU: the kernel queues them all, then sends one IPI
// to the whole mask, which the model cannot tell apart, since a CPU may take an IPI late);
// then this CPU's own call with SCF_RUN_LOCAL (IRQs off), then, with SCF_WAIT,
// csd_lock_wait() on every CPU it queued on. (6.12 waits only on the CPUs it queued a call
// on, cfd->cpumask after the cond_func filter.) The kernel reads the mask twice (the
// run_local test, then cpumask_and()); once here. Left out: the CSD lock debugging and the
// trace points.
fn smp_call_function_many_cond(mask, func, info, scf_flags, cond_func) source "kernel/smp.c:smp_call_function_many_cond@v6.12" {
    return smp_call_function_many_cond_bits(load_word(mask), func, info, scf_flags, cond_func);
}

// smp_call_function_many_cond() after its read of the mask (a word): also the body of
// smp_call_function(), whose mask is cpu_online_mask (every CPU here, not an object).
fn smp_call_function_many_cond_bits(mask_bits, func, info, scf_flags, cond_func) source "kernel/smp.c:smp_call_function_many_cond@v6.12 (after the mask is read)" {
    let this_cpu = smp_processor_id();
    let wait = (scf_flags & SCF_WAIT) != 0;
    let run_local = (scf_flags & SCF_RUN_LOCAL) != 0 && (mask_bits & (1 << this_cpu)) != 0 && (cond_func == null || cond_func(this_cpu, info));
    let cpus = mask_bits & ~(1 << this_cpu);
    let queued = 0;
    let cpu = 0;
    while cpu < nr_cpu_ids() {
        if (cpus & (1 << cpu)) != 0 {
            if cond_func == null || cond_func(cpu, info) {
                __smp_call_single_queue(cpu, func, info);
                queued = queued | (1 << cpu);
            }
        }
        cpu += 1;
    }
    if run_local {
        let flags = local_irq_save();
        func(info);
        local_irq_restore(flags);
    }
    if queued != 0 && wait {
        cpu = 0;
        while cpu < nr_cpu_ids() {
            if (queued & (1 << cpu)) != 0 {
                csd_lock_wait(cpu);
            }
            cpu += 1;
        }
    }
}

fn smp_call_function_many(mask, func, info, wait) source "kernel/smp.c:smp_call_function_many@v6.12" {
    let scf_flags = 0;
    if wait {
        scf_flags = SCF_WAIT;
    }
    smp_call_function_many_cond(mask, func, info, scf_flags, null);
}

// "Call a function on all other processors": cpu_online_mask is every CPU of the scenario.
// preempt_disable()/preempt_enable() are not modelled (a task never leaves its CPU).
fn smp_call_function(func, info, wait) source "kernel/smp.c:smp_call_function@v6.12" {
    let scf_flags = 0;
    if wait {
        scf_flags = SCF_WAIT;
    }
    smp_call_function_many_cond_bits((1 << nr_cpu_ids()) - 1, func, info, scf_flags, null);
}

// get_cpu()/put_cpu() (preemption) are not modelled: a task never leaves its CPU.
fn on_each_cpu_cond_mask(cond_func, func, info, wait, mask) source "kernel/smp.c:on_each_cpu_cond_mask@v6.12" {
    let scf_flags = SCF_RUN_LOCAL;
    if wait {
        scf_flags = scf_flags | SCF_WAIT;
    }
    smp_call_function_many_cond(mask, func, info, scf_flags, cond_func);
}
