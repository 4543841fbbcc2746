//! Mutation operators: each one a small function from a model file's syntax tree to
//! mutants, each mutant a text edit of the spans the parser gives. The kernel names the
//! operators look for are the tables at the top of this file.

use crate::ir::{Prim, PrimClass};
use crate::lang::ast::{Block, Expr, ExprKind, FuncDecl, Item, Module, Stmt, StmtKind, UnOp};
use std::collections::HashSet;

// ---- The kernel names the operators act on (one place) ----

/// What deleting a TLB flush does to a call of this function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushKind {
    /// The call is the flush: delete the statement.
    Delete,
    /// `ptep_clear_flush*(vma, addr, ptep)` clears the PTE and flushes: keep the clear
    /// (`ptep_get_and_clear(vma->vm_mm, addr, ptep)`), drop the flush.
    KeepClear,
}

/// TLB flushes: an exact name, or a prefix when the name ends in `*`.
pub const FLUSHES: &[(&str, FlushKind)] = &[
    ("flush_tlb_*", FlushKind::Delete), // flush_tlb_page/range/mm/all, flush_tlb_batched_pending
    ("tlb_flush_mmu*", FlushKind::Delete), // tlb_flush_mmu, tlb_flush_mmu_tlbonly, _free
    ("tlb_flush", FlushKind::Delete),   // x86's arch flush of an mmu_gather
    ("try_to_unmap_flush*", FlushKind::Delete),
    ("ptep_clear_flush", FlushKind::KeepClear),
    ("ptep_clear_flush_notify", FlushKind::KeepClear),
    ("ptep_clear_flush_young", FlushKind::KeepClear),
];

/// Statements that release a lock (the first unlock after a flush is where
/// `move-flush-after-unlock` puts it).
pub const UNLOCKS: &[&str] = &[
    "spin_unlock",
    "pte_unmap_unlock",
    "up_read",
    "up_write",
    "mmap_read_unlock",
    "mmap_write_unlock",
    "mmap_write_downgrade",
    "unlock_page",
    "write_seqcount_end",
    "rcu_read_unlock",
];

/// Calls that write a PTE (`*pte = ...` counts too).
pub const PTE_WRITES: &[&str] = &[
    "set_pte_at",
    "set_pte",
    "pte_clear",
    "ptep_get_and_clear",
    "ptep_get_and_clear_full",
    "ptep_modify_prot_start",
    "ptep_modify_prot_commit",
    "ptep_set_wrprotect",
    "ptep_set_access_flags",
    "ptep_clear_flush",
    "ptep_clear_flush_notify",
];

/// Reference gets (`delete-get`) and puts (`delete-put`): exact names or `prefix*`.
pub const GETS: &[&str] = &[
    "get_page",
    "folio_get",
    "page_ref_inc",
    "page_ref_add",
    "try_get_page",
];
pub const PUTS: &[&str] = &[
    "put_page",
    "folio_put",
    "page_ref_dec",
    "page_ref_sub",
    "__free_page",
    "__free_pages",
    "release_pages",
];

/// The flush-pending marks (`drop-pending`).
pub const PENDING: &[&str] = &["inc_tlb_flush_pending", "dec_tlb_flush_pending"];

/// A call and which of its arguments names the lock (`None`: it takes none).
pub type LockCall = (&'static str, Option<usize>);

/// A lock and the unlocks that release it.
pub const LOCK_PAIRS: &[(LockCall, &[LockCall])] = &[
    (
        ("spin_lock", Some(0)),
        &[("spin_unlock", Some(0)), ("pte_unmap_unlock", Some(1))],
    ),
    (("down_read", Some(0)), &[("up_read", Some(0))]),
    (("down_write", Some(0)), &[("up_write", Some(0))]),
    (
        ("mmap_read_lock", Some(0)),
        &[("mmap_read_unlock", Some(0))],
    ),
    (
        ("mmap_write_lock", Some(0)),
        &[
            ("mmap_write_unlock", Some(0)),
            ("mmap_write_downgrade", Some(0)),
        ],
    ),
    (("lock_page", Some(0)), &[("unlock_page", Some(0))]),
    (("rcu_read_lock", None), &[("rcu_read_unlock", None)]),
    (("local_irq_disable", None), &[("local_irq_enable", None)]),
    (
        ("write_seqcount_begin", Some(0)),
        &[("write_seqcount_end", Some(0))],
    ),
];

/// The value of a recheck when it passes (the optimistic path: nothing changed under us).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    Bool(bool),
    /// A count that says "only us" (`page_count(page) == 1`).
    Int(i64),
}

