//! atomic_t (include/linux/atomic.h, include/asm-generic/atomic-instrumented.h@v5.10): every
//! primitive is one step, an atomic read-modify-write of one `atomic_t` word. Values stay
//! within C's `int`: an overflow is a model error, never a wrap.

use super::{Access, Ctx, Row, int_arg};
use crate::ir::{Value, WordKind};
use crate::machine::prims::PrimOut;

/// Reads the counter `p` names, applies `f` (new value, result), and stores the new value.
fn rmw(
    c: &mut Ctx<'_>,
    p: Value,
    f: impl FnOnce(i64) -> Result<(i64, Value), String>,
) -> Result<PrimOut, String> {
    let w = c.word(p, WordKind::Atomic)?;
    let (new, out) = f(c.st.mem[w])?;
    if i32::try_from(new).is_err() {
        return Err(format!(
            "{} would become {new}, outside an atomic_t (a C int): the counter overflows",
            c.name(w)
        ));
    }
    c.st.mem[w] = new;
    // The last reference dropped: the page is this CPU's alone until it frees it (what
    // follows on it folds into this step; another CPU touching it is use_after_free).
    if new == 0
        && c.m.prog.memory.is_refcount(w)
        && let Some(f) = c.m.prog.memory.frame_of(w)
    {
        c.st.frames[f].private_to = Some(c.tid as u8);
    }
    Ok(PrimOut::Value(out))
}

fn add(a: i64, b: i64) -> Result<i64, String> {
    a.checked_add(b).ok_or_else(|| "integer overflow".into())
}

/// One row: name, arity, which argument is the pointer, how it touches the word, doc, semantics.
macro_rules! row {
    ($name:literal, $arity:literal, $ptr:literal, $access:ident, $doc:literal, $exec:expr) => {
        Row::on_word($name, $arity, $ptr, Access::$access, $doc, $exec)
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "atomic_read",
        1,
        0,
        Read,
        "(v) the counter's value: one load",
        |c, a| {
            let w = c.word(a[0], WordKind::Atomic)?;
            Ok(PrimOut::Value(Value::Int(c.st.mem[w])))
        }
    ),
    row!(
        "atomic_set",
        2,
        0,
        Write,
        "(v, i) store i: one store",
        |c, a| {
            let i = int_arg(a[1])?;
            rmw(c, a[0], |_| Ok((i, Value::Null)))
        }
    ),
    row!(
        "atomic_inc",
        1,
        0,
        Write,
        "(v) v + 1, atomically",
        |c, a| { rmw(c, a[0], |x| Ok((add(x, 1)?, Value::Null))) }
    ),
    row!(
        "atomic_dec",
        1,
        0,
        Write,
        "(v) v - 1, atomically",
        |c, a| { rmw(c, a[0], |x| Ok((add(x, -1)?, Value::Null))) }
    ),
    row!(
        "atomic_add",
        2,
        1,
        Write,
        "(i, v) v + i, atomically",
        |c, a| {
            let i = int_arg(a[0])?;
            rmw(c, a[1], |x| Ok((add(x, i)?, Value::Null)))
        }
    ),
    row!(
        "atomic_sub",
        2,
        1,
        Write,
        "(i, v) v - i, atomically",
        |c, a| {
            let i = int_arg(a[0])?;
            rmw(c, a[1], |x| {
                Ok((
                    add(x, i.checked_neg().ok_or("integer overflow")?)?,
                    Value::Null,
                ))
            })
        }
    ),
    row!(
        "atomic_add_return",
        2,
        1,
        Write,
        "(i, v) v + i, atomically; returns the new value",
        |c, a| {
            let i = int_arg(a[0])?;
            rmw(c, a[1], |x| {
                let n = add(x, i)?;
                Ok((n, Value::Int(n)))
            })
        }
    ),
    row!(
        "atomic_inc_not_zero",
        1,
        0,
        Write,
        "(v) v + 1 unless v is 0, atomically; true if it incremented",
        |c, a| {
            rmw(c, a[0], |x| {
                Ok(if x == 0 {
                    (0, Value::Bool(false))
                } else {
                    (add(x, 1)?, Value::Bool(true))
                })
            })
        }
    ),
    row!(
        "atomic_add_unless",
        3,
        0,
        Write,
        "(v, a, u) v + a unless v is u, atomically; true if it added. A speculative reference (page_ref_add_unless(), GUP-fast's try_get_compound_head()) may aim at the refcount of a page that was freed, or freed and taken by another CPU: the struct page outlives its page, and the kernel's caller rechecks its PTE or PMD and drops such a reference at once, so here the call fails without touching the page",
        |c, a| {
            let (i, u) = (int_arg(a[1])?, int_arg(a[2])?);
            rmw(c, a[0], |x| {
                Ok(if x == u {
                    (x, Value::Bool(false))
                } else {
                    (add(x, i)?, Value::Bool(true))
                })
            })
        }
    ),
    row!(
        "atomic_dec_and_test",
        1,
        0,
        Write,
        "(v) v - 1, atomically; true if the result is 0",
        |c, a| {
            rmw(c, a[0], |x| {
                let n = add(x, -1)?;
                Ok((n, Value::Bool(n == 0)))
            })
        }
    ),
    row!(
        "atomic_cmpxchg",
        3,
        0,
        Write,
        "(v, old, new) if v == old then v = new, atomically; returns the value read",
        |c, a| {
            let (old, new) = (int_arg(a[1])?, int_arg(a[2])?);
            rmw(c, a[0], |x| {
                Ok((if x == old { new } else { x }, Value::Int(x)))
            })
        }
    ),
    row!(
        "atomic_xchg",
        2,
        0,
        Write,
        "(v, new) v = new, atomically; returns the old value",
        |c, a| {
            let new = int_arg(a[1])?;
            rmw(c, a[0], |x| Ok((new, Value::Int(x))))
        }
    ),
];
