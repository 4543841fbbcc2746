//! RCU (include/linux/rcupdate.h, kernel/rcu/tree.c@v5.10), the read side and the
//! synchronous grace period: each CPU's read-side nesting depth is `Thread::rcu_depth`;
//! synchronize_rcu() returns once every other CPU that was inside a read section when it
//! was called has left it (readers that start later are not waited for). Sleeping inside a
//! read section, or returning to user space inside one, is lock_hygiene.
//!
//! synchronize_rcu() is two steps when it has to wait: the call takes the snapshot of the
//! CPUs in read sections (`Thread::gp_wait`), each outermost rcu_read_unlock() clears its
//! CPU there, and the call returns in a later step once the snapshot is empty. The RCU
//! state shares one footprint bit (WAKE, with the other sleep/wake-up state): every RCU
//! step depends on every other, which is conservative.
//!
//! kfree_rcu() (`family/alloc.rs`) queues a slab object to be freed when the CPUs in read
//! sections at the call have all left them: an outermost rcu_read_unlock() frees what
//! waited for it alone, so its step may write cache words too.
//!
//! Left out: call_rcu() with an arbitrary callback, expedited grace periods, the
//! preemptible-RCU and SRCU flavours, and the implicit read sections of preempt- or
//! IRQ-disabled regions (rcu_read_lock_sched()).

use super::{Access, Ctx, NO_WORD, Row};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::{OBJ_ALL, PGTABLE, WAKE};
use crate::machine::prims::{PrimOut, atomic_context};

const ON_RCU: Footprint = Footprint {
    reads: WAKE,
    writes: WAKE,
};
/// An outermost rcu_read_unlock() may also free objects kfree_rcu() queued, and VMAs
/// vm_area_free_rcu() queued (whose free writes PGTABLE, as vm_area_free()'s does).
const ON_RCU_AND_CACHES: Footprint = Footprint {
    reads: WAKE | OBJ_ALL,
    writes: WAKE | OBJ_ALL | PGTABLE,
};
const MAX_DEPTH: u8 = 3;

pub(super) fn cpu_limit(c: &Ctx<'_>) -> Result<(), String> {
    if c.st.threads.len() > 8 {
        return Err("RCU supports at most 8 CPUs".into());
    }
    Ok(())
}

macro_rules! row {
    ($name:literal, $blocks:literal, $doc:literal, $exec:expr) => {
        row!($name, ON_RCU, $blocks, $doc, $exec)
    };
    ($name:literal, $other:expr, $blocks:literal, $doc:literal, $exec:expr) => {
        Row {
            name: $name,
            arity: 0,
            class: PrimClass::Shared,
            ptr: NO_WORD,
            access: Access::Write,
            other: $other,
            blocks: $blocks,
            doc: $doc,
            exec: $exec,
        }
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "rcu_read_lock",
        "",
        "() enter an RCU read-side section (nests, at most 3 deep)",
        |c, _| {
            cpu_limit(c)?;
            let t = &mut c.st.threads[c.tid];
            if t.rcu_depth == MAX_DEPTH {
                return Err(format!("read sections nest at most {MAX_DEPTH} deep"));
            }
            t.rcu_depth += 1;
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "rcu_read_unlock",
        ON_RCU_AND_CACHES,
        "",
        "() leave an RCU read-side section; lock_hygiene outside one",
        |c, _| {
            cpu_limit(c)?;
            let tid = c.tid;
            if c.st.threads[tid].rcu_depth == 0 {
                return Ok(PrimOut::Violation(
                    "lock_hygiene",
                    format!("cpu{tid} calls rcu_read_unlock() outside a read section"),
                ));
            }
            c.st.threads[tid].rcu_depth -= 1;
            if c.st.threads[tid].rcu_depth == 0 {
                // A quiescent state: no grace period waits for this CPU any longer.
                for t in c.st.threads.iter_mut() {
                    t.gp_wait &= !(1 << tid);
                }
                super::alloc::rcu_quiescent(c, tid);
            }
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "synchronize_rcu",
        "until every CPU that was in a read section at the call has left it",
        "() wait for a grace period; may sleep",
        |c, _| {
            cpu_limit(c)?;
            let tid = c.tid;
            if !c.st.threads[tid].gp_active {
                if let Some(why) = atomic_context(c.m, c.st, tid) {
                    return Ok(PrimOut::Violation(
                        "lock_hygiene",
                        format!("synchronize_rcu() may sleep, but cpu{tid} {why}"),
                    ));
                }
                let readers =
                    c.st.threads
                        .iter()
                        .enumerate()
                        .filter(|&(i, t)| i != tid && t.rcu_depth > 0)
                        .fold(0u8, |m, (i, _)| m | 1 << i);
                if readers == 0 {
                    return Ok(PrimOut::Value(Value::Null));
                }
                let t = &mut c.st.threads[tid];
                t.gp_active = true;
                t.gp_wait = readers;
                return Ok(PrimOut::Again);
            }
            if c.st.threads[tid].gp_wait != 0 {
                return Ok(PrimOut::Blocked);
            }
            c.st.threads[tid].gp_active = false;
            Ok(PrimOut::Value(Value::Null))
        }
    ),
];
