// The x86 TLB shootdown of Linux 6.12.y as kernel code (arch/x86/mm/tlb.c,
// arch/x86/include/asm/tlbflush.h and tlb.h), in place of the machine's synchronous
// shootdown: the counterpart of x86-tlb-v5.10.mmk for `kernel "linux-6.12";`. Each flush
// bumps mm->context.tlb_gen and, if another CPU is in mm_cpumask(), hands the flush to
// flush_tlb_multi(): an IPI to every CPU of the mask that should_flush_tlb() accepts, and
// this CPU's own flush with IRQs disabled (kernel/smp.c, models/linux-6.12/smp.mmk); else it
// flushes this CPU alone. Each CPU flushes the range (INVLPG) or everything (a CR3 write), as
// far as its own generation tells it, and records the generation it caught up to.
//
//     import "arch/x86-tlb-v6.12.mmk";
//
// The machine provides the hardware: __flush_tlb_one_user() (INVLPG on this CPU),
// flush_tlb_local() (a CR3 write), switch_mm() (a CR3 load), the IPIs.
//
// Sources (research note 612-x86-uffd, section 1):
// - arch/x86/mm/tlb.c read at 6.12.40 (Xilinx/linux-xlnx 90b13e1161807701c6d14c6793e4686cf31f50af,
//   Makefile-verified), which already has the stable backports of 6db2526c1d69 ("x86/mm/tlb:
//   Only trim the mm_cpumask once a second": should_flush_tlb(), should_trim_cpumask()) and of
//   fea4e317f9e7 ("x86/mm: Eliminate window where TLB flushes may be inadvertently skipped",
//   CVE-2025-37964: smp_rmb() and the LOADED_MM_SWITCHING test in should_flush_tlb());
// - with one later stable patch applied to switch_mm_irqs_off(): the 6.1/6.6/6.12 backport of
//   83b0177a6c48 ("x86/mm: Fix check/use ordering in switch_mm_irqs_off()", Stephen Dolan's
//   patch mail to stable@vger.kernel.org, 29 Oct 2025, acked by Dave Hansen: "[ Patch for
//   6.1.y, 6.6.y, 6.12.y trees ]"), which moves the LOADED_MM_SWITCHING store before the
//   cpumask updates and the tlb_gen read. linux-stable-rc push notices list it; the 6.12.y
//   release that took it was not established. 6.12.40's own order is the mutation in
//   tests/mmk/linux-6.12/x86-tlb/switch-order-6.12.40.mmk. So this file is the 6.12.y after
//   that backport (a late 6.12.y), not 6.12.40 as released;
// - arch/x86/include/asm/tlbflush.h read at 6.6.80 only (Xilinx/linux-xlnx 77b6f868210d, NOT
//   6.12: no 6.12 copy was found). The parts used here (struct tlb_state, struct
//   tlb_state_shared, struct flush_tlb_info with trim_cpumask, the flush macros,
//   inc_mm_tlb_gen(), arch_tlbbatch_should_defer(), arch_tlbbatch_add_pending(),
//   arch_flush_tlb_batched_pending()) are believed unchanged in 6.12 (6.12.40's tlb.c uses
//   them so), which is not verified; its LAM helpers differ in 6.12 and are left out;
// - arch/x86/include/asm/tlb.h (tlb_flush()) and include/linux/smp.h (on_each_cpu_mask()):
//   not read at 6.12 (NOT pinned; see their comments);
// - mm/rmap.c's batched flush at 6.12.68 (raspberrypi/linux fc0f2a821118).
//
// What 6.12 changes against v5.10 (x86-tlb-v5.10.mmk): flush_tlb_func_common(),
// flush_tlb_func_local() and flush_tlb_func_remote() are one flush_tlb_func() (Nadav Amit's
// concurrent-flush rework of 2021, from memory), which tells local from remote by
// f->initiating_cpu and returns early for a generation it has reached (aa44284960d5, v6.0,
// with 8f1d56f64f8d's TLB_GENERATION_INVALID exception); native_flush_tlb_others() is
// native_flush_tlb_multi(), which flushes this CPU too, concurrently with the others, and
// flush_tlb_mm_range() only flushes locally itself when no other CPU is in the mask; is_lazy
// moved to cpu_tlbstate_shared (the same rework); tlb_is_not_lazy() became
// should_flush_tlb() (see above); arch_tlbbatch_flush() passes a per-CPU flush_tlb_info
// with TLB_GENERATION_INVALID in place of the static full_flush_tlb_info;
// arch_tlbbatch_add_mm() is arch_tlbbatch_add_pending(); the batch's mm->tlb_flush_batched
// is a pair of generation counters, not a flag.
//
// PCID is on: each CPU keeps TLB_NR_DYN_ASIDS ASID slots (ctxs[]), each naming an mm and the
// generation it caught up to; the machine tags TLB entries by mm, as the PCID does, so a CR3
// load without a flush keeps an mm's entries for its next switch-in, and one with a flush
// drops them. context_switch() runs switch_mm_irqs_off() with IRQs disabled, between the
// scenario's address spaces.
//
// A CPU can run a kernel thread (context_switch_to_kthread()): lazy TLB mode, the user mm
// still loaded, skipped by flushes that free no page table, caught up when it switches back.
// A lazy CPU that takes a flush IPI switches to init_mm, which has no user mappings: init_mm
// is a stand-in object here (loaded_mm == &init_mm), and the machine's CPU keeps the user
// mm's PCID entries. Left out everywhere: init_mm's own ASID slot, tlb_gen and kernel
// mappings (no CR3 load for it), leave_mm(), kernel-address flushes (flush_tlb_all(),
// flush_tlb_kernel_range()), PTI's user ASIDs (invalidate_user_asid(), invalidate_other,
// clear_asid_other()), LAM (new_lam, cpu_tlbstate_update_lam()), IBPB and the other
// process-to-process mitigations (cond_mitigation()), the LDT and CR4 reloads, paravirt
// flushes (__flush_tlb_multi() is native_flush_tlb_multi()), INVLPGB (6.15+, not in 6.12),
// secondary MMUs (mmu_notifier_arch_invalidate_secondary_tlbs()), the tlb_flush trace points
// and vm-event counters, get_cpu()/put_cpu() (a task never leaves its CPU here), and the
// CONFIG_DEBUG_VM checks (the CR3 check, put_flush_tlb_info()'s reentrancy count).

