//! Rebuilds a counterexample by replay, describing each step in kernel terms: the model
//! function, the statement, and its effect on shared state. The report layer renders it.

use super::interp::{self, StepLog, StepResult};
use super::state::State;
use super::{Action, Machine};
use crate::explore::{Model, Violation};
use crate::ir::Pte;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct TraceStep {
    /// The CPU that moved.
    pub cpu: usize,
    /// A hardware event rather than code (TLB eviction or speculative fill).
    pub hardware: bool,
    /// The model function (kernel function) the step ran in, or "user" for user code.
    pub function: String,
    /// The kernel source the function follows.
    pub source: Option<String>,
    /// The statement, as written in the model (on one line). When the step goes on with a
    /// statement an earlier step of this CPU began (`continues`), the shared access it goes
    /// on with instead, e.g. `(cont.) set_pte_at()`.
    pub statement: String,
    /// file:line:column of the statement.
    pub location: String,
    /// The step goes on with the statement this CPU's previous step showed: each shared
    /// access of a statement is a step of its own.
    pub continues: bool,
    /// PTEs the step read with `*ptep`, and the values read.
    pub reads: Vec<PteRead>,
    /// The conditions the step decided, in order.
    pub decisions: Vec<Decision>,
    /// Hardware detail: TLB hits, walks, faults.
    pub notes: Vec<String>,
    /// Statements folded into this step: they touched only pages still private to the CPU.
    pub folded: Vec<String>,
    /// Changes to shared state.
    pub effects: Vec<String>,
    /// The invariants this step broke (a state invariant that stays broken is listed at the
    /// step that broke it only).
    pub violations: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub test: String,
    pub cpus: usize,
    pub steps: Vec<TraceStep>,
    /// Where each CPU stands after the last step, e.g. "cpu0: in change_protection_range(),
    /// next: flush_tlb_range(vma, start, end);".
    pub positions: Vec<String>,
    /// The invariant broken where the path ends: by its last step, in its last state, or at
    /// the end of the run (deadlock, end-of-run checks). None if the last state breaks none.
    pub violation: Option<TraceViolation>,
    /// Every invariant broken along the path, in order.
    pub violations: Vec<TraceViolation>,
    /// Steps of the path after a step that stopped the machine: they were not run.
    pub not_run: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraceViolation {
    /// The step (1-based) that broke it; None: found at the end of the path (a deadlock or an
    /// end-of-run check).
    pub step: Option<usize>,
    pub invariant: String,
    pub message: String,
    /// The violation stops the machine: the step has no successor state.
    pub stops: bool,
}

pub fn page_name(m: &Machine, frame: usize) -> String {
    if frame == usize::MAX {
        // the frame of pfn 0 (`pfn - 1` wrapped): none
        return "pfn 0 (no frame)".into();
    }
    let pages = &m.prog.scenario.pages;
    if frame == m.prog.scenario.frames {
        return "ZERO".into();
    }
    match pages.get(frame) {
        Some(p) => p.name.clone(),
        None => format!("N{}", frame + 1 - pages.len()),
    }
}

/// The name of the frame a PTE or TLB entry's pfn names (pfn 0 names none).
pub fn pfn_name(m: &Machine, pfn: u32) -> String {
    match (pfn as usize).checked_sub(1) {
        Some(f) => page_name(m, f),
        None => "pfn 0 (no frame)".into(),
    }
}

pub fn slot_name(m: &Machine, slot: usize) -> String {
    for v in &m.prog.scenario.vmas {
        if slot >= v.first_slot && slot < v.first_slot + v.pages {
            return if v.pages == 1 {
                v.name.clone()
            } else {
                format!("{}[{}]", v.name, slot - v.first_slot)
            };
        }
    }
    format!("#{slot}")
}

/// A slot of mm `mm`: as `slot_name`, prefixed `mmN:` past the scenario's mm 0.
pub fn mm_slot_name(m: &Machine, mm: usize, slot: usize) -> String {
    if mm == 0 {
        slot_name(m, slot)
    } else {
        format!("mm{mm}:{}", slot_name(m, slot))
    }
}

/// Entry `i` of a CPU's TLB row (mm x slot), as `mm_slot_name` names it.
pub fn tlb_row_name(m: &Machine, i: usize) -> String {
    let slots = m.slots();
    mm_slot_name(m, i / slots, i % slots)
}

/// PMD entry `i` (`State::pmds`): its range, prefixed `mmN:` past mm 0.
pub fn pmd_name(m: &Machine, i: usize) -> String {
    let (mm, r) = m.prog.scenario.layout.pmd_owner(i);
    if mm == 0 {
        region_name(m, r)
    } else {
        format!("mm{mm}:{}", region_name(m, r))
    }
}

/// A 2 MiB range by the VMAs in it (`X`, `X Y`), or its address.
pub fn region_name(m: &Machine, r: usize) -> String {
    let l = &m.prog.scenario.layout;
    let base = l.region_base[r];
    let names: Vec<&str> = m
        .prog
        .scenario
        .vmas
        .iter()
        .filter(|v| v.start < base + crate::ir::PTRS_PER_PTE && base < v.start + v.pages as i64)
        .map(|v| v.name.as_str())
        .collect();
    if names.is_empty() {
        format!("@{base}")
    } else {
        names.join(" ")
    }
}

pub fn pmd_text(m: &Machine, p: crate::ir::Pmd) -> String {
    match (p.table_of(), p.leaf()) {
        (Some((t, _)), _) => format!("table {t}"),
        (None, Some(leaf)) => format!("huge {}", pte_text(m, leaf)),
        _ => "none".into(),
    }
}

pub fn pte_text(m: &Machine, p: Pte) -> String {
    p.describe(|pfn| pfn_name(m, pfn))
}

fn effects(m: &Machine, a: &State, b: &State) -> Vec<String> {
    let mut out = Vec::new();
    let row = m.slots() * m.prog.scenario.layout.mms;
    for s in 0..a.ptes.len() {
        if a.ptes[s] != b.ptes[s] {
            out.push(format!(
                "PTE {}: {} -> {}",
                super::x86::entry_name(m, b, s),
                pte_text(m, a.ptes[s]),
                pte_text(m, b.ptes[s])
            ));
        }
    }
    for cpu in 0..m.cpus() {
        for s in 0..row {
            let (x, y) = (a.tlb[cpu * row + s], b.tlb[cpu * row + s]);
            if x != y {
                let what = match y {
                    None => "dropped".to_string(),
                    Some(e) => format!(
                        "{} rw={} d={}",
                        pfn_name(m, e.pfn.into()),
                        e.write as u8,
                        e.dirty as u8
                    ),
                };
                out.push(format!("TLB cpu{cpu} {}: {what}", tlb_row_name(m, s)));
            }
        }
        if !a.threads[cpu].task_running && b.threads[cpu].task_running {
            out.push(format!("cpu{cpu} woken"));
        }
    }
    // the page tables: PMD entries, the table pool, the paging-structure caches
    for r in 0..a.pmds.len() {
        if a.pmds[r] != b.pmds[r] {
            out.push(format!(
                "PMD {}: {} -> {}",
                pmd_name(m, r),
                pmd_text(m, a.pmds[r]),
                pmd_text(m, b.pmds[r])
            ));
        }
    }
    for (t, (x, y)) in a.tables.iter().zip(&b.tables).enumerate() {
        if x.allocated != y.allocated {
            let what = if y.allocated { "allocated" } else { "freed" };
            out.push(format!("PTE table {t} {what}"));
        }
    }
    for (i, (x, y)) in a.psc.iter().zip(&b.psc).enumerate() {
        if x != y {
            // (per CPU, the mms' PMD entries as `State::pmds` lays them out)
            let (cpu, r) = (i / a.pmds.len(), i % a.pmds.len());
            let what = if y.is_none() {
                "dropped".to_string()
            } else {
                pmd_text(m, *y)
            };
            out.push(format!(
                "paging-structure cache cpu{cpu} {}: {what}",
                pmd_name(m, r)
            ));
        }
    }
    for (i, (x, y)) in a.frames.iter().zip(&b.frames).enumerate() {
        let n = page_name(m, i);
        if !x.allocated && y.allocated {
            out.push(format!("{n} allocated"));
            continue;
        }
        if x.allocated && !y.allocated {
            out.push(format!("{n} freed"));
            continue;
        }
        if x.data != y.data {
            out.push(format!("{n} = {}", y.data));
        }
    }
    // the words of declared objects: globals, each page's struct page, the mm
    let mem = &m.prog.memory;
    for (w, (x, y)) in a.mem.iter().zip(&b.mem).enumerate() {
        if x != y
            && mem
                .frame_of(w)
                .is_none_or(|f| a.frames[f].allocated == b.frames[f].allocated)
        {
            out.push(match mem.kind(w) {
                Some(crate::ir::WordKind::Rwsem) => format!(
                    "{}: {} -> {}",
                    mem.word_name(w),
                    super::family::rwsem::state_text(*x),
                    super::family::rwsem::state_text(*y)
                ),
                Some(crate::ir::WordKind::Handle) => format!(
                    "{} {} -> {}",
                    mem.word_name(w),
                    handle_text(m, *x),
                    handle_text(m, *y)
                ),
                _ => format!("{} {x} -> {y}", mem.word_name(w)),
            });
        }
    }
    out
}

/// A handle word as the diagram names what it points to: a page, an mm, a VMA, a declared
/// object (by its first field's name, less the field), or null.
fn handle_text(m: &Machine, w: i64) -> String {
    let mem = &m.prog.memory;
    match crate::ir::word_to_handle(w) {
        crate::ir::Value::Null => "null".into(),
        crate::ir::Value::Page(f) => page_name(m, f as usize),
        crate::ir::Value::Mm(k) => format!("mm{k}"),
        crate::ir::Value::Vma(i) => mem
            .vma_names
            .get(i as usize)
            .map_or_else(|| format!("vma{i}"), |n| format!("VMA {n}")),
        crate::ir::Value::Obj(b) => {
            let n = mem.word_name(b as usize);
            n.rsplit_once('.').map_or(n.clone(), |(o, _)| o.to_string())
        }
        crate::ir::Value::PgTable(p) => p
            .table_of()
            .map_or_else(|| w.to_string(), |(t, _)| format!("PTE table {t}")),
        _ => w.to_string(),
    }
}

/// A condition a step decided: an `if`/`while` condition, or the left operand of `&&`/`||`.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// The model function the condition is in.
    pub function: String,
    /// The condition as written in the model.
    pub condition: String,
    /// Its value.
    pub value: bool,
    /// How the diagram shows it: `!trylock_page(page)` that is false reads
    /// `trylock_page(page) -> true`.
    pub text: String,
    /// file:line:column of the condition.
    pub location: String,
    /// The condition reads shared state itself (a `*ptep`, a shared primitive such as
    /// `trylock_page()` or `page_count()`), rather than locals computed earlier. The
    /// diagram shows these (and the step's own condition).
    pub shared: bool,
    /// The left operand of `&&` / `||` rather than a whole `if` / `while` condition.
    pub operand: bool,
}

