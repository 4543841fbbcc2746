//! Finds and parses files, resolves `kernel`/`import` and `override fn`, and lowers each test.

use super::ast::{Item, Module, TestItem};
use super::compile::{FuncTable, compile_test};
use super::source::{Diag, SourceMap, Span};
use super::{lexer, parser};
use crate::ir::Program;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Extra directory searched first for `models/<name>` trees.
    pub models_dir: Option<PathBuf>,
}

/// A test file, lowered: one program per test block.
pub struct Loaded {
    pub sources: Arc<SourceMap>,
    pub tests: Vec<Program>,
}

/// Errors come back with the source map needed to render them.
pub type LoadError = (SourceMap, Diag);

/// Source files must be smaller than this (spans hold 32-bit offsets; far below that anyway).
pub const MAX_FILE_BYTES: usize = 64 << 20;

struct Loader<'a> {
    map: SourceMap,
    modules: HashMap<PathBuf, (u16, Arc<Module>)>,
    opts: &'a LoadOptions,
}

pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Loaded, Box<LoadError>> {
    let mut l = Loader {
        map: SourceMap::default(),
        modules: HashMap::new(),
        opts,
    };
    match l.load_tests(path) {
        Ok(tests) => {
            let sources = Arc::new(l.map);
            let tests = tests
                .into_iter()
                .map(|mut p| {
                    p.sources = sources.clone();
                    p
                })
                .collect();
            Ok(Loaded { sources, tests })
        }
        Err(d) => Err(Box::new((l.map, d))),
    }
}

