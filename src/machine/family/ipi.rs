//! Function calls on other CPUs (kernel/smp.c@v5.10): a CPU queues `func(info)` on another
//! CPU with its call_single_data for that CPU (`State::csd`) and sends an IPI; the target
//! runs the call in its IPI handler when it takes the interrupt, which a CPU with IRQs
//! disabled does not do until it enables them (`Machine::take_ipi`, an `Action::Ipi`).
//! The sender waits for the call with csd_lock_wait(). The kernel's loops over a cpumask
//! (smp_call_function_many_cond(), on_each_cpu_cond_mask()) are model code built on
//! these two rows.
//!
//! While a handler runs, its CPU has IRQs disabled; its return unlocks the csd. A CPU
//! takes one queued call per interrupt (the kernel drains the whole queue in one: the
//! difference is a later IPI arriving later, which the hardware may do anyway).
//!
//! A program that sends IPIs makes every per-CPU variable shared memory like any other
//! (`Machine::new`): the target reads the sender's per-CPU `flush_tlb_info`, the sender
//! reads the target's `cpu_tlbstate`.
//!
//! Footprint: every row, the interrupt and the handler's return touch `IRQ` (the CPUs'
//! IRQ flags and queued calls), so they depend on each other and on local_irq_*().

use super::{Access, Ctx, NO_WORD, Row, int_arg};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::IRQ;
use crate::machine::prims::PrimOut;
use crate::machine::state::{Csd, CsdState};

const ON_IRQ: Footprint = Footprint {
    reads: IRQ,
    writes: IRQ,
};

/// The csd of the calling CPU for `cpu` (an index into `State::csd`), checked.
fn csd_for(c: &Ctx<'_>, cpu: Value) -> Result<usize, String> {
    let cpus = c.m.cpus();
    let cpu = int_arg(cpu)?;
    if cpu < 0 || cpu as usize >= cpus {
        return Err(format!("there is no cpu{cpu} (the scenario has {cpus})"));
    }
    if cpu as usize == c.tid {
        return Err(format!(
            "cpu{cpu} queues a call on itself: the kernel runs it directly (smp_call_function_many() skips the calling CPU)"
        ));
    }
    if c.tid >= cpus {
        return Err("an IPI from scenario set-up code".into());
    }
    Ok(c.tid * cpus + cpu as usize)
}

macro_rules! row {
    ($name:literal, $arity:literal, $blocks:literal, $doc:literal, $exec:expr) => {
        Row {
            name: $name,
            arity: $arity,
            class: PrimClass::Shared,
            ptr: NO_WORD,
            access: Access::Write,
            other: ON_IRQ,
            blocks: $blocks,
            doc: $doc,
            exec: $exec,
        }
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "__smp_call_single_queue",
        3,
        "while this CPU's previous call on that CPU is queued or running (csd_lock())",
        "(cpu, func, info) csd_lock() this CPU's call_single_data for cpu, fill it with func(info), queue it on cpu's call_single_queue and send the IPI (kernel/smp.c); cpu runs func(info) in its IPI handler once its IRQs are enabled",
        |c, a| {
            let i = csd_for(c, a[0])?;
            let Value::Func(func) = a[1] else {
                return Err(format!("expected a function, got a {}", a[1].type_name()));
            };
            let f = &c.m.prog.funcs[func as usize];
            if f.nparams != 1 || f.user {
                return Err(format!(
                    "`{}` is not an smp_call_func_t: an IPI runs a kernel function of one argument (info)",
                    f.name
                ));
            }
            if c.st.csd[i].state != CsdState::Free {
                return Ok(PrimOut::Blocked);
            }
            c.st.csd[i] = Csd {
                func,
                info: a[2],
                state: CsdState::Queued,
            };
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "csd_lock_wait",
        1,
        "until that CPU has run this CPU's call",
        "(cpu) wait until cpu has run the call this CPU queued there (kernel/smp.c csd_lock_wait() on this CPU's call_single_data for cpu); returns at once if none is queued",
        |c, a| {
            let i = csd_for(c, a[0])?;
            if c.st.csd[i].state != CsdState::Free {
                return Ok(PrimOut::Blocked);
            }
            Ok(PrimOut::Value(Value::Null))
        }
    ),
];

/// Does the program send IPIs (so that the machine keeps call_single_data and every
/// per-CPU variable is shared)? Only code that can run counts (`reachable_funcs`).
pub fn used_by(p: &crate::ir::Program) -> bool {
    let Some(queue) = super::by_name("__smp_call_single_queue") else {
        return false;
    };
    p.may_call(|prim| prim == crate::ir::Prim::Family(queue))
}
