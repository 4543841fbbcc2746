//! Invariants checked after every step and at the end of a run (DESIGN.md section 5).

use super::state::{State, Status};
use super::{Machine, hw, trace};
use crate::explore::Violation;
use crate::lang::Diag;

impl Machine {
    /// stale_tlb in the global form: a more permissive TLB entry is fine only while someone
    /// is still bound to flush it: a flush is pending, reclaim batched one, the mmap lock is
    /// held for write (flush before unlock), or the PTL is held (flush inside the lock).
    fn stale_entry(&self, s: &State) -> Option<String> {
        let slots = self.slots();
        for (mi, mm) in s.mms.iter().enumerate() {
            if mm.tlb_flush_pending > 0 || mm.tlb_flush_batched || mm.mmap_lock.writer.is_some() {
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

    fn refcounts(&self, s: &State) -> Option<Violation> {
        for (i, f) in s.frames.iter().enumerate() {
            if f.allocated && f.refcount < f.mapcount {
                return Some(Violation {
                    invariant: "refcount",
                    message: format!(
                        "frame {} has refcount {} below mapcount {}",
                        trace::page_name(self, i),
                        f.refcount,
                        f.mapcount
                    ),
                });
            }
        }
        for (slot, p) in s.ptes.iter().enumerate() {
            if p.pfn() != 0 && (p.hw_present() || p.has(crate::ir::pte_bits::PROTNONE)) {
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
        if let Some(msg) = self.stale_entry(&self.initial) {
            return Err(Diag::at(
                self.prog.scenario.span,
                format!("impossible initial state: {msg}"),
            ));
        }
        if let Some(v) = self.refcounts(&self.initial) {
            return Err(Diag::at(
                self.prog.scenario.span,
                format!("impossible initial state: {}", v.message),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_state(&self, s: &State) -> Option<Violation> {
        if let Some(message) = self.stale_entry(s) {
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
            return Some(Violation {
                invariant: "deadlock",
                message: format!("no CPU program can move: {}", stuck.join("; ")),
            });
        }
        for (i, mm) in s.mms.iter().enumerate() {
            if mm.tlb_flush_pending != 0 {
                return Some(Violation {
                    invariant: "lock_hygiene",
                    message: format!(
                        "every CPU finished but mm{i} has tlb_flush_pending = {}",
                        mm.tlb_flush_pending
                    ),
                });
            }
        }
        // End to end: every mapped address holds what the retired stores, in order, left.
        for slot in 0..self.slots() {
            let p = s.ptes[slot];
            if p.pfn() == 0 || !(p.hw_present() || p.has(crate::ir::pte_bits::PROTNONE)) {
                continue;
            }
            let f = &s.frames[p.pfn() as usize - 1];
            if f.data != s.expected[slot] {
                return Some(Violation {
                    invariant: "lost_write",
                    message: format!(
                        "{} holds {} at the end, but the user stores retired in order leave {}",
                        trace::slot_name(self, slot),
                        f.data,
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
