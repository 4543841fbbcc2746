//! The command line: `check`, `test`, `replay`, `mutate`, `prims`.

use crate::explore::{self, Limits, Stats, StopOn, Verdict, bfs};
use crate::ir::{Expect, Prim};
use crate::lang::{self, LoadOptions};
use crate::machine::{Machine, trace};
use crate::report::{diagram, token};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;

// Every `print!`/`println!` below goes through `write_stdout` (these definitions shadow std's
// for the rest of this file): std's macros panic when stdout cannot be written
// (`> /dev/full`); this ends the run quietly instead. Messages on stderr never fail a run.
macro_rules! print {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*)) };
}
macro_rules! println {
    () => { write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! eprint {
    ($($arg:tt)*) => { write_stderr(format_args!($($arg)*)) };
}
macro_rules! eprintln {
    ($($arg:tt)*) => { write_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Writes to stdout; if it fails, ends the process: silently for a closed pipe, else with
/// one line on stderr, and exit code 2 (the output the verdict needed was not delivered).
fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    let res = std::io::stdout().lock().write_fmt(args);
    if let Err(e) = res {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            write_stderr(format_args!("error: cannot write the output: {e}\n"));
        }
        std::process::exit(EXIT_BAD_INPUT);
    }
}

fn write_stderr(args: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_VIOLATION: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;
pub const EXIT_INCOMPLETE: i32 = 3;

#[derive(Parser)]
#[command(
    name = "mmcheck",
    version,
    about = "Model-check Linux page-table concurrency: every interleaving of kernel paths on x86 TLBs",
    long_about = "mmcheck runs kernel memory-management paths, written in a small C-like modelling \
language (.mmk files), on a model of x86 hardware (per-CPU TLBs, page walks, A/D bits, \
synchronous shootdowns), and explores every interleaving of the CPUs of a test scenario.\n\n\
It either proves that no interleaving breaks an invariant (lost_write, stale_tlb, \
use_after_free, deadlock, lock_hygiene, refcount, ...) or prints the shortest one that does, \
as a CPU0/CPU1 race diagram.\n\n\
Start with:\n  mmcheck check tests/mmk/uffd-wp/scenario-a-v5.10.mmk\n  mmcheck test tests/mmk\n\n\
Exit codes (check, per file; test, over all files): 0 every expectation of every test met \
(a test without expectations: proved safe); 1 an expectation missed (without expectations: \
a violation found); 2 bad input or usage (a located error); 3 a limit or a signal stopped a \
search before an expectation could be decided. With several tests, 2 wins over 1, 1 over 3.",
    after_help = "See README.md for the modelling language, and `mmcheck prims` for the built-in primitives."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone)]
struct SearchOpts {
    /// Stop after this many distinct states, counted over the whole run (every test of the
    /// file, and the searches that shorten counterexamples); `test`: per file.
    #[arg(long, value_name = "N")]
    max_states: Option<u64>,
    /// Stop after this many seconds of the whole run.
    #[arg(long, value_name = "SECONDS")]
    max_seconds: Option<f64>,
    /// Stop when the process's resident memory nears this many MiB (measured; without it,
    /// 90% of the memory available and of `ulimit -v`).
    #[arg(long, value_name = "MIB")]
    max_memory: Option<u64>,
    /// Where to look for model trees (`<DIR>/<name>` for `kernel "<name>"`).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// No progress line.
    #[arg(long, short)]
    quiet: bool,
    /// How to search: bfs (exhaustive; the default), random (uniform random walks), pct
    /// (random priorities with change points) or bounded (every schedule with at most
    /// --preemptions preemptions, bound by bound). Only bfs can prove a test safe.
    #[arg(long, value_enum, default_value_t = Mode::Bfs)]
    mode: Mode,
    /// random/pct: number of runs.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    runs: u64,
    /// random/pct: the seed; the same seed gives the same runs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// random/pct: steps per run at most.
    #[arg(long, default_value_t = 2000, value_name = "N")]
    max_steps: u64,
    /// pct: the bug depth d (d-1 priority change points).
    #[arg(long, default_value_t = 3, value_name = "D")]
    pct_depth: u32,
    /// bounded: the largest preemption bound to try.
    #[arg(long, default_value_t = 4, value_name = "K")]
    preemptions: u32,
    /// test: how many test files run at once (default: every core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// bfs: worker threads for one search (default: every core for `check`, 1 for `test`,
    /// which runs files in parallel instead). Results do not depend on it.
    #[arg(long, short = 't', value_name = "N")]
    threads: Option<usize>,
    /// bfs: partial-order reduction. por: expand a state with one step when that step
    /// commutes with everything the other CPUs may still do; none: every interleaving;
    /// auto: por, except for tests that expect a violation (hunting a bug, the unreduced
    /// search gives the shortest counterexample at once). Verdicts do not depend on it.
    #[arg(long, value_enum, default_value_t = Reduce::Auto)]
    reduce: Reduce,
    /// bfs: use the plain single-threaded reference search (state objects in the frontier,
    /// no reduction), which the other searches are tested against.
    #[arg(long)]
    reference: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum Reduce {
    Auto,
    Por,
    None,
}

/// Is partial-order reduction on for this test?
fn reduces(o: &SearchOpts, m: &Machine) -> bool {
    match o.reduce {
        Reduce::Por => true,
        Reduce::None => false,
        Reduce::Auto => auto_reduces(m),
    }
}

/// `--reduce auto`: reduce, except for a test that expects a violation (hunting a bug, the
/// unreduced search gives the shortest counterexample at once).
pub(crate) fn auto_reduces(m: &Machine) -> bool {
    !m.prog
        .scenario
        .expect
        .iter()
        .any(|e| matches!(e, Expect::Violation(_)))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum Mode {
    Bfs,
    Random,
    Pct,
    Bounded,
}

#[derive(Subcommand)]
enum Cmd {
    /// Check every test in a file: print SAFE with the states explored, or the shortest
    /// counterexample as a race diagram (exit 0 safe, 1 violation, 2 bad input, 3 incomplete).
    Check {
        file: PathBuf,
        /// Only the test with this name.
        #[arg(long)]
        test: Option<String>,
        /// Print the result as JSON (the trace, the verdict, the statistics).
        #[arg(long)]
        json: bool,
        /// Explore everything and report every invariant that can be broken, each with its
        /// shortest counterexample (by default the search stops at the first one).
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        search: SearchOpts,
    },
    /// Run every test under a directory (recursively) and print expected against found
    /// (exit 0 only if every expectation holds).
    Test {
        dir: PathBuf,
        #[command(flatten)]
        search: SearchOpts,
    },
    /// Replay a counterexample from its token and print its race diagram.
    Replay {
        file: PathBuf,
        token: String,
        #[arg(long)]
        test: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "DIR")]
        models: Option<PathBuf>,
    },
    /// Mutation testing: run the tests on mutants of the model files (a flush deleted or
    /// moved, a get/put deleted, a recheck disabled, ...) and report which mutants no test
    /// notices (exit 0 done, 2 bad input, 3 interrupted).
    Mutate {
        /// Model trees (e.g. models/linux-5.10) or model files to mutate.
        #[arg(required = true, num_args = 1.., value_name = "MODELS_OR_FILES")]
        models: Vec<PathBuf>,
        /// The test directory run on each mutant.
        #[arg(required = true, value_name = "TEST_DIR")]
        test_dir: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Mutants run at once (default: every core).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Time cap for each test run of a mutant (default: 20x the test's baseline time,
        /// at least 5 s; states are capped at 20x the baseline's, at least 20000).
        #[arg(long, value_name = "SECONDS")]
        max_seconds: Option<f64>,
        /// Only the mutants of this model function.
        #[arg(long, value_name = "FUNC")]
        only: Option<String>,
        /// Run every test on every mutant (by default a mutant runs only the tests whose
        /// baseline search ran its function).
        #[arg(long)]
        all_tests: bool,
        /// List the mutants without running anything.
        #[arg(long)]
        list: bool,
        /// No progress lines on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// The model inventory (docs/models.md): every model function of the trees given, with
    /// the kernel function and version it follows, what its comment says it leaves out, and
    /// the tests of the directory whose search runs it (exit 0, 2 bad input).
    Models {
        /// Model trees (e.g. models/linux-5.10) or model files.
        #[arg(required = true, num_args = 1.., value_name = "MODELS_OR_FILES")]
        models: Vec<PathBuf>,
        /// The test directory whose coverage is listed.
        #[arg(required = true, value_name = "TEST_DIR")]
        test_dir: PathBuf,
        /// Tests run at once (default: every core).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// No progress lines on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// List the built-in primitives with their atomicity.
    Prims,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                // --help, --version
                let _ = e.print();
                return EXIT_OK;
            }
            if let Some(command) = json_command() {
                // the message without the usage lines, on one line
                let text = e.render().to_string();
                let head = text.split("\n\nUsage:").next().unwrap_or("");
                let msg = head.split_whitespace().collect::<Vec<_>>().join(" ");
                let msg = msg.trim_start_matches("error: ");
                return input_error(InputError::plain(msg), Some(command));
            }
            let _ = e.print();
            return EXIT_BAD_INPUT;
        }
    };
    let _ = ctrlc::set_handler(|| bfs::STOP.store(true, std::sync::atomic::Ordering::SeqCst));
    match cli.cmd {
        Cmd::Check {
            file,
            test,
            json,
            all,
            search,
        } => {
            let mut search = search;
            search.threads = search.threads.or_else(|| Some(cores()));
            check(&file, test.as_deref(), json, all, &search)
        }
        Cmd::Test { dir, search } => test_dir(&dir, &search),
        Cmd::Replay {
            file,
            token,
            test,
            json,
            models,
        } => replay(&file, &token, test.as_deref(), json, models),
        Cmd::Models {
            models,
            test_dir,
            jobs,
            quiet,
        } => crate::mutate::inventory::run(&crate::mutate::inventory::Options {
            models,
            test_dir,
            jobs,
            quiet,
        }),
        Cmd::Mutate {
            models,
            test_dir,
            json,
            jobs,
            max_seconds,
            only,
            all_tests,
            list,
            quiet,
        } => crate::mutate::run(&crate::mutate::Options {
            models,
            test_dir,
            json,
            jobs,
            max_seconds,
            only,
            all_tests,
            list,
            quiet,
        }),
        Cmd::Prims => {
            for p in Prim::all() {
                let blocks = match p.blocks() {
                    "" => String::new(),
                    b => format!("; blocks {b}"),
                };
                println!(
                    "{:<26} {:<8} {}{blocks}",
                    format!("{}/{}", p.name(), p.arity()),
                    format!("{:?}", p.class()).to_lowercase(),
                    p.doc()
                );
            }
            EXIT_OK
        }
    }
}

/// The command of a command line that asks for JSON (`check --json`, `replay --json`),
/// for usage errors the argument parser finds before it knows the options.
fn json_command() -> Option<&'static str> {
    let args: Vec<String> = std::env::args().skip(1).take_while(|a| a != "--").collect();
    if !args.iter().any(|a| a == "--json") {
        return None;
    }
    match args.iter().find(|a| !a.starts_with('-'))?.as_str() {
        "check" => Some("check"),
        "replay" => Some("replay"),
        "mutate" => Some("mutate"),
        _ => None,
    }
}

