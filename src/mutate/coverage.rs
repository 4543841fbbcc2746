//! Which model functions a test runs, from its baseline search: the functions on the call
//! stacks of the states it visits, plus the functions that may run and return within one
//! step (called from those), which never show on a stack.
//!
//! A mutant of a function the test never runs cannot change what the test explores: the
//! search goes through the same states as the baseline's (in the same order, for a search
//! that stops at its first violation). The baseline runs with partial-order reduction where
//! `mmcheck test` does; a function run on some path of the unreduced space runs on the
//! equivalent path the reduced search keeps.
//!
//! "May run within one step": a step ends at a shared access, so a function that makes at
//! least two accesses that are always steps of their own (locks, PTE writes, flushes), on
//! every path through it, is on a stack between them. Every other function (the analysis
//! counts low: a `*pte` read, a field or a page operation may fold into a step and count
//! nothing) is taken to run wherever a function that calls it runs.

use crate::explore::{Compact, Footprint, Model, Reducible, Transition, Violation};
use crate::ir::{Instr, Prim, Program};
use crate::lang::ast::{Block, Expr, ExprKind, Item, Module, StmtKind};
use crate::machine::{Action, Machine, State};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Primitives that are always a step of their own: they touch a lock, a PTE or the TLBs,
/// never a page that could still be private to the caller.
const ALWAYS_A_STEP: &[&str] = &[
    "spin_lock",
    "spin_unlock",
    "spin_trylock",
    "down_read",
    "down_write",
    "up_read",
    "up_write",
    "down_read_trylock",
    "down_write_trylock",
    "downgrade_write",
    "set_pte_at",
    "ptep_get_and_clear",
    "flush_tlb_page",
    "flush_tlb_range",
    "flush_tlb_mm",
    "write_seqcount_begin",
    "write_seqcount_end",
    "read_seqcount_begin",
    "raw_read_seqcount",
];

/// The fewest always-a-step accesses on any path through each model function (a lower
/// bound; calls count their callee's), by name.
pub fn min_steps(modules: &[&Module]) -> HashMap<String, u32> {
    let mut bodies: HashMap<&str, &Block> = HashMap::new();
    // the definitions first, then the overrides (which replace them)
    for over in [false, true] {
        for m in modules {
            for it in &m.items {
                if let Item::Func(f) = it
                    && f.is_override == over
                {
                    bodies.insert(&f.name, &f.body);
                }
            }
        }
    }
    let mut memo: HashMap<String, u32> = HashMap::new();
    let names: Vec<&str> = bodies.keys().copied().collect();
    for n in names {
        let mut stack = Vec::new();
        func_steps(n, &bodies, &mut memo, &mut stack);
    }
    memo
}

fn func_steps<'a>(
    name: &'a str,
    bodies: &HashMap<&'a str, &'a Block>,
    memo: &mut HashMap<String, u32>,
    stack: &mut Vec<&'a str>,
) -> u32 {
    if let Some(&v) = memo.get(name) {
        return v;
    }
    let Some(body) = bodies.get(name).copied() else {
        // a primitive
        return u32::from(ALWAYS_A_STEP.contains(&name) && Prim::by_name(name).is_some());
    };
    if stack.contains(&name) {
        return 0; // recursion: count nothing
    }
    stack.push(name);
    let (fall, exit) = block_steps(body, bodies, memo, stack);
    stack.pop();
    let v = fall.into_iter().chain(exit).min().unwrap_or(0);
    memo.insert(name.to_string(), v);
    v
}

fn add(a: Option<u32>, b: u32) -> Option<u32> {
    a.map(|x| x.saturating_add(b))
}

