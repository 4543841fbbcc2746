//! What running code can touch of the shared objects' fields, found once before the search.
//!
//! - A field that only the scenario set-up writes (the VMA layout in a test without mmap,
//!   munmap, stack growth or fork) holds its set-up value for the whole run, so a load of it
//!   is folded like a load under the lock that guards it (`family::guarded_read`). A test
//!   whose paths do change it (a `vma->vm_end = ...`, a `&vma->vm_end`, a pointer constant
//!   to the field anywhere its CPUs can reach) keeps the field's rules. (`stable` fields
//!   have their own, and a slab cache's own words change under its primitives.)
//! - A field no running code names at all (a tree's field for paths the test does not run)
//!   needs no footprint bit: the bits go to the words steps do touch
//!   (`footprint::obj_bit_table`).

use crate::ir::{Instr, Program, Value};

/// Per field name (`Program::field_names`): may running code read it, write it? And may it
/// allocate a VMA object?
struct FieldUse {
    named: Vec<bool>,
    written: Vec<bool>,
    allocates_vmas: bool,
}

/// Per word of `State::mem`: a field that no code reachable from the CPUs' programs, the
/// fault entry or the model's invariants stores to or takes the address of.
/// A VMA object's fields change when `vm_area_free()` (or its RCU form) resets them and
/// `vm_area_alloc()` sets vm_mm: where running code may do either, none of them is
/// constant (a load that folds as a constant would be taken before a free it follows).
pub fn unwritten_words(prog: &Program) -> Vec<bool> {
    let uses = field_use(prog);
    let mut out = per_word(prog, |s, f, id| {
        !s.stable[f] && s.name != "kmem_cache" && !uses.written.get(id).copied().unwrap_or(true)
    });
    let vmas_change = prog.may_call(|p| {
        matches!(
            p,
            crate::ir::Prim::VmAreaFree
                | crate::ir::Prim::VmAreaFreeRcu
                | crate::ir::Prim::VmAreaAlloc
        )
    });
    if vmas_change && let Some(per) = prog.memory.vma {
        let words = per.base as usize..(per.base + per.stride * per.count) as usize;
        for x in out.iter_mut().take(words.end).skip(words.start) {
            *x = false;
        }
    }
    out
}

/// Per word of `State::mem`: no running code names its field (a slab cache's own words,
/// which its primitives keep, always count as named), or it belongs to a spare VMA object
/// (one the scenario does not set up: another mm's copy, a hole's, room for a split) in a
/// test whose running code never calls vm_area_alloc(), so that nothing can ever reach it.
pub fn unnamed_words(prog: &Program) -> Vec<bool> {
    let uses = field_use(prog);
    let mut idle = per_word(prog, |s, _, id| {
        s.name != "kmem_cache" && !uses.named.get(id).copied().unwrap_or(true)
    });
    if !uses.allocates_vmas
        && let Some(per) = prog.memory.vma
    {
        let sc = &prog.scenario;
        let nv = sc.vmas.len();
        let set_up = |i: usize| {
            let (mm, v) = (i / nv.max(1), i % nv.max(1));
            i < nv * sc.declared_mms.len()
                && sc.declared_mms[mm]
                && sc.vmas[v].mapped
                && sc.vmas[v].only_mm.is_none_or(|k| k == mm)
        };
        for i in (0..per.count as usize).filter(|&i| !set_up(i)) {
            let at = (per.base + per.stride * i as u32) as usize;
            for x in idle.iter_mut().skip(at).take(per.stride as usize) {
                *x = true;
            }
        }
    }
    idle
}

fn per_word(
    prog: &Program,
    test: impl Fn(&crate::ir::ObjStruct, usize, usize) -> bool,
) -> Vec<bool> {
    let mem = &prog.memory;
    (0..mem.words.len())
        .map(|w| {
            let (o, f) = mem.words[w];
            let s = &mem.structs[mem.strukt_of(o)];
            let f = f as usize;
            s.field_ids
                .get(f)
                .is_some_and(|&id| test(s, f, id as usize))
        })
        .collect()
}

fn field_use(prog: &Program) -> FieldUse {
    let n = prog.field_names.len();
    let mut u = FieldUse {
        named: vec![false; n],
        written: vec![false; n],
        allocates_vmas: false,
    };
    let mut mark = |id: u16, write: bool| {
        if let Some(x) = u.named.get_mut(id as usize) {
            *x = true;
        }
        if write && let Some(x) = u.written.get_mut(id as usize) {
            *x = true;
        }
    };
    // (the model's invariants, among the roots, only read, but nothing stops one writing)
    let runs = prog.reachable_from(prog.run_time_roots());
    for (f, _) in runs.iter().enumerate().filter(|(_, r)| **r) {
        for &i in &prog.funcs[f].code {
            if let Instr::Prim {
                prim: crate::ir::Prim::VmAreaAlloc,
                ..
            } = i
            {
                u.allocates_vmas = true;
            }
            match i {
                Instr::GetField(fid) => mark(fid, false),
                Instr::SetField(fid) | Instr::FieldAddr(fid) => mark(fid, true),
                // `&global.field` (or `global.field = v`): a pointer to a word, from which
                // per_cpu_ptr() and array indexing reach the same field of other objects
                Instr::Const(Value::Word(w)) => {
                    let mem = &prog.memory;
                    if let Some(&(o, f)) = mem.words.get(w as usize)
                        && let Some(&id) = mem.structs[mem.strukt_of(o)].field_ids.get(f as usize)
                    {
                        mark(id, true);
                    }
                }
                _ => {}
            }
        }
    }
    u
}