/// Rechecks (`disable-recheck`): a call, and what it returns when the recheck passes.
pub const RECHECKS: &[(&str, Pass)] = &[
    ("pte_same", Pass::Bool(true)),
    ("pmd_same", Pass::Bool(true)),
    ("read_seqcount_retry", Pass::Bool(false)),
    ("PageAnonExclusive", Pass::Bool(true)),
    ("page_mapcount", Pass::Int(1)),
    ("page_count", Pass::Int(1)),
];

/// Functions that are not kernel code (scenario set-up, ghost checks) are not mutated: their
/// `source` starts with one of these.
pub const NOT_KERNEL_SOURCES: &[&str] = &["mmcheck:", "ghost"];

fn in_table(name: &str, table: &[&str]) -> bool {
    table.iter().any(|t| match t.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *t,
    })
}

fn flush_kind(name: &str) -> Option<FlushKind> {
    // an exact entry wins over a prefix (ptep_clear_flush_notify vs a `*` row)
    FLUSHES
        .iter()
        .find(|(t, _)| *t == name)
        .or_else(|| {
            FLUSHES
                .iter()
                .find(|(t, _)| t.strip_suffix('*').is_some_and(|p| name.starts_with(p)))
        })
        .map(|&(_, k)| k)
}

// ---- Operators and mutants ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    DeleteFlush,
    MoveFlushAfterUnlock,
    MoveFlushBeforeWrite,
    DeleteGet,
    DeletePut,
    DeleteLockPair,
    DisableRecheck,
    SwapAdjacent,
    DropPending,
}

impl Operator {
    pub const ALL: &'static [Operator] = &[
        Operator::DeleteFlush,
        Operator::MoveFlushAfterUnlock,
        Operator::MoveFlushBeforeWrite,
        Operator::DeleteGet,
        Operator::DeletePut,
        Operator::DeleteLockPair,
        Operator::DisableRecheck,
        Operator::SwapAdjacent,
        Operator::DropPending,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Operator::DeleteFlush => "delete-flush",
            Operator::MoveFlushAfterUnlock => "move-flush-after-unlock",
            Operator::MoveFlushBeforeWrite => "move-flush-before-write",
            Operator::DeleteGet => "delete-get",
            Operator::DeletePut => "delete-put",
            Operator::DeleteLockPair => "delete-lock-pair",
            Operator::DisableRecheck => "disable-recheck",
            Operator::SwapAdjacent => "swap-adjacent",
            Operator::DropPending => "drop-pending",
        }
    }
    pub fn by_name(s: &str) -> Option<Operator> {
        Operator::ALL.iter().copied().find(|o| o.name() == s)
    }
}

/// Replace bytes `start..end` of the file by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One mutant: edits of one model file.
#[derive(Clone, Debug)]
pub struct Mutant {
    /// Index of the model file (in the caller's list).
    pub file: usize,
    /// The model function it changes.
    pub func: String,
    pub op: Operator,
    /// Byte range of the mutated statement (its location, and where a mark may sit).
    pub at: (usize, usize),
    /// One line: what the mutant does.
    pub desc: String,
    pub edits: Vec<Edit>,
}

