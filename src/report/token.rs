//! Replay tokens: a counterexample as a short string, e.g. `0x6-1x11-2-1x6`
//! (cpu0 runs 6 steps, cpu1 11, cpu2 one, cpu1 six). Hardware events: `e2.0` (cpu2's TLB
//! evicts page slot 0), `f1.0` (speculative fill of slot 0 into cpu1's TLB). A step that
//! starts at a `nondet()` names its outcome: `c1.0` (cpu1 takes false), `c1.1` (true).
//! `i1.0`: cpu1 takes cpu0's IPI (enters its handler for the call cpu0 queued on it).
//! `-` is the empty path.
//!
//! Decoding only checks the syntax and the sizes; whether each step can run in a given test
//! is for the replay (`machine::trace::build`) to say.

use crate::machine::Action;

/// The longest path a token may describe (a breadth-first counterexample is a few dozen
/// steps; this only keeps a mistyped count from allocating without bound).
pub const MAX_STEPS: usize = 1_000_000;

pub fn encode(path: &[Action]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < path.len() {
        match path[i] {
            Action::Cpu(c) => {
                let mut n = 1;
                while i + n < path.len() && path[i + n] == Action::Cpu(c) {
                    n += 1;
                }
                parts.push(if n == 1 {
                    format!("{c}")
                } else {
                    format!("{c}x{n}")
                });
                i += n;
            }
            Action::Evict(c, s) => {
                parts.push(format!("e{c}.{s}"));
                i += 1;
            }
            Action::Fill(c, s) => {
                parts.push(format!("f{c}.{s}"));
                i += 1;
            }
            Action::Choose(c, b) => {
                parts.push(format!("c{c}.{}", b as u8));
                i += 1;
            }
            Action::Ipi(c, sender) => {
                parts.push(format!("i{c}.{sender}"));
                i += 1;
            }
        }
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("-")
    }
}

/// A decimal number of ASCII digits (no sign, no spaces) that fits `max`.
fn number(s: &str, what: &str, max: u64) -> Result<u64, String> {
    if s.is_empty() {
        return Err(format!("a {what} is missing"));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not a {what} (decimal digits only)"));
    }
    match s.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("{what} `{s}` is too large (at most {max})")),
    }
}

/// One part of a token and the actions it stands for.
fn part(p: &str) -> Result<Vec<Action>, String> {
    let shape = "a part is `C` (a step of cpu C), `CxN` (N steps of cpu C), `cC.B` (a step of \
                 cpu C that takes outcome B, 0 or 1, of the nondet() it stands at), `eC.S` (cpu \
                 C's TLB evicts page slot S), `fC.S` (speculative fill of slot S into cpu C's \
                 TLB) or `iC.S` (cpu C takes the IPI of cpu S)";
    if p.is_empty() {
        return Err(format!(
            "an empty part (two `-` in a row, or one at an end); {shape}"
        ));
    }
    let bad = |why: String| format!("bad part `{p}`: {why}; {shape}");
    if let Some(rest) = p.strip_prefix('c') {
        let (c, b) = rest
            .split_once('.')
            .ok_or_else(|| bad("a choice needs `.` between CPU and outcome".into()))?;
        let c = number(c, "CPU number", u8::MAX as u64).map_err(bad)? as u8;
        let b = match b {
            "0" => false,
            "1" => true,
            _ => return Err(bad(format!("a choice's outcome is 0 or 1, not `{b}`"))),
        };
        return Ok(vec![Action::Choose(c, b)]);
    }
    if let Some(rest) = p.strip_prefix('i') {
        let (c, sender) = rest
            .split_once('.')
            .ok_or_else(|| bad("an IPI needs `.` between the CPU and the sender".into()))?;
        let c = number(c, "CPU number", u8::MAX as u64).map_err(bad)? as u8;
        let sender = number(sender, "CPU number", u8::MAX as u64).map_err(bad)? as u8;
        return Ok(vec![Action::Ipi(c, sender)]);
    }
    if let Some(rest) = p.strip_prefix('e').or_else(|| p.strip_prefix('f')) {
        let (c, s) = rest
            .split_once('.')
            .ok_or_else(|| bad("a hardware event needs `.` between CPU and slot".into()))?;
        let c = number(c, "CPU number", u8::MAX as u64).map_err(bad)? as u8;
        let s = number(s, "page slot", u16::MAX as u64).map_err(bad)? as u16;
        return Ok(vec![if p.starts_with('e') {
            Action::Evict(c, s)
        } else {
            Action::Fill(c, s)
        }]);
    }
    let (c, n) = match p.split_once('x') {
        Some((c, n)) => (c, number(n, "step count", MAX_STEPS as u64).map_err(bad)?),
        None => (p, 1),
    };
    let c = number(c, "CPU number", u8::MAX as u64).map_err(bad)? as u8;
    if n == 0 {
        return Err(bad("a step count of 0".into()));
    }
    Ok(vec![Action::Cpu(c); n as usize])
}

