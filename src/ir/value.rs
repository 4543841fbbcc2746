//! Runtime values of the modelling language.

use std::fmt;

/// Bits of a modelled x86 PTE. The frame number sits above bit 8; pfn 0 is never used, so a
/// PTE of 0 is `pte_none`.
pub mod pte_bits {
    pub const PRESENT: u32 = 1 << 0;
    pub const WRITE: u32 = 1 << 1;
    pub const ACCESSED: u32 = 1 << 2;
    pub const DIRTY: u32 = 1 << 3;
    pub const SOFT_DIRTY: u32 = 1 << 4;
    pub const UFFD_WP: u32 = 1 << 5;
    pub const PROTNONE: u32 = 1 << 6;
    pub const SPECIAL: u32 = 1 << 7;
    pub const FLAGS: u32 = 0xff;
    pub const PFN_SHIFT: u32 = 8;
    /// Protection bits that `pte_modify` takes from the new pgprot (the rest is
    /// `_PAGE_CHG_MASK`, kept from the old PTE).
    pub const PROT_MASK: u32 = PRESENT | WRITE | PROTNONE;
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pte(pub u32);

impl Pte {
    pub const NONE: Pte = Pte(0);
    pub fn new(pfn: u32, bits: u32) -> Pte {
        Pte((pfn << pte_bits::PFN_SHIFT) | (bits & pte_bits::FLAGS))
    }
    pub fn pfn(self) -> u32 {
        self.0 >> pte_bits::PFN_SHIFT
    }
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
    pub fn with(self, bit: u32, on: bool) -> Pte {
        if on {
            Pte(self.0 | bit)
        } else {
            Pte(self.0 & !bit)
        }
    }
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
    /// Hardware-present: the walker may use it (`_PAGE_PRESENT`).
    pub fn hw_present(self) -> bool {
        self.has(pte_bits::PRESENT)
    }
    pub fn write(self) -> bool {
        self.has(pte_bits::WRITE)
    }

    /// A swap PTE (neither none nor present, `_PAGE_SPECIAL` marking it here): its type
    /// (`SWP_*`) and offset (a swap slot, or the frame number a migration or device-private
    /// entry names, or a marker's bits).
    pub fn swap_entry(self) -> Option<(u32, u32)> {
        use pte_bits::*;
        (!self.has(PRESENT) && !self.has(PROTNONE) && self.has(SPECIAL))
            .then_some(((self.0 >> SWP_TYPE_SHIFT) & SWP_TYPE_MASK, self.pfn()))
    }

    /// The swap PTE of a swap entry (`swp_entry_to_pte()`): type and offset.
    pub fn from_swap_entry(ty: u32, offset: u32) -> Pte {
        Pte(offset << pte_bits::PFN_SHIFT
            | pte_bits::SPECIAL
            | (ty & SWP_TYPE_MASK) << SWP_TYPE_SHIFT)
    }

    /// The frame number of the page the entry names, present or not: a present or
    /// PROT_NONE PTE's, or a migration or device-private entry's.
    pub fn frame_pfn(self) -> Option<u32> {
        use pte_bits::*;
        if self.pfn() != 0 && (self.has(PRESENT) || self.has(PROTNONE)) {
            return Some(self.pfn());
        }
        self.entry_pfn()
    }

