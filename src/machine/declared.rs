//! Invariants the model declares: `invariant NAME [for page p] [at end] "what it says" { cond }`
//! (DESIGN.md section 7: kernel contracts change between versions, so they live in the model
//! tree). Each is compiled to a function asserting its condition; the machine runs it to the
//! end on a scratch thread of the state, as one atomic evaluation, for every allocated page
//! when it is `for page`. It may only read: `Machine::new` rejects one that writes shared
//! state, so the evaluation leaves the state as it found it.

use super::Machine;
use super::interp::{self, StepResult};
use std::cell::{Cell, RefCell};
use std::sync::atomic::Ordering;

/// The declared words a step wrote (`WRITTEN`): meaningful only while `known`.
pub(crate) struct Written {
    pub known: bool,
    pub words: Vec<u32>,
}

impl Written {
    /// Starts a step: nothing written yet, and every write recorded.
    pub fn start(&mut self) {
        self.known = true;
        self.words.clear();
    }
    pub fn push(&mut self, w: u32) {
        if self.known {
            self.words.push(w);
        }
    }
}

thread_local! {
    /// The thread an invariant runs on, kept between evaluations (`evaluate`).
    static SCRATCH_THREAD: std::cell::Cell<Option<Thread>> = const { std::cell::Cell::new(None) };
    /// What the last outermost function to return on this OS thread returned (a hook's
    /// result: `Machine::evaluate_value`).
    pub(super) static LAST_RETURN: std::cell::Cell<Value> = const { std::cell::Cell::new(Value::Null) };
    /// The words of declared memory the step being checked wrote, in order (`interp`
    /// records family stores and a frame's words when it is allocated or freed); None when
    /// unknown (then every page is evaluated).
    /// (The vector is kept between steps, so recording allocates nothing.)
    pub(crate) static WRITTEN: RefCell<Written> = const { RefCell::new(Written { known: false, words: Vec::new() }) };
    /// While a `for page` invariant is evaluated for one page: that page's words, and
    /// whether the evaluation read anything else.
    pub(crate) static EVAL_PAGE: Cell<Option<(u32, u32)>> = const { Cell::new(None) };
    pub(crate) static READ_ELSEWHERE: Cell<bool> = const { Cell::new(false) };
}

/// Notes that an invariant's evaluation read word `w` (interp, for family reads).
pub(crate) fn note_read(w: usize) {
    if let Some((a, b)) = EVAL_PAGE.get()
        && !(a as usize..b as usize).contains(&w)
    {
        READ_ELSEWHERE.set(true);
    }
}
use super::state::{State, Status, Thread};
use crate::explore::Violation;
use crate::ir::Value;

impl Machine {
    /// What each declared invariant reads (0 for end-of-run ones: they are not per-state);
    /// a located error if one writes.
    pub(super) fn declared_footprint(&self) -> Result<Vec<u64>, crate::lang::Diag> {
        let mut reads = Vec::new();
        for d in &self.prog.declared {
            let fp = self.futures[d.func as usize]
                .first()
                .copied()
                .unwrap_or_default();
            if fp.writes != 0 {
                let f = &self.prog.funcs[d.func as usize];
                return Err(crate::lang::Diag::at(
                    f.span,
                    format!(
                        "invariant `{}` changes shared state: an invariant may only read",
                        d.name
                    ),
                ));
            }
            // The evaluation runs on a scratch thread: its own TLB is nobody's.
            // (a static summary's own-TLB bit stands for whichever CPU runs: any of them)
            let mut r = fp.reads | fp.writes;
            if r & super::footprint::OWN_TLB != 0 {
                r |= super::footprint::ALL_TLBS;
            }
            reads.push(if d.at_end { 0 } else { r });
        }
        Ok(reads)
    }

