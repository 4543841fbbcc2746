//! `mmcheck mutate`: mutation testing of kernel models. Mutants of the model files (a flush
//! deleted or moved, a reference get or put deleted, a lock pair deleted, a recheck
//! disabled, two statements swapped, a pending mark dropped) are run against a test
//! directory; a mutant that no test notices points at a gap in the scenarios or in the
//! invariants.
//!
//! - `operators`: the mutation operators (and the kernel names they look for);
//! - `marks`: `// mutate: equivalent(OP) reason` comments in the model;
//! - `coverage`: which model functions each test runs (so a mutant runs only the tests
//!   that run its function);
//! - `runner`: the baseline run, then each mutant's run (parallel, in-process);
//! - `report`: text and JSON.

pub mod coverage;
pub mod inventory;
pub mod marks;
pub mod operators;
pub mod report;
pub mod runner;

use crate::lang::{self, Diag, SourceMap, Span, ast::Module};
use operators::Mutant;
use runner::{Budget, ModelFile, Status};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `mmcheck mutate` was asked for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Model trees (directories of .mmk files) or model files.
    pub models: Vec<PathBuf>,
    pub test_dir: PathBuf,
    pub json: bool,
    /// Mutants run at once (default: every core).
    pub jobs: Option<usize>,
    /// A fixed time cap per test run of a mutant (default: derived from the baseline).
    pub max_seconds: Option<f64>,
    /// Only mutants of this model function.
    pub only: Option<String>,
    /// Run every test on every mutant, not only the tests that run its function.
    pub all_tests: bool,
    /// List the mutants, run nothing.
    pub list: bool,
    /// No progress lines on stderr.
    pub quiet: bool,
}

pub use crate::cli::InputError;

/// Everything the mutants come from: the model files, their syntax trees and marks.
pub struct Models {
    pub files: Vec<ModelFile>,
    pub modules: Vec<Module>,
    pub marks: Vec<Vec<marks::Mark>>,
    /// The files as a source map (file ids are indices into `files`), for locations.
    pub map: SourceMap,
}

