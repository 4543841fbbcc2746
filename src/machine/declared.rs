//! Invariants the model declares: `invariant NAME [for page p] [at end] "what it says" { cond }`
//! (DESIGN.md section 7: kernel contracts change between versions, so they live in the model
//! tree). Each is compiled to a function asserting its condition; the machine runs it to the
//! end on a scratch thread of the state, as one atomic evaluation, for every allocated page
//! when it is `for page`. It may only read: `Machine::new` rejects one that writes shared
//! state, so the evaluation leaves the state as it found it.

use super::Machine;
use super::interp::{self, StepResult};
use super::state::{CallFrame, State, Status, Thread};
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
                for f in 0..st.frames.len() {
                    if !st.frames[f].allocated {
                        continue;
                    }
                    match self.evaluate(st, d.func, Some(Value::Page(f as u16))) {
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
        let f = &self.prog.funcs[func as usize];
        let mut locals = vec![Value::Null; f.nlocals];
        if let (Some(a), Some(slot)) = (arg, locals.first_mut()) {
            *slot = a;
        }
        // one atomic evaluation: no step boundary inside
        let mut frame = CallFrame::new(func, locals);
        frame.atomic = 1;
        st.threads.push(Thread::new(vec![frame]));
        let tid = st.threads.len() - 1;
        let r = match interp::step_with(self, st, tid, None, None).0 {
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
        st.threads.pop();
        r
    }
}
