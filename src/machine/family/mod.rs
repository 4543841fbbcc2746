//! Primitive families: the kernel's synchronization and object primitives over the words
//! of declared objects (`struct NAME { field: TYPE; }` and `global`), one file per family.
//!
//! A primitive is one row (`Row`): name, arity, atomicity, what it touches, when it blocks,
//! a doc line and its semantics. Adding one touches its family file only: the front end
//! finds it by name (`Prim::Family`), the machine runs it through `exec`, and partial-order
//! reduction takes its footprint from the row.

mod alloc;
mod atomic;
mod bitops;
pub mod ipi;
mod irq;
pub mod once;
mod rcu;
pub mod rwsem;
mod seqcount;
pub mod spinlock;
mod wait;

use super::Machine;
use super::footprint;
use super::prims::PrimOut;
use super::state::State;
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value, WordKind};
use std::sync::LazyLock;

/// How a row touches the word its pointer argument names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    /// A store or an atomic read-modify-write.
    Write,
    /// A shared-mode lock operation (down_read, up_read): it changes only the calling CPU's
    /// share of the word, which no other shared-mode operation depends on, and every
    /// operation that does depend on it (down_write, ...) is a `Write`. For partial-order
    /// reduction it is a read of the word: two CPUs taking and dropping the lock for read
    /// commute. (Static summaries add `footprint::HOLDS`, so that code that may take a lock
    /// is not code that only reads: an invariant may not.)
    Shared,
}

impl Access {
    /// The footprint of this access to `words` (footprint bits), in a step or, with
    /// `summary`, in the static summary of what code may do.
    pub fn on(self, words: u64, summary: bool) -> Footprint {
        let writes = match self {
            Access::Read => 0,
            Access::Write => words,
            Access::Shared if summary => footprint::HOLDS,
            Access::Shared => 0,
        };
        Footprint {
            reads: words,
            writes,
        }
    }
}

/// `Row::ptr` of a primitive that works on no shared word (the per-CPU IRQ flag).
pub const NO_WORD: usize = usize::MAX;

pub struct Row {
    pub name: &'static str,
    pub arity: usize,
    /// Shared: one atomic step. Ghost: a racy read that never makes a step of its own.
    pub class: PrimClass,
    /// Which argument is the pointer to the word it works on (`NO_WORD`: none).
    pub ptr: usize,
    pub access: Access,
    /// Other state it may touch when that argument is not a word (the PTL for spin_lock).
    pub other: Footprint,
    /// When the step is disabled ("" if never).
    pub blocks: &'static str,
    pub doc: &'static str,
    pub exec: fn(&mut Ctx<'_>, &[Value]) -> Result<PrimOut, String>,
}

impl Row {
    /// A one-step primitive on the word its argument `ptr` points to, touching nothing else
    /// and never blocking (the shape of every atomic and bit operation).
    pub const fn on_word(
        name: &'static str,
        arity: usize,
        ptr: usize,
        access: Access,
        doc: &'static str,
        exec: fn(&mut Ctx<'_>, &[Value]) -> Result<PrimOut, String>,
    ) -> Row {
        Row {
            name,
            arity,
            class: PrimClass::Shared,
            ptr,
            access,
            other: Footprint {
                reads: 0,
                writes: 0,
            },
            blocks: "",
            doc,
            exec,
        }
    }
}

impl Row {
    /// A one-step primitive on no word of memory (per-CPU or scheduler state), touching
    /// `other`, never blocking.
    pub const fn on_cpu_state(
        name: &'static str,
        arity: usize,
        class: PrimClass,
        other: Footprint,
        doc: &'static str,
        exec: fn(&mut Ctx<'_>, &[Value]) -> Result<PrimOut, String>,
    ) -> Row {
        Row {
            name,
            arity,
            class,
            ptr: NO_WORD,
            access: Access::Write,
            other,
            blocks: "",
            doc,
            exec,
        }
    }

    /// The same row, disabled while `blocks` (a blocking primitive on its word).
    pub const fn blocking(self, blocks: &'static str) -> Row {
        Row { blocks, ..self }
    }
}

/// What a row's semantics sees: the machine, the state and the calling CPU.
pub struct Ctx<'a> {
    pub m: &'a Machine,
    pub st: &'a mut State,
    pub tid: usize,
}

impl Ctx<'_> {
    /// The word a pointer names, checked against the type the primitive works on.
    pub fn word(&self, v: Value, kind: WordKind) -> Result<usize, String> {
        let mem = &self.m.prog.memory;
        match v {
            Value::Word(w) if (w as usize) < mem.words.len() => {
                let w = w as usize;
                match mem.kind(w) {
                    Some(k) if k == kind => Ok(w),
                    k => Err(format!(
                        "expected a pointer to a {}, got &{} (a {})",
                        kind.name(),
                        mem.word_name(w),
                        k.map_or("?", |k| k.name())
                    )),
                }
            }
            Value::Null => Err(format!("NULL pointer where a {} is expected", kind.name())),
            other => Err(format!(
                "expected a pointer to a {} (e.g. `&obj.field`), got a {}",
                kind.name(),
                other.type_name()
            )),
        }
    }
    pub fn name(&self, w: usize) -> String {
        self.m.prog.memory.word_name(w)
    }
}

pub fn int_arg(v: Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Bool(b) => Ok(b as i64),
        other => Err(format!("expected an integer, got a {}", other.type_name())),
    }
}