/// A PTE read by `*ptep`.
#[derive(Debug, Clone, Serialize)]
pub struct PteRead {
    /// The PTE, named by its address (`X`, `X[1]`).
    pub pte: String,
    /// The value read, e.g. `P rw=0 d=1`.
    pub value: String,
}

/// A replay that cannot go on: step `step` (0-based) of the path cannot run here.
#[derive(Debug, Clone)]
pub struct ReplayError {
    pub step: usize,
    pub message: String,
}

/// Source text on one line: comments dropped, whitespace collapsed, a trailing `{` removed.
pub fn one_line(text: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    for line in text.lines() {
        let code = line.split_once("//").map_or(line, |(c, _)| c);
        words.extend(code.split_whitespace());
    }
    let s = words.join(" ");
    let s = s.trim_end_matches('{').trim_end();
    balance(s)
}

/// Closes or opens the parentheses a span cut through (a span of `a` in `(a || b) && c`).
fn balance(s: &str) -> String {
    let (mut open, mut missing) = (0i32, 0i32);
    for c in s.chars() {
        match c {
            '(' => open += 1,
            ')' if open > 0 => open -= 1,
            ')' => missing += 1,
            _ => {}
        }
    }
    let mut out = "(".repeat(missing as usize);
    out.push_str(s);
    out.push_str(&")".repeat(open.max(0) as usize));
    out
}

