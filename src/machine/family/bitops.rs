//! Bit operations on a `bits` word (include/asm-generic/bitops/atomic.h, lock.h@v5.10): each
//! is one step, atomic on the whole word. `nr` is 0 to 63. The `_lock`/`_unlock` forms add
//! acquire/release ordering in the kernel; the model is sequentially consistent, so they
//! differ from the plain forms only in name (and in what a reader of the model expects).

use super::{Access, Ctx, Row, int_arg};
use crate::ir::{Value, WordKind};
use crate::machine::prims::PrimOut;

/// The word `p` names and the mask of bit `nr`.
fn bit(c: &Ctx<'_>, nr: Value, p: Value) -> Result<(usize, i64), String> {
    let w = c.word(p, WordKind::Bits)?;
    let nr = int_arg(nr)?;
    if !(0..64).contains(&nr) {
        return Err(format!("bit {nr} is outside the 64 bits of {}", c.name(w)));
    }
    Ok((w, 1i64 << nr))
}

/// Sets (`on`) or clears the bit; returns whether it was set before.
fn change(c: &mut Ctx<'_>, a: &[Value], on: bool) -> Result<bool, String> {
    let (w, mask) = bit(c, a[0], a[1])?;
    let old = c.st.mem[w] & mask != 0;
    if on {
        c.st.mem[w] |= mask;
    } else {
        c.st.mem[w] &= !mask;
    }
    Ok(old)
}

/// One row: `(nr, addr)`, the pointer second; how it touches the word, doc, semantics.
macro_rules! row {
    ($name:literal, $access:ident, $doc:literal, $exec:expr) => {
        Row::on_word($name, 2, 1, Access::$access, $doc, $exec)
    };
}

pub const ROWS: &[Row] = &[
    row!(
        "set_bit",
        Write,
        "(nr, addr) set bit nr, atomically",
        |c, a| {
            change(c, a, true)?;
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "clear_bit",
        Write,
        "(nr, addr) clear bit nr, atomically",
        |c, a| {
            change(c, a, false)?;
            Ok(PrimOut::Value(Value::Null))
        }
    ),
    row!(
        "test_bit",
        Read,
        "(nr, addr) true if bit nr is set: one load",
        |c, a| {
            let (w, mask) = bit(c, a[0], a[1])?;
            Ok(PrimOut::Value(Value::Bool(c.st.mem[w] & mask != 0)))
        }
    ),
    row!(
        "test_and_set_bit",
        Write,
        "(nr, addr) set bit nr, atomically; true if it was set",
        |c, a| { Ok(PrimOut::Value(Value::Bool(change(c, a, true)?))) }
    ),
    row!(
        "test_and_clear_bit",
        Write,
        "(nr, addr) clear bit nr, atomically; true if it was set",
        |c, a| { Ok(PrimOut::Value(Value::Bool(change(c, a, false)?))) }
    ),
    row!(
        "test_and_set_bit_lock",
        Write,
        "(nr, addr) set bit nr with acquire, atomically; false if this took the bit lock",
        |c, a| { Ok(PrimOut::Value(Value::Bool(change(c, a, true)?))) }
    ),
    row!(
        "clear_bit_unlock",
        Write,
        "(nr, addr) clear bit nr with release: drops a bit lock",
        |c, a| {
            change(c, a, false)?;
            Ok(PrimOut::Value(Value::Null))
        }
    ),
];
