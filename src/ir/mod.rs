//! The lowered program: bytecode functions and scenarios. This is the seam between the
//! language front end (which produces it) and the machine (which runs it).

pub mod consts;
pub mod prims;
pub mod value;

pub use prims::{Prim, PrimClass};
pub use value::{LocalPtr, Pmd, Pte, PtePtr, Value, pte_bits};

use crate::lang::source::{SourceMap, Span};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    BitOr,
    BitXor,
    BitAnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
    BitNot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserOp {
    Store,
    Add,
}

/// One bytecode instruction. Expressions run on a per-frame operand stack.
#[derive(Debug, Clone, Copy)]
pub enum Instr {
    /// Start of a source statement; `shared` if it may touch shared state.
    Stmt {
        shared: bool,
    },
    Const(Value),
    Load(u16),
    Store(u16),
    /// Replace the record/handle on the stack by its field.
    GetField(u16),
    /// Stack: base, value. Sets base.field = value.
    SetField(u16),
    /// `&obj->field` of a handle (a page, an mm): replace it by a pointer to the word.
    FieldAddr(u16),
    /// Stack: a pointer to an array field's first word, an index. The element's pointer.
    Elem,
    Unary(UnOp),
    Binary(BinOp),
    Jump(u32),
    JumpIfFalse(u32),
    /// Short-circuit helpers: peek, jump if the value decides the result, else pop.
    JumpIfFalseKeep(u32),
    JumpIfTrueKeep(u32),
    Call {
        func: u16,
        argc: u8,
    },
    Prim {
        prim: Prim,
        argc: u8,
    },
    /// Stack: the arguments, then the function to call (`Value::Func`): `f(args)` with `f`
    /// a local holding a function.
    CallIndirect {
        argc: u8,
    },
    /// `*p`: a PTE read or a read through a pointer to a local (kernel), or a user load
    /// (user program).
    Deref,
    /// `&x` of local `x` of the running call: push a pointer to it (`Value::Local`).
    AddrLocal(u16),
    /// Stack: pointer, value. `*p = v` through a pointer to a local (kernel code).
    StoreDeref,
    /// Stack: addr, value. A user store or atomic add.
    User(UserOp),
    Pop,
    Return,
    AtomicBegin,
    AtomicEnd,
    /// Push a new record of a struct type, fields null.
    NewRecord(u16),
    Dup,
}

#[derive(Debug, Clone)]
pub struct Func {
    pub name: String,
    /// The kernel function and version this follows, e.g. "mm/memory.c@v5.10".
    pub source: Option<String>,
    pub nparams: usize,
    pub nlocals: usize,
    /// The deepest the operand stack gets in this function (the compiler's count): a call
    /// frame is `nlocals + max_stack` values.
    pub max_stack: usize,
    pub local_names: Vec<String>,
    pub code: Vec<Instr>,
    pub spans: Vec<Span>,
    /// A CPU's user program (runs in user mode) rather than a kernel path.
    pub user: bool,
    pub span: Span,
}