/// Finds the model files of the arguments: every `.mmk` file of a directory (not below it,
/// as `kernel "NAME"` reads a tree), or the file itself. Each is parsed, and its marks read.
// (an input error is built once, on the way out: its size does not matter)
#[allow(clippy::result_large_err)]
pub fn read_models(args: &[PathBuf]) -> Result<Models, InputError> {
    let mut paths: Vec<(PathBuf, PathBuf)> = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut fs: Vec<PathBuf> = std::fs::read_dir(a)
                .map_err(|e| InputError::plain(format!("cannot read {}: {e}", a.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "mmk"))
                .collect();
            fs.sort();
            if fs.is_empty() {
                return Err(InputError::plain(format!(
                    "{} holds no .mmk model files",
                    a.display()
                )));
            }
            let tree = a
                .canonicalize()
                .ok()
                .and_then(|c| c.file_name().map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("tree"));
            for f in fs {
                let rel = tree.join(f.file_name().unwrap_or_default());
                paths.push((f, rel));
            }
        } else if a.is_file() {
            paths.push((a.clone(), rel_under_models(a)));
        } else {
            return Err(InputError::plain(format!(
                "no such model tree or file: {}",
                a.display()
            ))
            .with_help("give a model tree (e.g. models/linux-5.10) or .mmk model files, then the test directory"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    paths.retain(|(p, _)| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    let mut m = Models {
        files: Vec::new(),
        modules: Vec::new(),
        marks: Vec::new(),
        map: SourceMap::default(),
    };
    for (path, rel) in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| InputError::plain(format!("cannot read {}: {e}", path.display())))?;
        let Some(id) = m.map.add(&path, text.clone()) else {
            return Err(InputError::plain("too many model files"));
        };
        let module = lang::lexer::lex(id, &text)
            .and_then(lang::parser::parse_module)
            .map_err(|d| InputError::from_diag(&d, &m.map))?;
        if module
            .items
            .iter()
            .any(|i| matches!(i, lang::ast::Item::Test(_)))
        {
            return Err(InputError::plain(format!(
                "{} is a test file, not a model file",
                path.display()
            ))
            .with_help("mutate takes model trees or files first, then the test directory"));
        }
        let ms = marks::parse(&text).map_err(|e| {
            let d = Diag::at(Span::new(id, e.start, e.end), e.message);
            let d = match e.help {
                Some(h) => d.help(h),
                None => d,
            };
            InputError::from_diag(&d, &m.map)
        })?;
        m.files.push(ModelFile { path, rel, text });
        m.modules.push(module);
        m.marks.push(ms);
    }
    Ok(m)
}

impl InputError {
    fn with_help(mut self, h: &str) -> InputError {
        self.help = Some(h.to_string());
        self.text.push_str(&format!("help: {h}\n"));
        self
    }
}

/// Where a model file given alone sits under `models/`: its path below the nearest
/// directory named `models` (`fixes/x.mmk`), else its name.
fn rel_under_models(p: &Path) -> PathBuf {
    let abs = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let mut cur = abs.parent();
    while let Some(d) = cur {
        if d.file_name().is_some_and(|n| n == "models")
            && let Ok(r) = abs.strip_prefix(d)
        {
            return r.to_path_buf();
        }
        cur = d.parent();
    }
    PathBuf::from(p.file_name().unwrap_or_default())
}

/// The mutants of the models, in file order, and which of them a mark makes equivalent
/// (mutant index, reason). A mark that matches no mutant is an error.
// (an input error is built once, on the way out: its size does not matter)
#[allow(clippy::result_large_err)]
pub fn mutants(models: &Models) -> Result<(Vec<Mutant>, Vec<Option<String>>), InputError> {
    let mods: Vec<&Module> = models.modules.iter().collect();
    let shared = operators::Shared::of(&mods);
    let mut all = Vec::new();
    let mut eq = Vec::new();
    for (i, f) in models.files.iter().enumerate() {
        let ms = operators::generate(i, &f.text, &models.modules[i], &shared);
        let mut used = vec![false; models.marks[i].len()];
        for m in ms {
            let mark = marks::find(&f.text, &models.marks[i], &m);
            if let Some(k) = mark {
                used[k] = true;
            }
            eq.push(mark.map(|k| models.marks[i][k].reason.clone()));
            all.push(m);
        }
        if let Some(k) = used.iter().position(|u| !u) {
            let mk = &models.marks[i][k];
            let d = Diag::at(
                Span::new(i as u16, mk.start, mk.end),
                format!(
                    "this equivalent({}) mark matches no mutant",
                    mk.op.name()
                ),
            )
            .help(format!(
                "put it on the line before the statement the {} mutant changes, or at the end of that statement's line",
                mk.op.name()
            ));
            return Err(InputError::from_diag(&d, &models.map));
        }
    }
    Ok((all, eq))
}

/// `file:line:col` of a mutant.
pub fn location(models: &Models, m: &Mutant) -> String {
    models
        .map
        .location(Span::new(m.file as u16, m.at.0, m.at.1))
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Runs `mmcheck mutate`; gives the exit code (0 done, 2 bad input, 3 interrupted).
pub fn run(o: &Options) -> i32 {
    match run_inner(o) {
        Ok((text, code)) => {
            report::print(&text);
            code
        }
        Err(e) => crate::cli::input_error(e, o.json.then_some("mutate")),
    }
}

// (an input error is built once, on the way out: its size does not matter)
#[allow(clippy::result_large_err)]
fn run_inner(o: &Options) -> Result<(String, i32), InputError> {
    let start = Instant::now();
    if o.jobs == Some(0) || o.jobs.is_some_and(|j| j > 256) {
        return Err(InputError::plain("--jobs must be between 1 and 256"));
    }
    if let Some(s) = o.max_seconds
        && !(s.is_finite() && s > 0.0 && s < 1e7)
    {
        return Err(InputError::plain(format!(
            "--max-seconds must be a positive number of seconds, not {s}"
        )));
    }
    let models = read_models(&o.models)?;
    let (mutants, equivalent) = mutants(&models)?;
    let chosen: Vec<usize> = match &o.only {
        None => (0..mutants.len()).collect(),
        Some(f) => {
            let defined = models.modules.iter().any(|m| {
                m.items
                    .iter()
                    .any(|i| matches!(i, lang::ast::Item::Func(d) if &d.name == f))
            });
            if !defined {
                return Err(InputError::plain(format!(
                    "--only {f}: no model function of that name in the files given"
                )));
            }
            (0..mutants.len())
                .filter(|&i| &mutants[i].func == f)
                .collect()
        }
    };
    if o.list {
        let mut out = String::new();
        for &i in &chosen {
            let m = &mutants[i];
            out.push_str(&format!(
                "{}  {}  {}",
                location(&models, m),
                m.op.name(),
                m.desc
            ));
            if let Some(r) = &equivalent[i] {
                out.push_str(&format!("  [equivalent: {r}]"));
            }
            out.push('\n');
        }
        out.push_str(&format!("{} mutants\n", chosen.len()));
        return Ok((out, crate::cli::EXIT_OK));
    }
    if !o.test_dir.is_dir() {
        return Err(InputError::plain(format!(
            "no such test directory: {}",
            o.test_dir.display()
        )));
    }
    let (mut test_files, mut model_files) = (Vec::new(), Vec::new());
    crate::cli::collect_tests(&o.test_dir, &mut test_files, &mut model_files)
        .map_err(|e| InputError::plain(format!("cannot read {}: {e}", o.test_dir.display())))?;
    if test_files.is_empty() {
        return Err(InputError::plain(format!(
            "no test files (.mmk with a `test \"...\"` block) under {}",
            o.test_dir.display()
        )));
    }
    let jobs = o.jobs.unwrap_or_else(cores);
    let say = |s: String| {
        if !o.quiet {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{s}");
        }
    };
    say(format!(
        "mutate: {} mutants of {} model files; baseline run of {} test files",
        chosen.len(),
        models.files.len(),
        test_files.len()
    ));
    let base_start = Instant::now();
    let tests = runner::baseline(&o.test_dir, &test_files, &models.files, jobs)
        .map_err(InputError::plain)?;
    let base_seconds = base_start.elapsed().as_secs_f64();
    say(format!(
        "mutate: baseline: {} tests meet their expectations ({base_seconds:.1} s)",
        tests.len()
    ));
    let pending: Vec<usize> = chosen
        .iter()
        .copied()
        .filter(|&i| equivalent[i].is_none())
        .collect();
    let budget = Budget {
        max_seconds: o.max_seconds,
        ..Budget::default()
    };
    let count = std::sync::atomic::AtomicUsize::new(0);
    let done = |i: usize, st: &Status| {
        let k = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        say(format!(
            "[{k}/{}] {} {}: {}",
            pending.len(),
            location(&models, &mutants[i]),
            mutants[i].op.name(),
            st.word()
        ));
    };
    let mut results = runner::run_all(
        &mutants,
        &pending,
        &models.files,
        &tests,
        jobs,
        &budget,
        o.all_tests,
        &done,
    )
    .map_err(InputError::plain)?;
    let rows: Vec<report::Row> = chosen
        .iter()
        .map(|&i| {
            let status = match &equivalent[i] {
                Some(r) => Status::Equivalent { reason: r.clone() },
                None => results.remove(&i).unwrap_or(Status::NotRun),
            };
            report::Row {
                location: location(&models, &mutants[i]),
                mutant: mutants[i].clone(),
                status,
            }
        })
        .collect();
    let interrupted = rows.iter().any(|r| r.status == Status::NotRun);
    let code = if interrupted {
        crate::cli::EXIT_INCOMPLETE
    } else {
        crate::cli::EXIT_OK
    };
    let run = report::Run {
        models: o.models.iter().map(|p| p.display().to_string()).collect(),
        test_dir: o.test_dir.display().to_string(),
        tests: tests.len(),
        baseline_seconds: base_seconds,
        seconds: start.elapsed().as_secs_f64(),
        exit_code: code,
    };
    let text = if o.json {
        report::json(&rows, &run)
    } else {
        report::text(&rows, &run)
    };
    Ok((text, code))
}