/// The file's text with the edits applied (they do not overlap).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut es: Vec<&Edit> = edits.iter().collect();
    es.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in es {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

/// What the operators need to know about the whole model (every file given): the fields of
/// shared objects, and the model functions that touch shared state (directly or through
/// what they call).
#[derive(Default, Debug)]
pub struct Shared {
    pub fields: HashSet<String>,
    pub funcs: HashSet<String>,
    /// Every model function, for names not defined in the model (treated as shared unless
    /// they are a primitive that is not).
    pub defined: HashSet<String>,
}

impl Shared {
    pub fn of(modules: &[&Module]) -> Shared {
        let mut s = Shared::default();
        let mut funcs: Vec<&FuncDecl> = Vec::new();
        for m in modules {
            for it in &m.items {
                match it {
                    Item::ObjStruct { fields, .. } => {
                        s.fields.extend(fields.iter().map(|f| f.name.clone()));
                    }
                    Item::Func(f) => {
                        s.defined.insert(f.name.clone());
                        funcs.push(f);
                    }
                    _ => {}
                }
            }
        }
        // to a fixpoint: a function is shared when its body touches shared state itself or
        // calls a shared function
        loop {
            let mut changed = false;
            for f in &funcs {
                if !s.funcs.contains(&f.name) && f.body.iter().any(|st| s.stmt_deep(st)) {
                    s.funcs.insert(f.name.clone());
                    changed = true;
                }
            }
            if !changed {
                return s;
            }
        }
    }

    fn call_shared(&self, name: &str) -> bool {
        if self.defined.contains(name) {
            return self.funcs.contains(name);
        }
        match Prim::by_name(name) {
            Some(p) => p.class() == PrimClass::Shared,
            None => true,
        }
    }

    /// Does the expression touch shared state: a dereference, a field of a shared object,
    /// a call of a shared primitive or model function?
    pub fn expr(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Call(n, args) => self.call_shared(n) || args.iter().any(|a| self.expr(a)),
            ExprKind::Deref(_) => true,
            ExprKind::Field(b, f) => self.fields.contains(f) || self.expr(b),
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => self.expr(a) || self.expr(b),
            ExprKind::Unary(_, a) | ExprKind::AddrOf(a) => self.expr(a),
            ExprKind::StructLit(_, fs) => fs.iter().any(|(_, e)| self.expr(e)),
            _ => false,
        }
    }

    /// A plain statement (no nested block, no control flow) that touches shared state.
    pub fn plain_stmt(&self, s: &Stmt) -> bool {
        match &s.kind {
            StmtKind::Let(_, Some(e)) | StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign(l, _, r) => self.expr(l) || self.expr(r),
            _ => false,
        }
    }

    fn stmt_deep(&self, s: &Stmt) -> bool {
        match &s.kind {
            StmtKind::If(c, a, b) => {
                self.expr(c)
                    || a.iter().any(|x| self.stmt_deep(x))
                    || b.iter().flatten().any(|x| self.stmt_deep(x))
            }
            StmtKind::While(c, b) => self.expr(c) || b.iter().any(|x| self.stmt_deep(x)),
            StmtKind::Atomic(b) => b.iter().any(|x| self.stmt_deep(x)),
            StmtKind::Return(Some(e)) => self.expr(e),
            _ => self.plain_stmt(s),
        }
    }
}

/// Every mutant of one model file, in source order.
pub fn generate(file: usize, text: &str, module: &Module, shared: &Shared) -> Vec<Mutant> {
    let mut out = Vec::new();
    for it in &module.items {
        let Item::Func(f) = it else { continue };
        if f.source
            .as_deref()
            .is_some_and(|s| NOT_KERNEL_SOURCES.iter().any(|p| s.starts_with(p)))
        {
            continue;
        }
        let cx = Cx {
            file,
            text,
            func: &f.name,
            shared,
        };
        let mut ms = Vec::new();
        walk_blocks(&f.body, &mut |b| {
            delete_flush(&cx, b, &mut ms);
            move_flush_after_unlock(&cx, b, &mut ms);
            move_flush_before_write(&cx, b, &mut ms);
            delete_ref(&cx, b, Operator::DeleteGet, GETS, &mut ms);
            delete_ref(&cx, b, Operator::DeletePut, PUTS, &mut ms);
            disable_recheck(&cx, b, &mut ms);
            swap_adjacent(&cx, b, &mut ms);
            delete_ref(&cx, b, Operator::DropPending, PENDING, &mut ms);
        });
        delete_lock_pair(&cx, &f.body, &mut ms);
        out.extend(ms);
    }
    out.sort_by_key(|m| (m.at.0, m.op));
    out
}

struct Cx<'a> {
    file: usize,
    text: &'a str,
    func: &'a str,
    shared: &'a Shared,
}