    /// The first declared invariant (of end states, when `at_end`) broken in `st`, skipping
    /// those that read nothing in `written` (they hold as they did before the step).
    pub(crate) fn check_declared(
        &self,
        st: &mut State,
        at_end: bool,
        written: u64,
    ) -> Option<Violation> {
        for (i, d) in self.prog.declared.iter().enumerate() {
            if d.at_end != at_end
                || (!at_end && self.declared_reads.get(i).is_some_and(|r| r & written == 0))
            {
                continue;
            }
            if d.for_page {
                // A page whose words the step left alone keeps its verdict, as long as the
                // invariant has only ever read the page it is evaluated for.
                let mem = &self.prog.memory;
                // The pages whose words the step wrote, a bit each: up to 64 frames and the
                // zero page fit; a page past the bits is always evaluated.
                let touched: Option<u128> = if self.page_local[i].load(Ordering::SeqCst) {
                    WRITTEN.with_borrow(|w| {
                        w.known.then(|| {
                            w.words
                                .iter()
                                .fold(0u128, |acc, &x| match mem.frame_of(x as usize) {
                                    Some(f) if f < 128 => acc | 1 << f,
                                    _ => acc,
                                })
                        })
                    })
                } else {
                    None
                };
                for f in 0..st.frames.len() {
                    if !st.frames[f].allocated {
                        continue;
                    }
                    let words = mem.page_words(f);
                    if let Some(t) = touched
                        && f < 128
                        && t & (1 << f) == 0
                    {
                        continue;
                    }
                    EVAL_PAGE.set(Some((words.start as u32, words.end as u32)));
                    READ_ELSEWHERE.set(false);
                    let r = self.evaluate(st, d.func, Some(Value::Page(f as u16)));
                    EVAL_PAGE.set(None);
                    if READ_ELSEWHERE.get() {
                        self.page_local[i].store(false, Ordering::SeqCst);
                    }
                    match r {
                        Ok(true) => {}
                        Ok(false) => {
                            return Some(Violation {
                                invariant: d.name,
                                message: format!(
                                    "{} (page {})",
                                    d.says,
                                    super::trace::page_name(self, f)
                                ),
                            });
                        }
                        Err(v) => return Some(v),
                    }
                }
            } else {
                match self.evaluate(st, d.func, None) {
                    Ok(true) => {}
                    Ok(false) => {
                        return Some(Violation {
                            invariant: d.name,
                            message: d.says.clone(),
                        });
                    }
                    Err(v) => return Some(v),
                }
            }
        }
        None
    }

    /// Runs an invariant's function on a scratch thread: Ok(holds), or the model error it hit.
    fn evaluate(&self, st: &mut State, func: u16, arg: Option<Value>) -> Result<bool, Violation> {
        self.evaluate_with(st, func, arg.as_slice())
    }

    /// Runs a read-only model function (a hook of the machine's checks, such as
    /// `swap_slot_page()`) with `args` on a scratch thread: what it returned, or the model
    /// error or assertion it hit.
    pub(super) fn evaluate_value(
        &self,
        st: &mut State,
        func: u16,
        args: &[Value],
    ) -> Result<Value, Violation> {
        LAST_RETURN.set(Value::Null);
        match self.evaluate_with(st, func, args)? {
            true => Ok(LAST_RETURN.get()),
            false => Err(Violation {
                invariant: "model_error",
                message: format!(
                    "{}() failed an assertion",
                    self.prog.funcs[func as usize].name
                ),
            }),
        }
    }

    /// Runs a read-only model predicate (an invariant, or a hook of the machine's own checks
    /// such as `stale_tlb_flush_owed()`) with `args` on a scratch thread: Ok(its assertions
    /// hold), or the model error it hit.
    pub(super) fn evaluate_with(
        &self,
        st: &mut State,
        func: u16,
        args: &[Value],
    ) -> Result<bool, Violation> {
        let f = &self.prog.funcs[func as usize];
        // one atomic evaluation: no step boundary inside
        // (the scratch thread's vectors are kept between evaluations)
        let mut t = SCRATCH_THREAD.take().unwrap_or_default();
        t.restart(func, f, &args[..args.len().min(f.nlocals)]);
        t.top_mut().atomic = 1;
        st.threads.push(t);
        let tid = st.threads.len() - 1;
        let (r, _, fp, _) = interp::step_with(self, st, tid, None, None);
        // anything but declared words (PTEs, frames, TLBs) is read from elsewhere
        if fp.reads & !super::footprint::OBJ_ALL & !super::footprint::ALL_TLBS != 0 {
            READ_ELSEWHERE.set(true);
        }
        let r = match r {
            StepResult::Stepped if st.threads[tid].status == Status::Done => Ok(true),
            StepResult::Violation(v) if v.invariant == "assertion" => Ok(false),
            StepResult::Violation(v) => Err(v),
            StepResult::Stepped | StepResult::Blocked => Err(Violation {
                invariant: "model_error",
                message: format!(
                    "{}: an invariant must evaluate at once, without waiting on anything",
                    self.prog.sources.location(f.span)
                ),
            }),
        };
        SCRATCH_THREAD.set(st.threads.pop());
        r
    }
}
