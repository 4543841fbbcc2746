//! The machine's hook into the model's `struct mm_struct`: the words its own checks read.
//!
//! The kernel code that takes mmap_lock, raises and drops a deferred flush
//! (`inc_tlb_flush_pending()`, reclaim's `tlb_flush_batched`) is model code over a
//! model-declared `mm_struct`. The contracts the machine checks still have to see them:
//! `stale_tlb` forgives a more permissive TLB entry while a flush is owed (tlb_flush_pending
//! above 0, tlb_flush_batched set, or mmap_lock held for write: the holder flushes before it
//! unlocks), every CPU finishing with tlb_flush_pending not back at 0 is `lock_hygiene`, and
//! so is a `vma->vm_flags` store without mmap_lock held for write. So the machine reads, by
//! name, the mm_struct fields
//!
//! - `tlb_flush_pending`, an `atomic_t`: the count of paths with a flush deferred;
//! - `tlb_flush_batched`, an `int` or an `atomic_t`: reclaim deferred a flush (a bool in
//!   v5.10; an atomic_t from the fix of its race between two PTLs, Nov 2021, on);
//! - `mmap_lock`, an `rw_semaphore`.
//!
//! A tree that declares none of them has no deferred flush to forgive and no mmap_lock to
//! hold; one that declares one with another type is a located load error.
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

/// The fields the machine reads, the types it reads them as, and what it reads them for.
const FIELDS: [(&str, WordKind, &str); 3] = [
    (
        "tlb_flush_pending",
        WordKind::Atomic,
        "a count of flushes in flight (include/linux/mm_types.h)",
    ),
    (
        "tlb_flush_batched",
        WordKind::Int,
        "reclaim's deferred flushes (a bool in v5.10's include/linux/mm_types.h, an atomic_t of generations in 6.12's)",
    ),
    (
        "mmap_lock",
        WordKind::Rwsem,
        "the mm's rw_semaphore (a writer owes its flushes before it unlocks)",
    ),
];
const PENDING: usize = 0;
const BATCHED: usize = 1;
const MMAP_LOCK: usize = 2;

/// Where the fields sit in `struct mm_struct` (None: not declared), and where a VMA names
/// its mm (`vm_area_struct`'s `vm_mm`, a handle).
#[derive(Debug, Clone, Copy, Default)]
pub struct MmContract {
    fields: [Option<usize>; 3],
    vm_mm: Option<usize>,
}

impl MmContract {
    /// Finds the fields in the model's `struct mm_struct`, if it declares one.
    pub fn resolve(mem: &Memory) -> Result<MmContract, Diag> {
        let mut c = MmContract::default();
        if let Some(per) = mem.vma {
            let s = &mem.structs[per.strukt as usize];
            c.vm_mm = s
                .fields
                .iter()
                .position(|(n, k)| n == "vm_mm" && *k == WordKind::Handle)
                .map(|f| s.offsets[f] as usize);
        }
        let Some(per) = mem.mm else {
            return Ok(c);
        };
        let s = &mem.structs[per.strukt as usize];
        for (slot, (name, kind, what)) in c.fields.iter_mut().zip(FIELDS) {
            let Some(f) = s.fields.iter().position(|(n, _)| n == name) else {
                continue;
            };
            // (tlb_flush_batched may be the atomic_t later kernels made it)
            let atomic_batched = name == "tlb_flush_batched" && s.fields[f].1 == WordKind::Atomic;
            if s.fields[f].1 != kind && !atomic_batched {
                let types = if name == "tlb_flush_batched" {
                    "`int` or `atomic_t`".to_string()
                } else {
                    format!("`{}`", kind.name())
                };
                return Err(Diag::at(
                    s.type_spans[f],
                    format!(
                        "mm_struct's `{name}` must be declared {types}: the machine's checks read it as {what}"
                    ),
                ));
            }
            *slot = Some(f);
        }
        Ok(c)
    }

    /// The word of field `which` of mm number `mm`.
    fn word(&self, mem: &Memory, which: usize, mm: usize) -> Option<usize> {
        let (per, field) = (mem.mm?, self.fields[which]?);
        (mm < per.count as usize).then(|| per.base as usize + mm * per.stride as usize + field)
    }

    fn value(&self, mem: &Memory, s: &State, which: usize, mm: usize) -> Option<i64> {
        self.word(mem, which, mm).map(|w| s.mem[w])
    }

