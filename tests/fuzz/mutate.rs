//! Mutation operators for fuzzing mmcheck's input path. Shared by the fuzzer
//! (`examples/fuzz.rs`, run by `scripts/fuzz.sh`) and by its bounded version in `cargo test`
//! (`tests/fuzz.rs`), so both exercise the same operators.
//!
//! Inputs are bytes: byte mutations may leave the text invalid UTF-8 on purpose. Token
//! mutations work on a rough tokenisation (words, numbers, strings, punctuation) and aim at
//! the limits of the front end: extreme numbers, huge identifiers, deep nesting, repeated
//! declarations.

#![allow(dead_code)]

/// A small deterministic generator (SplitMix64): the same seed gives the same inputs on every
/// platform and crate version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    Str,
    Punct,
}

/// Tokens as byte ranges (whitespace and comments are not tokens).
pub fn tokens(t: &[u8]) -> Vec<(usize, usize, Kind)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && t.get(i + 1) == Some(&b'/') {
            while i < t.len() && t[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let kind = if c.is_ascii_alphabetic() || c == b'_' {
            while i < t.len() && (t[i].is_ascii_alphanumeric() || t[i] == b'_') {
                i += 1;
            }
            Kind::Word
        } else if c.is_ascii_digit() {
            while i < t.len() && (t[i].is_ascii_alphanumeric() || t[i] == b'_') {
                i += 1;
            }
            Kind::Number
        } else if c == b'"' {
            i += 1;
            while i < t.len() && t[i] != b'"' && t[i] != b'\n' {
                i += 1;
            }
            i = (i + 1).min(t.len());
            Kind::Str
        } else {
            i += 1;
            Kind::Punct
        };
        out.push((start, i, kind));
    }
    out
}

/// Numbers at and around every limit of the language and the machine.
pub const EXTREMES: &[&str] = &[
    "-1",
    "0",
    "1",
    "2",
    "7",
    "8",
    "9",
    "15",
    "16",
    "17",
    "63",
    "64",
    "65",
    "127",
    "128",
    "255",
    "256",
    "511",
    "512",
    "513",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "0x7fffffffffffffff",
    "0xffffffffffffffff",
    "0x",
    "00000000000000000000000000001",
];

/// Bytes that matter to the lexer and to UTF-8 decoding.
const SPECIAL_BYTES: &[u8] = &[
    0x00, 0xff, 0xfe, 0xc3, 0x80, b'\t', b'\r', b'\n', b'"', b'{', b'}', b'(', b')', b';', b'*',
    b'/', b'-', b'#', b'@', 0x1b,
];

/// The operators, by name (the fuzzer reports which ones made a failing input).
pub const OPS: &[&str] = &[
    "flip_byte",
    "insert_bytes",
    "delete_range",
    "duplicate_range",
    "delete_token",
    "duplicate_token",
    "swap_tokens",
    "extreme_number",
    "replace_word",
    "huge_identifier",
    "deep_nesting",
    "repeat_line",
    "splice",
];

/// The most bytes one operator adds by repeating text.
const MAX_GROWTH: usize = 8 << 20;

/// Size limits of the generated text: the bounded in-test run keeps them small.
#[derive(Clone, Copy)]
pub struct Sizes {
    /// Longest identifier `huge_identifier` makes.
    pub max_identifier: usize,
    /// Deepest nesting `deep_nesting` makes.
    pub max_nesting: usize,
    /// Most copies `repeat_line` makes.
    pub max_repeat: usize,
}

pub const FULL: Sizes = Sizes {
    max_identifier: 5 << 20,
    max_nesting: 100_000,
    max_repeat: 70_000,
};

pub const SMALL: Sizes = Sizes {
    max_identifier: 100_000,
    max_nesting: 5_000,
    max_repeat: 600,
};

