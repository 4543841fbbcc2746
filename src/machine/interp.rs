//! Runs one thread for one atomic step.
//!
//! Atomicity rule: a step runs the statement at the thread's position (which touches shared
//! state), then every following statement that touches no shared state, and stops before
//! the next statement that does. A statement is atomic as a whole. Statements that touch
//! only a page frame the thread allocated and has not published fold into the step too.
//! A step whose lock is unavailable is disabled: the caller drops the scratch state.

use super::Machine;
use super::footprint;
use super::prims::{self, PrimOut};
use super::state::*;
use super::x86::{self, Access, UserKind};
use crate::explore::{Footprint, Violation};
use crate::ir::{BinOp, Instr, LocalPtr, UnOp, UserOp, Value};
use crate::lang::Span;

pub enum StepResult {
    Stepped,
    Blocked,
    Violation(Violation),
}

/// What a step did, for race diagrams (filled only when replaying a trace).
#[derive(Debug, Default, Clone)]
pub struct StepLog {
    /// (function, statement span) of the step's shared operation.
    pub main: Option<(u16, Span)>,
    /// Statements folded into the step (they touched only private pages).
    pub folded: Vec<(u16, Span)>,
    /// Hardware events: TLB hits, walks, faults, retired stores.
    pub notes: Vec<String>,
    /// Conditions decided, in order: (function, position of the conditional jump, the
    /// value tested). A short-circuit jump (`&&`, `||`) logs its left operand.
    pub decisions: Vec<(u16, u32, bool)>,
    /// PTEs read by `*ptep`: (the PTE's name, value read).
    pub reads: Vec<(String, crate::ir::Pte)>,
}

const STEP_BUDGET: u32 = 100_000;
pub(crate) const MAX_CALL_DEPTH: usize = 64;
/// Records a thread may hold at once (`encode` stores the count in a byte).
const MAX_RECORDS: usize = 255;
/// A record whose kernel entry has returned to user space (never a live index: at most
/// `MAX_RECORDS` records exist).
const DEAD_RECORD: u16 = MAX_RECORDS as u16;

struct Exec<'a> {
    m: &'a Machine,
    tid: usize,
    visible_done: bool,
    /// The thread as it was at the start of the current trailing statement (valid while
    /// `has_snap`; the buffer is kept between steps so that taking it allocates nothing).
    snap: Thread,
    has_snap: bool,
    /// Frames and words changed by private operations since `snap`, restored on rollback.
    undo: Vec<(usize, Frame)>,
    undo_mem: Vec<(usize, i64)>,
    log: Option<&'a mut StepLog>,
    /// An invariant broken on the way that does not stop the step (see `Transition::Next`).
    soft: Option<Violation>,
    /// The shared objects the step touched (partial-order reduction).
    fp: Footprint,
    /// The outcome of the `nondet()` this step starts at (`Action::Choose`); None for a
    /// plain step, which stops before any choice.
    choice: Option<bool>,
    /// The fewest calls the thread had at any point of the step, and whether the step
    /// stored through a pointer to a local: the calls below that depth kept their
    /// positions and locals (`Machine::clear_dead_locals` need not look at them).
    low: usize,
    stored_through_pointer: bool,
}

/// What a step left as it was: its thread's calls below `clear_from` kept their positions
/// and locals, so their dead locals are still cleared.
pub struct Untouched {
    pub clear_from: usize,
}

/// One step of thread `tid`, the first invariant it broke without stopping, and what it
/// touched.
/// `choice`: the outcome of the `nondet()` the thread stands at (`at_choice`), for an
/// `Action::Choose`; None for a plain step.
pub fn step_with(
    m: &Machine,
    st: &mut State,
    tid: usize,
    choice: Option<bool>,
    log: Option<&mut StepLog>,
) -> (StepResult, Option<Violation>, Footprint, Untouched) {
    let low = st.threads[tid].frames.len();
    let mut e = Exec {
        m,
        tid,
        visible_done: false,
        snap: take_snap_buffer(),
        has_snap: false,
        undo: Vec::new(),
        undo_mem: Vec::new(),
        log,
        soft: None,
        fp: Footprint::default(),
        choice,
        low,
        stored_through_pointer: false,
    };
    let r = e.run(st);
    let low = e.low.min(st.threads[tid].frames.len());
    let clear_from = if e.stored_through_pointer {
        0
    } else {
        low.saturating_sub(1)
    };
    (
        r,
        e.soft.take(),
        footprint::on_cpu(e.fp, tid),
        Untouched { clear_from },
    )
}

/// Does thread `tid` stand at a `nondet()`, its next step being one of the two outcomes?
pub fn at_choice(m: &Machine, st: &State, tid: usize) -> bool {
    let Some(f) = st.threads[tid].frames.last() else {
        return false;
    };
    matches!(
        m.prog.funcs[f.func as usize].code.get(f.pc as usize),
        Some(Instr::Prim {
            prim: crate::ir::Prim::Nondet,
            ..
        })
    )
}

/// Runs a fresh thread's leading local code up to its first shared statement.
pub fn prelude(m: &Machine, st: &mut State, tid: usize) -> StepResult {
    Exec {
        m,
        tid,
        visible_done: true,
        snap: take_snap_buffer(),
        has_snap: false,
        undo: Vec::new(),
        undo_mem: Vec::new(),
        log: None,
        soft: None,
        fp: Footprint::default(),
        choice: None,
        low: 0,
        stored_through_pointer: false,
    }
    .run(st)
}

enum Flow {
    Go,
    Yield,
}

/// The family rows a field access of a handle lowers to (looked up once).
static LOAD_WORD: std::sync::OnceLock<crate::ir::Prim> = std::sync::OnceLock::new();
static STORE_WORD: std::sync::OnceLock<crate::ir::Prim> = std::sync::OnceLock::new();

thread_local! {
    /// The rollback snapshot's buffer, kept between steps (`Exec::snap`).
    static SNAP: std::cell::RefCell<Option<Thread>> = const { std::cell::RefCell::new(None) };
}

fn take_snap_buffer() -> Thread {
    SNAP.with_borrow_mut(|b| b.take()).unwrap_or_default()
}