    /// mm->tlb_flush_pending (0 if the tree does not declare it).
    pub fn pending(&self, mem: &Memory, s: &State, mm: usize) -> i64 {
        self.value(mem, s, PENDING, mm).unwrap_or(0)
    }

    /// The CPU holding mm->mmap_lock for write, if any.
    pub fn mmap_writer(&self, mem: &Memory, s: &State, mm: usize) -> Option<usize> {
        family::rwsem::writer(self.value(mem, s, MMAP_LOCK, mm)?)
    }

    /// Does CPU `tid` hold mm->mmap_lock, either way? None if the tree declares no mmap_lock.
    pub fn mmap_held(&self, mem: &Memory, s: &State, mm: usize, tid: usize) -> Option<bool> {
        let v = self.value(mem, s, MMAP_LOCK, mm)?;
        Some(family::rwsem::holds(v, tid, false))
    }

    /// Someone is bound to flush the mm's TLB entries: a flush is pending, reclaim batched
    /// one, or mmap_lock is held for write (flush before unlock).
    pub fn flush_owed(&self, mem: &Memory, s: &State, mm: usize) -> bool {
        self.pending(mem, s, mm) > 0
            || self
                .value(mem, s, BATCHED, mm)
                .is_some_and(batched_flush_owed)
            || self.mmap_writer(mem, s, mm).is_some()
    }

    /// The mm of a VMA: its `vm_mm`, for a VMA of the scenario or one a path allocated from
    /// a slab cache (`vm_area_dup()`).
    pub fn vma_mm(&self, mem: &Memory, s: &State, v: Value) -> Result<u8, String> {
        let (Some(per), Some(off)) = (mem.vma, self.vm_mm) else {
            return Ok(0);
        };
        let base = match v {
            Value::Vma(i) if u32::from(i) < per.count => {
                per.base as usize + i as usize * per.stride as usize
            }
            Value::Obj(b) => match mem.object_of(b as usize) {
                Some((base, sid)) if base == b as usize && sid == per.strukt as usize => base,
                _ => return Err("expected a vma, got an object of another struct".into()),
            },
            other => return Err(format!("expected a vma, got a {}", other.type_name())),
        };
        match crate::ir::word_to_handle(s.mem[base + off]) {
            Value::Mm(m) => Ok(m),
            _ => Err("a vma whose vm_mm names no mm (a VMA used after vm_area_free())".into()),
        }
    }

    /// The word of VMA object `i`'s vm_mm (of the model's per-handle VMAs).
    pub fn vm_mm_word(&self, mem: &Memory, i: usize) -> Option<usize> {
        let per = mem.vma?;
        Some(per.base as usize + i * per.stride as usize + self.vm_mm?)
    }

    /// Is `w` an mm's tlb_flush_batched word?
    fn is_batched(&self, mem: &Memory, w: usize) -> bool {
        let count = mem.mm.map_or(0, |p| p.count as usize);
        (0..count).any(|mm| self.word(mem, BATCHED, mm) == Some(w))
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
                && st.tables.len() == 1
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
            .flat_map(|mm| (0..FIELDS.len()).filter_map(move |f| self.word(mem, f, mm)))
            .fold(0, |acc, w| acc | super::footprint::obj_bit(mem, w))
    }
}

/// Is a flush still owed on `mm->tlb_flush_batched`'s value? In 6.12 (mm/rmap.c at 6.12.68)
/// bits 0-14 count the generations reclaim deferred and bits 16-30 the ones
/// flush_tlb_batched_pending() flushed: a flush is owed while they differ, and the word
/// stays non-zero after it. The older bool (v5.10) and the
/// count the fix's first posting cleared to 0 read as pending = value, flushed = 0.
pub fn batched_flush_owed(v: i64) -> bool {
    (v & 0x7fff) != ((v >> 16) & 0x7fff)
}

#[cfg(test)]
mod tests {
    use super::batched_flush_owed;

    #[test]
    fn batched_flush_generations() {
        // v5.10's bool and the cleared count
        assert!(!batched_flush_owed(0));
        assert!(batched_flush_owed(1));
        assert!(batched_flush_owed(2));
        // 6.12: two deferred, one flushed; then both flushed (the word is not 0)
        assert!(batched_flush_owed(2 | 1 << 16));
        assert!(!batched_flush_owed(2 | 2 << 16));
    }
}
