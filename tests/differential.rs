//! The other searches against the plain breadth-first search, on the bundled scenarios:
//! an exhaustive (uncut) preemption-bounded search must find exactly the same kinds of
//! violation, and every counterexample any search returns must replay to its violation.

mod common;

use mmcheck::explore::{Limits, StopOn, bfs, bounded, ends_in, random};
use mmcheck::machine::Machine;

/// Scenarios small enough to explore many times over.
fn small() -> Vec<(String, Machine)> {
    let all = common::bundled();
    let cap = Limits {
        max_states: Some(6_000),
        ..Limits::default()
    };
    all.into_iter()
        .filter(|(_, m)| bfs::check(m, cap, StopOn::Never, None).complete)
        .collect()
}

#[test]
fn exhaustive_bounded_search_finds_the_same_violation_kinds_as_bfs() {
    let ms = small();
    assert!(ms.len() >= 15, "only {} small scenarios", ms.len());
    for (name, m) in &ms {
        let plain = bfs::check(m, Limits::default(), StopOn::Never, None);
        let (b, _) = bounded::run(m, 64, Limits::default(), StopOn::Never);
        assert!(b.complete, "{name}: bound 64 did not exhaust it");
        assert_eq!(b.kinds(), plain.kinds(), "{name}");
        assert_eq!(b.complete, plain.complete, "{name}");
        for f in plain.found.iter().chain(&b.found) {
            assert!(
                ends_in(m, &f.path, f.violation.invariant),
                "{name}: {} does not replay",
                f.violation.invariant
            );
        }
    }
}

#[test]
fn random_and_pct_find_only_violations_bfs_can_reach() {
    for (name, m) in small() {
        let plain = bfs::check(&m, Limits::default(), StopOn::Never, None).kinds();
        for strategy in [random::Strategy::Uniform, random::Strategy::Pct(3)] {
            let opts = random::RandomOpts {
                strategy,
                seed: 11,
                runs: 200,
                max_steps: 500,
            };
            let (r, _) = random::run(&m, opts, Limits::default(), StopOn::Never);
            for f in &r.found {
                assert!(
                    plain.contains(&f.violation.invariant),
                    "{name}: {} not reachable by BFS",
                    f.violation.invariant
                );
                assert!(
                    ends_in(&m, &f.path, f.violation.invariant),
                    "{name}: does not replay"
                );
            }
        }
    }
}

#[test]
fn every_search_takes_both_outcomes_of_a_choice() {
    // A choice's outcomes are two moves of one CPU: the bounded search must not count the
    // second as a preemption, and PCT must not always take the same one.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mmk/semantics/nondet-choice.mmk");
    let mut ms = Vec::new();
    common::load(&path, false, &mut ms);
    for (name, m) in ms.iter().filter(|(n, _)| n.contains("is found")) {
        let (b, _) = bounded::run(m, 0, Limits::default(), StopOn::Never);
        assert_eq!(b.kinds(), vec!["assertion"], "{name}: bound 0");
        for strategy in [random::Strategy::Uniform, random::Strategy::Pct(3)] {
            let opts = random::RandomOpts {
                strategy,
                seed: 11,
                runs: 50,
                max_steps: 500,
            };
            let (r, _) = random::run(m, opts, Limits::default(), StopOn::Never);
            assert_eq!(r.kinds(), vec!["assertion"], "{name}: {strategy:?}");
        }
    }
}
