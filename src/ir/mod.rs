//! The lowered program: bytecode functions and scenarios. This is the seam between the
//! language front end (which produces it) and the machine (which runs it).

pub mod consts;
pub mod prims;
pub mod value;

pub use prims::{Prim, PrimClass};
pub use value::{LocalPtr, Pte, Value, pte_bits};

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
    pub local_names: Vec<String>,
    pub code: Vec<Instr>,
    pub spans: Vec<Span>,
    /// A CPU's user program (runs in user mode) rather than a kernel path.
    pub user: bool,
    pub span: Span,
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
}

impl WordKind {
    pub const ALL: &'static [(WordKind, &'static str)] = &[
        (WordKind::Int, "int"),
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

/// A shared kernel object type declared by a model: its fields, one word each.
#[derive(Debug, Clone)]
pub struct ObjStruct {
    pub name: String,
    /// The kernel source it follows, e.g. "lore: <message-id>".
    pub source: Option<String>,
    pub fields: Vec<(String, WordKind)>,
}

/// A model global: one zero-initialised instance of an object type at a fixed place.
#[derive(Debug, Clone)]
pub struct Global {
    pub name: String,
    pub strukt: u16,
    /// Its first word in `State::mem`.
    pub base: u32,
}

/// The layout of shared memory, fixed at load time: every word belongs to one field of one
/// global.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub structs: Vec<ObjStruct>,
    pub globals: Vec<Global>,
    /// Per word: (global, field index in its struct).
    pub words: Vec<(u16, u16)>,
}

impl Memory {
    pub fn kind(&self, w: usize) -> Option<WordKind> {
        let &(g, f) = self.words.get(w)?;
        let s = self.globals[g as usize].strukt as usize;
        Some(self.structs[s].fields[f as usize].1)
    }
    /// `global.field`, for messages and diagrams.
    pub fn word_name(&self, w: usize) -> String {
        match self.words.get(w) {
            Some(&(g, f)) => {
                let g = &self.globals[g as usize];
                let s = &self.structs[g.strukt as usize];
                format!("{}.{}", g.name, s.fields[f as usize].0)
            }
            None => format!("word {w}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct VmaSpec {
    pub name: String,
    pub first_slot: usize,
    pub pages: usize,
    pub flags: u32,
    pub anon: bool,
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

#[derive(Debug, Clone)]
pub struct PteSpec {
    pub slot: usize,
    pub page: usize,
    pub bits: u32,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TlbSpec {
    pub cpu: usize,
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
    pub pages: Vec<PageSpec>,
    pub ptes: Vec<PteSpec>,
    pub tlbs: Vec<TlbSpec>,
    pub knobs: Knobs,
    pub programs: Vec<Option<u16>>,
    /// Every expectation must hold (empty: none stated).
    pub expect: Vec<Expect>,
    pub expect_span: Span,
    /// The invariants this test checks (`invariants:`), in `machine::INVARIANTS` order;
    /// always with model_error.
    pub invariants: Vec<&'static str>,
    /// The kernel's page-fault entry (`do_user_addr_fault`).
    pub fault_entry: u16,
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
}
