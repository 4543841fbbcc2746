//! Runs the test directory on the unmutated models (the baseline), then on each mutant, in
//! parallel: each worker keeps its own copy of the model files in a temporary `models/`
//! directory, writes one mutant into it, and runs the tests that can reach the mutated
//! function (fastest first) in-process with `--models` pointing there, until one changes
//! its outcome.

use super::coverage::{Cover, min_steps};
use super::operators::{Mutant, apply};
use crate::cli::{Outcome, goal, judge};
use crate::explore::{self, Limits, bfs};
use crate::ir::{Expect, Program};
use crate::lang::ast::Module;
use crate::lang::{self, LoadOptions};
use crate::machine::Machine;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A model file being mutated.
pub struct ModelFile {
    /// As found from the command line.
    pub path: PathBuf,
    /// Where it sits under a `models/` directory (`linux-5.10/memory.mmk`): the runner
    /// writes it there in its own copy, which `--models` makes the first place looked in.
    pub rel: PathBuf,
    pub text: String,
}

/// One test of the directory, with what the baseline run learnt about it.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub file: PathBuf,
    pub name: String,
    /// `file :: name` relative to the test directory (the name only when the file holds
    /// several tests).
    pub label: String,
    pub states: u64,
    pub seconds: f64,
    /// The model functions (model file, name) its baseline search ran (`coverage`): a
    /// mutant elsewhere cannot change its outcome.
    pub reach: HashSet<(usize, String)>,
    /// The model files it loads.
    pub loads: HashSet<usize>,
}

/// Per-test limits for a mutant, from the test's baseline.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub states_factor: u64,
    pub min_states: u64,
    pub seconds_factor: f64,
    pub min_seconds: f64,
    /// `--max-seconds`: a fixed time cap per test instead of the derived one.
    pub max_seconds: Option<f64>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            states_factor: 20,
            min_states: 20_000,
            seconds_factor: 20.0,
            min_seconds: 5.0,
            max_seconds: None,
        }
    }
}

impl Budget {
    fn limits(&self, t: &TestCase) -> Limits {
        let (resident, virtual_size) = explore::memory::default_limits();
        Limits {
            max_states: Some((t.states.saturating_mul(self.states_factor)).max(self.min_states)),
            max_seconds: Some(
                self.max_seconds
                    .unwrap_or((t.seconds * self.seconds_factor).max(self.min_seconds)),
            ),
            max_memory_bytes: resident,
            max_virtual_bytes: virtual_size,
            ..Limits::default()
        }
    }
}

/// What became of a mutant.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// A test's outcome changed: its label and what it found.
    Killed {
        test: String,
        found: String,
    },
    /// Every test that can reach it kept its outcome (`tests` of them; 0: none reaches it).
    Survived {
        tests: usize,
    },
    Equivalent {
        reason: String,
    },
    /// No test changed, and some were stopped by their budget (their labels).
    Timeout {
        tests: Vec<String>,
    },
    /// The mutated model does not load: the located error.
    Invalid {
        error: String,
    },
    /// mmcheck itself panicked on this mutant (a bug in mmcheck, not a kill): counted with
    /// the survivors, so that a crash never raises the score.
    Crashed,
    /// Interrupted before it ran.
    NotRun,
}

impl Status {
    pub fn word(&self) -> &'static str {
        match self {
            Status::Killed { .. } => "killed",
            Status::Survived { .. } => "survived",
            Status::Equivalent { .. } => "equivalent",
            Status::Timeout { .. } => "timeout",
            Status::Invalid { .. } => "invalid",
            Status::Crashed => "crashed",
            Status::NotRun => "not run",
        }
    }
}