impl Drop for Exec<'_> {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.snap);
        SNAP.with_borrow_mut(|b| *b = Some(buf));
    }
}

/// A page or an mm: a handle whose fields are words of shared memory.
fn is_handle(mem: &crate::ir::Memory, v: Option<Value>) -> bool {
    match v {
        Some(Value::Page(_) | Value::Mm(_) | Value::Obj(_)) => true,
        // a VMA's fields are words of the model's struct vm_area_struct
        Some(Value::Vma(_)) => mem.vma.is_some(),
        _ => false,
    }
}

fn frame(st: &mut State, tid: usize) -> &mut CallFrame {
    st.threads[tid].top_mut()
}

impl Exec<'_> {
    fn location(&self, st: &State) -> String {
        let Some(f) = st.threads[self.tid].frames.last() else {
            return String::new();
        };
        let func = &self.m.prog.funcs[f.func as usize];
        let span = func.spans.get(f.pc as usize).copied().unwrap_or(func.span);
        format!(
            "{} (in {}())",
            self.m.prog.sources.location(span),
            func.name
        )
    }

    /// Enters a call of `callee` whose `argc` arguments are on the operand stack; the
    /// caller's statement is committed once it calls.
    fn enter_call(&mut self, st: &mut State, callee: u16, argc: u8) -> Option<StepResult> {
        if st.threads[self.tid].frames.len() >= MAX_CALL_DEPTH {
            return Some(self.error(st, "call depth above 64: unbounded recursion?"));
        }
        let th = &mut st.threads[self.tid];
        th.top_mut().pc += 1;
        th.call(callee, &self.m.prog.funcs[callee as usize], argc as usize);
        self.has_snap = false;
        None
    }

    fn error(&self, st: &State, msg: impl Into<String>) -> StepResult {
        StepResult::Violation(Violation {
            invariant: "model_error",
            message: format!("{}: {}", self.location(st), msg.into()),
        })
    }

    fn in_atomic(&self, st: &State) -> bool {
        st.threads[self.tid].frames.iter().any(|f| f.atomic > 0)
    }

    /// Logs the statement at the current position (replay only).
    fn log_op(&mut self, st: &State, visible: bool) {
        if let Some(log) = self.log.as_deref_mut() {
            let f = st.threads[self.tid].frames.last().expect("frame");
            let func = &self.m.prog.funcs[f.func as usize];
            // the span of the enclosing statement
            let mut pc = f.pc as usize;
            while pc > 0 && !matches!(func.code[pc], Instr::Stmt { .. }) {
                pc -= 1;
            }
            let op = (f.func, func.spans[pc]);
            if visible && log.main.is_none() {
                log.main = Some(op);
            } else if log.main != Some(op) && !log.folded.contains(&op) {
                log.folded.push(op);
            }
        }
    }

    /// Called before a shared operation: decides whether it belongs to this step.
    fn before_visible(&mut self, st: &mut State) -> Flow {
        if !self.visible_done || self.in_atomic(st) {
            self.visible_done = true;
            self.log_op(st, true);
            return Flow::Go;
        }
        if self.has_snap {
            self.has_snap = false;
            std::mem::swap(&mut st.threads[self.tid], &mut self.snap);
            for (i, f) in self.undo.drain(..).rev() {
                st.frames[i] = f;
            }
            for (w, v) in self.undo_mem.drain(..).rev() {
                st.mem[w] = v;
            }
        }
        Flow::Yield
    }

    /// Runs the plain instructions at the thread's position (statement marks that take no
    /// snapshot, constants, locals, arithmetic, jumps) with the frame's position in
    /// registers, and stops before any other instruction, before one that would fail, and
    /// when tracing (which logs every decision); `run` does the rest. Each instruction
    /// spends one unit of `budget`, as in `run`, which reports the budget running out.
    #[inline]
    fn run_plain(&mut self, st: &mut State, budget: &mut u32) {
        if self.log.is_some() {
            return;
        }
        let th = &mut st.threads[self.tid];
        let Some(fr) = th.frames.last_mut() else {
            return;
        };
        let heap = &mut th.heap;
        let code = &self.m.prog.funcs[fr.func as usize].code[..];
        let base = fr.base as usize;
        let locals = &mut th.arena[base..];
        let nl = fr.nlocals as usize;
        let (mut pc, mut sp) = (fr.pc as usize, fr.sp as usize);
        while *budget > 1 {
            let Some(&instr) = code.get(pc) else {
                break;
            };
            // the operand stack's next free slot
            let top = nl + sp;
            match instr {
                Instr::Stmt { shared } if !shared || !self.visible_done => {
                    self.has_snap = false;
                    pc += 1;
                }
                Instr::Const(v) => {
                    locals[top] = v;
                    sp += 1;
                    pc += 1;
                }
                Instr::Load(i) => {
                    debug_assert!((i as usize) < nl);
                    locals[top] = locals[i as usize];
                    sp += 1;
                    pc += 1;
                }
                Instr::Store(i) if sp > 0 => {
                    debug_assert!((i as usize) < nl);
                    locals[i as usize] = std::mem::take(&mut locals[top - 1]);
                    sp -= 1;
                    pc += 1;
                }
                Instr::Dup if sp > 0 => {
                    locals[top] = locals[top - 1];
                    sp += 1;
                    pc += 1;
                }
                Instr::Pop if sp > 0 => {
                    locals[top - 1] = Value::Null;
                    sp -= 1;
                    pc += 1;
                }
                Instr::Binary(op) if sp > 1 => {
                    let Ok(v) = binary(op, locals[top - 2], locals[top - 1]) else {
                        break;
                    };
                    locals[top - 2] = v;
                    locals[top - 1] = Value::Null;
                    sp -= 1;
                    pc += 1;
                }
                // a field of a record in this thread's heap (`vmf->page`); handles, pointers
                // to locals and mistakes take the general path
                Instr::GetField(fid) if sp > 0 => {
                    let Value::Rec(r) = locals[top - 1] else {
                        break;
                    };
                    let Some((rec, i)) = record_field(self.m, heap, r, fid) else {
                        break;
                    };
                    locals[top - 1] = heap[rec].fields[i];
                    pc += 1;
                }
                Instr::SetField(fid) if sp > 1 => {
                    let Value::Rec(r) = locals[top - 2] else {
                        break;
                    };
                    let Some((rec, i)) = record_field(self.m, heap, r, fid) else {
                        break;
                    };
                    heap[rec].fields[i] = std::mem::take(&mut locals[top - 1]);
                    locals[top - 2] = Value::Null;
                    sp -= 2;
                    pc += 1;
                }
                Instr::Jump(t) => pc = t as usize,
                Instr::JumpIfFalse(t) if sp > 0 => {
                    let Some(b) = locals[top - 1].truthy() else {
                        break;
                    };
                    locals[top - 1] = Value::Null;
                    sp -= 1;
                    pc = if b { pc + 1 } else { t as usize };
                }
                Instr::JumpIfFalseKeep(t) | Instr::JumpIfTrueKeep(t) if sp > 0 => {
                    let Some(b) = locals[top - 1].truthy() else {
                        break;
                    };
                    let jump = matches!(instr, Instr::JumpIfTrueKeep(_)) == b;
                    pc = if jump { t as usize } else { pc + 1 };
                }
                _ => break,
            }
            *budget -= 1;
        }
        fr.pc = pc as u32;
        fr.sp = sp as u16;
    }

    fn run(&mut self, st: &mut State) -> StepResult {
        let tid = self.tid;
        let mut budget = STEP_BUDGET;
        loop {
            self.run_plain(st, &mut budget);
            budget -= 1;
            if budget == 0 {
                return self.error(st, format!("ran {STEP_BUDGET} instructions without touching shared state: an endless loop?"));
            }
            let th = &st.threads[tid];
            self.low = self.low.min(th.frames.len());
            let Some(fr) = th.frames.last() else {
                st.threads[tid].status = Status::Done;
                return StepResult::Stepped;
            };
            let func = &self.m.prog.funcs[fr.func as usize];
            let Some(&instr) = func.code.get(fr.pc as usize) else {
                return self.error(st, "fell off the end of a function");
            };
            let user_mode = func.user;
            match instr {
                Instr::Stmt { shared } => {
                    if shared && self.visible_done && !self.in_atomic(st) {
                        self.snap.assign_from(&st.threads[tid]);
                        self.has_snap = true;
                        self.undo.clear();
                        self.undo_mem.clear();
                    } else {
                        self.has_snap = false;
                    }
                    frame(st, tid).pc += 1;
                }
                Instr::Const(v) => self.push_next(st, v),
                Instr::Load(i) => {
                    let th = &st.threads[tid];
                    let v = th.local(th.frames.len() - 1, i as usize);
                    self.push_next(st, v);
                }
                Instr::Store(i) => {
                    let th = &mut st.threads[tid];
                    let v = th.pop();
                    th.set_local(th.frames.len() - 1, i as usize, v);
                    th.top_mut().pc += 1;
                }
                Instr::Dup => {
                    let v = st.threads[tid].peek(0).unwrap_or(Value::Null);
                    self.push_next(st, v);
                }
                Instr::Pop => {
                    self.pop(st);
                    frame(st, tid).pc += 1;
                }
                Instr::Elem => {
                    let i = self.pop(st);
                    let a = self.pop(st);
                    let mem = &self.m.prog.memory;
                    let r = match (a, i) {
                        (Value::Word(w), Value::Int(i)) => {
                            let (w, e) = (w as usize, i as usize);
                            let same = |x: usize| {
                                mem.words.get(x) == mem.words.get(w)
                                    && mem.object_of(x) == mem.object_of(w)
                            };
                            if i >= 0 && same(w + e) && (w == 0 || !same(w - 1) || e == 0) {
                                Ok(Value::Word((w + e) as u32))
                            } else {
                                Err(format!("index {i} is outside {}", mem.word_name(w)))
                            }
                        }
                        (a, i) => Err(format!(
                            "indexing a {} with a {}",
                            a.type_name(),
                            i.type_name()
                        )),
                    };
                    match r {
                        Ok(v) => self.push_next(st, v),
                        Err(e) => return self.error(st, e),
                    }
                }
                Instr::FieldAddr(fid) => {
                    let base = self.pop(st);
                    let name = self.m.prog.field_name(fid);
                    match self.m.prog.memory.handle_word(base, fid, name) {
                        Ok(w) => self.push_next(st, Value::Word(w as u32)),
                        Err(e) => return self.error(st, e),
                    }
                }
                Instr::GetField(fid) if is_handle(&self.m.prog.memory, st.threads[tid].peek(0)) => {
                    if let Some(r) = self.handle_field(st, fid, false) {
                        return r;
                    }
                }
                Instr::SetField(fid) if is_handle(&self.m.prog.memory, st.threads[tid].peek(1)) => {
                    if let Some(r) = self.handle_field(st, fid, true) {
                        return r;
                    }
                }
                Instr::GetField(fid) => {
                    let base = self.pop(st);
                    // `ctx->page_mask` with `ctx` a pointer to a local holding a record
                    let base = match self.through_local(st, base) {
                        Ok(v) => v,
                        Err(e) => return self.error(st, e),
                    };
                    match self.get_field(st, base, fid) {
                        Ok(v) => self.push_next(st, v),
                        Err(e) => return self.error(st, e),
                    }
                }
                Instr::SetField(fid) => {
                    let th = &st.threads[tid];
                    let (Some(base), Some(val)) = (th.peek(1), th.peek(0)) else {
                        return self.error(st, "stack underflow");
                    };
                    let base = match self.through_local(st, base) {
                        Ok(v) => v,
                        Err(e) => return self.error(st, e),
                    };
                    match base {
                        Value::Rec(r) => {
                            let Some(rec) = st.threads[tid].heap.get(r as usize) else {
                                return self.error(st, dead_record());
                            };
                            let sdef = &self.m.prog.structs[rec.strukt as usize];
                            let Some(idx) = sdef.fields.iter().position(|&x| x == fid) else {
                                return self.error(
                                    st,
                                    format!(
                                        "struct {} has no field `{}`",
                                        sdef.name,
                                        self.m.prog.field_name(fid)
                                    ),
                                );
                            };
                            st.threads[tid].heap[r as usize].fields[idx] = val;
                        }
                        other => {
                            return self.error(
                                st,
                                format!(
                                    "cannot set field `{}` of a {}",
                                    self.m.prog.field_name(fid),
                                    other.type_name()
                                ),
                            );
                        }
                    }
                    let th = &mut st.threads[tid];
                    th.drop_top(2);
                    th.top_mut().pc += 1;
                }
                Instr::Unary(op) => {
                    let v = self.pop(st);
                    let r = match (op, v) {
                        (UnOp::Neg, Value::Int(x)) => Value::Int(x.wrapping_neg()),
                        (UnOp::BitNot, Value::Int(x)) => Value::Int(!x),
                        (UnOp::Not, v) => match v.truthy() {
                            Some(b) => Value::Bool(!b),
                            None => return self.error(st, format!("`!` of a {}", v.type_name())),
                        },
                        (_, v) => {
                            return self.error(st, format!("arithmetic on a {}", v.type_name()));
                        }
                    };
                    self.push_next(st, r);
                }
                Instr::Binary(op) => {
                    let b = self.pop(st);
                    let a = self.pop(st);
                    match binary(op, a, b) {
                        Ok(v) => self.push_next(st, v),
                        Err(e) => return self.error(st, e),
                    }
                }
                Instr::Jump(t) => frame(st, tid).pc = t,
                Instr::JumpIfFalse(t) => {
                    let v = self.pop(st);
                    let Some(b) = v.truthy() else {
                        return self.error(
                            st,
                            format!("a condition must be a bool, not a {}", v.type_name()),
                        );
                    };
                    let f = frame(st, tid);
                    if let Some(log) = self.log.as_deref_mut() {
                        log.decisions.push((f.func, f.pc, b));
                    }
                    f.pc = if b { f.pc + 1 } else { t };
                }
                Instr::JumpIfFalseKeep(t) | Instr::JumpIfTrueKeep(t) => {
                    let v = st.threads[tid].peek(0).unwrap_or(Value::Null);
                    let Some(b) = v.truthy() else {
                        return self.error(st, format!("`&&`/`||` of a {}", v.type_name()));
                    };
                    let jump = matches!(instr, Instr::JumpIfTrueKeep(_)) == b;
                    let f = frame(st, tid);
                    if let Some(log) = self.log.as_deref_mut() {
                        log.decisions.push((f.func, f.pc, b));
                    }
                    f.pc = if jump { t } else { f.pc + 1 };
                }
                Instr::Call { func: callee, argc } => {
                    if let Some(r) = self.enter_call(st, callee, argc) {
                        return r;
                    }
                }
                Instr::CallIndirect { argc } => {
                    let target = self.pop(st);
                    let Value::Func(callee) = target else {
                        return self.error(
                            st,
                            format!("calling a {}, not a function", target.type_name()),
                        );
                    };
                    let f = &self.m.prog.funcs[callee as usize];
                    if f.nparams != argc as usize {
                        return self.error(
                            st,
                            format!("`{}` takes {} argument(s), {argc} given", f.name, f.nparams),
                        );
                    }
                    if let Some(r) = self.enter_call(st, callee, argc) {
                        return r;
                    }
                }
                Instr::Prim {
                    prim: crate::ir::Prim::Nondet,
                    ..
                } => {
                    if let Some(r) = self.choose(st) {
                        return r;
                    }
                }
                Instr::Prim { prim, argc } => {
                    if let Some(r) = self.prim(st, prim, argc) {
                        return r;
                    }
                }
                Instr::AddrLocal(slot) => {
                    let th = &st.threads[tid];
                    let depth = th.frames.len() - 1;
                    let func = th.frames[depth].func;
                    // MAX_CALL_DEPTH and MAX_LOCALS keep both within a byte
                    let (Ok(depth), Ok(slot)) = (u8::try_from(depth), u8::try_from(slot)) else {
                        return self.error(st, "a pointer to a local too deep to represent");
                    };
                    self.push_next(st, Value::Local(LocalPtr { depth, slot, func }));
                }
                Instr::StoreDeref => {
                    self.stored_through_pointer = true;
                    let th = &st.threads[tid];
                    let (Some(ptr), Some(val)) = (th.peek(1), th.peek(0)) else {
                        return self.error(st, "stack underflow");
                    };
                    let Value::Local(p) = ptr else {
                        return self.error(st, store_through_what(ptr));
                    };
                    let (depth, slot) = match self.local_target(st, p) {
                        Ok(t) => t,
                        Err(e) => return self.error(st, e),
                    };
                    let th = &mut st.threads[tid];
                    th.set_local(depth, slot, val);
                    th.drop_top(2);
                    th.top_mut().pc += 1;
                }
                Instr::Deref => {
                    let base = st.threads[tid].peek(0).unwrap_or(Value::Null);
                    match base {
                        // a thread-private read: no step, no footprint
                        Value::Local(p) => {
                            let v = match self.local_target(st, p) {
                                Ok((depth, slot)) => st.threads[tid].local(depth, slot),
                                Err(e) => return self.error(st, e),
                            };
                            self.replace_top(st, v);
                        }
                        Value::PtePtr(_) => {
                            if let Flow::Yield = self.before_visible(st) {
                                return StepResult::Stepped;
                            }
                            self.fp.reads |= footprint::PTE;
                            let i = match x86::resolve(self.m, st, base) {
                                Ok(Ok(p)) => p.index,
                                Ok(Err(why)) => {
                                    return StepResult::Violation(Violation {
                                        invariant: "use_after_free",
                                        message: format!("{}: *ptep: {why}", self.location(st)),
                                    });
                                }
                                Err(e) => return self.error(st, e),
                            };
                            if let Some(log) = self.log.as_deref_mut() {
                                log.reads.push((x86::entry_name(self.m, st, i), st.ptes[i]));
                            }
                            let v = Value::Pte(st.ptes[i]);
                            self.replace_top(st, v);
                        }
                        // `*pmdp`: a step of its own only where PMD entries can change
                        Value::PmdPtr(r) => {
                            if self.m.pmds_change {
                                if let Flow::Yield = self.before_visible(st) {
                                    return StepResult::Stepped;
                                }
                                self.fp.reads |= footprint::PGTABLE;
                            }
                            let v = Value::Pmd(st.pmds[r as usize]);
                            self.replace_top(st, v);
                        }
                        Value::Int(addr) if user_mode => {
                            if let Some(r) = self.user_access(st, addr, UserKind::Load, 1) {
                                return r;
                            }
                        }
                        other => {
                            return self
                                .error(st, format!("cannot dereference a {}", other.type_name()));
                        }
                    }
                }
                Instr::User(op) => {
                    let th = &st.threads[tid];
                    let (Some(Value::Int(addr)), Some(Value::Int(val))) = (th.peek(1), th.peek(0))
                    else {
                        return self.error(st, "user memory holds integers at integer addresses");
                    };
                    let kind = match op {
                        UserOp::Store => UserKind::Store(val),
                        UserOp::Add => UserKind::Add(val),
                    };
                    if let Some(r) = self.user_access(st, addr, kind, 2) {
                        return r;
                    }
                }
                Instr::Return => {
                    // An IPI handler's return (its csd unlocks) is a step of its own: run
                    // together with the interrupted code's next step, it would never happen
                    // while that step is blocked, though a CPU asleep on a lock takes
                    // interrupts (tests/mmk/semantics/ipi-to-a-sleeping-cpu.mmk).
                    let ends_ipi = st.threads[tid]
                        .frames
                        .last()
                        .is_some_and(|f| f.irq_sender().is_some());
                    if ends_ipi && let Flow::Yield = self.before_visible(st) {
                        return StepResult::Stepped;
                    }
                    let mut v = self.pop(st);
                    let th = &mut st.threads[tid];
                    let done = th.pop_frame().expect("frame");
                    if self.m.takes_address[done.func as usize] {
                        dangle(th, th.frames.len(), &mut v);
                    }
                    let kernel_fn = !self.m.prog.funcs[done.func as usize].user;
                    if let Some(sender) = done.irq_sender() {
                        // the end of an IPI handler: its csd unlocks, IRQs come back on, and
                        // the CPU goes back to what it was running (or to its ended program)
                        let cpus = self.m.cpus();
                        st.csd[sender * cpus + tid] = Default::default();
                        self.fp.reads |= footprint::IRQ;
                        self.fp.writes |= footprint::IRQ;
                        let th = &mut st.threads[tid];
                        th.irqs_off = false;
                        if th.frames.is_empty() {
                            th.status = if th.signal != 0 {
                                Status::Killed
                            } else {
                                Status::Done
                            };
                            return StepResult::Stepped;
                        }
                    }
                    let th = &mut st.threads[tid];
                    if th.frames.is_empty() {
                        th.status = Status::Done;
                        super::declared::LAST_RETURN.set(v);
                        return StepResult::Stepped;
                    }
                    if !done.exception() {
                        th.push(v);
                    }
                    // (an IPI handler run on a CPU whose program had ended is no user code)
                    if kernel_fn
                        && th.frames.len() == 1
                        && self.m.prog.funcs[th.frames[0].func as usize].user
                    {
                        // Back to user space: the kernel must hold nothing.
                        if let Some(what) = prims::held_locks(self.m, st, tid) {
                            return StepResult::Violation(Violation {
                                invariant: "lock_hygiene",
                                message: format!(
                                    "cpu{tid} returned to user space from {}() holding {what}",
                                    self.m.prog.funcs[done.func as usize].name
                                ),
                            });
                        }
                        let left_on = if st.threads[tid].irqs_off {
                            Some("with IRQs disabled")
                        } else if st.threads[tid].rcu_depth > 0 {
                            Some("inside an RCU read section")
                        } else {
                            None
                        };
                        if let Some(how) = left_on {
                            return StepResult::Violation(Violation {
                                invariant: "lock_hygiene",
                                message: format!(
                                    "cpu{tid} returned to user space from {}() {how}",
                                    self.m.prog.funcs[done.func as usize].name
                                ),
                            });
                        }
                        let th = &mut st.threads[tid];
                        th.heap.clear();
                        // A record the program kept (`let r = mk();`) dies with its kernel
                        // entry: its index must not name a record of a later entry.
                        for v in th.values_mut() {
                            if let Value::Rec(_) = v {
                                *v = Value::Rec(DEAD_RECORD);
                            }
                        }
                        if th.signal != 0 {
                            th.clear_frames();
                            th.status = Status::Killed;
                            let (name, invariant) = if th.signal == SIGBUS {
                                ("SIGBUS", "sigbus")
                            } else {
                                ("SIGSEGV", "sigsegv")
                            };
                            if let Some(log) = self.log.as_deref_mut() {
                                log.notes.push(format!("{name}: the program is killed"));
                            }
                            // Reported, never silently safe: a test may expect it.
                            self.soft.get_or_insert(Violation {
                                invariant,
                                message: format!(
                                    "cpu{tid}'s user program was killed by {name}: the fault in {}() could not be resolved",
                                    self.m.prog.funcs[done.func as usize].name
                                ),
                            });
                            return StepResult::Stepped;
                        }
                    }
                }
                Instr::AtomicBegin => {
                    // An outermost block is one step of its own: it never joins the step
                    // that already did a shared operation (nor a thread's prelude).
                    if !self.in_atomic(st)
                        && let Flow::Yield = self.before_visible(st)
                    {
                        return StepResult::Stepped;
                    }
                    let f = frame(st, tid);
                    f.atomic += 1;
                    f.pc += 1;
                }
                Instr::AtomicEnd => {
                    let f = frame(st, tid);
                    f.atomic = f.atomic.saturating_sub(1);
                    f.pc += 1;
                }
                Instr::NewRecord(sid) => {
                    let n = self.m.prog.structs[sid as usize].fields.len();
                    // records live until the return to user space; the state keeps their
                    // count in a byte
                    if st.threads[tid].heap.len() >= MAX_RECORDS {
                        return self.error(
                            st,
                            format!("more than {MAX_RECORDS} records made in one kernel entry"),
                        );
                    }
                    let th = &mut st.threads[tid];
                    th.heap.push(Record {
                        strukt: sid,
                        fields: vec![Value::Null; n],
                    });
                    let r = Value::Rec((th.heap.len() - 1) as u16);
                    self.push_next(st, r);
                }
            }
        }
    }

    /// `nondet()` at the current instruction; `None` means go on with the next one. A plain
    /// step stops right before it, mid-statement (what the statement did so far was local,
    /// so nothing is rolled back): the thread then stands at the choice and the search
    /// offers its two outcomes. A step that starts there pushes the outcome it was given.
    fn choose(&mut self, st: &mut State) -> Option<StepResult> {
        if self.in_atomic(st) {
            return Some(self.error(
                st,
                "nondet() inside an atomic block: a choice is a step of its own",
            ));
        }
        let b = match self.choice {
            Some(b) if !self.visible_done => b,
            _ => {
                self.has_snap = false;
                return Some(StepResult::Stepped);
            }
        };
        self.choice = None;
        self.visible_done = true;
        self.log_op(st, true);
        if let Some(log) = self.log.as_deref_mut() {
            // `return nondet();` names the outcome after its function (need_resched())
            let f = st.threads[self.tid].frames.last().expect("frame");
            let func = &self.m.prog.funcs[f.func as usize];
            let what = match func.code.get(f.pc as usize + 1) {
                Some(Instr::Return) => format!("{}()", func.name),
                _ => "nondet()".to_string(),
            };
            log.notes.push(format!("{what} -> {b} (chosen)"));
        }
        self.push_next(st, Value::Bool(b));
        None
    }

    /// A user access at the current instruction; `None` means go on with the next one.
    fn user_access(
        &mut self,
        st: &mut State,
        addr: i64,
        kind: UserKind,
        nargs: usize,
    ) -> Option<StepResult> {
        if let Flow::Yield = self.before_visible(st) {
            return Some(StepResult::Stepped);
        }
        self.fp = self.fp.union(footprint::USER_ACCESS);
        let tid = self.tid;
        let names = |f: usize| super::trace::page_name(self.m, f);
        let verbose = self.log.is_some();
        match x86::user_access(
            st,
            &self.m.prog.scenario.layout,
            tid,
            addr,
            kind,
            &names,
            verbose,
        ) {
            Access::Done { value, how } => {
                if let Some(log) = self.log.as_deref_mut() {
                    let what = match kind {
                        UserKind::Load => format!("load {value}"),
                        UserKind::Store(_) | UserKind::Add(_) => format!("store {value}"),
                    };
                    log.notes.push(format!("{how}: {what}"));
                }
                let th = &mut st.threads[tid];
                th.drop_top(nargs);
                if matches!(kind, UserKind::Load) {
                    th.push(Value::Int(value));
                }
                th.top_mut().pc += 1;
                None
            }
            Access::Fault { error_code, how } => {
                if let Some(log) = self.log.as_deref_mut() {
                    log.notes.push(how);
                }
                // Enter the kernel; the access is retried when the handler returns.
                let entry = self.m.prog.scenario.fault_entry;
                let ef = &self.m.prog.funcs[entry as usize];
                self.has_snap = false;
                st.threads[tid].push_frame(
                    entry,
                    ef,
                    &[Value::Int(error_code), Value::Int(addr)],
                    true,
                );
                None
            }
            Access::UseAfterFree(msg) => Some(StepResult::Violation(Violation {
                invariant: "use_after_free",
                message: format!("cpu{tid}: {msg}"),
            })),
        }
    }

    fn pop(&self, st: &mut State) -> Value {
        st.threads[self.tid].pop()
    }

    /// Replaces the top of the operand stack with `v` and moves on.
    fn replace_top(&self, st: &mut State, v: Value) {
        let th = &mut st.threads[self.tid];
        th.set_peek(0, v);
        th.top_mut().pc += 1;
    }

    /// `obj->field` (or `obj->field = v`) of a page or an mm: a load (store) of its word, as
    /// `load_word` (`store_word`); a read of a `stable` field is no step of its own.
    fn handle_field(&mut self, st: &mut State, fid: u16, store: bool) -> Option<StepResult> {
        let mem = &self.m.prog.memory;
        // the handle: on top for a load, under the value for a store
        let at = store as usize;
        let handle = st.threads[self.tid].peek(at).expect("a handle");
        let w = match mem.handle_word(handle, fid, self.m.prog.field_name(fid)) {
            Ok(w) => w,
            Err(e) => return Some(self.error(st, e)),
        };
        if !store && mem.is_stable(w) {
            if let Some(why) = super::family::page_gone(self.m, st, self.tid, w) {
                return Some(StepResult::Violation(Violation {
                    invariant: "use_after_free",
                    message: format!("{}: reads {}: {why}", self.location(st), mem.word_name(w)),
                }));
            }
            super::declared::note_read(w);
            // Written only while private: the read commutes with every step but the
            // page's allocation and free.
            // (a slab object's free writes its words; the mm and VMAs are never freed)
            if mem.frame_of(w).is_some() {
                self.fp.reads |= footprint::META;
            } else if mem.slot_of(w).is_some() {
                self.fp.reads |= footprint::obj_bit(mem, w);
            }
            let v = super::family::once::word_value(mem.kind(w), st.mem[w]);
            self.replace_top(st, v);
            return None;
        }
        let th = &mut st.threads[self.tid];
        let (pc, depth) = (th.top().pc, th.frames.len());
        th.set_peek(at, Value::Word(w as u32));
        let prim = if store {
            *STORE_WORD.get_or_init(|| crate::ir::Prim::by_name("store_word").expect("a row"))
        } else {
            *LOAD_WORD.get_or_init(|| crate::ir::Prim::by_name("load_word").expect("a row"))
        };
        // The primitive leaves its result where the field access leaves it.
        let r = self.prim(st, prim, 1 + store as u8);
        // The step ended before the access: leave the handle where the next step finds it.
        let th = &mut st.threads[self.tid];
        if th.frames.len() == depth
            && th.top().pc == pc
            && th.peek(at) == Some(Value::Word(w as u32))
        {
            th.set_peek(at, handle);
        }
        if r.is_none() && store {
            th.pop();
        }
        r
    }

    /// Tells the declared invariants' bookkeeping (`declared.rs`) which words of declared
    /// memory a family primitive reads and writes; a frame allocated or freed has all its
    /// `struct page` words written (`result`: what an allocation returned). True for a row
    /// that works on frames, whose result must be noted too.
    fn note_words(&self, prim: crate::ir::Prim, args: &[Value], result: Option<Value>) -> bool {
        let crate::ir::Prim::Family(i) = prim else {
            return false;
        };
        let row = super::family::row(i);
        let mem = &self.m.prog.memory;
        if let Some(&Value::Word(w)) = args.get(row.ptr) {
            super::declared::note_read(w as usize);
            if row.access == super::family::Access::Write {
                super::declared::WRITTEN.with_borrow_mut(|x| x.push(w));
            }
            return false;
        }
        if row.ptr != super::family::NO_WORD || row.other.writes & footprint::META == 0 {
            return false;
        }
        for v in args.iter().copied().chain(result) {
            if let Value::Page(p) = v {
                super::declared::WRITTEN.with_borrow_mut(|x| {
                    for w in mem.page_words(p as usize) {
                        x.push(w as u32)
                    }
                });
            }
        }
        true
    }

    /// Runs the primitive `prim` on the top `argc` values of the stack; Some to end the step.
    fn prim(&mut self, st: &mut State, prim: crate::ir::Prim, argc: u8) -> Option<StepResult> {
        let tid = self.tid;
        let th = &st.threads[tid];
        let stack = th.stack(th.frames.len() - 1);
        let on_stack = &stack[stack.len() - argc as usize..];
        // the arguments, copied off the stack without allocating (primitives take few)
        let mut small = [Value::Null; 8];
        let big: Vec<Value>;
        let args: &[Value] = if on_stack.len() <= small.len() {
            small[..on_stack.len()].copy_from_slice(on_stack);
            &small[..on_stack.len()]
        } else {
            big = on_stack.to_vec();
            &big
        };
        let visible = prims::is_visible(self.m, st, tid, prim, args);
        if visible {
            if let Flow::Yield = self.before_visible(st) {
                return Some(StepResult::Stepped);
            }
            self.fp = self
                .fp
                .union(footprint::prim_call(&self.m.prog.memory, prim, args));
        } else if prim.class() != crate::ir::PrimClass::Shared {
            self.fp = self
                .fp
                .union(footprint::prim_call(&self.m.prog.memory, prim, args));
        } else {
            // private: no other CPU can see it, but the hardware and the invariants can
            // (a per-CPU variable's words have no bit unless an invariant reads them,
            // `footprint::obj_bit_table`; a load under the lock that guards its word needs
            // none: no other CPU can write it now)
            let quiet = args.iter().any(|a| {
                matches!(a, Value::Word(w) if super::family::guarded_read(self.m, st, tid, *w as usize))
            });
            if !quiet {
                self.fp = self
                    .fp
                    .union(footprint::prim_call(&self.m.prog.memory, prim, args));
            }
            self.log_op(st, false);
        }
        if !visible && self.has_snap {
            for a in args {
                match *a {
                    Value::Page(p) => {
                        self.undo.push((p as usize, st.frames[p as usize]));
                        for w in self.m.prog.memory.page_words(p as usize) {
                            self.undo_mem.push((w, st.mem[w]));
                        }
                    }
                    Value::Word(w) if (w as usize) < st.mem.len() => {
                        self.undo_mem.push((w as usize, st.mem[w as usize]))
                    }
                    _ => {}
                }
            }
        }
        let words = self.note_words(prim, args, None);
        let out = prims::exec(self.m, st, tid, prim, args);
        if words && let PrimOut::Value(v) = &out {
            self.note_words(prim, &[], Some(*v));
        }
        match out {
            PrimOut::Value(v) => self.pop_push_next(st, argc as usize, v),
            PrimOut::Soft(inv, msg, v) => {
                if self.soft.is_none() {
                    self.soft = Some(Violation {
                        invariant: inv,
                        message: format!("{}: {msg}", self.location(st)),
                    });
                }
                self.pop_push_next(st, argc as usize, v);
            }
            PrimOut::Blocked => return Some(StepResult::Blocked),
            PrimOut::Again => return Some(StepResult::Stepped),
            PrimOut::Violation(inv, msg) => {
                return Some(StepResult::Violation(Violation {
                    invariant: inv,
                    message: format!("{}: {msg}", self.location(st)),
                }));
            }
            PrimOut::Error(msg) => return Some(self.error(st, msg)),
        }
        None
    }

    fn push_next(&self, st: &mut State, v: Value) {
        let th = &mut st.threads[self.tid];
        th.push(v);
        th.top_mut().pc += 1;
    }

    /// Replaces the top `n` values of the operand stack with `v` and moves on.
    fn pop_push_next(&self, st: &mut State, n: usize, v: Value) {
        let th = &mut st.threads[self.tid];
        th.drop_top(n);
        th.push(v);
        th.top_mut().pc += 1;
    }

    /// Where a pointer to a local points, (call depth, local index), or why it points
    /// nowhere.
    fn local_target(&self, st: &State, p: LocalPtr) -> Result<(usize, usize), String> {
        let func = &self.m.prog.funcs[p.func as usize];
        let local = func
            .local_names
            .get(p.slot as usize)
            .map_or("?", |s| s.as_str());
        if p.dangling() {
            return Err(format!(
                "a pointer to local `{local}` of {name}() is used after {name}() returned: a local lives as long as its call",
                name = func.name
            ));
        }
        let frames = &st.threads[self.tid].frames;
        match frames.get(p.depth as usize) {
            Some(f) if f.func == p.func && u16::from(p.slot) < f.nlocals => {
                Ok((p.depth as usize, p.slot as usize))
            }
            _ => Err(format!(
                "a pointer to local `{local}` of {}() names a call that is not running",
                func.name
            )),
        }
    }

    /// A pointer to a local stands for the local's value where a record is expected (`->`).
    fn through_local(&self, st: &State, v: Value) -> Result<Value, String> {
        match v {
            Value::Local(p) => {
                let (depth, slot) = self.local_target(st, p)?;
                Ok(st.threads[self.tid].local(depth, slot))
            }
            v => Ok(v),
        }
    }

    fn get_field(&self, st: &State, base: Value, fid: u16) -> Result<Value, String> {
        let name = self.m.prog.field_name(fid);
        match base {
            Value::Rec(r) => {
                let rec = st.threads[self.tid]
                    .heap
                    .get(r as usize)
                    .ok_or_else(dead_record)?;
                let sdef = &self.m.prog.structs[rec.strukt as usize];
                let idx = sdef
                    .fields
                    .iter()
                    .position(|&x| x == fid)
                    .ok_or_else(|| format!("struct {} has no field `{name}`", sdef.name))?;
                Ok(rec.fields[idx])
            }
            Value::Pte(p) => {
                use crate::ir::pte_bits::*;
                let bit = |b| Ok(Value::Bool(p.has(b)));
                match name {
                    "present" => bit(PRESENT),
                    "write" => bit(WRITE),
                    "dirty" => bit(DIRTY),
                    "accessed" => bit(ACCESSED),
                    "soft_dirty" => bit(SOFT_DIRTY),
                    "uffd_wp" => bit(UFFD_WP),
                    "protnone" => bit(PROTNONE),
                    "special" => bit(SPECIAL),
                    "pfn" => Ok(Value::Int(p.pfn() as i64)),
                    _ => Err(format!(
                        "a pte has no field `{name}` (present, write, dirty, accessed, soft_dirty, uffd_wp, protnone, special, pfn)"
                    )),
                }
            }
            Value::Null => Err(format!("NULL pointer dereference reading `.{name}`")),
            other => Err(format!("a {} has no field `{name}`", other.type_name())),
        }
    }
}