impl Cx<'_> {
    fn src(&self, s: crate::lang::Span) -> &str {
        self.text
            .get(s.start as usize..s.end as usize)
            .unwrap_or_default()
    }
    /// A statement's text on one line, shortened.
    fn show(&self, s: &Stmt) -> String {
        let t = self.src(s.span);
        let t = t.strip_suffix(';').unwrap_or(t);
        one_line(t)
    }
    fn mutant(&self, op: Operator, at: &Stmt, desc: String, edits: Vec<Edit>) -> Mutant {
        Mutant {
            file: self.file,
            func: self.func.to_string(),
            op,
            at: (at.span.start as usize, at.span.end as usize),
            desc,
            edits,
        }
    }
    /// Delete a statement; its line breaks stay, so the lines after it keep their numbers.
    fn delete(&self, s: &Stmt) -> Edit {
        let t = self.src(s.span);
        Edit {
            start: s.span.start as usize,
            end: s.span.end as usize,
            text: "\n".repeat(t.matches('\n').count()),
        }
    }
    /// Rewrite the statements `b[lo..=hi]` in a new order; the text between them (comments,
    /// line breaks) stays where it is.
    fn permute(&self, b: &Block, lo: usize, hi: usize, order: &[usize]) -> Edit {
        let mut text = String::new();
        for (k, &i) in order.iter().enumerate() {
            text.push_str(self.src(b[i].span));
            if lo + k < hi {
                let gap = crate::lang::Span {
                    file: 0,
                    start: b[lo + k].span.end,
                    end: b[lo + k + 1].span.start,
                };
                text.push_str(self.src(gap));
            }
        }
        Edit {
            start: b[lo].span.start as usize,
            end: b[hi].span.end as usize,
            text,
        }
    }
}

