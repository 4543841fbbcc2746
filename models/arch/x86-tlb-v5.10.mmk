// The x86 TLB shootdown of v5.10 as kernel code (arch/x86/mm/tlb.c,
// arch/x86/include/asm/tlbflush.h and tlb.h), in place of the machine's synchronous
// shootdown: a test that imports this file checks the flush protocol itself. Each flush
// bumps mm->context.tlb_gen, flushes this CPU with IRQs disabled, and sends an IPI to the
// other CPUs of mm_cpumask() that are not lazy (kernel/smp.c, models/linux-5.10/smp.mmk);
// each CPU flushes the range (INVLPG) or everything (a CR3 write), as far as its own
// generation tells it, and records the generation it caught up to.
//
//     import "arch/x86-tlb-v5.10.mmk";
//
// The machine provides the hardware: __flush_tlb_one_user() (INVLPG on this CPU),
// flush_tlb_local() (a CR3 write), the IPIs. Read against v5.10.13's sources (the same
// functions as v5.10.0's).
//
// PCID is on: each CPU keeps TLB_NR_DYN_ASIDS ASID slots (ctxs[]), each naming an mm and
// the generation it caught up to; the machine tags TLB entries by mm, as the PCID does, so
// a CR3 load without a flush (switch_mm()) keeps an mm's entries for its next switch-in, and
// one with a flush (flush_tlb_local() after it) drops them. context_switch() runs
// switch_mm_irqs_off() with IRQs disabled, between the scenario's address spaces.
//
// A CPU can run a kernel thread (context_switch_to_kthread()): lazy TLB mode, the user mm
// still loaded, skipped by flushes that free no page table, caught up when it switches back.
// A lazy CPU that takes a flush IPI (queued before it went lazy, or for freed page tables)
// switches to init_mm, which has no user mappings: loaded_mm is null with on_init_mm set,
// and the machine's CPU keeps the user mm's PCID entries. Left out: init_mm's own ASID slot
// and kernel mappings, leave_mm(), kernel-address flushes, PTI's
// user ASIDs and invalidate_other, IBPB, the LDT and CR4 reloads, paravirt flushes, the
// tlb_flush trace points and vm-event counters, and the CONFIG_DEBUG_VM reentrancy check of
// get_flush_tlb_info().

// arch/x86/include/asm/tlbflush.h: the model's addresses count pages (PAGE_SIZE is 1).
const PAGE_SHIFT = 0;
const TLB_LOCAL_SHOOTDOWN = 0;
const TLB_LOCAL_MM_SHOOTDOWN = 1;
const TLB_REMOTE_SHOOTDOWN = 2;

// arch/x86/mm/tlb.c: in pages.
const tlb_single_page_flush_ceiling = 33;

// arch/x86/include/asm/tlbflush.h: struct tlb_state, the fields the flush and the switch
// read. ctxs[asid] is two arrays: ctx_id[asid] (the mm itself, which a ctx_id names
// uniquely) and ctx_tlb_gen[asid]. is_lazy is cpu_tlbstate_shared's in later kernels.
const TLB_NR_DYN_ASIDS = 6;
struct tlb_state source "arch/x86/include/asm/tlbflush.h:struct tlb_state@v5.10" {
    loaded_mm: handle;
    loaded_mm_asid: int;
    next_asid: int;
    is_lazy: int;
    // not the kernel's: loaded_mm is &init_mm (which is not modelled: loaded_mm is null then)
    on_init_mm: int;
    // not the kernel's: a ghost for stale_tlb_flush_owed(), set while switch_mm_irqs_off()
    // runs (IRQs off, no user code), in the same steps as its first and last stores
    mmcheck_in_switch: int;
    ctx_id: handle[6];
    ctx_tlb_gen: int[6];
}

// LOADED_MM_SWITCHING, (struct mm_struct *)1UL in the kernel: a CPU between its CR3 load
// and its loaded_mm store. null here, which no CPU has as its loaded mm otherwise (init_mm
// is not modelled).

