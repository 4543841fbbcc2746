//! Live locals: a backward data-flow analysis over each function's bytecode. A step clears
//! the locals that no path from the thread's position reads again, so states that differ
//! only in dead values are one state (dead-variable reduction; it never changes a verdict,
//! since a dead value is never read). A local whose address the function takes (`&x`) may
//! be read through the pointer anywhere, in a callee too: it stays live throughout.

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
    let addressed = f.code.iter().fold(0u128, |m, i| match i {
        Instr::AddrLocal(l) => m | 1 << l,
        _ => m,
    });
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
            let v = addressed
                | match i {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Span;

    fn func(nlocals: usize, code: Vec<Instr>) -> Func {
        Func {
            name: "f".into(),
            source: None,
            nparams: 1,
            nlocals,
            max_stack: 2,
            local_names: Vec::new(),
            spans: vec![Span::default(); code.len()],
            code,
            user: false,
            span: Span::default(),
        }
    }

    #[test]
    fn a_local_is_live_until_its_last_read_and_dead_after_a_store() {
        use crate::ir::Value;
        // 0: a = x + 1 ... ; reads: x at 0, a at 5; p stored at 4, never read
        let f = func(
            3,
            vec![
                Instr::Load(0),
                Instr::Const(Value::Int(1)),
                Instr::Binary(crate::ir::BinOp::Add),
                Instr::Store(1),
                Instr::Store(2),
                Instr::Load(1),
                Instr::Return,
            ],
        );
        let live = analyse(&f);
        assert_eq!(live[0], 0b001, "x is read at 0");
        assert_eq!(
            live[1], 0b000,
            "after its read x is dead, a not yet written"
        );
        assert_eq!(live[4], 0b010, "a is live until it is returned");
        assert_eq!(live[5], 0b010);
        assert_eq!(live[6], 0b000);
    }

    #[test]
    fn a_local_whose_address_is_taken_stays_live() {
        // x = 1; then &x is made (and, say, passed to a callee). x is never loaded here, but
        // whoever holds the pointer may read it through it at any later point.
        let f = func(
            1,
            vec![
                Instr::Const(crate::ir::Value::Int(1)),
                Instr::Store(0),
                Instr::AddrLocal(0),
                Instr::Pop,
                Instr::Return,
            ],
        );
        let live = analyse(&f);
        assert!(live[..5].iter().all(|l| l & 1 == 1), "{live:?}");
    }

    #[test]
    fn a_loop_keeps_its_locals_live() {
        // 0: load 0; 1: jump-if-false 3; 2: jump 0; 3: return
        let f = func(
            1,
            vec![
                Instr::Load(0),
                Instr::JumpIfFalse(3),
                Instr::Jump(0),
                Instr::Return,
            ],
        );
        let live = analyse(&f);
        assert_eq!(live[2], 0b1, "the back edge reaches the read");
        assert_eq!(live[3], 0b0);
    }
}