/// Collapses white space (and drops comments) for a one-line description, at most 100
/// characters.
pub fn one_line(t: &str) -> String {
    let no_comments: Vec<&str> = t
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect();
    let s = no_comments
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if s.chars().count() > 100 {
        let cut: String = s.chars().take(97).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// Calls `f` on every block of a function body, outer blocks first.
fn walk_blocks<'a>(b: &'a Block, f: &mut dyn FnMut(&'a Block)) {
    f(b);
    for s in b {
        match &s.kind {
            StmtKind::If(_, a, e) => {
                walk_blocks(a, f);
                if let Some(e) = e {
                    walk_blocks(e, f);
                }
            }
            StmtKind::While(_, x) | StmtKind::Atomic(x) => walk_blocks(x, f),
            _ => {}
        }
    }
}

/// Every statement of a function body, nested ones included.
fn walk_stmts<'a>(b: &'a Block, f: &mut dyn FnMut(&'a Stmt)) {
    walk_blocks(b, &mut |blk| blk.iter().for_each(&mut *f));
}

/// The call a statement is: `name(args);`.
fn call_stmt(s: &Stmt) -> Option<(&str, &[Expr])> {
    match &s.kind {
        StmtKind::Expr(Expr {
            kind: ExprKind::Call(n, a),
            ..
        }) => Some((n.as_str(), a.as_slice())),
        _ => None,
    }
}

/// The call a statement is built on: `f(..);`, `let x = f(..);`, `x = f(..);`,
/// `return f(..);`.
fn top_call(s: &Stmt) -> Option<&Expr> {
    let e = match &s.kind {
        StmtKind::Expr(e) | StmtKind::Let(_, Some(e)) | StmtKind::Return(Some(e)) => e,
        StmtKind::Assign(_, _, e) => e,
        _ => return None,
    };
    matches!(e.kind, ExprKind::Call(..)).then_some(e)
}

/// Does any expression of the statement (not of nested blocks) call one of `names`?
fn calls_any(s: &Stmt, names: &[&str]) -> bool {
    fn go(e: &Expr, names: &[&str]) -> bool {
        match &e.kind {
            ExprKind::Call(n, a) => in_table(n, names) || a.iter().any(|x| go(x, names)),
            ExprKind::Field(b, _)
            | ExprKind::Unary(_, b)
            | ExprKind::Deref(b)
            | ExprKind::AddrOf(b) => go(b, names),
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => go(a, names) || go(b, names),
            ExprKind::StructLit(_, fs) => fs.iter().any(|(_, e)| go(e, names)),
            _ => false,
        }
    }
    match &s.kind {
        StmtKind::Let(_, Some(e)) | StmtKind::Expr(e) | StmtKind::Return(Some(e)) => go(e, names),
        StmtKind::Assign(l, _, r) => go(l, names) || go(r, names),
        _ => false,
    }
}

/// Does a plain statement name the variable `v`?
fn stmt_uses(s: &Stmt, v: &str) -> bool {
    fn go(e: &Expr, v: &str) -> bool {
        match &e.kind {
            ExprKind::Var(n) => n == v,
            ExprKind::Call(_, a) => a.iter().any(|x| go(x, v)),
            ExprKind::Field(b, _)
            | ExprKind::Unary(_, b)
            | ExprKind::Deref(b)
            | ExprKind::AddrOf(b) => go(b, v),
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => go(a, v) || go(b, v),
            ExprKind::StructLit(_, fs) => fs.iter().any(|(_, e)| go(e, v)),
            _ => false,
        }
    }
    match &s.kind {
        StmtKind::Let(_, Some(e)) | StmtKind::Expr(e) | StmtKind::Return(Some(e)) => go(e, v),
        StmtKind::Assign(l, _, r) => go(l, v) || go(r, v),
        _ => false,
    }
}

/// A flush statement: a call of a flush, or an `if` (without `else`) that only flushes
/// (`if force_flush { tlb_flush_mmu_tlbonly(tlb); }`).
fn is_flush_stmt(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::If(_, then, None) => !then.is_empty() && then.iter().all(is_flush_stmt),
        _ => call_stmt(s).is_some_and(|(n, _)| flush_kind(n).is_some()),
    }
}

fn is_unlock_stmt(s: &Stmt) -> bool {
    call_stmt(s).is_some_and(|(n, _)| UNLOCKS.contains(&n))
}

fn is_pte_write(s: &Stmt) -> bool {
    matches!(
        &s.kind,
        StmtKind::Assign(
            Expr {
                kind: ExprKind::Deref(_),
                ..
            },
            _,
            _
        )
    ) || calls_any(s, PTE_WRITES)
}

// ---- The operators ----

/// `delete-flush`: delete a TLB flush call (for `ptep_clear_flush*`, keep the clear).
fn delete_flush(cx: &Cx, b: &Block, out: &mut Vec<Mutant>) {
    for s in b {
        if let Some((n, _)) = call_stmt(s)
            && flush_kind(n) == Some(FlushKind::Delete)
        {
            let desc = format!("delete {}", cx.show(s));
            out.push(cx.mutant(Operator::DeleteFlush, s, desc, vec![cx.delete(s)]));
            continue;
        }
        let Some(call) = top_call(s) else { continue };
        let ExprKind::Call(n, args) = &call.kind else {
            continue;
        };
        if flush_kind(n) != Some(FlushKind::KeepClear) || args.len() != 3 {
            continue;
        }
        let vma = cx.src(args[0].span);
        let vma = if matches!(args[0].kind, ExprKind::Var(_)) {
            vma.to_string()
        } else {
            format!("({vma})")
        };
        let text = format!(
            "ptep_get_and_clear({vma}->vm_mm, {}, {})",
            cx.src(args[1].span),
            cx.src(args[2].span)
        );
        let desc = format!("drop the flush of {n}(): {} -> {text}", cx.src(call.span));
        let e = Edit {
            start: call.span.start as usize,
            end: call.span.end as usize,
            text,
        };
        out.push(cx.mutant(Operator::DeleteFlush, s, one_line(&desc), vec![e]));
    }
}

/// `move-flush-after-unlock`: the flush moves after the next unlock of its block.
fn move_flush_after_unlock(cx: &Cx, b: &Block, out: &mut Vec<Mutant>) {
    for i in 0..b.len() {
        if !is_flush_stmt(&b[i]) {
            continue;
        }
        let Some(j) = (i + 1..b.len()).find(|&j| is_unlock_stmt(&b[j])) else {
            continue;
        };
        let mut order: Vec<usize> = (i + 1..=j).collect();
        order.push(i);
        let desc = format!("move {} after {}", cx.show(&b[i]), cx.show(&b[j]));
        let e = cx.permute(b, i, j, &order);
        out.push(cx.mutant(Operator::MoveFlushAfterUnlock, &b[i], desc, vec![e]));
    }
}

/// `move-flush-before-write`: the flush moves before the PTE write that precedes it in its
/// block.
fn move_flush_before_write(cx: &Cx, b: &Block, out: &mut Vec<Mutant>) {
    for i in 0..b.len() {
        if !is_flush_stmt(&b[i]) {
            continue;
        }
        let Some(w) = (0..i).rev().find(|&w| is_pte_write(&b[w])) else {
            continue;
        };
        let mut order = vec![i];
        order.extend(w..i);
        let desc = format!("move {} before {}", cx.show(&b[i]), cx.show(&b[w]));
        let e = cx.permute(b, w, i, &order);
        out.push(cx.mutant(Operator::MoveFlushBeforeWrite, &b[i], desc, vec![e]));
    }
}

/// `delete-get`, `delete-put`, `drop-pending`: delete a call statement named in `table`.
fn delete_ref(cx: &Cx, b: &Block, op: Operator, table: &[&str], out: &mut Vec<Mutant>) {
    for s in b {
        if call_stmt(s).is_some_and(|(n, _)| in_table(n, table)) {
            let desc = format!("delete {}", cx.show(s));
            out.push(cx.mutant(op, s, desc, vec![cx.delete(s)]));
        }
    }
}

/// `delete-lock-pair`: delete a lock and every unlock of the same lock in the function.
fn delete_lock_pair(cx: &Cx, body: &Block, out: &mut Vec<Mutant>) {
    let key = |args: &[Expr], at: Option<usize>| -> Option<String> {
        match at {
            None => Some(String::new()),
            Some(i) => args
                .get(i)
                .map(|a| cx.src(a.span).split_whitespace().collect::<String>()),
        }
    };
    let mut calls: Vec<(&Stmt, &str, &[Expr])> = Vec::new();
    walk_stmts(body, &mut |s| {
        if let Some((n, a)) = call_stmt(s) {
            calls.push((s, n, a));
        }
    });
    for &(s, n, args) in &calls {
        let Some(((_, lat), unlocks)) = LOCK_PAIRS.iter().find(|((l, _), _)| *l == n) else {
            continue;
        };
        let Some(k) = key(args, *lat) else { continue };
        let matching: Vec<&Stmt> = calls
            .iter()
            .filter(|(_, un, ua)| {
                unlocks
                    .iter()
                    .any(|(u, uat)| u == un && key(ua, *uat).as_ref() == Some(&k))
            })
            .map(|(us, _, _)| *us)
            .collect();
        if matching.is_empty() {
            continue;
        }
        let mut edits = vec![cx.delete(s)];
        edits.extend(matching.iter().map(|u| cx.delete(u)));
        let desc = match matching.len() {
            1 => format!("delete {} and {}", cx.show(s), cx.show(matching[0])),
            k => format!(
                "delete {} and its {k} unlocks ({})",
                cx.show(s),
                cx.show(matching[0])
            ),
        };
        out.push(cx.mutant(Operator::DeleteLockPair, s, desc, edits));
    }
}

/// A value known when every recheck passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tv {
    Bool(bool),
    Int(i64),
    Unknown,
}

