// struct mm_struct and the deferred-TLB-flush state on it: the pending count of
// inc/dec_tlb_flush_pending() (include/linux/mm_types.h) and reclaim's batched-flush flag
// (mm/rmap.c). The machine gives one mm_struct per mm; everything here is kernel code of
// v5.10.
//
// The machine's checks read three of these fields by name (its hardware contract, DESIGN.md
// section 5): `stale_tlb` forgives a more permissive TLB entry while tlb_flush_pending is
// above 0, tlb_flush_batched is set or mmap_lock is held for write; every CPU finishing
// with tlb_flush_pending not back at 0 is `lock_hygiene`, and so is a vma->vm_flags store
// without mmap_lock held for write. They must keep these names and types.
//
// Barriers: the model runs every step in one total order (sequential consistency), so the
// ordering these functions' comments ask of the PTL and of the flush (the increment
// published by the PTL release together with the PTE change; the decrement ordered after
// the flush by flush_tlb_range(); barrier() keeping the flag's store after the PTE clear or
// the flush) always holds here. What the model cannot show is a bug that needs those
// orderings broken (a weaker memory model, split PTE locks): see the comments below.

// include/linux/mm_types.h, the fields these paths use. tlb_flush_pending is under
// CONFIG_NUMA_BALANCING || CONFIG_COMPACTION in older kernels, unconditional in v5.10;
// tlb_flush_batched (a bool) is under CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH, which x86
// selects. mmap_lock is the rw_semaphore of mmap_lock.mmk. mmap heads the VMA list (set up
// with the scenario's VMAs, never changed: no mmap/munmap/split is modelled). cpu_bitmap
// is mm_cpumask() (one word: at most 8 CPUs) and context_tlb_gen is x86's
// mm->context.tlb_gen (arch/x86/include/asm/mmu.h, an atomic64_t); only the x86 flush
// protocol written as model code (models/arch/x86-tlb-v5.10.mmk) uses them. has_pinned
// (v5.9, 008cfe4418b3) is set by FOLL_PIN GUP and read by fork's early COW
// (copy_present_page()). write_protect_seq is not in v5.10.0: 57efa1fe5957 added it in
// v5.11-rc1 (backported to v5.10.4); the v5.10 code never touches it, and the fix file
// (fixes/57efa1fe5957-gup-fast-fork-seqcount.mmk) uses it. page_table_lock orders stack
// expansions (expand_downwards()); the PMD entries have their own split lock here
// (pmd_lockptr()). Left out: everything else
// (mm_rb, the vmacache, page-table roots, counters, mm_users, ...).
struct mm_struct source "include/linux/mm_types.h:struct mm_struct@v5.10" {
    mmap: handle guarded_by mmap_lock;
    mmap_lock: rw_semaphore;
    tlb_flush_pending: atomic_t;
    tlb_flush_batched: int;
    cpu_bitmap: bits;
    context_tlb_gen: atomic_t;
    has_pinned: atomic_t;
    write_protect_seq: seqcount_t;
    page_table_lock: spinlock_t;
    // "The number of users including userspace" (mm_init(): 1); mm_count, the references
    // of lazy-TLB CPUs and of mmgrab(), is not modelled: the last mmput() frees the mm
    mm_users: atomic_t = 1;
    // The PTE table deposited with a huge leaf (pmd_huge_pte(), per PMD page in the kernel:
    // the model's mm has one PMD page, and keeps one table; huge_memory.mmk), under the PMD
    // lock.
    pmd_huge_pte: handle;
}

// ---- include/linux/mm_types.h ----

// Its comment: the increment comes before the PTL is taken and the PTEs are changed, so a
// CPU that takes the same PTL later and sees the changed PTE sees the increment too (the
// unlock publishes both). Under sequential consistency an increment is seen by every step
// after it, so the model keeps that guarantee whatever PTL the reader takes; the comment's
// caveat (with split PTE locks and RCpc locks only the same PTL orders them) is not
// modelled (one PTE table, one PTL).
fn inc_tlb_flush_pending(mm) source "include/linux/mm_types.h:inc_tlb_flush_pending@v5.10" {
    atomic_inc(&mm->tlb_flush_pending);
}

// Its comment: the decrement must not pass the flush, and smp_mb__before_atomic() cannot
// order it against TLB invalidate completion, so it relies on tlb_flush_*() to order it.
// Here a flush is one step that completes on every CPU (flush_tlb_range() is synchronous),
// so a decrement after it in program order is after it for every CPU. A caller that
// decrements before its flush is modelled as written (uffd-wp/mutation-dec-before-flush.mmk).
fn dec_tlb_flush_pending(mm) source "include/linux/mm_types.h:dec_tlb_flush_pending@v5.10" {
    atomic_dec(&mm->tlb_flush_pending);
}