fn limits(o: &SearchOpts) -> Result<Limits, String> {
    if o.jobs == Some(0) || o.jobs.is_some_and(|j| j > 256) {
        return Err("--jobs must be between 1 and 256".into());
    }
    if o.threads == Some(0) || o.threads.is_some_and(|j| j > 256) {
        return Err("--threads must be between 1 and 256".into());
    }
    if o.max_states == Some(0) {
        return Err("--max-states must be at least 1".into());
    }
    if let Some(s) = o.max_seconds
        && !(s.is_finite() && s > 0.0 && s < 1e7)
    {
        return Err(format!(
            "--max-seconds must be a positive number of seconds, not {s}"
        ));
    }
    if let Some(m) = o.max_memory
        && (m == 0 || m > 1 << 24)
    {
        return Err(format!(
            "--max-memory must be between 1 and {} MiB, not {m}",
            1u64 << 24
        ));
    }
    // Without --max-memory, a run still stops with its summary before the machine (or
    // `ulimit -v`) runs out: see explore::memory::default_limits.
    let (resident, virtual_size) = explore::memory::default_limits();
    Ok(Limits {
        max_states: o.max_states,
        max_seconds: o.max_seconds,
        max_memory_bytes: o.max_memory.map(|m| m << 20).or(resident),
        max_virtual_bytes: virtual_size,
        ..Limits::default()
    })
}

