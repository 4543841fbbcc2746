//! The TLB contract's hook into the model: the `struct mm_struct` words the machine's own
//! checks read.
//!
//! The kernel code that raises and drops a deferred flush (`inc_tlb_flush_pending()`,
//! reclaim's `tlb_flush_batched`, ...) is model code over a model-declared `mm_struct`. The
//! hardware contract the machine checks still has to know when a flush is owed: `stale_tlb`
//! forgives a more permissive TLB entry while one is, and every CPU finishing with
//! `tlb_flush_pending` still raised is `lock_hygiene`. So the machine reads, by name, the
//! mm_struct fields `tlb_flush_pending` (an `atomic_t`: a flush is pending while it is
//! above 0) and `tlb_flush_batched` (an `int`: reclaim deferred a flush while it is not 0).
//! A tree that declares neither has no deferred flushes to forgive; one that declares them
//! with another type is a located load error.
//!
//! tlb_flush_batched is read and written under the PTL (mm/rmap.c: reclaim sets it in
//! try_to_unmap_one() with the PTL held, flush_tlb_batched_pending() "must be called under
//! the PTL"). The machine holds models to that (a write without the PTL is `lock_hygiene`),
//! and so a load of it by a CPU holding the PTL reads what it would have read at the end
//! of that CPU's previous step: no other CPU can write it in between. Such a load is no
//! step of its own (`read_folds`), as the v1 built-in flush_tlb_batched_pending() was none
//! on a clear flag.

use super::family::{self, Access};
use super::state::State;
use crate::ir::{Memory, Prim, Value, WordKind};
use crate::lang::Diag;

/// Where the two fields sit in `struct mm_struct` (None: not declared).
#[derive(Debug, Clone, Copy, Default)]
pub struct TlbContract {
    pending: Option<usize>,
    batched: Option<usize>,
}

/// The fields, the types the checks read them as, and why.
const FIELDS: [(&str, WordKind, &str); 2] = [
    (
        "tlb_flush_pending",
        WordKind::Atomic,
        "a count of flushes in flight (include/linux/mm_types.h)",
    ),
    (
        "tlb_flush_batched",
        WordKind::Int,
        "reclaim's deferred-flush flag (a bool in include/linux/mm_types.h)",
    ),
];

impl TlbContract {
    /// Finds the fields in the model's `struct mm_struct`, if it declares one.
    pub fn resolve(mem: &Memory) -> Result<TlbContract, Diag> {
        let mut found = [None; 2];
        let Some(per) = mem.mm else {
            return Ok(TlbContract::default());
        };
        let s = &mem.structs[per.strukt as usize];
        for (slot, (name, kind, what)) in found.iter_mut().zip(FIELDS) {
            let Some(f) = s.fields.iter().position(|(n, _)| n == name) else {
                continue;
            };
            if s.fields[f].1 != kind {
                return Err(Diag::at(
                    s.type_spans[f],
                    format!(
                        "mm_struct's `{name}` must be declared `{}`: the machine's TLB checks read it as {what}",
                        kind.name()
                    ),
                ));
            }
            *slot = Some(f);
        }
        Ok(TlbContract {
            pending: found[0],
            batched: found[1],
        })
    }

    fn word(mem: &Memory, field: Option<usize>, mm: usize) -> Option<usize> {
        let (per, field) = (mem.mm?, field?);
        (mm < per.count as usize).then(|| per.base as usize + mm * per.stride as usize + field)
    }

    /// mm->tlb_flush_pending (0 if the tree does not declare it).
    pub fn pending(&self, mem: &Memory, s: &State, mm: usize) -> i64 {
        Self::word(mem, self.pending, mm).map_or(0, |w| s.mem[w])
    }

    /// A flush is owed: raised in tlb_flush_pending, or batched by reclaim.
    pub fn flush_owed(&self, mem: &Memory, s: &State, mm: usize) -> bool {
        self.pending(mem, s, mm) > 0
            || Self::word(mem, self.batched, mm).is_some_and(|w| s.mem[w] != 0)
    }

    /// Is `w` an mm's tlb_flush_batched word?
    fn is_batched(&self, mem: &Memory, w: usize) -> bool {
        let count = mem.mm.map_or(0, |p| p.count as usize);
        (0..count).any(|mm| Self::word(mem, self.batched, mm) == Some(w))
    }

    /// The word a family primitive works on, and whether it writes it.
    fn access(prim: Prim, args: &[Value]) -> Option<(usize, Access)> {
        let Prim::Family(i) = prim else { return None };
        let r = family::row(i);
        match args.get(r.ptr) {
            Some(&Value::Word(w)) => Some((w as usize, r.access)),
            _ => None,
        }
    }

    /// A load of tlb_flush_batched by a CPU that holds the PTL (the model has one PTE
    /// table, so one PTL): no step of its own.
    pub fn read_folds(
        &self,
        mem: &Memory,
        st: &State,
        tid: usize,
        prim: Prim,
        args: &[Value],
    ) -> bool {
        Self::access(prim, args).is_some_and(|(w, a)| {
            a == Access::Read
                && self.is_batched(mem, w)
                && st.ptl.len() == 1
                && st.ptl[0] == Some(tid as u8)
        })
    }

    /// A write of tlb_flush_batched by a CPU that holds no PTL: what is wrong with it.
    pub fn unlocked_write(
        &self,
        mem: &Memory,
        st: &State,
        tid: usize,
        prim: Prim,
        args: &[Value],
    ) -> Option<String> {
        let (w, a) = Self::access(prim, args)?;
        (a == Access::Write && self.is_batched(mem, w) && !st.ptl.contains(&Some(tid as u8)))
            .then(|| {
                format!(
                    "cpu{tid} writes {} without holding the PTL (mm/rmap.c sets and clears it under the PTL)",
                    mem.word_name(w)
                )
            })
    }

    /// The footprint bits of the words the per-state check (`stale_tlb`) reads: a step that
    /// writes one of them is visible to it.
    pub fn observed(&self, mem: &Memory) -> u64 {
        let count = mem.mm.map_or(0, |p| p.count as usize);
        (0..count)
            .flat_map(|mm| {
                [self.pending, self.batched]
                    .into_iter()
                    .filter_map(move |f| Self::word(mem, f, mm))
            })
            .fold(0, |acc, w| acc | super::footprint::obj_bit(w))
    }
}
