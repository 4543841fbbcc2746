//! The mutation report: a row per mutant (location, operator, description, status) and the
//! score, as text or as JSON (`"command": "mutate"`, schema `mmcheck/1`).

use super::operators::Mutant;
use super::runner::Status;

/// One mutant and what became of it.
pub struct Row {
    pub location: String,
    pub mutant: Mutant,
    pub status: Status,
}

/// The run as a whole.
pub struct Run {
    pub models: Vec<String>,
    pub test_dir: String,
    pub tests: usize,
    pub baseline_seconds: f64,
    pub seconds: f64,
    pub exit_code: i32,
}

/// How a mark's reason starts when the model lacks what would tell the mutant apart (a
/// later capability's gap, not a true equivalence).
pub const NOT_OBSERVABLE: &str = "not observable here";

/// The counts of the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub mutants: usize,
    pub killed: usize,
    pub survived: usize,
    pub equivalent: usize,
    /// Of the equivalent ones, those whose mark says the model cannot show the difference
    /// (`not observable here: ...`): gaps of the model rather than true equivalences.
    pub not_observable: usize,
    pub timeouts: usize,
    pub invalid: usize,
    pub not_run: usize,
    pub crashed: usize,
}

impl Counts {
    pub fn of(rows: &[Row]) -> Counts {
        Counts::of_matching(rows, |_| true)
    }
    /// The counts of the rows `keep` picks.
    pub fn of_matching(rows: &[Row], keep: impl Fn(&Row) -> bool) -> Counts {
        let mut c = Counts::default();
        for r in rows.iter().filter(|r| keep(r)) {
            c.mutants += 1;
            match r.status {
                Status::Killed { .. } => c.killed += 1,
                Status::Survived { .. } => c.survived += 1,
                Status::Equivalent { ref reason } => {
                    c.equivalent += 1;
                    if reason.starts_with(NOT_OBSERVABLE) {
                        c.not_observable += 1;
                    }
                }
                Status::Timeout { .. } => c.timeouts += 1,
                Status::Invalid { .. } => c.invalid += 1,
                Status::Crashed => c.crashed += 1,
                Status::NotRun => c.not_run += 1,
            }
        }
        c
    }
    /// Mutants that count: valid, not marked equivalent, run (a crash counts as not killed).
    pub fn non_equivalent(&self) -> usize {
        self.killed + self.survived + self.timeouts + self.crashed
    }
    pub fn percent(&self) -> f64 {
        match self.non_equivalent() {
            0 => 100.0,
            n => 100.0 * self.killed as f64 / n as f64,
        }
    }
    /// The score with the marks that are gaps counted as survivors.
    pub fn percent_counting_gaps(&self) -> f64 {
        match self.non_equivalent() + self.not_observable {
            0 => 100.0,
            n => 100.0 * self.killed as f64 / n as f64,
        }
    }
    /// `killed K of N non-equivalent mutants (P%), E equivalent, T timeouts`, and when some
    /// marks are gaps, how many and the score that counts them as survivors.
    pub fn summary(&self) -> String {
        let gaps = if self.not_observable > 0 {
            format!(
                " ({} of them not observable here: {:.1}% counting those as survivors)",
                self.not_observable,
                self.percent_counting_gaps()
            )
        } else {
            String::new()
        };
        let crashed = if self.crashed > 0 {
            format!(", {} crashed mmcheck (not killed)", self.crashed)
        } else {
            String::new()
        };
        format!(
            "killed {} of {} non-equivalent mutants ({:.1}%), {} equivalent{gaps}, {} timeouts{crashed}",
            self.killed,
            self.non_equivalent(),
            self.percent(),
            self.equivalent,
            self.timeouts
        )
    }
}

/// The status with its detail, for the text report.
fn detail(s: &Status, func: &str) -> String {
    match s {
        Status::Killed { test, found } => format!("killed by {test}: {found}"),
        Status::Survived { tests: 0 } => format!("survived: no test runs {func}()"),
        Status::Survived { tests } => format!("survived the {tests} test(s) that run {func}()"),
        Status::Equivalent { reason } => format!("equivalent: {reason}"),
        Status::Timeout { tests } => format!(
            "timeout: no test changed, {} stopped by its budget ({})",
            tests.len(),
            tests.join(", ")
        ),
        Status::Invalid { error } => format!(
            "invalid (does not load): {}",
            error.lines().next().unwrap_or("")
        ),
        Status::Crashed => {
            "crashed: mmcheck panicked on this mutant (a bug in mmcheck, its message is above; counted as not killed)".into()
        }
        Status::NotRun => "not run (interrupted)".into(),
    }
}

