//! Read-write semaphores (include/linux/rwsem.h, kernel/locking/rwsem.c@v5.10): an
//! `rw_semaphore` word. Encoding: bits 0-3 hold the writer's CPU + 1 (0: no writer), bit
//! 4 + cpu is set while that CPU holds it for read (CPUs are at most 8). Every primitive is
//! one step on the word; the blocking ones are disabled while the semaphore is held
//! incompatibly, and, as sleeping locks, taking them with a spinlock held is lock_hygiene.
//!
//! Left out: the wait queue and its hand-off order (a waiter is simply disabled until it can
//! take the semaphore, so writer starvation and reader-after-waiting-writer blocking are not
//! modelled), optimistic spinning, owner tracking beyond the holders, and recursive read
//! holds: a CPU takes a given rwsem at most once (a second down_read() on the same CPU is
//! reported as a deadlock, as lockdep would for a read recursion that a waiting writer can
//! block).

use super::{Access, Ctx, Row};
use crate::ir::{Value, WordKind};
use crate::machine::Machine;
use crate::machine::prims::PrimOut;
use crate::machine::state::State;

const WRITER_MASK: i64 = 0xf;
const READER_SHIFT: u32 = 4;

/// The CPU holding the semaphore whose word is `v` for write, if any.
pub(crate) fn writer(v: i64) -> Option<usize> {
    usize::try_from((v & WRITER_MASK) - 1).ok()
}
/// Does CPU `tid` hold the rwsem with value `v` (for write, when `exclusive`)?
pub fn holds(v: i64, tid: usize, exclusive: bool) -> bool {
    writer(v) == Some(tid) || (!exclusive && v & reader_bit(tid) != 0)
}

fn reader_bit(cpu: usize) -> i64 {
    1 << (READER_SHIFT as usize + cpu)
}
fn readers(v: i64) -> i64 {
    v >> READER_SHIFT
}

fn sem(c: &Ctx<'_>, p: Value) -> Result<usize, String> {
    if c.tid >= 8 {
        return Err("an rw_semaphore supports at most 8 CPUs".into());
    }
    c.word(p, WordKind::Rwsem)
}

/// How CPU `tid` holds the semaphore, for messages.
fn how(v: i64, tid: usize) -> Option<&'static str> {
    if writer(v) == Some(tid) {
        Some("for write")
    } else if v & reader_bit(tid) != 0 {
        Some("for read")
    } else {
        None
    }
}

fn holders(v: i64) -> String {
    let mut h = Vec::new();
    if let Some(w) = writer(v) {
        h.push(format!("cpu{w} holds it for write"));
    }
    for cpu in 0..8 {
        if readers(v) & (1 << cpu) != 0 {
            h.push(format!("cpu{cpu} holds it for read"));
        }
    }
    if h.is_empty() {
        "it is free".into()
    } else {
        h.join(", ")
    }
}

/// Who holds the semaphore whose word is `v`, for diagrams: `free`, `held for write by
/// cpu0`, `held for read by cpu0, cpu1`.
pub(crate) fn state_text(v: i64) -> String {
    if let Some(w) = writer(v) {
        return format!("held for write by cpu{w}");
    }
    let cpus: Vec<String> = (0..8)
        .filter(|cpu| readers(v) & (1 << cpu) != 0)
        .map(|cpu| format!("cpu{cpu}"))
        .collect();
    if cpus.is_empty() {
        "free".into()
    } else {
        format!("held for read by {}", cpus.join(", "))
    }
}

/// down_read/down_write: disabled until the current holders let this CPU in.
fn down(c: &mut Ctx<'_>, p: Value, write: bool) -> Result<PrimOut, String> {
    let w = sem(c, p)?;
    let v = c.st.mem[w];
    let what = if write { "down_write" } else { "down_read" };
    if let Some(why) = crate::machine::prims::atomic_context(c.m, c.st, c.tid) {
        return Ok(PrimOut::Violation(
            "lock_hygiene",
            format!("{what} on {} may sleep, but cpu{} {why}", c.name(w), c.tid),
        ));
    }
    if let Some(h) = how(v, c.tid) {
        return Ok(PrimOut::Violation(
            "deadlock",
            format!(
                "cpu{} calls {what} on {} it already holds {h}",
                c.tid,
                c.name(w)
            ),
        ));
    }
    let free = if write { v == 0 } else { writer(v).is_none() };
    if !free {
        return Ok(PrimOut::Blocked);
    }
    c.st.mem[w] = if write {
        c.tid as i64 + 1
    } else {
        v | reader_bit(c.tid)
    };
    Ok(PrimOut::Value(Value::Null))
}

