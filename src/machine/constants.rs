//! Fields no running code can write: a `guarded_by` field that only the scenario set-up
//! writes (the VMA layout in a test without mmap, munmap or fork) holds its set-up value for
//! the whole run, so a load of it without its lock is folded like a load under the lock
//! (`family::guarded_read`). A test whose paths do change it (a `vma->vm_end = ...` or a
//! `&vma->vm_end` anywhere its CPUs can reach) keeps the field's lock rules.

use crate::ir::{Instr, Program};

/// Per word of `State::mem`: a `guarded_by` field that no code reachable from the CPUs'
/// programs, the fault entry or the model's invariants stores to or takes the address of.
pub fn unwritten_guarded_words(prog: &Program) -> Vec<bool> {
    let written = fields_written_at_run_time(prog);
    let mem = &prog.memory;
    (0..mem.words.len())
        .map(|w| {
            let (o, f) = mem.words[w];
            let s = &mem.structs[mem.strukt_of(o)];
            let f = f as usize;
            s.guard[f].is_some()
                && s.field_ids
                    .get(f)
                    .is_some_and(|&id| !written.get(id as usize).copied().unwrap_or(true))
        })
        .collect()
}

/// Per field name (`Program::field_names`): may running code write it?
fn fields_written_at_run_time(prog: &Program) -> Vec<bool> {
    let mut written = vec![false; prog.field_names.len()];
    let mut seen = vec![false; prog.funcs.len()];
    let mut todo: Vec<usize> = prog
        .scenario
        .programs
        .iter()
        .flatten()
        .map(|&f| f as usize)
        .collect();
    todo.push(prog.scenario.fault_entry as usize);
    // (the model's invariants only read, but nothing stops one from writing)
    todo.extend(prog.declared.iter().map(|d| d.func as usize));
    while let Some(f) = todo.pop() {
        if f >= seen.len() || std::mem::replace(&mut seen[f], true) {
            continue;
        }
        for &i in &prog.funcs[f].code {
            match i {
                Instr::Call { func, .. } | Instr::Const(crate::ir::Value::Func(func)) => {
                    todo.push(func as usize)
                }
                Instr::SetField(fid) | Instr::FieldAddr(fid) => {
                    if let Some(w) = written.get_mut(fid as usize) {
                        *w = true;
                    }
                }
                // `&global.field` (or `global.field = v`): a pointer to a word, from which
                // per_cpu_ptr() and array indexing reach the same field of other objects
                Instr::Const(crate::ir::Value::Word(w)) => {
                    let mem = &prog.memory;
                    if let Some(&(o, f)) = mem.words.get(w as usize)
                        && let Some(&id) = mem.structs[mem.strukt_of(o)].field_ids.get(f as usize)
                        && let Some(x) = written.get_mut(id as usize)
                    {
                        *x = true;
                    }
                }
                _ => {}
            }
        }
    }
    written
}
