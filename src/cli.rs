//! The command line: `check`, `test`, `replay`, `prims`.

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
Exit codes: 0 safe (or every expectation met), 1 violation (or an expectation missed), \
2 bad input or usage, 3 search stopped by a limit before it finished.",
    after_help = "See README.md for the modelling language, and `mmcheck prims` for the built-in primitives."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone)]
struct SearchOpts {
    /// Stop after this many distinct states.
    #[arg(long, value_name = "N")]
    max_states: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    max_seconds: Option<f64>,
    /// Stop when the search's estimated memory passes this many MiB.
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
        Reduce::Auto => !m
            .prog
            .scenario
            .expect
            .iter()
            .any(|e| matches!(e, Expect::Violation(_))),
    }
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
    /// List the built-in primitives with their atomicity.
    Prims,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return code;
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
        Cmd::Prims => {
            for p in Prim::ALL {
                println!(
                    "{:<26} {:<8} {}",
                    format!("{}/{}", p.name(), p.arity()),
                    format!("{:?}", p.class()).to_lowercase(),
                    p.doc()
                );
            }
            EXIT_OK
        }
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
    Ok(Limits {
        max_states: o.max_states,
        max_seconds: o.max_seconds,
        max_memory_bytes: o.max_memory.map(|m| m << 20),
    })
}

/// Loads a file and builds a machine per test; errors are printed, located.
fn load(file: &Path, models: Option<PathBuf>, only: Option<&str>) -> Result<Vec<Machine>, i32> {
    load_machines(file, models, only).map_err(|e| {
        eprint!("{e}");
        EXIT_BAD_INPUT
    })
}

/// Loads a file and builds a machine per test; an error comes back rendered, located.
fn load_machines(
    file: &Path,
    models: Option<PathBuf>,
    only: Option<&str>,
) -> Result<Vec<Machine>, String> {
    let opts = LoadOptions { models_dir: models };
    let loaded = match lang::load_file(file, &opts) {
        Ok(l) => l,
        Err(e) => {
            let (map, d) = *e;
            return Err(d.render(&map));
        }
    };
    let mut out = Vec::new();
    for p in loaded.tests {
        if only.is_some_and(|n| n != p.scenario.name) {
            continue;
        }
        match Machine::new(p) {
            Ok(m) => out.push(m),
            Err(d) => return Err(d.render(&loaded.sources)),
        }
    }
    if out.is_empty() {
        return Err(format!(
            "error: {}: no test named {:?}\n",
            file.display(),
            only.unwrap_or("")
        ));
    }
    Ok(out)
}

