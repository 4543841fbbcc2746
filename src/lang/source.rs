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
    pub fn new(file: u16, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
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
    pub fn add(&mut self, path: &Path, text: String) -> u16 {
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
        (self.files.len() - 1) as u16
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
        let col = f.text[f.line_starts[line]..off.min(f.text.len())]
            .chars()
            .count();
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
            message: message.into(),
            help: None,
        }
    }
    pub fn plain(message: impl Into<String>) -> Diag {
        Diag {
            span: None,
            message: message.into(),
            help: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    /// Renders `path:line:col: error: message` followed by a source snippet.
    pub fn render(&self, map: &SourceMap) -> String {
        use ariadne::{Config, Label, Report, ReportKind, Source};
        let Some(span) = self.span else {
            let mut s = format!("error: {}\n", self.message);
            if let Some(h) = &self.help {
                s.push_str(&format!("help: {h}\n"));
            }
            return s;
        };
        let mut out = format!("{}: error: {}\n", map.location(span), self.message);
        let file = &map.files[span.file as usize];
        let name = map.display_path(span.file);
        // ariadne counts characters, not bytes
        let cstart = file.text[..span.start as usize].chars().count();
        let cend = cstart
            + file.text[span.start as usize..(span.end as usize).min(file.text.len())]
                .chars()
                .count();
        let cend = cend.max(cstart + 1);
        let mut report = Report::build(ReportKind::Error, (name.clone(), cstart..cend))
            .with_config(Config::default().with_color(false))
            .with_message(&self.message)
            .with_label(Label::new((name.clone(), cstart..cend)).with_message(&self.message));
        if let Some(h) = &self.help {
            report = report.with_help(h);
        }
        let mut buf = Vec::new();
        if report
            .finish()
            .write((name, Source::from(file.text.as_str())), &mut buf)
            .is_ok()
        {
            out.push_str(&String::from_utf8_lossy(&buf));
        }
        out
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}