// Addresses count pages (PAGE_SIZE is 1); TLB_FLUSH_ALL is -1 (built in).
const PAGE_SHIFT = 0;

// arch/x86/include/asm/tlbflush.h@6.6.80: "the batched flush's" generation, never reached
// by mm->context.tlb_gen (which starts at 0 and is bumped before any use).
const TLB_GENERATION_INVALID = 0;

// arch/x86/mm/tlb.c@6.12.40: "This is in units of pages."
const tlb_single_page_flush_ceiling = 33;

// arch/x86/include/asm/tlbflush.h@6.6.80: struct tlb_state, the fields the flush and the
// switch read. ctxs[asid] is two arrays: ctx_id[asid] (the mm itself, which a ctx_id names
// uniquely) and ctx_tlb_gen[asid].
//
// LOADED_MM_SWITCHING, (struct mm_struct *)1UL in the kernel (a CPU between the start of its
// switch and its loaded_mm store), is null here: no CPU has null as its loaded mm otherwise.
// (The language has no constant handles; the stores and tests below say
// "null // LOADED_MM_SWITCHING".)
const TLB_NR_DYN_ASIDS = 6;
struct tlb_state source "arch/x86/include/asm/tlbflush.h:struct tlb_state@6.6.80" {
    loaded_mm: handle;
    loaded_mm_asid: int;
    next_asid: int;
    // not the kernel's: a ghost for stale_tlb_flush_owed(), set while a switch of a lazy
    // CPU runs (switch_mm_irqs_off() from lazy mode, or to init_mm; IRQs off, no user
    // code), in the same steps as its is_lazy store and its last store
    mmcheck_in_switch: int;
    ctx_id: handle[6];
    ctx_tlb_gen: int[6];
}

percpu cpu_tlbstate: tlb_state;

// arch/x86/include/asm/tlbflush.h@6.6.80: "Lazily using a real mm. loaded_mm != &init_mm,
// our bit is set in mm_cpumask(loaded_mm), but is_lazy == true." (Out of tlb_state since
// the 2021 rework named above: the flushing CPUs read it remotely.)
struct tlb_state_shared source "arch/x86/include/asm/tlbflush.h:struct tlb_state_shared@6.6.80" {
    is_lazy: int;
}

percpu cpu_tlbstate_shared: tlb_state_shared;

// mm/init-mm.c: init_mm, the mm of kernel threads and of lazy CPUs that left their user mm
// (switch_mm_irqs_off(NULL, &init_mm, NULL)). A stand-in object: only its address is used
// (loaded_mm == &init_mm); it maps no user address and takes no ASID slot here.
struct init_mm_struct source "mm/init-mm.c:init_mm@v6.12 (its address only)" {
    pgd: int;
}

global init_mm: init_mm_struct;

// arch/x86/include/asm/tlbflush.h@6.6.80: "Fully flush all mms whose tlb_gens have been
// updated. .mm will be NULL, .end will be TLB_FLUSH_ALL, and .new_tlb_gen will be zero."
// get_flush_tlb_info() writes every field before the info is used.
//
// start and end are named range_start and range_end here: the compiler takes any field
// access whose name a typed struct declares for a shared access (src/lang/compile.rs,
// shared()), and with fields named start and end, models/linux-6.12/mmap.mmk's
// ghost_discard_done(mm, vms->start, vms->end) (a record's fields) would be refused as a
// ghost change beside a shared access.
struct flush_tlb_info source "arch/x86/include/asm/tlbflush.h:struct flush_tlb_info@6.6.80" {
    mm: handle;
    range_start: int;
    range_end: int = -1;
    new_tlb_gen: int;
    initiating_cpu: int;
    stride_shift: int;
    freed_tables: int;
    trim_cpumask: int;
}