fn trylock(c: &mut Ctx<'_>, p: Value, write: bool) -> Result<PrimOut, String> {
    let w = sem(c, p)?;
    let v = c.st.mem[w];
    if how(v, c.tid).is_some() {
        return Err(format!(
            "cpu{} already holds {}: the model keeps one hold per CPU",
            c.tid,
            c.name(w)
        ));
    }
    let free = if write { v == 0 } else { writer(v).is_none() };
    if free {
        c.st.mem[w] = if write {
            c.tid as i64 + 1
        } else {
            v | reader_bit(c.tid)
        };
    }
    Ok(PrimOut::Value(Value::Bool(free)))
}

/// up_read/up_write/downgrade_write: the caller must hold it as `write` says.
fn release(
    c: &mut Ctx<'_>,
    p: Value,
    write: bool,
    what: &str,
    then: i64,
) -> Result<PrimOut, String> {
    let w = sem(c, p)?;
    let v = c.st.mem[w];
    let holds = if write {
        writer(v) == Some(c.tid)
    } else {
        v & reader_bit(c.tid) != 0
    };
    if !holds {
        return Ok(PrimOut::Violation(
            "lock_hygiene",
            format!(
                "cpu{} calls {what} on {} it does not hold {} ({})",
                c.tid,
                c.name(w),
                if write { "for write" } else { "for read" },
                holders(v)
            ),
        ));
    }
    c.st.mem[w] = if write { then } else { v & !reader_bit(c.tid) };
    Ok(PrimOut::Value(Value::Null))
}

/// Does CPU `tid` hold an rw_semaphore? (Checked at every return to user space: no
/// allocation.)
pub fn holds_any(m: &Machine, st: &State, tid: usize) -> bool {
    m.prog
        .memory
        .rwsem_words
        .iter()
        .any(|&w| how(st.mem[w as usize], tid).is_some())
}

/// The rw_semaphores CPU `tid` holds, by name and mode.
pub fn held(m: &Machine, st: &State, tid: usize) -> Vec<String> {
    let mem = &m.prog.memory;
    mem.rwsem_words
        .iter()
        .map(|&w| w as usize)
        .filter_map(|w| how(st.mem[w], tid).map(|h| format!("{} ({h})", mem.word_name(w))))
        .collect()
}

/// One row: a one-step operation on the rwsem its argument points to, disabled while
/// `blocks`. The read-side operations (down_read, its trylock, up_read) are
/// `Access::Shared`: each changes only its own CPU's reader bit, which no other read-side
/// operation depends on, and every operation that does (down_write, up_write,
/// downgrade_write, a trylock for write) is a `Write`. So two CPUs taking and dropping a
/// semaphore for read commute, as they did on v1's built-in mmap_lock.
macro_rules! row {
    ($name:literal, $access:ident, $blocks:literal, $doc:literal, $exec:expr) => {
        Row::on_word($name, 1, 0, Access::$access, $doc, $exec).blocking($blocks)
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "down_read",
        Shared,
        "while a CPU holds it for write",
        "(sem) take the rwsem for read; may sleep",
        |c, a| down(c, a[0], false)
    ),
    row!(
        "down_write",
        Write,
        "while any CPU holds it",
        "(sem) take the rwsem for write; may sleep",
        |c, a| down(c, a[0], true)
    ),
    row!(
        "down_read_trylock",
        Shared,
        "",
        "(sem) take it for read unless a writer holds it: true if taken",
        |c, a| trylock(c, a[0], false)
    ),
    row!(
        "down_write_trylock",
        Write,
        "",
        "(sem) take it for write if it is free: true if taken",
        |c, a| trylock(c, a[0], true)
    ),
    row!(
        "up_read",
        Shared,
        "",
        "(sem) release a read hold; lock_hygiene unless this CPU holds it for read",
        |c, a| release(c, a[0], false, "up_read", 0)
    ),
    row!(
        "up_write",
        Write,
        "",
        "(sem) release the write hold; lock_hygiene unless this CPU holds it for write",
        |c, a| release(c, a[0], true, "up_write", 0)
    ),
    row!(
        "downgrade_write",
        Write,
        "",
        "(sem) turn this CPU's write hold into a read hold, in one step (no writer can get in between)",
        |c, a| {
            let then = reader_bit(c.tid);
            release(c, a[0], true, "downgrade_write", then)
        }
    ),
];
