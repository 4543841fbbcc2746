//! lost_write at the end of a run: every address holds what the retired stores, in order,
//! left. (The COW form, a copy whose source was written after the copy, is checked where
//! the copy is mapped: prims, set_pte_at.)

use crate::explore::Violation;
use crate::machine::state::State;
use crate::machine::{Machine, trace, x86};

impl Machine {
    pub(super) fn end_to_end(&self, s: &State) -> Option<Violation> {
        // A discard the model never closed would forgive every later store into its page.
        if let Some((cpu, slot)) = s.frames.iter().find_map(|f| f.discarded) {
            return Some(Violation {
                invariant: "model_error",
                message: format!(
                    "cpu{cpu} called ghost_discard() for {} and never ghost_discard_done() over it",
                    trace::slot_name(self, slot as usize)
                ),
            });
        }
        // End to end: every address holds what the retired stores, in order, left (an
        // unmapped one reads as a zero-filled page: only a discard may have emptied it).
        for slot in 0..self.slots() {
            let holds =
                x86::mapped_frame(s, &self.prog.scenario.layout, slot).map(|f| s.frames[f].data);
            if holds.unwrap_or(0) != s.expected[slot] && self.checks("lost_write") {
                let what = match holds {
                    Some(v) => format!("holds {v}"),
                    None => "is unmapped (a read would find a zero-filled page)".into(),
                };
                return Some(Violation {
                    invariant: "lost_write",
                    message: format!(
                        "{} {what} at the end, but the stores retired in order leave {}",
                        trace::slot_name(self, slot),
                        s.expected[slot]
                    ),
                });
            }
        }
        None
    }
}