// arch/x86/mm/tlb.c: static DEFINE_PER_CPU_SHARED_ALIGNED(struct flush_tlb_info, flush_tlb_info)
percpu flush_tlb_info_pcpu: flush_tlb_info;

// Every CPU runs a task of its mm, not lazy, caught up with its generation in ASID 0: what
// switch_mm_irqs_off() left when it loaded the mm.
fn scenario_cpu(cpu, mm) source "mmcheck: scenario set-up for the x86 flush protocol of v6.12" {
    let ts = per_cpu_ptr(&cpu_tlbstate, cpu);
    ts->loaded_mm = mm;
    ts->loaded_mm_asid = 0;
    ts->next_asid = 1;
    per_cpu_ptr(&cpu_tlbstate_shared, cpu)->is_lazy = 0;
    ts->ctx_id[0] = mm;
    ts->ctx_tlb_gen[0] = atomic_read(&mm->context_tlb_gen);
    cpumask_set_cpu(cpu, mm_cpumask(mm));
}

// Each other address space the scenario declares: the CPU ran a task of it before, and its
// PCID still holds that mm's entries (the scenario's TLB entries for it), caught up with its
// generation, in the next ASID slot (choose_new_asid()'s allocation); not in its cpumask
// (6.12.y's switch_mm_irqs_off() clears the bit of the mm it leaves).
fn scenario_cpu_other_mm(cpu, mm) source "mmcheck: scenario set-up for the x86 flush protocol of v6.12" {
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
// compares the same generation. A CPU in the middle of a switch decides there whether to
// flush (need_flush, a local): from its first store to its last, loaded_mm is
// LOADED_MM_SWITCHING (a switch between mms), or the ghost mmcheck_in_switch is set (the
// lazy switch back, which marks itself not lazy before it reads the generation, and the
// lazy CPU's switch to init_mm). A switch that skips the flush is then caught as soon as it
// ends with the CPU running mm with the entry.
fn stale_tlb_flush_owed(cpu, mm) source "ghost: the flush x86's switch_mm_irqs_off() owes at switch-in, v6.12" {
    let ts = per_cpu_ptr(&cpu_tlbstate, cpu);
    if ts->mmcheck_in_switch || ts->loaded_mm == null { // LOADED_MM_SWITCHING
        return;
    }
    assert(ts->loaded_mm != mm || per_cpu_ptr(&cpu_tlbstate_shared, cpu)->is_lazy);
    let asid = 0;
    while asid < TLB_NR_DYN_ASIDS {
        if ts->ctx_id[asid] == mm {
            assert(ts->ctx_tlb_gen[asid] < atomic_read(&mm->context_tlb_gen));
            return;
        }
        asid += 1;
    }
}

// include/linux/mm_types.h (not in models/linux-6.12/mm_types.mmk, which declares the
// cpu_bitmap field but no accessor: defined here)
fn mm_cpumask(mm) source "include/linux/mm_types.h:mm_cpumask@v6.12" {
    return &mm->cpu_bitmap;
}

// include/linux/smp.h: a static inline over on_each_cpu_cond_mask() (its text from a copy in
// the code index, not pinned to 6.12). Not in models/linux-6.12/smp.mmk: defined here.
fn on_each_cpu_mask(mask, func, info, wait) source "include/linux/smp.h:on_each_cpu_mask@v6.12" {
    on_each_cpu_cond_mask(null, func, info, wait, mask);
}

// arch/x86/include/asm/tlbflush.h@6.6.80: "Bump the generation count. This also serves as a
// full barrier that synchronizes with switch_mm(): callers are required to order their read
// of mm_cpumask after their writes to the paging structures." (every step here is in
// program order)
fn inc_mm_tlb_gen(mm) source "arch/x86/include/asm/tlbflush.h:inc_mm_tlb_gen@6.6.80" {
    return atomic_add_return(1, &mm->context_tlb_gen);
}

// arch/x86/mm/tlb.c: INVLPG of one user address. (native_flush_tlb_one_user()'s PTI half,
// the user ASID's invalidation, is left out; text not quoted in the research note.)
fn flush_tlb_one_user(addr) source "arch/x86/mm/tlb.c:flush_tlb_one_user@v6.12" {
    __flush_tlb_one_user(addr);
}

// The three generations of its comment: mm_tlb_gen (the latest), local_tlb_gen (what this
// CPU caught up to), f->new_tlb_gen (what the requester wants). The IPI handler, and the
// local flush (local: this CPU started the flush). Left out: inc_irq_stat() and the vm-event
// counts, the VM_WARN_ON()s and WARN_ON_ONCE()s, the trace point at done:.
//
// Its reads of this CPU's cpu_tlbstate and cpu_tlbstate_shared, and of *f, are one step
// (atomic): no other CPU writes them while it runs (this CPU's state is written only by this
// CPU, with IRQs disabled as here; the sender wrote *f before it sent the IPI and waits for
// the handler), so their order among themselves is not observable. The mm's tlb_gen, which
// other CPUs bump, is read in a step of its own where the kernel reads it.
fn flush_tlb_func(info) source "arch/x86/mm/tlb.c:flush_tlb_func@v6.12" {
    let f = info;
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let loaded_mm = null;
    let loaded_mm_asid = 0;
    let local_tlb_gen = 0;
    let local = false;
    let fmm = null;
    let is_lazy = 0;
    let new_tlb_gen = 0;
    let start = 0;
    let end = 0;
    let stride_shift = 0;
    atomic {
        loaded_mm = ts->loaded_mm;
        loaded_mm_asid = ts->loaded_mm_asid;
        local_tlb_gen = ts->ctx_tlb_gen[loaded_mm_asid];
        local = smp_processor_id() == f->initiating_cpu;
        fmm = f->mm;
        is_lazy = this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy;
        new_tlb_gen = f->new_tlb_gen;
        start = f->range_start;
        end = f->range_end;
        stride_shift = f->stride_shift;
    }

    if !local {
        // Can only happen on remote CPUs
        if fmm != null && fmm != loaded_mm {
            return;
        }
    }

    if loaded_mm == &init_mm {
        return;
    }

    if is_lazy {
        // We're in lazy mode. We need to at least flush our paging-structure cache to avoid
        // speculatively reading garbage into our TLB. Since switching to init_mm is barely
        // slower than a minimal flush, just switch to init_mm. This should be rare, with
        // native_flush_tlb_multi() skipping IPIs to lazy TLB mode CPUs.
        switch_mm_irqs_off_to_init_mm();
        return;
    }

    if new_tlb_gen != TLB_GENERATION_INVALID && new_tlb_gen <= local_tlb_gen {
        // The TLB is already up to date in respect to f->new_tlb_gen. While the core might
        // be still behind mm_tlb_gen, checking mm_tlb_gen unnecessarily would have negative
        // caching effects so avoid it.
        return;
    }

    // Defer mm_tlb_gen reading as long as possible to avoid cache contention.
    let mm_tlb_gen = atomic_read(&loaded_mm->context_tlb_gen);

    if local_tlb_gen == mm_tlb_gen {
        // There's nothing to do: we're already up to date. This can happen if two
        // concurrent flushes happen -- the first flush to be handled can catch us all the
        // way up, leaving no work for the second flush. (goto done: the trace point)
        return;
    }

    // A partial flush only if it is exactly the next generation's (1.) and brings this CPU
    // fully up to date (2.); else a full flush.
    if end != TLB_FLUSH_ALL && new_tlb_gen == local_tlb_gen + 1 && new_tlb_gen == mm_tlb_gen {
        // Partial flush
        let addr = start;
        while addr < end {
            flush_tlb_one_user(addr);
            addr += 1 << stride_shift;
        }
    } else {
        // Full flush.
        flush_tlb_local();
    }

    // Both paths above update our state to mm_tlb_gen.
    ts->ctx_tlb_gen[loaded_mm_asid] = mm_tlb_gen;
}

// The IPI filter when no page table was freed. The remote CPU's loaded_mm is read once,
// before is_lazy (smp_rmb(): every step here is in program order).
// (The sender's own *info, which no other CPU writes, is read in the step of the is_lazy read.)
fn should_flush_tlb(cpu, data) source "arch/x86/mm/tlb.c:should_flush_tlb@v6.12" {
    let loaded_mm = per_cpu_ptr(&cpu_tlbstate, cpu)->loaded_mm;
    let info = data;
    let is_lazy = 0;
    let mm = null;
    let trim_cpumask = 0;

    // Order the 'loaded_mm' and 'is_lazy' against their write ordering in
    // switch_mm_irqs_off(). Ensure 'is_lazy' is at least as new as 'loaded_mm'.
    // smp_rmb();
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

    // While switching, the remote CPU could have state from either the prev or next mm.
    // Assume the worst and flush.
    if loaded_mm == null { // LOADED_MM_SWITCHING
        return true;
    }

    // The target mm is loaded, and the CPU is not lazy.
    if loaded_mm == mm {
        return true;
    }

    // In cpumask, but not the loaded mm? Periodically remove by flushing.
    if trim_cpumask {
        return true;
    }

    return false;
}

// time_after(jiffies, READ_ONCE(mm->context.next_trim_cpumask)): whether a second has gone
// by since the last trim, which the model leaves to the environment (both outcomes are
// explored). mm->context.next_trim_cpumask is not in models/linux-6.12/mm_types.mmk, so its
// WRITE_ONCE(..., jiffies + HZ) is not modelled either: every flush may trim.
fn trim_cpumask_due(mm) source "arch/x86/mm/tlb.c:should_trim_cpumask@v6.12 (time_after(jiffies, next_trim_cpumask))" {
    return nondet();
}

fn should_trim_cpumask(mm) source "arch/x86/mm/tlb.c:should_trim_cpumask@v6.12" {
    if trim_cpumask_due(mm) {
        // WRITE_ONCE(mm->context.next_trim_cpumask, jiffies + HZ): not modelled
        return true;
    }
    return false;
}

// If no page tables were freed, CPUs in lazy TLB mode get no IPI ("They will flush the CPU
// themselves at the next context switch"); if page tables are getting freed, every CPU of
// the mask does, "to prevent CPUs in lazy TLB mode from tripping up on the new contents of
// what used to be page tables, while doing a speculative memory access". Either call runs
// flush_tlb_func() on this CPU too if it is in the mask (SCF_RUN_LOCAL), after queueing the
// others' and before waiting for them. (The accounting and trace points are left out.)
fn native_flush_tlb_multi(cpumask, info) source "arch/x86/mm/tlb.c:native_flush_tlb_multi@v6.12" {
    if info->freed_tables {
        on_each_cpu_mask(cpumask, flush_tlb_func, info, true);
    } else {
        on_each_cpu_cond_mask(should_flush_tlb, flush_tlb_func, info, 1, cpumask);
    }
}

// __flush_tlb_multi() is native_flush_tlb_multi() without CONFIG_PARAVIRT.
fn flush_tlb_multi(cpumask, info) source "arch/x86/mm/tlb.c:flush_tlb_multi@v6.12" {
    native_flush_tlb_multi(cpumask, info);
}

// The CONFIG_DEBUG_VM reentrancy check (flush_tlb_info_idx) is left out. The stores are one
// step (atomic): no other CPU reads this CPU's info until this flush sends its IPIs, and the
// previous flush from this CPU waited for its handlers.
fn get_flush_tlb_info(mm, start, end, stride_shift, freed_tables, new_tlb_gen) source "arch/x86/mm/tlb.c:get_flush_tlb_info@v6.12" {
    let info = this_cpu_ptr(&flush_tlb_info_pcpu);
    atomic {
        info->range_start = start;
        info->range_end = end;
        info->mm = mm;
        info->stride_shift = stride_shift;
        info->freed_tables = freed_tables;
        info->new_tlb_gen = new_tlb_gen;
        info->initiating_cpu = smp_processor_id();
        info->trim_cpumask = 0;
    }
    return info;
}

// get_cpu()/put_cpu(), put_flush_tlb_info() (CONFIG_DEBUG_VM bookkeeping),
// lockdep_assert_irqs_enabled() and mmu_notifier_arch_invalidate_secondary_tlbs() are left
// out.
fn flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables) source "arch/x86/mm/tlb.c:flush_tlb_mm_range@v6.12" {
    let cpu = smp_processor_id();

    // Should we flush just the requested range?
    if end == TLB_FLUSH_ALL || ((end - start) >> stride_shift) > tlb_single_page_flush_ceiling {
        start = 0;
        end = TLB_FLUSH_ALL;
    }

    // This is also a barrier that synchronizes with switch_mm().
    let new_tlb_gen = inc_mm_tlb_gen(mm);

    let info = get_flush_tlb_info(mm, start, end, stride_shift, freed_tables, new_tlb_gen);

    // flush_tlb_multi() is not optimized for the common case in which only a local TLB
    // flush is needed. Optimize this use-case by calling flush_tlb_func_local() directly in
    // this case.
    if cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids() {
        info->trim_cpumask = should_trim_cpumask(mm);
        flush_tlb_multi(mm_cpumask(mm), info);
    } else if mm == this_cpu_ptr(&cpu_tlbstate)->loaded_mm {
        local_irq_disable();
        flush_tlb_func(info);
        local_irq_enable();
    }
}