#[cfg(test)]
impl Func {
    /// A function with no code and a frame of `nlocals` locals and `max_stack` operands, for
    /// tests that build states by hand.
    pub fn stub(nlocals: usize, max_stack: usize) -> Func {
        Func {
            name: "f".into(),
            source: None,
            nparams: 0,
            nlocals,
            max_stack,
            local_names: Vec::new(),
            code: Vec::new(),
            spans: Vec::new(),
            user: false,
            span: Span::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    pub fields: Vec<u16>,
}

/// The type of one word of a declared shared object (`struct NAME { field: TYPE; }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordKind {
    /// A plain integer: `READ_ONCE`/`WRITE_ONCE`, or `g.f` and `g.f = v` (one access each).
    Int,
    /// A flags word for the bit operations (bits 0 to 63).
    Bits,
    /// `atomic_t`: only the atomic family touches it; its value stays within C's `int`.
    Atomic,
    /// `spinlock_t`: 0 when free, the holder's CPU + 1 when held.
    Spinlock,
    /// `seqcount_t`: the sequence count, odd while a writer is inside.
    Seqcount,
    /// `rw_semaphore`: the writer's CPU + 1 in bits 0-3, readers' CPU bitmask from bit 4.
    Rwsem,
    /// `handle`: a pointer to another object (a page, an mm, a declared object, a PTE
    /// table), or null
    /// (`ir::handle_word` says how it is stored).
    Handle,
    /// `pgprot_t`: PTE protection bits (`vma->vm_page_prot`); loads give a pgprot.
    Pgprot,
}

/// A handle as a word of shared memory: 0 is null; otherwise the kind in bits 32-39 and
/// the index below.
pub fn handle_to_word(v: Value) -> Result<i64, String> {
    Ok(match v {
        Value::Null => 0,
        Value::Page(p) => (1 << 32) | p as i64,
        Value::Mm(m) => (2 << 32) | m as i64,
        Value::Vma(v) => (3 << 32) | v as i64,
        Value::Obj(b) => (4 << 32) | b as i64,
        // a PTE table (pgtable_t), as a deposited table is kept (`mm->pmd_huge_pte`)
        Value::PgTable(p) => (5 << 32) | p.0 as i64,
        other => {
            return Err(format!(
                "a {} cannot be stored in a handle field",
                other.type_name()
            ));
        }
    })
}

/// The handle a word holds (`handle_to_word`'s inverse).
pub fn word_to_handle(w: i64) -> Value {
    let i = (w & 0xffff_ffff) as u32;
    match w >> 32 {
        1 => Value::Page(i as u16),
        2 => Value::Mm(i as u8),
        3 => Value::Vma(i as u8),
        4 => Value::Obj(i),
        5 => Value::PgTable(Pmd(i)),
        _ => Value::Null,
    }
}

impl WordKind {
    pub const ALL: &'static [(WordKind, &'static str)] = &[
        (WordKind::Int, "int"),
        (WordKind::Handle, "handle"),
        (WordKind::Pgprot, "pgprot_t"),
        (WordKind::Bits, "bits"),
        (WordKind::Atomic, "atomic_t"),
        (WordKind::Spinlock, "spinlock_t"),
        (WordKind::Seqcount, "seqcount_t"),
        (WordKind::Rwsem, "rw_semaphore"),
    ];
    pub fn name(self) -> &'static str {
        WordKind::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("?", |(_, n)| n)
    }
    pub fn by_name(s: &str) -> Option<WordKind> {
        WordKind::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
}

/// A shared kernel object type declared by a model: its fields, one word each (an array
/// field `name: TYPE[N]` has N).
#[derive(Debug, Clone)]
pub struct ObjStruct {
    pub name: String,
    /// The kernel source it follows, e.g. "lore: <message-id>".
    pub source: Option<String>,
    pub fields: Vec<(String, WordKind)>,
    /// Each field's first word in the object, and its number of words (1, or N).
    pub offsets: Vec<u32>,
    pub lens: Vec<u32>,
    /// Words per object.
    pub size: u32,
    /// Each field's value in a fresh (or freed) object.
    pub init: Vec<i64>,
    /// Fields written only while the object is private to one CPU (`stable`): a read is
    /// no step of its own.
    pub stable: Vec<bool>,
    /// The object's reference count: at 0 the object is the last holder's alone.
    pub refcount: Vec<bool>,
    /// The lock guarding each field, if any (`guarded_by`).
    pub guard: Vec<Option<Guard>>,
    /// Each field's interned name (`Program::field_names`), as `obj->field` looks it up.
    pub field_ids: Vec<u16>,
    /// Where each field's type is written (for errors about a field the machine reads).
    pub type_spans: Vec<Span>,
}

/// What guards a field: a sibling lock field, or (`lock` named) the field of that name in
/// the object a sibling handle field points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub field: u16,
    pub lock: Option<String>,
}

impl ObjStruct {
    pub fn field_of(&self, fid: u16) -> Option<usize> {
        self.field_ids.iter().position(|&f| f == fid)
    }
    /// The field each word of an object belongs to, in order.
    pub fn word_fields(&self) -> impl Iterator<Item = u16> + '_ {
        self.lens
            .iter()
            .enumerate()
            .flat_map(|(f, &n)| std::iter::repeat_n(f as u16, n as usize))
    }
}