/// Loads a file and builds a machine per test; errors are printed, located (as JSON when
/// `json` names the command).
fn load_as(
    file: &Path,
    models: Option<PathBuf>,
    only: Option<&str>,
    json: Option<&str>,
) -> Result<Vec<Machine>, i32> {
    load_machines(file, models, only).map_err(|e| input_error(*e, json))
}

/// Loads a file and builds a machine per test; an error comes back located (`InputError`).
fn load_machines(
    file: &Path,
    models: Option<PathBuf>,
    only: Option<&str>,
) -> Result<Vec<Machine>, Box<InputError>> {
    let opts = LoadOptions { models_dir: models };
    let loaded = match lang::load_file(file, &opts) {
        Ok(l) => l,
        Err(e) => {
            let (map, d) = *e;
            return Err(Box::new(InputError::from_diag(&d, &map)));
        }
    };
    let mut out = Vec::new();
    for p in loaded.tests {
        if only.is_some_and(|n| n != p.scenario.name) {
            continue;
        }
        match Machine::new(p) {
            Ok(m) => out.push(m),
            Err(d) => return Err(Box::new(InputError::from_diag(&d, &loaded.sources))),
        }
    }
    if out.is_empty() {
        let msg = match only {
            Some(n) => format!("no test named {n:?}"),
            None => "no test in this file".to_string(),
        };
        return Err(Box::new(
            InputError::plain(format!("{}: {msg}", file.display())).in_file(file),
        ));
    }
    Ok(out)
}

/// The version of the JSON output (docs/json.md). A change that removes or renames a
/// field, or changes its meaning, gets a new version; new fields may appear in any version.
pub const JSON_SCHEMA: &str = "mmcheck/1";

/// Bad input (exit code 2), with its place when it has one.
pub struct InputError {
    pub message: String,
    pub help: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The human-readable report (with a source snippet when located).
    pub text: String,
}

impl InputError {
    pub(crate) fn plain(message: impl Into<String>) -> InputError {
        let message = message.into();
        InputError {
            text: format!("error: {message}\n"),
            message,
            help: None,
            file: None,
            line: None,
            column: None,
        }
    }

    fn in_file(mut self, file: &Path) -> InputError {
        self.file = Some(file.display().to_string());
        self
    }

    pub(crate) fn from_diag(d: &lang::Diag, map: &lang::SourceMap) -> InputError {
        let (file, line, column) = match d.span {
            Some(sp) if (sp.file as usize) < map.files.len() => {
                let (l, c) = map.line_col(sp);
                (Some(map.display_path(sp.file)), Some(l), Some(c))
            }
            _ => (None, None, None),
        };
        InputError {
            message: d.message.clone(),
            help: d.help.clone(),
            file,
            line,
            column,
            text: d.render(map),
        }
    }

    /// From a run-time message `path:line:col (in f()): what`, or `path:line:col: what`.
    fn from_located(message: &str) -> InputError {
        let (loc, func, msg) = match message
            .split_once(" (in ")
            .and_then(|(loc, rest)| rest.split_once("): ").map(|(f, m)| (loc, Some(f), m)))
        {
            Some(x) => x,
            None => match message.split_once(": ") {
                Some((loc, m)) => (loc, None, m),
                None => ("", None, message),
            },
        };
        let mut parts = loc.rsplitn(3, ':');
        let (c, l, f) = (parts.next(), parts.next(), parts.next());
        let (line, column) = match (
            l.and_then(|l| l.parse().ok()),
            c.and_then(|c| c.parse().ok()),
        ) {
            (Some(l), Some(c)) if f.is_some() => (Some(l), Some(c)),
            _ => return InputError::plain(message),
        };
        let message = match func {
            Some(func) => format!("{msg} (in {func})"),
            None => msg.to_string(),
        };
        InputError {
            text: format!("{loc}: error: {message}\n"),
            message,
            help: None,
            file: f.map(str::to_string),
            line,
            column,
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "message": self.message,
            "help": self.help,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        })
    }
}

/// Prints bad input (as JSON on stdout when `json` names the command, else on stderr)
/// and gives its exit code.
pub(crate) fn input_error(e: InputError, json: Option<&str>) -> i32 {
    match json {
        Some(command) => print_json(&serde_json::json!({
            "schema": JSON_SCHEMA,
            "command": command,
            "error": e.json(),
            "exit_code": EXIT_BAD_INPUT,
        })),
        None => eprint!("{}", e.text),
    }
    EXIT_BAD_INPUT
}

fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// What a test's expectations need from the search.
pub(crate) fn goal(m: &Machine, all: bool) -> StopOn {
    if all {
        return StopOn::Never;
    }
    match m.prog.scenario.expect.as_slice() {
        // the checked set names every invariant, the model's own included
        [Expect::Violation(n)] => m
            .checked_invariants()
            .iter()
            .find(|k| *k == n)
            .map(|k| StopOn::Invariant(k))
            .unwrap_or(StopOn::Never),
        [] | [Expect::Safe] => StopOn::Any,
        _ => StopOn::Never,
    }
}