// arch/x86/include/asm/tlbflush.h@6.6.80: the three flushes the generic code calls, in place
// of the machine's synchronous shootdowns. (No VM_HUGETLB VMAs: the stride is PAGE_SHIFT.)
override fn flush_tlb_page(vma, a) source "arch/x86/include/asm/tlbflush.h:flush_tlb_page@6.6.80" {
    flush_tlb_mm_range(vma->vm_mm, a, a + PAGE_SIZE, PAGE_SHIFT, false);
}

// (models/linux-6.12 passes an mm where the kernel passes a VMA in one place, mmu_gather's
// tlb_flush(), which this file overrides below; every other caller passes a VMA.)
override fn flush_tlb_range(vma, start, end) source "arch/x86/include/asm/tlbflush.h:flush_tlb_range@6.6.80" {
    flush_tlb_mm_range(vma->vm_mm, start, end, PAGE_SHIFT, false);
}

override fn flush_tlb_mm(mm) source "arch/x86/include/asm/tlbflush.h:flush_tlb_mm@6.6.80" {
    flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, 0, true);
}

// arch/x86/include/asm/tlb.h: the mmu_gather's flush (tlb_get_unmap_shift() is PAGE_SHIFT
// here: no huge pages). The text of v5.10's, which 6.12 keeps as far as known (not read at
// 6.12; not pinned).
override fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v6.12" {
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
//
// models/linux-6.12 has no reclaim path and none of mm/rmap.c's batching (mm_types.mmk has
// flush_tlb_batched_pending(), the reader): set_tlb_ubc_flush_pending(),
// try_to_unmap_flush(), try_to_unmap_flush_dirty() and the task's batch are defined here
// for a reclaim driver (tests/mmk/linux-6.12/x86-tlb/tlb-gen-zero.mmk); they belong in the
// tree's rmap code once it has try_to_unmap_one().

