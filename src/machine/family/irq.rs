//! The per-CPU IRQ flag (include/linux/irqflags.h@v5.10, x86's arch_local_irq_*): each CPU's
//! flag is `Thread::irqs_off`, which only that CPU writes. Other CPUs' TLB shootdowns wait
//! for it (an IPI is taken only with IRQs on: `prims::ipi_held_off`), so disabling and
//! enabling IRQs are steps of their own with the `IRQ` footprint, which the flushes read;
//! `irqs_disabled()` reads only this CPU's own flag and stays local. While IRQs are off,
//! sleeping (schedule(), a sleeping lock, a wait_until() whose condition is false) is
//! lock_hygiene, and so is returning to user space.
//!
//! The flags of local_irq_save() follow x86: X86_EFLAGS_IF (0x200) when IRQs were enabled,
//! 0 when they were disabled. Left out: interrupts other than the shootdown IPI (nothing
//! else is delivered to a CPU).

use super::{Access, Ctx, NO_WORD, Row, int_arg};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::IRQ;
use crate::machine::prims::PrimOut;

const X86_EFLAGS_IF: i64 = 0x200;

fn set(c: &mut Ctx<'_>, off: bool) {
    c.st.threads[c.tid].irqs_off = off;
}

fn flags(c: &Ctx<'_>) -> i64 {
    if c.st.threads[c.tid].irqs_off {
        0
    } else {
        X86_EFLAGS_IF
    }
}

macro_rules! row {
    ($name:literal, $arity:literal, $doc:literal, $exec:expr) => {
        row!($name, $arity, PrimClass::Shared, IRQ, $doc, $exec)
    };
    ($name:literal, $arity:literal, $class:expr, $fp:expr, $doc:literal, $exec:expr) => {
        Row {
            name: $name,
            arity: $arity,
            class: $class,
            ptr: NO_WORD,
            access: Access::Read,
            other: Footprint {
                reads: $fp,
                writes: $fp,
            },
            blocks: "",
            doc: $doc,
            exec: $exec,
        }
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "local_irq_disable",
        0,
        "() disable this CPU's IRQs",
        |c, _| {
            set(c, true);
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "local_irq_enable",
        0,
        "() enable this CPU's IRQs",
        |c, _| {
            set(c, false);
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "local_irq_save",
        0,
        "() disable this CPU's IRQs; returns the old flags (0x200, X86_EFLAGS_IF, if they were on)",
        |c, _| {
            let old = flags(c);
            set(c, true);
            Ok(PrimOut::Value(Value::Int(old)))
        }
    ),
    row!(
        "local_irq_restore",
        1,
        "(flags) put this CPU's IRQs back as local_irq_save() found them",
        |c, a| {
            let f = int_arg(a[0])?;
            if f != 0 && f != X86_EFLAGS_IF {
                return Err(format!(
                    "{f} is not a value local_irq_save() returns (0 or 0x200)"
                ));
            }
            set(c, f == 0);
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "irqs_disabled",
        0,
        PrimClass::Local,
        0,
        "() true if this CPU's IRQs are disabled",
        |c, _| Ok(PrimOut::Value(Value::Bool(c.st.threads[c.tid].irqs_off)))
    ),
];