/// Runs the search the options ask for; the second value says what a non-exhaustive
/// search covered.
fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

fn run_search(
    m: &Machine,
    lim: Limits,
    stop: StopOn,
    o: &SearchOpts,
    quiet: bool,
) -> (explore::Report<crate::machine::Action>, Option<String>) {
    use crate::explore::{bounded, random};
    match o.mode {
        Mode::Bfs => {}
        Mode::Random | Mode::Pct => {
            let strategy = if o.mode == Mode::Pct {
                random::Strategy::Pct(o.pct_depth)
            } else {
                random::Strategy::Uniform
            };
            let opts = random::RandomOpts {
                strategy,
                seed: o.seed,
                runs: o.runs,
                max_steps: o.max_steps,
            };
            let (r, cov) = random::run(m, opts, lim, stop);
            let what = match strategy {
                random::Strategy::Uniform => "random walks".to_string(),
                random::Strategy::Pct(d) => format!("PCT runs (depth {d})"),
            };
            let text = format!(
                "{} {what} of up to {} steps, seed {}: {} distinct states, longest run {} steps; not exhaustive",
                cov.runs, o.max_steps, o.seed, cov.distinct_states, cov.longest_run
            );
            return (r, Some(text));
        }
        Mode::Bounded => {
            let (r, k) = bounded::run(m, o.preemptions, lim, stop);
            let text = match k {
                Some(k) if r.complete => format!(
                    "bound {k} cut no schedule: every reachable state explored ({} states)",
                    r.stats.states
                ),
                Some(k) => format!(
                    "every schedule with at most {k} preemption(s) explored ({} states); not exhaustive beyond that bound",
                    r.stats.states
                ),
                None => "not even the schedules without preemption were all explored".to_string(),
            };
            return (r, Some(text));
        }
    }
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        b
    };
    let report = |s: &Stats, queue: usize| {
        bar.set_message(format!(
            "{} states, {:.0} states/s, depth {}, queue {}, ~{} MiB",
            s.states,
            s.states as f64 / s.seconds.max(1e-9),
            s.max_depth,
            queue,
            s.peak_memory_bytes >> 20
        ));
        bar.tick();
    };
    let progress = Some(bfs::Progress {
        every_seconds: 0.5,
        report: &report,
    });
    let threads = o.threads.unwrap_or(1);
    let r = if o.reference {
        bfs::check(m, lim, stop, progress)
    } else {
        let opts = explore::parallel::Options {
            threads,
            reduce: reduces(o, m),
            assume_independent: 0,
        };
        explore::parallel::check(m, lim, stop, opts, progress)
    };
    bar.finish_and_clear();
    (r, None)
}

/// The report of a search that could not start: the run's limits were used up.
fn not_run(reason: String) -> explore::Report<crate::machine::Action> {
    explore::Report {
        found: Vec::new(),
        complete: false,
        stopped: Some(format!("not run: {reason}")),
        stats: Stats::default(),
    }
}

/// How the exhaustive search ran: threads and reduction.
fn search_text(o: &SearchOpts, s: &Stats) -> String {
    let threads = match o.threads.unwrap_or(1) {
        _ if o.reference => "the plain reference search".to_string(),
        1 => "1 thread".to_string(),
        n => format!("{n} threads"),
    };
    match s.singletons {
        Some(n) => format!(
            "{threads}, partial-order reduction ({n} of {} states expanded with a single step)",
            s.states
        ),
        None => format!("{threads}, no reduction"),
    }
}

fn stats_line(s: &Stats) -> String {
    let peak = explore::memory::peak_resident()
        .map(|p| format!(", peak resident {} MiB", p >> 20))
        .unwrap_or_default();
    format!(
        "{} states, {} transitions, depth {}, {:.2} s; memory: {} bytes per visited state, ~{} bytes per frontier state{peak}",
        s.states,
        s.transitions,
        s.max_depth,
        s.seconds,
        s.bytes_per_state,
        s.bytes_per_frontier_state
    )
}