impl Tv {
    fn truth(self) -> Option<bool> {
        match self {
            Tv::Bool(b) => Some(b),
            Tv::Int(i) => Some(i != 0),
            Tv::Unknown => None,
        }
    }
}

fn recheck_pass(name: &str) -> Option<Pass> {
    RECHECKS.iter().find(|(n, _)| *n == name).map(|&(_, p)| p)
}

/// The condition's value when every recheck in it passes, as far as it is decided by that.
fn eval_passing(e: &Expr) -> Tv {
    use crate::lang::ast::BinOp as B;
    match &e.kind {
        ExprKind::Int(i) => Tv::Int(*i),
        ExprKind::Bool(b) => Tv::Bool(*b),
        ExprKind::Call(n, _) => match recheck_pass(n) {
            Some(Pass::Bool(b)) => Tv::Bool(b),
            Some(Pass::Int(i)) => Tv::Int(i),
            None => Tv::Unknown,
        },
        ExprKind::Unary(UnOp::Not, a) => match eval_passing(a).truth() {
            Some(b) => Tv::Bool(!b),
            None => Tv::Unknown,
        },
        ExprKind::Unary(UnOp::Neg, a) => match eval_passing(a) {
            Tv::Int(i) => i.checked_neg().map_or(Tv::Unknown, Tv::Int),
            _ => Tv::Unknown,
        },
        ExprKind::Binary(op, a, b) => {
            let (x, y) = (eval_passing(a), eval_passing(b));
            match op {
                B::And => match (x.truth(), y.truth()) {
                    (Some(false), _) | (_, Some(false)) => Tv::Bool(false),
                    (Some(true), Some(true)) => Tv::Bool(true),
                    _ => Tv::Unknown,
                },
                B::Or => match (x.truth(), y.truth()) {
                    (Some(true), _) | (_, Some(true)) => Tv::Bool(true),
                    (Some(false), Some(false)) => Tv::Bool(false),
                    _ => Tv::Unknown,
                },
                _ => match (x, y) {
                    (Tv::Int(p), Tv::Int(q)) => match op {
                        B::Eq => Tv::Bool(p == q),
                        B::Ne => Tv::Bool(p != q),
                        B::Lt => Tv::Bool(p < q),
                        B::Le => Tv::Bool(p <= q),
                        B::Gt => Tv::Bool(p > q),
                        B::Ge => Tv::Bool(p >= q),
                        _ => Tv::Unknown,
                    },
                    (Tv::Bool(p), Tv::Bool(q)) => match op {
                        B::Eq => Tv::Bool(p == q),
                        B::Ne => Tv::Bool(p != q),
                        _ => Tv::Unknown,
                    },
                    _ => Tv::Unknown,
                },
            }
        }
        _ => Tv::Unknown,
    }
}

