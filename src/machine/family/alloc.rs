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
//!
//! Typed objects come from slab caches the model declares (`kmem_cache NAME: STRUCT[N];`,
//! mm/slab_common.c): `kmem_cache_alloc(&NAME)` gives the lowest free object, its fields at
//! their initial values (kmem_cache_zalloc()'s zeroing, or a constructor's values), and
//! `kmem_cache_free(&NAME, obj)` takes it back. Touching a free object, or freeing it
//! twice, is use_after_free.

use super::{Access, Ctx, NO_WORD, Row};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::{DATA, META, OBJ_ALL};
use crate::machine::prims::PrimOut;
use crate::machine::state::Frame;

/// A frame's allocation state, its contents and their ghosts.
const ON_FRAMES: Footprint = Footprint {
    reads: META | DATA,
    writes: META | DATA,
};

/// Any word of any cache: the in-use word and the objects' fields.
const ON_CACHES: Footprint = Footprint {
    reads: OBJ_ALL,
    writes: OBJ_ALL,
};

/// The cache `&NAME` names: its in-use word and the global of its objects.
fn cache_arg(c: &Ctx<'_>, v: Value) -> Result<(usize, usize), String> {
    let mem = &c.m.prog.memory;
    match v {
        Value::Obj(b) => mem
            .caches
            .iter()
            .find(|x| x.0 == b)
            .map(|x| (x.0 as usize, x.1 as usize))
            .ok_or_else(|| "expected `&NAME` of a kmem_cache".into()),
        other => Err(format!(
            "expected `&NAME` of a kmem_cache, got a {}",
            other.type_name()
        )),
    }
}

/// Object `i` of a cache's objects global: its words.
fn object_words(c: &Ctx<'_>, g: usize, i: usize) -> std::ops::Range<usize> {
    let mem = &c.m.prog.memory;
    let gl = &mem.globals[g];
    let size = mem.structs[gl.strukt as usize].size as usize;
    let b = gl.base as usize + i * size;
    b..b + size
}

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
    Row {
        name: "kmem_cache_alloc",
        arity: 1,
        class: PrimClass::Shared,
        ptr: NO_WORD,
        access: Access::Write,
        other: ON_CACHES,
        blocks: "",
        doc: "(&cache) the lowest free object of a `kmem_cache NAME: STRUCT[N]`, its fields at their initial values; null when all N are in use",
        exec: |c, a| {
            let (bm, g) = cache_arg(c, a[0])?;
            let in_use = c.st.mem[bm];
            // the objects are the words of the cache's objects global, N of them (N <= 63)
            let mine = |i: usize| {
                let w = object_words(c, g, i).start;
                w < c.m.prog.memory.words.len() && c.m.prog.memory.slot_of(w) == Some((bm, i))
            };
            let Some(i) = (0..63)
                .take_while(|&i| mine(i))
                .find(|&i| in_use & (1 << i) == 0)
            else {
                return Ok(PrimOut::Value(Value::Null));
            };
            c.st.mem[bm] = in_use | 1 << i;
            let words = object_words(c, g, i);
            for w in words.clone() {
                c.st.mem[w] = c.m.prog.memory.init_of(w);
            }
            Ok(PrimOut::Value(Value::Obj(words.start as u32)))
        },
    },
    Row {
        name: "kmem_cache_free",
        arity: 2,
        class: PrimClass::Shared,
        ptr: NO_WORD,
        access: Access::Write,
        other: ON_CACHES,
        blocks: "",
        doc: "(&cache, obj) give an object back to its cache; freeing a free object is use_after_free",
        exec: |c, a| {
            let (bm, g) = cache_arg(c, a[0])?;
            let Value::Obj(o) = a[1] else {
                return Err(format!(
                    "expected an object of the cache, got a {}",
                    a[1].type_name()
                ));
            };
            let Some((obm, i)) = c.m.prog.memory.slot_of(o as usize) else {
                return Err("not an object of a kmem_cache".into());
            };
            if obm != bm || object_words(c, g, i).start != o as usize {
                return Err("the object is not one of this cache's".into());
            }
            if c.st.mem[bm] & (1 << i) == 0 {
                return Ok(PrimOut::Violation(
                    "use_after_free",
                    format!(
                        "kmem_cache_free of {}, which is already free",
                        c.m.prog.memory.word_name(o as usize)
                    ),
                ));
            }
            c.st.mem[bm] &= !(1 << i);
            for w in object_words(c, g, i) {
                c.st.mem[w] = c.m.prog.memory.init_of(w);
            }
            Ok(PrimOut::Value(Value::Null))
        },
    },
];