/// A model global: one instance of an object type at a fixed place.
#[derive(Debug, Clone)]
pub struct Global {
    pub name: String,
    pub strukt: u16,
    /// Its first word in `State::mem` (CPU 0's instance, for a per-CPU variable).
    pub base: u32,
    /// `percpu`: one instance per CPU after `base`, each touched by its own CPU only.
    pub per_cpu: bool,
}

/// The objects one per machine object: `struct page` per frame, `struct mm_struct` per mm.
#[derive(Debug, Clone, Copy)]
pub struct PerHandle {
    pub strukt: u16,
    pub base: u32,
    pub count: u32,
    /// Words per instance (the struct's fields).
    pub stride: u32,
}

impl PerHandle {
    fn instance(&self, w: usize) -> Option<(usize, usize)> {
        let off = w.checked_sub(self.base as usize)?;
        let stride = self.stride as usize;
        (off < stride * self.count as usize).then(|| (off / stride, off % stride))
    }
}

/// Whose word it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Global(u16),
    /// The `struct page` of a frame.
    Page(u16),
    Mm(u8),
    Vma(u8),
}

/// The layout of shared memory, fixed at load time: every word belongs to one field of one
/// global, of one frame's `struct page`, or of one mm's `struct mm_struct`.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub structs: Vec<ObjStruct>,
    pub globals: Vec<Global>,
    /// `struct page`, one per frame (the zero page's last), when the model declares it.
    pub page: Option<PerHandle>,
    /// `struct mm_struct`, one per mm, when the model declares it.
    pub mm: Option<PerHandle>,
    /// `struct vm_area_struct`, one per VMA of the scenario, when the model declares it.
    pub vma: Option<PerHandle>,
    pub vma_names: Vec<String>,
    /// Per word: (owner, field index in its struct).
    pub words: Vec<(Owner, u16)>,
    /// Names of the frames (the scenario's pages, then the pool), for messages.
    pub frame_names: Vec<String>,
    /// Slab caches (`kmem_cache NAME: STRUCT[N]`): the word of objects in use, and the
    /// global whose N instances are the objects.
    pub caches: Vec<(u32, u16)>,
    /// Each word's footprint bit for partial-order reduction (`machine::footprint`), kept
    /// here once computed.
    pub obj_bits: Vec<u64>,
    /// Each word's type, and the words that hold handles (`finish` fills both).
    pub kinds: Vec<WordKind>,
    pub handle_words: Vec<u32>,
    /// The words that are spinlocks and rw_semaphores (`finish`): what a CPU may still hold
    /// when it returns to user space or goes to sleep.
    pub spinlock_words: Vec<u32>,
    pub rwsem_words: Vec<u32>,
}