// struct tlbflush_unmap_batch (include/linux/sched.h), its arch part (struct
// arch_tlbflush_unmap_batch, arch/x86/include/asm/tlbbatch.h) a cpumask: current->tlb_ubc,
// one per task, so one per CPU here.
struct tlbflush_unmap_batch source "include/linux/sched.h:struct tlbflush_unmap_batch@v6.12" {
    // arch.cpumask
    cpumask: bits;
    flush_required: int;
    writable: int;
}

percpu tlb_ubc: tlbflush_unmap_batch;

// "If remote CPUs need to be flushed then defer batch the flush" (get_cpu()/put_cpu() are
// left out).
fn arch_tlbbatch_should_defer(mm) source "arch/x86/include/asm/tlbflush.h:arch_tlbbatch_should_defer@6.6.80" {
    let should_defer = false;
    if cpumask_any_but(mm_cpumask(mm), smp_processor_id()) < nr_cpu_ids() {
        should_defer = true;
    }
    return should_defer;
}

// (mmu_notifier_arch_invalidate_secondary_tlbs(): no secondary MMUs)
fn arch_tlbbatch_add_pending(batch, mm, uaddr) source "arch/x86/include/asm/tlbflush.h:arch_tlbbatch_add_pending@6.6.80" {
    inc_mm_tlb_gen(mm);
    // cpumask_or(&batch->cpumask, &batch->cpumask, mm_cpumask(mm))
    let bits = load_word(&batch->cpumask) | load_word(mm_cpumask(mm));
    batch->cpumask = bits;
}