/// Applies one operator (`op` indexes `OPS`) to `t`. `corpus` supplies words and text to
/// splice in.
pub fn apply(op: usize, t: &mut Vec<u8>, corpus: &[Vec<u8>], rng: &mut Rng, sizes: Sizes) {
    let toks = tokens(t);
    let at = |rng: &mut Rng, t: &Vec<u8>| rng.below(t.len() + 1);
    match OPS[op] {
        "flip_byte" if !t.is_empty() => {
            let i = rng.below(t.len());
            t[i] = if rng.chance(2) {
                *rng.pick(SPECIAL_BYTES)
            } else {
                t[i] ^ (1 << rng.below(8))
            };
        }
        "insert_bytes" => {
            let i = at(rng, t);
            let n = 1 + rng.below(4);
            let bytes: Vec<u8> = (0..n)
                .map(|_| {
                    if rng.chance(2) {
                        *rng.pick(SPECIAL_BYTES)
                    } else {
                        rng.below(256) as u8
                    }
                })
                .collect();
            t.splice(i..i, bytes);
        }
        "delete_range" if !t.is_empty() => {
            let i = rng.below(t.len());
            let max = if rng.chance(4) { 200 } else { 8 };
            let n = 1 + rng.below(max);
            t.drain(i..(i + n).min(t.len()));
        }
        "duplicate_range" if !t.is_empty() => {
            let i = rng.below(t.len());
            let max = if rng.chance(4) { 400 } else { 16 };
            let n = 1 + rng.below(max);
            let piece = t[i..(i + n).min(t.len())].to_vec();
            let j = at(rng, t);
            t.splice(j..j, piece);
        }
        "delete_token" if !toks.is_empty() => {
            let (s, e, _) = *rng.pick(&toks);
            t.drain(s..e);
        }
        "duplicate_token" if !toks.is_empty() => {
            let (s, e, _) = *rng.pick(&toks);
            let piece = t[s..e].to_vec();
            t.splice(e..e, [b" ".as_slice(), &piece].concat());
        }
        "swap_tokens" if toks.len() >= 2 => {
            let (a, b) = (rng.below(toks.len()), rng.below(toks.len()));
            let (a, b) = (a.min(b), a.max(b));
            if a != b {
                let (sa, ea, _) = toks[a];
                let (sb, eb, _) = toks[b];
                let (x, y) = (t[sa..ea].to_vec(), t[sb..eb].to_vec());
                t.splice(sb..eb, x);
                t.splice(sa..ea, y);
            }
        }
        "extreme_number" => {
            let nums: Vec<_> = toks.iter().filter(|k| k.2 == Kind::Number).collect();
            let new = rng.pick(EXTREMES).as_bytes().to_vec();
            if nums.is_empty() {
                let i = at(rng, t);
                t.splice(i..i, new);
            } else {
                let &&(s, e, _) = rng.pick(&nums);
                t.splice(s..e, new);
            }
        }
        "replace_word" => {
            let words: Vec<_> = toks.iter().filter(|k| k.2 == Kind::Word).collect();
            let src = rng.pick(corpus);
            let others: Vec<_> = tokens(src)
                .into_iter()
                .filter(|k| k.2 == Kind::Word)
                .collect();
            if let (false, false) = (words.is_empty(), others.is_empty()) {
                let &&(s, e, _) = rng.pick(&words);
                let (os, oe, _) = *rng.pick(&others);
                t.splice(s..e, src[os..oe].to_vec());
            }
        }
        "huge_identifier" => {
            // Around the lexer's limits (256-character names, 1024-byte strings) and far past.
            let n = match rng.below(6) {
                0 => 65 + rng.below(64),
                1 => 255 + rng.below(3),
                2 => 1023 + rng.below(3),
                3 => 1000 + rng.below(10_000),
                4 => sizes.max_identifier.min(100_000),
                _ => sizes.max_identifier,
            };
            let c = b'a' + rng.below(26) as u8;
            let huge = vec![c; n];
            let words: Vec<_> = toks.iter().filter(|k| k.2 == Kind::Word).collect();
            let strings: Vec<_> = toks.iter().filter(|k| k.2 == Kind::Str).collect();
            if !strings.is_empty() && rng.chance(3) {
                let &&(s, e, _) = rng.pick(&strings);
                t.splice(s..e, [b"\"".as_slice(), &huge, b"\""].concat());
            } else if words.is_empty() || rng.chance(4) {
                let i = at(rng, t);
                t.splice(i..i, huge);
            } else {
                let &&(s, e, _) = rng.pick(&words);
                t.splice(s..e, huge);
            }
        }
        "deep_nesting" => {
            let depths = [100, 200, 255, 256, 257, 1000, sizes.max_nesting];
            let d = (*rng.pick(&depths)).min(sizes.max_nesting);
            let (open, mid, close): (&[u8], &[u8], &[u8]) = match rng.below(6) {
                0 => (b"(", b"1", b")"),
                1 => (b"{ ", b"", b"} "),
                2 => (b"if true { ", b"", b"} "),
                3 => (b"!", b"true", b""),
                4 => (b"1 + ", b"1", b""),
                _ => (b"atomic { ", b"", b"} "),
            };
            let mut s = open.repeat(d);
            s.extend_from_slice(mid);
            s.extend(close.repeat(d));
            // Inside a function body or a CPU program when there is one.
            let bodies: Vec<_> = toks
                .windows(2)
                .filter(|w| w[0].2 == Kind::Punct && t[w[0].0] == b'{' && w[1].2 == Kind::Word)
                .map(|w| w[0].1)
                .collect();
            let i = if bodies.is_empty() || rng.chance(5) {
                at(rng, t)
            } else {
                *rng.pick(&bodies)
            };
            let stmt = if rng.chance(2) && !mid.is_empty() {
                [b" let deep_ = ".as_slice(), &s, b"; "].concat()
            } else {
                [b" ".as_slice(), &s, b" "].concat()
            };
            t.splice(i..i, stmt);
        }
        "repeat_line" => {
            let lines: Vec<(usize, usize)> = {
                let mut v = Vec::new();
                let mut s = 0;
                for (i, &b) in t.iter().enumerate() {
                    if b == b'\n' {
                        v.push((s, i + 1));
                        s = i + 1;
                    }
                }
                v
            };
            if !lines.is_empty() {
                let (s, e) = *rng.pick(&lines);
                let counts = [2, 255, 256, 300, 513, sizes.max_repeat];
                let line = t[s..e].to_vec();
                // At most MAX_GROWTH bytes of copies (a line may hold a huge identifier).
                let n = (*rng.pick(&counts))
                    .min(sizes.max_repeat)
                    .min(MAX_GROWTH / line.len().max(1));
                // Numbered copies make distinct declarations (`let v` -> `let v_1`, ...).
                let mut block = Vec::with_capacity(line.len() * n);
                let rename = rng.chance(2);
                for k in 0..n {
                    if rename {
                        let lt = tokens(&line);
                        let mut l = line.clone();
                        if let Some(&(_, we, _)) = lt.iter().filter(|x| x.2 == Kind::Word).nth(1) {
                            l.splice(we..we, format!("_{k}").into_bytes());
                        }
                        block.extend(l);
                    } else {
                        block.extend_from_slice(&line);
                    }
                }
                t.splice(e..e, block);
            }
        }
        "splice" => {
            let src = rng.pick(corpus);
            if !src.is_empty() {
                let i = rng.below(src.len());
                let n = 1 + rng.below(300);
                let piece = src[i..(i + n).min(src.len())].to_vec();
                let j = at(rng, t);
                t.splice(j..j, piece);
            }
        }
        _ => {}
    }
}

/// One to three random operators on a copy of `base`; returns the text and the operators.
pub fn mutate(
    base: &[u8],
    corpus: &[Vec<u8>],
    rng: &mut Rng,
    sizes: Sizes,
) -> (Vec<u8>, Vec<&'static str>) {
    let mut t = base.to_vec();
    // Mostly one operator, so that many inputs still load and reach the search.
    let n = match rng.below(20) {
        0..=11 => 1,
        12..=16 => 2,
        _ => 3,
    };
    let mut ops = Vec::with_capacity(n);
    for _ in 0..n {
        if t.len() > 2 * MAX_GROWTH {
            break;
        }
        let op = rng.below(OPS.len());
        apply(op, &mut t, corpus, rng, sizes);
        ops.push(OPS[op]);
    }
    (t, ops)
}

/// The `.mmk` files under `dir`, sorted (the corpus is the same on every run).
pub fn mmk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "mmk") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