impl Memory {
    pub fn strukt_of(&self, o: Owner) -> usize {
        match o {
            Owner::Global(g) => self.globals[g as usize].strukt as usize,
            Owner::Page(_) => self.page.map_or(0, |p| p.strukt as usize),
            Owner::Mm(_) => self.mm.map_or(0, |p| p.strukt as usize),
            Owner::Vma(_) => self.vma.map_or(0, |p| p.strukt as usize),
        }
    }
    pub fn kind(&self, w: usize) -> Option<WordKind> {
        self.kinds.get(w).copied()
    }
    /// Caches each word's type once the layout is complete.
    pub fn finish(&mut self) {
        self.kinds = self
            .words
            .iter()
            .map(|&(o, f)| self.structs[self.strukt_of(o)].fields[f as usize].1)
            .collect();
        let of_kind = |k: WordKind| -> Vec<u32> {
            (0..self.kinds.len() as u32)
                .filter(|&w| self.kinds[w as usize] == k)
                .collect()
        };
        self.handle_words = of_kind(WordKind::Handle);
        self.spinlock_words = of_kind(WordKind::Spinlock);
        self.rwsem_words = of_kind(WordKind::Rwsem);
    }
    pub fn is_stable(&self, w: usize) -> bool {
        self.words
            .get(w)
            .is_some_and(|&(o, f)| self.structs[self.strukt_of(o)].stable[f as usize])
    }
    /// The word of the lock that guards word `w` (`guarded_by`), if any; `vals` is the
    /// memory, for a lock reached through a handle.
    pub fn guard_of(&self, w: usize, vals: &[i64]) -> Option<usize> {
        let &(o, f) = self.words.get(w)?;
        let s = &self.structs[self.strukt_of(o)];
        let g = s.guard.get(f as usize)?.as_ref()?;
        let (base, _) = self.object_of(w)?;
        let at = base + s.offsets[g.field as usize] as usize;
        match &g.lock {
            None => Some(at),
            Some(lock) => {
                let target = word_to_handle(*vals.get(at)?);
                let (tb, ts) = match target {
                    Value::Obj(b) => self.object_of(b as usize)?,
                    Value::Mm(m) => {
                        let p = self.mm?;
                        ((p.base + m as u32 * p.stride) as usize, p.strukt as usize)
                    }
                    Value::Vma(v) => {
                        let p = self.vma?;
                        ((p.base + v as u32 * p.stride) as usize, p.strukt as usize)
                    }
                    Value::Page(p) => {
                        let x = self.page?;
                        ((x.base + p as u32 * x.stride) as usize, x.strukt as usize)
                    }
                    _ => return None,
                };
                let t = &self.structs[ts];
                let lf = t.fields.iter().position(|(n, _)| n == lock)?;
                Some(tb + t.offsets[lf] as usize)
            }
        }
    }
    pub fn is_refcount(&self, w: usize) -> bool {
        self.words
            .get(w)
            .is_some_and(|&(o, f)| self.structs[self.strukt_of(o)].refcount[f as usize])
    }
    /// The frame whose `struct page` holds word `w`.
    pub fn frame_of(&self, w: usize) -> Option<usize> {
        self.page?.instance(w).map(|(i, _)| i)
    }
    /// A word's initial value (a free page's, for a `struct page` word).
    pub fn init_of(&self, w: usize) -> i64 {
        self.words.get(w).map_or(0, |&(o, f)| {
            self.structs[self.strukt_of(o)].init[f as usize]
        })
    }
    /// Every word's initial value.
    pub fn initial_words(&self) -> Vec<i64> {
        self.words
            .iter()
            .map(|&(o, f)| self.structs[self.strukt_of(o)].init[f as usize])
            .collect()
    }
    /// The initial values of one frame's `struct page` (what a free frame holds).
    pub fn page_words(&self, frame: usize) -> std::ops::Range<usize> {
        match self.page {
            Some(p) if (frame as u32) < p.count => {
                let b = p.base as usize + frame * p.stride as usize;
                b..b + p.stride as usize
            }
            _ => 0..0,
        }
    }
    /// The cache object holding word `w`: (the cache's in-use word, the object's number).
    pub fn slot_of(&self, w: usize) -> Option<(usize, usize)> {
        let &(Owner::Global(g), _) = self.words.get(w)? else {
            return None;
        };
        let &(bm, _) = self.caches.iter().find(|c| c.1 == g)?;
        let gl = &self.globals[g as usize];
        let size = self.structs[gl.strukt as usize].size.max(1) as usize;
        Some((bm as usize, (w - gl.base as usize) / size))
    }
    /// The CPU whose instance of a per-CPU variable holds word `w`.
    pub fn cpu_of(&self, w: usize) -> Option<usize> {
        let &(Owner::Global(g), _) = self.words.get(w)? else {
            return None;
        };
        let gl = &self.globals[g as usize];
        let size = self.structs[gl.strukt as usize].size.max(1) as usize;
        gl.per_cpu.then(|| (w - gl.base as usize) / size)
    }
    /// The first word of the object holding word `w`, and its struct.
    pub fn object_of(&self, w: usize) -> Option<(usize, usize)> {
        let &(o, _) = self.words.get(w)?;
        let base = match o {
            Owner::Global(g) => {
                let gl = &self.globals[g as usize];
                let size = self.structs[gl.strukt as usize].size.max(1) as usize;
                gl.base as usize + (w - gl.base as usize) / size * size
            }
            Owner::Page(_) => {
                let p = self.page?;
                p.base as usize + p.instance(w)?.0 * p.stride as usize
            }
            Owner::Mm(_) => {
                let p = self.mm?;
                p.base as usize + p.instance(w)?.0 * p.stride as usize
            }
            Owner::Vma(_) => {
                let p = self.vma?;
                p.base as usize + p.instance(w)?.0 * p.stride as usize
            }
        };
        Some((base, self.strukt_of(o)))
    }
    /// `obj->field` of a handle: the word, or why there is none.
    pub fn handle_word(&self, v: Value, fid: u16, field: &str) -> Result<usize, String> {
        if let Value::Obj(base) = v {
            let (b, sid) = self
                .object_of(base as usize)
                .filter(|&(b, _)| b == base as usize)
                .ok_or("a stale object pointer")?;
            let s = &self.structs[sid];
            let f = s
                .field_of(fid)
                .ok_or_else(|| format!("struct {} has no field `{field}`", s.name))?;
            return Ok(b + s.offsets[f] as usize);
        }
        let (per, i, what) = match v {
            Value::Page(p) => (self.page, p as u32, "struct page"),
            Value::Mm(m) => (self.mm, m as u32, "struct mm_struct"),
            Value::Vma(x) => (self.vma, x as u32, "struct vm_area_struct"),
            Value::Null => return Err(format!("NULL pointer dereference at `->{field}`")),
            other => {
                return Err(format!(
                    "a {} has no shared field `{field}`",
                    other.type_name()
                ));
            }
        };
        let Some(per) = per else {
            return Err(format!("the model declares no {what} (for `->{field}`)"));
        };
        let s = &self.structs[per.strukt as usize];
        let Some(f) = s.field_of(fid) else {
            return Err(format!("{what} has no field `{field}`"));
        };
        if i >= per.count {
            return Err(format!("no {what} number {i}"));
        }
        Ok((per.base + i * per.stride + s.offsets[f]) as usize)
    }
    /// `global.field` or `P->field`, for messages and diagrams.
    pub fn word_name(&self, w: usize) -> String {
        match self.words.get(w) {
            Some(&(o, f)) => {
                let s = &self.structs[self.strukt_of(o)];
                let mut field = s.fields[f as usize].0.clone();
                if s.lens[f as usize] > 1
                    && let Some((base, _)) = self.object_of(w)
                {
                    let i = w - base - s.offsets[f as usize] as usize;
                    field = format!("{field}[{i}]");
                }
                match o {
                    Owner::Global(g) if self.globals[g as usize].per_cpu => {
                        let cpu = self.cpu_of(w).unwrap_or(0);
                        format!("{}[cpu{cpu}].{field}", self.globals[g as usize].name)
                    }
                    Owner::Global(_) if self.slot_of(w).is_some() => {
                        let (_, i) = self.slot_of(w).unwrap_or_default();
                        let g = self.words[w].0;
                        let Owner::Global(g) = g else {
                            unreachable!("matched")
                        };
                        format!("{}[{i}].{field}", self.globals[g as usize].name)
                    }
                    Owner::Global(g) => format!("{}.{field}", self.globals[g as usize].name),
                    Owner::Page(p) => match self.frame_names.get(p as usize) {
                        Some(n) => format!("{n}->{field}"),
                        None => format!("page{p}->{field}"),
                    },
                    Owner::Vma(v) => match self.vma_names.get(v as usize) {
                        Some(n) => format!("{n}->{field}"),
                        None => format!("vma{v}->{field}"),
                    },
                    Owner::Mm(0) => format!("mm->{field}"),
                    Owner::Mm(m) => format!("mm{m}->{field}"),
                }
            }
            None => format!("word {w}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct VmaSpec {
    pub name: String,
    /// Its first page's address (in pages).
    pub start: i64,
    pub first_slot: usize,
    pub pages: usize,
    pub flags: u32,
    pub anon: bool,
    /// A VMA maps the range at the start; false for a `hole` (an address range no VMA
    /// covers yet: mmap() or mremap() may map it; its VMA objects are spares).
    pub mapped: bool,
    /// `vma mm1:Z`: only that address space has it (None: every declared one).
    pub only_mm: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct PageSpec {
    pub name: String,
    pub value: i64,
    pub extra_refs: i64,
    /// PageAnonExclusive (v5.19+ models).
    pub exclusive: bool,
    pub span: Span,
}

/// `PteSpec::page` and `TlbSpec::page` of the shared zero page (`pte X -> zero`), which is
/// no page of the scenario: the machine's last frame.
pub const ZERO_PAGE_SPEC: usize = usize::MAX;

/// `PteSpec::page` of a non-present entry (`pte X -> swap S`, `pte X -> marker`): no page.
pub const NO_PAGE_SPEC: usize = usize::MAX - 1;

/// `swap S = V;`: a slot of the swap device (offset: its place among the declared ones,
/// from 1) and the contents it holds.
#[derive(Debug, Clone)]
pub struct SwapSpec {
    pub name: String,
    pub value: i64,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PteSpec {
    /// The address space whose page table holds it (`pte mm1:X -> P`).
    pub mm: usize,
    pub slot: usize,
    pub page: usize,
    pub bits: u32,
    /// A non-present entry instead of a page (`page` is `NO_PAGE_SPEC`): its swap type and
    /// offset (`pte X -> swap S`: the device's slot; `pte X -> marker`: the marker bits).
    pub entry: Option<(u32, u32)>,
    /// A huge leaf (`pmd X -> P`): the PMD entry of the slot's 2 MiB range maps the page.
    pub huge: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TlbSpec {
    pub cpu: usize,
    /// The address space the entry is tagged with.
    pub mm: usize,
    pub slot: usize,
    pub page: usize,
    pub write: bool,
    pub dirty: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Knobs {
    /// Hardware may drop any TLB entry at any time.
    pub tlb_evict: bool,
    /// Hardware may fill a TLB entry from a present PTE at any time.
    pub tlb_speculative: bool,
    /// TLB invalidation is broadcast by the hardware (arm64's TLBI ...IS, or a
    /// paravirtual flush that skips preempted vCPUs): the built-in shootdowns interrupt no
    /// CPU, so one with IRQs disabled does not hold them off.
    pub tlb_broadcast: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Safe,
    Violation(String),
    NoViolation(String),
}

/// A test: the initial machine state, a program per CPU and the expectation.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub span: Span,
    pub kernel: String,
    pub cpus: usize,
    pub frames: usize,
    pub vmas: Vec<VmaSpec>,
    pub slots: usize,
    /// Where the slots are: addresses, 2 MiB ranges, PTE tables.
    pub layout: Layout,
    pub pages: Vec<PageSpec>,
    /// The swap device: its size (offsets 1..=swap_slots) and the slots the scenario fills
    /// (the first ones).
    pub swap_slots: usize,
    pub swaps: Vec<SwapSpec>,
    pub ptes: Vec<PteSpec>,
    /// `pmd X -> none;`: ranges whose PMD entry starts none (mm, slot), their tables in
    /// the pool.
    pub none_pmds: Vec<(usize, usize, Span)>,
    pub tlbs: Vec<TlbSpec>,
    pub knobs: Knobs,
    pub programs: Vec<Option<u16>>,
    /// The address space each CPU's task runs in (`cpu1 in mm1 { ... }`).
    pub cpu_mm: Vec<u8>,
    /// Per address space: the scenario declares it (mm 0 always; another when a PTE, a TLB
    /// entry or a CPU names it). The others wait for allocate_mm().
    pub declared_mms: Vec<bool>,
    /// Every expectation must hold (empty: none stated).
    pub expect: Vec<Expect>,
    pub expect_span: Span,
    /// The invariants this test checks (`invariants:`), in `machine::INVARIANTS` order;
    /// always with model_error.
    pub invariants: Vec<&'static str>,
    /// The kernel's page-fault entry (`do_user_addr_fault`).
    pub fault_entry: u16,
}

/// Entries of one PTE table on x86-64: a 2 MiB range of 4 KiB pages.
pub const PTRS_PER_PTE: i64 = 512;

/// Where a scenario's pages are. A *slot* is one page of a VMA (the TLBs, the lost-write
/// ghost and the diagrams count in slots); its address is in pages. Each 2 MiB range the
/// scenario uses (a *region*) has one PMD entry and, at the start, one PTE table of its own,
/// holding an entry for each slot of the range (`entries` per table, the most any range
/// needs). Tables are frames of their own pool (`tables`): freed and reused at run time.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Per slot: its address, ascending.
    pub addr: Vec<i64>,
    /// Per slot: its region, and its entry in the region's table.
    pub region: Vec<u16>,
    pub index: Vec<u16>,
    /// Per region: its first address (a multiple of PTRS_PER_PTE).
    pub region_base: Vec<i64>,
    pub entries: usize,
    pub tables: usize,
    /// Address spaces sharing this layout (`mms N;`): each has its own PMD entries, TLB
    /// entries (tagged by mm, as PCIDs tag them) and lost-write expectations, per region or
    /// slot; the table pool is shared.
    pub mms: usize,
}

impl Layout {
    /// The slot of a user address, if a scenario VMA page is there.
    pub fn slot_of(&self, addr: i64) -> Option<usize> {
        // the common case: slots at addresses 0, 1, 2, ...
        if let Some(&a) = self.addr.get(usize::try_from(addr).ok()?)
            && a == addr
        {
            return Some(addr as usize);
        }
        self.addr.binary_search(&addr).ok()
    }

    /// The region of an address, if the scenario uses its 2 MiB range.
    pub fn region_of(&self, addr: i64) -> Option<usize> {
        let base = addr.div_euclid(PTRS_PER_PTE) * PTRS_PER_PTE;
        self.region_base.iter().position(|&b| b == base)
    }

    /// Where slot `slot`'s entry is in the storage of table `table` (`State::ptes`).
    pub fn entry(&self, table: usize, slot: usize) -> usize {
        table * self.entries + self.index[slot] as usize
    }

    pub fn slots(&self) -> usize {
        self.addr.len()
    }

    pub fn regions(&self) -> usize {
        self.region_base.len()
    }

    /// Where mm `mm`'s PMD entry of `region` is (`State::pmds`).
    #[inline]
    pub fn pmd_index(&self, mm: usize, region: usize) -> usize {
        mm * self.region_base.len() + region
    }

    /// The mm and region of PMD entry `i` (`State::pmds`).
    pub fn pmd_owner(&self, i: usize) -> (usize, usize) {
        (i / self.region_base.len(), i % self.region_base.len())
    }

    /// Where `cpu`'s TLB entry for `slot` in mm `mm` is (`State::tlb`).
    #[inline]
    pub fn tlb_index(&self, cpu: usize, mm: usize, slot: usize) -> usize {
        (cpu * self.mms + mm) * self.addr.len() + slot
    }

    /// `cpu`'s TLB entries for mm `mm`, slot after slot.
    pub fn tlb_range(&self, cpu: usize, mm: usize) -> std::ops::Range<usize> {
        let at = self.tlb_index(cpu, mm, 0);
        at..at + self.addr.len()
    }

    /// Where `cpu`'s paging-structure-cache entry for mm `mm`'s `region` is (`State::psc`).
    #[inline]
    pub fn psc_index(&self, cpu: usize, mm: usize, region: usize) -> usize {
        (cpu * self.mms + mm) * self.region_base.len() + region
    }

    /// Where the lost-write ghost keeps what `slot` of mm `mm` must hold (`State::expected`).
    #[inline]
    pub fn ghost_index(&self, mm: usize, slot: usize) -> usize {
        mm * self.addr.len() + slot
    }

    /// Lays out `slot_addr` (ascending addresses); `tables` frames in the table pool (at
    /// least one per region).
    pub fn new(slot_addr: Vec<i64>, tables: Option<usize>) -> Layout {
        let mut l = Layout::default();
        for &a in &slot_addr {
            let base = a.div_euclid(PTRS_PER_PTE) * PTRS_PER_PTE;
            if l.region_base.last() != Some(&base) {
                l.region_base.push(base);
            }
            let r = l.region_base.len() - 1;
            let idx = l.region.iter().filter(|&&x| x as usize == r).count();
            l.region.push(r as u16);
            l.index.push(idx as u16);
            l.entries = l.entries.max(idx + 1);
        }
        l.addr = slot_addr;
        l.entries = l.entries.max(1);
        let regions = l.region_base.len().max(1);
        if l.region_base.is_empty() {
            l.region_base.push(0);
        }
        l.tables = tables.unwrap_or(regions).max(regions);
        l.mms = 1;
        l
    }
}

/// Everything the machine needs for one test: code, record layouts and the scenario.
#[derive(Debug, Clone)]
pub struct Program {
    pub funcs: Vec<Func>,
    pub structs: Vec<StructDef>,
    pub field_names: Vec<String>,
    /// Declared shared objects and where their words live.
    pub memory: Memory,
    pub sources: Arc<SourceMap>,
    pub scenario: Scenario,
    /// The model's own invariants this test checks (`invariant NAME ... { }`).
    pub declared: Vec<DeclaredInvariant>,
    /// Every invariant the model declares, checked or not: (name, what it says), indexed
    /// by `violation(NAME)`.
    pub model_invariants: Vec<(&'static str, String)>,
}

/// An invariant a model declares: a function that asserts its condition.
#[derive(Debug, Clone)]
pub struct DeclaredInvariant {
    pub name: &'static str,
    /// What it says, for reports.
    pub says: String,
    /// `assert(<condition>)`, with one parameter (the page) when `for_page`.
    pub func: u16,
    /// Checked for every allocated page.
    pub for_page: bool,
    /// Checked only at end states where every program has finished.
    pub at_end: bool,
}

impl Program {
    pub fn field_name(&self, id: u16) -> &str {
        &self.field_names[id as usize]
    }

    /// Where the search's code starts: the CPUs' programs, the fault entry and the model's
    /// invariants (the scenario set-up hooks run before it).
    pub fn run_time_roots(&self) -> Vec<usize> {
        let mut roots: Vec<usize> = self
            .scenario
            .programs
            .iter()
            .flatten()
            .map(|&f| f as usize)
            .collect();
        roots.push(self.scenario.fault_entry as usize);
        roots.extend(self.declared.iter().map(|d| d.func as usize));
        roots
    }

    /// The functions that can run: the run-time roots and the scenario set-up
    /// (`scenario_*`), what they call and the functions they name as values. (A model tree
    /// may define paths its tests never run.)
    pub fn reachable_funcs(&self) -> Vec<bool> {
        let mut todo = self.run_time_roots();
        todo.extend(
            self.funcs
                .iter()
                .enumerate()
                .filter(|(_, f)| f.name.starts_with("scenario_"))
                .map(|(i, _)| i),
        );
        self.reachable_from(todo)
    }

    /// The functions `roots` run: what they call and the functions they name as values.
    pub fn reachable_from(&self, mut todo: Vec<usize>) -> Vec<bool> {
        let mut seen = vec![false; self.funcs.len()];
        while let Some(f) = todo.pop() {
            if f >= seen.len() || std::mem::replace(&mut seen[f], true) {
                continue;
            }
            for &i in &self.funcs[f].code {
                if let Instr::Call { func, .. } | Instr::Const(Value::Func(func)) = i {
                    todo.push(func as usize);
                }
            }
        }
        seen
    }

    /// Can code that runs call a primitive `wanted` accepts?
    pub fn may_call(&self, wanted: impl Fn(Prim) -> bool) -> bool {
        let reach = self.reachable_funcs();
        self.funcs.iter().zip(reach).any(|(f, r)| {
            r && f
                .code
                .iter()
                .any(|i| matches!(i, Instr::Prim { prim, .. } if wanted(*prim)))
        })
    }

    /// The functions named as values (`Value::Func` constants): what an indirect call or
    /// an IPI may run.
    pub fn function_values(&self) -> Vec<u16> {
        let mut out: Vec<u16> = self
            .funcs
            .iter()
            .flat_map(|f| f.code.iter())
            .filter_map(|i| match i {
                Instr::Const(Value::Func(g)) => Some(*g),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
