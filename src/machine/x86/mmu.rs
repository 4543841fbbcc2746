//! The x86 MMU: user loads and stores through the TLB, page walks with their A/D bits, and
//! faults (reference section 1.4); kernel accesses to user memory go the same way.

use crate::ir::{Layout, Pte, pte_bits};
use crate::machine::state::{State, TlbEntry};

#[derive(Clone, Copy, Debug)]
pub enum UserKind {
    Load,
    Store(i64),
    Add(i64),
}

pub enum Access {
    /// The access retired; the value loaded or stored, and how it went.
    Done { value: i64, how: String },
    /// #PF: the CPU dropped its own entry; the x86 error code bits.
    Fault { error_code: i64, how: String },
    /// The access reached a freed or reused frame.
    UseAfterFree(String),
}

pub const X86_PF_PROT: i64 = 1;
pub const X86_PF_WRITE: i64 = 2;
pub const X86_PF_USER: i64 = 4;

/// The frame a TLB entry or PTE names (pfn - 1), if allocated and of the same generation.
pub fn live_frame(st: &State, pfn: u16, generation: Option<u8>) -> Option<usize> {
    let f = (pfn as usize).checked_sub(1)?;
    let fr = st.frames.get(f)?;
    if !fr.allocated || generation.is_some_and(|g| g != fr.generation) {
        return None;
    }
    Some(f)
}

/// One user access by the thread on `cpu`, atomic with respect to every other step
/// (IPIs land at instruction boundaries). `names` renders frame and slot names for the log.
pub fn user_access(
    st: &mut State,
    l: &Layout,
    cpu: usize,
    addr: i64,
    kind: UserKind,
    page_name: &dyn Fn(usize) -> String,
    verbose: bool,
) -> Access {
    let write = !matches!(kind, UserKind::Load);
    // how the access went, for race diagrams: built only when someone reads it
    let tell = |f: &dyn Fn() -> String| if verbose { f() } else { String::new() };
    let user_fault = |how: String, present: bool| Access::Fault {
        error_code: X86_PF_USER
            | if write { X86_PF_WRITE } else { 0 }
            | if present { X86_PF_PROT } else { 0 },
        how,
    };
    let Some(slot) = l.slot_of(addr) else {
        return user_fault(
            tell(&|| format!("#PF: no mapping at address {addr}")),
            false,
        );
    };
    let mm = st.mm_of_cpu(cpu);
    let ti = l.tlb_index(cpu, mm, slot);
    let entry = st.tlb[ti];
    // the walk a miss or a locked D-bit update makes (a hit reads no page table)
    let at = if entry.is_some_and(|e| !write || (e.write && e.dirty)) {
        None
    } else {
        match super::walk(st, l, cpu, slot) {
            Ok(at) => at,
            Err(why) => return Access::UseAfterFree(format!("walk of address {addr}: {why}")),
        }
    };
    let pte = at.map_or(Pte::NONE, |i| i.pte(st));
    // Which frame the access lands on, and how it got there.
    let (pfn, generation, how) = match (entry, write) {
        (Some(e), false) => (e.pfn, e.generation, Path::Hit),
        (Some(e), true) if e.write && e.dirty => (e.pfn, e.generation, Path::HitDirty),
        (Some(e), true) if e.write => {
            // Clean writable entry: a locked walk must set D, and re-checks the PTE.
            if let Some(i) = at
                && pte.hw_present()
                && pte.write()
                && pte.pfn() == e.pfn as u32
            {
                i.set(st, pte.with(pte_bits::DIRTY, true));
                st.tlb[ti] = Some(TlbEntry { dirty: true, ..e });
                (e.pfn, e.generation, Path::HitClean)
            } else {
                st.tlb[ti] = None;
                return user_fault(
                    tell(&|| {
                        format!(
                            "TLB entry clean, PTE {} -> #PF",
                            pte.describe(|p| page_name((p as usize).wrapping_sub(1)))
                        )
                    }),
                    pte.hw_present(),
                );
            }
        }
        _ => {
            // Miss (or a read-only entry on a store): walk the page table.
            let ok = pte.hw_present() && (!write || pte.write());
            if !ok {
                st.tlb[ti] = None;
                let how = tell(&|| {
                    let desc = if pte.is_none() {
                        "PTE none".to_string()
                    } else {
                        format!(
                            "PTE {}",
                            pte.describe(|p| page_name((p as usize).wrapping_sub(1)))
                        )
                    };
                    format!("walk: {desc} -> #PF")
                });
                return user_fault(how, pte.hw_present());
            }
            let pfn = pte.pfn() as u16;
            let Some(f) = live_frame(st, pfn, None) else {
                return Access::UseAfterFree(format!(
                    "page walk of address {addr} reached freed frame {}",
                    page_name((pfn as usize).wrapping_sub(1))
                ));
            };
            let mut np = pte.with(pte_bits::ACCESSED, true);
            if write {
                np = np.with(pte_bits::DIRTY, true);
            }
            // (a present PTE is in a table)
            if let Some(i) = at {
                i.set(st, np);
            }
            let e = TlbEntry {
                pfn,
                write: np.write(),
                dirty: np.has(pte_bits::DIRTY),
                generation: st.frames[f].generation,
            };
            st.tlb[ti] = Some(e);
            (pfn, e.generation, Path::Miss(e))
        }
    };
    let Some(f) = live_frame(st, pfn, Some(generation)) else {
        return Access::UseAfterFree(format!(
            "{}: access to address {addr} reached frame {}, which was freed",
            how.render(page_name),
            page_name((pfn as usize).wrapping_sub(1))
        ));
    };
    let fr = &mut st.frames[f];
    let value = match kind {
        UserKind::Load => fr.data,
        UserKind::Store(v) => v,
        UserKind::Add(v) => fr.data.wrapping_add(v),
    };
    // A store into a page a discard in progress is throwing away is lost with it (the
    // discard's contract allows that); one into a page a move in progress took from this
    // address is seen where the page is now; any other store is expected to stay here.
    let seen_at = match fr.taken {
        Some(t) if t.in_progress_from(mm, slot) => t.to.map(usize::from),
        _ => Some(slot),
    };
    match kind {
        UserKind::Load => {}
        UserKind::Store(v) => {
            fr.data = value;
            fr.last_store = Some((cpu as u8, value));
            if let Some(s) = seen_at {
                st.expected[l.ghost_index(mm, s)] = v;
                st.stored_at(l.ghost_index(mm, s));
            }
        }
        UserKind::Add(v) => {
            fr.data = value;
            fr.last_store = Some((cpu as u8, value));
            if let Some(s) = seen_at {
                let g = l.ghost_index(mm, s);
                st.expected[g] = st.expected[g].wrapping_add(v);
                st.stored_at(g);
            }
        }
    }
    Access::Done {
        value,
        how: tell(&|| how.render(page_name)),
    }
}

