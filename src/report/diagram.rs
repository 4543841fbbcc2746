//! The race diagram: one column per CPU, one row per atomic step, in the style of kernel
//! commit messages, closed by a sentence naming the broken invariant.

use crate::machine::trace::Trace;

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
        let stmt = if s.statement.is_empty() {
            "(return)".to_string()
        } else {
            s.statement.clone()
        };
        cell.extend(wrap(&format!("{:>2}. {}", i + 1, stmt), COL - 1, "      "));
        for n in &s.notes {
            cell.extend(wrap(&format!("    {n}"), COL - 1, "      "));
        }
        for f in &s.folded {
            cell.extend(wrap(&format!("    + {f}"), COL - 1, "      "));
        }
        for e in &s.effects {
            cell.extend(wrap(&format!("    => {e}"), COL - 1, "       "));
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

/// The closing sentence, then where every CPU stands.
pub fn conclusion(t: &Trace) -> String {
    let mut s = match &t.violation {
        Some(v) => format!(
            "After {} steps, {} is violated: {}.",
            t.steps.len(),
            v.invariant,
            v.message.trim_end_matches('.')
        ),
        None => format!("After {} steps, no invariant is violated.", t.steps.len()),
    };
    s.push_str("\nAt that point:");
    for p in &t.positions {
        s.push_str("\n  ");
        s.push_str(p);
    }
    s
}
