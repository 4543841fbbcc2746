// struct mm_struct and struct vm_area_struct as Linux 6.12.y has them, and the deferred-TLB-
// flush state on the mm: the pending count of inc/dec_tlb_flush_pending()
// (include/linux/mm_types.h) and reclaim's batched-flush generations (mm/rmap.c, read at
// 6.12.68).
//
// The machine's checks read three of these fields by name (its hardware contract, DESIGN.md
// section 5): `stale_tlb` forgives a more permissive TLB entry while tlb_flush_pending is
// above 0, tlb_flush_batched owes a flush (its pending generations differ from its flushed
// ones) or mmap_lock is held for write; every CPU finishing with tlb_flush_pending not back
// at 0 is `lock_hygiene`, and so is a vma->vm_flags store without mmap_lock held for write.
//
// Barriers: the model runs every step in one total order (sequential consistency), so the
// RELEASE/ACQUIRE pairs these fields' comments ask for (vma_end_write_all() against
// vma_start_read(), the PTL publishing tlb_flush_pending) always hold here. What the model
// cannot show is a bug that needs those orderings broken.

// include/linux/mm_types.h@v6.12 (pinned by blob hash, research note 612-basics section
// 5.2), the fields these paths use. mmap heads the VMA list: the model keeps v5.10's sorted
// list (vm_next/vm_prev) in place of 6.12's maple tree mm->mm_mt. Both give a lockless
// reader under RCU a VMA that stays allocated until a grace period ends (vm_area_free()
// defers the free with call_rcu()); the maple tree's node replacement is not modelled.
// cpu_bitmap is mm_cpumask() (one word: at most 8 CPUs) and context_tlb_gen x86's
// mm->context.tlb_gen. write_protect_seq (57efa1fe5957, 5.11) is taken by fork around the
// COW write-protect and read by GUP-fast. page_table_lock orders stack expansions; the PMD
// entries have their own split lock here (pmd_lockptr()). Left out: everything else
// (mm_mt's own lock, counters, mm_count, the lru_gen and ksm fields, ...).
struct mm_struct source "include/linux/mm_types.h:struct mm_struct@v6.12" {
    mmap: handle guarded_by mmap_lock;
    mmap_lock: rw_semaphore;
    tlb_flush_pending: atomic_t;
    // reclaim's deferred generations (bits 0-14) and flushed ones (bits 16-30)
    tlb_flush_batched: atomic_t;
    cpu_bitmap: bits;
    context_tlb_gen: atomic_t;
    write_protect_seq: seqcount_t;
    page_table_lock: spinlock_t;
    // "The number of users including userspace" (mm_init(): 1); mm_count, the references
    // of lazy-TLB CPUs and of mmgrab(), is not modelled: the last mmput() frees the mm
    mm_users: atomic_t = 1;
    // The PTE table deposited with a huge leaf (pmd_huge_pte(), per PMD page in the kernel:
    // the model's mm has one PMD page, and keeps one table; huge_memory.mmk), under the PMD
    // lock.
    pmd_huge_pte: handle;
    // CONFIG_PER_VMA_LOCK: "incrementing the sequence number is equivalent to releasing
    // locks on VMAs" (vma_end_write_all()). Written under mmap_lock held for write, read
    // locklessly by vma_start_read(). An int in the 6.12.y this tree follows (eb449bd96954
    // made it a seqcount_t, in 6.13 and late 6.12.y).
    mm_lock_seq: int guarded_by mmap_lock;
    // MMF_* bits: GUP with FOLL_PIN sets MMF_HAS_PINNED (mm_set_has_pinned_flag()), fork's
    // page_needs_cow_for_dma() reads it.
    flags: bits;
}

// include/linux/sched/coredump.h: "Some GUP pins exist in this mm"; which bit it is matters
// to nothing modelled.
const MMF_HAS_PINNED = 27;

// ---- include/linux/mm_inline.h@v6.12 (moved from mm_types.h; the text is v5.10's, as the
// context of 6.x stable diffs of mm_inline.h shows) ----

// Its comment: the increment comes before the PTL is taken and the PTEs are changed, so a
// CPU that takes the same PTL later and sees the changed PTE sees the increment too (the
// unlock publishes both). Under sequential consistency an increment is seen by every step
// after it, so the model keeps that guarantee whatever PTL the reader takes; the comment's
// caveat (with split PTE locks and RCpc locks only the same PTL orders them) is not
// modelled (one PTE table, one PTL).
fn inc_tlb_flush_pending(mm) source "include/linux/mm_inline.h:inc_tlb_flush_pending@v6.12" {
    atomic_inc(&mm->tlb_flush_pending);
}

// Its comment: the decrement must not pass the flush, and smp_mb__before_atomic() cannot
// order it against TLB invalidate completion, so it relies on tlb_flush_*() to order it.
// Here a flush is one step that completes on every CPU (flush_tlb_range() is synchronous),
// so a decrement after it in program order is after it for every CPU. A caller that
// decrements before its flush is modelled as written (uffd-wp/mutation-dec-before-flush.mmk).
fn dec_tlb_flush_pending(mm) source "include/linux/mm_inline.h:dec_tlb_flush_pending@v6.12" {
    atomic_dec(&mm->tlb_flush_pending);
}

// Must be called with the PTL held: it guarantees true only for a flush pending on the PTEs
// of that PTL (see inc_tlb_flush_pending()). The int count converts to bool.
fn mm_tlb_flush_pending(mm) source "include/linux/mm_inline.h:mm_tlb_flush_pending@v6.12" {
    return atomic_read(&mm->tlb_flush_pending) != 0;
}

