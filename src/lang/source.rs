//! Source files, spans and located diagnostics (file:line:column, exit code 2).

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: u16,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Offsets saturate (the loader rejects files of `MAX_FILE_BYTES` or more).
    pub fn new(file: u16, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

/// All files read for one run; spans index into it.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    pub files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file; `None` when the map already holds `u16::MAX + 1` files.
    pub fn add(&mut self, path: &Path, text: String) -> Option<u16> {
        let id = u16::try_from(self.files.len()).ok()?;
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
            line_starts,
        });
        Some(id)
    }

    pub fn find(&self, path: &Path) -> Option<u16> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| i as u16)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        let f = &self.files[span.file as usize];
        let off = span.start as usize;
        let line = match f.line_starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = f
            .text
            .get(f.line_starts[line]..off.min(f.text.len()))
            .map_or(0, |t| t.chars().count());
        (line + 1, col + 1)
    }

    pub fn location(&self, span: Span) -> String {
        let (l, c) = self.line_col(span);
        format!("{}:{}:{}", self.display_path(span.file), l, c)
    }

    /// The file's path, relative to the working directory when it lies below it.
    pub fn display_path(&self, file: u16) -> String {
        let p = &self.files[file as usize].path;
        let rel = std::env::current_dir()
            .ok()
            .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf));
        rel.unwrap_or_else(|| p.clone()).display().to_string()
    }

    pub fn text(&self, span: Span) -> &str {
        let f = &self.files[span.file as usize];
        &f.text[span.start as usize..(span.end as usize).min(f.text.len())]
    }

    pub fn file_name(&self, span: Span) -> String {
        let p = &self.files[span.file as usize].path;
        p.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Identifiers and other unbroken words longer than this are shortened in messages.
pub const MAX_WORD_IN_MESSAGE: usize = 64;
/// Messages longer than this (in characters) are cut.
pub const MAX_MESSAGE: usize = 1000;
/// Source lines longer than this (in characters) are shown as a window around the error.
const MAX_SNIPPET: usize = 120;

/// `s` shortened for a message: every run of identifier characters longer than
/// `MAX_WORD_IN_MESSAGE` keeps its first characters and gets an ellipsis, and the whole text is
/// cut at `MAX_MESSAGE` characters. A 5 MB identifier gives a short error.
pub fn clip(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(4 * MAX_MESSAGE));
    let (mut run, mut total) = (0usize, 0usize);
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' {
            run += 1;
            if run == MAX_WORD_IN_MESSAGE + 1 {
                out.push('…');
                total += 1;
            }
            if run > MAX_WORD_IN_MESSAGE {
                continue;
            }
        } else {
            run = 0;
        }
        if total == MAX_MESSAGE {
            out.push('…');
            break;
        }
        out.push(c);
        total += 1;
    }
    out
}

/// A located error in the user's input.
#[derive(Debug, Clone)]
pub struct Diag {
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl Diag {
    pub fn at(span: Span, message: impl Into<String>) -> Diag {
        Diag {
            span: Some(span),
            message: clip(&message.into()),
            help: None,
        }
    }
    pub fn plain(message: impl Into<String>) -> Diag {
        Diag {
            span: None,
            message: clip(&message.into()),
            help: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(clip(&help.into()));
        self
    }

    /// Renders `path:line:col: error: message`, then the source line with the error
    /// underlined, then the help. The message is printed once.
    pub fn render(&self, map: &SourceMap) -> String {
        let Some(span) = self.span else {
            let mut s = format!("error: {}\n", self.message);
            if let Some(h) = &self.help {
                s.push_str(&format!("help: {h}\n"));
            }
            return s;
        };
        let mut out = format!("{}: error: {}\n", map.location(span), self.message);
        out.push_str(&map.snippet(span));
        if let Some(h) = &self.help {
            out.push_str(&format!("  = help: {h}\n"));
        }
        out
    }
}

impl SourceMap {
    /// The line holding the start of `span`, with the span underlined by `^`. A long line
    /// is shown as a window around the span; control characters are shown as spaces.
    fn snippet(&self, span: Span) -> String {
        let Some(f) = self.files.get(span.file as usize) else {
            return String::new();
        };
        let start = (span.start as usize).min(f.text.len());
        let line = match f.line_starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let lstart = f.line_starts[line];
        let lend = f.text[lstart..]
            .find('\n')
            .map_or(f.text.len(), |i| lstart + i);
        let text = f.text[lstart..lend].trim_end_matches('\r');
        let end = (span.end as usize).clamp(start, lstart + text.len());
        let (Some(pre), Some(mid)) = (
            f.text.get(lstart..start.min(lstart + text.len())),
            f.text.get(start.min(lstart + text.len())..end),
        ) else {
            return String::new();
        };
        let col = pre.chars().count();
        let width = mid.chars().count().max(1);
        let len = text.chars().count();
        // The window of characters shown: the whole line, or MAX_SNIPPET around the span.
        let from = if len <= MAX_SNIPPET {
            0
        } else {
            col.saturating_sub(MAX_SNIPPET / 3)
        };
        let to = (from + MAX_SNIPPET).min(len);
        let shown = |c: char| if c.is_control() && c != '\t' { ' ' } else { c };
        let mut src = String::new();
        let mut marks = String::new();
        if from > 0 {
            src.push('…');
            marks.push(' ');
        }
        for (i, c) in text.chars().enumerate().skip(from).take(to - from) {
            src.push(shown(c));
            if i < col {
                marks.push(if c == '\t' { '\t' } else { ' ' });
            } else if i < col + width {
                marks.push('^');
            }
        }
        if to < len {
            src.push('…');
        }
        if col >= to {
            marks.push('^');
        }
        let num = (line + 1).to_string();
        let pad = " ".repeat(num.len());
        format!("{pad} |\n{num} | {src}\n{pad} | {}\n", marks.trim_end())
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}
