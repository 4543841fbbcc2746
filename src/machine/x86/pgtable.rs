//! x86-64 page tables over the machine's table pool (`ir::Layout`): each 2 MiB range the
//! scenario uses has a PMD entry (`State::pmds`), none or pointing to a PTE table of the
//! pool; a table's entries are `State::ptes`. Pointers to PTEs carry their table's
//! generation, so an access through one after its table was freed is a use-after-free.

use crate::ir::{Layout, Pmd, PtePtr, Value};
use crate::machine::Machine;
use crate::machine::state::State;

/// Where a PTE pointer points: its entry in `State::ptes` and its table.
#[derive(Clone, Copy, Debug)]
pub struct PtePlace {
    pub index: usize,
    pub table: usize,
}

/// A pointer to slot `slot`'s PTE in mm `mm`, through its range's PMD entry (None: the
/// entry is none).
pub fn pte_pointer(l: &Layout, st: &State, mm: usize, slot: usize) -> Option<Value> {
    let (t, g) = st.pmds[l.pmd_index(mm, l.region[slot] as usize)].table_of()?;
    Some(pointer_into(l, t, g, slot))
}

/// A pointer to slot `slot`'s entry in table `t` of generation `g` (`pte_offset_map()` of a
/// PMD value the caller read).
pub fn pointer_into(l: &Layout, t: usize, g: u8, slot: usize) -> Value {
    Value::PtePtr(
        PtePtr {
            index: l.entry(t, slot) as u16,
            generation: g,
        }
        .pack(),
    )
}

/// The entry a PTE pointer names. Err: the pointer is not one (a model error), or
/// Ok(Err(why)) when its table was freed since (a use-after-free).
#[inline]
pub fn resolve(m: &Machine, st: &State, v: Value) -> Result<Result<PtePlace, String>, String> {
    let Value::PtePtr(x) = v else {
        return Err(format!("expected a PTE pointer, got a {}", v.type_name()));
    };
    let p = PtePtr::unpack(x);
    let l = &m.prog.scenario.layout;
    let index = p.index as usize;
    if index >= st.ptes.len() {
        return Err("a PTE pointer past the table pool".into());
    }
    let table = index / l.entries;
    let t = st.tables[table];
    if !t.allocated || t.generation != p.generation {
        return Ok(Err(format!(
            "{} is in a PTE table that was freed{}",
            entry_name(m, st, index),
            if t.allocated { " and reused" } else { "" }
        )));
    }
    Ok(Ok(PtePlace { index, table }))
}

/// The mm and slot whose PTE entry `index` is, if a PMD entry links its table now.
pub fn slot_of_entry(m: &Machine, st: &State, index: usize) -> Option<(usize, usize)> {
    let l = &m.prog.scenario.layout;
    let (table, i) = (index / l.entries, index % l.entries);
    let (mm, region) = l.pmd_owner(
        st.pmds
            .iter()
            .position(|p| p.table_of().is_some_and(|(t, _)| t == table))?,
    );
    (0..l.addr.len())
        .find(|&s| l.region[s] as usize == region && l.index[s] as usize == i)
        .map(|s| (mm, s))
}

/// How diagrams name PTE entry `index`: by its page (`X`, `X[1]`, and its mm past the
/// first) while a PMD entry links its table, else by its table.
pub fn entry_name(m: &Machine, st: &State, index: usize) -> String {
    match slot_of_entry(m, st, index) {
        Some((mm, s)) => crate::machine::trace::mm_slot_name(m, mm, s),
        None => {
            let l = &m.prog.scenario.layout;
            format!(
                "#{} of unlinked PTE table {}",
                index % l.entries,
                index / l.entries
            )
        }
    }
}

