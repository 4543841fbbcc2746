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
// Left out: PCID (one ASID per CPU: ctxs[0] only), switch_mm_irqs_off() and the lazy-TLB
// switch to init_mm (every CPU runs a task of the scenario's one mm; a lazy CPU's flush
// path stops with not_modelled()), init_mm and kernel-address flushes, paravirt flushes,
// the tlb_flush trace points and vm-event counters, and the CONFIG_DEBUG_VM reentrancy
// check of get_flush_tlb_info().

// arch/x86/include/asm/tlbflush.h: the model's addresses count pages (PAGE_SIZE is 1).
const PAGE_SHIFT = 0;
const TLB_LOCAL_SHOOTDOWN = 0;
const TLB_LOCAL_MM_SHOOTDOWN = 1;
const TLB_REMOTE_SHOOTDOWN = 2;

// arch/x86/mm/tlb.c: in pages.
const tlb_single_page_flush_ceiling = 33;

// arch/x86/include/asm/tlbflush.h: struct tlb_state, the fields the flush reads. ctxs[]
// has one entry (ASID 0): ctx0_tlb_gen is ctxs[0].tlb_gen.
struct tlb_state source "arch/x86/include/asm/tlbflush.h:struct tlb_state@v5.10" {
    loaded_mm: handle;
    loaded_mm_asid: int;
    is_lazy: int;
    ctx0_tlb_gen: int;
}

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

// Every CPU runs a task of the scenario's mm, not lazy, caught up with its generation:
// what switch_mm_irqs_off() left when it loaded the mm.
fn scenario_cpu(cpu, mm) source "mmcheck: scenario set-up for the x86 flush protocol of v5.10" {
    let ts = per_cpu_ptr(&cpu_tlbstate, cpu);
    ts->loaded_mm = mm;
    ts->loaded_mm_asid = 0;
    ts->is_lazy = 0;
    ts->ctx0_tlb_gen = atomic_read(&mm->context_tlb_gen);
    cpumask_set_cpu(cpu, mm_cpumask(mm));
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
    let local_tlb_gen = ts->ctx0_tlb_gen;

    if ts->is_lazy {
        // switch_mm_irqs_off(NULL, &init_mm, NULL): lazy TLB is not modelled
        not_modelled();
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
    ts->ctx0_tlb_gen = mm_tlb_gen;
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
