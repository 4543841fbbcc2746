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
    /// (`SWP_MIGRATION_READ` or `SWP_MIGRATION_WRITE`) and the frame number it names.
    pub fn swap_entry(self) -> Option<(u32, u32)> {
        use pte_bits::*;
        (!self.has(PRESENT) && !self.has(PROTNONE) && self.has(SPECIAL))
            .then_some(((self.0 >> 2) & 3, self.pfn()))
    }

    /// The swap PTE of a swap entry (`swp_entry_to_pte()`): type and frame number.
    pub fn from_swap_entry(ty: u32, pfn: u32) -> Pte {
        Pte(pfn << pte_bits::PFN_SHIFT | pte_bits::SPECIAL | (ty & 3) << 2)
    }
}

/// Swap entry types (include/linux/swapops.h): only migration entries are modelled.
pub const SWP_MIGRATION_READ: u32 = 1;
pub const SWP_MIGRATION_WRITE: u32 = 2;

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
        if let Some((ty, pfn)) = self.swap_entry() {
            let kind = match ty {
                SWP_MIGRATION_WRITE => "migration entry (write)",
                SWP_MIGRATION_READ => "migration entry (read)",
                _ => "swap entry",
            };
            return format!("{kind} for {}", page_name(pfn));
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