/// Call `depth` of thread `th` has returned (`ret` is its return value): every pointer to
/// its locals the thread still holds, in its other calls, its records or `ret`, dangles.
/// Record `r` of a thread's heap and the index of field `fid` in it; None for a dead record
/// or a field its struct lacks (the general path reports those).
fn record_field(m: &Machine, heap: &[Record], r: u16, fid: u16) -> Option<(usize, usize)> {
    let rec = heap.get(r as usize)?;
    let fields = &m.prog.structs[rec.strukt as usize].fields;
    Some((r as usize, fields.iter().position(|&x| x == fid)?))
}

/// The error for a field access of a record after its kernel entry returned to user space.
fn dead_record() -> String {
    "this record was made in a kernel entry that has returned to user space: a record \
     (`struct S { ... }`) lives until then, so a user program cannot keep one"
        .into()
}

fn dangle(th: &mut Thread, depth: usize, ret: &mut Value) {
    let kill = |v: &mut Value| {
        if let Value::Local(p) = v
            && p.depth as usize == depth
        {
            p.depth = LocalPtr::DANGLING;
        }
    };
    kill(ret);
    th.values_mut().iter_mut().for_each(kill);
    for r in th.heap.iter_mut() {
        r.fields.iter_mut().for_each(kill);
    }
}