/// `f(x)`, `a->b`, `(a && b)`: an operand that a leading `!` negates as a whole.
fn single_operand(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
        i += 1;
        if i + 1 < b.len() && &b[i..i + 2] == b"->" {
            i += 2;
        }
    }
    if i == b.len() {
        return i > 0;
    }
    if b[i] != b'(' {
        return false;
    }
    let mut depth = 0;
    for (j, &c) in b.iter().enumerate().skip(i) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1 == b.len();
                }
            }
            _ => {}
        }
    }
    false
}

/// How a decided condition reads: a negated call shows the call's own value.
pub fn decision_text(condition: &str, value: bool) -> String {
    if let Some(rest) = condition.strip_prefix('!')
        && single_operand(rest.trim_start())
    {
        return format!("{} -> {}", rest.trim_start(), !value);
    }
    format!("{condition} -> {value}")
}

/// The position of the statement (`Instr::Stmt`) that instruction `pc` belongs to.
fn statement_of(func: &crate::ir::Func, pc: usize) -> usize {
    let mut pc = pc.min(func.code.len().saturating_sub(1));
    while pc > 0 && !matches!(func.code[pc], crate::ir::Instr::Stmt { .. }) {
        pc -= 1;
    }
    pc
}

/// An instruction a thread can stop at in the middle of a statement: a shared access.
fn is_access(i: crate::ir::Instr) -> bool {
    use crate::ir::Instr::*;
    matches!(i, Prim { .. } | Deref | User(_) | SetField(_))
}