percpu cpu_tlbstate: tlb_state;

// (end starts at TLB_FLUSH_ALL for full_flush_tlb_info below; get_flush_tlb_info() writes
// every field of the per-CPU one before it is used.)
struct flush_tlb_info source "arch/x86/include/asm/tlbflush.h:struct flush_tlb_info@v5.10" {
    mm: handle;
    start: int;
    end: int = -1;
    new_tlb_gen: int;
    stride_shift: int;
    freed_tables: int;
}

// arch/x86/mm/tlb.c: DEFINE_PER_CPU_SHARED_ALIGNED(struct flush_tlb_info, flush_tlb_info)
percpu flush_tlb_info_pcpu: flush_tlb_info;

// Every CPU runs a task of its mm, not lazy, caught up with its generation in ASID 0: what
// switch_mm_irqs_off() left when it loaded the mm.
fn scenario_cpu(cpu, mm) source "mmcheck: scenario set-up for the x86 flush protocol of v5.10" {
    let ts = per_cpu_ptr(&cpu_tlbstate, cpu);
    ts->loaded_mm = mm;
    ts->loaded_mm_asid = 0;
    ts->next_asid = 1;
    ts->is_lazy = 0;
    ts->ctx_id[0] = mm;
    ts->ctx_tlb_gen[0] = atomic_read(&mm->context_tlb_gen);
    cpumask_set_cpu(cpu, mm_cpumask(mm));
}

// Each other address space the scenario declares: the CPU ran a task of it before, and its
// PCID still holds that mm's entries (the scenario's TLB entries for it), caught up with its
// generation, in the next ASID slot (choose_new_asid()'s allocation); not in its cpumask.
fn scenario_cpu_other_mm(cpu, mm) source "mmcheck: scenario set-up for the x86 flush protocol of v5.10" {
    let ts = per_cpu_ptr(&cpu_tlbstate, cpu);
    let asid = ts->next_asid;
    ts->next_asid = asid + 1;
    ts->ctx_id[asid] = mm;
    ts->ctx_tlb_gen[asid] = atomic_read(&mm->context_tlb_gen);
}

// Ghost for the machine's stale_tlb check, not kernel code: the promise that cpu flushes mm's
// entries before it runs mm's user code again, so that an entry kept under mm's PCID is not
// stale yet. It holds unless cpu runs mm now (loaded and not lazy): the switch back
// (switch_mm_irqs_off()) takes a fresh ASID slot, and flushes it, when no slot names mm, and
// flushes the slot that does when its generation is behind mm's; a lazy CPU's switch back
// compares the same generation. A CPU in the middle of its switch (mmcheck_in_switch: IRQs
// off, no user code; the lazy switch back marks itself not lazy before it reads the
// generation) decides there whether to flush (need_flush, a local). A switch that skips the
// flush is then caught as soon as it ends with the CPU running mm with the entry.
fn stale_tlb_flush_owed(cpu, mm) source "ghost: the flush x86's switch_mm_irqs_off() owes at switch-in, v5.10" {
    let ts = per_cpu_ptr(&cpu_tlbstate, cpu);
    // (LOADED_MM_SWITCHING says the same, for a switch_mm_irqs_off() that an override writes
    // without the ghost)
    if ts->mmcheck_in_switch || (ts->loaded_mm == null && !ts->on_init_mm) {
        return;
    }
    assert(ts->loaded_mm != mm || ts->is_lazy);
    let asid = 0;
    while asid < TLB_NR_DYN_ASIDS {
        if ts->ctx_id[asid] == mm {
            assert(ts->ctx_tlb_gen[asid] < atomic_read(&mm->context_tlb_gen));
            return;
        }
        asid += 1;
    }
}

// include/linux/mm_types.h
fn mm_cpumask(mm) source "include/linux/mm_types.h:mm_cpumask@v5.10" {
    return &mm->cpu_bitmap;
}