// Another flusher besides the caller (whose own increment is in the count).
fn mm_tlb_flush_nested(mm) source "include/linux/mm_inline.h:mm_tlb_flush_nested@v6.12" {
    return atomic_read(&mm->tlb_flush_pending) > 1;
}

// ---- mm/rmap.c@6.12.68: batched unmap flush (CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) ----

// include/linux/mm_types.h ... mm/rmap.c: "Bits 0-14 of mm->tlb_flush_batched record
// pending generations. Bits 16-30 of mm->tlb_flush_batched bit record flushed generations."
const TLB_FLUSH_BATCH_FLUSHED_SHIFT = 16;
const TLB_FLUSH_BATCH_PENDING_MASK = (1 << (TLB_FLUSH_BATCH_FLUSHED_SHIFT - 1)) - 1;
// Reclaim's side (set_tlb_ubc_flush_pending(), from try_to_unmap_one()) is not in this
// tree: it has no reclaim path yet.

// Called under the PTL by whoever changes PTEs next (mprotect, zap, mremap, ...): "If the
// new TLB flushing is pending during flushing, leave mm->tlb_flush_batched as is, to avoid
// losing flushing." arch_flush_tlb_batched_pending() is x86's flush_tlb_mm().
fn flush_tlb_batched_pending(mm) source "mm/rmap.c:flush_tlb_batched_pending@6.12.68" {
    let batch = atomic_read(&mm->tlb_flush_batched);
    let pending = batch & TLB_FLUSH_BATCH_PENDING_MASK;
    let flushed = batch >> TLB_FLUSH_BATCH_FLUSHED_SHIFT;
    if pending != flushed {
        // mutate: equivalent(delete-flush) not observable here: pending differs from flushed only after reclaim's batched unmap (set_tlb_ubc_flush_pending()), which this tree does not have (see above): the branch is never taken
        // mutate: equivalent(swap-adjacent) not observable here: pending differs from flushed only after reclaim's batched unmap (set_tlb_ubc_flush_pending()), which this tree does not have (see above): the branch is never taken
        flush_tlb_mm(mm);
        atomic_cmpxchg(&mm->tlb_flush_batched, batch, pending | (pending << TLB_FLUSH_BATCH_FLUSHED_SHIFT));
    }
}

// include/linux/mm_types.h@v6.12: struct vm_area_struct, the fields these paths use. The
// layout (vm_start, vm_end, the list links standing in for the maple tree, mm->mmap),
// vm_flags and vm_page_prot are written under mmap_lock held for write, and since 6.4 also
// under the VMA's own write lock (vma_start_write()), so a path holding mmap_lock reads them
// without a step of its own, and a fault holding only the VMA's read lock reads them as
// ordinary loads (which the write lock keeps from changing under it). vm_mm is set once,
// when the VMA is allocated (vm_area_alloc()). Left out: the anon_vma chain, vm_file,
// vm_ops, the userfaultfd context, numab state.
struct vm_area_struct source "include/linux/mm_types.h:struct vm_area_struct@v6.12" {
    // (stack growth, expand_downwards(), moves vm_start under mmap_lock held for read and
    // mm->page_table_lock: not in this tree; every write, a split's, holds mmap_lock for
    // write)
    vm_start: int guarded_by vm_mm->mmap_lock;
    vm_end: int guarded_by vm_mm->mmap_lock;
    // the maple tree's order, as a list (see struct mm_struct)
    vm_next: handle guarded_by vm_mm->mmap_lock;
    vm_prev: handle guarded_by vm_mm->mmap_lock;
    vm_mm: handle stable;
    vm_page_prot: pgprot_t guarded_by vm_mm->mmap_lock;
    vm_flags: int guarded_by vm_mm->mmap_lock;
    // The rmap's view of the VMA. The tree has no anon_vma objects and no rmap walk:
    // anon_vma is a token, null until __anon_vma_prepare() sets it (to the VMA's mm)
    // under mm->page_table_lock from a fault holding only mmap_lock for read or the VMA
    // lock, so it has no single guarding lock here (page.mmk).
    vm_pgoff: int guarded_by vm_mm->mmap_lock;
    anon_vma: handle;
    // CONFIG_PER_VMA_LOCK. "Flag to indicate areas detached from the mm->mm_mt tree.
    // Unstable RCU readers are allowed to read this." Written with the VMA write-locked
    // (vma_mark_detached()), so under mmap_lock held for write.
    detached: int guarded_by vm_mm->mmap_lock;
    // "Can only be written (using WRITE_ONCE()) while holding both: mmap_lock (in write
    // mode), vm_lock->lock (in write mode)"; -1 from vma_lock_alloc().
    vm_lock_seq: int = -1 guarded_by vm_mm->mmap_lock;
    // 6.12's vm_lock points to a separately allocated struct vma_lock { struct
    // rw_semaphore lock; } (vma_lock_alloc()); the model embeds the rw_semaphore, which is
    // allocated and freed with the VMA all the same.
    vm_lock: rw_semaphore;
}

// The state a VMA of the scenario starts in: [start, end) of mm with flags, linked after
// prev (as mmap_region() -> vma_link() leaves it), vm_page_prot set from the flags
// (vma_set_page_prot()).
fn scenario_vma(vma, mm, start, end, flags, prev) source "mmcheck: scenario set-up for v6.12" {
    vma->vm_mm = mm;
    down_write(&mm->mmap_lock);
    // vma_lock_alloc(): the VMA lock free, its sequence number -1
    vma->vm_lock_seq = -1;
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
    // a scenario VMA starts with its anon_vma, as after its first fault's anon_vma_prepare()
    // (the token, its mm: page.mmk); a VMA mmap() creates starts without one
    vma->anon_vma = mm;
    up_write(&mm->mmap_lock);
}
