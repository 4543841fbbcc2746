//! stale_tlb, the global form (the v4.13+ contract): a CPU may cache a more permissive
//! translation than its PTE only while something is bound to flush it.

use crate::machine::state::State;
use crate::machine::{Machine, trace, x86};

impl Machine {
    /// The model's `stale_tlb_flush_owed(cpu, mm)`, checked: two parameters, and it may only
    /// read (it runs inside the invariant, on the state being checked).
    pub(in crate::machine) fn flush_owed_hook(&self) -> Result<Option<u16>, crate::lang::Diag> {
        self.read_only_hook(
            crate::machine::CHECK_HOOKS[0],
            "(cpu, mm)",
            "the stale_tlb check",
        )
    }

    /// The model's promise, if it makes one (`stale_tlb_flush_owed(cpu, mm)`, a read-only
    /// predicate that asserts it): `cpu` flushes mm's entries before it runs mm's user code
    /// again (x86's switch_mm_irqs_off() checks the generation of the ASID slot it
    /// switches to). An entry kept under mm's PCID on a CPU running another mm, or lazy, is
    /// then not stale yet: the switch back is bound to flush it, and a switch that does
    /// not is caught when it runs the mm with the entry.
    pub(in crate::machine) fn flush_owed_by_model(&self, s: &State, cpu: usize, mm: usize) -> bool {
        let Some(func) = self.flush_owed_hook else {
            return false;
        };
        let mut scratch = s.clone();
        let args = [
            crate::ir::Value::Int(cpu as i64),
            crate::ir::Value::Mm(mm as u8),
        ];
        matches!(self.evaluate_with(&mut scratch, func, &args), Ok(true))
    }

    /// stale_tlb in the global form: a more permissive TLB entry is fine only while someone
    /// is still bound to flush it: a flush is pending, reclaim batched one, the mmap lock is
    /// held for write (flush before unlock; these three are the model's mm_struct words,
    /// `mm_contract`), or the PTL is held (flush inside the lock).
    /// An entry kept under an mm's PCID counts whether or not its CPU runs the mm now: a
    /// switch back would use it.
    pub(super) fn stale_entry(&self, s: &State) -> Option<String> {
        let l = &self.prog.scenario.layout;
        for mi in 0..s.mms.len() {
            if self.mm_contract.flush_owed(&self.prog.memory, s, mi) {
                continue;
            }
            for slot in 0..l.slots() {
                // a PTE with no TLB entry cannot be stale: most slots end here
                if !(0..s.threads.len()).any(|cpu| s.tlb[l.tlb_index(cpu, mi, slot)].is_some()) {
                    continue;
                }
                let pmd = s.pmds[l.pmd_index(mi, l.region[slot] as usize)];
                let table = pmd.table_of().map(|(t, _)| t);
                if table.is_some_and(|t| s.ptl[t].is_some()) {
                    continue;
                }
                // a huge leaf changes under its mm's PMD lock (after the PTLs)
                if pmd.leaf().is_some() && s.ptl.get(l.tables + mi).is_some_and(|x| x.is_some()) {
                    continue;
                }
                let pte = s.pte_of(l, mi, slot);
                for cpu in 0..s.threads.len() {
                    if let Some(e) = s.tlb[l.tlb_index(cpu, mi, slot)]
                        && x86::is_stale(e, pte)
                        && !self.flush_owed_by_model(s, cpu, mi)
                    {
                        let name = trace::mm_slot_name(self, mi, slot);
                        return Some(format!(
                            "cpu{cpu} still caches {name} -> {} rw={} d={}, but PTE {name} is {}, no flush is pending and no lock covers it",
                            trace::pfn_name(self, e.pfn.into()),
                            e.write as u8,
                            e.dirty as u8,
                            trace::pte_text(self, pte)
                        ));
                    }
                }
            }
        }
        None
    }
}
