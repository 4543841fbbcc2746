//! Built-in primitives: their names, arities and atomicity class. The machine implements
//! them (`machine::prims`); the front end only needs this table.

/// How a primitive interacts with the interleaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrimClass {
    /// No state at all (PTE bit helpers, pgprot arithmetic).
    Pure,
    /// Reads or writes only the calling thread's own state, or state fixed for the run
    /// (the VMA layout). Never a step of its own.
    Local,
    /// A ghost: reads state and changes at most the ghost state the checks compare
    /// against (never what the kernel or the hardware can see); never a step of its own.
    Ghost,
    /// Touches shared state: one atomic step (folded only if it touches a page frame
    /// that is still private to the caller).
    Shared,
    /// A nondeterministic choice: a step of its own that touches nothing shared, which the
    /// search takes both ways (`Action::Choose`).
    Choice,
}

macro_rules! prims {
    ($( $variant:ident = $name:literal, $arity:literal, $class:ident, $doc:literal; )*) => {
        /// A primitive: one of the v1 built-ins below, or a row of a primitive family
        /// (`machine::family`: atomics, bit operations, spinlocks, ...), by its index there.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Prim { $( $variant, )* Family(u16) }
        impl Prim {
            /// The v1 built-ins (the family rows are in `Prim::all`).
            pub const ALL: &'static [Prim] = &[ $( Prim::$variant, )* ];
            pub fn name(self) -> &'static str {
                match self { $( Prim::$variant => $name, )* Prim::Family(i) => family::row(i).name }
            }
            pub fn arity(self) -> usize {
                match self { $( Prim::$variant => $arity, )* Prim::Family(i) => family::row(i).arity }
            }
            pub fn class(self) -> PrimClass {
                match self { $( Prim::$variant => PrimClass::$class, )* Prim::Family(i) => family::row(i).class }
            }
            /// One line on what it does and its atomicity (`mmcheck prims` prints these).
            pub fn doc(self) -> &'static str {
                match self { $( Prim::$variant => $doc, )* Prim::Family(i) => family::row(i).doc }
            }
            pub fn by_name(name: &str) -> Option<Prim> {
                match name {
                    $( $name => Some(Prim::$variant), )*
                    _ => family::by_name(name).map(Prim::Family),
                }
            }
            /// When a family primitive blocks ("" if never; the built-ins say it in `doc`).
            pub fn blocks(self) -> &'static str {
                match self { Prim::Family(i) => family::row(i).blocks, _ => "" }
            }
            /// Every primitive: the built-ins, then the family rows.
            pub fn all() -> impl Iterator<Item = Prim> {
                Prim::ALL
                    .iter()
                    .copied()
                    .chain((0..family::rows().len()).map(|i| Prim::Family(i as u16)))
            }
        }
    };
}

use crate::machine::family;

impl Prim {
    /// A built-in a model may replace with `override fn` (the kernel's own code for it):
    /// the synchronous TLB shootdowns, the fast default for the x86 flush protocol
    /// (`models/x86-tlb/`).
    pub fn overridable(self) -> bool {
        matches!(
            self,
            Prim::FlushTlbPage | Prim::FlushTlbRange | Prim::FlushTlbMm
        )
    }
}

