//! The race diagram: one column per CPU, one row per atomic step, in the style of kernel
//! commit messages, closed by a sentence naming the broken invariant.

use crate::machine::trace::{Trace, TraceStep, TraceViolation};

const COL: usize = 44;

fn wrap(s: &str, width: usize, indent: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(line);
            line = indent.to_string();
        }
        if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        out.push(line);
    }
    out
}

/// Renders the trace as columns. Each step shows `function()` when it changes, the
/// statement, and its effects.
pub fn render(t: &Trace) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new(); // one cell list per step
    let mut last_fn: Vec<Option<String>> = vec![None; t.cpus];
    let mut out = String::new();
    for (i, s) in t.steps.iter().enumerate() {
        let mut cell = Vec::new();
        if last_fn[s.cpu].as_deref() != Some(&s.function) {
            let head = if s.function == "user" || s.hardware {
                format!("[{}]", s.function)
            } else {
                format!("{}():", s.function)
            };
            cell.extend(wrap(&head, COL - 1, ""));
            last_fn[s.cpu] = Some(s.function.clone());
        }
        // A step whose statement is a condition shows its outcome on the statement's line.
        let own = s
            .decisions
            .iter()
            .position(|d| !d.operand && d.location == s.location && same_fn(s, &d.function));
        let stmt = match own {
            Some(k) if s.continues => {
                format!("{}: condition -> {}", s.statement, s.decisions[k].value)
            }
            Some(k) => s.decisions[k].text.clone(),
            None if s.statement.is_empty() => "(return)".to_string(),
            None => s.statement.clone(),
        };
        let decisions = s
            .decisions
            .iter()
            .enumerate()
            .filter(|&(k, d)| Some(k) != own && d.shared)
            .map(|(_, d)| d);
        cell.extend(wrap(&format!("{:>2}. {}", i + 1, stmt), COL - 1, "      "));
        for n in &s.notes {
            cell.extend(wrap(&format!("    {n}"), COL - 1, "      "));
        }
        for r in &s.reads {
            let r = format!("    reads PTE {}: {}", r.pte, r.value);
            cell.extend(wrap(&r, COL - 1, "      "));
        }
        // consecutive equal outcomes (a loop deciding the same way) are shown once, counted
        let mut shown: Vec<(String, usize)> = Vec::new();
        for d in decisions {
            let text = if same_fn(s, &d.function) {
                d.text.clone()
            } else {
                format!("{}: {}", d.function, d.text)
            };
            match shown.last_mut() {
                Some((t, n)) if *t == text => *n += 1,
                _ => shown.push((text, 1)),
            }
        }
        for (t, n) in shown {
            let t = if n > 1 { format!("{t} ({n} times)") } else { t };
            cell.extend(wrap(&format!("    {t}"), COL - 1, "      "));
        }
        for f in &s.folded {
            cell.extend(wrap(&format!("    + {f}"), COL - 1, "      "));
        }
        for e in &s.effects {
            cell.extend(wrap(&format!("    => {e}"), COL - 1, "       "));
        }
        for v in &s.violations {
            cell.extend(wrap(&format!("    !! breaks {v}"), COL - 1, "       "));
        }
        rows.push(cell);
    }
    let header: String = (0..t.cpus)
        .map(|c| format!("{:<COL$}", format!(" CPU{c}")))
        .collect();
    out.push_str(header.trim_end());
    out.push('\n');
    let rule: String = (0..t.cpus)
        .map(|_| format!("{:<COL$}", format!(" {}", "-".repeat(COL - 4))))
        .collect();
    out.push_str(rule.trim_end());
    out.push('\n');
    for (s, cell) in t.steps.iter().zip(rows) {
        for line in cell {
            let mut l = " ".repeat(s.cpu * COL + 1);
            l.push_str(&line);
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Is a decision in `function` made in the step's own function?
fn same_fn(s: &TraceStep, function: &str) -> bool {
    s.function == function || s.function == "user"
}

/// The closing sentences: the violation the path ends in, the ones broken on the way, the
/// steps not run, then where every CPU stands.
pub fn conclusion(t: &Trace) -> String {
    let n = t.steps.len();
    let mut s = match &t.violation {
        Some(v) => format!(
            "After {n} steps, {} is violated: {}.",
            v.invariant,
            v.message.trim_end_matches('.')
        ),
        None if t.violations.is_empty() => format!("After {n} steps, no invariant is violated."),
        None => format!("After {n} steps, the last state breaks no invariant."),
    };
    let is_final = |v: &TraceViolation| {
        t.violation
            .as_ref()
            .is_some_and(|f| f.invariant == v.invariant && f.step == v.step)
    };
    for v in t.violations.iter().filter(|v| !is_final(v)) {
        match v.step {
            Some(k) => s.push_str(&format!(
                "\nOn the way, step {k} broke {}{}: {}.",
                v.invariant,
                if v.stops { "" } else { " (the run went on)" },
                v.message.trim_end_matches('.')
            )),
            None => s.push_str(&format!(
                "\nAt the end, {} is violated: {}.",
                v.invariant,
                v.message.trim_end_matches('.')
            )),
        }
    }
    if t.not_run > 0 {
        let stop = t.violations.iter().rev().find(|v| v.stops);
        s.push_str(&format!(
            "\nThe token goes on for {} more step(s) after step {n}; they were not run: {}.",
            t.not_run,
            match stop {
                Some(v) => format!(
                    "{} stops the machine at step {n} (there is no state after it)",
                    v.invariant
                ),
                None => "the machine stopped".to_string(),
            }
        ));
    }
    s.push_str("\nAt that point:");
    for p in &t.positions {
        s.push_str("\n  ");
        s.push_str(p);
    }
    s
}