/// A temporary `models/` directory holding a copy of every model file at its `rel` path.
pub struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    pub fn new(files: &[ModelFile]) -> Result<Tree, String> {
        let dir = tempfile::Builder::new()
            .prefix("mmcheck-mutate-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        let t = Tree { dir };
        for f in files {
            t.write(f, &f.text)?;
        }
        Ok(t)
    }
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    fn write(&self, f: &ModelFile, text: &str) -> Result<(), String> {
        let p = self.dir.path().join(&f.rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("cannot write {}: {e}", d.display()))?;
        }
        std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
    }
    /// `text` with this copy's paths of the model files given back as the files' own.
    fn unmap(&self, files: &[ModelFile], text: &str) -> String {
        let mut t = text.to_string();
        for f in files {
            let p = self.dir.path().join(&f.rel).display().to_string();
            t = t.replace(&p, &f.path.display().to_string());
        }
        t
    }
    /// The model file a loaded source path is, if it is one of this copy's.
    fn file_of(&self, files: &[ModelFile], p: &Path) -> Option<usize> {
        let rel = p.strip_prefix(self.dir.path()).ok()?;
        files.iter().position(|f| f.rel == rel)
    }
}

/// The search `mmcheck test` runs for a test: one thread, partial-order reduction unless the
/// test expects a violation, stopping where its expectations are decided.
fn search(m: &Machine, lim: Limits) -> explore::Report<crate::machine::Action> {
    explore::parallel::check(m, lim, goal(m, false), test_options(m), None)
}

/// `mmcheck test`'s search options for a test: one thread, reduced unless it expects a
/// violation.
fn test_options(m: &Machine) -> explore::parallel::Options {
    explore::parallel::Options {
        threads: 1,
        reduce: crate::cli::auto_reduces(m),
        assume_independent: 0,
    }
}

/// What a changed outcome found, in a few words.
fn found_text(m: &Machine, r: &explore::Report<crate::machine::Action>, o: Outcome) -> String {
    if let Some(e) = r.get("model_error") {
        return format!("model error: {}", e.violation.message);
    }
    if !r.found.is_empty() {
        return r.kinds().join(", ");
    }
    let missing: Vec<String> = m
        .prog
        .scenario
        .expect
        .iter()
        .filter_map(|e| match e {
            Expect::Violation(n) => Some(format!("violation({n}) no longer found")),
            _ => None,
        })
        .collect();
    match (missing.is_empty(), o) {
        (false, _) => missing.join(", "),
        _ => "no end state".into(),
    }
}

/// The model functions (model file, name) a test ran in its baseline search
/// (`coverage`): its search runs on a machine that notes the call stacks it visits.
fn covered_search(
    m: &Machine,
    lim: Limits,
    sources: &crate::lang::SourceMap,
    tree: &Tree,
    files: &[ModelFile],
) -> (
    explore::Report<crate::machine::Action>,
    HashSet<(usize, String)>,
) {
    let cover = Cover::new(m);
    let r = explore::parallel::check(&cover, lim, goal(m, false), test_options(m), None);
    // the functions' bodies as loaded (overrides included), for `min_steps`
    let modules: Vec<Module> = sources
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            lang::lexer::lex(i as u16, &f.text)
                .and_then(lang::parser::parse_module)
                .ok()
        })
        .collect();
    let refs: Vec<&Module> = modules.iter().collect();
    let steps = min_steps(&refs);
    let ran = cover.ran(&steps);
    let prog: &Program = &m.prog;
    let mut out = HashSet::new();
    for (i, func) in prog.funcs.iter().enumerate() {
        if !ran[i] {
            continue;
        }
        if let Some(src) = prog.sources.files.get(func.span.file as usize)
            && let Some(k) = tree.file_of(files, &src.path)
        {
            out.insert((k, func.name.clone()));
        }
    }
    (r, out)
}

/// Loads a test file with `--models` at `tree`; a load error comes back rendered.
fn load(file: &Path, tree: &Tree) -> Result<lang::Loaded, String> {
    let opts = LoadOptions {
        models_dir: Some(tree.root().to_path_buf()),
    };
    lang::load_file(file, &opts).map_err(|e| {
        let (map, d) = *e;
        d.render(&map)
    })
}

fn label(dir: &Path, file: &Path, name: &str, many: bool) -> String {
    let rel = file.strip_prefix(dir).unwrap_or(file).display().to_string();
    if many {
        format!("{rel} :: {name}")
    } else {
        rel
    }
}

