//! Waiting for a condition (the shape of `wait_event(wq, cond)`, include/linux/wait.h@v5.10):
//! `wait_until(cond)` is disabled until `cond`, which the same statement evaluates, holds.
//! The statement is one step, so the sleep, the wake-up and the re-check of the condition
//! are one transition: no wait queue, no spurious wake-ups, no extra states. A waiter that
//! nothing can ever satisfy is a deadlock (or a livelock).

use super::{Access, Row, int_arg};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::WAKE;
use crate::machine::prims::PrimOut;

/// Touches no shared state.
const NOTHING: Footprint = Footprint {
    reads: 0,
    writes: 0,
};
/// Tasks' run state and idle marks, which other CPUs' wake-ups write too.
const ON_TASKS: Footprint = Footprint {
    reads: WAKE,
    writes: WAKE,
};

pub const ROWS: &[Row] = &[
    Row {
        name: "wait_until",
        arity: 1,
        // Touches nothing itself: the condition's loads are the statement's shared accesses.
        class: PrimClass::Local,
        ptr: 0,
        access: Access::Read,
        other: Footprint {
            reads: 0,
            writes: 0,
        },
        blocks: "until its condition holds",
        doc: "(cond) wait_event(): the step is disabled until cond (evaluated in the same statement) holds",
        exec: |c, a| match a[0].truthy() {
            Some(true) => Ok(PrimOut::Value(Value::Null)),
            // wait_event() sleeps only when the condition is false.
            Some(false) if c.st.threads[c.tid].irqs_off => Ok(PrimOut::Violation(
                "lock_hygiene",
                format!("cpu{} waits (sleeps) with IRQs disabled", c.tid),
            )),
            Some(false) if c.st.threads[c.tid].rcu_depth > 0 => Ok(PrimOut::Violation(
                "lock_hygiene",
                format!("cpu{} waits (sleeps) inside an RCU read section", c.tid),
            )),
            Some(false) if crate::machine::prims::holds_spinlock(c.m, c.st, c.tid) => {
                Ok(PrimOut::Violation(
                    "lock_hygiene",
                    format!("cpu{} waits (sleeps) holding a spinlock", c.tid),
                ))
            }
            Some(false) => Ok(PrimOut::Blocked),
            None => Err(format!(
                "a condition must be a bool, not a {}",
                a[0].type_name()
            )),
        },
    },
    Row::on_cpu_state(
        "might_sleep",
        0,
        PrimClass::Local,
        NOTHING,
        "() this path may sleep: lock_hygiene if the CPU holds a spinlock, has IRQs disabled or is in an RCU read section (include/linux/kernel.h might_sleep(), as with CONFIG_DEBUG_ATOMIC_SLEEP)",
        |c, _| match crate::machine::prims::atomic_context(c.m, c.st, c.tid) {
            Some(why) => Ok(PrimOut::Violation(
                "lock_hygiene",
                format!("cpu{} may sleep here, but it {why}", c.tid),
            )),
            None => Ok(PrimOut::Value(Value::Null)),
        },
    ),
    Row::on_cpu_state(
        "set_idle",
        1,
        PrimClass::Local,
        ON_TASKS,
        "(on) a model device, not kernel code: while on, this CPU blocked or asleep at the end of a run is an idle end (a server waiting for work, a fault waiting for its monitor), not a deadlock",
        |c, a| {
            c.st.threads[c.tid].idle = a[0].truthy().ok_or("expected a bool")?;
            Ok(PrimOut::Value(Value::Null))
        },
    ),
    Row::on_cpu_state(
        "clear_idle",
        1,
        PrimClass::Shared,
        ON_TASKS,
        "(cpu) a model device: that CPU's wait is no longer idle (whoever takes its request away, e.g. a uffd wake removing its message, must now wake it)",
        |c, a| {
            let t = cpu_arg(c, a[0])?;
            c.st.threads[t].idle = false;
            Ok(PrimOut::Value(Value::Null))
        },
    ),
    Row::on_cpu_state(
        "set_current_state",
        1,
        PrimClass::Local,
        ON_TASKS,
        "(state) this task's state: TASK_RUNNING (0), or a sleeping state that schedule() sleeps in until a wake-up (include/linux/sched.h)",
        |c, a| {
            c.st.threads[c.tid].task_running = int_arg(a[0])? == 0;
            Ok(PrimOut::Value(Value::Null))
        },
    ),
    Row::on_cpu_state(
        "wake_up_process",
        1,
        PrimClass::Shared,
        ON_TASKS,
        "(cpu) make that CPU's task TASK_RUNNING: its schedule() returns (kernel/sched/core.c wake_up_process(), wake_up_state())",
        |c, a| {
            let t = cpu_arg(c, a[0])?;
            c.st.threads[t].task_running = true;
            Ok(PrimOut::Value(Value::Null))
        },
    ),
];

/// A CPU number argument (the model names tasks by the CPU that runs them).
fn cpu_arg(c: &super::Ctx<'_>, v: Value) -> Result<usize, String> {
    let t = int_arg(v)?;
    if t < 0 || t as usize >= c.m.cpus() {
        return Err(format!("there is no cpu{t}"));
    }
    Ok(t as usize)
}