    /// The frame a swap PTE names and keeps in use (a migration or device-private entry),
    /// as its frame number; None for a swap slot or a marker.
    pub fn entry_pfn(self) -> Option<u32> {
        self.swap_entry()
            .filter(|&(ty, _)| swp_names_frame(ty))
            .map(|(_, pfn)| pfn)
    }
}

/// Where a swap PTE keeps its type: bits 1-3 (`_PAGE_RW`, `_PAGE_ACCESSED`, `_PAGE_DIRTY`
/// mean nothing in a non-present PTE; soft-dirty and uffd-wp keep their own bits, as
/// x86's `_PAGE_SWP_SOFT_DIRTY` and `_PAGE_SWP_UFFD_WP` do).
const SWP_TYPE_SHIFT: u32 = 1;
const SWP_TYPE_MASK: u32 = 7;

/// Swap entry types (include/linux/swapops.h, include/linux/swap.h). One swap device:
/// type 0, its offsets the slots of the scenario's swap device. The others are the kernel's
/// "non swap entries" past MAX_SWAPFILES.
pub const SWP_SWAPFILE: u32 = 0;
pub const SWP_MIGRATION_READ: u32 = 1;
pub const SWP_MIGRATION_WRITE: u32 = 2;
pub const SWP_DEVICE_READ: u32 = 3;
pub const SWP_DEVICE_WRITE: u32 = 4;
/// A PTE marker (v5.19+, 679d10331a40): no page behind it, its offset the marker bits.
pub const SWP_PTE_MARKER: u32 = 5;

/// A swp_entry_t as model code holds it (`Value::Int`): tagged, so that no plain integer
/// passes for one: the tag, the type at bit 32, the offset below.
pub const SWP_TAG: i64 = 1 << 40;

pub fn swp_entry_int(ty: u32, offset: u32) -> i64 {
    SWP_TAG | i64::from(ty) << 32 | i64::from(offset)
}

/// The frame (index, not pfn) a swp_entry_t held as an integer names, if it is a
/// migration or device-private entry.
pub fn swp_int_frame(x: i64) -> Option<usize> {
    let (ty, off) = (((x >> 32) & 0xff) as u32, x & 0xffff_ffff);
    (x & !0xff_ffff_ffff == SWP_TAG && swp_names_frame(ty) && off > 0).then(|| off as usize - 1)
}

/// Does an entry of this type name a frame (and keep it in use)?
pub fn swp_names_frame(ty: u32) -> bool {
    matches!(
        ty,
        SWP_MIGRATION_READ | SWP_MIGRATION_WRITE | SWP_DEVICE_READ | SWP_DEVICE_WRITE
    )
}

/// PTE marker bits (include/linux/swapops.h, v6.x): what a `pte X -> marker {...}` holds.
pub const PTE_MARKER_UFFD_WP: u32 = 1 << 0;
pub const PTE_MARKER_POISONED: u32 = 1 << 1;
pub const PTE_MARKER_GUARD: u32 = 1 << 2;

/// A PMD entry (x86-64): none, or a pointer to a PTE table of the table pool, tagged with
/// the table's generation when it was linked (a copy of the entry kept past the table's
/// free and reuse is told from the new one).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Pmd(pub u32);

impl Pmd {
    pub const NONE: Pmd = Pmd(0);
    /// A huge leaf (x86 _PAGE_PSE): its other bits are those of a PTE mapping the same page
    /// (`Pmd::leaf`); a table pointer has none of the low flag bits but bit 0.
    const PSE: u32 = pte_bits::SPECIAL;
    pub fn table(id: usize, generation: u8) -> Pmd {
        Pmd(1 | (id as u32 & 0xffff) << 8 | u32::from(generation) << 24)
    }
    /// A huge leaf with the frame and the protection and A/D bits of `pte`. Its present bit
    /// is `pte`'s: a leaf that `pmdp_invalidate()` made not present keeps _PAGE_PSE, so it
    /// is still `pmd_present()` and `pmd_trans_huge()` to the kernel, but the MMU faults on it.
    pub fn huge(pte: Pte) -> Pmd {
        Pmd((pte.0 & !Pmd::PSE) | Pmd::PSE)
    }
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
    /// The table it points to and that table's generation.
    pub fn table_of(self) -> Option<(usize, u8)> {
        (self.0 & (1 | Pmd::PSE) == 1)
            .then_some((((self.0 >> 8) & 0xffff) as usize, (self.0 >> 24) as u8))
    }
    /// A huge leaf's mapping, as the PTE that would map the same page with the same bits.
    pub fn leaf(self) -> Option<Pte> {
        (self.0 & Pmd::PSE != 0).then_some(Pte(self.0 & !Pmd::PSE))
    }
}

/// A pointer to one entry of a PTE table (`Value::PtePtr`): where it is in `State::ptes`,
/// and the table's generation when the pointer was made (an access through it after the
/// table was freed is a use-after-free).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PtePtr {
    pub index: u16,
    pub generation: u8,
}

impl PtePtr {
    pub fn pack(self) -> u32 {
        u32::from(self.index) | u32::from(self.generation) << 16
    }
    pub fn unpack(x: u32) -> PtePtr {
        PtePtr {
            index: x as u16,
            generation: (x >> 16) as u8,
        }
    }
}

impl fmt::Debug for Pte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.describe(|pfn| format!("pfn{pfn}")))
    }
}

