//! Live locals: a backward data-flow analysis over each function's bytecode. A step clears
//! the locals that no path from the thread's position reads again, so states that differ
//! only in dead values are one state (dead-variable reduction; it never changes a verdict,
//! since a dead value is never read).

use crate::ir::{Func, Instr, Program};

/// Functions with more locals than this keep every local.
const MAX_TRACKED: usize = 128;

/// Per function and position: bit i set if local i may still be read.
pub fn live_locals(p: &Program) -> Vec<Vec<u128>> {
    p.funcs.iter().map(analyse).collect()
}

fn analyse(f: &Func) -> Vec<u128> {
    let n = f.code.len();
    if f.nlocals > MAX_TRACKED {
        return vec![u128::MAX; n + 1];
    }
    let mut live = vec![0u128; n + 1];
    loop {
        let mut changed = false;
        for pc in (0..n).rev() {
            let i = f.code[pc];
            let succ: &[usize] = match i {
                Instr::Return => &[],
                Instr::Jump(t) => &[t as usize],
                Instr::JumpIfFalse(t) | Instr::JumpIfFalseKeep(t) | Instr::JumpIfTrueKeep(t) => {
                    &[t as usize, pc + 1]
                }
                _ => &[pc + 1],
            };
            let mut out = 0u128;
            for &s in succ {
                out |= live.get(s).copied().unwrap_or(u128::MAX);
            }
            let v = match i {
                Instr::Load(l) => out | 1 << l,
                Instr::Store(l) => out & !(1 << l),
                _ => out,
            };
            if v != live[pc] {
                live[pc] = v;
                changed = true;
            }
        }
        if !changed {
            return live;
        }
    }
}