// arch/x86/include/asm/tlbflush.h: also the full barrier that orders the caller's PTE
// writes before its read of mm_cpumask() (every step here is in program order).
fn inc_mm_tlb_gen(mm) source "arch/x86/include/asm/tlbflush.h:inc_mm_tlb_gen@v5.10" {
    return atomic_add_return(1, &mm->context_tlb_gen);
}

// The three generations of its comment: mm_tlb_gen (the latest), local_tlb_gen (what this
// CPU caught up to), f->new_tlb_gen (what the requester wants). Left out: the init_mm
// check, the VM_WARN_ON()s and WARN_ON_ONCE()s.
fn flush_tlb_func_common(f, local, reason) source "arch/x86/mm/tlb.c:flush_tlb_func_common@v5.10" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let loaded_mm = ts->loaded_mm;
    let loaded_mm_asid = ts->loaded_mm_asid;
    let mm_tlb_gen = atomic_read(&loaded_mm->context_tlb_gen);
    let local_tlb_gen = ts->ctx_tlb_gen[loaded_mm_asid];

    if ts->is_lazy {
        // We're in lazy mode. We need to at least flush our paging-structure cache to avoid
        // speculatively reading garbage into our TLB. Since switching to init_mm is barely
        // slower than a minimal flush, just switch to init_mm.
        switch_mm_irqs_off_to_init_mm();
        return;
    }

    if local_tlb_gen == mm_tlb_gen {
        // already up to date: an earlier flush caught this CPU all the way up
        return;
    }

    // A partial flush only if it is exactly the next generation's (1.) and brings this CPU
    // fully up to date (2.); else a full flush.
    if f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_tlb_gen + 1 && f->new_tlb_gen == mm_tlb_gen {
        let addr = f->start;
        while addr < f->end {
            __flush_tlb_one_user(addr);
            addr += 1 << f->stride_shift;
        }
    } else {
        flush_tlb_local();
    }

    // Both paths above update our state to mm_tlb_gen.
    ts->ctx_tlb_gen[loaded_mm_asid] = mm_tlb_gen;
}

fn flush_tlb_func_local(info, reason) source "arch/x86/mm/tlb.c:flush_tlb_func_local@v5.10" {
    flush_tlb_func_common(info, true, reason);
}

// The IPI handler. (inc_irq_stat() and the vm-event count are left out.)
fn flush_tlb_func_remote(info) source "arch/x86/mm/tlb.c:flush_tlb_func_remote@v5.10" {
    let f = info;
    if f->mm != null && f->mm != this_cpu_ptr(&cpu_tlbstate)->loaded_mm {
        return;
    }
    flush_tlb_func_common(f, false, TLB_REMOTE_SHOOTDOWN);
}

fn tlb_is_not_lazy(cpu, data) source "arch/x86/mm/tlb.c:tlb_is_not_lazy@v5.10" {
    return !per_cpu_ptr(&cpu_tlbstate, cpu)->is_lazy;
}

// A CPU in lazy TLB mode gets no IPI unless page tables were freed (it flushes at its next
// switch; its speculative walks must not reach freed tables).
fn native_flush_tlb_others(cpumask, info) source "arch/x86/mm/tlb.c:native_flush_tlb_others@v5.10" {
    if info->freed_tables {
        smp_call_function_many(cpumask, flush_tlb_func_remote, info, true);
    } else {
        on_each_cpu_cond_mask(tlb_is_not_lazy, flush_tlb_func_remote, info, true, cpumask);
    }
}

fn flush_tlb_others(cpumask, info) source "arch/x86/mm/tlb.c:flush_tlb_others@v5.10" {
    native_flush_tlb_others(cpumask, info);
}

fn get_flush_tlb_info(mm, start, end, stride_shift, freed_tables, new_tlb_gen) source "arch/x86/mm/tlb.c:get_flush_tlb_info@v5.10" {
    let info = this_cpu_ptr(&flush_tlb_info_pcpu);
    info->start = start;
    info->end = end;
    info->mm = mm;
    info->stride_shift = stride_shift;
    info->freed_tables = freed_tables;
    info->new_tlb_gen = new_tlb_gen;
    return info;
}