/// Where a running thread stands: (function, pc), and whether it stands inside a
/// statement an earlier step began (it stopped at a second shared access of it).
fn stands_at(m: &Machine, st: &State, cpu: usize) -> Option<(u16, usize, bool)> {
    let f = st.threads.get(cpu)?.frames.last()?;
    let func = &m.prog.funcs[f.func as usize];
    let pc = f.pc as usize;
    let mid = func.code.get(pc).is_some_and(|&i| is_access(i));
    Some((f.func, pc, mid))
}

/// How the diagram names the shared access a resumed statement goes on with.
fn access_text(m: &Machine, func: u16, pc: usize) -> String {
    use crate::ir::{Instr, UserOp};
    let f = &m.prog.funcs[func as usize];
    match f.code.get(pc) {
        Some(Instr::Prim { prim, .. }) => format!("{}()", prim.name()),
        Some(Instr::User(UserOp::Store)) => "the store".into(),
        Some(Instr::User(UserOp::Add)) => "the atomic add".into(),
        Some(Instr::SetField(fid)) => format!("the write of {}", m.prog.field_name(*fid)),
        _ => one_line(m.prog.sources.text(f.spans[pc])),
    }
}

/// The decisions of a step as the diagram shows them. A short-circuit operand whose
/// statement was rolled back (the step stopped before that statement's shared access) is
/// dropped, and so is one whose whole condition the step decided too.
fn decisions(m: &Machine, log: &StepLog, end: Option<(u16, usize, bool)>) -> Vec<Decision> {
    use crate::ir::Instr;
    let mut raw: Vec<(u16, usize, bool)> = log
        .decisions
        .iter()
        .map(|&(f, pc, b)| (f, pc as usize, b))
        .collect();
    let keep_jump = |f: u16, pc: usize| {
        matches!(
            m.prog.funcs[f as usize].code.get(pc),
            Some(Instr::JumpIfFalseKeep(_) | Instr::JumpIfTrueKeep(_))
        )
    };
    // The step ended back at the start of a statement: operands it had decided before the
    // statement's first shared access were undone.
    if let Some((ef, epc, false)) = end {
        let func = &m.prog.funcs[ef as usize];
        let first_access = (epc + 1..func.code.len())
            .find(|&i| is_access(func.code[i]) || matches!(func.code[i], Instr::Stmt { .. }))
            .unwrap_or(func.code.len());
        while let Some(&(f, pc, _)) = raw.last() {
            if f == ef && pc > epc && pc < first_access && keep_jump(f, pc) {
                raw.pop();
            } else {
                break;
            }
        }
    }
    let span_of = |f: u16, pc: usize| {
        let func = &m.prog.funcs[f as usize];
        let sp = func.spans[pc];
        if keep_jump(f, pc) && pc > 0 {
            // the left operand: from the start of `a && b` to the end of `a`'s code
            crate::lang::Span {
                end: func.spans[pc - 1].end.max(sp.start),
                ..sp
            }
        } else {
            sp
        }
    };
    let mut out: Vec<Decision> = Vec::new();
    for (i, &(f, pc, value)) in raw.iter().enumerate() {
        let sp = span_of(f, pc);
        if keep_jump(f, pc)
            && raw[i + 1..].iter().any(|&(g, qc, _)| {
                let outer = span_of(g, qc);
                g == f && outer.file == sp.file && outer.start <= sp.start && outer.end > sp.end
            })
        {
            continue;
        }
        let condition = one_line(m.prog.sources.text(sp));
        if condition == "true" || condition == "false" {
            continue;
        }
        let func = &m.prog.funcs[f as usize];
        let shared = func.code[statement_of(func, pc)..pc].iter().any(|&i| {
            matches!(i, Instr::Deref | Instr::User(_))
                || matches!(i, Instr::Prim { prim, .. } if prim.class() == crate::ir::PrimClass::Shared)
                // a model function that touches shared state (trylock_page(), page_count())
                || matches!(i, Instr::CallIndirect { .. })
                || matches!(i, Instr::Call { func, .. } if m.futures.get(func as usize)
                    .and_then(|f| f.first())
                    .is_some_and(|fp| fp.reads | fp.writes != 0))
        });
        out.push(Decision {
            shared,
            operand: keep_jump(f, pc),
            function: func.name.clone(),
            text: decision_text(&condition, value),
            condition,
            value,
            location: m.prog.sources.location(sp),
        });
    }
    out
}