// get_cpu()/put_cpu(), put_flush_tlb_info() and lockdep_assert_irqs_enabled() are left out.
fn arch_tlbbatch_flush(batch) source "arch/x86/mm/tlb.c:arch_tlbbatch_flush@v6.12" {
    let cpu = smp_processor_id();
    let info = get_flush_tlb_info(null, 0, TLB_FLUSH_ALL, 0, false, TLB_GENERATION_INVALID);
    // flush_tlb_multi() is not optimized for the common case in which only a local TLB
    // flush is needed. Optimize this use-case by calling flush_tlb_func_local() directly in
    // this case.
    if cpumask_any_but(&batch->cpumask, cpu) < nr_cpu_ids() {
        flush_tlb_multi(&batch->cpumask, info);
    } else if cpumask_test_cpu(cpu, &batch->cpumask) {
        local_irq_disable();
        flush_tlb_func(info);
        local_irq_enable();
    }
    // cpumask_clear()
    batch->cpumask = 0;
}

// mm/rmap.c@6.12.68: the batch of the task running here. "Bits 0-14 of
// mm->tlb_flush_batched record pending generations." (TLB_FLUSH_BATCH_PENDING_MASK and
// TLB_FLUSH_BATCH_FLUSHED_SHIFT are models/linux-6.12/mm_types.mmk's.) Called under the
// PTL, right after the PTE was cleared (barrier(): every step is in program order).
// (TLB_FLUSH_BATCH_PENDING_MASK / 2, a positive number)
const TLB_FLUSH_BATCH_PENDING_LARGE = TLB_FLUSH_BATCH_PENDING_MASK >> 1;

fn set_tlb_ubc_flush_pending(mm, pteval, uaddr) source "mm/rmap.c:set_tlb_ubc_flush_pending@6.12.68" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    let writable = pte_dirty(pteval);

    if !pte_accessible(mm, pteval) {
        return;
    }

    arch_tlbbatch_add_pending(tlb_ubc, mm, uaddr);
    tlb_ubc->flush_required = 1;

    // Ensure compiler does not re-order the setting of tlb_flush_batched before the PTE is
    // cleared.
    let batch = atomic_read(&mm->tlb_flush_batched);
    while true {
        // retry:
        if (batch & TLB_FLUSH_BATCH_PENDING_MASK) > TLB_FLUSH_BATCH_PENDING_LARGE {
            // Prevent `pending' from catching up with `flushed' because of overflow. Reset
            // `pending' and `flushed' to be 1 and 0 if `pending' becomes large.
            // (atomic_try_cmpxchg(): on failure batch is the value found)
            let old = atomic_cmpxchg(&mm->tlb_flush_batched, batch, 1);
            if old != batch {
                batch = old;
                continue;
            }
        } else {
            atomic_inc(&mm->tlb_flush_batched);
        }
        break;
    }

    // If the PTE was dirty then it's best to assume it's writable. The caller must use
    // try_to_unmap_flush_dirty() or try_to_unmap_flush() before the page is queued for IO.
    if writable {
        tlb_ubc->writable = 1;
    }
}

// "Flush TLB entries for recently unmapped pages from remote CPUs. [...] it must be flushed
// before freeing to prevent data leakage."
fn try_to_unmap_flush() source "mm/rmap.c:try_to_unmap_flush@6.12.68" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if !tlb_ubc->flush_required {
        return;
    }
    arch_tlbbatch_flush(tlb_ubc);
    tlb_ubc->flush_required = 0;
    tlb_ubc->writable = 0;
}

