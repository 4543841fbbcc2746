//! lost_write at the end of a run: every address holds what the retired stores, in order,
//! left. (The COW form, a copy whose source was written after the copy, is checked where
//! the copy is mapped: prims, set_pte_at.)

use crate::explore::Violation;
use crate::machine::state::State;
use crate::machine::{Machine, trace, x86};

impl Machine {
    /// What an address whose PTE is a swap entry holds: the page the model's
    /// `swap_slot_page(entry)` names (the swap cache's, newer than the device), else the
    /// device's slot. None if the PTE is no swap entry.
    fn swapped_contents(
        &self,
        s: &State,
        mm: usize,
        slot: usize,
    ) -> Result<Option<i64>, Violation> {
        let l = &self.prog.scenario.layout;
        let Some((ty, off)) = s.pte_of(l, mm, slot).swap_entry() else {
            return Ok(None);
        };
        if ty != crate::ir::value::SWP_SWAPFILE {
            return Ok(None);
        }
        let entry = crate::machine::prims::swp_entry_value(ty, off);
        let cached = match self.swap_page_hook {
            Some(f) => self.evaluate_value(&mut s.clone(), f, &[entry])?,
            None => crate::ir::Value::Null,
        };
        Ok(Some(match cached {
            crate::ir::Value::Page(p) if s.frames.get(p as usize).is_some_and(|f| f.allocated) => {
                s.frames[p as usize].data
            }
            crate::ir::Value::Null => s.swap[off as usize - 1],
            other => {
                return Err(Violation {
                    invariant: "model_error",
                    message: format!(
                        "swap_slot_page() of swap entry {off} returned {other:?}: a live page or null"
                    ),
                });
            }
        }))
    }

    pub(super) fn end_to_end(&self, s: &State) -> Option<Violation> {
        // A discard the model never closed would forgive every later store into its page
        // (a move, redirect them).
        if let Some(t) = s.frames.iter().find_map(|f| {
            f.taken
                .filter(|t| t.cpu != crate::machine::state::Taken::DONE)
        }) {
            return Some(Violation {
                invariant: "model_error",
                message: format!(
                    "cpu{} called {}() for {} and never ghost_discard_done() over it",
                    t.cpu,
                    if t.to.is_some() {
                        "ghost_move"
                    } else {
                        "ghost_discard"
                    },
                    trace::slot_name(self, t.slot as usize)
                ),
            });
        }
        // End to end: every address holds what the retired stores, in order, left (an
        // unmapped one reads as a zero-filled page: only a discard may have emptied it).
        // (the scenario's mms: one created at run time has no expectation of its own)
        let l = &self.prog.scenario.layout;
        for (mm, slot) in (0..s.mms.len())
            .filter(|&mm| s.mms[mm].ghost)
            .flat_map(|mm| (0..l.slots()).map(move |slot| (mm, slot)))
        {
            let holds = match self.swapped_contents(s, mm, slot) {
                Ok(None) => x86::mapped_frame(s, l, mm, slot).map(|f| s.frames[f].data),
                Ok(Some(v)) => Some(v),
                Err(v) => return Some(v),
            };
            let expected = s.expected[l.ghost_index(mm, slot)];
            if holds.unwrap_or(0) != expected && self.checks("lost_write") {
                let what = match holds {
                    Some(v) => format!("holds {v}"),
                    None => "is unmapped (a read would find a zero-filled page)".into(),
                };
                return Some(Violation {
                    invariant: "lost_write",
                    message: format!(
                        "{} {what} at the end, but the stores retired in order leave {expected}",
                        trace::mm_slot_name(self, mm, slot),
                    ),
                });
            }
        }
        None
    }
}
