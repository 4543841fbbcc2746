//! The bounded fuzz run: a few hundred deterministic mutations of the bundled tests and model
//! files, with the operators of the full fuzzer (`scripts/fuzz.sh`), through the front end,
//! the machine's initial checks, a short search and the error renderer, in process. Test
//! builds keep overflow checks on, so an arithmetic overflow on the way is a failure too.

#[path = "fuzz/mutate.rs"]
mod mutate;

use mmcheck::explore::{Limits, StopOn, bfs};
use mmcheck::lang::{LoadOptions, load_file};
use mmcheck::machine::Machine;
use mutate::{OPS, Rng, SMALL, apply, mmk_files, mutate};
use std::path::{Path, PathBuf};

const INPUTS: usize = 600;

/// Loads `file` with the model trees of `models`, builds every test and runs a short search;
/// a load error must render short.
fn run(file: &Path, models: &Path) -> Result<(), String> {
    let opts = LoadOptions {
        models_dir: Some(models.to_path_buf()),
    };
    match load_file(file, &opts) {
        Err(e) => {
            let text = e.1.render(&e.0);
            if text.len() > 4000 {
                return Err(format!("a {}-byte error message", text.len()));
            }
        }
        Ok(l) => {
            for prog in l.tests {
                match Machine::new(prog) {
                    Err(d) => {
                        let _ = d.render(&l.sources);
                    }
                    Ok(m) => {
                        let lim = Limits {
                            max_states: Some(200),
                            ..Limits::default()
                        };
                        let _ = bfs::check(&m, lim, StopOn::Never, None);
                    }
                }
            }
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn mutated_tests_and_models_never_panic() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tests = mmk_files(&repo.join("tests/mmk"));
    tests.extend(mmk_files(&repo.join("tests/bad")));
    let models = mmk_files(&repo.join("models"));
    let corpus: Vec<Vec<u8>> = tests
        .iter()
        .chain(&models)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let work = tempfile::tempdir().unwrap();
    let models_copy = work.path().join("models");
    copy_tree(&repo.join("models"), &models_copy);
    // A small bundled test that loads the whole linux-5.10 tree.
    let host: PathBuf = repo.join("tests/mmk/checks/bug-on.mmk");
    let mut used = vec![0usize; OPS.len()];
    let mut failures = Vec::new();
    for i in 0..INPUTS {
        let mut rng = Rng::new(i as u64);
        let model = i % 3 == 2;
        let (base, file, restore) = if model {
            let linux: Vec<&PathBuf> = models
                .iter()
                .filter(|m| m.starts_with(repo.join("models/linux-5.10")))
                .collect();
            let m = (*rng.pick(&linux)).clone();
            let target = models_copy.join(m.strip_prefix(repo.join("models")).unwrap());
            (m, host.clone(), Some(target))
        } else {
            let t = rng.pick(&tests).clone();
            (t, work.path().join("input.mmk"), None)
        };
        let text = std::fs::read(&base).unwrap();
        // Every operator is used: input i starts with operator i mod |OPS|.
        let mut mutated = text.clone();
        apply(i % OPS.len(), &mut mutated, &corpus, &mut rng, SMALL);
        used[i % OPS.len()] += 1;
        let (mutated, ops) = mutate(&mutated, &corpus, &mut rng, SMALL);
        let written = restore.clone().unwrap_or_else(|| file.clone());
        std::fs::write(&written, &mutated).unwrap();
        let r = std::panic::catch_unwind(|| run(&file, &models_copy));
        if let Some(target) = &restore {
            std::fs::write(target, &text).unwrap();
        }
        let what = match r {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(_) => "panicked".to_string(),
        };
        let saved = std::env::temp_dir().join(format!("mmcheck-fuzz-{i}.mmk"));
        let _ = std::fs::write(&saved, &mutated);
        failures.push(format!(
            "input {i} ({} + {} {}): {what}; saved as {}",
            base.display(),
            OPS[i % OPS.len()],
            ops.join(" "),
            saved.display()
        ));
    }
    assert!(used.iter().all(|&n| n > 0));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