pub fn text(rows: &[Row], run: &Run) -> String {
    let mut out = format!(
        "mmcheck mutate {} {}: {} mutants, {} tests (baseline {:.1} s)\n\n",
        run.models.join(" "),
        run.test_dir,
        rows.len(),
        run.tests,
        run.baseline_seconds
    );
    for r in rows {
        out.push_str(&format!(
            "{:<10} {}  {}  {}\n           {}\n",
            r.status.word(),
            r.location,
            r.mutant.op.name(),
            r.mutant.desc,
            detail(&r.status, &r.mutant.func)
        ));
    }
    let survivors: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                Status::Survived { .. } | Status::Timeout { .. } | Status::Crashed
            )
        })
        .collect();
    if !survivors.is_empty() {
        out.push_str("\nsurvivors:\n");
        for r in survivors {
            out.push_str(&format!(
                "  {}  {}  {}{}\n",
                r.location,
                r.mutant.op.name(),
                r.mutant.desc,
                match r.status {
                    Status::Timeout { .. } => "  (timeout)",
                    Status::Crashed => "  (mmcheck crashed)",
                    _ => "",
                }
            ));
        }
    }
    let equivalent: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.status, Status::Equivalent { .. }))
        .collect();
    if !equivalent.is_empty() {
        out.push_str("\nequivalent (marked in the model, with the reason):\n");
        for r in equivalent {
            out.push_str(&format!(
                "  {}  {}  {}\n      {}\n",
                r.location,
                r.mutant.op.name(),
                r.mutant.desc,
                detail(&r.status, &r.mutant.func)
            ));
        }
    }
    out.push_str("\nper operator: killed / non-equivalent, equivalent\n");
    for &op in super::operators::Operator::ALL {
        let c = Counts::of_matching(rows, |r| r.mutant.op == op);
        if c.mutants > 0 {
            out.push_str(&format!(
                "  {:<24} {:>3} / {:<3} {}\n",
                op.name(),
                c.killed,
                c.non_equivalent(),
                c.equivalent
            ));
        }
    }
    let c = Counts::of(rows);
    out.push_str(&format!("\n{}\n", c.summary()));
    let mut extra = Vec::new();
    if c.invalid > 0 {
        extra.push(format!("{} invalid (do not load), not counted", c.invalid));
    }
    if c.not_run > 0 {
        extra.push(format!("{} not run (interrupted)", c.not_run));
    }
    if !extra.is_empty() {
        out.push_str(&format!("{}\n", extra.join("; ")));
    }
    out.push_str(&format!("({:.1} s)\n", run.seconds));
    out
}

pub fn json(rows: &[Row], run: &Run) -> String {
    let c = Counts::of(rows);
    let mutants: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let (file, line, column) = split_location(&r.location);
            let mut v = serde_json::json!({
                "file": file,
                "line": line,
                "column": column,
                "function": r.mutant.func,
                "operator": r.mutant.op.name(),
                "description": r.mutant.desc,
                "status": r.status.word(),
            });
            let extra = match &r.status {
                Status::Killed { test, found } => {
                    serde_json::json!({"killed_by": test, "found": found})
                }
                Status::Survived { tests } => serde_json::json!({"tests_run": tests}),
                Status::Equivalent { reason } => serde_json::json!({"reason": reason}),
                Status::Timeout { tests } => serde_json::json!({"timed_out": tests}),
                Status::Invalid { error } => serde_json::json!({"error": error}),
                Status::Crashed | Status::NotRun => serde_json::json!({}),
            };
            if let (Some(o), serde_json::Value::Object(e)) = (v.as_object_mut(), extra) {
                o.extend(e);
            }
            v
        })
        .collect();
    let v = serde_json::json!({
        "schema": crate::cli::JSON_SCHEMA,
        "command": "mutate",
        "models": run.models,
        "test_dir": run.test_dir,
        "tests": run.tests,
        "baseline_seconds": run.baseline_seconds,
        "mutants": mutants,
        "summary": {
            "mutants": c.mutants,
            "killed": c.killed,
            "survived": c.survived,
            "equivalent": c.equivalent,
            "not_observable": c.not_observable,
            "crashed": c.crashed,
            "timeouts": c.timeouts,
            "invalid": c.invalid,
            "not_run": c.not_run,
            "non_equivalent": c.non_equivalent(),
            "percent_killed": (c.percent() * 10.0).round() / 10.0,
            "percent_killed_counting_gaps": (c.percent_counting_gaps() * 10.0).round() / 10.0,
            "line": c.summary(),
        },
        "seconds": run.seconds,
        "exit_code": run.exit_code,
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// `path:line:col` apart (the path may hold colons).
fn split_location(loc: &str) -> (String, Option<usize>, Option<usize>) {
    let mut it = loc.rsplitn(3, ':');
    let (c, l, f) = (it.next(), it.next(), it.next());
    match (
        f,
        l.and_then(|l| l.parse().ok()),
        c.and_then(|c| c.parse().ok()),
    ) {
        (Some(f), Some(l), Some(c)) => (f.to_string(), Some(l), Some(c)),
        _ => (loc.to_string(), None, None),
    }
}

/// Writes the report on stdout; a closed pipe ends quietly, another failure says so once
/// (exit code 2).
pub fn print(s: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(s.as_bytes()).and_then(|_| o.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
        }
        std::process::exit(crate::cli::EXIT_BAD_INPUT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_of_mmcheck_is_never_a_kill() {
        let c = Counts {
            mutants: 2,
            killed: 1,
            crashed: 1,
            ..Counts::default()
        };
        assert_eq!(c.non_equivalent(), 2);
        assert_eq!(c.percent(), 50.0);
        assert_eq!(
            c.summary(),
            "killed 1 of 2 non-equivalent mutants (50.0%), 0 equivalent, 0 timeouts, 1 crashed mmcheck (not killed)"
        );
    }
}