// get_cpu()/put_cpu() and put_flush_tlb_info() (CONFIG_DEBUG_VM bookkeeping) are left out.
fn flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables) source "arch/x86/mm/tlb.c:flush_tlb_mm_range@v5.10" {
    let cpu = smp_processor_id();

    // Should we flush just the requested range?
    if end == TLB_FLUSH_ALL || ((end - start) >> stride_shift) > tlb_single_page_flush_ceiling {
        start = 0;
        end = TLB_FLUSH_ALL;
    }

    // This is also a barrier that synchronizes with switch_mm().
    let new_tlb_gen = inc_mm_tlb_gen(mm);

    let info = get_flush_tlb_info(mm, start, end, stride_shift, freed_tables, new_tlb_gen);

    if mm == this_cpu_ptr(&cpu_tlbstate)->loaded_mm {
        local_irq_disable();
        flush_tlb_func_local(info, TLB_LOCAL_MM_SHOOTDOWN);
        local_irq_enable();
    }

    if cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids() {
        flush_tlb_others(mm_cpumask(mm), info);
    }
}

// arch/x86/include/asm/tlbflush.h: the three flushes the generic code calls, in place of
// the machine's synchronous shootdowns. (No VM_HUGETLB VMAs: the stride is PAGE_SHIFT.)
override fn flush_tlb_page(vma, a) source "arch/x86/include/asm/tlbflush.h:flush_tlb_page@v5.10" {
    flush_tlb_mm_range(vma->vm_mm, a, a + PAGE_SIZE, PAGE_SHIFT, false);
}

override fn flush_tlb_range(vma, start, end) source "arch/x86/include/asm/tlbflush.h:flush_tlb_range@v5.10" {
    flush_tlb_mm_range(vma->vm_mm, start, end, PAGE_SHIFT, false);
}

override fn flush_tlb_mm(mm) source "arch/x86/include/asm/tlbflush.h:flush_tlb_mm@v5.10" {
    flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, 0, true);
}

// arch/x86/include/asm/tlb.h: the mmu_gather's flush (tlb_get_unmap_shift() is PAGE_SHIFT
// here: no huge pages).
override fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v5.10" {
    let start = 0;
    let end = TLB_FLUSH_ALL;
    let stride_shift = PAGE_SHIFT;
    if !tlb->fullmm && !tlb->need_flush_all {
        start = tlb->start;
        end = tlb->end;
    }
    flush_tlb_mm_range(tlb->mm, start, end, stride_shift, tlb->freed_tables);
}

// ---- the batched unmap flush (CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) ----

// struct tlbflush_unmap_batch (include/linux/sched.h; its arch part,
// arch/x86/include/asm/tlbbatch.h, is a cpumask): current->tlb_ubc, one per task, so one
// per CPU here.
struct tlbflush_unmap_batch source "include/linux/sched.h:struct tlbflush_unmap_batch@v5.10" {
    cpumask: bits;
    flush_required: int;
    writable: int;
}

percpu tlb_ubc: tlbflush_unmap_batch;

// arch_tlbbatch_flush()'s flush_tlb_info (static const full_flush_tlb_info): mm NULL, start
// 0, end TLB_FLUSH_ALL, and new_tlb_gen 0, which it does not set.
global full_flush_tlb_info: flush_tlb_info;

fn arch_tlbbatch_add_mm(batch, mm) source "arch/x86/include/asm/tlbflush.h:arch_tlbbatch_add_mm@v5.10" {
    inc_mm_tlb_gen(mm);
    // cpumask_or(&batch->cpumask, &batch->cpumask, mm_cpumask(mm))
    let bits = load_word(&batch->cpumask) | load_word(mm_cpumask(mm));
    batch->cpumask = bits;
}