impl Pte {
    /// Kernel-style rendering, e.g. `P rw=1 d=1` or `none`.
    pub fn describe(self, page_name: impl Fn(u32) -> String) -> String {
        use pte_bits::*;
        if self.is_none() {
            return "none".into();
        }
        if let Some((ty, off)) = self.swap_entry() {
            let mut s = match ty {
                SWP_SWAPFILE => format!("swap entry {off}"),
                SWP_MIGRATION_WRITE => format!("migration entry (write) for {}", page_name(off)),
                SWP_MIGRATION_READ => format!("migration entry (read) for {}", page_name(off)),
                SWP_DEVICE_WRITE => format!("device-private entry (write) for {}", page_name(off)),
                SWP_DEVICE_READ => format!("device-private entry (read) for {}", page_name(off)),
                SWP_PTE_MARKER => format!("marker 0x{off:x}"),
                _ => format!("swap entry of type {ty}, offset {off}"),
            };
            if self.has(SOFT_DIRTY) {
                s.push_str(" sd");
            }
            if self.has(UFFD_WP) {
                s.push_str(" uffd_wp");
            }
            return s;
        }
        if self.pfn() == 0 && self.0 & FLAGS != 0 && !self.has(PRESENT) && !self.has(PROTNONE) {
            return format!("0x{:x}", self.0);
        }
        let mut s = page_name(self.pfn());
        if !self.has(PRESENT) {
            s.push_str(if self.has(PROTNONE) {
                " protnone"
            } else {
                " !present"
            });
        }
        s.push_str(&format!(" rw={}", self.has(WRITE) as u8));
        s.push_str(&format!(" d={}", self.has(DIRTY) as u8));
        if !self.has(ACCESSED) {
            s.push_str(" old");
        }
        if self.has(SOFT_DIRTY) {
            s.push_str(" sd");
        }
        if self.has(UFFD_WP) {
            s.push_str(" uffd_wp");
        }
        s
    }
}

/// A value in a model: plain data, or a handle to a machine object.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Int(i64),
    Bool(bool),
    Pte(Pte),
    /// A pgprot: PTE protection bits.
    Prot(u32),
    /// A physical page frame (index into the frame table).
    Page(u16),
    Vma(u8),
    Mm(u8),
    /// A pointer to a PTE: `PtePtr::pack()`.
    PtePtr(u32),
    /// A PMD entry's value.
    Pmd(Pmd),
    /// A pointer to the PMD entry of a 2 MiB range (`Layout::region_base`).
    PmdPtr(u16),
    /// A PTE table of the pool (pgtable_t): the table and its generation, as `Pmd::table`.
    PgTable(Pmd),
    /// A page-table lock (one per PTE table).
    Ptl(u16),
    /// A record in the running thread's heap (`struct vm_fault` and friends).
    Rec(u16),
    /// A pointer to one word of shared memory: a field of a declared object
    /// (`&uffd_wp_groups.count`), an index into `State::mem`.
    Word(u32),
    /// `&x`: a pointer to a local variable of a call on the running thread's stack (an
    /// out-parameter such as `bool *need_flush`). Thread-private, like the local itself.
    Local(LocalPtr),
    /// A declared object in shared memory (a global, this CPU's instance of a per-CPU
    /// variable): its first word. `obj->field` reaches its fields.
    Obj(u32),
    /// A function, named as a value (`flush_tlb_func`): what an IPI runs on another CPU, or
    /// what an indirect call (`cond_func(cpu, info)`) calls.
    Func(u16),
}

/// Where a pointer to a local points: the call (its depth on the thread's stack, 0 for the
/// outermost) and the local's index in it. The call's function is kept to name it when the
/// pointer is misused; once the call returns, the pointer dangles (`depth == DANGLING`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LocalPtr {
    pub depth: u8,
    pub slot: u8,
    pub func: u16,
}

impl LocalPtr {
    /// The depth of a pointer whose call has returned.
    pub const DANGLING: u8 = u8::MAX;
    pub fn dangling(self) -> bool {
        self.depth == LocalPtr::DANGLING
    }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "int",
            Value::Bool(_) => "bool",
            Value::Pte(_) => "pte",
            Value::Prot(_) => "pgprot",
            Value::Page(_) => "page",
            Value::Vma(_) => "vma",
            Value::Mm(_) => "mm",
            Value::PtePtr(_) => "pte pointer",
            Value::Pmd(_) => "pmd",
            Value::PmdPtr(_) => "pmd pointer",
            Value::PgTable(_) => "pgtable",
            Value::Ptl(_) => "spinlock",
            Value::Rec(_) => "struct",
            Value::Word(_) => "pointer",
            Value::Obj(_) => "object",
            Value::Local(_) => "pointer to a local",
            Value::Func(_) => "function",
        }
    }
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Null => Some(false),
            Value::Page(_)
            | Value::Vma(_)
            | Value::Mm(_)
            | Value::PtePtr(_)
            | Value::Rec(_)
            | Value::Word(_)
            | Value::Local(_)
            | Value::Func(_)
            | Value::PmdPtr(_)
            | Value::PgTable(_) => Some(true),
            _ => None,
        }
    }
}
