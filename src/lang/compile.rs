//! Lowering of checked syntax to bytecode (`crate::ir`), with name resolution.

use super::ast::{
    self, Block, Expr, ExprKind, FuncDecl, Item, Module, StmtKind, TestDecl, TestItem,
};
use super::source::{Diag, SourceMap, Span};
use crate::ir::consts::{self, vm};
use crate::ir::{
    BinOp, Expect, Func, Global, Instr, Knobs, Memory, ObjStruct, PageSpec, Prim, PrimClass,
    Program, PteSpec, Scenario, StructDef, TlbSpec, UnOp, UserOp, Value, VmaSpec, WordKind,
    pte_bits,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Functions, constants and structs visible to one test, after overrides.
#[derive(Default)]
pub struct FuncTable {
    funcs: Vec<FuncDecl>,
    by_name: HashMap<String, usize>,
    consts: Vec<(String, Expr)>,
    const_at: HashMap<String, usize>,
    /// The constants a model file defined (not a test file): a second model-file
    /// definition is an error, since model trees are loaded as one program and the later
    /// file would silently win.
    model_consts: HashMap<String, ()>,
    structs: Vec<StructDecl>,
    /// `invariants default: SET;` lines, in load order (each may refer to the one before).
    invariant_defaults: Vec<ast::InvariantSet>,
    struct_at: HashMap<String, usize>,
    /// `invariant NAME ...` declarations; each is checked by the function
    /// `invariant NAME` (a name no model can write) made from its condition.
    invariants: Vec<ast::InvariantDecl>,
    /// Shared object types (`struct NAME { field: TYPE; }`), by name.
    obj_structs: Vec<ObjStructDecl>,
    obj_at: HashMap<String, usize>,
    /// `global NAME: STRUCT;` (or `percpu`, or `kmem_cache ..[N]`): (name, struct, its
    /// span, the declaration's span, per CPU, cache size).
    globals: Vec<(String, String, Span, Span, bool, Option<u32>)>,
}

/// The function that checks a declared invariant: `assert(<condition>)`.
fn invariant_fn_name(name: &str) -> String {
    format!("invariant {name}")
}

/// A struct declaration: name, fields, and where it was declared.
type StructDecl = (String, Vec<(String, Span)>, Span);
/// A shared object type: name, source, fields, where declared.
type ObjStructDecl = (String, Option<String>, Vec<ast::ObjField>, Span);

impl FuncTable {
    pub fn add_module(&mut self, m: &Module, require_source: bool) -> Result<(), Diag> {
        for item in &m.items {
            match item {
                Item::Func(f) => {
                    if require_source && f.source.is_none() {
                        return Err(Diag::at(
                            f.name_span,
                            format!(
                                "model function `{}` does not name the kernel source it follows",
                                f.name
                            ),
                        )
                        .help(
                            "write e.g. `fn do_wp_page(vmf) source \"mm/memory.c@v5.10\" { ... }`",
                        ));
                    }
                    let replaces_prim = Prim::by_name(&f.name).filter(|p| p.overridable());
                    if replaces_prim.is_some() && f.is_override {
                        // the kernel's code in place of the built-in, for every caller
                        match self.by_name.get(&f.name) {
                            Some(&i) => self.funcs[i] = f.clone(),
                            None => {
                                self.by_name.insert(f.name.clone(), self.funcs.len());
                                self.funcs.push(f.clone());
                            }
                        }
                        continue;
                    }
                    if Prim::by_name(&f.name).is_some() {
                        return Err(Diag::at(
                            f.name_span,
                            format!(
                                "`{}` is a built-in primitive and cannot be redefined",
                                f.name
                            ),
                        ));
                    }
                    match (self.by_name.get(&f.name), f.is_override) {
                        (Some(&i), true) => self.funcs[i] = f.clone(),
                        (None, false) => {
                            self.by_name.insert(f.name.clone(), self.funcs.len());
                            self.funcs.push(f.clone());
                        }
                        (Some(_), false) => {
                            return Err(Diag::at(
                                f.name_span,
                                format!("function `{}` is already defined", f.name),
                            )
                            .help(
                                "write `override fn` to replace a function of the kernel model",
                            ));
                        }
                        (None, true) => {
                            return Err(Diag::at(
                                f.name_span,
                                format!("`override fn {}` overrides nothing: no such function in the model", f.name),
                            )
                            .help("check the spelling, and that the kernel model is imported first"));
                        }
                    }
                }
                Item::Const { name, value, span } => {
                    if require_source {
                        if self.model_consts.contains_key(name) {
                            return Err(Diag::at(
                                *span,
                                format!("constant `{name}` is already defined by another model file"),
                            )
                            .help("model files are one program: keep one definition (a test file may redefine a constant for its own tests)"));
                        }
                        self.model_consts.insert(name.clone(), ());
                    }
                    let c = (name.clone(), value.clone());
                    match self.const_at.get(name) {
                        Some(&i) => self.consts[i] = c,
                        None => {
                            self.const_at.insert(name.clone(), self.consts.len());
                            self.consts.push(c);
                        }
                    }
                }
                Item::ObjStruct {
                    name,
                    source,
                    fields,
                    span,
                } => {
                    if require_source && source.is_none() {
                        return Err(Diag::at(
                            *span,
                            format!("object type `{name}` does not name the kernel source it follows"),
                        )
                        .help("write e.g. `struct page source \"include/linux/mm_types.h@v5.10\" { ... }`"));
                    }
                    if self.struct_at.contains_key(name) {
                        return Err(Diag::at(
                            *span,
                            format!("`{name}` is already a record struct (untyped fields)"),
                        ));
                    }
                    let d = (name.clone(), source.clone(), fields.clone(), *span);
                    match self.obj_at.get(name) {
                        Some(&i) => self.obj_structs[i] = d,
                        None => {
                            self.obj_at.insert(name.clone(), self.obj_structs.len());
                            self.obj_structs.push(d);
                        }
                    }
                }
                Item::Global {
                    name,
                    strukt,
                    strukt_span,
                    span,
                    per_cpu,
                    cache,
                } => {
                    if self.globals.iter().any(|g| &g.0 == name) {
                        return Err(Diag::at(
                            *span,
                            format!("global `{name}` is already declared"),
                        ));
                    }
                    self.globals.push((
                        name.clone(),
                        strukt.clone(),
                        *strukt_span,
                        *span,
                        *per_cpu,
                        *cache,
                    ));
                }
                Item::Struct { name, fields, span } => {
                    if self.obj_at.contains_key(name) {
                        return Err(Diag::at(
                            *span,
                            format!("`{name}` is already an object type (typed fields)"),
                        ));
                    }
                    let d = (name.clone(), fields.clone(), *span);
                    match self.struct_at.get(name) {
                        Some(&i) => self.structs[i] = d,
                        None => {
                            self.struct_at.insert(name.clone(), self.structs.len());
                            self.structs.push(d);
                        }
                    }
                }
                Item::InvariantsDefault(set) => self.invariant_defaults.push(set.clone()),
                Item::Invariant(d) => self.add_invariant(d)?,
                Item::Import { .. } | Item::Test(_) => {}
            }
        }
        Ok(())
    }
}

impl FuncTable {
    fn add_invariant(&mut self, d: &ast::InvariantDecl) -> Result<(), Diag> {
        if crate::machine::INVARIANTS.iter().any(|(n, _)| *n == d.name) {
            return Err(
                Diag::at(d.name_span, format!("`{}` is a built-in invariant", d.name))
                    .help("give the model's invariant a name of its own"),
            );
        }
        if self.invariants.iter().any(|o| o.name == d.name) {
            return Err(Diag::at(
                d.name_span,
                format!("invariant `{}` is already declared", d.name),
            ));
        }
        let call = Expr {
            kind: ExprKind::Call("assert".into(), vec![d.holds.clone()]),
            span: d.holds.span,
        };
        let f = FuncDecl {
            name: invariant_fn_name(&d.name),
            name_span: d.name_span,
            params: d.for_page.iter().cloned().collect(),
            body: vec![ast::Stmt {
                kind: StmtKind::Expr(call),
                span: d.holds.span,
            }],
            is_override: false,
            source: Some(format!("invariant {}: {}", d.name, d.says)),
            span: d.span,
        };
        self.by_name.insert(f.name.clone(), self.funcs.len());
        self.funcs.push(f);
        self.invariants.push(d.clone());
        Ok(())
    }

    /// Every invariant a test may name: the machine's, then the model's own.
    fn all_invariants(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> =
            crate::machine::INVARIANTS.iter().map(|(n, _)| *n).collect();
        // Violations carry `&'static str` names: a declared name is interned once per load.
        all.extend(self.invariants.iter().map(|d| intern(&d.name)));
        all
    }
}

/// A `&'static str` for a declared invariant's name, shared by every test that names it.
fn intern(name: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.iter().find(|n| **n == name) {
        return n;
    }
    let n: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(n);
    n
}

struct Ctx<'a> {
    table: &'a FuncTable,
    consts: HashMap<String, Value>,
    fields: Vec<String>,
    field_at: HashMap<String, u16>,
    structs: Vec<StructDef>,
    /// VMA names of the test, with their first address (user programs only).
    vmas: HashMap<String, (i64, i64)>,
    /// The test's address spaces: `mm0` .. `mmN-1` name them in its code.
    mms: usize,
    /// The test's pages by name (a device's DMA or a driver's pin names them in its code).
    pages: HashMap<String, u16>,
    /// Declared objects and their words.
    memory: Memory,
}

impl Ctx<'_> {
    fn global(&self, name: &str) -> Option<&Global> {
        self.memory.globals.iter().find(|g| g.name == name)
    }
    /// The id of a field name (`GetField`/`SetField` carry 16 bits).
    fn field_id(&mut self, name: &str, at: Span) -> Result<u16, Diag> {
        if let Some(&i) = self.field_at.get(name) {
            return Ok(i);
        }
        let id = u16::try_from(self.fields.len()).map_err(|_| {
            Diag::at(
                at,
                format!(
                    "more than {} distinct field names: the program is too large",
                    u32::from(u16::MAX) + 1
                ),
            )
        })?;
        self.fields.push(name.to_string());
        self.field_at.insert(name.to_string(), id);
        Ok(id)
    }

    fn const_eval(&self, e: &Expr, seen: &mut Vec<String>) -> Result<Value, Diag> {
        match &e.kind {
            ExprKind::Int(v) => Ok(Value::Int(*v)),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Var(n) => {
                if let Some(v) = consts::builtin(n) {
                    return Ok(v);
                }
                if seen.contains(n) {
                    return Err(Diag::at(e.span, format!("constant `{n}` refers to itself")));
                }
                if seen.len() >= MAX_CONST_CHAIN {
                    return Err(Diag::at(
                        e.span,
                        format!(
                            "constants defined through more than {MAX_CONST_CHAIN} other constants"
                        ),
                    ));
                }
                let Some((_, ce)) = self.table.const_at.get(n).map(|&i| &self.table.consts[i])
                else {
                    return Err(Diag::at(e.span, format!("unknown constant `{n}`")));
                };
                seen.push(n.clone());
                let v = self.const_eval(ce, seen);
                seen.pop();
                v
            }
            ExprKind::Unary(op, a) => {
                let a = self.const_eval(a, seen)?;
                match (op, a) {
                    (ast::UnOp::Neg, Value::Int(x)) => Ok(Value::Int(x.wrapping_neg())),
                    (ast::UnOp::BitNot, Value::Int(x)) => Ok(Value::Int(!x)),
                    (ast::UnOp::Not, Value::Bool(x)) => Ok(Value::Bool(!x)),
                    _ => Err(Diag::at(e.span, "unsupported constant expression")),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.const_eval(a, seen)?, self.const_eval(b, seen)?);
                let (Value::Int(x), Value::Int(y)) = (a, b) else {
                    return Err(Diag::at(e.span, "constant arithmetic needs integers"));
                };
                let v = match op {
                    ast::BinOp::BitOr => x | y,
                    ast::BinOp::BitAnd => x & y,
                    ast::BinOp::BitXor => x ^ y,
                    ast::BinOp::Add => x.wrapping_add(y),
                    ast::BinOp::Sub => x.wrapping_sub(y),
                    ast::BinOp::Mul => x.wrapping_mul(y),
                    ast::BinOp::Shl if (0..63).contains(&y) => x << y,
                    ast::BinOp::Shr if (0..63).contains(&y) => x >> y,
                    _ => return Err(Diag::at(e.span, "unsupported constant expression")),
                };
                Ok(Value::Int(v))
            }
            _ => Err(Diag::at(
                e.span,
                "a constant must be a number or an expression of constants",
            )),
        }
    }
}

