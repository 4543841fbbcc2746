//! Rebuilds a counterexample by replay, describing each step in kernel terms: the model
//! function, the statement, and its effect on shared state. The report layer renders it.

use super::interp::{self, StepLog, StepResult};
use super::state::State;
use super::{Action, Machine};
use crate::explore::{Model, Transition, Violation};
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
    /// The statement, as written in the model.
    pub statement: String,
    /// file:line:column of the statement.
    pub location: String,
    /// Hardware detail: TLB hits, walks, faults.
    pub notes: Vec<String>,
    /// Statements folded into this step: they touched only pages still private to the CPU.
    pub folded: Vec<String>,
    /// Changes to shared state.
    pub effects: Vec<String>,
    /// An invariant this step broke.
    pub violation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub test: String,
    pub cpus: usize,
    pub steps: Vec<TraceStep>,
    /// Where each CPU stands after the last step, e.g. "cpu0: in change_protection_range(),
    /// next: flush_tlb_range(vma, start, end);".
    pub positions: Vec<String>,
    pub violation: Option<TraceViolation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraceViolation {
    pub invariant: String,
    pub message: String,
}

pub fn page_name(m: &Machine, frame: usize) -> String {
    let pages = &m.prog.scenario.pages;
    if frame == m.prog.scenario.frames {
        return "ZERO".into();
    }
    match pages.get(frame) {
        Some(p) => p.name.clone(),
        None => format!("N{}", frame + 1 - pages.len()),
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

pub fn pte_text(m: &Machine, p: Pte) -> String {
    p.describe(|pfn| page_name(m, pfn as usize - 1))
}

fn effects(m: &Machine, a: &State, b: &State) -> Vec<String> {
    let mut out = Vec::new();
    let slots = m.slots();
    for s in 0..slots {
        if a.ptes[s] != b.ptes[s] {
            out.push(format!(
                "PTE {}: {} -> {}",
                slot_name(m, s),
                pte_text(m, a.ptes[s]),
                pte_text(m, b.ptes[s])
            ));
        }
    }
    for (i, mm) in a.mms.iter().enumerate() {
        let nb = &b.mms[i];
        if mm.tlb_flush_pending != nb.tlb_flush_pending {
            out.push(format!(
                "tlb_flush_pending {} -> {}",
                mm.tlb_flush_pending, nb.tlb_flush_pending
            ));
        }
        if mm.uffd_msgs.len() < nb.uffd_msgs.len() {
            out.push("uffd: fault message queued".into());
        }
    }
    for cpu in 0..m.cpus() {
        for s in 0..slots {
            let (x, y) = (a.tlb[cpu * slots + s], b.tlb[cpu * slots + s]);
            if x != y {
                let what = match y {
                    None => "dropped".to_string(),
                    Some(e) => format!(
                        "{} rw={} d={}",
                        page_name(m, e.pfn as usize - 1),
                        e.write as u8,
                        e.dirty as u8
                    ),
                };
                out.push(format!("TLB cpu{cpu} {}: {what}", slot_name(m, s)));
            }
        }
        if !a.threads[cpu].task_running && b.threads[cpu].task_running {
            out.push(format!("cpu{cpu} woken"));
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
        if x.refcount != y.refcount {
            out.push(format!("page_count({n}) {} -> {}", x.refcount, y.refcount));
        }
        if x.mapcount != y.mapcount {
            out.push(format!("mapcount({n}) {} -> {}", x.mapcount, y.mapcount));
        }
    }
    for (i, (x, y)) in a.vma_flags.iter().zip(&b.vma_flags).enumerate() {
        if x != y {
            out.push(format!(
                "vm_flags({}) {x:#x} -> {y:#x}",
                m.prog.scenario.vmas[i].name
            ));
        }
    }
    out
}

/// Replays `path` and describes each step. Err(i): action i does not apply.
pub fn build(m: &Machine, path: &[Action]) -> Result<Trace, usize> {
    let mut st = m.initial();
    let mut steps = Vec::new();
    let mut last: Option<Violation> = None;
    for (i, &a) in path.iter().enumerate() {
        let mut log = StepLog::default();
        let (cpu, hardware) = match a {
            Action::Cpu(c) => (c as usize, false),
            Action::Evict(c, _) | Action::Fill(c, _) => (c as usize, true),
        };
        if cpu >= m.cpus() {
            return Err(i);
        }
        // A step that stops the machine can only be the last one.
        let mut next = st.clone();
        let (violation, stops) = match a {
            Action::Cpu(c) => {
                if st.threads[c as usize].status != super::state::Status::Running {
                    return Err(i);
                }
                let (r, soft, _) = interp::step(m, &mut next, c as usize, Some(&mut log));
                match r {
                    StepResult::Blocked => return Err(i),
                    StepResult::Violation(v) => (Some(m.selected_stop(v)), true),
                    StepResult::Stepped => (m.selected(soft, &next), false),
                }
            }
            _ => match m.next(&st, a) {
                Transition::Next(s, v) => {
                    next = s;
                    (v, false)
                }
                Transition::Violation(v) => (Some(v), true),
                Transition::Disabled => return Err(i),
            },
        };
        if stops && i + 1 != path.len() {
            return Err(i + 1);
        }
        let stmt_text = |span| {
            let text: &str = m.prog.sources.text(span);
            text.lines()
                .next()
                .unwrap_or("")
                .trim()
                .trim_end_matches('{')
                .trim()
                .to_string()
        };
        let folded = log
            .folded
            .iter()
            .map(|&(f, span)| format!("{}: {}", m.prog.funcs[f as usize].name, stmt_text(span)))
            .collect();
        let (function, source, statement, location) = match log.main {
            Some((f, span)) => {
                let func = &m.prog.funcs[f as usize];
                let first = stmt_text(span);
                (
                    if func.user {
                        "user".to_string()
                    } else {
                        func.name.clone()
                    },
                    func.source.clone(),
                    first,
                    m.prog.sources.location(span),
                )
            }
            None => match a {
                Action::Evict(_, s) => (
                    "hardware".into(),
                    None,
                    format!("TLB evicts {}", slot_name(m, s as usize)),
                    String::new(),
                ),
                Action::Fill(_, s) => (
                    "hardware".into(),
                    None,
                    format!("speculative TLB fill of {}", slot_name(m, s as usize)),
                    String::new(),
                ),
                Action::Cpu(_) => ("(returns)".into(), None, String::new(), String::new()),
            },
        };
        steps.push(TraceStep {
            cpu,
            hardware,
            function,
            source,
            statement,
            location,
            notes: log.notes,
            folded,
            effects: effects(m, &st, &next),
            violation: violation.as_ref().map(|v| v.invariant.to_string()),
        });
        last = violation;
        st = next;
    }
    // A path can also end where nothing can move (deadlock, end-of-run checks).
    if crate::explore::is_stuck(m, &st)
        && let Some(v) = m.at_end(&st)
    {
        last = Some(v);
    }
    let positions = (0..m.cpus()).map(|c| position(m, &st, c)).collect();
    Ok(Trace {
        test: m.prog.scenario.name.clone(),
        cpus: m.cpus(),
        steps,
        positions,
        violation: last.map(|v| TraceViolation {
            invariant: v.invariant.to_string(),
            message: v.message,
        }),
    })
}

/// The function a CPU is in and the statement it runs next.
fn position(m: &Machine, st: &State, cpu: usize) -> String {
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
    let mut pc = f.pc as usize;
    while pc > 0 && !matches!(func.code.get(pc), Some(crate::ir::Instr::Stmt { .. })) {
        pc -= 1;
    }
    let span = func.spans.get(pc).copied().unwrap_or(func.span);
    let text = m
        .prog
        .sources
        .text(span)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('{')
        .trim()
        .to_string();
    let place = if func.user {
        "user code".to_string()
    } else {
        format!("{}()", func.name)
    };
    let waiting = if t.task_running { "" } else { " (asleep)" };
    format!("cpu{cpu}: in {place}{waiting}, next: {text}")
}
