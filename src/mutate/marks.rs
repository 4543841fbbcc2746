//! Equivalence marks: `// mutate: equivalent(OPERATOR) REASON` on the line before a mutated
//! statement (or in the run of comment lines right above it), or at the end of its first or
//! last line, says that this operator's mutant of that statement cannot change what any
//! test could see, and why.

use super::operators::{Mutant, Operator};

/// One mark in a model file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Byte offset of the `//` and of the end of the comment.
    pub start: usize,
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// The comment stands alone on its line (else it follows code).
    pub own_line: bool,
    pub op: Operator,
    pub reason: String,
}

/// A malformed mark: the byte range of the comment, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: Option<String>,
}

const TAG: &str = "mutate:";

/// The marks of one file. A `// mutate:` comment must read `equivalent(OPERATOR) REASON`
/// with a known operator and a reason.
pub fn parse(text: &str) -> Result<Vec<Mark>, MarkError> {
    let mut out = Vec::new();
    let mut off = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let base = off;
        off += line.len();
        let Some(c) = comment_start(line) else {
            continue;
        };
        let comment = line[c + 2..].trim_end();
        let Some(body) = comment.trim_start().strip_prefix(TAG) else {
            continue;
        };
        let (start, end) = (base + c, base + c + 2 + comment.len());
        let err = |message: String| MarkError {
            start,
            end,
            message,
            help: Some(
                "write `// mutate: equivalent(OPERATOR) why no test could tell the mutant apart`"
                    .into(),
            ),
        };
        let body = body.trim();
        let Some(rest) = body.strip_prefix("equivalent(") else {
            return Err(err(format!(
                "a mutate mark must start with `equivalent(OPERATOR)`, not `{body}`"
            )));
        };
        let Some((op, reason)) = rest.split_once(')') else {
            return Err(err("`equivalent(` is not closed".into()));
        };
        let Some(op) = Operator::by_name(op.trim()) else {
            let known: Vec<&str> = Operator::ALL.iter().map(|o| o.name()).collect();
            return Err(MarkError {
                help: Some(format!("operators: {}", known.join(", "))),
                ..err(format!("unknown mutation operator `{}`", op.trim()))
            });
        };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(err(format!(
                "the equivalent({}) mark gives no reason",
                op.name()
            )));
        }
        out.push(Mark {
            start,
            end,
            line: i + 1,
            own_line: line[..c].trim().is_empty(),
            op,
            reason: reason.to_string(),
        });
    }
    Ok(out)
}

/// Where a `//` comment starts on a line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i + 1 < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && b[i + 1] == b'/' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, off: usize) -> usize {
    text.as_bytes()[..off.min(text.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1
}

/// The mark (index into `marks`) that makes this mutant equivalent, if any: same operator,
/// on the statement's first or last line, or in the comment lines right above it.
pub fn find(text: &str, marks: &[Mark], m: &Mutant) -> Option<usize> {
    let first = line_of(text, m.at.0);
    let last = line_of(text, m.at.1.saturating_sub(1).max(m.at.0));
    let lines: Vec<&str> = text.lines().collect();
    // the run of comment-only lines directly above the statement
    let mut above = first;
    while above > 1
        && lines
            .get(above - 2)
            .is_some_and(|l| l.trim_start().starts_with("//"))
    {
        above -= 1;
    }
    marks.iter().position(|k| {
        k.op == m.op
            && ((!k.own_line && (k.line == first || k.line == last))
                || (k.own_line && k.line >= above && k.line < first))
    })
}