/// How a user access reached its frame (rendered only for logs and messages).
enum Path {
    Hit,
    HitDirty,
    HitClean,
    Miss(TlbEntry),
}

impl Path {
    fn render(&self, page_name: &dyn Fn(usize) -> String) -> String {
        match self {
            Path::Hit => "TLB hit".into(),
            Path::HitDirty => "TLB hit (rw=1 d=1)".into(),
            Path::HitClean => "TLB hit (clean): locked walk sets PTE d=1".into(),
            Path::Miss(e) => format!("TLB miss: walk, fill {}", fill_desc(*e, page_name)),
        }
    }
}

fn fill_desc(e: TlbEntry, page_name: &dyn Fn(usize) -> String) -> String {
    format!(
        "{} rw={} d={}",
        page_name((e.pfn as usize).wrapping_sub(1)),
        e.write as u8,
        e.dirty as u8
    )
}

/// The frame a slot's PTE in mm `mm` maps (present or PROTNONE), if any: what a user access
/// would reach once the TLBs agree with the page table.
pub fn mapped_frame(st: &State, l: &Layout, mm: usize, slot: usize) -> Option<usize> {
    let p = st.pte_of(l, mm, slot);
    if p.pfn() == 0 || !(p.hw_present() || p.has(pte_bits::PROTNONE)) {
        return None;
    }
    Some(p.pfn() as usize - 1)
}

