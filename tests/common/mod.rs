//! Loading scenarios for the integration tests that compare searches.

use mmcheck::lang::{LoadOptions, load_file};
use mmcheck::machine::Machine;
use std::path::Path;

/// The tests of one file, named `path :: test`. A bundled file must load and every scenario
/// in it must be possible; `skip_impossible` drops impossible scenarios (generated files).
pub fn load(path: &Path, skip_impossible: bool, out: &mut Vec<(String, Machine)>) {
    let opts = LoadOptions {
        models_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("models")),
    };
    let l =
        load_file(path, &opts).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.1.message));
    for prog in l.tests {
        let name = format!("{} :: {}", path.display(), prog.scenario.name);
        match Machine::new(prog) {
            Ok(m) => out.push((name, m)),
            Err(_) if skip_impossible => {}
            Err(e) => panic!("{name}: {}", e.message),
        }
    }
}

/// A test file, not a model file that tests beside it import (as `mmcheck test` tells them).
fn has_tests(p: &Path) -> bool {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .any(|l| l.starts_with("test \""))
}

/// Every test of the bundled suite (`tests/mmk`), in path order.
pub fn bundled() -> Vec<(String, Machine)> {
    fn walk(dir: &Path, out: &mut Vec<(String, Machine)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "mmk") && has_tests(&p) {
                load(&p, false, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mmk"),
        &mut out,
    );
    out
}
