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
//!
//! `kfree_rcu(obj)` (include/linux/rcupdate.h@v5.10) queues an object to be freed after a
//! grace period: the CPUs inside read sections at the call (the caller's included) are
//! noted in the cache's `rcu_waits` byte for the object, and the outermost
//! rcu_read_unlock() of the last of them frees it (`family/rcu.rs`). That is the earliest
//! moment the kernel may free it, so every use after the grace period is use_after_free;
//! runs where the kernel frees it later (an allocation that then fails for lack of it) are
//! not explored. Left out: the `rcu_head` field argument, kvfree_rcu() and call_rcu() with
//! an arbitrary callback. A VMA object freed by `vm_area_free_rcu()` (`machine::prims`) waits
//! the same way, in `State::vma_rcu`.

use super::{Access, Ctx, NO_WORD, Row};
use crate::explore::Footprint;
use crate::ir::{PrimClass, Value};
use crate::machine::footprint::{DATA, META, OBJ_ALL, WAKE};
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

/// kfree_rcu(): the caches' words, and which CPUs are in read sections (the RCU state,
/// written by rcu_read_lock()/unlock() under the WAKE bit): a reader entering its section
/// before or after the call decides whether the free waits for it.
const ON_CACHES_AND_READERS: Footprint = Footprint {
    reads: OBJ_ALL | WAKE,
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

/// Word offsets in a cache's own `struct kmem_cache` (laid out by `lang::compile`).
const RCU_PENDING: usize = 1;
const RCU_WAITS: usize = 2;
/// Objects of a cache that kfree_rcu() can queue: one byte of `rcu_waits` each.
const RCU_OBJECTS: usize = 8;

/// Frees object `i` of the cache whose first word is `bm` (objects in global `g`): clears
/// its in-use bit and resets its words.
fn free_object(c: &mut Ctx<'_>, bm: usize, g: usize, i: usize) {
    c.st.mem[bm] &= !(1 << i);
    for w in object_words(c, g, i) {
        c.st.mem[w] = c.m.prog.memory.init_of(w);
    }
}

/// The end of a read section on `cpu` (an outermost rcu_read_unlock()): no queued object
/// waits for that CPU any longer, and those waiting for nobody are freed.
pub(super) fn rcu_quiescent(c: &mut Ctx<'_>, cpu: usize) {
    let m = c.m;
    // VMAs vm_area_free_rcu() queued
    for i in 0..c.st.vma_rcu.len() {
        let w = c.st.vma_rcu[i];
        if w & (1 << cpu) != 0 {
            c.st.vma_rcu[i] = w & !(1 << cpu);
            if c.st.vma_rcu[i] == 0 {
                crate::machine::prims::free_vma_object(m, c.st, i);
            }
        }
    }
    for &(bm, g) in &m.prog.memory.caches {
        let (bm, g) = (bm as usize, g as usize);
        let pending = c.st.mem[bm + RCU_PENDING];
        if pending == 0 {
            continue;
        }
        for i in 0..RCU_OBJECTS {
            if pending & (1 << i) == 0 {
                continue;
            }
            let waits = c.st.mem[bm + RCU_WAITS] & !(1 << (8 * i + cpu));
            c.st.mem[bm + RCU_WAITS] = waits;
            if (waits >> (8 * i)) & 0xff == 0 {
                c.st.mem[bm + RCU_PENDING] &= !(1 << i);
                free_object(c, bm, g, i);
            }
        }
    }
}

/// The cache object `v` is: (the cache's first word, its objects global, its number), or
/// why it is none.
fn object_arg(c: &Ctx<'_>, v: Value) -> Result<(usize, usize, usize), String> {
    let Value::Obj(o) = v else {
        return Err(format!(
            "expected an object of a kmem_cache, got a {}",
            v.type_name()
        ));
    };
    let mem = &c.m.prog.memory;
    let Some((bm, i)) = mem.slot_of(o as usize) else {
        return Err("not an object of a kmem_cache".into());
    };
    let g = mem
        .caches
        .iter()
        .find(|x| x.0 as usize == bm)
        .map(|x| x.1 as usize)
        .ok_or("not an object of a kmem_cache")?;
    if object_words(c, g, i).start != o as usize {
        return Err("not the start of a kmem_cache object".into());
    }
    Ok((bm, g, i))
}

/// How a message names a cache object (`things[0]`), from its first word's name.
fn object_name(c: &Ctx<'_>, first_word: usize) -> String {
    let n = c.m.prog.memory.word_name(first_word);
    match n.rfind('.') {
        Some(dot) if n.ends_with(|ch: char| ch.is_alphanumeric() || ch == '_') => n[..dot].into(),
        _ => n,
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
            let (bm, _) = cache_arg(c, a[0])?;
            let (obm, g, i) = object_arg(c, a[1])?;
            if obm != bm {
                return Err("the object is not one of this cache's".into());
            }
            let o = object_words(c, g, i).start;
            if c.st.mem[bm] & (1 << i) == 0 {
                return Ok(PrimOut::Violation(
                    "use_after_free",
                    format!(
                        "kmem_cache_free of {}, which is already free",
                        object_name(c, o)
                    ),
                ));
            }
            if c.st.mem[bm + RCU_PENDING] & (1 << i) != 0 {
                return Ok(PrimOut::Violation(
                    "use_after_free",
                    format!(
                        "kmem_cache_free of {}, which kfree_rcu() already queued for freeing (a double free)",
                        object_name(c, o)
                    ),
                ));
            }
            free_object(c, bm, g, i);
            Ok(PrimOut::Value(Value::Null))
        },
    },
    Row {
        name: "kfree_rcu",
        arity: 1,
        class: PrimClass::Shared,
        ptr: NO_WORD,
        access: Access::Write,
        other: ON_CACHES_AND_READERS,
        blocks: "",
        doc: "(obj) free a kmem_cache object once every CPU now in an RCU read section (the caller too) has left it; at once if none is (the first 8 objects of a cache; the rcu_head argument is left out)",
        exec: |c, a| {
            let (bm, g, i) = object_arg(c, a[0])?;
            let name = |c: &Ctx<'_>| object_name(c, object_words(c, g, i).start);
            if c.st.mem[bm] & (1 << i) == 0 {
                return Ok(PrimOut::Violation(
                    "use_after_free",
                    format!("kfree_rcu of {}, which is already free", name(c)),
                ));
            }
            if c.st.mem[bm + RCU_PENDING] & (1 << i) != 0 {
                return Ok(PrimOut::Violation(
                    "use_after_free",
                    format!(
                        "kfree_rcu of {}, which is already queued for freeing (a double free)",
                        name(c)
                    ),
                ));
            }
            if i >= RCU_OBJECTS {
                return Err(format!(
                    "only the first {RCU_OBJECTS} objects of a cache can be queued, not object {i}"
                ));
            }
            super::rcu::cpu_limit(c)?;
            let readers =
                c.st.threads
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.rcu_depth > 0)
                    .fold(0i64, |m, (cpu, _)| m | 1 << cpu);
            if readers == 0 {
                free_object(c, bm, g, i);
            } else {
                c.st.mem[bm + RCU_PENDING] |= 1 << i;
                let w = &mut c.st.mem[bm + RCU_WAITS];
                *w = (*w & !(0xff << (8 * i))) | readers << (8 * i);
            }
            Ok(PrimOut::Value(Value::Null))
        },
    },
];