/// A kernel read through the user address on `cpu` (copy_from_user in atomic context):
/// the CPU's TLB entry if any, else a walk that fills it. None if it would fault.
pub fn kernel_read(
    st: &mut State,
    l: &Layout,
    cpu: usize,
    addr: i64,
) -> Result<Option<(usize, i64)>, String> {
    let Some(slot) = l.slot_of(addr) else {
        return Ok(None);
    };
    let ti = l.tlb_index(cpu, st.mm_of_cpu(cpu), slot);
    let (pfn, generation) = match st.tlb[ti] {
        Some(e) => (e.pfn, Some(e.generation)),
        None => {
            let Some(i) = super::walk(st, l, cpu, slot)? else {
                return Ok(None);
            };
            let pte = i.pte(st);
            if !pte.hw_present() {
                return Ok(None);
            }
            let pfn = pte.pfn() as u16;
            let Some(f) = live_frame(st, pfn, None) else {
                return Err(format!(
                    "the kernel's walk of address {addr} reached a freed frame"
                ));
            };
            i.set(st, pte.with(pte_bits::ACCESSED, true));
            st.tlb[ti] = Some(TlbEntry {
                pfn,
                write: pte.write(),
                dirty: pte.has(pte_bits::DIRTY),
                generation: st.frames[f].generation,
            });
            (pfn, None)
        }
    };
    match live_frame(st, pfn, generation) {
        Some(f) => Ok(Some((f, st.frames[f].data))),
        None => Err(format!(
            "the kernel's read of address {addr} reached a frame that was freed"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tlb::*;
    use super::*;
    use crate::ir::Pte;
    use crate::ir::pte_bits::*;
    use crate::machine::state::*;

    /// One page at address 0, in one table.
    fn one_page() -> Layout {
        Layout::new(vec![0], None)
    }

    /// One CPU, one address, frames P (0) and Q (1); the PTE maps P.
    fn state(pte_bits: u32, tlb: Option<TlbEntry>) -> State {
        let frame = |data| Frame {
            allocated: true,
            data,
            ..Frame::default()
        };
        State {
            threads: vec![Thread {
                status: Status::Running,
                ..Thread::new()
            }],
            tlb: vec![tlb],
            ptes: vec![Pte::new(1, pte_bits)],
            ptl: vec![None],
            mms: vec![MmState::SCENARIO],
            frames: vec![frame(7), frame(5)],
            expected: vec![7],
            swap: Vec::new(),
            vma_rcu: Vec::new(),
            lazyfree: Vec::new(),
            mem: Vec::new(),
            csd: Vec::new(),
            pmds: vec![crate::ir::Pmd::table(0, 0)],
            tables: vec![TableFrame::LIVE],
            psc: Vec::new(),
        }
    }

    fn name(f: usize) -> String {
        ["P", "Q"][f].to_string()
    }

    fn entry(pfn: u16, write: bool, dirty: bool) -> Option<TlbEntry> {
        Some(TlbEntry {
            pfn,
            write,
            dirty,
            generation: 0,
        })
    }

    #[test]
    fn a_dirty_writable_hit_never_reads_the_pte() {
        // The PTE is read-only and maps nothing useful; the stale entry still retires.
        let mut st = state(PRESENT | ACCESSED, entry(2, true, true));
        match user_access(&mut st, &one_page(), 0, 0, UserKind::Store(9), &name, true) {
            Access::Done { value, .. } => assert_eq!(value, 9),
            _ => panic!("the store must retire through the TLB"),
        }
        assert_eq!(st.frames[1].data, 9, "landed in Q, the cached frame");
        assert_eq!(st.frames[0].data, 7);
        assert_eq!(st.ptes[0], Pte::new(1, PRESENT | ACCESSED), "PTE untouched");
    }

    #[test]
    fn a_clean_writable_entry_rechecks_and_faults_on_a_read_only_pte() {
        let mut st = state(PRESENT | ACCESSED, entry(1, true, false));
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Store(9), &name, true),
            Access::Fault { .. }
        ));
        assert_eq!(st.tlb[0], None, "a fault drops the CPU's own entry");
        assert_eq!(st.frames[0].data, 7);
    }

    #[test]
    fn a_clean_writable_entry_sets_d_through_a_locked_walk() {
        let mut st = state(PRESENT | WRITE | ACCESSED, entry(1, true, false));
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Store(9), &name, true),
            Access::Done { .. }
        ));
        assert!(st.ptes[0].has(DIRTY));
        assert_eq!(st.tlb[0], entry(1, true, true));
    }

    #[test]
    fn a_miss_walks_fills_and_sets_a_and_d() {
        let mut st = state(PRESENT | WRITE, None);
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Add(1), &name, true),
            Access::Done { value: 8, .. }
        ));
        assert!(st.ptes[0].has(ACCESSED) && st.ptes[0].has(DIRTY));
        assert_eq!(st.tlb[0], entry(1, true, true));
        assert_eq!(st.expected[0], 8);
    }

    #[test]
    fn a_store_into_a_page_being_discarded_is_lost_with_it() {
        // The PTE no longer maps P (a zap cleared it); CPU0's stale entry still does.
        let mut st = state(PRESENT | WRITE | ACCESSED | DIRTY, entry(1, true, true));
        st.ptes[0] = Pte::NONE;
        st.expected[0] = 0;
        st.frames[0].taken = Some(Taken {
            cpu: 1,
            mm: 0,
            slot: 0,
            to: None,
        });
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Store(9), &name, true),
            Access::Done { value: 9, .. }
        ));
        assert_eq!(st.frames[0].data, 9, "the store lands in P");
        assert_eq!(
            st.expected[0], 0,
            "and goes with it: the address still expects 0"
        );
        // Once the discard is over, the same store is one the address must keep.
        st.frames[0].taken = None;
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Add(1), &name, true),
            Access::Done { value: 10, .. }
        ));
        assert_eq!(st.expected[0], 1);
    }

    #[test]
    fn a_store_into_a_page_being_moved_is_seen_where_the_page_went() {
        // mremap() moved P from address 0 to address 1 (expected[1] is address 1's, as
        // ghost_index(0, 1) counts); CPU0's stale entry for 0 still reaches P.
        let mut st = state(PRESENT | WRITE | ACCESSED | DIRTY, entry(1, true, true));
        st.ptes[0] = Pte::NONE;
        st.expected = vec![0, 7];
        st.frames[0].taken = Some(Taken {
            cpu: 1,
            mm: 0,
            slot: 0,
            to: Some(1),
        });
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Store(9), &name, true),
            Access::Done { value: 9, .. }
        ));
        assert_eq!(st.expected, vec![0, 9], "address 1 must see the store");
        // Once the move is over, a store through the old address is its own again.
        st.frames[0].taken = None;
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Store(4), &name, true),
            Access::Done { value: 4, .. }
        ));
        assert_eq!(st.expected, vec![4, 9]);
    }

    #[test]
    fn a_store_to_a_read_only_pte_faults_with_a_write_protection_code() {
        let mut st = state(PRESENT | ACCESSED, None);
        match user_access(&mut st, &one_page(), 0, 0, UserKind::Store(1), &name, true) {
            Access::Fault { error_code, .. } => {
                assert_eq!(error_code, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT)
            }
            _ => panic!("must fault"),
        }
        let mut st = state(0, None);
        st.ptes[0] = Pte::NONE;
        match user_access(&mut st, &one_page(), 0, 0, UserKind::Load, &name, true) {
            Access::Fault { error_code, .. } => assert_eq!(error_code, X86_PF_USER),
            _ => panic!("must fault"),
        }
    }

    #[test]
    fn an_entry_to_a_freed_frame_is_a_use_after_free() {
        let mut st = state(PRESENT | WRITE | ACCESSED | DIRTY, entry(2, true, true));
        st.frames[1].allocated = false;
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Load, &name, true),
            Access::UseAfterFree(_)
        ));
        // reused: allocated again, but a later generation
        st.frames[1].allocated = true;
        st.frames[1].generation = 1;
        assert!(matches!(
            user_access(&mut st, &one_page(), 0, 0, UserKind::Load, &name, true),
            Access::UseAfterFree(_)
        ));
    }

    #[test]
    fn a_flush_empties_every_cpu_of_the_mm() {
        let mut st = state(PRESENT, entry(1, false, false));
        flush_range(&mut st, &one_page(), 0, 0, 1);
        assert_eq!(st.tlb[0], None);
    }

    #[test]
    fn staleness_is_about_permission_not_age() {
        let pte = Pte::new(1, PRESENT | WRITE | ACCESSED | DIRTY);
        assert!(!is_stale(
            TlbEntry {
                pfn: 1,
                write: false,
                dirty: false,
                generation: 0
            },
            pte
        ));
        let ro = Pte::new(1, PRESENT | ACCESSED | DIRTY);
        assert!(is_stale(
            TlbEntry {
                pfn: 1,
                write: true,
                dirty: true,
                generation: 0
            },
            ro
        ));
        assert!(!is_stale(
            TlbEntry {
                pfn: 1,
                write: true,
                dirty: false,
                generation: 0
            },
            ro
        ));
        assert!(is_stale(
            TlbEntry {
                pfn: 2,
                write: false,
                dirty: false,
                generation: 0
            },
            ro
        ));
        assert!(is_stale(
            TlbEntry {
                pfn: 1,
                write: false,
                dirty: false,
                generation: 0
            },
            Pte::NONE
        ));
    }
}