struct FnBuilder<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    code: Vec<Instr>,
    spans: Vec<Span>,
    locals: Vec<String>,
    user: bool,
    loops: Vec<(usize, Vec<usize>)>,
    atomic_depth: usize,
    /// Lexical nesting of `atomic { }` blocks (loops do not reset it).
    atomic_nesting: usize,
    func_ids: &'c HashMap<String, (u16, usize)>,
    /// Operand-stack depth after the code emitted so far, its maximum (the size of the
    /// function's call frame beyond its locals), and the first place it passed `MAX_STACK`.
    stack: usize,
    max_stack: usize,
    stack_overflow: Option<Span>,
}

impl FnBuilder<'_, '_> {
    fn emit(&mut self, i: Instr, span: Span) -> usize {
        // Expressions are structured, so the depth after each instruction in emission order
        // bounds the depth on every path through it.
        let (pops, pushes) = stack_effect(i);
        self.stack = self.stack.saturating_sub(pops) + pushes;
        self.max_stack = self.max_stack.max(self.stack);
        if self.stack > MAX_STACK && self.stack_overflow.is_none() {
            self.stack_overflow = Some(span);
        }
        self.code.push(i);
        self.spans.push(span);
        self.code.len() - 1
    }
    fn patch(&mut self, at: usize, target: usize) {
        let t = jump_target(target);
        match &mut self.code[at] {
            Instr::Jump(x)
            | Instr::JumpIfFalse(x)
            | Instr::JumpIfFalseKeep(x)
            | Instr::JumpIfTrueKeep(x) => *x = t,
            _ => {}
        }
    }
    fn local(&self, name: &str) -> Option<u16> {
        self.locals
            .iter()
            .position(|l| l == name)
            .and_then(|i| u16::try_from(i).ok())
    }
    fn declare(&mut self, name: &str, at: Span) -> Result<u16, Diag> {
        if let Some(i) = self.local(name) {
            return Ok(i);
        }
        if self.locals.len() >= MAX_LOCALS {
            return Err(Diag::at(
                at,
                format!("more than {MAX_LOCALS} parameters and local variables in one function"),
            )
            .help("split the function"));
        }
        self.locals.push(name.to_string());
        Ok(u16::try_from(self.locals.len() - 1).expect("MAX_LOCALS fits in u16"))
    }

    /// Is `name` a global object here (not shadowed by a local)?
    fn is_global(&self, name: &str) -> bool {
        self.local(name).is_none() && self.ctx.global(name).is_some()
    }

    /// The local that `&e` points to, or why `e` cannot be pointed to.
    fn addressable_local(&self, e: &Expr, amp: Span) -> Result<u16, Diag> {
        let what = "`&` takes a local variable (`&need_flush`) or a field of a global object (`&uffd_wp_groups.count`)";
        if self.user {
            return Err(Diag::at(
                amp,
                "a user program cannot take the address of its variables: they are registers, not user memory",
            )
            .help("user memory is the test's VMAs: `X = 1;`, `X[1] += 1;`, `let v = *X;`"));
        }
        let ExprKind::Var(n) = &e.kind else {
            let d = Diag::at(amp, what);
            return Err(match &e.kind {
                ExprKind::Field(..) => d.help(
                    "a record is already passed by reference: pass the record and write its field in the callee",
                ),
                ExprKind::AddrOf(_) | ExprKind::Deref(_) => {
                    d.help("a pointer to a pointer is not modelled; pass the pointer itself")
                }
                _ => d,
            });
        };
        let Some(slot) = self.local(n) else {
            if self.ctx.global(n).is_some() {
                return Err(Diag::at(
                    amp,
                    format!(
                        "`&` takes a field of a global object, e.g. `&{n}.field`, or a local variable"
                    ),
                ));
            }
            return Err(Diag::at(
                e.span,
                format!("`&{n}`: `{n}` is not a local variable of this function"),
            )
            .help(what));
        };
        Ok(slot)
    }

    /// Is `f` a field of some declared object type (a word of shared memory)?
    fn is_object_field(&self, f: &str) -> bool {
        self.ctx
            .memory
            .structs
            .iter()
            .any(|s| s.fields.iter().any(|(n, _)| n == f))
    }

    /// `obj->array[i]` or `g.array[i]`: emits the element's address; false if `e` is not
    /// such an element.
    fn elem_addr(&mut self, e: &Expr) -> Result<bool, Diag> {
        let ExprKind::Index(a, i) = &e.kind else {
            return Ok(false);
        };
        let ExprKind::Field(b, f) = &a.kind else {
            return Ok(false);
        };
        if !self.is_object_field(f) {
            return Ok(false);
        }
        if let Some((w, _)) = self.global_field(a)? {
            self.emit(Instr::Const(Value::Word(w)), e.span);
        } else {
            self.expr(b)?;
            let id = self.ctx.field_id(f, e.span)?;
            self.emit(Instr::FieldAddr(id), e.span);
        }
        self.expr(i)?;
        self.emit(Instr::Elem, e.span);
        Ok(true)
    }