/// Runs every test on the unmutated models. Each must meet its expectations; otherwise the
/// reason comes back (bad input, exit 2).
pub fn baseline(
    dir: &Path,
    test_files: &[PathBuf],
    files: &[ModelFile],
    jobs: usize,
) -> Result<Vec<TestCase>, String> {
    let tree = Tree::new(files)?;
    let workers = vec![&tree; jobs.clamp(1, test_files.len().max(1))];
    let results = work_queue(
        &workers,
        test_files.len(),
        |tree, i| baseline_file(dir, &test_files[i], tree, files),
        |_, _| {},
    );
    let mut out = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Some(Ok(t)) => out.extend(t),
            Some(Err(e)) => return Err(e),
            None => {
                return Err(format!(
                    "interrupted: the baseline run did not finish ({} not run)",
                    test_files[i].display()
                ));
            }
        }
    }
    Ok(out)
}

fn baseline_file(
    dir: &Path,
    f: &Path,
    tree: &Tree,
    files: &[ModelFile],
) -> Result<Vec<TestCase>, String> {
    let loaded = load(f, tree).map_err(|e| format!("the unmutated models do not load:\n{e}"))?;
    let loads: HashSet<usize> = loaded
        .sources
        .files
        .iter()
        .filter_map(|s| tree.file_of(files, &s.path))
        .collect();
    let many = loaded.tests.len() > 1;
    let (resident, virtual_size) = explore::memory::default_limits();
    let lim = Limits {
        max_memory_bytes: resident,
        max_virtual_bytes: virtual_size,
        ..Limits::default()
    };
    let mut out = Vec::new();
    for p in loaded.tests {
        let name = p.scenario.name.clone();
        let label = label(dir, f, &name, many);
        let m = Machine::new(p).map_err(|d| {
            format!(
                "baseline: {label} cannot start:\n{}",
                d.render(&loaded.sources)
            )
        })?;
        let (r, ran) = covered_search(&m, lim, &loaded.sources, tree, files);
        let o = judge(&m.prog.scenario.expect, &r);
        if o != Outcome::Met {
            let what = match o {
                Outcome::Missed => "FAILS",
                Outcome::Undecided => "is INCOMPLETE",
                _ => "is an ERROR",
            };
            return Err(format!(
                "baseline: {label} {what} on the unmutated models ({}): every test must meet its expectations before mutants can be judged",
                found_text(&m, &r, o)
            ));
        }
        out.push(TestCase {
            file: f.to_path_buf(),
            name,
            label,
            states: r.stats.states,
            seconds: r.stats.seconds,
            reach: ran,
            loads: loads.clone(),
        });
    }
    Ok(out)
}

/// Runs one mutant in `tree` (a worker's copy of the model files): the tests that reach its
/// function, in `order` (fastest first), until one changes its outcome.
pub fn run_mutant(
    m: &Mutant,
    files: &[ModelFile],
    tests: &[TestCase],
    order: &[usize],
    tree: &Tree,
    budget: &Budget,
    all_tests: bool,
) -> Status {
    let f = &files[m.file];
    if let Err(e) = tree.write(f, &apply(&f.text, &m.edits)) {
        return Status::Invalid { error: e };
    }
    let st = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_written(m, tests, order, tree, budget, all_tests)
    }))
    .unwrap_or(Status::Crashed);
    let st = match st {
        Status::Invalid { error } => Status::Invalid {
            error: tree.unmap(files, &error),
        },
        Status::Killed { test, found } => Status::Killed {
            test,
            found: tree.unmap(files, &found),
        },
        other => other,
    };
    if let Err(e) = tree.write(f, &f.text) {
        // the copy is this worker's own; without it the next mutants would be wrong
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "error: {e}");
        std::process::exit(crate::cli::EXIT_BAD_INPUT);
    }
    st
}

