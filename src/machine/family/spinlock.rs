//! Spinlocks (include/linux/spinlock.h@v5.10): a `spinlock_t` word of a declared object, or
//! the page-table lock (`pte_lockptr()`), dispatched on the argument. A declared lock's word
//! is 0 when free and the holder's CPU + 1 when held, so unlocking by another CPU and locks
//! held on the return to user space are reported (`held`).

use super::{Access, Ctx, Row};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value, WordKind};
use crate::machine::footprint::PTL;
use crate::machine::prims::PrimOut;
use crate::machine::state::State;

const ON_PTL: Footprint = Footprint {
    reads: PTL,
    writes: PTL,
};

/// Where a lock lives: the holder's slot (`None` free, `Some(cpu)` held) and its name.
enum Lock {
    Ptl(usize),
    Word(usize),
}

fn lock(c: &Ctx<'_>, v: Value) -> Result<Lock, String> {
    match v {
        Value::Ptl(l) if (l as usize) < c.st.ptl.len() => Ok(Lock::Ptl(l as usize)),
        Value::Word(_) => c.word(v, WordKind::Spinlock).map(Lock::Word),
        other => Err(format!(
            "expected a spinlock (`&obj.lock` or a PTL), got a {}",
            other.type_name()
        )),
    }
}

fn holder(c: &Ctx<'_>, l: &Lock) -> Option<usize> {
    match *l {
        Lock::Ptl(i) => c.st.ptl[i].map(usize::from),
        Lock::Word(w) => usize::try_from(c.st.mem[w] - 1).ok(),
    }
}

fn set_holder(c: &mut Ctx<'_>, l: &Lock, h: Option<usize>) {
    match *l {
        Lock::Ptl(i) => c.st.ptl[i] = h.map(|t| t as u8),
        Lock::Word(w) => c.st.mem[w] = h.map_or(0, |t| t as i64 + 1),
    }
}

fn name(c: &Ctx<'_>, l: &Lock) -> String {
    match *l {
        Lock::Ptl(i) if i < c.st.tables.len() => "the PTL".into(),
        Lock::Ptl(_) => "the PMD lock".into(),
        Lock::Word(w) => c.name(w),
    }
}

/// The declared spinlocks CPU `tid` holds (their words).
fn held_words<'a>(
    m: &'a crate::machine::Machine,
    st: &'a State,
    tid: usize,
) -> impl Iterator<Item = usize> + 'a {
    m.prog
        .memory
        .spinlock_words
        .iter()
        .map(|&w| w as usize)
        .filter(move |&w| st.mem[w] == tid as i64 + 1)
}

/// Does CPU `tid` hold a declared spinlock? (Checked at every return to user space and
/// before every sleep: no allocation.)
pub fn holds_any(m: &crate::machine::Machine, st: &State, tid: usize) -> bool {
    held_words(m, st, tid).next().is_some()
}

/// The declared spinlocks CPU `tid` holds, by name.
pub fn held(m: &crate::machine::Machine, st: &State, tid: usize) -> Vec<String> {
    held_words(m, st, tid)
        .map(|w| m.prog.memory.word_name(w))
        .collect()
}

pub const ROWS: &[Row] = &[
    Row {
        name: "spin_lock",
        arity: 1,
        class: PrimClass::Shared,
        ptr: 0,
        access: Access::Write,
        other: ON_PTL,
        blocks: "while another CPU holds the lock",
        doc: "(lock) take the spinlock (`&obj.lock` or a PTL)",
        exec: |c, a| {
            let l = lock(c, a[0])?;
            match holder(c, &l) {
                Some(h) if h == c.tid => Ok(PrimOut::Violation(
                    "deadlock",
                    format!(
                        "cpu{} takes {} it already holds (self-deadlock)",
                        c.tid,
                        name(c, &l)
                    ),
                )),
                Some(_) => Ok(PrimOut::Blocked),
                None => {
                    set_holder(c, &l, Some(c.tid));
                    Ok(PrimOut::Value(Value::Null))
                }
            }
        },
    },
    Row {
        name: "spin_unlock",
        arity: 1,
        class: PrimClass::Shared,
        ptr: 0,
        access: Access::Write,
        other: ON_PTL,
        blocks: "",
        doc: "(lock) release the spinlock; lock_hygiene unless this CPU holds it",
        exec: |c, a| {
            let l = lock(c, a[0])?;
            match holder(c, &l) {
                Some(h) if h == c.tid => {
                    set_holder(c, &l, None);
                    Ok(PrimOut::Value(Value::Null))
                }
                h => Ok(PrimOut::Violation(
                    "lock_hygiene",
                    format!(
                        "cpu{} releases {} it does not hold ({})",
                        c.tid,
                        name(c, &l),
                        h.map_or("it is free".into(), |h| format!("cpu{h} holds it"))
                    ),
                )),
            }
        },
    },
    Row {
        name: "spin_trylock",
        arity: 1,
        class: PrimClass::Shared,
        ptr: 0,
        access: Access::Write,
        other: ON_PTL,
        blocks: "",
        doc: "(lock) take the spinlock if it is free: true if taken",
        exec: |c, a| {
            let l = lock(c, a[0])?;
            if holder(c, &l).is_some() {
                return Ok(PrimOut::Value(Value::Bool(false)));
            }
            set_holder(c, &l, Some(c.tid));
            Ok(PrimOut::Value(Value::Bool(true)))
        },
    },
    Row {
        name: "spin_is_locked",
        arity: 1,
        class: PrimClass::Ghost,
        ptr: 0,
        access: Access::Read,
        other: Footprint {
            reads: PTL,
            writes: 0,
        },
        blocks: "",
        doc: "(lock) true if some CPU holds the spinlock (a racy read for checks: never a step of its own)",
        exec: |c, a| {
            let l = lock(c, a[0])?;
            Ok(PrimOut::Value(Value::Bool(holder(c, &l).is_some())))
        },
    },
];