/// Can a PMD entry change while another CPU may read it? pmd_clear() and the huge-leaf
/// writers change present entries; pmd_populate() fills a none entry, and a none entry
/// exists only after a clear, in an mm allocate_mm() made (whose entries start none, and
/// which another CPU may run or walk once it is published), or where the scenario says so
/// (`pmd X -> none`, which a fault may then fill). If not, every PMD entry keeps
/// its scenario table: reading one is no step of its own, and a paging-structure cache
/// always agrees with the entries, so the machine keeps none.
pub fn pmds_change(p: &crate::ir::Program) -> bool {
    use crate::ir::Prim;
    p.may_call(|prim| {
        matches!(
            prim,
            Prim::PmdClear
                | Prim::PmdpHugeGetAndClear
                | Prim::SetPmdAt
                | Prim::PmdpEstablish
                | Prim::AllocateMm
        ) || (!p.scenario.none_pmds.is_empty() && prim == Prim::PmdPopulate)
    })
}

/// Does the program take a PMD lock (the machine then keeps one, after the PTLs)?
pub fn pmd_lock_used(p: &crate::ir::Program) -> bool {
    p.may_call(|prim| prim == crate::ir::Prim::PmdLockptr)
}

/// Where a hardware walk ends: a PTE of a table (its index in `State::ptes`), or a huge
/// leaf in the PMD entry (its index in `State::pmds`).
#[derive(Clone, Copy, Debug)]
pub enum Leaf {
    Pte(usize),
    Huge(usize),
}

impl Leaf {
    /// The mapping the walk found.
    pub fn pte(self, st: &State) -> crate::ir::Pte {
        match self {
            Leaf::Pte(i) => st.ptes[i],
            Leaf::Huge(i) => st.pmds[i].leaf().unwrap_or(crate::ir::Pte::NONE),
        }
    }
    /// Writes the mapping back (the walk's A and D bits).
    pub fn set(self, st: &mut State, pte: crate::ir::Pte) {
        match self {
            Leaf::Pte(i) => st.ptes[i] = pte,
            Leaf::Huge(i) => st.pmds[i] = Pmd::huge(pte),
        }
    }
}

/// A hardware walk of `cpu` to slot `slot`'s PTE in the mm it runs: through the CPU's
/// paging-structure cache where it holds the range's PMD entry, else through the PMD entry
/// (which it then caches, if it points to a table; a huge leaf ends the walk there).
/// Ok(None): the PMD entry is none. Err: the cached entry leads to a freed table.
pub fn walk(st: &mut State, l: &Layout, cpu: usize, slot: usize) -> Result<Option<Leaf>, String> {
    let (mm, region) = (st.mm_of_cpu(cpu), l.region[slot] as usize);
    let entry = l.pmd_index(mm, region);
    let mut cached = Pmd::NONE;
    if !st.psc.is_empty() {
        let at = l.psc_index(cpu, mm, region);
        cached = st.psc[at];
        if cached.is_none() && st.pmds[entry].table_of().is_some() {
            // (only entries that point to a table are cached)
            st.psc[at] = st.pmds[entry];
        }
    }
    let pmd = if cached.is_none() {
        st.pmds[entry]
    } else {
        cached
    };
    if pmd.leaf().is_some() {
        return Ok(Some(Leaf::Huge(entry)));
    }
    let Some((t, g)) = pmd.table_of() else {
        return Ok(None);
    };
    let table = st.tables[t];
    if !table.allocated || table.generation != g {
        let through = if cached.is_none() {
            format!("the PMD entry names PTE table {t}")
        } else {
            format!("cpu{cpu}'s paging-structure cache still holds the PMD entry of PTE table {t}")
        };
        return Err(format!(
            "{through}, which was freed{}",
            if table.allocated { " and reused" } else { "" }
        ));
    }
    Ok(Some(Leaf::Pte(l.entry(t, slot))))
}

/// A TLB flush on `cpu` for mm `mm` (INVLPG, a CR3 write or a shootdown) also drops its
/// paging-structure-cache entries for that mm (Intel SDM 4.10.4.1: those of the PCID).
pub fn drop_psc(st: &mut State, l: &Layout, cpu: usize, mm: usize) {
    if !st.psc.is_empty() {
        let at = l.psc_index(cpu, mm, 0);
        st.psc[at..at + l.regions()].fill(Pmd::NONE);
    }
}