/// What a test's expectations need from the search.
fn goal(e: &[Expect], all: bool) -> StopOn {
    if all {
        return StopOn::Never;
    }
    match e {
        [Expect::Violation(n)] => crate::machine::INVARIANTS
            .iter()
            .find(|(k, _)| k == n)
            .map(|(k, _)| StopOn::Invariant(k))
            .unwrap_or(StopOn::Any),
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
    format!(
        "{} states, {} transitions, depth {}, {:.2} s; memory: {} bytes per visited state, ~{} bytes per frontier state",
        s.states,
        s.transitions,
        s.max_depth,
        s.seconds,
        s.bytes_per_state,
        s.bytes_per_frontier_state
    )
}

fn check(file: &Path, only: Option<&str>, json: bool, all: bool, o: &SearchOpts) -> i32 {
    let lim = match limits(o) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let machines = match load(file, o.models.clone(), only) {
        Ok(m) => m,
        Err(c) => return c,
    };
    let mut code = EXIT_OK;
    let mut json_out = Vec::new();
    for m in &machines {
        let sc = &m.prog.scenario;
        let name = &sc.name;
        let (mut r, coverage) = run_search(m, lim, goal(&sc.expect, all), o, o.quiet || json);
        if coverage.is_some() {
            // counterexamples of non-exhaustive searches are shortened before they are shown
            for f in r.found.iter_mut() {
                f.path = explore::minimise(m, f, 1_000_000);
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
                let (p, _) = run_search(m, lim, StopOn::Invariant(kind), &plain, o.quiet || json);
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
        let c = match r.verdict() {
            Verdict::Safe => EXIT_OK,
            Verdict::Incomplete => EXIT_INCOMPLETE,
            Verdict::Violation(_)
                if r.found
                    .iter()
                    .any(|f| f.violation.invariant == "model_error") =>
            {
                EXIT_BAD_INPUT
            }
            Verdict::Violation(_) => EXIT_VIOLATION,
        };
        code = code.max(c);
        let tr = shown.and_then(|f| trace::build(m, &f.path).ok());
        let tok = shown.map(|f| token::encode(&f.path));
        let met = (!sc.expect.is_empty()).then(|| expectations_met(&sc.expect, &r));
        if json {
            json_out.push(serde_json::json!({
                "test": name,
                "file": file.display().to_string(),
                "verdict": verdict_text(&r),
                "violations": r.found.iter().map(|f| serde_json::json!({
                    "invariant": f.violation.invariant,
                    "message": f.violation.message,
                    "steps": f.path.len(),
                    "replay": token::encode(&f.path),
                })).collect::<Vec<_>>(),
                "expected": expect_list(&sc.expect),
                "as_expected": met,
                "exhaustive": r.complete,
                "stopped": r.stopped,
                "reduction": if r.stats.singletons.is_some() { "por" } else { "none" },
                "singletons": r.stats.singletons,
                "mode": format!("{:?}", o.mode).to_lowercase(),
                "coverage": coverage,
                "states": r.stats.states,
                "transitions": r.stats.transitions,
                "depth": r.stats.max_depth,
                "seconds": r.stats.seconds,
                "replay": tok,
                "trace": tr,
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
                println!("VIOLATION  {name}: {}\n", f.violation.invariant);
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
                        "replay: mmcheck replay {} {t}{}",
                        file.display(),
                        test_flag(&machines, name)
                    );
                }
            }
        }
        if let Some(met) = met {
            println!(
                "      expected {}: {}",
                expect_list(&sc.expect),
                if met {
                    "as expected"
                } else {
                    "NOT as expected"
                }
            );
        }
        println!();
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json_out).unwrap_or_default()
        );
    }
    code
}

fn test_flag(machines: &[Machine], name: &str) -> String {
    if machines.len() > 1 {
        format!(" --test {name:?}")
    } else {
        String::new()
    }
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

fn expectations_met<A>(es: &[Expect], r: &explore::Report<A>) -> bool {
    !es.is_empty()
        && es.iter().all(|e| match e {
            Expect::Safe => r.verdict() == Verdict::Safe,
            Expect::Violation(n) => r.get(n).is_some(),
            Expect::NoViolation(n) => r.complete && r.get(n).is_none(),
        })
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
fn collect_tests(
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
        "{:<6} {:<58} {:<24} {:<46} {:>10} {:>8}",
        "", "test", "expected", "found", "states", "time"
    );
    // Test files run in parallel (each search on one thread); rows print in file order.
    let jobs = o.jobs.unwrap_or_else(cores).clamp(1, files.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, String, u32, u32)>();
    let (mut pass, mut fail) = (0, 0);
    std::thread::scope(|sc| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, files) = (&next, &files);
            sc.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(f) = files.get(i) else { break };
                    let (rows, p, fl) = run_test_file_guarded(dir, f, lim, o);
                    if tx.send((i, rows, p, fl)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut ready = std::collections::BTreeMap::new();
        let mut printed = 0;
        for (i, rows, p, fl) in rx {
            pass += p;
            fail += fl;
            ready.insert(i, rows);
            while let Some(rows) = ready.remove(&printed) {
                print!("{rows}");
                printed += 1;
            }
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
    println!(
        "\n{pass} passed, {fail} failed ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
    if fail == 0 { EXIT_OK } else { EXIT_VIOLATION }
}

/// `run_test_file`, except that a panic (a bug in mmcheck) becomes an ERROR row for the file
/// instead of ending the whole run.
fn run_test_file_guarded(dir: &Path, f: &Path, lim: Limits, o: &SearchOpts) -> (String, u32, u32) {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_test_file(dir, f, lim, o)
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

/// The row of a file that could not be run (counted as failed): ERROR, why, and the first
/// line of the located error under it.
fn error_row(dir: &Path, f: &Path, why: &str, error: &str) -> (String, u32, u32) {
    let rel = f.strip_prefix(dir).unwrap_or(f).display().to_string();
    let mut row = format!("{:<6} {:<58} {:<24} {:<46}\n", "ERROR", rel, "-", why);
    if let Some(l) = error.lines().next() {
        row.push_str(&format!("{:<6} {l}\n", ""));
    }
    (row, 0, 1)
}

/// Runs the tests of one file; returns its table rows and the pass/fail counts. A file that
/// cannot be loaded is an ERROR row with its located error (printed there, once).
fn run_test_file(dir: &Path, f: &Path, lim: Limits, o: &SearchOpts) -> (String, u32, u32) {
    let rel = f.strip_prefix(dir).unwrap_or(f).display().to_string();
    if f.is_dir() {
        let e = std::fs::read_dir(f).err().map(|e| e.to_string());
        let e = e.unwrap_or_else(|| "it could not be listed".into());
        let msg = format!("error: cannot read directory {}: {e}", f.display());
        return error_row(dir, f, "unreadable directory", &msg);
    }
    let machines = match load_machines(f, o.models.clone(), None) {
        Ok(m) => m,
        Err(e) => return error_row(dir, f, "bad input", &e),
    };
    let (mut rows, mut pass, mut fail) = (String::new(), 0, 0);
    let many = machines.len() > 1;
    for m in &machines {
        let sc = &m.prog.scenario;
        let label = if many {
            format!("{rel} :: {}", sc.name)
        } else {
            rel.clone()
        };
        let (r, _) = run_search(m, lim, goal(&sc.expect, false), o, true);
        let (ok, exp) = (expectations_met(&sc.expect, &r), expect_list(&sc.expect));
        if ok {
            pass += 1
        } else {
            fail += 1
        }
        rows.push_str(&format!(
            "{:<6} {:<58} {:<24} {:<46} {:>10} {:>7.2}s\n",
            if ok { "PASS" } else { "FAIL" },
            label,
            exp,
            verdict_text(&r),
            r.stats.states,
            r.stats.seconds
        ));
    }
    (rows, pass, fail)
}

fn replay(file: &Path, tok: &str, only: Option<&str>, json: bool, models: Option<PathBuf>) -> i32 {
    let path = match token::decode(tok) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let machines = match load(file, models, only) {
        Ok(m) => m,
        Err(c) => return c,
    };
    if machines.len() > 1 {
        eprintln!(
            "error: {} holds several tests; name one with --test",
            file.display()
        );
        return EXIT_BAD_INPUT;
    }
    let m = &machines[0];
    if path.iter().any(|a| match a {
        crate::machine::Action::Cpu(c)
        | crate::machine::Action::Evict(c, _)
        | crate::machine::Action::Fill(c, _) => *c as usize >= m.cpus(),
    }) {
        eprintln!(
            "error: the token names a CPU this test does not have ({} CPUs)",
            m.cpus()
        );
        return EXIT_BAD_INPUT;
    }
    match trace::build(m, &path) {
        Err(i) => {
            eprintln!(
                "error: step {} of the token cannot run in this test (blocked, finished, or after the violation)",
                i + 1
            );
            EXIT_BAD_INPUT
        }
        Ok(tr) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&tr).unwrap_or_default());
            } else {
                print!("{}", diagram::render(&tr));
                println!("\n{}", diagram::conclusion(&tr));
            }
            match &tr.violation {
                Some(v) if v.invariant == "model_error" => EXIT_BAD_INPUT,
                Some(_) => EXIT_VIOLATION,
                None => EXIT_OK,
            }
        }
    }
}
