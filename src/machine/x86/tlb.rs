//! x86 TLBs: what a cached translation may keep (is_stale), synchronous shootdowns, and
//! the fills the hardware may do on its own (the tlb_speculative and eviction knobs).

use super::mmu::live_frame;
use crate::ir::{Pte, pte_bits};
use crate::machine::state::{State, TlbEntry};

/// A TLB entry more permissive than the PTE: it grants an access the PTE no longer does.
pub fn is_stale(e: TlbEntry, pte: Pte) -> bool {
    !pte.hw_present() || pte.pfn() != e.pfn as u32 || (e.write && e.dirty && !pte.write())
}

/// Shootdown of `[start, end)` on every CPU running the mm; synchronous (wait=1).
pub fn flush_range(st: &mut State, slots: usize, mm: u8, start: usize, end: usize) {
    for cpu in 0..st.threads.len() {
        if st.threads[cpu].mm != mm {
            continue;
        }
        for slot in start..end.min(slots) {
            st.tlb[cpu * slots + slot] = None;
        }
    }
}

/// What a speculative fill would cache for (cpu, slot), if anything.
pub fn speculative_fill(st: &State, slot: usize) -> Option<TlbEntry> {
    let pte = st.ptes[slot];
    if !pte.hw_present() {
        return None;
    }
    let f = live_frame(st, pte.pfn() as u16, None)?;
    Some(TlbEntry {
        pfn: pte.pfn() as u16,
        write: pte.write(),
        dirty: pte.has(pte_bits::DIRTY),
        generation: st.frames[f].generation,
    })
}

/// Hardware fills `cpu`'s TLB entry for `slot` from its present PTE, setting A as a walk
/// does; false if the PTE maps no live page.
pub fn fill_tlb(st: &mut State, slots: usize, cpu: usize, slot: usize) -> bool {
    match speculative_fill(st, slot) {
        Some(e) => {
            st.tlb[cpu * slots + slot] = Some(e);
            st.ptes[slot] = st.ptes[slot].with(pte_bits::ACCESSED, true);
            true
        }
        None => false,
    }
}