// get_cpu()/put_cpu() are left out.
fn arch_tlbbatch_flush(batch) source "arch/x86/mm/tlb.c:arch_tlbbatch_flush@v5.10" {
    let cpu = smp_processor_id();
    if cpumask_test_cpu(cpu, &batch->cpumask) {
        local_irq_disable();
        flush_tlb_func_local(&full_flush_tlb_info, TLB_LOCAL_SHOOTDOWN);
        local_irq_enable();
    }
    if cpumask_any_but(&batch->cpumask, cpu) < nr_cpu_ids() {
        flush_tlb_others(&batch->cpumask, &full_flush_tlb_info);
    }
    // cpumask_clear()
    batch->cpumask = 0;
}

// mm/rmap.c: the batch of the task running here, on top of the tree's version (which sets
// mm->tlb_flush_batched, what the machine's stale_tlb rule reads).
override fn set_tlb_ubc_flush_pending(mm, writable) source "mm/rmap.c:set_tlb_ubc_flush_pending@v5.10" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    arch_tlbbatch_add_mm(tlb_ubc, mm);
    tlb_ubc->flush_required = 1;
    mm->tlb_flush_batched = true;
    if writable {
        tlb_ubc->writable = 1;
    }
}

fn try_to_unmap_flush() source "mm/rmap.c:try_to_unmap_flush@v5.10" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if !tlb_ubc->flush_required {
        return;
    }
    arch_tlbbatch_flush(tlb_ubc);
    tlb_ubc->flush_required = 0;
    tlb_ubc->writable = 0;
}

// ---- context switches (arch/x86/mm/tlb.c) ----

// The scheduler switching this CPU to a kernel thread: context_switch() keeps the user mm
// loaded (the kthread borrows it as its active_mm) and only marks the CPU lazy
// (enter_lazy_tlb()): it stays in the mm's cpumask, and flushes skip it while no page table
// is freed (tlb_is_not_lazy()). The code after it must not touch user memory.
fn context_switch_to_kthread() source "kernel/sched/core.c:context_switch@v5.10 (next->mm == NULL)" {
    enter_lazy_tlb(this_cpu_ptr(&cpu_tlbstate)->loaded_mm, null);
}

fn enter_lazy_tlb(mm, tsk) source "arch/x86/mm/tlb.c:enter_lazy_tlb@v5.10" {
    if this_cpu_ptr(&cpu_tlbstate)->on_init_mm {
        return; // loaded_mm == &init_mm
    }
    this_cpu_ptr(&cpu_tlbstate)->is_lazy = 1;
}

// switch_mm_irqs_off(NULL, &init_mm, NULL), from the lazy branch of the flush: this CPU
// leaves the user mm's cpumask and loads init_mm. init_mm's ASID slot, tlb_gen and CR3 load
// are not modelled: it maps no user address, and the user mm's entries stay under its PCID
// for the switch back, whose generation check flushes them.
fn switch_mm_irqs_off_to_init_mm() source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v5.10 (next == &init_mm)" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let real_prev = ts->loaded_mm;
    let cpu = smp_processor_id();
    ts->is_lazy = 0;
    // Stop remote flushes for the previous mm.
    cpumask_clear_cpu(cpu, mm_cpumask(real_prev));
    // (next == &init_mm: no bit in its cpumask, no generation to read)
    ts->loaded_mm = null; // LOADED_MM_SWITCHING, then &init_mm
    ts->on_init_mm = 1;
}

// The scheduler switching this CPU to a task of mm next: context_switch() -> switch_mm()
// -> switch_mm_irqs_off() with IRQs disabled (an IPI waits until it is done). Back from a
// kernel thread to a task of the mm it kept loaded, switch_mm_irqs_off() catches up with
// the generation the lazy CPU's skipped flushes left behind.
fn context_switch(next) source "kernel/sched/core.c:context_switch@v5.10 -> arch/x86/mm/tlb.c:switch_mm@v5.10" {
    let flags = local_irq_save();
    switch_mm_irqs_off(this_cpu_ptr(&cpu_tlbstate)->loaded_mm, next, null);
    local_irq_restore(flags);
}