/// The types of word a row's pointer may name (None: not stated, any word).
type Kinds = Option<&'static [WordKind]>;

/// Every family, with the types of word its rows' pointers may name (every row checks its
/// pointer against them): static footprints use them when a row's pointer is not known
/// before the run. None: not stated (any word).
static FAMILIES: &[(&[Row], Kinds)] = &[
    (alloc::ROWS, None),
    (atomic::ROWS, Some(&[WordKind::Atomic])),
    (bitops::ROWS, Some(&[WordKind::Bits])),
    // (the PTL is the machine's, not a word: `Row::other`)
    (spinlock::ROWS, Some(&[WordKind::Spinlock])),
    (seqcount::ROWS, Some(&[WordKind::Seqcount])),
    (rwsem::ROWS, Some(&[WordKind::Rwsem])),
    // (every kind `once::plain()` accepts: a handle or pgprot field of a global, stored as
    // `g.f = v`, is a word these rows touch too)
    (
        once::ROWS,
        Some(&[
            WordKind::Int,
            WordKind::Bits,
            WordKind::Handle,
            WordKind::Pgprot,
        ]),
    ),
    // wait_until's argument is the condition its statement evaluated, not a pointer
    (wait::ROWS, Some(&[])),
    (irq::ROWS, None),
    (ipi::ROWS, None),
    (rcu::ROWS, None),
];

static ROWS: LazyLock<Vec<(&'static Row, Kinds)>> = LazyLock::new(|| {
    FAMILIES
        .iter()
        .flat_map(|&(rows, kinds)| rows.iter().map(move |r| (r, kinds)))
        .collect()
});

pub fn rows() -> impl ExactSizeIterator<Item = &'static Row> {
    ROWS.iter().map(|&(r, _)| r)
}

pub fn row(i: u16) -> &'static Row {
    ROWS[i as usize].0
}

/// The types of word row `i` works on (None: not stated).
pub fn kinds(i: u16) -> Kinds {
    ROWS[i as usize].1
}

pub fn by_name(name: &str) -> Option<u16> {
    ROWS.iter()
        .position(|(r, _)| r.name == name)
        .map(|i| i as u16)
}

/// Does CPU `tid` hold the lock at word `lock` (a spinlock_t, or an rw_semaphore: for
/// write when `exclusive`, else either way)?
pub fn holds_lock(m: &Machine, st: &State, lock: usize, tid: usize, exclusive: bool) -> bool {
    let v = st.mem[lock];
    match m.prog.memory.kind(lock) {
        Some(WordKind::Spinlock) => v == tid as i64 + 1,
        Some(WordKind::Rwsem) => rwsem::holds(v, tid, exclusive),
        _ => false,
    }
}

/// A load of a `guarded_by` word whose lock this CPU holds, or of a word no running code
/// writes (`machine::constants`): nobody can change it.
pub fn guarded_read(m: &Machine, st: &State, tid: usize, w: usize) -> bool {
    m.constant_words.get(w).copied().unwrap_or(false)
        || m.prog
            .memory
            .guard_of(w, &st.mem)
            .is_some_and(|l| holds_lock(m, st, l, tid, false))
}

