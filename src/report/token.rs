//! Replay tokens: a counterexample as a short string, e.g. `0x6-1x11-2-1x6`
//! (cpu0 runs 6 steps, cpu1 11, cpu2 one, cpu1 six). Hardware events: `e2.0` (cpu2's TLB
//! evicts address 0), `f1.0` (speculative fill).

use crate::machine::Action;

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
        }
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("-")
    }
}

pub fn decode(token: &str) -> Result<Vec<Action>, String> {
    let mut out = Vec::new();
    if token.trim() == "-" {
        return Ok(out);
    }
    for part in token.trim().split('-') {
        let bad =
            || format!("malformed replay token part `{part}` (expected e.g. `1x11`, `2`, `e2.0`)");
        if let Some(rest) = part.strip_prefix('e').or_else(|| part.strip_prefix('f')) {
            let (c, s) = rest.split_once('.').ok_or_else(bad)?;
            let c: u8 = c.parse().map_err(|_| bad())?;
            let s: u16 = s.parse().map_err(|_| bad())?;
            out.push(if part.starts_with('e') {
                Action::Evict(c, s)
            } else {
                Action::Fill(c, s)
            });
            continue;
        }
        let (c, n) = match part.split_once('x') {
            Some((c, n)) => (c, n.parse::<usize>().map_err(|_| bad())?),
            None => (part, 1),
        };
        let c: u8 = c.parse().map_err(|_| bad())?;
        if n == 0 || n > 100_000 {
            return Err(bad());
        }
        out.extend(std::iter::repeat_n(Action::Cpu(c), n));
    }
    Ok(out)
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
        ];
        let t = encode(&p);
        assert_eq!(t, "0x2-1-e2.3-f1.0-2");
        assert_eq!(decode(&t).unwrap(), p);
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode("1x").is_err());
        assert!(decode("q").is_err());
        assert!(decode("e1").is_err());
    }
}
