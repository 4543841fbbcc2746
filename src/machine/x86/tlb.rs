//! x86 TLBs: what a cached translation may keep (is_stale), synchronous shootdowns, and
//! the fills the hardware may do on its own (the tlb_speculative and eviction knobs).

use super::mmu::live_frame;
use crate::ir::{Layout, Pmd, Pte, pte_bits};
use crate::machine::state::{State, TlbEntry};

/// A TLB entry more permissive than the PTE: it grants an access the PTE no longer does.
pub fn is_stale(e: TlbEntry, pte: Pte) -> bool {
    !pte.hw_present() || pte.pfn() != e.pfn as u32 || (e.write && e.dirty && !pte.write())
}

/// Shootdown of the addresses `[start, end)` of mm `mm`; synchronous (wait=1). Every CPU
/// loses its entries of the mm, whether it runs the mm now or keeps them under the mm's PCID
/// from before a switch (the kernel's tlb_gen check flushes those at the switch back).
pub fn flush_range(st: &mut State, l: &Layout, mm: u8, start: i64, end: i64) {
    let mm = mm as usize;
    // the slots in the range: addresses ascend with slots
    let first = l.addr.partition_point(|&a| a < start);
    let last = l.addr.partition_point(|&a| a < end);
    for cpu in 0..st.threads.len() {
        let at = l.tlb_index(cpu, mm, 0);
        st.tlb[at + first..at + last].fill(None);
        // INVLPG or a CR3 write: either drops the paging-structure caches too
        super::drop_psc(st, l, cpu, mm);
    }
}

/// What a speculative fill would cache for slot `slot` of mm `mm`, if anything.
pub fn speculative_fill(st: &State, l: &Layout, mm: usize, slot: usize) -> Option<TlbEntry> {
    let pte = st.pte_of(l, mm, slot);
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

/// Hardware fills `cpu`'s TLB entry for `slot` of the mm it runs from its present PTE,
/// setting A as a walk does; false if the PTE maps no live page.
pub fn fill_tlb(st: &mut State, l: &Layout, cpu: usize, slot: usize) -> bool {
    let mm = st.mm_of_cpu(cpu);
    let Some(e) = speculative_fill(st, l, mm, slot) else {
        return false;
    };
    st.tlb[l.tlb_index(cpu, mm, slot)] = Some(e);
    // the A bit of the PTE, or of the huge leaf that maps the page
    let pmd = l.pmd_index(mm, l.region[slot] as usize);
    match (st.pte_index(l, mm, slot), st.pmds[pmd].leaf()) {
        (Some(i), _) => st.ptes[i] = st.ptes[i].with(pte_bits::ACCESSED, true),
        (None, Some(leaf)) => st.pmds[pmd] = Pmd::huge(leaf.with(pte_bits::ACCESSED, true)),
        _ => {}
    }
    true
}
