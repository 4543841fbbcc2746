//! Invariants checked after every step and at the end of a run (DESIGN.md section 5).

use super::state::{State, Status};
use super::{Machine, hw, trace};
use crate::explore::Violation;
use crate::lang::Diag;

impl Machine {
    /// stale_tlb in the global form: a more permissive TLB entry is fine only while someone
    /// is still bound to flush it: a flush is pending, reclaim batched one, the mmap lock is
    /// held for write (flush before unlock; these three are the model's mm_struct words,
    /// `mm_contract`), or the PTL is held (flush inside the lock).
    fn stale_entry(&self, s: &State) -> Option<String> {
        let slots = self.slots();
        for mi in 0..s.mms.len() {
            if self.mm_contract.flush_owed(&self.prog.memory, s, mi) {
                continue;
            }
            for slot in 0..slots {
                if s.ptl[slot / 512].is_some() {
                    continue;
                }
                let pte = s.ptes[slot];
                for cpu in 0..s.threads.len() {
                    if s.threads[cpu].mm as usize != mi {
                        continue;
                    }
                    if let Some(e) = s.tlb[cpu * slots + slot]
                        && hw::is_stale(e, pte)
                    {
                        return Some(format!(
                            "cpu{cpu} still caches {} -> {} rw={} d={}, but PTE {} is {}, no flush is pending and no lock covers it",
                            trace::slot_name(self, slot),
                            trace::page_name(self, e.pfn as usize - 1),
                            e.write as u8,
                            e.dirty as u8,
                            trace::slot_name(self, slot),
                            trace::pte_text(self, pte)
                        ));
                    }
                }
            }
        }
        None
    }

    /// A PTE that maps a freed frame. (Refcount and mapcount sanity is a kernel contract:
    /// the model tree declares it, e.g. `refcount_covers_mapcount` in linux-5.10.)
    fn refcounts(&self, s: &State) -> Option<Violation> {
        let uaf = self.checks("use_after_free");
        for (slot, p) in s.ptes.iter().enumerate() {
            if uaf && p.pfn() != 0 && (p.hw_present() || p.has(crate::ir::pte_bits::PROTNONE)) {
                let f = p.pfn() as usize - 1;
                if !s.frames.get(f).is_some_and(|fr| fr.allocated) {
                    return Some(Violation {
                        invariant: "use_after_free",
                        message: format!(
                            "PTE {} maps frame {}, which is free",
                            trace::slot_name(self, slot),
                            trace::page_name(self, f)
                        ),
                    });
                }
            }
        }
        None
    }

    pub(super) fn check_initial(&self) -> Result<(), Diag> {
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
            .refcounts(&self.initial)
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
        self.refcounts(s)
    }

    /// At an end state (no program step can run): a program that has not finished is stuck
    /// for good (deadlock); where every program finished, the end-of-run checks.
    pub(super) fn check_end(&self, s: &State) -> Option<Violation> {
        let stuck: Vec<String> = (0..s.threads.len())
            .filter_map(|t| super::waiting_on(self, s, t).map(|w| format!("cpu{t} {w}")))
            .collect();
        if !stuck.is_empty() {
            return self.checks("deadlock").then(|| Violation {
                invariant: "deadlock",
                message: format!("no CPU program can move: {}", stuck.join("; ")),
            });
        }
        // From here every program has finished (or idles on the uffd monitor).
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
            let holds = hw::mapped_frame(s, slot).map(|f| s.frames[f].data);
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

    /// A state from which no run can end: name the CPUs that never finish and where they are.
    pub(super) fn livelock(&self, s: &State) -> Violation {
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