/// The recheck calls of an expression, outermost first.
fn recheck_calls<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Call(n, a) => {
            if recheck_pass(n).is_some() {
                out.push(e);
            } else {
                a.iter().for_each(|x| recheck_calls(x, out));
            }
        }
        ExprKind::Field(b, _)
        | ExprKind::Unary(_, b)
        | ExprKind::Deref(b)
        | ExprKind::AddrOf(b) => recheck_calls(b, out),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            recheck_calls(a, out);
            recheck_calls(b, out);
        }
        ExprKind::StructLit(_, fs) => fs.iter().for_each(|(_, x)| recheck_calls(x, out)),
        _ => {}
    }
}

/// `disable-recheck`: an `if` whose condition calls a recheck gets the constant that
/// makes the recheck pass: the condition is evaluated with every recheck call at its
/// passing value (`!pte_same(..)` -> false, `pte_same(..)` -> true, `page_count(p) != 1`
/// -> false). Where the rest of the condition leaves it open, only the calls are replaced.
fn disable_recheck(cx: &Cx, b: &Block, out: &mut Vec<Mutant>) {
    for s in b {
        let StmtKind::If(cond, _, _) = &s.kind else {
            continue;
        };
        let mut calls = Vec::new();
        recheck_calls(cond, &mut calls);
        if calls.is_empty() {
            continue;
        }
        let (edits, now) = match eval_passing(cond).truth() {
            Some(v) => (
                vec![Edit {
                    start: cond.span.start as usize,
                    end: cond.span.end as usize,
                    text: v.to_string(),
                }],
                v.to_string(),
            ),
            None => {
                let edits: Vec<Edit> = calls
                    .iter()
                    .map(|c| {
                        let ExprKind::Call(n, _) = &c.kind else {
                            unreachable!("recheck_calls gives calls")
                        };
                        let text = match recheck_pass(n) {
                            Some(Pass::Bool(b)) => b.to_string(),
                            Some(Pass::Int(i)) => i.to_string(),
                            None => unreachable!("a recheck"),
                        };
                        Edit {
                            start: c.span.start as usize,
                            end: c.span.end as usize,
                            text,
                        }
                    })
                    .collect();
                let cs = cond.span.start as usize;
                let shifted: Vec<Edit> = edits
                    .iter()
                    .map(|e| Edit {
                        start: e.start - cs,
                        end: e.end - cs,
                        text: e.text.clone(),
                    })
                    .collect();
                let now = apply(cx.src(cond.span), &shifted);
                (edits, now)
            }
        };
        let desc = one_line(&format!("if {} -> if {now}", cx.src(cond.span)));
        out.push(cx.mutant(Operator::DisableRecheck, s, desc, edits));
    }
}

/// `swap-adjacent`: two adjacent plain statements that both touch shared state change
/// places.
fn swap_adjacent(cx: &Cx, b: &Block, out: &mut Vec<Mutant>) {
    for i in 0..b.len().saturating_sub(1) {
        let (x, y) = (&b[i], &b[i + 1]);
        if !cx.shared.plain_stmt(x) || !cx.shared.plain_stmt(y) {
            continue;
        }
        if one_line(cx.src(x.span)) == one_line(cx.src(y.span)) {
            continue;
        }
        // `let v = ..;` then a use of v: the swap would not compile (data, not ordering)
        if let StmtKind::Let(v, _) = &x.kind
            && stmt_uses(y, v)
        {
            continue;
        }
        let desc = format!("swap {} and {}", cx.show(x), cx.show(y));
        let e = cx.permute(b, i, i + 1, &[i + 1, i]);
        out.push(cx.mutant(Operator::SwapAdjacent, x, desc, vec![e]));
    }
}
