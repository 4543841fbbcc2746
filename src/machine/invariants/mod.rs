//! The built-in invariants, one file each (DESIGN.md section 7), and where the machine
//! checks them: on the initial state, after every step, and at end states. The model's own
//! invariants are `machine::declared`.

mod deadlock;
mod livelock;
mod lock_hygiene;
mod lost_write;
mod stale_tlb;
mod use_after_free;

use crate::explore::Violation;
use crate::lang::Diag;
use crate::machine::Machine;
use crate::machine::state::State;

impl Machine {
    /// A model function one of the machine's checks calls, if the model has it: it must
    /// take `params` and may only read (it runs inside the check, on the state checked).
    pub(in crate::machine) fn read_only_hook(
        &self,
        name: &str,
        params: &str,
        inside: &str,
    ) -> Result<Option<u16>, Diag> {
        let Some(i) = self.prog.funcs.iter().position(|f| f.name == name) else {
            return Ok(None);
        };
        let f = &self.prog.funcs[i];
        if f.nparams != params.split(',').count() {
            return Err(Diag::at(f.span, format!("{name} must take {params}")));
        }
        let fp = self.futures[i].first().copied().unwrap_or_default();
        if fp.writes != 0 {
            return Err(Diag::at(
                f.span,
                format!("{name} changes shared state: it runs inside {inside} and may only read"),
            ));
        }
        Ok(Some(i as u16))
    }

    pub(in crate::machine) fn check_initial(&self) -> Result<(), Diag> {
        // Impossible under the v4.13+ contract only: with stale_tlb off it may be a state
        // an older kernel reaches.
        if self.checks("stale_tlb")
            && let Some(msg) = self.stale_entry(&self.initial)
        {
            return Err(Diag::at(
                self.prog.scenario.span,
                format!("impossible initial state: {msg}"),
            ));
        }
        if let Some(v) = self
            .pte_maps_free_frame(&self.initial)
            .or_else(|| self.check_declared(&mut self.initial.clone(), false, !0))
        {
            return Err(Diag::at(
                self.prog.scenario.span,
                format!("impossible initial state: {}", v.message),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_state(&self, s: &State) -> Option<Violation> {
        if self.checks("stale_tlb")
            && let Some(message) = self.stale_entry(s)
        {
            return Some(Violation {
                invariant: "stale_tlb",
                message,
            });
        }
        self.pte_maps_free_frame(s)
    }

    /// At an end state (no program step can run): a program that has not finished is stuck
    /// for good (deadlock); where every program finished, the end-of-run checks.
    pub(in crate::machine) fn check_end(&self, s: &State) -> Option<Violation> {
        if let Some(v) = self.stuck(s) {
            return v;
        }
        // From here every program has finished (or idles on the uffd monitor).
        self.pending_left(s).or_else(|| self.end_to_end(s))
    }
}