// Flush iff there are potentially writable TLB entries that can race with IO
fn try_to_unmap_flush_dirty() source "mm/rmap.c:try_to_unmap_flush_dirty@6.12.68" {
    let tlb_ubc = this_cpu_ptr(&tlb_ubc);
    if tlb_ubc->writable {
        try_to_unmap_flush();
    }
}

// ---- context switches (arch/x86/mm/tlb.c) ----

// The scheduler switching this CPU to a kernel thread: context_switch() keeps the user mm
// loaded (the kthread borrows it as its active_mm) and only marks the CPU lazy
// (enter_lazy_tlb()): it stays in the mm's cpumask, and flushes that free no page table skip
// it (should_flush_tlb()). The code after it must not touch user memory.
fn context_switch_to_kthread() source "kernel/sched/core.c:context_switch@v6.12 (next->mm == NULL)" {
    enter_lazy_tlb(this_cpu_ptr(&cpu_tlbstate)->loaded_mm, null);
}

// "Please ignore the name of this function. It should be called switch_to_kernel_thread()."
fn enter_lazy_tlb(mm, tsk) source "arch/x86/mm/tlb.c:enter_lazy_tlb@v6.12" {
    if this_cpu_ptr(&cpu_tlbstate)->loaded_mm == &init_mm {
        return;
    }
    this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy = 1;
}

// switch_mm_irqs_off(NULL, &init_mm, NULL), from the lazy branch of flush_tlb_func(): the
// else branch of switch_mm_irqs_off() below with next == &init_mm, in 6.12.y's order
// (83b0177a6c48's backport): LOADED_MM_SWITCHING, then this CPU leaves the user mm's
// cpumask (no bit in init_mm's: "we never send init_mm TLB flushing IPIs"), then init_mm is
// loaded. init_mm's tlb_gen read, choose_new_asid() and CR3 load are not modelled: it maps
// no user address, and the user mm's entries stay under their PCID for the switch back,
// whose generation check flushes them. (The ghost covers the step between the is_lazy
// store and the LOADED_MM_SWITCHING one.)
fn switch_mm_irqs_off_to_init_mm() source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v6.12 (next == &init_mm)" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let prev = ts->loaded_mm;
    let cpu = smp_processor_id();
    atomic {
        this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy = 0;
        ts->mmcheck_in_switch = 1; // ghost
    }
    // Indicate that CR3 is about to change.
    ts->loaded_mm = null; // LOADED_MM_SWITCHING
    // Stop remote flushes for the previous mm.
    cpumask_clear_cpu(cpu, mm_cpumask(prev));
    // (next == &init_mm: no bit in its cpumask; its tlb_gen, ASID and CR3 not modelled)
    atomic {
        ts->loaded_mm = &init_mm;
        ts->mmcheck_in_switch = 0; // ghost
    }
}

// The scheduler switching this CPU to a task of mm next: context_switch() ->
// switch_mm_irqs_off() with IRQs disabled (an IPI waits until it is done). Back from a
// kernel thread to a task of the mm it kept loaded, switch_mm_irqs_off() catches up with
// the generation the lazy CPU's skipped flushes left behind.
fn context_switch(next) source "kernel/sched/core.c:context_switch@v6.12 -> arch/x86/mm/tlb.c:switch_mm_irqs_off@v6.12" {
    let flags = local_irq_save();
    switch_mm_irqs_off(null, next, null);
    local_irq_restore(flags);
}