impl Loader<'_> {
    fn parse(&mut self, path: &Path, at: Option<Span>) -> Result<(u16, Arc<Module>), Diag> {
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if let Some(m) = self.modules.get(&canon) {
            return Ok(m.clone());
        }
        let located = |msg: String| match at {
            Some(s) => Diag::at(s, msg),
            None => Diag::plain(msg),
        };
        let bytes = std::fs::read(path)
            .map_err(|e| located(format!("cannot read {}: {e}", path.display())))?;
        if bytes.len() >= MAX_FILE_BYTES {
            return Err(located(format!(
                "{} is too large ({} bytes; source files must be under {} MiB)",
                path.display(),
                bytes.len(),
                MAX_FILE_BYTES >> 20
            )));
        }
        // Not UTF-8: point at the first bad byte (the text before it is kept as it is).
        let (text, bad) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let id = self.map.add(path, text).ok_or_else(|| {
            located(format!(
                "cannot load {}: a run reads at most {} files",
                path.display(),
                u32::from(u16::MAX) + 1
            ))
        })?;
        if let Some(at) = bad {
            return Err(Diag::at(
                Span::new(id, at, at + '\u{FFFD}'.len_utf8()),
                "this file is not valid UTF-8 text",
            )
            .help("model and test files are UTF-8 (ASCII outside comments and strings)"));
        }
        let toks = lexer::lex(id, &self.map.files[id as usize].text)?;
        let m = Arc::new(parser::parse_module(toks)?);
        self.modules.insert(canon, (id, m.clone()));
        Ok((id, m))
    }

    /// `models/<name>` searched from the importing file upwards, then the built-in tree.
    fn find_tree(&self, name: &str, from: &Path) -> Option<PathBuf> {
        self.model_dirs(from)
            .into_iter()
            .map(|d| d.join(name))
            .find(|p| p.is_dir())
    }

    fn model_dirs(&self, from: &Path) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(d) = &self.opts.models_dir {
            dirs.push(d.clone());
        }
        if let Ok(d) = std::env::var("MMCHECK_MODELS") {
            dirs.push(PathBuf::from(d));
        }
        let from = from.canonicalize().unwrap_or_else(|_| from.to_path_buf());
        let mut cur = from.parent().map(Path::to_path_buf);
        while let Some(d) = cur {
            dirs.push(d.join("models"));
            cur = d.parent().map(Path::to_path_buf);
        }
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
        dirs
    }

    /// Resolves an import string to the files it stands for.
    fn resolve_import(&self, spec: &str, from: &Path, span: Span) -> Result<Vec<PathBuf>, Diag> {
        if spec.ends_with(".mmk") {
            let base = from.parent().unwrap_or(Path::new("."));
            let local = base.join(spec);
            if local.is_file() {
                return Ok(vec![local]);
            }
            let found = self
                .model_dirs(from)
                .into_iter()
                .map(|d| d.join(spec))
                .find(|p| p.is_file());
            return found.map(|p| vec![p]).ok_or_else(|| {
                Diag::at(span, format!("no such model file: {spec}")).help(
                    "a .mmk path is looked up beside the importing file, then in the models/ folders (e.g. \"fixes/6ce64428d620-uffd-flush-pending.mmk\")",
                )
            });
        }
        let dir = self.find_tree(spec, from).ok_or_else(|| {
            Diag::at(span, format!("no model tree named `{spec}`"))
                .help("model trees live in a `models/<name>/` folder beside or above the test; bundled: linux-5.10")
        })?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Diag::at(span, format!("cannot read {}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "mmk"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Diag::at(
                span,
                format!("model tree {} has no .mmk files", dir.display()),
            ));
        }
        Ok(files)
    }

    /// Adds a file and (first) everything it imports to the function table.
    fn apply_file(
        &mut self,
        path: &Path,
        at: Option<Span>,
        table: &mut FuncTable,
        loaded: &mut Vec<PathBuf>,
        is_test_file: bool,
    ) -> Result<(), Diag> {
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if loaded.contains(&canon) {
            return Ok(());
        }
        loaded.push(canon);
        let (_, module) = self.parse(path, at)?;
        for item in &module.items {
            if let Item::Import { path: spec, span } = item {
                for f in self.resolve_import(spec, path, *span)? {
                    self.apply_file(&f, Some(*span), table, loaded, false)?;
                }
            }
        }
        table.add_module(&module, !is_test_file)
    }

    fn load_tests(&mut self, path: &Path) -> Result<Vec<Program>, Diag> {
        let (_, module) = self.parse(path, None)?;
        let tests: Vec<_> = module
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Test(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        if tests.is_empty() {
            return Err(Diag::plain(format!(
                "{}: no `test \"name\" {{ ... }}` block in this file",
                path.display()
            ))
            .help("mmcheck check and test run test files; model files are pulled in by `kernel` and `import`"));
        }
        for (i, t) in tests.iter().enumerate() {
            if let Some(first) = tests[..i].iter().find(|u| u.name == t.name) {
                let (line, _) = self.map.line_col(first.span);
                return Err(Diag::at(
                    t.span,
                    format!(
                        "a second test named \"{}\" (the first is on line {line})",
                        t.name
                    ),
                )
                .help("test names must be unique within a file: `--test NAME` and replay tokens pick a test by name"));
            }
        }
        let mut out = Vec::new();
        for t in tests {
            let mut table = FuncTable::default();
            let mut loaded = Vec::new();
            // The kernel tree first, then the file's imports and own functions, then the
            // test's own imports: later definitions override earlier ones.
            let kernel = t.items.iter().find_map(|i| match i {
                TestItem::Kernel(k, s) => Some((k.clone(), *s)),
                _ => None,
            });
            let Some((kernel, kspan)) = kernel else {
                return Err(Diag::at(t.span, "this test names no kernel model")
                    .help("add e.g. `kernel \"linux-5.10\";` inside the test block"));
            };
            for f in self.resolve_import(&kernel, path, kspan)? {
                self.apply_file(&f, Some(kspan), &mut table, &mut loaded, false)?;
            }
            self.apply_file(path, None, &mut table, &mut loaded, true)?;
            for item in &t.items {
                if let TestItem::Import(spec, span) = item {
                    for f in self.resolve_import(spec, path, *span)? {
                        self.apply_file(&f, Some(*span), &mut table, &mut loaded, false)?;
                    }
                }
            }
            out.push(compile_test(&t, kernel, &table, &self.map)?);
        }
        Ok(out)
    }
}
