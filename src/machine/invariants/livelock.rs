//! livelock: a reachable state from which no run can end (found by the explorer's
//! backward pass, explore/livelock.rs); this names the CPUs that never finish.

use crate::explore::Violation;
use crate::machine::Machine;
use crate::machine::state::{State, Status};

impl Machine {
    /// A state from which no run can end: name the CPUs that never finish and where they are.
    pub(in crate::machine) fn livelock(&self, s: &State) -> Violation {
        let running: Vec<String> = (0..s.threads.len())
            .filter(|&t| s.threads[t].status == Status::Running)
            .map(|t| match s.threads[t].frames.last() {
                Some(f) if self.prog.funcs[f.func as usize].user => {
                    format!("cpu{t} (in user code)")
                }
                Some(f) => format!("cpu{t} (in {}())", self.prog.funcs[f.func as usize].name),
                None => format!("cpu{t}"),
            })
            .collect();
        Violation {
            invariant: "livelock",
            message: format!(
                "from here no interleaving lets every program finish: {} can run on but never finish",
                running.join(", ")
            ),
        }
    }
}