fn check(file: &Path, only: Option<&str>, json: bool, all: bool, o: &SearchOpts) -> i32 {
    let as_json = json.then_some("check");
    let lim = match limits(o) {
        Ok(l) => l,
        Err(e) => return input_error(InputError::plain(e), as_json),
    };
    let machines = match load_as(file, o.models.clone(), only, as_json) {
        Ok(m) => m,
        Err(c) => return c,
    };
    let mut outcome_all = Outcome::Met;
    let mut json_out = Vec::new();
    // Limits are global to the run: every search below gets what its predecessors left.
    let run_start = Instant::now();
    let mut spent_states = 0u64;
    let budget = |spent: u64| lim.after(spent, run_start.elapsed().as_secs_f64());
    for m in &machines {
        let sc = &m.prog.scenario;
        let name = &sc.name;
        let (mut r, coverage) = match budget(spent_states).exhausted() {
            // nothing left for this test: it is not run, and says why
            Some(reason) => (not_run(reason), None),
            None => run_search(m, budget(spent_states), goal(m, all), o, o.quiet || json),
        };
        spent_states += r.stats.states;
        if coverage.is_some() {
            // counterexamples of non-exhaustive searches are shortened before they are shown
            for f in r.found.iter_mut() {
                f.path = explore::minimise(m, f, 1_000_000, budget(spent_states));
            }
            r.found.sort_by_key(|f| f.path.len());
        }
        let mut shortened = false;
        if coverage.is_none() && r.stats.singletons.is_some() {
            // A reduced search's counterexample is shortest only in the reduced state space:
            // the unreduced search, stopped at that invariant, gives the shortest of all.
            let kind = sc
                .expect
                .iter()
                .find_map(|e| match e {
                    Expect::Violation(n) if r.get(n).is_some() => {
                        Some(r.get(n)?.violation.invariant)
                    }
                    _ => None,
                })
                .or(r.found.first().map(|f| f.violation.invariant));
            if let Some(kind) = kind {
                let mut plain = o.clone();
                plain.reduce = Reduce::None;
                let (p, _) = run_search(
                    m,
                    budget(spent_states),
                    StopOn::Invariant(kind),
                    &plain,
                    o.quiet || json,
                );
                spent_states += p.stats.states;
                if let Some(f) = p.get(kind) {
                    let f = f.clone();
                    if let Some(g) = r.found.iter_mut().find(|g| g.violation.invariant == kind) {
                        *g = f;
                        shortened = true;
                    }
                    r.found.sort_by_key(|f| f.path.len());
                }
            }
        }
        // The counterexample shown: the expected invariant's, else the shortest.
        let shown = sc
            .expect
            .iter()
            .find_map(|e| match e {
                Expect::Violation(n) => r.get(n),
                _ => None,
            })
            .or(r.found.first());
        let outcome = judge(&sc.expect, &r);
        outcome_all = outcome_all.max(outcome);
        let mut tr = shown.and_then(|f| trace::build(m, &f.path).ok());
        // A violation decided by the search rather than at the path's last state (a
        // livelock): the trace's conclusion is the search's.
        if let (Some(tr), Some(f)) = (tr.as_mut(), shown)
            && tr.violation.is_none()
        {
            let v = trace::TraceViolation {
                step: None,
                invariant: f.violation.invariant.to_string(),
                message: f.violation.message.clone(),
                stops: false,
            };
            tr.violations.push(v.clone());
            tr.violation = Some(v);
        }
        let tok = shown.map(|f| token::encode(&f.path));
        let met = (!sc.expect.is_empty()).then(|| outcome == Outcome::Met);
        if json {
            json_out.push(test_json(&TestJson {
                m,
                file,
                r: &r,
                o,
                coverage: coverage.as_deref(),
                shortened,
                shown,
                trace: tr.as_ref(),
                met,
                outcome,
                many: only.is_some() || machines.len() > 1,
            }));
            continue;
        }
        match r.verdict() {
            Verdict::Safe => match &coverage {
                Some(c) => println!("SAFE  {name}\n      {c}: no interleaving breaks an invariant"),
                None => println!(
                    "SAFE  {name}\n      exhaustive breadth-first search, {}: no interleaving breaks an invariant\n      {}",
                    search_text(o, &r.stats),
                    stats_line(&r.stats)
                ),
            },
            Verdict::Incomplete => match &coverage {
                _ if r.complete => println!(
                    "NO END STATE  {name}\n      every reachable state was explored, but no interleaving lets the programs finish (livelock is not among the invariants this test checks)\n      {}",
                    stats_line(&r.stats)
                ),
                Some(c) => println!("NO VIOLATION FOUND  {name}\n      {c}"),
                None => println!(
                    "INCOMPLETE  {name}\n      {}: no violation in any interleaving of up to {} steps{}\n      {}",
                    r.stopped.as_deref().unwrap_or("stopped"),
                    r.stats.complete_depth,
                    if r.stats.singletons.is_some() {
                        " of the reduced state space (--reduce none covers every interleaving)"
                    } else {
                        ""
                    },
                    stats_line(&r.stats)
                ),
            },
            Verdict::Violation(_) => {
                let f = shown.expect("a violation was found");
                if let Some(me) = r.get("model_error") {
                    // Located like any input error: `file:line:col: error: ...`
                    let m = &me.violation.message;
                    match m.split_once(" (in ").and_then(|(loc, rest)| {
                        rest.split_once("): ").map(|(func, msg)| (loc, func, msg))
                    }) {
                        Some((loc, func, msg)) => eprintln!(
                            "{loc}: error: {msg} (in {func}, after {} steps; the trace is on stdout)",
                            me.path.len()
                        ),
                        None => eprintln!("error: {m}"),
                    }
                }
                if outcome == Outcome::Undecided {
                    println!(
                        "INCOMPLETE  {name}: {}; found so far: {}\n",
                        r.stopped.as_deref().unwrap_or("stopped"),
                        verdict_text(&r)
                    );
                } else {
                    println!("VIOLATION  {name}: {}\n", f.violation.invariant);
                }
                match &tr {
                    Some(tr) => {
                        print!("{}", diagram::render(tr));
                        println!("\n{}", diagram::conclusion(tr));
                    }
                    None => println!("{}", f.violation.message),
                }
                match &coverage {
                    None if r.stats.singletons.is_some() && !shortened => println!(
                        "\ncounterexample for {}: {} steps (breadth-first, {}: shortest in the reduced state space; --reduce none gives the shortest of all; {})",
                        f.violation.invariant,
                        f.path.len(),
                        search_text(o, &r.stats),
                        stats_line(&r.stats)
                    ),
                    None if shortened => println!(
                        "\nshortest counterexample for {}: {} steps (found by breadth-first search, {}; {}; then shortened by the unreduced search)",
                        f.violation.invariant,
                        f.path.len(),
                        search_text(o, &r.stats),
                        stats_line(&r.stats)
                    ),
                    None => println!(
                        "\nshortest counterexample for {}: {} steps (breadth-first, {}; {})",
                        f.violation.invariant,
                        f.path.len(),
                        search_text(o, &r.stats),
                        stats_line(&r.stats)
                    ),
                    Some(c) => println!(
                        "\ncounterexample for {}: {} steps after minimisation (found by {c})",
                        f.violation.invariant,
                        f.path.len()
                    ),
                }
                if r.found.len() > 1 {
                    let others: Vec<String> = r
                        .found
                        .iter()
                        .map(|g| format!("{} ({} steps)", g.violation.invariant, g.path.len()))
                        .collect();
                    println!("invariants broken: {}", others.join(", "));
                }
                if let Some(t) = &tok {
                    println!(
                        "replay: {}",
                        replay_command(file, t, only.is_some() || machines.len() > 1, name, o)
                    );
                }
            }
        }
        if let Some(note) = m.invariants_note() {
            println!("      {note}");
        }
        if met.is_some() {
            println!("{}", expectation_line(&sc.expect, &r, outcome));
        }
        println!();
    }
    if json {
        print_check_json(file, json_out, outcome_all.exit_code());
    }
    outcome_all.exit_code()
}

