//! Which invariants a test checks, and the one place where the violations of the others
//! are dropped.
//!
//! A test chooses its set with `invariants: SET;`, a model tree (or a file) states its
//! default with `invariants default: SET;` (front end: `lang::compile`); the chosen set is
//! `Scenario::invariants`. `model_error` is always in it.
//!
//! A violation the machine can step past (the state checks after a step, the end-of-run
//! checks, `stale_tlb` from `assume_tlb_coherent`, the COW `lost_write`) is dropped when its
//! invariant is not checked, and the state checks run as if it had not happened. A violation
//! that stops the step (an access to a freed frame, a refcount underflow, a lock released
//! twice, a failed assertion, a self-deadlock) cannot be stepped past: the machine has no
//! next state to offer. It is still reported, under its own name, with a note saying that
//! the test does not check it.

use super::Machine;
use super::state::State;
use crate::explore::Violation;

impl Machine {
    /// Does this test check `invariant`?
    pub fn checks(&self, invariant: &str) -> bool {
        invariant == "model_error" || self.prog.scenario.invariants.contains(&invariant)
    }

    /// The invariants this test checks, in the order of `INVARIANTS` (for reports).
    pub fn checked_invariants(&self) -> &[&'static str] {
        &self.prog.scenario.invariants
    }

    /// True when the test checks every invariant (reports then need not list them).
    pub fn checks_all(&self) -> bool {
        super::INVARIANTS.iter().all(|(n, _)| self.checks(n))
    }

    /// A line for text reports when the test leaves some invariants unchecked.
    pub fn invariants_note(&self) -> Option<String> {
        if self.checks_all() {
            return None;
        }
        let off: Vec<&str> = super::INVARIANTS
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !self.checks(n))
            .collect();
        Some(format!(
            "invariants checked: {} (not checked: {})",
            self.checked_invariants().join(", "),
            off.join(", ")
        ))
    }

    /// The violation a completed step reports: its own soft one if checked, else the first
    /// checked one of the state it reached.
    /// `written`: what the step may have written (its footprint); a declared invariant that
    /// reads none of it still holds as it did before the step.
    pub(crate) fn selected(
        &self,
        soft: Option<Violation>,
        st: &mut State,
        written: u64,
    ) -> Option<Violation> {
        soft.filter(|v| self.checks(v.invariant))
            .or_else(|| self.check_state(st))
            .or_else(|| self.check_declared(st, false, written))
    }

    /// A violation that stopped a step: kept, with a note if the test does not check it.
    pub(crate) fn selected_stop(&self, mut v: Violation) -> Violation {
        if !self.checks(v.invariant) {
            v.message = format!(
                "{} ({} is not among the invariants this test checks, but the machine cannot go on past it)",
                v.message, v.invariant
            );
        }
        v
    }

    /// An end-of-run violation, if its invariant is checked.
    pub(crate) fn selected_end(&self, v: Option<Violation>) -> Option<Violation> {
        v.filter(|v| self.checks(v.invariant))
    }
}
