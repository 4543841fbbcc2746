//! Page frames from the buddy allocator (mm/page_alloc.c@v5.10), below everything a model
//! writes itself: `rmqueue()` takes a free frame off the free lists and `free_one_page()`
//! gives one back. What the kernel does around them (post_alloc_hook()'s
//! set_page_refcounted(), free_pages_prepare()'s checks, the per-CPU lists) is model code.
//!
//! A free frame's `struct page` holds its fields' declared initial values, and touching it
//! is use_after_free (`family::exec`). Allocation takes the lowest free frame, so that free
//! frames stay interchangeable (`machine::symmetry`). A new frame is private to the CPU that
//! took it until a PTE maps it: steps on it fold into that CPU's step. Every free bumps the
//! frame's generation, so a TLB entry that outlives the page is told from a fresh one.

use super::{Access, Ctx, NO_WORD, Row};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::{DATA, META};
use crate::machine::prims::PrimOut;
use crate::machine::state::Frame;

/// A frame's allocation state, its contents and their ghosts.
const ON_FRAMES: Footprint = Footprint {
    reads: META | DATA,
    writes: META | DATA,
};

/// The frame a page handle names (the zero page is never freed).
fn frame_arg(c: &Ctx<'_>, v: Value) -> Result<usize, String> {
    match v {
        Value::Page(p) if (p as usize) < c.m.prog.scenario.frames => Ok(p as usize),
        Value::Page(_) => Err("the zero page is never freed".into()),
        Value::Null => Err("NULL page".into()),
        other => Err(format!("expected a page, got a {}", other.type_name())),
    }
}

/// Puts a frame's `struct page` back to its fields' initial values.
fn reset_words(c: &mut Ctx<'_>, f: usize) {
    let mem = &c.m.prog.memory;
    for w in mem.page_words(f) {
        c.st.mem[w] = mem.init_of(w);
    }
}

pub const ROWS: &[Row] = &[
    Row {
        name: "rmqueue",
        arity: 0,
        class: PrimClass::Shared,
        ptr: NO_WORD,
        access: Access::Write,
        other: ON_FRAMES,
        blocks: "",
        doc: "() take the lowest free frame off the free lists (mm/page_alloc.c rmqueue()): zeroed, its struct page as declared for a free page, private to this CPU until mapped; null when none is free",
        exec: |c, _| {
            let frames = c.m.prog.scenario.frames;
            let Some(f) = c.st.frames[..frames].iter().position(|f| !f.allocated) else {
                return Ok(PrimOut::Value(Value::Null));
            };
            let generation = c.st.frames[f].generation;
            c.st.frames[f] = Frame {
                allocated: true,
                generation,
                private_to: Some(c.tid as u8),
                ..Frame::default()
            };
            reset_words(c, f);
            Ok(PrimOut::Value(Value::Page(f as u16)))
        },
    },
    Row {
        name: "free_one_page",
        arity: 1,
        class: PrimClass::Shared,
        ptr: NO_WORD,
        access: Access::Write,
        other: ON_FRAMES,
        blocks: "",
        doc: "(page) give the frame back to the free lists (mm/page_alloc.c free_one_page()): its contents and struct page are gone; freeing a free frame is use_after_free",
        exec: |c, a| {
            let f = frame_arg(c, a[0])?;
            if !c.st.frames[f].allocated {
                return Ok(PrimOut::Violation(
                    "use_after_free",
                    format!(
                        "free_one_page on {}, which is already free",
                        c.m.prog.memory.frame_names[f]
                    ),
                ));
            }
            let generation = c.st.frames[f].generation.wrapping_add(1);
            c.st.frames[f] = Frame {
                generation,
                ..Frame::default()
            };
            reset_words(c, f);
            Ok(PrimOut::Value(Value::Null))
        },
    },
];