fn min_opt(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// (fewest steps on paths that fall off the block's end, fewest on paths that leave it by
/// `return`, `break` or `continue`); `None`: no such path.
fn block_steps<'a>(
    b: &'a Block,
    bodies: &HashMap<&'a str, &'a Block>,
    memo: &mut HashMap<String, u32>,
    stack: &mut Vec<&'a str>,
) -> (Option<u32>, Option<u32>) {
    let mut fall = Some(0u32);
    let mut exit: Option<u32> = None;
    for s in b {
        let Some(f) = fall else { break };
        let (sf, se) = match &s.kind {
            StmtKind::Let(_, e) => (
                Some(e.as_ref().map_or(0, |e| expr_steps(e, bodies, memo, stack))),
                None,
            ),
            StmtKind::Expr(e) => (Some(expr_steps(e, bodies, memo, stack)), None),
            StmtKind::Assign(l, _, r) => (
                Some(expr_steps(l, bodies, memo, stack) + expr_steps(r, bodies, memo, stack)),
                None,
            ),
            StmtKind::Return(e) => (
                None,
                Some(e.as_ref().map_or(0, |e| expr_steps(e, bodies, memo, stack))),
            ),
            StmtKind::Break | StmtKind::Continue => (None, Some(0)),
            StmtKind::If(c, a, e) => {
                let cc = expr_steps(c, bodies, memo, stack);
                let (af, ae) = block_steps(a, bodies, memo, stack);
                let (ef, ee) = match e {
                    Some(e) => block_steps(e, bodies, memo, stack),
                    None => (Some(0), None),
                };
                (add(min_opt(af, ef), cc), add(min_opt(ae, ee), cc))
            }
            StmtKind::While(c, body) => {
                let cc = expr_steps(c, bodies, memo, stack);
                let (_, be) = block_steps(body, bodies, memo, stack);
                if matches!(c.kind, ExprKind::Bool(true)) {
                    // left only by break or return
                    (add(be, cc), add(be, cc))
                } else {
                    (Some(cc), add(be, cc))
                }
            }
            // one step of its own
            StmtKind::Atomic(_) => (Some(1), None),
        };
        exit = min_opt(exit, add(se, f));
        fall = add(sf, f);
    }
    (fall, exit)
}

/// Always-a-step accesses an expression surely makes (the right side of `&&` and `||` may
/// not run).
fn expr_steps<'a>(
    e: &'a Expr,
    bodies: &HashMap<&'a str, &'a Block>,
    memo: &mut HashMap<String, u32>,
    stack: &mut Vec<&'a str>,
) -> u32 {
    use crate::lang::ast::BinOp;
    match &e.kind {
        ExprKind::Call(n, args) => {
            let own = func_steps(n, bodies, memo, stack);
            args.iter()
                .map(|a| expr_steps(a, bodies, memo, stack))
                .sum::<u32>()
                + own
        }
        ExprKind::Binary(BinOp::And | BinOp::Or, a, _) => expr_steps(a, bodies, memo, stack),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            expr_steps(a, bodies, memo, stack) + expr_steps(b, bodies, memo, stack)
        }
        ExprKind::Field(a, _)
        | ExprKind::Unary(_, a)
        | ExprKind::Deref(a)
        | ExprKind::AddrOf(a) => expr_steps(a, bodies, memo, stack),
        ExprKind::StructLit(_, fs) => fs
            .iter()
            .map(|(_, x)| expr_steps(x, bodies, memo, stack))
            .sum(),
        _ => 0,
    }
}

/// A machine whose search records the functions on the call stacks of every state it
/// reaches. It delegates everything to the machine, so the search is the same.
pub struct Cover<'a> {
    pub m: &'a Machine,
    seen: Vec<AtomicBool>,
}