    /// `g.field` of a global object: its word and type.
    fn global_field(&self, e: &Expr) -> Result<Option<(u32, WordKind)>, Diag> {
        let ExprKind::Field(b, f) = &e.kind else {
            return Ok(None);
        };
        let ExprKind::Var(g) = &b.kind else {
            return Ok(None);
        };
        if !self.is_global(g) {
            return Ok(None);
        }
        if self.user {
            return Err(Diag::at(
                e.span,
                "user programs cannot touch kernel objects",
            ));
        }
        let gl = self.ctx.global(g).expect("checked");
        if gl.per_cpu {
            return Err(Diag::at(
                e.span,
                format!(
                    "`{g}` is a per-CPU variable: reach this CPU's with `this_cpu_ptr(&{g})->{f}`"
                ),
            ));
        }
        let st = &self.ctx.memory.structs[gl.strukt as usize];
        match st.fields.iter().position(|(n, _)| n == f) {
            Some(i) => Ok(Some((gl.base + st.offsets[i], st.fields[i].1))),
            None => Err(Diag::at(
                e.span,
                format!("`{g}` (struct {}) has no field `{f}`", st.name),
            )
            .help(format!(
                "its fields: {}",
                st.fields
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The word of a plain (`int` or `bits`) field, or why it cannot be read or written
    /// directly.
    fn plain_word(&self, e: &Expr, w: u32, kind: WordKind) -> Result<u32, Diag> {
        match kind {
            WordKind::Int | WordKind::Bits => Ok(w),
            WordKind::Atomic => Err(Diag::at(
                e.span,
                "this field is an atomic_t: use atomic_read(&obj.field), atomic_set(), atomic_inc(), ...",
            )),
            WordKind::Spinlock => Err(Diag::at(
                e.span,
                "this field is a spinlock_t: use spin_lock(&obj.field), spin_unlock(), ...",
            )),
            WordKind::Seqcount => Err(Diag::at(
                e.span,
                "this field is a seqcount_t: use raw_read_seqcount(&obj.field), write_seqcount_begin(), ...",
            )),
            WordKind::Rwsem => Err(Diag::at(
                e.span,
                "this field is an rw_semaphore: use down_read(&obj.field), up_read(), down_write(), ...",
            )),
            WordKind::Handle | WordKind::Pgprot => Ok(w),
        }
    }

    /// Does evaluating this expression touch shared state directly (not through a call)?
    fn shared(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Field(b, _) if matches!(&b.kind, ExprKind::Var(g) if self.is_global(g)) => {
                true
            }
            ExprKind::AddrOf(_) => false,
            ExprKind::Call(name, args) => {
                let me = Prim::by_name(name).is_some_and(|p| p.class() == PrimClass::Shared)
                    && !self.func_ids.contains_key(name);
                me || args.iter().any(|a| self.shared(a))
            }
            ExprKind::Deref(_) => true,
            // a field of a page or an mm is a word of shared memory
            ExprKind::Field(b, f) => {
                self.ctx
                    .memory
                    .structs
                    .iter()
                    .any(|s| s.fields.iter().any(|(n, _)| n == f))
                    || self.shared(b)
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => self.shared(a) || self.shared(b),
            ExprKind::Unary(_, a) => self.shared(a),
            ExprKind::StructLit(_, fs) => fs.iter().any(|(_, e)| self.shared(e)),
            _ => false,
        }
    }

    /// Does the statement whose expression is `e` touch shared state directly? A primitive
    /// that changes ghost state must then be a statement of its own: it runs in the step of
    /// the shared access before it, and a statement that waits at a later shared access is
    /// run again from its start, which would apply the ghost change twice.
    fn stmt_shared(&self, e: &Expr) -> Result<bool, Diag> {
        let shared = self.shared(e);
        if shared && let Some(sp) = ghost_change(e) {
            return Err(Diag::at(
                sp,
                "a primitive that changes ghost state must be a statement of its own, with no shared access beside it",
            ));
        }
        Ok(shared)
    }

    fn vma_address(&self, e: &Expr) -> Result<Option<i64>, Diag> {
        match &e.kind {
            ExprKind::Var(n) if self.local(n).is_none() => {
                Ok(self.ctx.vmas.get(n).map(|(a, _)| *a))
            }
            ExprKind::Index(b, i) => {
                let ExprKind::Var(n) = &b.kind else {
                    return Ok(None);
                };
                let Some(&(base, pages)) = self.ctx.vmas.get(n) else {
                    return Ok(None);
                };
                let ExprKind::Int(k) = i.kind else {
                    return Err(Diag::at(i.span, "a page index must be a number"));
                };
                if k < 0 || k >= pages {
                    return Err(Diag::at(
                        i.span,
                        format!("page index {k} is outside VMA `{n}` ({pages} page(s))"),
                    ));
                }
                Ok(Some(base + k))
            }
            _ => Ok(None),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(), Diag> {
        let sp = e.span;
        match &e.kind {
            ExprKind::Int(v) => {
                self.emit(Instr::Const(Value::Int(*v)), sp);
            }
            ExprKind::Bool(b) => {
                self.emit(Instr::Const(Value::Bool(*b)), sp);
            }
            ExprKind::Null => {
                self.emit(Instr::Const(Value::Null), sp);
            }
            ExprKind::Var(n) => {
                if let Some(i) = self.local(n) {
                    self.emit(Instr::Load(i), sp);
                } else if let Some(a) = self.vma_address(e)? {
                    self.emit(Instr::Const(Value::Int(a)), sp);
                } else if let Some(v) = self
                    .ctx
                    .consts
                    .get(n)
                    .copied()
                    .or_else(|| consts::builtin(n))
                {
                    self.emit(Instr::Const(v), sp);
                } else if let Some(&(id, _)) = self.func_ids.get(n) {
                    // a function as a value: an IPI's function, an indirect call's target
                    self.emit(Instr::Const(Value::Func(id)), sp);
                } else if let Some(&p) = self.ctx.pages.get(n) {
                    // `P`: the scenario's page P (its frame)
                    self.emit(Instr::Const(Value::Page(p)), sp);
                } else if let Some(k) = n
                    .strip_prefix("mm")
                    .and_then(|k| k.parse::<usize>().ok())
                    .filter(|&k| k < self.ctx.mms)
                {
                    // `mm1`: the test's address space 1 (a task's mm)
                    self.emit(Instr::Const(Value::Mm(k as u8)), sp);
                } else if self.ctx.global(n).is_some() {
                    return Err(Diag::at(
                        sp,
                        format!(
                            "global object `{n}` is used through its fields, e.g. `&{n}.field`"
                        ),
                    ));
                } else {
                    return Err(Diag::at(sp, format!("unknown name `{n}`"))
                        .help("declare local variables with `let`; constants with `const`"));
                }
            }
            ExprKind::Index(..) if self.elem_addr(e)? => {
                let prim = Prim::by_name("load_word").expect("a family row");
                self.emit(Instr::Prim { prim, argc: 1 }, sp);
            }
            ExprKind::Index(..) => match self.vma_address(e)? {
                Some(a) => {
                    self.emit(Instr::Const(Value::Int(a)), sp);
                }
                None => {
                    return Err(Diag::at(
                        sp,
                        "indexing is only for VMA names in tests, e.g. `X[1]`",
                    ));
                }
            },
            ExprKind::Call(name, args)
                if name == "violation" && !self.func_ids.contains_key(name) =>
            {
                // `violation(NAME)`: the model's invariant NAME, by its index among them
                let inv = match args.as_slice() {
                    [
                        Expr {
                            kind: ExprKind::Var(n),
                            ..
                        },
                    ] => self.ctx.table.invariants.iter().position(|d| d.name == *n),
                    _ => None,
                };
                let Some(i) = inv else {
                    return Err(Diag::at(
                        sp,
                        "`violation(NAME)` names an invariant the model declares",
                    )
                    .help("declare it with `invariant NAME \"what it says\" { cond }`"));
                };
                self.emit(Instr::Const(Value::Int(i as i64)), sp);
                let prim = Prim::by_name("violation").expect("a built-in");
                self.emit(Instr::Prim { prim, argc: 1 }, sp);
            }
            ExprKind::Call(name, args) => {
                if let Some(i) = self.local(name) {
                    // `cond_func(cpu, info)`: a call through a local holding a function
                    for a in args {
                        self.expr(a)?;
                    }
                    let argc = u8::try_from(args.len()).map_err(|_| {
                        Diag::at(sp, format!("a call passes at most {} arguments", u8::MAX))
                    })?;
                    self.emit(Instr::Load(i), sp);
                    self.emit(Instr::CallIndirect { argc }, sp);
                } else if let Some(&(id, arity)) = self.func_ids.get(name) {
                    if args.len() != arity {
                        return Err(Diag::at(
                            sp,
                            format!("`{name}` takes {arity} argument(s), {} given", args.len()),
                        ));
                    }
                    for a in args {
                        self.expr(a)?;
                    }
                    let argc = u8::try_from(args.len()).map_err(|_| {
                        Diag::at(sp, format!("a call passes at most {} arguments", u8::MAX))
                    })?;
                    self.emit(Instr::Call { func: id, argc }, sp);
                } else if let Some(p) = Prim::by_name(name) {
                    if args.len() != p.arity() {
                        return Err(Diag::at(
                            sp,
                            format!(
                                "primitive `{name}` takes {} argument(s), {} given",
                                p.arity(),
                                args.len()
                            ),
                        )
                        .help(format!("{name}: {}", p.doc())));
                    }
                    if self.user && matches!(p.class(), PrimClass::Shared | PrimClass::Local) {
                        return Err(Diag::at(
                            sp,
                            format!("a user program cannot call the kernel primitive `{name}`"),
                        )
                        .help("user programs access memory (`X = 1;`, `*X += 1;`, `let v = *X;`) and call kernel entry points such as mprotect()"));
                    }
                    for a in args {
                        self.expr(a)?;
                    }
                    let argc = u8::try_from(args.len()).map_err(|_| {
                        Diag::at(sp, format!("a call passes at most {} arguments", u8::MAX))
                    })?;
                    self.emit(Instr::Prim { prim: p, argc }, sp);
                } else {
                    let mut d = Diag::at(sp, format!("unknown function or primitive `{name}`"));
                    if let Some(s) = suggest(
                        name,
                        self.func_ids
                            .keys()
                            .map(|s| s.as_str())
                            .chain(Prim::all().map(|p| p.name())),
                    ) {
                        d = d.help(format!(
                            "did you mean `{s}`? (`mmcheck prims` lists the primitives)"
                        ));
                    } else {
                        d = d.help("`mmcheck prims` lists the built-in primitives");
                    }
                    return Err(d);
                }
            }
            ExprKind::Field(b, f) => {
                if let Some((w, kind)) = self.global_field(e)? {
                    let w = self.plain_word(e, w, kind)?;
                    self.emit(Instr::Const(Value::Word(w)), sp);
                    let prim = Prim::by_name("load_word").expect("a family row");
                    self.emit(Instr::Prim { prim, argc: 1 }, sp);
                    return Ok(());
                }
                self.expr(b)?;
                let id = self.ctx.field_id(f, sp)?;
                self.emit(Instr::GetField(id), sp);
            }
            ExprKind::AddrOf(a) => {
                if let ExprKind::Var(g) = &a.kind
                    && self.is_global(g)
                    && !self.user
                {
                    // `&g`: the object itself (a per-CPU variable's CPU 0 instance, which
                    // this_cpu_ptr() moves to the running CPU's)
                    let base = self.ctx.global(g).expect("checked").base;
                    self.emit(Instr::Const(Value::Obj(base)), sp);
                } else if self.elem_addr(a)? {
                } else if let Some((w, _)) = self.global_field(a)? {
                    self.emit(Instr::Const(Value::Word(w)), sp);
                } else if let ExprKind::Field(b, f) = &a.kind
                    && !self.user
                    && self
                        .ctx
                        .memory
                        .structs
                        .iter()
                        .any(|s| s.fields.iter().any(|(n, _)| n == f))
                {
                    // `&page->field`: a word of a page's or an mm's object, found at run time
                    self.expr(b)?;
                    let id = self.ctx.field_id(f, sp)?;
                    self.emit(Instr::FieldAddr(id), sp);
                } else {
                    let slot = self.addressable_local(a, sp)?;
                    self.emit(Instr::AddrLocal(slot), sp);
                }
            }
            ExprKind::Unary(op, a) => {
                if *op != ast::UnOp::Not {
                    no_pointer_arithmetic(a)?;
                }
                self.expr(a)?;
                let op = match op {
                    ast::UnOp::Not => UnOp::Not,
                    ast::UnOp::Neg => UnOp::Neg,
                    ast::UnOp::BitNot => UnOp::BitNot,
                };
                self.emit(Instr::Unary(op), sp);
            }
            ExprKind::Binary(op, a, b) => {
                if matches!(op, ast::BinOp::And | ast::BinOp::Or) {
                    self.expr(a)?;
                    let j = if *op == ast::BinOp::And {
                        self.emit(Instr::JumpIfFalseKeep(0), sp)
                    } else {
                        self.emit(Instr::JumpIfTrueKeep(0), sp)
                    };
                    self.emit(Instr::Pop, sp);
                    self.expr(b)?;
                    let end = self.code.len();
                    self.patch(j, end);
                    return Ok(());
                }
                if !matches!(op, ast::BinOp::Eq | ast::BinOp::Ne) {
                    no_pointer_arithmetic(a)?;
                    no_pointer_arithmetic(b)?;
                }
                self.expr(a)?;
                self.expr(b)?;
                let op = match op {
                    ast::BinOp::BitOr => BinOp::BitOr,
                    ast::BinOp::BitXor => BinOp::BitXor,
                    ast::BinOp::BitAnd => BinOp::BitAnd,
                    ast::BinOp::Eq => BinOp::Eq,
                    ast::BinOp::Ne => BinOp::Ne,
                    ast::BinOp::Lt => BinOp::Lt,
                    ast::BinOp::Le => BinOp::Le,
                    ast::BinOp::Gt => BinOp::Gt,
                    ast::BinOp::Ge => BinOp::Ge,
                    ast::BinOp::Shl => BinOp::Shl,
                    ast::BinOp::Shr => BinOp::Shr,
                    ast::BinOp::Add => BinOp::Add,
                    ast::BinOp::Sub => BinOp::Sub,
                    ast::BinOp::Mul => BinOp::Mul,
                    ast::BinOp::Div => BinOp::Div,
                    ast::BinOp::Rem => BinOp::Rem,
                    ast::BinOp::And | ast::BinOp::Or => unreachable!("handled above"),
                };
                self.emit(Instr::Binary(op), sp);
            }
            ExprKind::Deref(a) => {
                self.expr(a)?;
                self.emit(Instr::Deref, sp);
            }
            ExprKind::StructLit(name, fields) => {
                if self.user {
                    return Err(Diag::at(sp, "user programs cannot build kernel structs"));
                }
                // ctx.structs follows table.structs, index for index.
                let Some(&sid) = self.ctx.table.struct_at.get(name) else {
                    return Err(Diag::at(sp, format!("unknown struct `{name}`")));
                };
                let id = u16::try_from(sid).map_err(|_| {
                    Diag::at(sp, format!("more than {} structs", u32::from(u16::MAX) + 1))
                })?;
                self.emit(Instr::NewRecord(id), sp);
                for (f, v) in fields {
                    let fid = self.ctx.field_id(f, v.span)?;
                    if !self.ctx.structs[sid].fields.contains(&fid) {
                        return Err(Diag::at(
                            v.span,
                            format!("struct `{name}` has no field `{f}`"),
                        ));
                    }
                    self.emit(Instr::Dup, sp);
                    self.expr(v)?;
                    self.emit(Instr::SetField(fid), sp);
                }
            }
        }
        Ok(())
    }

    fn block(&mut self, b: &Block) -> Result<(), Diag> {
        for s in b {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &ast::Stmt) -> Result<(), Diag> {
        let sp = s.span;
        match &s.kind {
            StmtKind::Let(name, init) => {
                let shared = match init {
                    Some(e) => self.stmt_shared(e)?,
                    None => false,
                };
                self.emit(Instr::Stmt { shared }, sp);
                match init {
                    Some(e) => self.expr(e)?,
                    None => {
                        self.emit(Instr::Const(Value::Null), sp);
                    }
                }
                if self.ctx.vmas.contains_key(name) && self.user {
                    return Err(Diag::at(
                        sp,
                        format!("`{name}` is a VMA of this test; pick another variable name"),
                    ));
                }
                let slot = self.declare(name, sp)?;
                self.emit(Instr::Store(slot), sp);
            }
            StmtKind::Assign(lhs, op, rhs) => self.assign(lhs, *op, rhs, sp)?,
            StmtKind::If(cond, then, els) => {
                let shared = self.stmt_shared(cond)?;
                self.emit(Instr::Stmt { shared }, cond.span);
                self.expr(cond)?;
                let jf = self.emit(Instr::JumpIfFalse(0), cond.span);
                self.block(then)?;
                if let Some(els) = els {
                    let j = self.emit(Instr::Jump(0), sp);
                    let here = self.code.len();
                    self.patch(jf, here);
                    self.block(els)?;
                    let end = self.code.len();
                    self.patch(j, end);
                } else {
                    let here = self.code.len();
                    self.patch(jf, here);
                }
            }
            StmtKind::While(cond, body) => {
                let top = self.code.len();
                let shared = self.stmt_shared(cond)?;
                self.emit(Instr::Stmt { shared }, cond.span);
                self.expr(cond)?;
                let jf = self.emit(Instr::JumpIfFalse(0), cond.span);
                self.loops.push((top, Vec::new()));
                let depth = self.atomic_depth;
                self.atomic_depth = 0;
                self.block(body)?;
                self.atomic_depth = depth;
                self.emit(Instr::Jump(jump_target(top)), sp);
                let end = self.code.len();
                self.patch(jf, end);
                let (_, breaks) = self.loops.pop().unwrap_or_default();
                for b in breaks {
                    self.patch(b, end);
                }
            }
            StmtKind::Return(e) => {
                if self.atomic_depth > 0 {
                    return Err(Diag::at(sp, "`return` inside `atomic { }` is not allowed"));
                }
                if let Some(Expr {
                    kind: ExprKind::AddrOf(a),
                    span,
                }) = e
                    && let ExprKind::Var(n) = &a.kind
                    && self.local(n).is_some()
                {
                    return Err(Diag::at(
                        *span,
                        format!(
                            "returns a pointer to its own local `{n}`, which ends with the call"
                        ),
                    )
                    .help(
                        "return the value, or let the caller pass a pointer to its own variable",
                    ));
                }
                let shared = match e {
                    Some(e) => self.stmt_shared(e)?,
                    None => false,
                };
                self.emit(Instr::Stmt { shared }, sp);
                match e {
                    Some(e) => self.expr(e)?,
                    None => {
                        self.emit(Instr::Const(Value::Null), sp);
                    }
                }
                self.emit(Instr::Return, sp);
            }
            StmtKind::Break | StmtKind::Continue => {
                if self.atomic_depth > 0 {
                    return Err(Diag::at(
                        sp,
                        "`break`/`continue` cannot leave an `atomic { }` block",
                    ));
                }
                let is_break = matches!(s.kind, StmtKind::Break);
                let Some((top, _)) = self.loops.last() else {
                    return Err(Diag::at(sp, "`break`/`continue` outside a loop"));
                };
                let top = *top;
                self.emit(Instr::Stmt { shared: false }, sp);
                if is_break {
                    let j = self.emit(Instr::Jump(0), sp);
                    if let Some(l) = self.loops.last_mut() {
                        l.1.push(j);
                    }
                } else {
                    self.emit(Instr::Jump(jump_target(top)), sp);
                }
            }
            StmtKind::Atomic(b) => {
                if self.atomic_nesting >= MAX_ATOMIC_NESTING {
                    return Err(Diag::at(
                        sp,
                        format!("`atomic {{ }}` blocks nested more than {MAX_ATOMIC_NESTING} deep"),
                    ));
                }
                // A block is a step of its own: the statement start lets the interpreter
                // end the step before it (see `Instr::AtomicBegin` in the machine).
                self.emit(Instr::Stmt { shared: true }, sp);
                self.emit(Instr::AtomicBegin, sp);
                self.atomic_depth += 1;
                self.atomic_nesting += 1;
                self.block(b)?;
                self.atomic_nesting -= 1;
                self.atomic_depth -= 1;
                self.emit(Instr::AtomicEnd, sp);
            }
            StmtKind::Expr(e) => {
                let shared = self.stmt_shared(e)?;
                self.emit(Instr::Stmt { shared }, sp);
                self.expr(e)?;
                self.emit(Instr::Pop, sp);
            }
        }
        Ok(())
    }

    fn assign(&mut self, lhs: &Expr, op: ast::AssignOp, rhs: &Expr, sp: Span) -> Result<(), Diag> {
        let binop = match op {
            ast::AssignOp::Set => None,
            ast::AssignOp::Add => Some(BinOp::Add),
            ast::AssignOp::Sub => Some(BinOp::Sub),
            ast::AssignOp::Or => Some(BinOp::BitOr),
            ast::AssignOp::And => Some(BinOp::BitAnd),
        };
        // User memory: `X = v`, `X[1] += v`, `*addr = v`.
        let user_addr = if self.user {
            match &lhs.kind {
                ExprKind::Deref(a) => Some(a.as_ref().clone()),
                _ => self.vma_address(lhs)?.map(|a| Expr {
                    kind: ExprKind::Int(a),
                    span: lhs.span,
                }),
            }
        } else {
            None
        };
        if let Some(addr) = user_addr {
            let uop = match op {
                ast::AssignOp::Set => UserOp::Store,
                ast::AssignOp::Add => UserOp::Add,
                _ => {
                    return Err(Diag::at(
                        sp,
                        "user memory supports `=` (store) and `+=` (atomic add)",
                    ));
                }
            };
            self.emit(Instr::Stmt { shared: true }, sp);
            self.expr(&addr)?;
            self.expr(rhs)?;
            self.emit(Instr::User(uop), sp);
            return Ok(());
        }
        if let Some((w, kind)) = self.global_field(lhs)? {
            let w = self.plain_word(lhs, w, kind)?;
            if binop.is_some() {
                return Err(Diag::at(
                    sp,
                    "`op=` on a shared field would be one atomic step, which C does not give",
                )
                .help("write the load and the store apart (`let v = g.f; g.f = v + 1;`), or make the field an atomic_t"));
            }
            self.stmt_shared(rhs)?;
            self.emit(Instr::Stmt { shared: true }, sp);
            self.emit(Instr::Const(Value::Word(w)), sp);
            self.expr(rhs)?;
            let prim = Prim::by_name("store_word").expect("a family row");
            self.emit(Instr::Prim { prim, argc: 2 }, sp);
            self.emit(Instr::Pop, sp);
            return Ok(());
        }
        match &lhs.kind {
            ExprKind::Var(n) => {
                let Some(slot) = self.local(n) else {
                    return Err(Diag::at(
                        lhs.span,
                        format!("assignment to undeclared variable `{n}`"),
                    )
                    .help(format!("declare it first: `let {n} = ...;`")));
                };
                let shared = self.stmt_shared(rhs)?;
                self.emit(Instr::Stmt { shared }, sp);
                if let Some(b) = binop {
                    self.emit(Instr::Load(slot), sp);
                    self.expr(rhs)?;
                    self.emit(Instr::Binary(b), sp);
                } else {
                    self.expr(rhs)?;
                }
                self.emit(Instr::Store(slot), sp);
            }
            ExprKind::Field(base, f) => {
                // May write a VMA field (shared); records are thread-local.
                self.emit(Instr::Stmt { shared: true }, sp);
                let fid = self.ctx.field_id(f, sp)?;
                self.expr(base)?;
                if let Some(b) = binop {
                    self.emit(Instr::Dup, sp);
                    self.emit(Instr::GetField(fid), sp);
                    self.expr(rhs)?;
                    self.emit(Instr::Binary(b), sp);
                } else {
                    self.expr(rhs)?;
                }
                self.emit(Instr::SetField(fid), sp);
            }
            ExprKind::Index(..) if !self.user => {
                if binop.is_some() {
                    return Err(Diag::at(
                        sp,
                        "`op=` on a shared field would be one atomic step, which C does not give",
                    ));
                }
                self.emit(Instr::Stmt { shared: true }, sp);
                if !self.elem_addr(lhs)? {
                    return Err(Diag::at(lhs.span, "cannot assign to this expression"));
                }
                self.expr(rhs)?;
                let prim = Prim::by_name("store_word").expect("a family row");
                self.emit(Instr::Prim { prim, argc: 2 }, sp);
                self.emit(Instr::Pop, sp);
            }
            ExprKind::Deref(ptr) => {
                // A write through a pointer to a local (`*need_flush = true`); any other
                // pointer is refused when the write runs (a PTE is written with
                // set_pte_at(), a global's field as `obj.field = v`).
                let shared = self.stmt_shared(lhs)? | self.stmt_shared(rhs)?;
                self.emit(Instr::Stmt { shared }, sp);
                self.expr(ptr)?;
                if let Some(b) = binop {
                    self.emit(Instr::Dup, sp);
                    self.emit(Instr::Deref, sp);
                    self.expr(rhs)?;
                    self.emit(Instr::Binary(b), sp);
                } else {
                    self.expr(rhs)?;
                }
                self.emit(Instr::StoreDeref, sp);
            }
            _ => return Err(Diag::at(lhs.span, "cannot assign to this expression")),
        }
        Ok(())
    }
}

fn suggest<'a>(name: &str, cands: impl Iterator<Item = &'a str>) -> Option<String> {
    if name.len() > super::source::MAX_WORD_IN_MESSAGE {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in cands {
        let d = edit_distance(name, c);
        if d <= 2.max(name.len() / 4) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The invariants `set` names, in `machine::INVARIANTS` order, `default` standing for
/// `dflt`; model_error is always among them.
fn invariant_set(
    set: &ast::InvariantSet,
    dflt: &[&'static str],
    all: &[&'static str],
) -> Result<Vec<&'static str>, Diag> {
    let all: Vec<&'static str> = all.to_vec();
    let lookup = |n: &str, sp: Span| -> Result<&'static str, Diag> {
        if let Some(k) = all.iter().find(|k| **k == n) {
            return Ok(k);
        }
        let list = format!("invariants: {}", all.join(", "));
        Err(Diag::at(sp, format!("unknown invariant `{n}`")).help(
            match suggest(n, all.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? ({list})"),
                None => list,
            },
        ))
    };
    let mut chosen: Vec<&'static str> = match &set.base {
        ast::InvariantBase::All => all.clone(),
        ast::InvariantBase::Default => dflt.to_vec(),
        ast::InvariantBase::Names(ns) => ns
            .iter()
            .map(|(n, sp)| lookup(n, *sp))
            .collect::<Result<_, _>>()?,
    };
    for (add, n, sp) in &set.edits {
        let k = lookup(n, *sp)?;
        if *add {
            chosen.push(k);
        } else if k == "model_error" {
            return Err(Diag::at(*sp, "model_error is always checked")
                .help("a model that goes wrong at run time is an error, never a verdict"));
        } else {
            chosen.retain(|c| *c != k);
        }
    }
    chosen.push("model_error");
    Ok(all.into_iter().filter(|k| chosen.contains(k)).collect())
}

/// Words of declared objects in one test (`Value::Word` has 32 bits; this keeps states
/// small).
const MAX_WORDS: usize = 4096;

/// Lays the globals out in flat memory, one word per field, in declaration order.
fn layout(table: &FuncTable) -> Result<Memory, Diag> {
    let mut mem = Memory::default();
    for (name, source, fields, span) in &table.obj_structs {
        if name == "kmem_cache" {
            // the machine lays out each cache's own words (`kmem_cache NAME: STRUCT[N]`)
            return Err(Diag::at(
                *span,
                "`struct kmem_cache` is the machine's: a slab cache is declared `kmem_cache NAME: STRUCT[N];`",
            ));
        }
        if fields.len() > MAX_STRUCT_FIELDS {
            return Err(Diag::at(
                *span,
                format!("struct `{name}` has more than {MAX_STRUCT_FIELDS} fields"),
            ));
        }
        let mut fs: Vec<(String, WordKind)> = Vec::new();
        for f in fields {
            if fs.iter().any(|(n, _)| *n == f.name) {
                return Err(Diag::at(
                    f.span,
                    format!("struct `{name}` declares field `{}` twice", f.name),
                ));
            }
            let Some(kind) = WordKind::by_name(&f.ty) else {
                let names: Vec<&str> = WordKind::ALL.iter().map(|(_, n)| *n).collect();
                return Err(
                    Diag::at(f.ty_span, format!("unknown field type `{}`", f.ty))
                        .help(format!("field types: {}", names.join(", "))),
                );
            };
            if f.init != 0 && !matches!(kind, WordKind::Int | WordKind::Bits | WordKind::Atomic) {
                return Err(Diag::at(
                    f.span,
                    format!("a {} starts unlocked: it takes no initial value", f.ty),
                ));
            }
            if f.init != 0 && i32::try_from(f.init).is_err() && kind == WordKind::Atomic {
                return Err(Diag::at(
                    f.span,
                    "an atomic_t's initial value must fit a C int",
                ));
            }
            if f.stable
                && !matches!(
                    kind,
                    WordKind::Int | WordKind::Bits | WordKind::Handle | WordKind::Pgprot
                )
            {
                return Err(Diag::at(
                    f.span,
                    "only an int or bits field can be `stable` (read without a step)",
                ));
            }
            if let Some((first, via, lsp)) = &f.guarded_by {
                // the sibling lock, or the sibling handle the lock is reached through
                let sib = fields
                    .iter()
                    .find(|g| g.name == *first)
                    .and_then(|g| WordKind::by_name(&g.ty));
                let ok = match via {
                    None => matches!(sib, Some(WordKind::Spinlock | WordKind::Rwsem)),
                    Some(_) => sib == Some(WordKind::Handle),
                };
                if !ok {
                    let what = match via {
                        None => format!(
                            "`guarded_by {first}`: {first} must be a spinlock_t or rw_semaphore field of `{name}`"
                        ),
                        Some(l) => format!(
                            "`guarded_by {first}->{l}`: {first} must be a handle field of `{name}`"
                        ),
                    };
                    return Err(Diag::at(
                        *lsp,
                        format!("{what} (and the guarded field a single word)"),
                    ));
                }
                if !matches!(
                    kind,
                    WordKind::Int | WordKind::Bits | WordKind::Handle | WordKind::Pgprot
                ) || f.stable
                {
                    return Err(Diag::at(
                        f.span,
                        "only an int, bits or handle field that is not `stable` can be `guarded_by` a lock",
                    ));
                }
            }
            if f.refcount && kind != WordKind::Atomic {
                return Err(Diag::at(f.span, "only an atomic_t can be a `refcount`"));
            }
            fs.push((f.name.clone(), kind));
        }
        let lens: Vec<u32> = fields.iter().map(|f| f.len).collect();
        let offsets: Vec<u32> = lens
            .iter()
            .scan(0u32, |at, &n| {
                let o = *at;
                *at += n;
                Some(o)
            })
            .collect();
        mem.structs.push(ObjStruct {
            name: name.clone(),
            source: source.clone(),
            fields: fs,
            size: lens.iter().sum(),
            offsets,
            lens,
            init: fields.iter().map(|f| f.init).collect(),
            stable: fields.iter().map(|f| f.stable).collect(),
            refcount: fields.iter().map(|f| f.refcount).collect(),
            guard: fields
                .iter()
                .map(|f| {
                    let (first, via, _) = f.guarded_by.as_ref()?;
                    let i = fields.iter().position(|g| g.name == *first)? as u16;
                    Some(crate::ir::Guard {
                        field: i,
                        lock: via.clone(),
                    })
                })
                .collect(),
            field_ids: Vec::new(),
            type_spans: fields.iter().map(|f| f.ty_span).collect(),
        });
    }
    // per-CPU variables are laid out once the CPUs are known (`per_handle_objects`)
    for (name, strukt, ssp, gsp, per_cpu, cache) in table.globals.iter() {
        let gi = mem.globals.len();
        let Some(&sid) = table.obj_at.get(strukt) else {
            let mut d = Diag::at(*ssp, format!("unknown object type `{strukt}`"));
            if table.struct_at.contains_key(strukt) {
                d = d.help(format!("`{strukt}` is a thread-local record (untyped fields); a global needs typed fields, e.g. `count: atomic_t;`"));
            }
            return Err(d);
        };
        let n = mem.structs[sid].size as usize;
        if mem.words.len() + n > MAX_WORDS {
            return Err(Diag::at(
                *gsp,
                format!("the globals need more than {MAX_WORDS} words"),
            ));
        }
        let (Ok(g), Ok(s)) = (u16::try_from(gi), u16::try_from(sid)) else {
            return Err(Diag::at(*gsp, "too many globals"));
        };
        if *per_cpu {
            mem.globals.push(Global {
                name: name.clone(),
                strukt: s,
                base: u32::MAX,
                per_cpu: true,
            });
            continue;
        }
        if let Some(n) = *cache {
            // the cache itself: the objects in use (bit i: object i), the objects
            // kfree_rcu() queued (bit i), and for each of those the CPUs whose read
            // sections it waits for (byte i; `family/alloc.rs`)
            // (a declared struct cannot take the name: `layout` refuses it)
            let cs = match mem.structs.iter().position(|x| x.name == "kmem_cache") {
                Some(i) => i,
                None => {
                    let fields = ["objects_in_use", "rcu_pending", "rcu_waits"];
                    let n = fields.len();
                    mem.structs.push(ObjStruct {
                        name: "kmem_cache".into(),
                        source: Some(
                            "mm/slab.h:struct kmem_cache (objects in use, frees waiting for a grace period)"
                                .into(),
                        ),
                        fields: fields
                            .iter()
                            .map(|f| (f.to_string(), WordKind::Bits))
                            .collect(),
                        offsets: (0..n as u32).collect(),
                        lens: vec![1; n],
                        size: n as u32,
                        init: vec![0; n],
                        stable: vec![false; n],
                        refcount: vec![false; n],
                        guard: vec![None; n],
                        type_spans: vec![*gsp; n],
                        field_ids: Vec::new(),
                    });
                    mem.structs.len() - 1
                }
            };
            let cache_words = mem.structs[cs].size as usize;
            let total = cache_words + n as usize * mem.structs[sid].size as usize;
            if mem.words.len() + total > MAX_WORDS {
                return Err(Diag::at(
                    *gsp,
                    format!("the globals need more than {MAX_WORDS} words"),
                ));
            }
            mem.globals.push(Global {
                name: name.clone(),
                strukt: cs as u16,
                base: mem.words.len() as u32,
                per_cpu: false,
            });
            let first = mem.words.len() as u32;
            mem.words
                .extend((0..cache_words as u16).map(|f| (crate::ir::Owner::Global(g), f)));
            let slots = mem.globals.len();
            mem.caches.push((first, slots as u16));
            push_objects(&mut mem, name, s, slots as u16, n as usize);
            continue;
        }
        push_objects(&mut mem, name, s, g, 1);
    }
    Ok(mem)
}

/// Global number `g`, `count` objects of struct `s` in a row: its entry and their words.
fn push_objects(mem: &mut Memory, name: &str, s: u16, g: u16, count: usize) {
    mem.globals.push(Global {
        name: name.to_string(),
        strukt: s,
        base: mem.words.len() as u32,
        per_cpu: false,
    });
    let fields: Vec<u16> = mem.structs[s as usize].word_fields().collect();
    for _ in 0..count {
        mem.words
            .extend(fields.iter().map(|&f| (crate::ir::Owner::Global(g), f)));
    }
}

/// One `struct page` per frame (the zero page's last), one `struct mm_struct` per mm and
/// one `struct vm_area_struct` per VMA, after the globals, when the model tree declares
/// those structs.
fn per_handle_objects(
    mem: &mut Memory,
    frame_names: Vec<String>,
    vma_names: Vec<String>,
    mms: usize,
    cpus: usize,
    at: Span,
) -> Result<(), Diag> {
    use crate::ir::{Owner, PerHandle};
    // per-CPU variables: one instance per CPU, side by side
    for g in 0..mem.globals.len() {
        if !mem.globals[g].per_cpu {
            continue;
        }
        let sid = mem.globals[g].strukt as usize;
        let size = mem.structs[sid].size as usize;
        if mem.words.len() + size * cpus > MAX_WORDS {
            return Err(Diag::at(
                at,
                format!("the shared objects need more than {MAX_WORDS} words"),
            ));
        }
        mem.globals[g].base = mem.words.len() as u32;
        let fields: Vec<u16> = mem.structs[sid].word_fields().collect();
        for _ in 0..cpus {
            mem.words
                .extend(fields.iter().map(|&f| (Owner::Global(g as u16), f)));
        }
    }
    let find = |n: &str| mem.structs.iter().position(|s| s.name == n);
    for (name, count) in [
        ("page", frame_names.len()),
        ("mm_struct", mms),
        // (each mm past the first has room for a copy of every scenario VMA: vm_area_alloc())
        ("vm_area_struct", vma_names.len()),
    ] {
        let Some(sid) = find(name) else { continue };
        let stride = mem.structs[sid].size as usize;
        let fields: Vec<u16> = mem.structs[sid].word_fields().collect();
        if mem.words.len() + stride * count > MAX_WORDS {
            return Err(Diag::at(
                at,
                format!("the shared objects need more than {MAX_WORDS} words"),
            ));
        }
        let per = PerHandle {
            strukt: sid as u16,
            base: mem.words.len() as u32,
            count: count as u32,
            stride: stride as u32,
        };
        for i in 0..count {
            let owner = match name {
                "page" => Owner::Page(i as u16),
                "mm_struct" => Owner::Mm(i as u8),
                _ => Owner::Vma(i as u8),
            };
            mem.words.extend(fields.iter().map(|&f| (owner, f)));
        }
        match name {
            "page" => mem.page = Some(per),
            "mm_struct" => mem.mm = Some(per),
            _ => mem.vma = Some(per),
        }
    }
    mem.frame_names = frame_names;
    mem.vma_names = vma_names;
    mem.finish();
    Ok(())
}

const MAX_CPUS: i64 = 8;
const MAX_PAGES_PER_VMA: i64 = 16;
const MAX_FRAMES: i64 = 64;
/// The swap device's size at most (`swap_slots N;`).
const MAX_SWAP_SLOTS: i64 = 32;
/// Pages of all VMAs together: the model has one PTE table (one PTL), as one PMD on x86-64.
const MAX_SLOTS: usize = 512;
/// The highest user address, in pages: 64 PTE tables' worth (128 MiB).
const MAX_ADDRESS: i64 = 64 * crate::ir::PTRS_PER_PTE;
/// Address spaces a test may have (`mms N;`): TLBs, PMD entries and the lost-write ghost
/// grow with each.
const MAX_MMS: i64 = 8;
/// PTE-table frames a test may have in its pool.
const MAX_TABLES: i64 = 64;
/// VMA handles carry 8 bits.
const MAX_VMAS: usize = 256;
/// The machine state stores a frame's locals, operand stack and a record's fields with
/// 8-bit lengths, and the `atomic` nesting in 7 bits.
const MAX_LOCALS: usize = u8::MAX as usize;
const MAX_STACK: usize = u8::MAX as usize;
const MAX_STRUCT_FIELDS: usize = u8::MAX as usize;
const MAX_ATOMIC_NESTING: usize = 127;
/// A constant may be defined through at most this many others (keeps evaluation shallow).
const MAX_CONST_CHAIN: usize = super::parser::MAX_NESTING;

/// A jump target; function length is checked against `u32` once the function is built.
fn jump_target(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// Values an instruction pops from and pushes onto the operand stack.
fn stack_effect(i: Instr) -> (usize, usize) {
    match i {
        Instr::Stmt { .. }
        | Instr::Jump(_)
        | Instr::JumpIfFalseKeep(_)
        | Instr::JumpIfTrueKeep(_)
        | Instr::AtomicBegin
        | Instr::AtomicEnd => (0, 0),
        Instr::Const(_)
        | Instr::Load(_)
        | Instr::NewRecord(_)
        | Instr::Dup
        | Instr::AddrLocal(_) => (0, 1),
        Instr::Store(_) | Instr::Pop | Instr::Return | Instr::JumpIfFalse(_) => (1, 0),
        Instr::GetField(_) | Instr::FieldAddr(_) | Instr::Unary(_) | Instr::Deref => (1, 1),
        Instr::SetField(_) | Instr::User(_) | Instr::StoreDeref => (2, 0),
        Instr::Binary(_) | Instr::Elem => (2, 1),
        Instr::Call { argc, .. } | Instr::Prim { argc, .. } => (usize::from(argc), 1),
        Instr::CallIndirect { argc } => (usize::from(argc) + 1, 1),
    }
}

/// Lowers one test block (with the functions visible to it) to a program.
pub fn compile_test(
    t: &TestDecl,
    kernel: String,
    table: &FuncTable,
    map: &SourceMap,
) -> Result<Program, Diag> {
    let mut ctx = Ctx {
        table,
        consts: HashMap::new(),
        fields: Vec::new(),
        field_at: HashMap::new(),
        structs: Vec::new(),
        vmas: HashMap::new(),
        mms: 1,
        pages: HashMap::new(),
        memory: layout(table)?,
    };
    for i in 0..ctx.memory.structs.len() {
        // (a synthesized struct, the kmem_cache, has no declaration: the test's span)
        let sp = table.obj_structs.get(i).map_or(t.span, |d| d.3);
        let ids = ctx.memory.structs[i]
            .fields
            .clone()
            .iter()
            .map(|(n, _)| ctx.field_id(n, sp))
            .collect::<Result<Vec<_>, _>>()?;
        ctx.memory.structs[i].field_ids = ids;
    }
    for (name, e) in &table.consts {
        let v = ctx.const_eval(e, &mut vec![name.clone()])?;
        ctx.consts.insert(name.clone(), v);
    }
    for (name, fields, span) in &table.structs {
        if fields.len() > MAX_STRUCT_FIELDS {
            return Err(Diag::at(
                *span,
                format!(
                    "struct `{name}` has {} fields; at most {MAX_STRUCT_FIELDS} are supported",
                    fields.len()
                ),
            ));
        }
        let mut ids = Vec::with_capacity(fields.len());
        for (f, fsp) in fields {
            let id = ctx.field_id(f, *fsp)?;
            if ids.contains(&id) {
                return Err(Diag::at(
                    *fsp,
                    format!("struct `{name}` declares field `{f}` twice"),
                ));
            }
            ids.push(id);
        }
        ctx.structs.push(StructDef {
            name: name.clone(),
            fields: ids,
        });
    }

    // ---- scenario ----
    let mut cpus: Option<(i64, Span)> = None;
    let mut frames: Option<(i64, Span)> = None;
    let mut tables: Option<(i64, Span)> = None;
    let mut mms: Option<(i64, Span)> = None;
    // every `mmN` a PTE, a TLB entry or a CPU names, and the CPUs that run in one
    let mut mm_uses: Vec<Option<(i64, Span)>> = Vec::new();
    let mut cpu_mm_decl: Vec<(i64, i64)> = Vec::new();
    let mut vmas: Vec<VmaSpec> = Vec::new();
    let mut slots = 0usize;
    let mut pages: Vec<PageSpec> = Vec::new();
    let mut swaps: Vec<crate::ir::SwapSpec> = Vec::new();
    let mut swap_slots: Option<(i64, Span)> = None;
    let mut ptes = Vec::new();
    let mut none_pmds = Vec::new();
    let mut tlbs = Vec::new();
    let mut knobs = Knobs::default();
    let mut programs: Vec<(i64, Block, Span)> = Vec::new();
    let mut expect: Vec<Expect> = Vec::new();
    let mut expect_span = t.span;
    let all_invariants = table.all_invariants();
    let mut dflt: Vec<&'static str> = all_invariants.clone();
    for set in &table.invariant_defaults {
        dflt = invariant_set(set, &dflt, &all_invariants)?;
    }
    let mut invariants: Option<Vec<&'static str>> = None;
    let mut expected_names: Vec<(String, Span)> = Vec::new();
    let lookup_target = |vmas: &Vec<VmaSpec>, tg: &ast::Target| -> Result<usize, Diag> {
        let v = vmas.iter().find(|v| v.name == tg.vma).ok_or_else(|| {
            Diag::at(tg.span, format!("unknown VMA `{}`", tg.vma))
                .help("declare it first: `vma X: anon private read write;`")
        })?;
        if tg.index < 0 || tg.index as usize >= v.pages {
            return Err(Diag::at(
                tg.span,
                format!(
                    "page index {} is outside VMA `{}` ({} page(s))",
                    tg.index, v.name, v.pages
                ),
            ));
        }
        Ok(v.first_slot + tg.index as usize)
    };
    let lookup_page = |pages: &Vec<PageSpec>, (n, sp): &(String, Span)| -> Result<usize, Diag> {
        if n == "zero" {
            // the shared zero page: what a read fault maps (a special PTE)
            return Ok(crate::ir::ZERO_PAGE_SPEC);
        }
        pages.iter().position(|p| &p.name == n).ok_or_else(|| {
            Diag::at(*sp, format!("unknown page `{n}`")).help("declare it first: `page P = 7;`")
        })
    };
    // Clauses that say one thing about the whole test may appear once.
    let mut kernel_at: Option<Span> = None;
    let once = |first: Option<Span>, what: &str, at: Span| -> Result<(), Diag> {
        match first {
            Some(f) => {
                let (line, _) = map.line_col(f);
                Err(Diag::at(
                    at,
                    format!("a second `{what}` line in this test (the first is on line {line})"),
                )
                .help(format!("a test states `{what}` once")))
            }
            None => Ok(()),
        }
    };
    for item in &t.items {
        match item {
            TestItem::Kernel(_, sp) => {
                once(kernel_at, "kernel", *sp)?;
                kernel_at = Some(*sp);
            }
            TestItem::Import(..) => {}
            TestItem::Invariants(set, sp) => {
                if invariants.is_some() {
                    return Err(Diag::at(*sp, "this test already chose its invariants"));
                }
                invariants = Some(invariant_set(set, &dflt, &all_invariants)?);
            }
            TestItem::Cpus(n, sp) => {
                once(cpus.map(|c| c.1), "cpus", *sp)?;
                if !(1..=MAX_CPUS).contains(n) {
                    return Err(Diag::at(
                        *sp,
                        format!("cpus must be between 1 and {MAX_CPUS}, not {n}"),
                    ));
                }
                cpus = Some((*n, *sp));
            }
            TestItem::Mms(n, sp) => {
                once(mms.map(|f| f.1), "mms", *sp)?;
                if !(1..=MAX_MMS).contains(n) {
                    return Err(Diag::at(
                        *sp,
                        format!("mms must be between 1 and {MAX_MMS}, not {n}"),
                    ));
                }
                mms = Some((*n, *sp));
                ctx.mms = *n as usize;
            }
            TestItem::Tables(n, sp) => {
                once(tables.map(|f| f.1), "tables", *sp)?;
                if !(1..=MAX_TABLES).contains(n) {
                    return Err(Diag::at(
                        *sp,
                        format!("tables must be between 1 and {MAX_TABLES}, not {n}"),
                    ));
                }
                tables = Some((*n, *sp));
            }
            TestItem::SwapSlots(n, sp) => {
                once(swap_slots.map(|f| f.1), "swap_slots", *sp)?;
                if !(1..=MAX_SWAP_SLOTS).contains(n) {
                    return Err(Diag::at(
                        *sp,
                        format!("swap_slots must be between 1 and {MAX_SWAP_SLOTS}, not {n}"),
                    ));
                }
                swap_slots = Some((*n, *sp));
            }
            TestItem::Swap { name, value, span } => {
                if swaps.iter().any(|x| &x.name == name)
                    || pages.iter().any(|p| &p.name == name)
                    || ctx.vmas.contains_key(name)
                {
                    return Err(Diag::at(
                        *span,
                        format!("`{name}` is declared already: call the swap slot something else"),
                    ));
                }
                if swaps.len() as i64 >= MAX_SWAP_SLOTS {
                    return Err(Diag::at(
                        *span,
                        format!("a test declares at most {MAX_SWAP_SLOTS} swap slots"),
                    ));
                }
                swaps.push(crate::ir::SwapSpec {
                    name: name.clone(),
                    value: *value,
                    span: *span,
                });
            }
            TestItem::Frames(n, sp) => {
                once(frames.map(|f| f.1), "frames", *sp)?;
                if !(1..=MAX_FRAMES).contains(n) {
                    return Err(Diag::at(
                        *sp,
                        format!("frames must be between 1 and {MAX_FRAMES}, not {n}"),
                    ));
                }
                frames = Some((*n, *sp));
            }
            TestItem::Vma {
                name,
                pages: np,
                at,
                attrs,
                hole,
                mm,
                span,
            } => {
                if vmas.iter().any(|v| &v.name == name) || ctx.pages.contains_key(name) {
                    return Err(Diag::at(*span, format!("`{name}` is declared twice")));
                }
                if !(1..=MAX_PAGES_PER_VMA).contains(np) {
                    return Err(Diag::at(
                        *span,
                        format!("a VMA has 1 to {MAX_PAGES_PER_VMA} pages, not {np}"),
                    ));
                }
                if vmas.len() >= MAX_VMAS {
                    return Err(Diag::at(
                        *span,
                        format!("a test declares at most {MAX_VMAS} VMAs"),
                    ));
                }
                if slots + *np as usize > MAX_SLOTS {
                    return Err(Diag::at(
                        *span,
                        format!("this VMA takes the test past {MAX_SLOTS} pages in all its VMAs"),
                    ));
                }
                // its address: where `at` puts it, else right after the previous VMA
                let next_free = vmas.last().map_or(0, |v| v.start + v.pages as i64);
                let start = match at {
                    Some((a, asp)) => {
                        if !(0..=MAX_ADDRESS - *np).contains(a) {
                            return Err(Diag::at(
                                *asp,
                                format!(
                                    "a VMA's address is a page number from 0 to {MAX_ADDRESS} (its end included), not {a}"
                                ),
                            ));
                        }
                        if *a < next_free {
                            return Err(Diag::at(
                                *asp,
                                format!("VMA `{name}` at {a} overlaps or comes before the previous VMA, which ends at {next_free}"),
                            )
                            .help("declare VMAs in address order"));
                        }
                        *a
                    }
                    None => next_free,
                };
                if start + *np > MAX_ADDRESS {
                    return Err(Diag::at(
                        *span,
                        format!("this VMA ends past address {MAX_ADDRESS} (in pages)"),
                    ));
                }
                let mut flags = vm::VM_MAY_ALL;
                let mut anon = false;
                let mut shared = false;
                let mut private = false;
                let mut shared_at = *span;
                for (a, asp) in attrs {
                    match a.as_str() {
                        "anon" => anon = true,
                        "private" => private = true,
                        "shared" => {
                            shared = true;
                            flags |= vm::VM_SHARED;
                            shared_at = *asp;
                        }
                        "read" => flags |= vm::VM_READ,
                        "write" => flags |= vm::VM_WRITE,
                        "exec" => flags |= vm::VM_EXEC,
                        "uffd_wp" => flags |= vm::VM_UFFD_WP,
                        "uffd_missing" => flags |= vm::VM_UFFD_MISSING,
                        "softdirty" => flags |= vm::VM_SOFTDIRTY,
                        "locked" => flags |= vm::VM_LOCKED,
                        "growsdown" => flags |= vm::VM_GROWSDOWN,
                        "hugepage" => flags |= vm::VM_HUGEPAGE,
                        "nohugepage" => flags |= vm::VM_NOHUGEPAGE,
                        _ => {
                            return Err(Diag::at(*asp, format!("unknown VMA flag `{a}`")).help(
                                "VMA flags: anon private shared read write exec uffd_wp uffd_missing softdirty locked growsdown hugepage nohugepage",
                            ));
                        }
                    }
                }
                if shared && private {
                    return Err(Diag::at(
                        *span,
                        "a VMA cannot be both `shared` and `private`",
                    ));
                }
                if *hole {
                    // an address range with no VMA: only its place matters
                    anon = true;
                }
                if !anon {
                    return Err(Diag::at(*span, "only anonymous VMAs are modelled so far")
                        .help("add `anon`; file-backed mappings are not modelled yet"));
                }
                if shared {
                    // The machine copies every written page on write; a shared mapping
                    // would silently behave like a private one.
                    return Err(Diag::at(
                        shared_at,
                        "shared mappings are not modelled yet: only `private` VMAs",
                    )
                    .help("the model has no page cache or shmem, and would copy a shared page on write like a private one; write `anon private`"));
                }
                vmas.push(VmaSpec {
                    name: name.clone(),
                    start,
                    first_slot: slots,
                    pages: *np as usize,
                    flags: if *hole { 0 } else { flags },
                    anon,
                    mapped: !*hole,
                    only_mm: mm.map(|m| m.0.max(0) as usize),
                });
                mm_uses.push(*mm);
                ctx.vmas.insert(name.clone(), (start, *np));
                slots += *np as usize;
            }
            TestItem::Page {
                name,
                value,
                props,
                span,
            } => {
                if pages.iter().any(|p| &p.name == name) {
                    return Err(Diag::at(*span, format!("page `{name}` is declared twice")));
                }
                if ["zero", "none", "swap", "marker"].contains(&name.as_str()) {
                    return Err(Diag::at(
                        *span,
                        format!(
                            "`{name}` is reserved (`pte X -> zero`: the zero page; `pmd X -> none`: no PTE table; `pte X -> swap S`: a swap entry; `pte X -> marker`: a PTE marker): call the page something else"
                        ),
                    ));
                }
                if swaps.iter().any(|x| &x.name == name) {
                    return Err(Diag::at(
                        *span,
                        format!("`{name}` names a swap slot too: call the page something else"),
                    ));
                }
                if pages.len() >= MAX_FRAMES as usize {
                    return Err(Diag::at(
                        *span,
                        format!("a test declares at most {MAX_FRAMES} pages"),
                    ));
                }
                let mut extra = 0;
                let mut exclusive = false;
                for (k, v, ksp) in props {
                    match k.as_str() {
                        "exclusive" if (0..=1).contains(v) => exclusive = *v == 1,
                        "exclusive" => {
                            return Err(Diag::at(*ksp, format!("exclusive is 0 or 1, not {v}")));
                        }
                        "extra_refs" if (0..=8).contains(v) => extra = *v,
                        "extra_refs" => {
                            return Err(Diag::at(
                                *ksp,
                                format!("extra_refs must be 0..=8, not {v}"),
                            ));
                        }
                        _ => {
                            return Err(Diag::at(*ksp, format!("unknown page property `{k}`"))
                                .help("page properties: extra_refs"));
                        }
                    }
                }
                if ctx.vmas.contains_key(name) {
                    return Err(Diag::at(
                        *span,
                        format!("`{name}` names a VMA too: call the page something else"),
                    ));
                }
                ctx.pages.insert(name.clone(), pages.len() as u16);
                pages.push(PageSpec {
                    name: name.clone(),
                    value: *value,
                    extra_refs: extra,
                    exclusive,
                    span: *span,
                });
            }
            TestItem::Pte {
                target,
                kind: Some((kind, _)),
                page,
                flags,
                span,
                ..
            } => {
                let slot = lookup_target(&vmas, target)?;
                let mm = target.mm.map_or(0, |m| m.0.max(0) as usize);
                if ptes.iter().any(|p: &PteSpec| p.slot == slot && p.mm == mm) {
                    return Err(Diag::at(*span, "this PTE is already set"));
                }
                let entry = if kind == "swap" {
                    let off = swaps.iter().position(|x| x.name == page.0).ok_or_else(|| {
                        Diag::at(page.1, format!("unknown swap slot `{}`", page.0))
                            .help("declare it first: `swap S = 7;`")
                    })?;
                    (crate::ir::value::SWP_SWAPFILE, off as u32 + 1)
                } else {
                    (crate::ir::value::SWP_PTE_MARKER, 0)
                };
                let (mut bits, mut marker) = (0, 0);
                for (f, fsp) in flags {
                    match (kind.as_str(), f.as_str()) {
                        ("swap", "soft_dirty") => bits |= pte_bits::SOFT_DIRTY,
                        ("swap", "uffd_wp") => bits |= pte_bits::UFFD_WP,
                        ("marker", "uffd_wp") => marker |= crate::ir::value::PTE_MARKER_UFFD_WP,
                        ("marker", "poisoned") => marker |= crate::ir::value::PTE_MARKER_POISONED,
                        ("marker", "guard") => marker |= crate::ir::value::PTE_MARKER_GUARD,
                        _ => {
                            return Err(Diag::at(*fsp, format!("unknown {kind} entry flag `{f}`"))
                                .help(if kind == "swap" {
                                    "swap entry flags: soft_dirty uffd_wp"
                                } else {
                                    "marker bits: uffd_wp poisoned guard"
                                }));
                        }
                    }
                }
                let entry = if kind == "marker" {
                    if marker == 0 {
                        return Err(Diag::at(
                            *span,
                            "a PTE marker has at least one bit: `pte X -> marker { uffd_wp };`",
                        ));
                    }
                    (entry.0, marker)
                } else {
                    entry
                };
                mm_uses.push(target.mm);
                ptes.push(PteSpec {
                    mm,
                    slot,
                    page: crate::ir::NO_PAGE_SPEC,
                    bits,
                    entry: Some(entry),
                    huge: false,
                    span: *span,
                });
            }
            TestItem::Pte {
                target,
                page,
                flags,
                huge,
                span,
                ..
            } => {
                let slot = lookup_target(&vmas, target)?;
                let mm = target.mm.map_or(0, |m| m.0.max(0) as usize);
                if *huge && page.0 == "none" && !flags.is_empty() {
                    return Err(Diag::at(*span, "`pmd X -> none` takes no flags"));
                }
                if *huge && page.0 == "none" {
                    // the range starts with no PTE table: its PMD entry is none
                    if none_pmds.iter().any(|&(m, s, _)| m == mm && s == slot) {
                        return Err(Diag::at(*span, "this PMD entry is already set"));
                    }
                    mm_uses.push(target.mm);
                    none_pmds.push((mm, slot, *span));
                    continue;
                }
                let zero_at = page.1;
                let page = lookup_page(&pages, page)?;
                if ptes.iter().any(|p: &PteSpec| p.slot == slot && p.mm == mm) {
                    return Err(Diag::at(*span, "this PTE is already set"));
                }
                let mut bits = pte_bits::PRESENT | pte_bits::ACCESSED;
                if page == crate::ir::ZERO_PAGE_SPEC {
                    if *huge {
                        return Err(Diag::at(
                            zero_at,
                            "the huge zero page is not modelled: `pmd X -> zero` has no meaning here",
                        ));
                    }
                    if let Some((_, fsp)) = flags.iter().find(|(f, _)| f == "write" || f == "dirty")
                    {
                        return Err(Diag::at(
                            *fsp,
                            "the zero page is mapped read-only and clean (do_anonymous_page(): a special PTE of vm_page_prot)",
                        ));
                    }
                    // pte_mkspecial(): vm_normal_page() finds no page to use behind it
                    bits |= pte_bits::SPECIAL;
                }
                let mut old = None;
                for (f, fsp) in flags {
                    bits |= match f.as_str() {
                        // no A bit: the hardware's next walk sets it (x86 caches only
                        // accessed translations, so no TLB entry may come with it)
                        "old" => {
                            old = Some(*fsp);
                            0
                        }
                        "write" => pte_bits::WRITE,
                        "dirty" => pte_bits::DIRTY,
                        "accessed" => pte_bits::ACCESSED,
                        "soft_dirty" => pte_bits::SOFT_DIRTY,
                        "uffd_wp" => pte_bits::UFFD_WP,
                        "protnone" => {
                            bits &= !pte_bits::PRESENT;
                            pte_bits::PROTNONE
                        }
                        _ => {
                            return Err(Diag::at(*fsp, format!("unknown PTE flag `{f}`")).help(
                                "PTE flags: write dirty accessed old soft_dirty uffd_wp protnone",
                            ));
                        }
                    };
                }
                if let Some(at) = old {
                    if flags.iter().any(|(f, _)| f == "accessed") {
                        return Err(Diag::at(at, "a PTE cannot be both `old` and `accessed`"));
                    }
                    bits &= !pte_bits::ACCESSED;
                }
                mm_uses.push(target.mm);
                ptes.push(PteSpec {
                    mm: target.mm.map_or(0, |m| m.0.max(0) as usize),
                    slot,
                    page,
                    bits,
                    entry: None,
                    huge: *huge,
                    span: *span,
                });
            }
            TestItem::Tlb {
                cpu,
                target,
                page,
                flags,
                span,
            } => {
                let slot = lookup_target(&vmas, target)?;
                if swaps.iter().any(|x| x.name == page.0) {
                    return Err(Diag::at(
                        page.1,
                        format!(
                            "`{}` is a swap slot: a TLB caches a page's translation, never a swap entry",
                            page.0
                        ),
                    ));
                }
                let pg = lookup_page(&pages, page)?;
                let (mut write, mut dirty) = (false, false);
                for (f, fsp) in flags {
                    match f.as_str() {
                        "write" => write = true,
                        "dirty" => dirty = true,
                        _ => {
                            return Err(Diag::at(*fsp, format!("unknown TLB flag `{f}`"))
                                .help("TLB flags: write dirty"));
                        }
                    }
                }
                if !(0..MAX_CPUS).contains(&cpu.0) {
                    return Err(Diag::at(
                        cpu.1,
                        format!("no such CPU: CPUs are cpu0 to cpu{}", MAX_CPUS - 1),
                    ));
                }
                mm_uses.push(target.mm);
                tlbs.push(TlbSpec {
                    cpu: cpu.0 as usize,
                    mm: target.mm.map_or(0, |m| m.0.max(0) as usize),
                    slot,
                    page: pg,
                    write,
                    dirty,
                    span: *span,
                });
            }
            TestItem::Knob(k, sp) => match k.as_str() {
                "tlb_evict" => knobs.tlb_evict = true,
                "tlb_speculative" => knobs.tlb_speculative = true,
                "tlb_broadcast" => knobs.tlb_broadcast = true,
                _ => {
                    return Err(Diag::at(*sp, format!("unknown knob `{k}`"))
                        .help("knobs: tlb_evict tlb_speculative tlb_broadcast"));
                }
            },
            TestItem::Cpu {
                cpu,
                mm,
                body,
                span,
            } => {
                mm_uses.push(*mm);
                if let Some((m, _)) = mm {
                    cpu_mm_decl.push((*cpu, *m));
                }
                if !(0..MAX_CPUS).contains(cpu) {
                    return Err(Diag::at(
                        *span,
                        format!(
                            "cpu{cpu}: a test has at most {MAX_CPUS} CPUs, cpu0 to cpu{}",
                            MAX_CPUS - 1
                        ),
                    ));
                }
                if programs.iter().any(|(c, _, _)| c == cpu) {
                    return Err(Diag::at(*span, format!("cpu{cpu} has two programs")));
                }
                programs.push((*cpu, body.clone(), *span));
            }
            TestItem::Expect(e, sp) => {
                let name = match e {
                    ast::Expectation::Safe => None,
                    ast::Expectation::Violation(n) | ast::Expectation::NoViolation(n) => Some(n),
                };
                if let Some(n) = name
                    && !all_invariants.iter().any(|k| k == n)
                {
                    let names: Vec<&str> = all_invariants.clone();
                    return Err(Diag::at(*sp, format!("unknown invariant `{n}`"))
                        .help(format!("invariants: {}", names.join(", "))));
                }
                if let Some(n) = name {
                    expected_names.push((n.clone(), *sp));
                }
                let new = match e {
                    ast::Expectation::Safe => Expect::Safe,
                    ast::Expectation::Violation(n) => Expect::Violation(n.clone()),
                    ast::Expectation::NoViolation(n) => Expect::NoViolation(n.clone()),
                };
                let clash = expect.iter().any(|old| match (old, &new) {
                    (Expect::Safe, _) | (_, Expect::Safe) => true,
                    (Expect::Violation(a), Expect::NoViolation(b))
                    | (Expect::NoViolation(a), Expect::Violation(b)) => a == b,
                    (a, b) => a == b,
                });
                if clash {
                    return Err(Diag::at(
                        *sp,
                        "this expectation repeats or contradicts an earlier one",
                    ));
                }
                expect.push(new);
                expect_span = *sp;
            }
        }
    }
    let invariants = invariants.unwrap_or(dflt);
    if let Some((n, sp)) = expected_names
        .iter()
        .find(|(n, _)| !invariants.contains(&n.as_str()))
    {
        return Err(Diag::at(*sp, format!("`{n}` is not checked in this test")).help(format!(
            "this test checks {}; add it to the test's set (e.g. `invariants: default + {n};`) or drop the expectation",
            invariants.join(", ")
        )));
    }
    let ncpus = match cpus {
        Some((n, _)) => n as usize,
        None => programs.iter().map(|(c, _, _)| *c + 1).max().unwrap_or(1) as usize,
    };
    for (c, _, sp) in &programs {
        if *c as usize >= ncpus {
            return Err(Diag::at(
                *sp,
                format!("cpu{c} does not exist: the test has {ncpus} CPU(s)"),
            ));
        }
    }
    for tl in &tlbs {
        if tl.cpu >= ncpus {
            return Err(Diag::at(
                tl.span,
                format!("cpu{} does not exist: the test has {ncpus} CPU(s)", tl.cpu),
            ));
        }
    }
    if vmas.is_empty() {
        return Err(Diag::at(t.span, "this test declares no VMA")
            .help("e.g. `vma X: anon private read write;`"));
    }
    let nframes = match frames {
        Some((n, sp)) => {
            if (n as usize) < pages.len() {
                return Err(Diag::at(
                    sp,
                    format!(
                        "frames {n} is fewer than the {} declared pages",
                        pages.len()
                    ),
                ));
            }
            n as usize
        }
        None => pages.len() + 2 * ncpus,
    };
    let names = (0..=nframes)
        .map(|f| match pages.get(f) {
            _ if f == nframes => "ZERO".to_string(),
            Some(p) => p.name.clone(),
            None => format!("N{}", f + 1 - pages.len()),
        })
        .collect();
    let nmms = mms.map_or(1, |m| m.0 as usize);
    if vmas.len() * nmms > MAX_VMAS {
        return Err(Diag::at(
            mms.map_or(t.span, |m| m.1),
            format!(
                "{} VMAs in each of {nmms} address spaces are more than the {MAX_VMAS} VMA objects a test may have",
                vmas.len()
            ),
        ));
    }
    let mut declared_mms = vec![false; nmms];
    declared_mms[0] = true;
    for (m, sp) in mm_uses.iter().flatten() {
        if !(0..nmms as i64).contains(m) {
            return Err(Diag::at(
                *sp,
                format!(
                    "no address space mm{m}: this test has {nmms} (`mms N;` gives more), mm0 to mm{}",
                    nmms - 1
                ),
            ));
        }
        declared_mms[*m as usize] = true;
    }
    let mut cpu_mm = vec![0u8; ncpus];
    for &(c, m) in &cpu_mm_decl {
        if let Some(x) = cpu_mm.get_mut(c as usize) {
            *x = m as u8;
        }
    }
    // each mm past the first has room for a copy of every scenario VMA (named as its copy),
    // and each mm room for two splits (munmap of a middle page) of each VMA of several pages
    let mut vma_names: Vec<String> = (0..nmms)
        .flat_map(|k| {
            vmas.iter().map(move |v| {
                if k == 0 {
                    v.name.clone()
                } else {
                    format!("mm{k}:{}", v.name)
                }
            })
        })
        .collect();
    let splittable = vmas.iter().filter(|v| v.mapped && v.pages > 1).count();
    vma_names.extend((0..2 * splittable * nmms).map(|i| format!("split{i}")));
    if vma_names.len() > MAX_VMAS {
        return Err(Diag::at(
            mms.map_or(t.span, |m| m.1),
            format!(
                "{} VMA objects (the scenario's in each of {nmms} address spaces, and two for splits of each VMA of several pages) are more than the {MAX_VMAS} a test may have",
                vma_names.len()
            ),
        ));
    }
    per_handle_objects(&mut ctx.memory, names, vma_names, nmms, ncpus, t.span)?;

    // ---- functions ----
    let mut func_ids: HashMap<String, (u16, usize)> = HashMap::new();
    let too_many = |at: Span| {
        Diag::at(
            at,
            format!(
                "more than {} functions (CPU programs included): function ids have 16 bits",
                u32::from(u16::MAX) + 1
            ),
        )
    };
    for (i, f) in table.funcs.iter().enumerate() {
        let id = u16::try_from(i).map_err(|_| too_many(f.name_span))?;
        func_ids.insert(f.name.clone(), (id, f.params.len()));
    }
    let mut funcs = Vec::new();
    for f in &table.funcs {
        funcs.push(compile_fn(
            &mut ctx,
            &func_ids,
            f.name.clone(),
            &f.params,
            &f.body,
            false,
            f.source.clone(),
            f.span,
        )?);
    }
    let mut progs = vec![None; ncpus];
    for (c, body, sp) in &programs {
        progs[*c as usize] = Some(u16::try_from(funcs.len()).map_err(|_| too_many(*sp))?);
        funcs.push(compile_fn(
            &mut ctx,
            &func_ids,
            format!("cpu{c}"),
            &[],
            body,
            true,
            None,
            *sp,
        )?);
    }
    let declared = table
        .invariants
        .iter()
        .filter(|d| invariants.contains(&intern(&d.name)))
        .map(|d| crate::ir::DeclaredInvariant {
            name: intern(&d.name),
            says: d.says.clone(),
            func: func_ids[&invariant_fn_name(&d.name)].0,
            for_page: d.for_page.is_some(),
            at_end: d.at_end,
        })
        .collect();
    let model_invariants = table
        .invariants
        .iter()
        .map(|d| (intern(&d.name), d.says.clone()))
        .collect();
    let fault_entry = match func_ids.get("do_user_addr_fault") {
        Some(&(id, 2)) => id,
        _ => {
            return Err(Diag::at(
                t.span,
                "the kernel model has no `do_user_addr_fault(error_code, address)`",
            )
            .help("user accesses fault into it; import a kernel model such as linux-5.10"));
        }
    };
    Ok(Program {
        funcs,
        structs: ctx.structs,
        field_names: ctx.fields,
        memory: ctx.memory,
        model_invariants,
        sources: Arc::default(),
        scenario: Scenario {
            name: t.name.clone(),
            span: t.span,
            kernel,
            cpus: ncpus,
            frames: nframes,
            layout: {
                let addr: Vec<i64> = vmas
                    .iter()
                    .flat_map(|v| (0..v.pages as i64).map(move |i| v.start + i))
                    .collect();
                // every declared address space starts with a table per range
                let spaces = declared_mms.iter().filter(|&&d| d).count();
                let mut l = crate::ir::Layout::new(addr, tables.map(|t| t.0 as usize));
                l.mms = nmms;
                let needed = l.region_base.len() * spaces;
                if let Some((n, sp)) = tables
                    && (n as usize) < needed
                {
                    return Err(Diag::at(
                        sp,
                        format!(
                            "the VMAs use {needed} PTE tables (one per 2 MiB range and declared address space), more than `tables {n}`"
                        ),
                    ));
                }
                if needed > MAX_TABLES as usize {
                    return Err(Diag::at(
                        t.span,
                        format!(
                            "the declared address spaces need {needed} PTE tables, more than {MAX_TABLES}"
                        ),
                    ));
                }
                l.tables = l.tables.max(needed);
                l
            },
            vmas,
            slots,
            pages,
            swap_slots: match swap_slots {
                Some((n, sp)) if (n as usize) < swaps.len() => {
                    return Err(Diag::at(
                        sp,
                        format!(
                            "the test declares {} swap slots, more than `swap_slots {n}`",
                            swaps.len()
                        ),
                    ));
                }
                Some((n, _)) => n as usize,
                None => swaps.len(),
            },
            swaps,
            ptes,
            none_pmds,
            tlbs,
            knobs,
            programs: progs,
            cpu_mm,
            declared_mms,
            expect,
            expect_span,
            invariants,
            fault_entry,
        },
        declared,
    })
}

#[allow(clippy::too_many_arguments)]
fn compile_fn(
    ctx: &mut Ctx,
    func_ids: &HashMap<String, (u16, usize)>,
    name: String,
    params: &[(String, Span)],
    body: &Block,
    user: bool,
    source: Option<String>,
    span: Span,
) -> Result<Func, Diag> {
    let mut b = FnBuilder {
        ctx,
        code: Vec::new(),
        spans: Vec::new(),
        locals: Vec::new(),
        user,
        loops: Vec::new(),
        atomic_depth: 0,
        atomic_nesting: 0,
        func_ids,
        stack: 0,
        max_stack: 0,
        stack_overflow: None,
    };
    for (p, psp) in params {
        if b.local(p).is_some() {
            return Err(Diag::at(*psp, format!("parameter `{p}` appears twice")));
        }
        b.declare(p, *psp)?;
    }
    b.block(body)?;
    b.emit(Instr::Stmt { shared: false }, span);
    b.emit(Instr::Const(Value::Null), span);
    b.emit(Instr::Return, span);
    if let Some(at) = b.stack_overflow {
        return Err(Diag::at(
            at,
            format!("this expression needs more than {MAX_STACK} operand-stack slots"),
        )
        .help("split it with `let` into smaller expressions"));
    }
    // (a call's position shares its encoded word with the IPI handler's sender: 24 bits)
    if b.code.len() >= 1 << 24 {
        return Err(Diag::at(
            span,
            "this function is too long: it compiles to more than 16,777,215 instructions",
        )
        .help("split it into smaller functions"));
    }
    Ok(Func {
        name,
        source,
        nparams: params.len(),
        nlocals: b.locals.len(),
        max_stack: b.max_stack,
        local_names: b.locals,
        code: b.code,
        spans: b.spans,
        user,
        span,
    })
}

/// `&x` as an operand of arithmetic or ordering: a pointer names one variable, there is no
/// memory around it to step through (equality is fine).
fn no_pointer_arithmetic(e: &Expr) -> Result<(), Diag> {
    if let ExprKind::AddrOf(_) = e.kind {
        return Err(Diag::at(
            e.span,
            "pointer arithmetic: a pointer names one variable or field, it cannot be offset or ordered",
        )
        .help("compare pointers with `==` and `!=` only"));
    }
    Ok(())
}

/// Where `e` calls a primitive that changes ghost state (`ghost_discard`, ...), if it does.
fn ghost_change(e: &Expr) -> Option<Span> {
    match &e.kind {
        ExprKind::Call(name, args) => {
            if matches!(name.as_str(), "ghost_discard" | "ghost_discard_done") {
                return Some(e.span);
            }
            args.iter().find_map(ghost_change)
        }
        ExprKind::Field(b, _)
        | ExprKind::Unary(_, b)
        | ExprKind::Deref(b)
        | ExprKind::AddrOf(b) => ghost_change(b),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            ghost_change(a).or_else(|| ghost_change(b))
        }
        ExprKind::StructLit(_, fs) => fs.iter().find_map(|(_, e)| ghost_change(e)),
        _ => None,
    }
}