/// The shell command that replays a counterexample, every word quoted for the shell.
fn replay_command(file: &Path, token: &str, many: bool, name: &str, o: &SearchOpts) -> String {
    use crate::report::shell::quote;
    let mut c = format!(
        "mmcheck replay {} {}",
        quote(&file.display().to_string()),
        quote(token)
    );
    if many {
        c.push_str(&format!(" --test {}", quote(name)));
    }
    if let Some(d) = &o.models {
        c.push_str(&format!(" --models {}", quote(&d.display().to_string())));
    }
    c
}

/// What the JSON object of one checked test is built from.
struct TestJson<'a> {
    m: &'a Machine,
    file: &'a Path,
    r: &'a explore::Report<crate::machine::Action>,
    o: &'a SearchOpts,
    coverage: Option<&'a str>,
    shortened: bool,
    shown: Option<&'a explore::Found<crate::machine::Action>>,
    trace: Option<&'a trace::Trace>,
    met: Option<bool>,
    outcome: Outcome,
    /// The file holds several tests (the replay command names this one).
    many: bool,
}

/// One test of `check --json` (docs/json.md, "check").
fn test_json(t: &TestJson) -> serde_json::Value {
    let (r, sc) = (t.r, &t.m.prog.scenario);
    let error = r
        .get("model_error")
        .map(|f| InputError::from_located(&f.violation.message).json());
    serde_json::json!({
        "test": sc.name,
        "file": t.file.display().to_string(),
        "verdict": verdict_text(r),
        "violations": r.found.iter().map(|f| serde_json::json!({
            "invariant": f.violation.invariant,
            "message": f.violation.message,
            "steps": f.path.len(),
            "replay": token::encode(&f.path),
        })).collect::<Vec<_>>(),
        "expected": expect_list(&sc.expect),
        "expectations": sc.expect.iter().map(expect_text).collect::<Vec<_>>(),
        "as_expected": t.met,
        "outcome": format!("{:?}", t.outcome).to_lowercase(),
        "invariants": t.m.checked_invariants(),
        "exhaustive": r.complete,
        "stopped": r.stopped,
        "complete_depth": r.stats.complete_depth,
        "reduction": if r.stats.singletons.is_some() { "por" } else { "none" },
        "singletons": r.stats.singletons,
        "shortened": t.shortened,
        "mode": format!("{:?}", t.o.mode).to_lowercase(),
        "coverage": t.coverage,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "depth": r.stats.max_depth,
        "seconds": r.stats.seconds,
        "peak_resident_bytes": explore::memory::peak_resident(),
        "shown": t.shown.map(|f| f.violation.invariant),
        "replay": t.shown.map(|f| token::encode(&f.path)),
        "replay_command": t.shown.map(|f| {
            replay_command(
                t.file,
                &token::encode(&f.path),
                t.many,
                &sc.name,
                t.o,
            )
        }),
        "trace": t.trace,
        "error": error,
    })
}

fn print_check_json(file: &Path, tests: Vec<serde_json::Value>, code: i32) {
    print_json(&serde_json::json!({
        "schema": JSON_SCHEMA,
        "command": "check",
        "file": file.display().to_string(),
        "tests": tests,
        "exit_code": code,
    }));
}

fn expect_text(e: &Expect) -> String {
    match e {
        Expect::Safe => "safe".into(),
        Expect::Violation(n) => format!("violation({n})"),
        Expect::NoViolation(n) => format!("no {n}"),
    }
}

fn expect_list(e: &[Expect]) -> String {
    if e.is_empty() {
        return "(none)".into();
    }
    e.iter().map(expect_text).collect::<Vec<_>>().join(", ")
}

/// How a test came out against its expectations, ordered by how much it dominates a file's
/// exit code: bad input, then a definite miss, then an undecided answer, then success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Outcome {
    /// Every expectation holds (no expectation: the search proved safety).
    Met,
    /// A limit or an interrupt stopped the search before the answer was known.
    Undecided,
    /// An expectation is definitely missed (no expectation: a violation was found).
    Missed,
    /// The model went wrong at run time (a located error).
    BadInput,
}

impl Outcome {
    fn exit_code(self) -> i32 {
        match self {
            Outcome::Met => EXIT_OK,
            Outcome::Missed => EXIT_VIOLATION,
            Outcome::BadInput => EXIT_BAD_INPUT,
            Outcome::Undecided => EXIT_INCOMPLETE,
        }
    }
    /// The exit code of several tests: bad input, then a miss, then undecided, then 0.
    fn of_all(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
        outcomes.into_iter().max().unwrap_or(Outcome::Met)
    }
}

/// Judges one expectation. A violation found is a definite answer even when the search was
/// stopped early; the absence of one is known only after an exhaustive search.
fn judge_one<A>(e: &Expect, r: &explore::Report<A>) -> Outcome {
    let decided = |holds: bool| if holds { Outcome::Met } else { Outcome::Missed };
    match e {
        Expect::Safe if !r.found.is_empty() => Outcome::Missed,
        Expect::Safe => match r.verdict() {
            Verdict::Safe => Outcome::Met,
            // exhaustive, yet never SAFE: no run can end
            _ if r.complete => Outcome::Missed,
            _ => Outcome::Undecided,
        },
        Expect::Violation(n) if r.get(n).is_some() => Outcome::Met,
        Expect::NoViolation(n) if r.get(n).is_some() => Outcome::Missed,
        Expect::Violation(_) | Expect::NoViolation(_) if r.complete => {
            decided(matches!(e, Expect::NoViolation(_)))
        }
        Expect::Violation(_) | Expect::NoViolation(_) => Outcome::Undecided,
    }
}