impl<'a> Cover<'a> {
    pub fn new(m: &'a Machine) -> Cover<'a> {
        Cover {
            m,
            seen: (0..m.prog.funcs.len())
                .map(|_| AtomicBool::new(false))
                .collect(),
        }
    }
    fn note(&self, s: &State) {
        for t in &s.threads {
            for f in &t.frames {
                if let Some(b) = self.seen.get(f.func as usize) {
                    b.store(true, Ordering::Relaxed);
                }
            }
        }
    }
    /// The functions (by id) the test runs: on a stack of some state, or called from one
    /// that runs and able to return within a step (`min_steps` below 2); and the functions
    /// the machine calls outside the programs' steps (the invariants, the scenario set-up,
    /// the fault entry) with what they call likewise.
    pub fn ran(&self, steps: &HashMap<String, u32>) -> Vec<bool> {
        let p: &Program = &self.m.prog;
        let mut ran: Vec<bool> = self
            .seen
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let mut todo: Vec<usize> = (0..ran.len()).filter(|&i| ran[i]).collect();
        let mut roots: Vec<usize> = p.declared.iter().map(|d| d.func as usize).collect();
        roots.push(p.scenario.fault_entry as usize);
        roots.extend(
            p.funcs
                .iter()
                .enumerate()
                // the scenario set-up hooks, and the model functions the machine's own
                // checks call (`read_only_hook()`)
                .filter(|(_, f)| {
                    f.name.starts_with("scenario_")
                        || crate::machine::CHECK_HOOKS.contains(&f.name.as_str())
                })
                .map(|(i, _)| i),
        );
        for r in roots {
            if r < ran.len() && !ran[r] {
                ran[r] = true;
                todo.push(r);
            }
        }
        while let Some(f) = todo.pop() {
            for ins in &p.funcs[f].code {
                // a function named as a value may run from here: an indirect call, an IPI
                if let Instr::Call { func, .. } | Instr::Const(crate::ir::Value::Func(func)) = *ins
                {
                    let g = func as usize;
                    let transient = steps.get(&p.funcs[g].name).is_none_or(|&n| n < 2);
                    if g < ran.len() && !ran[g] && transient {
                        ran[g] = true;
                        todo.push(g);
                    }
                }
            }
        }
        ran
    }
}

impl Model for Cover<'_> {
    type State = State;
    type Action = Action;
    fn initial(&self) -> State {
        let s = self.m.initial();
        self.note(&s);
        s
    }
    fn actions(&self, s: &State, out: &mut Vec<Action>) {
        self.m.actions(s, out)
    }
    fn next(&self, s: &State, a: Action) -> Transition<State> {
        let t = self.m.next(s, a);
        if let Transition::Next(n, _) = &t {
            self.note(n);
        }
        t
    }
    fn at_end(&self, s: &State) -> Option<Violation> {
        self.m.at_end(s)
    }
    fn is_program(&self, a: Action) -> bool {
        self.m.is_program(a)
    }
    fn never_ends(&self, s: &State) -> Option<Violation> {
        self.m.never_ends(s)
    }
    fn state_bytes(&self, s: &State) -> usize {
        self.m.state_bytes(s)
    }
    fn fingerprint(&self, s: &State) -> u128 {
        self.m.fingerprint(s)
    }
}

impl Reducible for Cover<'_> {
    fn actor_of(&self, a: Action) -> Option<usize> {
        self.m.actor_of(a)
    }
    fn others_future(&self, s: &State, actor: usize) -> Footprint {
        Reducible::others_future(self.m, s, actor)
    }
    fn observed(&self) -> u64 {
        self.m.observed()
    }
}

impl Compact for Cover<'_> {
    fn encode(&self, s: &State, out: &mut Vec<u8>) {
        self.m.encode(s, out)
    }
    fn decode_into(&self, b: &[u8], into: &mut State) {
        self.m.decode_into(b, into)
    }
    fn encode_successor(&self, parent: &[u8], actor: Option<usize>, s: &State, out: &mut Vec<u8>) {
        self.m.encode_successor(parent, actor, s, out)
    }
    fn assign(&self, from: &State, into: &mut State) {
        self.m.assign(from, into)
    }
    fn step_in_place(&self, s: &mut State, a: Action) -> (Transition<()>, Footprint, bool) {
        let r = self.m.step_in_place(s, a);
        if let Transition::Next(..) = r.0 {
            self.note(s);
        }
        r
    }
}
