//! Fuzzes the mmcheck binary with mutated inputs: bundled tests (tests/mmk, tests/bad) and
//! model files (models/), mutated by the operators of `tests/fuzz/mutate.rs` (bytes and
//! tokens: deletions, duplications, swaps, extreme numbers, huge identifiers, deep nesting,
//! repeated lines, splices). Each input runs with `--max-seconds 2` under a wall-clock
//! timeout; panics (exit 101 or "panicked"), hangs (timeout), aborts (death by a signal) and
//! unexpected exit codes are counted and their inputs saved for reproduction.
//!
//! Usage (see scripts/fuzz.sh):
//!   cargo run --release --example fuzz -- [--inputs N] [--jobs J] [--seed S]
//!       [--timeout SECONDS] [--out DIR] [--bin PATH]
//!
//! Input i is generated from (seed, i) alone, so `--seed S --first i --inputs 1` regenerates
//! it.

#[path = "../tests/fuzz/mutate.rs"]
mod mutate;

use mutate::{FULL, Rng, mmk_files, mutate};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Opts {
    inputs: usize,
    first: usize,
    jobs: usize,
    seed: u64,
    timeout: f64,
    out: PathBuf,
    bin: PathBuf,
}

fn parse_args() -> Result<Opts, String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Opts {
        inputs: 10_000,
        first: 0,
        jobs: 2,
        seed: 1,
        timeout: 30.0,
        out: repo.join("target/fuzz"),
        bin: repo.join("target/release/mmcheck"),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args
            .get(i + 1)
            .ok_or(format!("{} needs a value", args[i]))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{}: {e}", args[i]));
        match args[i].as_str() {
            "--inputs" => o.inputs = num(v)? as usize,
            "--first" => o.first = num(v)? as usize,
            "--jobs" => o.jobs = (num(v)? as usize).max(1),
            "--seed" => o.seed = num(v)?,
            "--timeout" => o.timeout = v.parse().map_err(|e| format!("--timeout: {e}"))?,
            "--out" => o.out = PathBuf::from(v),
            "--bin" => o.bin = PathBuf::from(v),
            a => return Err(format!("unknown argument {a}")),
        }
        i += 2;
    }
    Ok(o)
}

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Exit(i32),
    Panic,
    Hang,
    Abort(i32),
}

#[derive(Default)]
struct Tally {
    exits: [usize; 4],
    other_exits: usize,
    panics: usize,
    hangs: usize,
    aborts: usize,
    test_inputs: usize,
    model_inputs: usize,
    failures: Vec<String>,
}

struct Corpus {
    repo: PathBuf,
    tests: Vec<PathBuf>,
    models: Vec<PathBuf>,
    /// Per model file: the bundled tests that load it.
    users: Vec<Vec<usize>>,
    all: Vec<Vec<u8>>,
}

fn corpus(repo: &Path) -> Corpus {
    let mut tests = mmk_files(&repo.join("tests/mmk"));
    tests.extend(mmk_files(&repo.join("tests/bad")));
    let models = mmk_files(&repo.join("models"));
    let texts: Vec<String> = tests
        .iter()
        .map(|t| std::fs::read_to_string(t).unwrap_or_default())
        .collect();
    let bundled: Vec<usize> = (0..tests.len())
        .filter(|&i| tests[i].starts_with(repo.join("tests/mmk")))
        .collect();
    let users = models
        .iter()
        .map(|m| {
            let rel = m.strip_prefix(repo.join("models")).unwrap_or(m);
            let tree = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy());
            let name = rel.to_string_lossy().into_owned();
            bundled
                .iter()
                .copied()
                .filter(|&i| {
                    texts[i].contains(&format!("\"{name}\""))
                        || tree
                            .as_ref()
                            .is_some_and(|t| texts[i].contains(&format!("kernel \"{t}\"")))
                })
                .collect()
        })
        .collect();
    let all = tests
        .iter()
        .chain(&models)
        .map(|p| std::fs::read(p).unwrap_or_default())
        .collect();
    Corpus {
        repo: repo.to_path_buf(),
        tests,
        models,
        users,
        all,
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()))?;
        } else {
            std::fs::copy(&p, to.join(e.file_name()))?;
        }
    }
    Ok(())
}

