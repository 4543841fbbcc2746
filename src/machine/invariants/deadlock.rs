//! deadlock: at an end state (no program step can run), a program that has not finished
//! is stuck for good, waiting on a lock or asleep with nobody left to wake it (idle waits,
//! such as a uffd monitor blocked reading, are ends: `machine::waiting_on`).

use crate::explore::Violation;
use crate::machine::Machine;
use crate::machine::state::State;

impl Machine {
    /// None when no program is stuck; else the deadlock (or Some(None) if not checked).
    pub(super) fn stuck(&self, s: &State) -> Option<Option<Violation>> {
        let stuck: Vec<String> = (0..s.threads.len())
            .filter_map(|t| crate::machine::waiting_on(self, s, t).map(|w| format!("cpu{t} {w}")))
            .collect();
        if !stuck.is_empty() {
            return Some(self.checks("deadlock").then(|| Violation {
                invariant: "deadlock",
                message: format!("no CPU program can move: {}", stuck.join("; ")),
            }));
        }
        None
    }
}
