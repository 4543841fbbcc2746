//! Tokens of the modelling language (C-like; `//` and `/* */` comments).

use super::source::{Diag, Span};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Int(i64),
    Str(String),
    Punct(&'static str),
    Eof,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const PUNCTS: &[&str] = &[
    "<<=", ">>=", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+=", "-=", "|=", "&=", "->",
    "(", ")", "{", "}", "[", "]", ",", ";", ":", ".", "=", "+", "-", "*", "/", "%", "!", "~", "&",
    "|", "^", "<", ">", "#",
];

/// Longer identifiers and strings are errors: names and test names end up in every trace,
/// diagram and message, which must stay readable whatever the input.
pub const MAX_IDENT: usize = 256;
pub const MAX_STRING: usize = 1024;

pub fn lex(file: u16, text: &str) -> Result<Vec<Token>, Diag> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let start = i;
            i += 2;
            loop {
                if i + 1 >= bytes.len() {
                    return Err(Diag::at(
                        Span::new(file, start, start + 2),
                        "unterminated block comment",
                    )
                    .help("close it with `*/`"));
                }
                if bytes[i] == b'*' && bytes[i + 1] == b'/' {
                    i += 2;
                    break;
                }
                i += 1;
            }
            continue;
        }
        let start = i;
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i - start > MAX_IDENT {
                return Err(Diag::at(
                    Span::new(file, start, i),
                    format!(
                        "an identifier of {} characters; at most {MAX_IDENT} are allowed",
                        i - start
                    ),
                ));
            }
            out.push(Token {
                tok: Tok::Ident(text[start..i].to_string()),
                span: Span::new(file, start, i),
            });
            continue;
        }
        if c.is_ascii_digit() {
            let (radix, digits_start) =
                if c == b'0' && matches!(bytes.get(i + 1), Some(b'x' | b'X')) {
                    (16, i + 2)
                } else {
                    (10, i)
                };
            i = digits_start;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let digits: String = text[digits_start..i]
                .chars()
                .filter(|&c| c != '_')
                .collect();
            let span = Span::new(file, start, i);
            let v = i64::from_str_radix(&digits, radix).map_err(|_| {
                Diag::at(span, format!("malformed number `{}`", &text[start..i]))
                    .help("numbers are decimal (42) or hexadecimal (0x2a) and fit in 64 bits")
            })?;
            out.push(Token {
                tok: Tok::Int(v),
                span,
            });
            continue;
        }
        if c == b'"' {
            i += 1;
            let s = i;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'"' {
                return Err(Diag::at(Span::new(file, start, i), "unterminated string")
                    .help("strings end with `\"` on the same line"));
            }
            if i - s > MAX_STRING {
                return Err(Diag::at(
                    Span::new(file, start, i + 1),
                    format!(
                        "a string of {} bytes; at most {MAX_STRING} are allowed",
                        i - s
                    ),
                ));
            }
            out.push(Token {
                tok: Tok::Str(text[s..i].to_string()),
                span: Span::new(file, start, i + 1),
            });
            i += 1;
            continue;
        }
        if let Some(p) = PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            i += p.len();
            out.push(Token {
                tok: Tok::Punct(p),
                span: Span::new(file, start, i),
            });
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('?');
        return Err(Diag::at(
            Span::new(file, start, start + ch.len_utf8()),
            format!("unexpected character `{}`", ch.escape_debug()),
        ));
    }
    out.push(Token {
        tok: Tok::Eof,
        span: Span::new(file, bytes.len(), bytes.len()),
    });
    Ok(out)
}