/// Replays CPU `c` taking the IPI of `sender`. Err: why it cannot happen here.
fn replay_ipi(m: &Machine, st: &mut State, c: usize, sender: usize) -> Result<(), String> {
    let cpus = m.cpus();
    if c >= cpus || sender >= cpus {
        return Err(format!("there is no cpu{}", c.max(sender)));
    }
    let queued = st
        .csd
        .get(sender * cpus + c)
        .is_some_and(|x| x.state == super::state::CsdState::Queued);
    if !queued {
        return Err(format!("cpu{sender} has no call queued on cpu{c} here"));
    }
    if st.threads[c].irqs_off {
        return Err(format!("cpu{c} has IRQs disabled here: it takes no IPI"));
    }
    match m.take_ipi(st, c, sender) {
        StepResult::Stepped => Ok(()),
        StepResult::Violation(v) => Err(v.message),
        StepResult::Blocked => Err(format!("cpu{c} cannot take cpu{sender}'s IPI here")),
    }
}

/// Replays a hardware event on the raw machine (no state reductions, so that frame names
/// stay the same along the trace). Err: why it cannot happen here.
fn hardware_event(m: &Machine, st: &mut State, a: Action) -> Result<(), String> {
    let l = &m.prog.scenario.layout;
    let k = &m.prog.scenario.knobs;
    let (c, s, evict) = match a {
        Action::Evict(c, s) => (c as usize, s as usize, true),
        Action::Fill(c, s) => (c as usize, s as usize, false),
        Action::Ipi(c, sender) => return replay_ipi(m, st, c as usize, sender as usize),
        Action::Cpu(_) | Action::Choose(..) => return Err("not a hardware event".into()),
    };
    if c >= m.cpus() {
        return Err(format!(
            "there is no cpu{c}: this test has {} CPU(s)",
            m.cpus()
        ));
    }
    // an eviction counts in the CPU's row of mm x slot, a fill in the slots of its mm
    let slots = if evict { l.mms * l.slots() } else { l.slots() };
    if s >= slots {
        let names: Vec<String> = (0..slots).map(|i| tlb_row_name(m, i)).collect();
        return Err(format!(
            "there is no page slot {s}: this test has {slots} page slot(s) ({})",
            names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{i} = {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mm = st.mm_of_cpu(c);
    let at = if evict {
        c * slots + s
    } else {
        l.tlb_index(c, mm, s)
    };
    let entry = st.tlb[at];
    if evict {
        if !k.tlb_evict {
            return Err(
                "this test does not enable `knob tlb_evict;`: its TLB entries are never evicted"
                    .into(),
            );
        }
        if entry.is_none() {
            return Err(format!(
                "cpu{c}'s TLB holds no entry for {} here",
                tlb_row_name(m, s)
            ));
        }
        st.tlb[at] = None;
    } else {
        if !k.tlb_speculative {
            return Err("this test does not enable `knob tlb_speculative;`: its TLBs are never filled speculatively".into());
        }
        match super::x86::speculative_fill(st, l, mm, s) {
            None => {
                return Err(format!(
                    "PTE {} ({}) maps no live page here: nothing to fill",
                    mm_slot_name(m, mm, s),
                    pte_text(m, st.pte_of(l, mm, s))
                ));
            }
            Some(e) if Some(e) == entry => {
                return Err(format!(
                    "cpu{c}'s TLB already holds that entry for {}",
                    slot_name(m, s)
                ));
            }
            Some(_) => {
                super::x86::fill_tlb(st, &m.prog.scenario.layout, c, s);
            }
        }
    }
    // The search offers exactly the enabled events; anything it would not offer is refused.
    Ok(())
}

/// Why cpu `c` cannot take a step in `st`.
fn cannot_move(m: &Machine, st: &State, c: usize) -> String {
    use super::state::Status;
    let Some(t) = st.threads.get(c) else {
        return format!("there is no cpu{c}: this test has {} CPU(s)", m.cpus());
    };
    match t.status {
        Status::Done => format!("cpu{c} has already finished its program"),
        Status::Killed if t.signal == super::state::SIGBUS => {
            format!("cpu{c} was killed by SIGBUS")
        }
        Status::Killed => format!("cpu{c} was killed by SIGSEGV"),
        Status::Running => match super::waiting_on(m, st, c) {
            Some(w) => format!("cpu{c} cannot move here: it {w}"),
            None if at_schedule(m, st, c) && !t.task_running => {
                format!("cpu{c} cannot move here: it sleeps in schedule() until woken")
            }
            None => format!("cpu{c} cannot move here: it waits for a userfaultfd message"),
        },
    }
}

/// Replays `path` and describes each step, with every invariant broken along the way.
///
/// A step that breaks an invariant without stopping the machine (`Transition::Next` with a
/// violation) is recorded and the replay goes on; a state invariant that stays broken over
/// several steps is recorded at the step that broke it. A step that stops the machine ends
/// the replay: the steps after it are counted in `not_run`, not run. Err: a step that cannot
/// run here (no such CPU or slot, a CPU that is blocked or finished, a hardware event the
/// test does not enable or that has nothing to act on).
pub fn build(m: &Machine, path: &[Action]) -> Result<Trace, ReplayError> {
    let mut st = m.initial();
    let mut steps = Vec::new();
    let mut found: Vec<TraceViolation> = Vec::new();
    // the violations of the state after the previous step (to record each once)
    let mut ongoing: Vec<Violation> = Vec::new();
    let mut last: Option<Violation> = None;
    let mut not_run = 0;
    // per CPU, the statement its last step showed
    let mut shown: Vec<Option<(u16, crate::lang::Span)>> = vec![None; m.cpus()];
    for (i, &a) in path.iter().enumerate() {
        let err = |message: String| ReplayError { step: i, message };
        let mut log = StepLog::default();
        let (cpu, hardware) = match a {
            Action::Cpu(c) | Action::Choose(c, _) => (c as usize, false),
            Action::Evict(c, _) | Action::Fill(c, _) | Action::Ipi(c, _) => (c as usize, true),
        };
        let before = stands_at(m, &st, cpu);
        let mut next = st.clone();
        let mut now: Vec<Violation> = Vec::new();
        let mut stops = false;
        match a {
            Action::Cpu(c) | Action::Choose(c, _) => {
                let c = c as usize;
                if c >= m.cpus() || st.threads[c].status != super::state::Status::Running {
                    return Err(err(cannot_move(m, &st, c)));
                }
                let choice = match a {
                    Action::Choose(_, b) => Some(b),
                    _ => None,
                };
                // the search offers a choice's two outcomes exactly where a CPU stands at one
                match (interp::at_choice(m, &st, c), choice) {
                    (true, None) => {
                        return Err(err(format!(
                            "cpu{c} stands at a nondet() here: its step is a choice, written \
                             `c{c}.0` (false) or `c{c}.1` (true)"
                        )));
                    }
                    (false, Some(_)) => {
                        return Err(err(format!(
                            "cpu{c} stands at no nondet() here: its step is written `{c}`"
                        )));
                    }
                    _ => {}
                }
                let (r, soft, _, _) = interp::step_with(m, &mut next, c, choice, Some(&mut log));
                match r {
                    StepResult::Blocked => return Err(err(cannot_move(m, &st, c))),
                    StepResult::Violation(v) => {
                        now.push(m.selected_stop(v));
                        stops = true;
                    }
                    StepResult::Stepped => now.extend(soft.filter(|v| m.checks(v.invariant))),
                }
            }
            _ => hardware_event(m, &mut next, a).map_err(err)?,
        }
        if !stops
            && let Some(v) = m
                .check_state(&next)
                .or_else(|| m.check_declared(&mut next, false, !0))
            && !now.iter().any(|w| w.invariant == v.invariant)
        {
            now.push(v);
        }
        let after = if stops {
            None
        } else {
            stands_at(m, &next, cpu)
        };
        let stmt_text = |span| one_line(m.prog.sources.text(span));
        let main_stmt = log.main;
        let mut folded: Vec<String> = Vec::new();
        for &(f, span) in &log.folded {
            let t = format!("{}: {}", m.prog.funcs[f as usize].name, stmt_text(span));
            if Some((f, span)) != main_stmt && !folded.contains(&t) {
                folded.push(t);
            }
        }
        // A step that goes on with the statement this CPU's previous step showed names the
        // access it goes on with, not the statement again. (A statement begun by local code
        // at the end of a step, or left for a call or a fault, is shown whole.)
        let continues = match (before, main_stmt) {
            (Some((f, pc, true)), Some((g, span))) if !hardware => {
                let func = &m.prog.funcs[f as usize];
                f == g
                    && func.spans[statement_of(func, pc)] == span
                    && shown[cpu] == Some((g, span))
            }
            _ => false,
        };
        if !hardware {
            shown[cpu] = main_stmt;
        }
        let (function, source, statement, location) = match main_stmt {
            Some((f, span)) => {
                let func = &m.prog.funcs[f as usize];
                let text = match before {
                    Some((bf, pc, _)) if continues => {
                        format!("(cont.) {}", access_text(m, bf, pc))
                    }
                    _ => stmt_text(span),
                };
                (
                    if func.user {
                        "user".to_string()
                    } else {
                        func.name.clone()
                    },
                    func.source.clone(),
                    text,
                    m.prog.sources.location(span),
                )
            }
            None => match a {
                Action::Evict(_, s) => (
                    "hardware".into(),
                    None,
                    format!("TLB evicts {}", tlb_row_name(m, s as usize)),
                    String::new(),
                ),
                Action::Fill(_, s) => (
                    "hardware".into(),
                    None,
                    format!("speculative TLB fill of {}", slot_name(m, s as usize)),
                    String::new(),
                ),
                Action::Ipi(c, sender) => {
                    let i = sender as usize * m.cpus() + c as usize;
                    let func = next.csd.get(i).map_or(String::new(), |x| {
                        format!(": {}()", m.prog.funcs[x.func as usize].name)
                    });
                    (
                        "IPI".into(),
                        None,
                        format!("takes cpu{sender}'s IPI{func}"),
                        String::new(),
                    )
                }
                Action::Cpu(_) | Action::Choose(..) => {
                    ("(returns)".into(), None, String::new(), String::new())
                }
            },
        };
        let reads = log
            .reads
            .iter()
            .map(|(name, p)| PteRead {
                pte: name.clone(),
                value: pte_text(m, *p),
            })
            .collect();
        let new: Vec<&Violation> = now
            .iter()
            .filter(|v| stops || !ongoing.iter().any(|w| w.invariant == v.invariant))
            .collect();
        for v in &new {
            found.push(TraceViolation {
                step: Some(i + 1),
                invariant: v.invariant.to_string(),
                message: v.message.clone(),
                stops,
            });
        }
        steps.push(TraceStep {
            cpu,
            hardware,
            function,
            source,
            statement,
            location,
            continues,
            reads,
            decisions: decisions(m, &log, after),
            notes: log.notes,
            folded,
            effects: effects(m, &st, &next),
            violations: new.iter().map(|v| v.invariant.to_string()).collect(),
        });
        last = now.first().cloned();
        ongoing = now;
        st = next;
        if stops {
            not_run = path.len() - i - 1;
            break;
        }
    }
    // A path can also end where nothing can move (deadlock, end-of-run checks).
    let stopped = found
        .last()
        .is_some_and(|f| f.stops && f.step == Some(steps.len()));
    if !stopped
        && crate::explore::is_stuck(m, &st)
        && let Some(v) = m.at_end(&st)
    {
        found.push(TraceViolation {
            step: None,
            invariant: v.invariant.to_string(),
            message: v.message.clone(),
            stops: true,
        });
        last = Some(v);
    }
    // The CPU whose step stopped the machine stands inside that step's statement.
    let stopper = match steps.last() {
        Some(s) if stopped && !s.hardware => Some(s.cpu),
        _ => None,
    };
    let positions = (0..m.cpus())
        .map(|c| position(m, &st, c, stopper == Some(c)))
        .collect();
    Ok(Trace {
        test: m.prog.scenario.name.clone(),
        cpus: m.cpus(),
        steps,
        positions,
        violation: last.map(|v| {
            // a state invariant still broken: named at the step that broke it
            let first = found.iter().rev().find(|f| f.invariant == v.invariant);
            TraceViolation {
                step: first.and_then(|f| f.step),
                invariant: v.invariant.to_string(),
                message: v.message,
                stops: first.is_some_and(|f| f.stops),
            }
        }),
        violations: found,
        not_run,
    })
}

/// Is the thread about to call schedule() (the next shared primitive it reaches)?
fn at_schedule(m: &Machine, st: &State, cpu: usize) -> bool {
    use crate::ir::{Instr, Prim, PrimClass};
    let Some(f) = st.threads[cpu].frames.last() else {
        return false;
    };
    let func = &m.prog.funcs[f.func as usize];
    for i in func.code.iter().skip(f.pc as usize) {
        match i {
            Instr::Prim {
                prim: Prim::Schedule,
                ..
            } => return true,
            Instr::Prim { prim, .. } if prim.class() == PrimClass::Shared => return false,
            Instr::Stmt { .. }
            | Instr::Const(_)
            | Instr::Load(_)
            | Instr::Store(_)
            | Instr::GetField(_)
            | Instr::Dup
            | Instr::Pop
            | Instr::Unary(_)
            | Instr::Binary(_)
            | Instr::Prim { .. } => {}
            _ => return false,
        }
    }
    false
}

/// The function a CPU is in and the statement it runs next.
fn position(m: &Machine, st: &State, cpu: usize, stopped: bool) -> String {
    let t = &st.threads[cpu];
    match t.status {
        super::state::Status::Done => return format!("cpu{cpu}: finished"),
        super::state::Status::Killed => {
            let sig = if t.signal == super::state::SIGBUS {
                "SIGBUS"
            } else {
                "SIGSEGV"
            };
            return format!("cpu{cpu}: killed by {sig}");
        }
        super::state::Status::Running => {}
    }
    let Some(f) = t.frames.last() else {
        return format!("cpu{cpu}: finished");
    };
    let func = &m.prog.funcs[f.func as usize];
    let pc = f.pc as usize;
    let span = func
        .spans
        .get(statement_of(func, pc))
        .copied()
        .unwrap_or(func.span);
    let mut text = one_line(m.prog.sources.text(span));
    let place = if func.user {
        "user code".to_string()
    } else {
        format!("{}()", func.name)
    };
    if stopped {
        return format!("cpu{cpu}: in {place}, stopped in: {text}");
    }
    if func.code.get(pc).is_some_and(|&i| is_access(i)) {
        text = format!("{} (cont. of `{text}`)", access_text(m, f.func, pc));
    }
    // TASK_INTERRUPTIBLE alone is not sleep: the CPU sleeps once it is in schedule().
    let waiting = if t.task_running {
        ""
    } else if at_schedule(m, st, cpu) {
        " (asleep in schedule())"
    } else {
        " (TASK_INTERRUPTIBLE, not yet in schedule())"
    };
    format!("cpu{cpu}: in {place}{waiting}, next: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negated_call_shows_the_call_value() {
        assert_eq!(
            decision_text("!trylock_page(page)", false),
            "trylock_page(page) -> true"
        );
        assert_eq!(
            decision_text("!pte_same(*vmf->pte, entry)", false),
            "pte_same(*vmf->pte, entry) -> true"
        );
        assert_eq!(decision_text("!vmf->pte", true), "vmf->pte -> false");
        // a negation of only the first operand stays as written
        assert_eq!(
            decision_text("!pte_write(*pte) && (reason & VM_UFFD_WP)", true),
            "!pte_write(*pte) && (reason & VM_UFFD_WP) -> true"
        );
        assert_eq!(
            decision_text("!f(a) || g(b)", false),
            "!f(a) || g(b) -> false"
        );
        assert_eq!(
            decision_text("page_count(page) != 1", true),
            "page_count(page) != 1 -> true"
        );
    }

    #[test]
    fn source_text_on_one_line() {
        assert_eq!(
            one_line("set_pte_at(mm, addr,\n        ptep, // why\n  pte);"),
            "set_pte_at(mm, addr, ptep, pte);"
        );
        assert_eq!(one_line("while x {"), "while x");
        // a span that starts inside parentheses
        assert_eq!(one_line("a || b) && c"), "(a || b) && c");
        assert_eq!(one_line("f(a"), "f(a)");
    }
}