/// The path a token stands for; a syntax error or an absurd size is an error message.
pub fn decode(token: &str) -> Result<Vec<Action>, String> {
    Ok(decode_parts(token)?
        .into_iter()
        .flat_map(|(_, a)| a)
        .collect())
}

/// The token split into its parts, each with the actions it stands for.
pub fn decode_parts(token: &str) -> Result<Vec<(String, Vec<Action>)>, String> {
    let t = token.trim();
    if t.is_empty() {
        return Err("the replay token is empty (the empty path is written `-`)".into());
    }
    if t == "-" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut total = 0usize;
    for p in t.split('-') {
        let actions = part(p)?;
        total += actions.len();
        if total > MAX_STEPS {
            return Err(format!(
                "the replay token describes more than {MAX_STEPS} steps"
            ));
        }
        out.push((p.to_string(), actions));
    }
    Ok(out)
}

/// The part of a (well-formed) token that holds step `i` (0-based), for error messages.
pub fn part_of_step(token: &str, i: usize) -> Option<String> {
    let mut at = 0;
    for (p, a) in decode_parts(token).ok()? {
        if i < at + a.len() {
            return Some(p);
        }
        at += a.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = vec![
            Action::Cpu(0),
            Action::Cpu(0),
            Action::Cpu(1),
            Action::Evict(2, 3),
            Action::Fill(1, 0),
            Action::Cpu(2),
            Action::Choose(1, true),
            Action::Choose(1, false),
        ];
        let t = encode(&p);
        assert_eq!(t, "0x2-1-e2.3-f1.0-2-c1.1-c1.0");
        assert_eq!(decode(&t).unwrap(), p);
        assert_eq!(decode(&encode(&[])).unwrap(), vec![]);
        assert_eq!(part_of_step(&t, 1).as_deref(), Some("0x2"));
        assert_eq!(part_of_step(&t, 3).as_deref(), Some("e2.3"));
        assert_eq!(part_of_step(&t, 6).as_deref(), Some("c1.1"));
        assert_eq!(part_of_step(&t, 8), None);
    }

    #[test]
    fn rejects_garbage() {
        for t in [
            "",
            " ",
            "1x",
            "q",
            "e1",
            "e1.",
            "e.1",
            "f0.5.1",
            "0--1",
            "-1",
            "1-",
            "+1",
            "1x+2",
            "0x0",
            "e-1.0",
            "1 x2",
            "٣",
            "0x1000001",
            "256",
            "e0.65536",
            "99999999999999999999",
            "0x1e3",
            "c0",
            "c0.",
            "c.1",
            "c0.2",
            "c0.01",
            "c0.1.1",
            "c256.1",
            "c0.t",
            "c0x2",
            "c-1.0",
        ] {
            assert!(decode(t).is_err(), "{t:?} decoded");
        }
        let many = ["0x1000000"; 2].join("-");
        assert!(decode(&many).unwrap_err().contains("more than"));
        assert!(decode("").unwrap_err().contains("empty"));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_any_text_never_panics(s in "\\PC{0,40}") {
            let _ = decode(&s);
        }

        #[test]
        fn encode_then_decode_is_the_identity(p in proptest::collection::vec((0u8..5, 0u8..3, 0u16..3), 0..40)) {
            let path: Vec<Action> = p.iter().map(|&(k, c, s)| match k {
                0 => Action::Evict(c, s),
                1 => Action::Fill(c, s),
                2 => Action::Choose(c, s == 1),
                _ => Action::Cpu(c),
            }).collect();
            prop_assert_eq!(decode(&encode(&path)).unwrap(), path);
        }
    }
}