/// Why CPU `tid` may not touch word `w` of a `struct page`, a slab object or a VMA (None:
/// it may).
pub fn page_gone(m: &Machine, st: &State, tid: usize, w: usize) -> Option<String> {
    if let Some((bm, i)) = m.prog.memory.slot_of(w) {
        return (st.mem[bm] & (1 << i) == 0).then(|| "the object is free".to_string());
    }
    // an mm is in use from the scenario or allocate_mm() to free_mm()
    if let Some((crate::ir::Owner::Mm(i), _)) = m.prog.memory.words.get(w)
        && tid < m.cpus()
        && !st.mms.get(*i as usize).is_some_and(|x| x.live)
    {
        return Some(format!("mm{i} is free (free_mm())"));
    }
    // a VMA is in use from vm_area_alloc() (or the scenario) to vm_area_free(): its vm_mm
    // is set exactly then (a scenario set-up, past the CPUs, may write a fresh one)
    if let Some((crate::ir::Owner::Vma(i), _)) = m.prog.memory.words.get(w)
        && tid < m.cpus()
        && m.mm_contract
            .vm_mm_word(&m.prog.memory, *i as usize)
            .is_some_and(|x| st.mem[x] == 0)
    {
        return Some("the VMA is free (vm_area_free())".into());
    }
    let f = m.prog.memory.frame_of(w)?;
    let fr = &st.frames[f];
    if !fr.allocated {
        return Some("the page is free".into());
    }
    match fr.private_to {
        // (an invariant's evaluation, on a scratch thread past the CPUs, may read anything)
        Some(o) if o as usize != tid && tid < m.cpus() => Some(format!(
            "the page is cpu{o}'s alone (it dropped the last reference, or has not published it)"
        )),
        _ => None,
    }
}

pub fn exec(m: &Machine, st: &mut State, tid: usize, i: u16, args: &[Value]) -> PrimOut {
    let r = row(i);
    if let Some(&Value::Word(w)) = args.get(r.ptr)
        && let Some(c) = m.prog.memory.cpu_of(w as usize)
        && c != tid
        && tid < m.cpus()
        // (quiet per-CPU words, which no other CPU may touch; with IPIs they are shared)
        && m.prog.memory.obj_bits.get(w as usize) == Some(&0)
    {
        return PrimOut::Error(format!(
            "{}: {} is cpu{c}'s instance of a per-CPU variable (reach your own with this_cpu_ptr())",
            r.name,
            m.prog.memory.word_name(w as usize)
        ));
    }
    // A field of a free page's `struct page`, or of one whose last reference another CPU
    // dropped: the page is used after it was freed. (A speculative reference fails there,
    // as the kernel's would after its recheck: `atomic_add_unless`.)
    if let Some(&Value::Word(w)) = args.get(r.ptr)
        && let Some(why) = page_gone(m, st, tid, w as usize)
    {
        if r.name == "atomic_add_unless" && m.prog.memory.frame_of(w as usize).is_some() {
            return PrimOut::Value(Value::Bool(false));
        }
        return PrimOut::Violation(
            "use_after_free",
            format!(
                "{} on {}: {why}",
                r.name,
                m.prog.memory.word_name(w as usize)
            ),
        );
    }
    // A `guarded_by` word changes only under its lock (held for write): loads under the
    // lock are folded on that promise, whichever primitive writes (a store, set_bit, ...).
    if r.access == Access::Write
        && let Some(&Value::Word(w)) = args.get(r.ptr)
        && let Some(l) = m.prog.memory.guard_of(w as usize, &st.mem)
        && !holds_lock(m, st, l, tid, true)
    {
        let mem = &m.prog.memory;
        return PrimOut::Violation(
            "lock_hygiene",
            format!(
                "cpu{tid} writes {} ({}) without holding {}{}",
                mem.word_name(w as usize),
                r.name,
                mem.word_name(l),
                if mem.kind(l) == Some(WordKind::Rwsem) {
                    " for write"
                } else {
                    ""
                }
            ),
        );
    }
    match (r.exec)(&mut Ctx { m, st, tid }, args) {
        Ok(o) => o,
        Err(e) => PrimOut::Error(format!("{}: {e}", r.name)),
    }
}

/// What a call touches: the word its pointer names (one bit per word, `footprint::obj_bit`),
/// or, without the call's memory layout and arguments (static summaries), any word.
pub fn footprint(i: u16, call: Option<(&crate::ir::Memory, &[Value])>) -> Footprint {
    let r = row(i);
    if r.ptr == NO_WORD {
        return r.other;
    }
    let args = call.map(|(_, a)| a);
    let obj = match call.and_then(|(mem, a)| Some((mem, a.get(r.ptr)?))) {
        Some((mem, Value::Word(w))) => footprint::obj_bit(mem, *w as usize),
        Some(_) => return r.other,
        None => footprint::OBJ_ALL,
    };
    let mut fp = r.access.on(obj, call.is_none());
    if args.is_none() {
        fp = fp.union(r.other);
    }
    fp
}
