//! Bad input never panics: random text, and random mutations of a valid test file, go through
//! the whole front end, the machine's initial checks and a bounded search.

use mmcheck::explore::{Limits, StopOn, bfs};
use mmcheck::lang::{LoadOptions, load_file};
use mmcheck::machine::Machine;
use proptest::prelude::*;

const VALID: &str = include_str!("mmk/uffd-wp/scenario-a-v5.10.mmk");

fn run(text: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("t.mmk");
    std::fs::write(&p, text).expect("write");
    let opts = LoadOptions {
        models_dir: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models")),
    };
    if let Ok(l) = load_file(&p, &opts) {
        for prog in l.tests {
            if let Ok(m) = Machine::new(prog) {
                let lim = Limits {
                    max_states: Some(300),
                    ..Limits::default()
                };
                let _ = bfs::check(&m, lim, StopOn::Any, None);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        run(&s);
    }

    #[test]
    fn mutated_tests_never_panic(pos in 0usize..VALID.len(), len in 0usize..12, insert in "[ -~]{0,6}") {
        let mut t = VALID.to_string();
        let start = (0..=pos).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
        let end = (start + len).min(t.len());
        let end = (end..=t.len()).find(|&i| t.is_char_boundary(i)).unwrap_or(t.len());
        t.replace_range(start..end, &insert);
        run(&t);
    }

    #[test]
    fn numbers_in_scenarios_never_panic(cpus in -3i64..20, value in any::<i64>(), refs in -2i64..12, idx in -2i64..4) {
        let t = format!(
            "test \"n\" {{ kernel \"linux-5.10\"; cpus {cpus}; vma X[2]: anon private read write;
               page P = {value} {{ extra_refs: {refs} }}; pte X[{idx}] -> P {{ write dirty }};
               cpu0 {{ X[1] += {value}; }} expect safe; }}"
        );
        run(&t);
    }
}