/// Why `*p = v` cannot write through `p` (only pointers to locals can be written so).
fn store_through_what(p: Value) -> String {
    match p {
        Value::PtePtr(_) => "kernel code writes PTEs with set_pte_at(), not `*ptep = ...`".into(),
        Value::Word(_) => {
            "`*p = v` writes a local through a pointer; write a global's field as `obj.field = v` or with its primitive".into()
        }
        Value::Null => "NULL pointer dereference writing `*p`".into(),
        other => format!("cannot write through a {}", other.type_name()),
    }
}

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, String> {
    use Value::*;
    Ok(match (op, a, b) {
        // C's promotion: a bool compares as 0 or 1 (`down_read_trylock(..) == 0`)
        (BinOp::Eq, Bool(x), Int(y)) | (BinOp::Eq, Int(y), Bool(x)) => Bool(i64::from(x) == y),
        (BinOp::Ne, Bool(x), Int(y)) | (BinOp::Ne, Int(y), Bool(x)) => Bool(i64::from(x) != y),
        (BinOp::Eq, a, b) => Bool(a == b),
        (BinOp::Ne, a, b) => Bool(a != b),
        (op, Int(x), Int(y)) => match op {
            BinOp::BitOr => Int(x | y),
            BinOp::BitXor => Int(x ^ y),
            BinOp::BitAnd => Int(x & y),
            BinOp::Lt => Bool(x < y),
            BinOp::Le => Bool(x <= y),
            BinOp::Gt => Bool(x > y),
            BinOp::Ge => Bool(x >= y),
            BinOp::Shl if (0..64).contains(&y) => Int(x << y),
            BinOp::Shr if (0..64).contains(&y) => Int(x >> y),
            // Model integers are 64-bit: an overflow is an error, never a wrap-around.
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let r = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    BinOp::Mul => x.checked_mul(y),
                    BinOp::Div => x.checked_div(y),
                    _ => x.checked_rem(y),
                };
                match r {
                    Some(v) => Int(v),
                    None if y == 0 && matches!(op, BinOp::Div | BinOp::Rem) => {
                        return Err("division by zero".into());
                    }
                    None => return Err(format!("integer overflow in {x} {op:?} {y}")),
                }
            }
            _ => return Err("shift out of range (0..64)".into()),
        },
        (_, Local(_), _) | (_, _, Local(_)) => {
            return Err(
                "pointer arithmetic: a pointer names one variable, it cannot be offset or ordered (only `==` and `!=`)".into(),
            );
        }
        (BinOp::BitOr | BinOp::BitAnd | BinOp::BitXor, Bool(x), Bool(y)) => match op {
            BinOp::BitOr => Bool(x | y),
            BinOp::BitAnd => Bool(x & y),
            _ => Bool(x ^ y),
        },
        (_, a, b) => {
            return Err(format!(
                "operator on a {} and a {}",
                a.type_name(),
                b.type_name()
            ));
        }
    })
}