// Must be called with the PTL held: it guarantees true only for a flush pending on the PTEs
// of that PTL (see inc_tlb_flush_pending()). The int count converts to bool.
fn mm_tlb_flush_pending(mm) source "include/linux/mm_types.h:mm_tlb_flush_pending@v5.10" {
    return atomic_read(&mm->tlb_flush_pending) != 0;
}

// Another flusher besides the caller (whose own increment is in the count).
fn mm_tlb_flush_nested(mm) source "include/linux/mm_types.h:mm_tlb_flush_nested@v5.10" {
    return atomic_read(&mm->tlb_flush_pending) > 1;
}

// ---- mm/rmap.c: batched unmap flush (CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) ----

// Reclaim's side, from try_to_unmap_one() when should_defer_flush(): the PTE was cleared
// under the PTL and its flush deferred. The task's tlbflush_unmap_batch (the CPUs to flush,
// flush_required, writable) is not modelled: the reclaiming path flushes for itself
// (try_to_unmap_flush() is flush_tlb_mm() in a model). barrier() keeps the store after the
// PTE clear; every step here is in program order.
fn set_tlb_ubc_flush_pending(mm, writable) source "mm/rmap.c:set_tlb_ubc_flush_pending@v5.10" {
    mm->tlb_flush_batched = true;
}

// Called under the PTL by whoever changes PTEs next (mprotect, zap, ...): the PTL orders the
// flag's store in set_tlb_ubc_flush_pending() (also under the PTL) against this racy read
// (data_race()). barrier() keeps the clear after the flush; every step here is in program
// order, so a clear before the flush is modelled only as written.
fn flush_tlb_batched_pending(mm) source "mm/rmap.c:flush_tlb_batched_pending@v5.10" {
    if mm->tlb_flush_batched {
        // mutate: equivalent(swap-adjacent) not observable here: clearing the flag before the flush matters only to a third path that takes another PTL between the two, sees the flag clear and returns without flushing while reclaim's unmapped entry is still cached; no test runs three such paths (tests/mmk/swap/batched-flush-flag-race.mmk has the two-path race, the clear after a new raise)
        flush_tlb_mm(mm);
        mm->tlb_flush_batched = false;
    }
}

// include/linux/mm_types.h: struct vm_area_struct, the fields these paths use. The layout
// (vm_start, vm_end, the list links, mm->mmap) and vm_flags and
// vm_page_prot are written under mmap_lock held for write ("protected by the mmap_lock held in write mode"), so a
// path holding mmap_lock reads them without a step of its own; in a test whose paths never
// write one of them (no munmap, no fork) the machine reads it as a constant. vm_mm is set
// once, when the VMA is allocated (vm_area_alloc()). Left out: vm_rb, the anon_vma chain,
// vm_file, vm_ops, the userfaultfd context.
struct vm_area_struct source "include/linux/mm_types.h:struct vm_area_struct@v5.10" {
    // (stack growth, expand_downwards(), moves vm_start under mmap_lock held for read and
    // mm->page_table_lock: opt-in/stack-growth-v5.10.mmk declares it with no single lock;
    // without it every write, a split's, holds mmap_lock for write)
    vm_start: int guarded_by vm_mm->mmap_lock;
    vm_end: int guarded_by vm_mm->mmap_lock;
    vm_next: handle guarded_by vm_mm->mmap_lock;
    vm_prev: handle guarded_by vm_mm->mmap_lock;
    vm_mm: handle stable;
    vm_page_prot: pgprot_t guarded_by vm_mm->mmap_lock;
    vm_flags: int guarded_by vm_mm->mmap_lock;
    // The rmap's view of the VMA. The tree has no anon_vma objects and no rmap walk
    // (opt-in/anon-rmap-v5.10.mmk adds them), so anon_vma stays null here.
    vm_pgoff: int guarded_by vm_mm->mmap_lock;
    anon_vma: handle guarded_by vm_mm->mmap_lock;
}

// The state a VMA of the scenario starts in: [start, end) of mm with flags, linked after
// prev (as mmap_region() -> vma_link() leaves it), vm_page_prot set from the flags
// (vma_set_page_prot()).
fn scenario_vma(vma, mm, start, end, flags, prev) source "mmcheck: scenario set-up for v5.10" {
    vma->vm_mm = mm;
    down_write(&mm->mmap_lock);
    vma->vm_start = start;
    vma->vm_end = end;
    vma->vm_prev = prev;
    if prev == null {
        mm->mmap = vma;
    } else {
        prev->vm_next = vma;
    }
    vma->vm_flags = flags;
    vma->vm_page_prot = vm_get_page_prot(flags);
    // an anonymous VMA's pgoff is its start (mmap_region() -> vma->vm_pgoff = pgoff, which
    // do_mmap() sets to addr >> PAGE_SHIFT for MAP_ANONYMOUS|MAP_PRIVATE)
    vma->vm_pgoff = start;
    up_write(&mm->mmap_lock);
}
