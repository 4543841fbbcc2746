//! Syntax tree of model and test files.

use super::source::Span;

#[derive(Debug, Clone)]
pub struct Module {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Import {
        path: String,
        span: Span,
    },
    Const {
        name: String,
        value: Expr,
        span: Span,
    },
    Struct {
        name: String,
        fields: Vec<(String, Span)>,
        span: Span,
    },
    /// `struct NAME source "..." { field: TYPE; ... }`: a shared kernel object type (typed
    /// fields, one word each), instantiated by `global`.
    ObjStruct {
        name: String,
        source: Option<String>,
        fields: Vec<ObjField>,
        span: Span,
    },
    /// `global NAME: STRUCT;`: one instance in shared memory, its fields at their initial
    /// values.
    Global {
        name: String,
        strukt: String,
        strukt_span: Span,
        span: Span,
        /// `percpu NAME: STRUCT;`: one instance per CPU, each touched by its own CPU only
        /// (through `this_cpu_ptr(&NAME)`).
        per_cpu: bool,
        /// `kmem_cache NAME: STRUCT[N];`: a slab cache of N objects, allocated with
        /// `kmem_cache_alloc(&NAME)` and freed with `kmem_cache_free(&NAME, obj)`.
        cache: Option<u32>,
    },
    Func(FuncDecl),
    Test(TestDecl),
    /// `invariants default: SET;`: the invariants a model tree (or file) checks by default.
    InvariantsDefault(InvariantSet),
    /// `invariant NAME [for page P] [at end] "what it says" { EXPR }`: a kernel contract the
    /// model declares, checked on every state (or at end states).
    Invariant(InvariantDecl),
}

#[derive(Debug, Clone)]
pub struct InvariantDecl {
    pub name: String,
    pub name_span: Span,
    /// `for page p`: checked for every allocated page, bound to `p`.
    pub for_page: Option<(String, Span)>,
    /// `at end`: checked only where every program has finished.
    pub at_end: bool,
    /// What holding it means, for reports.
    pub says: String,
    /// True while the contract holds.
    pub holds: Expr,
    pub span: Span,
}

/// A set of invariants: a base (`all`, `default`, or `a, b, c`), then `+ NAME` / `- NAME`.
#[derive(Debug, Clone)]
pub struct InvariantSet {
    pub base: InvariantBase,
    /// (true for `+`, the name, its span), in order.
    pub edits: Vec<(bool, String, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum InvariantBase {
    /// Every invariant.
    All,
    /// The model tree's default set (`all` when it states none).
    Default,
    Names(Vec<(String, Span)>),
}

#[derive(Debug, Clone)]
pub struct FuncDecl {
    pub name: String,
    pub name_span: Span,
    pub params: Vec<(String, Span)>,
    pub body: Block,
    pub is_override: bool,
    /// `source "mm/memory.c:do_wp_page@v5.10"`: the kernel function it follows.
    pub source: Option<String>,
    pub span: Span,
}

pub type Block = Vec<Stmt>;

#[derive(Debug, Clone)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum StmtKind {
    Let(String, Option<Expr>),
    Assign(Expr, AssignOp, Expr),
    If(Expr, Block, Option<Block>),
    While(Expr, Block),
    Return(Option<Expr>),
    Break,
    Continue,
    Atomic(Block),
    Expr(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
    Or,
    And,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Int(i64),
    Bool(bool),
    Null,
    Var(String),
    Call(String, Vec<Expr>),
    Field(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Deref(Box<Expr>),
    /// `&obj.field`: a pointer to one word of a declared object; `&x`: a pointer to a local
    /// of the running call (an out-parameter).
    AddrOf(Box<Expr>),
    StructLit(String, Vec<(String, Expr)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    Not,
    Neg,
    BitNot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
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

#[derive(Debug, Clone)]
pub struct TestDecl {
    pub name: String,
    pub span: Span,
    pub items: Vec<TestItem>,
}

/// An address in a test: a VMA name and a page index inside it.
#[derive(Debug, Clone)]
pub struct Target {
    /// `mmN:` before the VMA: the page in address space N (`mms`), else mm 0.
    pub mm: Option<(i64, Span)>,
    pub vma: String,
    pub index: i64,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TestItem {
    Kernel(String, Span),
    Import(String, Span),
    Cpus(i64, Span),
    Frames(i64, Span),
    /// `tables N;`: PTE-table frames in the pool (at least one per 2 MiB range used).
    Tables(i64, Span),
    /// `mms N;`: address spaces (the scenario's, and room for the ones fork() creates).
    Mms(i64, Span),
    Vma {
        name: String,
        pages: i64,
        /// `at ADDR`: its first page's address (in pages); None: right after the previous.
        at: Option<(i64, Span)>,
        attrs: Vec<(String, Span)>,
        /// `hole`: an address range no VMA maps at the start (mmap() or mremap() may).
        hole: bool,
        /// `vma mm1:Z ...`: a VMA of that address space only (else of every declared one).
        mm: Option<(i64, Span)>,
        span: Span,
    },
    Page {
        name: String,
        value: i64,
        props: Vec<(String, i64, Span)>,
        span: Span,
    },
    /// `swap S = V;`: a slot of the swap device, holding V.
    Swap {
        name: String,
        value: i64,
        span: Span,
    },
    /// `swap_slots N;`: the swap device's size.
    SwapSlots(i64, Span),
    /// `pte X -> P { ... }`, or `pmd X -> P { ... }` (`huge`): a huge leaf in the PMD
    /// entry of X's 2 MiB range. `pte X -> swap S { ... }` and `pte X -> marker { ... }`
    /// are non-present entries (`kind`).
    Pte {
        target: Target,
        kind: Option<(String, Span)>,
        page: (String, Span),
        flags: Vec<(String, Span)>,
        huge: bool,
        span: Span,
    },
    Tlb {
        cpu: (i64, Span),
        target: Target,
        page: (String, Span),
        flags: Vec<(String, Span)>,
        span: Span,
    },
    Knob(String, Span),
    Cpu {
        cpu: i64,
        /// `cpuN in mmK { ... }`: the CPU runs a task of address space K (else mm 0).
        mm: Option<(i64, Span)>,
        body: Block,
        span: Span,
    },
    Expect(Expectation, Span),
    /// `invariants: SET;`: the invariants this test checks.
    Invariants(InvariantSet, Span),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    Safe,
    Violation(String),
    /// `expect no violation(NAME);`: NAME must be unreachable (exhaustive search).
    NoViolation(String),
}

/// A field of a shared object type: `NAME: TYPE [= INIT] [stable];`.
#[derive(Debug, Clone)]
pub struct ObjField {
    pub name: String,
    pub span: Span,
    pub ty: String,
    pub ty_span: Span,
    /// The value of a fresh (or freed) object's field: 0 unless `= INIT`.
    pub init: i64,
    /// Words: 1, or N for an array `TYPE[N]`.
    pub len: u32,
    /// Written only while no other CPU can reach the object (a new page before it is
    /// mapped): reading it is then no step of its own (`ir::ObjStruct::stable`).
    pub stable: bool,
    /// The object's reference count (`refcount`): when an atomic operation brings it to 0,
    /// the object belongs to the CPU that did, until it frees it.
    pub refcount: bool,
    /// `guarded_by LOCK` (a sibling spinlock_t or rw_semaphore field) or `guarded_by
    /// HANDLE->LOCK` (the lock of the object a sibling handle field names): a store must
    /// hold it (for write), and a load under it is no step of its own.
    pub guarded_by: Option<(String, Option<String>, Span)>,
}
