//! lock_hygiene at the end of a run: tlb_flush_pending (the model's mm_struct word,
//! `mm_contract`) back at 0. (The rest of lock_hygiene stops the step where it happens: a
//! lock released twice or kept across a return to user space, a PTE written without its
//! PTL, a sleep in atomic context: prims, family, interp.)

use crate::explore::Violation;
use crate::machine::Machine;
use crate::machine::state::State;

impl Machine {
    pub(super) fn pending_left(&self, s: &State) -> Option<Violation> {
        if self.checks("lock_hygiene") {
            for i in 0..s.mms.len() {
                let pending = self.mm_contract.pending(&self.prog.memory, s, i);
                if pending != 0 {
                    return Some(Violation {
                        invariant: "lock_hygiene",
                        message: format!(
                            "every CPU finished but mm{i} has tlb_flush_pending = {pending}"
                        ),
                    });
                }
            }
        }
        None
    }
}