// The parts of switch_mm_irqs_off() that interact with the shootdown: the cpumask, the
// generation read, the ASID choice and the CR3 load. IBPB (cond_ibpb()), the LDT and CR4
// reloads and the CONFIG_DEBUG_VM CR3 check are left out; prev == &init_mm never occurs.
fn switch_mm_irqs_off(prev, next, tsk) source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v5.10" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let real_prev = ts->loaded_mm;
    let prev_asid = ts->loaded_mm_asid;
    let was_lazy = ts->is_lazy;
    let cpu = smp_processor_id();
    let next_tlb_gen = 0;
    let need_flush = false;
    let new_asid = 0;
    atomic {
        ts->is_lazy = 0;
        ts->mmcheck_in_switch = 1; // ghost
    }
    if real_prev == next {
        // Even in lazy TLB mode, the CPU should stay set in the mm_cpumask.
        if !cpumask_test_cpu(cpu, mm_cpumask(next)) {
            cpumask_set_cpu(cpu, mm_cpumask(next)); // WARN_ON_ONCE()
        }
        // If the CPU is not in lazy TLB mode, we are just switching from one thread in a
        // process to another thread in the same process. No TLB flush required.
        if !was_lazy {
            ts->mmcheck_in_switch = 0; // ghost
            return;
        }
        // Read the tlb_gen to check whether a flush is needed (smp_mb(): every step here is
        // in program order).
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        if ts->ctx_tlb_gen[prev_asid] == next_tlb_gen {
            ts->mmcheck_in_switch = 0; // ghost
            return;
        }
        new_asid = prev_asid;
        need_flush = true;
    } else {
        // Stop remote flushes for the previous mm. Skip kernel threads; we never send
        // init_mm TLB flushing IPIs.
        if !ts->on_init_mm {
            cpumask_clear_cpu(cpu, mm_cpumask(real_prev));
        }
        ts->on_init_mm = 0;
        // Start remote flushes and then read tlb_gen.
        cpumask_set_cpu(cpu, mm_cpumask(next));
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
        // Let nmi_uaccess_okay() know that we're changing CR3.
        ts->loaded_mm = null; // LOADED_MM_SWITCHING
    }
    if need_flush {
        ts->ctx_id[new_asid] = next;
        ts->ctx_tlb_gen[new_asid] = next_tlb_gen;
        load_new_mm_cr3(next, new_asid, true);
    } else {
        // The new ASID is already up to date.
        load_new_mm_cr3(next, new_asid, false);
    }
    // Make sure we write CR3 before loaded_mm.
    atomic {
        ts->loaded_mm = next;
        ts->mmcheck_in_switch = 0; // ghost
    }
    ts->loaded_mm_asid = new_asid;
}

// PCID on: the slot that already holds next (flushed only if behind next_tlb_gen), else the
// next slot round-robin, flushed.
fn choose_new_asid(next, next_tlb_gen, new_asid, need_flush) source "arch/x86/mm/tlb.c:choose_new_asid@v5.10" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    // invalidate_other: PTI only, not modelled
    let asid = 0;
    while asid < TLB_NR_DYN_ASIDS {
        if ts->ctx_id[asid] == next {
            *new_asid = asid;
            *need_flush = ts->ctx_tlb_gen[asid] < next_tlb_gen;
            return;
        }
        asid = asid + 1;
    }
    // We don't currently own an ASID slot on this CPU. Allocate a slot.
    asid = ts->next_asid;
    ts->next_asid = asid + 1;
    if asid >= TLB_NR_DYN_ASIDS {
        asid = 0;
        ts->next_asid = 1;
    }
    *new_asid = asid;
    *need_flush = true;
}

// The CR3 load of next's page tables in ASID new_asid: with need_flush, the PCID's old
// entries go (no CR3_NOFLUSH bit); without, they stay. The machine tags entries by mm.
fn load_new_mm_cr3(next, new_asid, need_flush) source "arch/x86/mm/tlb.c:load_new_mm_cr3@v5.10" {
    switch_mm(next);
    if need_flush {
        flush_tlb_local();
    }
}