prims! {
    // ---- PTE values (arch/x86/include/asm/pgtable.h) ----
    PteNone = "pte_none", 1, Pure, "true if the PTE is all zero";
    PtePresent = "pte_present", 1, Pure, "present or protnone (x86 pte_present)";
    PteWrite = "pte_write", 1, Pure, "RW bit";
    PteDirty = "pte_dirty", 1, Pure, "D bit";
    PteYoung = "pte_young", 1, Pure, "A bit";
    PteUffdWp = "pte_uffd_wp", 1, Pure, "_PAGE_UFFD_WP";
    PteSoftDirty = "pte_soft_dirty", 1, Pure, "_PAGE_SOFT_DIRTY";
    PteProtnone = "pte_protnone", 1, Pure, "PROTNONE set and P clear (NUMA hinting)";
    PteSpecial = "pte_special", 1, Pure, "_PAGE_SPECIAL";
    PtePfn = "pte_pfn", 1, Pure, "the frame number";
    PteMkwrite = "pte_mkwrite", 1, Pure, "set RW";
    PteWrprotect = "pte_wrprotect", 1, Pure, "clear RW";
    PteMkdirty = "pte_mkdirty", 1, Pure, "set D and soft-dirty (x86 pte_mkdirty)";
    PteMkclean = "pte_mkclean", 1, Pure, "clear D";
    PteMkyoung = "pte_mkyoung", 1, Pure, "set A";
    PteMkold = "pte_mkold", 1, Pure, "clear A";
    PteMkuffdWp = "pte_mkuffd_wp", 1, Pure, "set _PAGE_UFFD_WP";
    PteClearUffdWp = "pte_clear_uffd_wp", 1, Pure, "clear _PAGE_UFFD_WP";
    PteMksoftDirty = "pte_mksoft_dirty", 1, Pure, "set _PAGE_SOFT_DIRTY";
    PteClearSoftDirty = "pte_clear_soft_dirty", 1, Pure, "clear _PAGE_SOFT_DIRTY";
    PteSame = "pte_same", 2, Pure, "bit-exact PTE equality";
    PteModify = "pte_modify", 2, Pure, "protection bits from pgprot, _PAGE_CHG_MASK bits from the PTE";
    MkPte = "mk_pte", 2, Pure, "a PTE for a page with a pgprot (its bits kept: the x86 user pgprots carry _PAGE_ACCESSED, so the PTE is young)";
    PtePage = "pte_page", 1, Pure, "the page a PTE maps";
    PteMkspecial = "pte_mkspecial", 1, Pure, "set _PAGE_SPECIAL (no struct page behind it for vm_normal_page)";
    VmGetPageProt = "vm_get_page_prot", 1, Pure, "protection_map[] of VM_READ|VM_WRITE|VM_EXEC|VM_SHARED (x86: PAGE_NONE, PAGE_COPY, PAGE_SHARED, each with _PAGE_ACCESSED)";
    PgprotWrite = "pgprot_write", 1, Pure, "true if the pgprot allows writes";
    // ---- swap and migration entries (include/linux/swapops.h, x86 pgtable.h) ----
    IsSwapPte = "is_swap_pte", 1, Pure, "(pte) neither none nor present: a swap, migration or device-private entry, or a marker";
    PteToSwpEntry = "pte_to_swp_entry", 1, Pure, "(pte) the swp_entry_t of a swap PTE (its soft-dirty and uffd-wp bits dropped)";
    SwpEntryToPte = "swp_entry_to_pte", 1, Pure, "(entry) the swap PTE of an entry";
    NonSwapEntry = "non_swap_entry", 1, Pure, "(entry) not a slot of the swap device: a migration or device-private entry, or a marker";
    SwpEntry = "swp_entry", 2, Pure, "(type, offset) a swap entry: type 0 with an offset in 1..=`swap_device_slots()` is a slot of the swap device";
    SwpType = "swp_type", 1, Pure, "(entry) its type: 0 for the swap device's slots";
    SwpOffset = "swp_offset", 1, Pure, "(entry) its offset: the slot, the frame number or the marker bits";
    SwapDeviceSlots = "swap_device_slots", 0, Pure, "() how many slots the scenario's swap device has (`swap_slots N;`, or as many as it declares with `swap S = V;`); offsets 1..=N (0 is the swap header)";
    IsMigrationEntry = "is_migration_entry", 1, Pure, "(entry) a migration entry, read or write";
    IsWriteMigrationEntry = "is_write_migration_entry", 1, Pure, "(entry) a migration entry of a writable PTE";
    MakeMigrationEntry = "make_migration_entry", 2, Pure, "(page, write) the migration entry for page";
    MigrationEntryToPage = "migration_entry_to_page", 1, Pure, "(entry) the page a migration entry names";
    PteSwpSoftDirty = "pte_swp_soft_dirty", 1, Pure, "(pte) _PAGE_SWP_SOFT_DIRTY of a swap PTE";
    PteSwpMksoftDirty = "pte_swp_mksoft_dirty", 1, Pure, "(pte) set _PAGE_SWP_SOFT_DIRTY";
    PteSwpUffdWp = "pte_swp_uffd_wp", 1, Pure, "(pte) _PAGE_SWP_UFFD_WP of a swap PTE";
    PteSwpMkuffdWp = "pte_swp_mkuffd_wp", 1, Pure, "(pte) set _PAGE_SWP_UFFD_WP";
    PteSwpClearUffdWp = "pte_swp_clear_uffd_wp", 1, Pure, "(pte) clear _PAGE_SWP_UFFD_WP";
    MakeDevicePrivateEntry = "make_device_private_entry", 2, Pure, "(page, write) the device-private entry for a page (CONFIG_DEVICE_PRIVATE)";
    IsDevicePrivateEntry = "is_device_private_entry", 1, Pure, "(entry) a device-private entry, read or write";
    IsWriteDevicePrivateEntry = "is_write_device_private_entry", 1, Pure, "(entry) a device-private entry of a writable PTE";
    DevicePrivateEntryToPage = "device_private_entry_to_page", 1, Pure, "(entry) the page a device-private entry names";
    MakePteMarkerEntry = "make_pte_marker_entry", 1, Pure, "(marker) the entry of a PTE marker (v5.19+): its bits, PTE_MARKER_UFFD_WP and the others, not 0";
    IsPteMarkerEntry = "is_pte_marker_entry", 1, Pure, "(entry) a PTE marker";
    PteMarkerGet = "pte_marker_get", 1, Pure, "(entry) a marker's bits";
    // ---- the swap device (a block device the machine provides: its slots hold page contents) ----
    SwapWritePage = "swap_write_page", 2, Shared, "(page, entry) the device writes the page's contents to the entry's slot (the block I/O of swap_writepage(), completed in this step); use_after_free if the page is free";
    SwapReadPage = "swap_read_page", 2, Shared, "(page, entry) the device reads the entry's slot into the page (the block I/O of swap_readpage(), completed in this step); use_after_free if the page is free";
    // ---- PMD values (arch/x86/include/asm/pgtable.h) ----
    PmdNone = "pmd_none", 1, Pure, "true if the PMD entry is empty";
    PmdPresent = "pmd_present", 1, Pure, "true if the PMD entry points to a table or is a huge leaf";
    PmdTransHuge = "pmd_trans_huge", 1, Pure, "true for a huge leaf (_PAGE_PSE)";
    PmdPage = "pmd_page", 1, Pure, "(pmd) the page a huge leaf maps";
    PmdWrite = "pmd_write", 1, Pure, "(pmd) RW bit of a huge leaf";
    PmdDirty = "pmd_dirty", 1, Pure, "(pmd) D bit of a huge leaf";
    PmdMkwrite = "pmd_mkwrite", 1, Pure, "(pmd) set RW of a huge leaf";
    PmdMkdirty = "pmd_mkdirty", 1, Pure, "(pmd) set D (and soft-dirty) of a huge leaf";
    PmdYoung = "pmd_young", 1, Pure, "(pmd) A bit of a huge leaf";
    PmdMkyoung = "pmd_mkyoung", 1, Pure, "(pmd) set A of a huge leaf";
    PmdMkold = "pmd_mkold", 1, Pure, "(pmd) clear A of a huge leaf";
    PmdWrprotect = "pmd_wrprotect", 1, Pure, "(pmd) clear RW of a huge leaf";
    PmdMkclean = "pmd_mkclean", 1, Pure, "(pmd) clear D of a huge leaf";
    PmdProtnone = "pmd_protnone", 1, Pure, "(pmd) a huge leaf with PROTNONE set and P clear (NUMA hinting)";
    PmdSoftDirty = "pmd_soft_dirty", 1, Pure, "(pmd) _PAGE_SOFT_DIRTY of a huge leaf";
    PmdMksoftDirty = "pmd_mksoft_dirty", 1, Pure, "(pmd) set _PAGE_SOFT_DIRTY of a huge leaf";
    PmdClearSoftDirty = "pmd_clear_soft_dirty", 1, Pure, "(pmd) clear _PAGE_SOFT_DIRTY of a huge leaf";
    PmdUffdWp = "pmd_uffd_wp", 1, Pure, "(pmd) _PAGE_UFFD_WP of a huge leaf";
    PmdMkuffdWp = "pmd_mkuffd_wp", 1, Pure, "(pmd) set _PAGE_UFFD_WP of a huge leaf";
    PmdClearUffdWp = "pmd_clear_uffd_wp", 1, Pure, "(pmd) clear _PAGE_UFFD_WP of a huge leaf";
    PmdModify = "pmd_modify", 2, Pure, "(pmd, pgprot) protection bits from pgprot, _HPAGE_CHG_MASK bits (the frame, A, D, soft-dirty, uffd-wp, PSE) from the huge leaf";
    PmdMkinvalid = "pmd_mkinvalid", 1, Pure, "(pmd) the huge leaf with _PAGE_PRESENT and _PAGE_PROTNONE cleared: still pmd_present() and pmd_trans_huge() (_PAGE_PSE stays), but the MMU faults on it";
    MkHugePmd = "mk_huge_pmd", 2, Pure, "(page, pgprot) a huge leaf mapping page (mk_pmd() then pmd_mkhuge()); the model's huge page is one frame, so a huge leaf is allowed only in a 2 MiB range with one page of the scenario";
    PmdBad = "pmd_bad", 1, Pure, "true for an entry that is neither none nor a table (never, here)";
    PmdSame = "pmd_same", 2, Pure, "bit-exact PMD equality (the table and its generation)";
    PmdPgtable = "pmd_pgtable", 1, Pure, "(pmd) the PTE table (pgtable_t) a PMD entry points to";
    // ---- thread-local or fixed state ----
    CurrentMm = "current_mm", 0, Local, "the mm of the task running on this CPU";
    PteOffsetMap = "pte_offset_map", 2, Local, "(mm or pmd, addr) pointer to the PTE of addr: from the mm, a walk through its PMD entry now (null if none); through a PMD pointer, the same, and use_after_free if the entry is none (the kernel's pointer would name no table); from a PMD value (`*pmdp` read earlier, as GUP-fast does), into the table that value names; from a pgtable_t, into that table before it is linked (a split filling the table it withdrew)";
    PmdOffset = "pmd_offset", 2, Local, "(mm, addr) pointer to the PMD entry of the 2 MiB range holding addr; `*pmdp` reads it";
    PmdLockptr = "pmd_lockptr", 2, Local, "(mm, pmdp) the lock of the PMD table page (x86 split PMD locks; one PMD page covers every range of a scenario)";
    PteLockptr = "pte_lockptr", 2, Local, "the PTL of the PTE table holding a PTE pointer";
    ZeroPage = "ZERO_PAGE", 1, Local, "(addr) the shared zero page: read-only, never freed";
    IsZeroPfn = "is_zero_pfn", 1, Local, "(pfn) true for the zero page's frame number";
    ForceSigSegv = "force_sig_segv", 0, Local, "kill the user program with SIGSEGV when the fault returns";
    ForceSigBus = "force_sig_bus", 0, Local, "kill the user program with SIGBUS when the fault returns (do_sigbus)";
    NotModelled = "not_modelled", 0, Local, "stop with a model error here: the model does not cover this path (say which in a comment)";
    // ---- page tables and TLBs ----
    SetPteAt = "set_pte_at", 4, Shared, "(mm, addr, ptep, pte): write a PTE; the PTL must be held (or, for a table no PMD entry links yet, the mm's PMD lock: a split filling the table it withdrew)";
    PtepGetAndClear = "ptep_get_and_clear", 3, Shared, "(mm, addr, ptep): atomic xchg with 0; returns the old PTE";
    FlushTlbPage = "flush_tlb_page", 2, Shared, "(vma, addr): synchronous shootdown of one page on every CPU; waits while another CPU of the mm has IRQs disabled (its IPI)";
    FlushTlbRange = "flush_tlb_range", 3, Shared, "(vma or mm, start, end): synchronous shootdown of [start, end); end -1 (TLB_FLUSH_ALL) flushes the whole mm; waits while another CPU of the mm has IRQs disabled";
    FlushTlbMm = "flush_tlb_mm", 1, Shared, "synchronous shootdown of the whole mm; waits while another CPU of the mm has IRQs disabled";
    PteAllocOne = "pte_alloc_one", 1, Shared, "(mm) a zeroed PTE table from the pool (pgtable_t; its PTL free), or null when the pool is empty";
    PmdPopulate = "pmd_populate", 3, Shared, "(mm, pmdp, pgtable) point the PMD entry (none, or a huge leaf being split: not present after pmdp_invalidate()) at the table";
    SetPmdAt = "set_pmd_at", 4, Shared, "(mm, addr, pmdp, pmd) write a PMD entry (a huge leaf) over none or a huge leaf (one store: an A or D bit the hardware set meanwhile is lost); the mm's PMD lock must be held";
    PmdpHugeGetAndClear = "pmdp_huge_get_and_clear", 3, Shared, "(mm, addr, pmdp) atomic xchg of the PMD entry with none; returns the old entry (a huge leaf or a table pointer); the mm's PMD lock must be held";
    PmdpEstablish = "pmdp_establish", 4, Shared, "(vma, addr, pmdp, pmd) atomic xchg of a huge leaf with another (x86 pmdp_establish() on SMP: xchg, so no A or D bit the hardware sets meanwhile is lost); returns the old leaf; the mm's PMD lock must be held";
    PmdClear = "pmd_clear", 1, Shared, "(pmdp) make the PMD entry none (x86 native_pmd_clear(): one store)";
    PteFree = "pte_free", 2, Shared, "(mm, pgtable) give the table back to the pool: a walk, a pointer or a paging-structure-cache entry that still reaches it is use_after_free";
    FlushTlbOneUser = "__flush_tlb_one_user", 1, Shared, "(addr) INVLPG on this CPU: drop its TLB entry for the user address, and all its paging-structure-cache entries (Intel SDM 4.10.4.1) (arch/x86/include/asm/tlbflush.h)";
    FlushTlbLocal = "flush_tlb_local", 0, Shared, "() a CR3 write on this CPU: drop all its TLB and paging-structure-cache entries (arch/x86/include/asm/tlbflush.h flush_tlb_local())";
    // ---- address spaces ----
    AllocateMm = "allocate_mm", 0, Shared, "() a free mm of the test's `mms N;` (kernel/fork.c allocate_mm(), kmem_cache_alloc(mm_cachep)): its mm_struct at its fields' initial values, every PMD entry none (mm_init()'s pgd_alloc()); a model error when none is left. Its addresses have no lost-write expectations of their own";
    FreeMm = "free_mm", 1, Shared, "(mm) give the mm back (kernel/fork.c free_mm(): kmem_cache_free(mm_cachep)); its page tables must be gone (every PMD entry none: a model error otherwise), its mm_struct fields return to their initial values, its TLB entries and lost-write expectations go; touching it afterwards is use_after_free";
    VmAreaAlloc = "vm_area_alloc", 1, Shared, "(mm) a free struct vm_area_struct with vm_mm set, its other fields at their initial values (kernel/fork.c vm_area_alloc(): kmem_cache_alloc(vm_area_cachep) and vma_init()); `mms N;` gives each mm past the first room for a copy of every scenario VMA, each `hole` room for one more VMA in each mm; a model error when none is left";
    SwitchMm = "switch_mm", 1, Shared, "(mm) this CPU now runs a task of mm: the hardware half of context_switch() -> switch_mm_irqs_off(), a CR3 load of mm's page tables; TLB and paging-structure-cache entries are tagged by mm (PCID) and stay. The kernel's bookkeeping (mm_cpumask(), cpu_tlbstate, lazy mode) is model code";
    VmAreaFree = "vm_area_free", 1, Shared, "(vma) give the VMA back (kernel/fork.c vm_area_free(): kmem_cache_free(vm_area_cachep)): its fields return to their initial values, and touching it is use_after_free";
    VmAreaFreeRcu = "vm_area_free_rcu", 1, Shared, "(vma) give the VMA back after an RCU grace period (kernel/fork.c vm_area_free() with CONFIG_PER_VMA_LOCK: call_rcu() of vm_area_free_rcu_cb()): the CPUs in read sections now, the caller's included, may still use it; the outermost rcu_read_unlock() of the last of them frees it, as vm_area_free() does; with none in a read section it is freed at once";
    // ---- pages ----
    DmaAdd = "dma_add", 4, Shared, "(page, v, mm, addr) a device adds v to the page's word by DMA, the page pinned for user address addr of mm (pin_user_pages()); the lost-write ghost expects addr of mm to see the sum. use_after_free if the page is free";
    CopyUserHighpage = "copy_user_highpage", 2, Shared, "(dst, src): copy the contents of src into dst";
    MemcmpPages = "memcmp_pages", 2, Shared, "(a, b): 0 if the contents are equal";
    CopyFromUserInatomic = "copy_from_user_inatomic", 2, Shared, "(dst, addr): the kernel copies a page through the user address, on this CPU's TLB or a walk; false if that would fault";
    CopyToUserInatomic = "copy_to_user_inatomic", 2, Shared, "(addr, value): the kernel stores value through the user address, on this CPU's TLB or a walk (sets A and D), exactly as a user store would, and the lost-write ghost expects it; false (and this CPU's entry dropped) if that would fault";
    // ---- userfaultfd ----
    Schedule = "schedule", 0, Shared, "sleep until woken (returns at once if already woken)";
    // ---- choices ----
    SmpProcessorId = "smp_processor_id", 0, Local, "() the number of the CPU running this code";
    NrCpuIds = "nr_cpu_ids", 0, Local, "() the number of CPUs (include/linux/cpumask.h nr_cpu_ids): the scenario's";
    PerCpuPtr = "per_cpu_ptr", 2, Local, "(&var, cpu) that CPU's instance of a per-CPU variable; only its own CPU may touch it (a drain for a dead CPU is not modelled)";
    ThisCpuPtr = "this_cpu_ptr", 1, Local, "(&var) this CPU's instance of a per-CPU variable (`percpu NAME: STRUCT;`): its fields are this CPU's alone, so touching them is never a step of its own";
    Nondet = "nondet", 0, Choice, "true or false, both explored: an outcome decided outside the model (need_resched(), an allocation that may fail); wrap it in a function named for what it stands for. A step of its own that touches nothing shared; the diagram shows which way it went";
    // ---- ghost checks ----
    Violation = "violation", 1, Ghost, "(NAME) a kernel check the model makes (bad_page(), a VM_BUG_ON) found the declared invariant NAME broken here; nothing if the test does not check NAME";
    Assert = "assert", 1, Ghost, "a model assertion: violation(assertion) if false";
    BugOn = "BUG_ON", 1, Ghost, "violation(assertion) if true";
    AssumeTlbCoherent = "assume_tlb_coherent", 2, Ghost, "(vma, addr): the caller relies on no CPU caching a more permissive entry than the PTE; violation(stale_tlb) otherwise";
    GhostDiscard = "ghost_discard", 3, Ghost, "(vma, addr, page or null): a zap just cleared addr's PTE and throws page's contents away (MADV_DONTNEED, munmap): addr expects 0 (zero-fill on demand), and until ghost_discard_done a store that still lands in page (through a TLB entry not yet flushed) races with the discard and is lost with it. Changes only the lost-write ghost";
    GhostMove = "ghost_move", 4, Ghost, "(vma, old_addr, new_addr, page or null): a move just took old_addr's PTE to new_addr (mremap()'s move_ptes()): new_addr expects what old_addr did, old_addr expects 0, and until ghost_discard_done over old_addr a store that still lands in page through old_addr (a TLB entry not yet flushed) is expected at new_addr. Changes only the lost-write ghost";
    GhostSnapshot = "ghost_snapshot", 1, Ghost, "(page) the copy just made into page is a snapshot for another mm (fork's early copy of a pinned page for the child), not a replacement of its source: stores into the source after the copy are not lost with it. Changes only the lost-write ghost";
    GhostDiscardDone = "ghost_discard_done", 3, Ghost, "(vma, start, end): this CPU's discard or move of [start, end) is over (the syscall's zap or move and its flush are done): a store that lands in a page it took from there is from now on a lost write. Changes only the lost-write ghost";
    GhostLazyfree = "ghost_lazyfree", 2, Ghost, "(vma, addr): MADV_FREE made addr's page lazyfree: until a store (a CPU's, or a device's through a pin) lands in it again, the kernel may throw its contents away (ghost_lazyfree_discard). Changes only the lost-write ghost";
    GhostLazyfreeDiscard = "ghost_lazyfree_discard", 2, Ghost, "(vma, addr): reclaim just threw a lazyfree page away (addr's PTE cleared, the page to be freed): addr expects zero-fill if no store has landed since MADV_FREE; one that has is then lost (the discard was wrong). Changes only the lost-write ghost";
}