/// Judges a test: every expectation (or, with none, the verdict of the search).
pub(crate) fn judge<A>(es: &[Expect], r: &explore::Report<A>) -> Outcome {
    if r.get("model_error").is_some() {
        return Outcome::BadInput;
    }
    if es.is_empty() {
        return match r.verdict() {
            Verdict::Safe => Outcome::Met,
            Verdict::Violation(_) => Outcome::Missed,
            Verdict::Incomplete if r.complete => Outcome::Missed,
            Verdict::Incomplete => Outcome::Undecided,
        };
    }
    let all: Vec<Outcome> = es.iter().map(|e| judge_one(e, r)).collect();
    if all.contains(&Outcome::Missed) {
        Outcome::Missed
    } else if all.contains(&Outcome::Undecided) {
        Outcome::Undecided
    } else {
        Outcome::Met
    }
}

/// The closing line of a test's report: its expectations and how they came out.
fn expectation_line<A>(es: &[Expect], r: &explore::Report<A>, o: Outcome) -> String {
    let how = match o {
        Outcome::Met => "as expected".to_string(),
        Outcome::Missed | Outcome::BadInput => "NOT as expected".to_string(),
        Outcome::Undecided => format!(
            "UNDECIDED: the search stopped ({}) before this could be decided",
            r.stopped.as_deref().unwrap_or("before the end")
        ),
    };
    format!("      expected {}: {how}", expect_list(es))
}