fn run_written(
    m: &Mutant,
    tests: &[TestCase],
    order: &[usize],
    tree: &Tree,
    budget: &Budget,
    all_tests: bool,
) -> Status {
    let key = (m.file, m.func.clone());
    let relevant: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| all_tests || tests[i].reach.contains(&key))
        .collect();
    // A mutant no test reaches still has to load: check it with a test that loads its file.
    let check_only = relevant.is_empty();
    let to_load: Vec<usize> = if check_only {
        order
            .iter()
            .copied()
            .find(|&i| tests[i].loads.contains(&m.file))
            .into_iter()
            .collect()
    } else {
        relevant.clone()
    };
    let mut cache: HashMap<PathBuf, lang::Loaded> = HashMap::new();
    let mut timeouts = Vec::new();
    for &i in &to_load {
        if bfs::STOP.load(Ordering::SeqCst) {
            return Status::NotRun;
        }
        let t = &tests[i];
        if !cache.contains_key(&t.file) {
            match load(&t.file, tree) {
                Ok(l) => {
                    cache.insert(t.file.clone(), l);
                }
                Err(e) => return Status::Invalid { error: e },
            }
        }
        if check_only {
            break;
        }
        let loaded = &cache[&t.file];
        let Some(p) = loaded.tests.iter().find(|p| p.scenario.name == t.name) else {
            return Status::Killed {
                test: t.label.clone(),
                found: "the test is gone".into(),
            };
        };
        let machine = match Machine::new(p.clone()) {
            Ok(x) => x,
            Err(d) => {
                return Status::Killed {
                    test: t.label.clone(),
                    found: format!("cannot start: {}", d.message),
                };
            }
        };
        let r = search(&machine, budget.limits(t));
        if bfs::STOP.load(Ordering::SeqCst) {
            return Status::NotRun;
        }
        match judge(&machine.prog.scenario.expect, &r) {
            Outcome::Met => {}
            Outcome::Undecided => timeouts.push(t.label.clone()),
            o => {
                return Status::Killed {
                    test: t.label.clone(),
                    found: found_text(&machine, &r, o),
                };
            }
        }
    }
    if timeouts.is_empty() {
        Status::Survived {
            tests: relevant.len(),
        }
    } else {
        Status::Timeout { tests: timeouts }
    }
}

/// Runs the mutants on `jobs` workers; `done` is called as each one ends (for progress).
#[allow(clippy::too_many_arguments)]
pub fn run_all(
    mutants: &[Mutant],
    pending: &[usize],
    files: &[ModelFile],
    tests: &[TestCase],
    jobs: usize,
    budget: &Budget,
    all_tests: bool,
    done: &(dyn Fn(usize, &Status) + Sync),
) -> Result<HashMap<usize, Status>, String> {
    // fastest tests first (by the baseline's states, then name: the same order every run)
    let mut order: Vec<usize> = (0..tests.len()).collect();
    order.sort_by(|&a, &b| {
        (tests[a].states, &tests[a].label).cmp(&(tests[b].states, &tests[b].label))
    });
    let workers = jobs.clamp(1, pending.len().max(1));
    let trees: Vec<Tree> = (0..workers)
        .map(|_| Tree::new(files))
        .collect::<Result<_, _>>()?;
    let results = work_queue(
        &trees,
        pending.len(),
        |tree, k| {
            let i = pending[k];
            run_mutant(&mutants[i], files, tests, &order, tree, budget, all_tests)
        },
        |k, st| done(pending[k], st),
    );
    Ok(results
        .into_iter()
        .enumerate()
        .filter_map(|(k, st)| st.map(|st| (pending[k], st)))
        .collect())
}

/// Runs `job(worker, i)` for every `i` in `0..n`, one thread per worker, each taking the next
/// `i` until none is left or a stop is asked (`bfs::STOP`, Ctrl-C); `done(i, result)` sees
/// each result as it comes. The results by `i` (None: not run).
fn work_queue<W: Sync, T: Send>(
    workers: &[W],
    n: usize,
    job: impl Fn(&W, usize) -> T + Sync,
    mut done: impl FnMut(usize, &T),
) -> Vec<Option<T>> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|sc| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, T)>();
        for w in workers {
            let tx = tx.clone();
            let (next, job) = (&next, &job);
            sc.spawn(move || {
                while !bfs::STOP.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n || tx.send((i, job(w, i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            done(i, &r);
            results[i] = Some(r);
        }
    });
    results
}
