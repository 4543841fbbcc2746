//! Plain loads and stores of `int`, `bits`, `handle` and `pgprot` words: what `obj.field`
//! and `obj.field = v` lower to (one access each, READ_ONCE/WRITE_ONCE in the kernel).
//! `atomic_t` and `spinlock_t` words are reached only through their families.

use super::{Access, Ctx, Row, int_arg};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value, WordKind};
use crate::machine::prims::PrimOut;

const NONE: Footprint = Footprint {
    reads: 0,
    writes: 0,
};

/// The value a word holds: an integer, or the handle a `handle` word stores.
pub fn read(c: &Ctx<'_>, w: usize) -> Value {
    word_value(c.m.prog.memory.kind(w), c.st.mem[w])
}

/// What a word holding `x` reads as, by its type.
pub fn word_value(kind: Option<WordKind>, x: i64) -> Value {
    match kind {
        Some(WordKind::Handle) => crate::ir::word_to_handle(x),
        Some(WordKind::Pgprot) => Value::Prot(x as u32),
        _ => Value::Int(x),
    }
}

/// An `int`, `bits`, `handle` or `pgprot` word (checked without building a message: this
/// runs on every field access).
fn plain(c: &Ctx<'_>, p: Value) -> Result<usize, String> {
    let mem = &c.m.prog.memory;
    match p {
        Value::Word(w) if (w as usize) < mem.words.len() => match mem.kind(w as usize) {
            Some(WordKind::Int | WordKind::Bits | WordKind::Handle | WordKind::Pgprot) => {
                Ok(w as usize)
            }
            k => Err(format!(
                "{} is a {}: use its primitives (atomic_read, spin_lock, ...)",
                c.name(w as usize),
                k.map_or("?", |k| k.name())
            )),
        },
        other => Err(format!(
            "expected a pointer to an int, got a {}",
            other.type_name()
        )),
    }
}

pub const ROWS: &[Row] = &[
    Row {
        name: "load_word",
        arity: 1,
        class: PrimClass::Shared,
        ptr: 0,
        access: Access::Read,
        other: NONE,
        blocks: "",
        doc: "(p) one load of an int, bits or handle field (what `obj.field` lowers to)",
        exec: |c, a| {
            let w = plain(c, a[0])?;
            Ok(PrimOut::Value(read(c, w)))
        },
    },
    Row {
        name: "store_word",
        arity: 2,
        class: PrimClass::Shared,
        ptr: 0,
        access: Access::Write,
        other: NONE,
        blocks: "",
        doc: "(p, v) one store to an int, bits or handle field (what `obj.field = v` lowers to)",
        exec: |c, a| {
            let w = plain(c, a[0])?;
            let v = match (c.m.prog.memory.kind(w), a[1]) {
                (Some(WordKind::Handle), h) => crate::ir::handle_to_word(h)?,
                (Some(WordKind::Pgprot), Value::Prot(p)) => p as i64,
                (Some(WordKind::Pgprot), other) => {
                    return Err(format!(
                        "{} takes a pgprot, not a {}",
                        c.name(w),
                        other.type_name()
                    ));
                }
                (_, x) => int_arg(x)?,
            };
            let mem = &c.m.prog.memory;
            if matches!(mem.words[w].0, crate::ir::Owner::Vma(_))
                && v & crate::ir::consts::vm::VM_SHARED as i64 != 0
                && mem.word_name(w).ends_with("->vm_flags")
            {
                return Err(
                    "VM_SHARED set at run time: shared mappings are not modelled yet".into(),
                );
            }
            let private = mem
                .frame_of(w)
                .is_some_and(|f| c.st.frames[f].private_to == Some(c.tid as u8));
            // (a scenario set-up runs on a thread past the CPUs: nothing is shared yet)
            if mem.is_stable(w) && !private && c.tid < c.m.cpus() && c.st.mem[w] != v {
                return Err(format!(
                    "{} is declared `stable` (read without a step), but this store changes it while other CPUs can reach it",
                    c.name(w)
                ));
            }
            c.st.mem[w] = v;
            // A page this CPU allocated, stored where another CPU can find it (the swap
            // cache's xarray, a global list): published, no longer this CPU's alone. (Its
            // own struct page and this CPU's per-CPU words publish nothing.)
            if let Value::Page(p) = a[1]
                && let Some(fr) = c.st.frames.get_mut(p as usize)
                && fr.private_to == Some(c.tid as u8)
                && mem.frame_of(w) != Some(p as usize)
                && (mem.cpu_of(w) != Some(c.tid) || c.m.uses_ipi)
            {
                fr.private_to = None;
            }
            Ok(PrimOut::Value(Value::Null))
        },
    },
];