fn verdict_text<A>(r: &explore::Report<A>) -> String {
    match r.verdict() {
        Verdict::Safe => "safe".into(),
        Verdict::Incomplete => "incomplete".into(),
        Verdict::Violation(_) => r
            .kinds()
            .iter()
            .map(|k| format!("violation({k})"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Finds the files `test DIR` runs: every `.mmk` file under `dir` (symbolic links followed,
/// each directory once, so a link loop ends), except model files, which are returned in
/// `models` so they can be listed. A model file parses and holds definitions but no `test`
/// block. A file that cannot be read or parsed, or that holds nothing, is kept: it becomes
/// an ERROR row rather than being skipped silently. So is a subdirectory that cannot be read.
pub(crate) fn collect_tests(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    models: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    fn walk(
        dir: &Path,
        out: &mut Vec<PathBuf>,
        models: &mut Vec<PathBuf>,
        seen: &mut std::collections::HashSet<PathBuf>,
    ) -> std::io::Result<()> {
        if !seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())) {
            return Ok(());
        }
        let mut entries: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if walk(&p, out, models, seen).is_err() {
                    out.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "mmk") {
                if is_model_file(&p) {
                    models.push(p);
                } else {
                    out.push(p);
                }
            }
        }
        Ok(())
    }
    walk(dir, out, models, &mut std::collections::HashSet::new())
}

/// A file that parses and holds definitions but no `test` block.
fn is_model_file(p: &Path) -> bool {
    use crate::lang::ast::Item;
    let Some(text) = std::fs::read(p)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    let Ok(module) = lang::lexer::lex(0, &text).and_then(lang::parser::parse_module) else {
        return false;
    };
    !module.items.is_empty() && !module.items.iter().any(|i| matches!(i, Item::Test(_)))
}

fn test_dir(dir: &Path, o: &SearchOpts) -> i32 {
    let lim = match limits(o) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let (mut files, mut models) = (Vec::new(), Vec::new());
    if let Err(e) = collect_tests(dir, &mut files, &mut models) {
        eprintln!("error: cannot read {}: {e}", dir.display());
        return EXIT_BAD_INPUT;
    }
    if files.is_empty() {
        eprintln!(
            "error: no test files (.mmk with a `test \"...\"` block) under {}",
            dir.display()
        );
        return EXIT_BAD_INPUT;
    }
    let start = Instant::now();
    println!(
        "{:<10} {:<58} {:<24} {:<46} {:>10} {:>8}",
        "", "test", "expected", "found", "states", "time"
    );
    // Test files run in parallel (each search on one thread); rows print in file order.
    let jobs = o.jobs.unwrap_or_else(cores).clamp(1, files.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, String, Vec<Outcome>)>();
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut files_run = 0usize;
    std::thread::scope(|sc| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, files) = (&next, &files);
            sc.spawn(move || {
                loop {
                    // After Ctrl-C (or SIGTERM), the files not started are not run.
                    if bfs::STOP.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(f) = files.get(i) else { break };
                    let (rows, outs) = run_test_file_guarded(dir, f, lim, o, start);
                    if tx.send((i, rows, outs)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut ready = std::collections::BTreeMap::new();
        let mut printed = 0;
        for (i, rows, outs) in rx {
            outcomes.extend(outs);
            files_run += 1;
            ready.insert(i, rows);
            while let Some(rows) = ready.remove(&printed) {
                print!("{rows}");
                printed += 1;
            }
        }
        // Files after a gap left by an interrupt still print, in order.
        for rows in ready.into_values() {
            print!("{rows}");
        }
    });
    if !models.is_empty() {
        let names: Vec<String> = models
            .iter()
            .map(|f| f.strip_prefix(dir).unwrap_or(f).display().to_string())
            .collect();
        println!(
            "\nnot run: {} model file(s) without a test block: {}",
            names.len(),
            names.join(", ")
        );
    }
    let count = |k: Outcome| outcomes.iter().filter(|&&o| o == k).count();
    let mut summary = format!(
        "{} passed, {} failed",
        count(Outcome::Met),
        count(Outcome::Missed)
    );
    for (n, what) in [
        (count(Outcome::Undecided), "incomplete"),
        (count(Outcome::BadInput), "errors"),
    ] {
        if n > 0 {
            summary.push_str(&format!(", {n} {what}"));
        }
    }
    let interrupted = files_run < files.len();
    if interrupted {
        summary = format!(
            "interrupted: {summary}; {} of {} files not run",
            files.len() - files_run,
            files.len()
        );
    }
    println!("\n{summary} ({:.1} s)", start.elapsed().as_secs_f64());
    let all = Outcome::of_all(outcomes);
    if interrupted {
        all.max(Outcome::Undecided).exit_code()
    } else {
        all.exit_code()
    }
}

/// `run_test_file`, except that a panic (a bug in mmcheck) becomes an ERROR row for the file
/// instead of ending the whole run.
fn run_test_file_guarded(
    dir: &Path,
    f: &Path,
    lim: Limits,
    o: &SearchOpts,
    run_start: Instant,
) -> (String, Vec<Outcome>) {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_test_file(dir, f, lim, o, run_start)
    }))
    .unwrap_or_else(|_| {
        error_row(
            dir,
            f,
            "internal error",
            "error: mmcheck panicked on this file (a bug in mmcheck; the message is above)",
        )
    })
}

/// The row of a file that could not be run (a bad-input outcome): ERROR, why, and the first
/// line of the located error under it.
fn error_row(dir: &Path, f: &Path, why: &str, error: &str) -> (String, Vec<Outcome>) {
    let rel = f.strip_prefix(dir).unwrap_or(f).display().to_string();
    let mut row = format!("{:<10} {:<58} {:<24} {:<46}\n", "ERROR", rel, "-", why);
    if let Some(l) = error.lines().next() {
        row.push_str(&format!("{:<10} {l}\n", ""));
    }
    (row, vec![Outcome::BadInput])
}

/// Runs the tests of one file; returns its table rows and each test's outcome. A file that
/// cannot be loaded is an ERROR row with its located error (printed there, once).
/// Time is global to the run (`run_start`); states are a budget per file, shared by its
/// tests (files run in parallel, so a global count would depend on the schedule).
fn run_test_file(
    dir: &Path,
    f: &Path,
    lim: Limits,
    o: &SearchOpts,
    run_start: Instant,
) -> (String, Vec<Outcome>) {
    let rel = f.strip_prefix(dir).unwrap_or(f).display().to_string();
    if f.is_dir() {
        let e = std::fs::read_dir(f).err().map(|e| e.to_string());
        let e = e.unwrap_or_else(|| "it could not be listed".into());
        let msg = format!("error: cannot read directory {}: {e}", f.display());
        return error_row(dir, f, "unreadable directory", &msg);
    }
    let machines = match load_machines(f, o.models.clone(), None) {
        Ok(m) => m,
        Err(e) => return error_row(dir, f, "bad input", &e.text),
    };
    let (mut rows, mut outs) = (String::new(), Vec::new());
    let mut spent_states = 0u64;
    let many = machines.len() > 1;
    for m in &machines {
        let sc = &m.prog.scenario;
        let label = if many {
            format!("{rel} :: {}", sc.name)
        } else {
            rel.clone()
        };
        let lim = lim.after(spent_states, run_start.elapsed().as_secs_f64());
        let (r, _) = match lim.exhausted() {
            Some(reason) => (not_run(reason), None),
            None => run_search(m, lim, goal(m, false), o, true),
        };
        spent_states += r.stats.states;
        let outcome = judge(&sc.expect, &r);
        outs.push(outcome);
        let tag = match outcome {
            Outcome::Met => "PASS",
            Outcome::Missed => "FAIL",
            Outcome::Undecided => "INCOMPLETE",
            Outcome::BadInput => "ERROR",
        };
        rows.push_str(&format!(
            "{:<10} {:<58} {:<24} {:<46} {:>10} {:>7.2}s\n",
            tag,
            label,
            expect_list(&sc.expect),
            verdict_text(&r),
            r.stats.states,
            r.stats.seconds
        ));
    }
    (rows, outs)
}

fn replay(file: &Path, tok: &str, only: Option<&str>, json: bool, models: Option<PathBuf>) -> i32 {
    let as_json = json.then_some("replay");
    let path = match token::decode(tok) {
        Ok(p) => p,
        Err(e) => {
            return input_error(
                InputError::plain(format!("malformed replay token: {e}")),
                as_json,
            );
        }
    };
    let machines = match load_as(file, models, only, as_json) {
        Ok(m) => m,
        Err(c) => return c,
    };
    if machines.len() > 1 {
        return input_error(
            InputError::plain(format!(
                "{} holds several tests; name one with --test",
                file.display()
            ))
            .in_file(file),
            as_json,
        );
    }
    let m = &machines[0];
    let tr = match trace::build(m, &path) {
        Ok(tr) => tr,
        Err(e) => {
            let part = token::part_of_step(tok, e.step).unwrap_or_default();
            return input_error(
                InputError::plain(format!(
                    "step {} of the replay token (`{part}`) cannot run in test {:?}: {}",
                    e.step + 1,
                    m.prog.scenario.name,
                    e.message
                ))
                .in_file(file),
                as_json,
            );
        }
    };
    // 2 for a model error, 1 for any other violation along the path, 0 for none.
    let code = if tr.violations.iter().any(|v| v.invariant == "model_error") {
        EXIT_BAD_INPUT
    } else if tr.violations.is_empty() {
        EXIT_OK
    } else {
        EXIT_VIOLATION
    };
    if json {
        print_json(&serde_json::json!({
            "schema": JSON_SCHEMA,
            "command": "replay",
            "file": file.display().to_string(),
            "test": m.prog.scenario.name,
            "token": tok.trim(),
            "steps": path.len(),
            "trace": tr,
            "exit_code": code,
        }));
    } else {
        print!("{}", diagram::render(&tr));
        println!("\n{}", diagram::conclusion(&tr));
    }
    code
}