// 6.12.y's switch_mm_irqs_off(): 6.12.40's text with the stable backport of 83b0177a6c48
// ("To avoid racing with should_flush_tlb, setting loaded_mm to LOADED_MM_SWITCHING must
// happen before reading tlb_gen"): the LOADED_MM_SWITCHING store comes first in the
// branch that switches mms. The parts that interact with the shootdown: is_lazy, the
// cpumasks, the generation read, the ASID choice, the CR3 load and loaded_mm. Left out:
// cond_mitigation() (IBPB and friends), LAM, the CR4 and LDT reloads, the CONFIG_DEBUG_VM CR3
// check, the VM_WARN_ON()s, the trace points; next == &init_mm is
// switch_mm_irqs_off_to_init_mm() above.
//
// Steps: what only this CPU reads, with IRQs disabled, is folded (atomic) into one step: the
// first reads of its own state, choose_new_asid(), the ctxs[] stores with the CR3 write, and
// loaded_mm_asid with loaded_mm (no other CPU reads ctxs[] or loaded_mm_asid). What other
// CPUs read or write stays a step of its own, in the kernel's order: is_lazy, loaded_mm
// (LOADED_MM_SWITCHING and next), the cpumask bits, the tlb_gen read.
fn switch_mm_irqs_off(unused, next, tsk) source "arch/x86/mm/tlb.c:switch_mm_irqs_off@v6.12 (6.12.40 with 83b0177a6c48's stable backport)" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let prev = null;
    let prev_asid = 0;
    let was_lazy = 0;
    let cpu = smp_processor_id();
    let next_tlb_gen = 0;
    let need_flush = false;
    let new_asid = 0;
    atomic {
        prev = ts->loaded_mm;
        prev_asid = ts->loaded_mm_asid;
        was_lazy = this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy;
    }

    if was_lazy {
        atomic {
            this_cpu_ptr(&cpu_tlbstate_shared)->is_lazy = 0;
            ts->mmcheck_in_switch = 1; // ghost
        }
    }

    if prev == next {
        // Not actually switching mm's.
        // Even in lazy TLB mode, the CPU should stay set in the mm_cpumask. The TLB
        // shootdown code can figure out from cpu_tlbstate_shared.is_lazy whether or not to
        // send an IPI.
        if prev != &init_mm && !cpumask_test_cpu(cpu, mm_cpumask(next)) {
            cpumask_set_cpu(cpu, mm_cpumask(next)); // WARN_ON_ONCE()
        }
        // If the CPU is not in lazy TLB mode, we are just switching from one thread in a
        // process to another thread in the same process. No TLB flush required.
        if !was_lazy {
            return;
        }
        // Read the tlb_gen to check whether a flush is needed. If the TLB is up to date,
        // just use it. The barrier synchronizes with the tlb_gen increment in the TLB
        // shootdown code. (smp_mb(): every step here is in program order)
        next_tlb_gen = atomic_read(&next->context_tlb_gen);
        if ts->ctx_tlb_gen[prev_asid] == next_tlb_gen {
            ts->mmcheck_in_switch = 0; // ghost
            return;
        }
        // TLB contents went out of date while we were in lazy mode. Fall through to the TLB
        // switching code below.
        new_asid = prev_asid;
        need_flush = true;
    } else {
        // (cond_mitigation(tsk): not modelled)

        // Indicate that CR3 is about to change. nmi_uaccess_okay() and others are
        // sensitive to the window where mm_cpumask(), CR3 and cpu_tlbstate.loaded_mm are
        // not all in sync.
        ts->loaded_mm = null; // LOADED_MM_SWITCHING
        // barrier();

        // Stop remote flushes for the previous mm. Skip kernel threads; we never send
        // init_mm TLB flushing IPIs, but the bitmap manipulation can cause cache line
        // contention.
        if prev != &init_mm {
            cpumask_clear_cpu(cpu, mm_cpumask(prev));
        }

        // Start receiving IPIs and then read tlb_gen (and LAM below)
        cpumask_set_cpu(cpu, mm_cpumask(next)); // (next != &init_mm here)
        next_tlb_gen = atomic_read(&next->context_tlb_gen);

        atomic {
            choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
        }
    }

    if need_flush {
        atomic {
            ts->ctx_id[new_asid] = next;
            ts->ctx_tlb_gen[new_asid] = next_tlb_gen;
            load_new_mm_cr3(next, new_asid, true);
        }
    } else {
        // The new ASID is already up to date.
        load_new_mm_cr3(next, new_asid, false);
    }

    // Make sure we write CR3 before loaded_mm.
    atomic {
        ts->loaded_mm = next;
        ts->mmcheck_in_switch = 0; // ghost
        ts->loaded_mm_asid = new_asid;
    }
}

// PCID on: the slot that already holds next (flushed only if behind next_tlb_gen), else the
// next slot round-robin, flushed. invalidate_other (PTI) is left out. It reads and writes
// only this CPU's cpu_tlbstate, which no other CPU writes (and which should_flush_tlb()
// reads only loaded_mm of), with IRQs disabled: one step here (its caller's atomic).
fn choose_new_asid(next, next_tlb_gen, new_asid, need_flush) source "arch/x86/mm/tlb.c:choose_new_asid@v6.12" {
    let ts = this_cpu_ptr(&cpu_tlbstate);
    let asid = 0;
    while asid < TLB_NR_DYN_ASIDS {
        if ts->ctx_id[asid] == next {
            *new_asid = asid;
            *need_flush = ts->ctx_tlb_gen[asid] < next_tlb_gen;
            return;
        }
        asid += 1;
    }
    // We don't currently own an ASID slot on this CPU. Allocate a slot.
    // (this_cpu_add_return(cpu_tlbstate.next_asid, 1) - 1)
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
// entries go (build_cr3(), no CR3_NOFLUSH bit); without, they stay (build_cr3_noflush()).
// The machine tags entries by mm. ("Caution: many callers of this function expect that
// load_cr3() is serializing and orders TLB fills with respect to the mm_cpumask writes.")
// One write_cr3(), so one step (atomic): the machine's CR3 load, then the flush of next's
// PCID. The kernel passes next->pgd and the LAM bits; invalidate_user_asid() (PTI) is left
// out.
fn load_new_mm_cr3(next, new_asid, need_flush) source "arch/x86/mm/tlb.c:load_new_mm_cr3@v6.12" {
    atomic {
        switch_mm(next);
        if need_flush {
            flush_tlb_local();
        }
    }
}
