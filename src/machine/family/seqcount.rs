//! Sequence counts (include/linux/seqlock.h@v5.10, plain `seqcount_t`): the count is even
//! when no writer is inside and odd while one is. Every primitive is one step on the count's
//! word. As in the kernel, writers must be serialised by the caller (a lock, or a single
//! writer): the model checks only that begin and end alternate, which a second concurrent
//! writer would break.
//!
//! Left out: the smp_rmb()/smp_wmb() barriers (the machine is sequentially consistent),
//! lockdep, the seqcount_LOCKNAME_t variants and PREEMPT_RT's lock-then-retry.

use super::{Access, Ctx, Row, int_arg};
use crate::ir::{Value, WordKind};
use crate::machine::prims::PrimOut;

fn count(c: &Ctx<'_>, p: Value) -> Result<usize, String> {
    c.word(p, WordKind::Seqcount)
}

/// write_seqcount_begin/end: `sequence++`; `odd` says which parity it must leave.
fn write_step(c: &mut Ctx<'_>, p: Value, odd: bool, what: &str) -> Result<PrimOut, String> {
    let w = count(c, p)?;
    let s = c.st.mem[w];
    if (s & 1 == 1) == odd {
        return Ok(PrimOut::Violation(
            "lock_hygiene",
            format!(
                "cpu{} calls {what} on {} whose count is {s} ({}): writers not serialised",
                c.tid,
                c.name(w),
                if odd {
                    "a writer is already inside"
                } else {
                    "no writer is inside"
                }
            ),
        ));
    }
    c.st.mem[w] = s + 1;
    Ok(PrimOut::Value(Value::Null))
}

/// One row: a one-step operation on the count its first argument points to.
macro_rules! row {
    ($name:literal, $arity:literal, $access:ident, $blocks:literal, $doc:literal, $exec:expr) => {
        Row::on_word($name, $arity, 0, Access::$access, $doc, $exec).blocking($blocks)
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "write_seqcount_begin",
        1,
        Write,
        "",
        "(s) open a write section: the count goes odd (one step; the caller serialises writers)",
        |c, a| write_step(c, a[0], true, "write_seqcount_begin")
    ),
    row!(
        "write_seqcount_end",
        1,
        Write,
        "",
        "(s) close a write section: the count goes even (one step)",
        |c, a| write_step(c, a[0], false, "write_seqcount_end")
    ),
    row!(
        "raw_read_seqcount",
        1,
        Read,
        "",
        "(s) the count, odd or not (v5.10's raw_read_seqcount: no wait; the caller checks bit 0)",
        |c, a| {
            let w = count(c, a[0])?;
            Ok(PrimOut::Value(Value::Int(c.st.mem[w])))
        }
    ),
    row!(
        "read_seqcount_begin",
        1,
        Read,
        "while the count is odd",
        "(s) wait for an even count and return it",
        |c, a| {
            let w = count(c, a[0])?;
            let s = c.st.mem[w];
            Ok(if s & 1 == 1 {
                PrimOut::Blocked
            } else {
                PrimOut::Value(Value::Int(s))
            })
        }
    ),
    row!(
        "read_seqcount_retry",
        2,
        Read,
        "",
        "(s, start) true if the count is no longer start: the read section must be retried",
        |c, a| {
            let w = count(c, a[0])?;
            let start = int_arg(a[1])?;
            Ok(PrimOut::Value(Value::Bool(c.st.mem[w] != start)))
        }
    ),
];