/// Runs the binary with a wall-clock timeout; stdout and stderr go to files in `work`.
fn run(o: &Opts, work: &Path, args: &[String]) -> (Outcome, f64) {
    let out = std::fs::File::create(work.join("stdout")).expect("stdout file");
    let err = std::fs::File::create(work.join("stderr")).expect("stderr file");
    let start = Instant::now();
    let mut child = Command::new(&o.bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("run mmcheck");
    let deadline = Duration::from_secs_f64(o.timeout);
    let status: ExitStatus = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (Outcome::Hang, start.elapsed().as_secs_f64());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let secs = start.elapsed().as_secs_f64();
    let stderr = std::fs::read(work.join("stderr")).unwrap_or_default();
    let panicked = String::from_utf8_lossy(&stderr).contains("panicked");
    let outcome = match status.code() {
        Some(101) => Outcome::Panic,
        Some(_) if panicked => Outcome::Panic,
        Some(c) => Outcome::Exit(c),
        None => {
            use std::os::unix::process::ExitStatusExt;
            Outcome::Abort(status.signal().unwrap_or(0))
        }
    };
    (outcome, secs)
}

/// A model file mutated in the worker's copy of the trees, and its original text.
type Restore = (PathBuf, Vec<u8>);

/// Generates input `i`, runs it, and saves it if it failed.
fn one(o: &Opts, c: &Corpus, work: &Path, i: usize, tally: &Mutex<Tally>) {
    let mut rng = Rng::new(o.seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
    let models_copy = work.join("models");
    let limits = ["-q", "-t", "1", "--max-seconds", "2"].map(String::from);
    let test_models = c.repo.join("models").display().to_string();
    // 60% test files, 40% model files (each under a bundled test that loads it).
    let model = (!rng.chance(5) && rng.chance(2)).then(|| {
        let usable: Vec<usize> = (0..c.models.len())
            .filter(|&m| !c.users[m].is_empty())
            .collect();
        *rng.pick(&usable)
    });
    let (base_path, args, restore): (PathBuf, Vec<String>, Option<Restore>) = match model {
        None => {
            let base = rng.pick(&c.tests).clone();
            let text = std::fs::read(&base).unwrap_or_default();
            let (m, ops) = mutate(&text, &c.all, &mut rng, FULL);
            let dir = work.join("t");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("work dir");
            let file = dir.join("input.mmk");
            std::fs::write(&file, &m).expect("write input");
            std::fs::write(work.join("ops"), ops.join(" ")).expect("write ops");
            let mut args = match rng.below(20) {
                0 | 1 => vec!["test".to_string(), "-j".into(), "1".into()],
                2 => vec!["check".to_string(), "--json".into()],
                _ => vec!["check".to_string()],
            };
            args.extend(limits.iter().cloned());
            if args[0] == "test" {
                args.retain(|a| a != "-q");
            }
            args.extend(["--models".to_string(), test_models]);
            args.push(if args[0] == "test" {
                dir.display().to_string()
            } else {
                file.display().to_string()
            });
            tally.lock().unwrap().test_inputs += 1;
            (base, args, None)
        }
        Some(mi) => {
            let base = c.models[mi].clone();
            let rel = base
                .strip_prefix(c.repo.join("models"))
                .expect("under models")
                .to_path_buf();
            let target = models_copy.join(&rel);
            let text = std::fs::read(&base).unwrap_or_default();
            let (m, ops) = mutate(&text, &c.all, &mut rng, FULL);
            std::fs::write(&target, &m).expect("write model");
            std::fs::write(work.join("ops"), ops.join(" ")).expect("write ops");
            let test = &c.tests[*rng.pick(&c.users[mi])];
            let mut args = vec!["check".to_string()];
            args.extend(limits.iter().cloned());
            args.extend([
                "--models".to_string(),
                models_copy.display().to_string(),
                test.display().to_string(),
            ]);
            tally.lock().unwrap().model_inputs += 1;
            (base, args, Some((target, text)))
        }
    };
    let (outcome, _secs) = run(o, work, &args);
    let failed = !matches!(outcome, Outcome::Exit(0..=3));
    let mut t = tally.lock().unwrap();
    match outcome {
        Outcome::Exit(c @ 0..=3) => t.exits[c as usize] += 1,
        Outcome::Exit(_) => t.other_exits += 1,
        Outcome::Panic => t.panics += 1,
        Outcome::Hang => t.hangs += 1,
        Outcome::Abort(_) => t.aborts += 1,
    }
    if failed {
        let dir = o.out.join(format!("failures/{i:06}-{outcome:?}"));
        let _ = std::fs::create_dir_all(&dir);
        let ops = std::fs::read_to_string(work.join("ops")).unwrap_or_default();
        // The saved copy reproduces the failure: the command names it.
        let (saved, cmd) = match &restore {
            None => {
                let input = dir.join("input.mmk");
                let _ = std::fs::copy(work.join("t/input.mmk"), &input);
                let mut cmd = args.clone();
                let last = if cmd[0] == "test" { &dir } else { &input };
                let last = last.display().to_string();
                if let Some(l) = cmd.last_mut() {
                    *l = last;
                }
                ("input.mmk".to_string(), cmd)
            }
            Some((target, _)) => {
                // The whole tree, with the mutated file in it.
                let _ = copy_tree(&models_copy, &dir.join("models"));
                let rel = target.strip_prefix(&models_copy).unwrap_or(target);
                let mut cmd = args.clone();
                if let Some(k) = cmd.iter().position(|a| a == "--models") {
                    cmd[k + 1] = dir.join("models").display().to_string();
                }
                (format!("models/{}", rel.display()), cmd)
            }
        };
        let _ = std::fs::copy(work.join("stdout"), dir.join("stdout"));
        let _ = std::fs::copy(work.join("stderr"), dir.join("stderr"));
        let note = format!(
            "outcome: {outcome:?}\nbase: {}\noperators: {ops}\nseed {} input {i}\nmutated file: {saved}\nreproduce: {} {}\n",
            base_path.display(),
            o.seed,
            o.bin.display(),
            cmd.join(" ")
        );
        let _ = std::fs::write(dir.join("README"), &note);
        t.failures.push(format!("{outcome:?}: {}", dir.display()));
    }
    drop(t);
    if let Some((target, text)) = restore {
        std::fs::write(target, text).expect("restore model");
    }
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("fuzz: {e}");
            std::process::exit(2);
        }
    };
    if !o.bin.is_file() {
        eprintln!(
            "fuzz: no binary at {} (cargo build --release first)",
            o.bin.display()
        );
        std::process::exit(2);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let c = corpus(repo);
    let _ = std::fs::remove_dir_all(o.out.join("failures"));
    let tally = Mutex::new(Tally::default());
    let next = AtomicUsize::new(o.first);
    let done = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for j in 0..o.jobs {
            let (o, c, tally, next, done) = (&o, &c, &tally, &next, &done);
            s.spawn(move || {
                let work = o.out.join(format!("work-{j}"));
                let _ = std::fs::remove_dir_all(&work);
                copy_tree(&c.repo.join("models"), &work.join("models")).expect("copy models");
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= o.first + o.inputs {
                        break;
                    }
                    one(o, c, &work, i, tally);
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    if n % 500 == 0 {
                        let t = tally.lock().unwrap();
                        eprintln!(
                            "fuzz: {n}/{} inputs, {:.0} s: panics {}, hangs {}, aborts {}",
                            o.inputs,
                            start.elapsed().as_secs_f64(),
                            t.panics,
                            t.hangs,
                            t.aborts
                        );
                    }
                }
            });
        }
    });
    let t = tally.into_inner().unwrap();
    for f in &t.failures {
        println!("failure {f}");
    }
    println!(
        "fuzz summary: {} inputs ({} test files, {} model files mutated), seed {}: panics {}, hangs {}, aborts {}, other exit codes {}; exit 0: {}, 1: {}, 2: {}, 3: {}; {:.0} s",
        t.test_inputs + t.model_inputs,
        t.test_inputs,
        t.model_inputs,
        o.seed,
        t.panics,
        t.hangs,
        t.aborts,
        t.other_exits,
        t.exits[0],
        t.exits[1],
        t.exits[2],
        t.exits[3],
        start.elapsed().as_secs_f64()
    );
    if !t.failures.is_empty() {
        println!(
            "failing inputs saved under {}",
            o.out.join("failures").display()
        );
        std::process::exit(1);
    }
}
