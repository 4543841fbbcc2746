//! The breadth-first checker on toy models whose answers are known by hand.

use super::*;

/// Two threads each increment a shared counter `n` times, non-atomically (load, then
/// store). Violation: the final count is short (a lost update), which needs 4 steps at least.
struct Counter {
    n: u8,
}

#[derive(Clone, Hash, PartialEq, Eq, Debug)]
struct CState {
    count: u8,
    pc: [u8; 2],
    reg: [u8; 2],
    done: [u8; 2],
}

impl Model for Counter {
    type State = CState;
    type Action = u8;
    fn initial(&self) -> CState {
        CState {
            count: 0,
            pc: [0; 2],
            reg: [0; 2],
            done: [0; 2],
        }
    }
    fn actions(&self, s: &CState, out: &mut Vec<u8>) {
        for t in 0..2 {
            if s.done[t] < self.n {
                out.push(t as u8);
            }
        }
    }
    fn next(&self, s: &CState, a: u8) -> Transition<CState> {
        let t = a as usize;
        let mut s = s.clone();
        if s.pc[t] == 0 {
            s.reg[t] = s.count;
            s.pc[t] = 1;
        } else {
            s.count = s.reg[t] + 1;
            s.pc[t] = 0;
            s.done[t] += 1;
        }
        Transition::Next(s, None)
    }
    fn at_end(&self, s: &CState) -> Option<Violation> {
        (s.count != 2 * self.n).then(|| Violation {
            invariant: "lost_write",
            message: format!("count {}", s.count),
        })
    }
}

/// Two locks taken in opposite orders: the classic ABBA deadlock in 2 steps.
struct Abba;

impl Model for Abba {
    type State = ([u8; 2], [Option<u8>; 2]);
    type Action = u8;
    fn initial(&self) -> Self::State {
        ([0, 0], [None, None])
    }
    fn actions(&self, s: &Self::State, out: &mut Vec<u8>) {
        for t in 0..2u8 {
            if s.0[t as usize] < 3 {
                out.push(t);
            }
        }
    }
    fn next(&self, s: &Self::State, t: u8) -> Transition<Self::State> {
        let (mut pc, mut locks) = *s;
        let ti = t as usize;
        let order = if t == 0 { [0, 1] } else { [1, 0] };
        match pc[ti] {
            0 | 1 => {
                let l = order[pc[ti] as usize];
                if locks[l].is_some() {
                    return Transition::Disabled;
                }
                locks[l] = Some(t);
            }
            _ => locks = [None, None],
        }
        pc[ti] += 1;
        Transition::Next((pc, locks), None)
    }
    fn at_end(&self, s: &Self::State) -> Option<Violation> {
        (s.0 != [3, 3]).then(|| Violation {
            invariant: "deadlock",
            message: "stuck".into(),
        })
    }
}

#[test]
fn finds_the_shortest_lost_update() {
    let r = bfs::check(&Counter { n: 2 }, Limits::default(), StopOn::Any, None);
    let f = r.get("lost_write").expect("found");
    // the shortest: both load 0 ... every thread must finish, so 2*2*2 = 8 steps
    assert_eq!(f.path.len(), 8);
    let states = replay(&Counter { n: 2 }, &f.path).expect("replays");
    let last = states.last().unwrap();
    assert!(last.count < 4);
}

#[test]
fn counts_every_reachable_state() {
    // with n = 1, enumerate by hand: per-thread phases (pc, done) in {(0,0),(1,0),(0,1)},
    // 9 combinations with different counts/registers: the checker and replay agree
    let r = bfs::check(&Counter { n: 1 }, Limits::default(), StopOn::Never, None);
    assert!(r.complete);
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![Counter { n: 1 }.initial()];
    let m = Counter { n: 1 };
    while let Some(s) = stack.pop() {
        if !seen.insert(s.clone()) {
            continue;
        }
        let mut acts = Vec::new();
        m.actions(&s, &mut acts);
        for a in acts {
            if let Transition::Next(n, _) = m.next(&s, a) {
                stack.push(n);
            }
        }
    }
    assert_eq!(r.stats.states, seen.len() as u64);
}

#[test]
fn deadlock_is_reported_at_its_depth() {
    let r = bfs::check(&Abba, Limits::default(), StopOn::Any, None);
    let f = r.get("deadlock").expect("deadlock");
    assert_eq!(f.path.len(), 2);
}

#[test]
fn limits_stop_cleanly_and_report_coverage() {
    let r = bfs::check(
        &Counter { n: 6 },
        Limits {
            max_states: Some(20),
            ..Limits::default()
        },
        StopOn::Never,
        None,
    );
    assert!(!r.complete);
    assert!(r.stopped.as_deref().unwrap_or("").contains("state limit"));
    assert_eq!(r.verdict(), Verdict::Incomplete);
}

#[test]
fn a_safe_model_is_safe() {
    struct Safe;
    impl Model for Safe {
        type State = u8;
        type Action = u8;
        fn initial(&self) -> u8 {
            0
        }
        fn actions(&self, s: &u8, out: &mut Vec<u8>) {
            if *s < 10 {
                out.push(0);
            }
        }
        fn next(&self, s: &u8, _: u8) -> Transition<u8> {
            Transition::Next(s + 1, None)
        }
        fn at_end(&self, _: &u8) -> Option<Violation> {
            None
        }
    }
    let r = bfs::check(&Safe, Limits::default(), StopOn::Any, None);
    assert_eq!(r.verdict(), Verdict::Safe);
    assert_eq!(r.stats.states, 11);
}

impl random::Actors for Counter {
    fn actor(&self, a: &u8) -> Option<usize> {
        Some(*a as usize)
    }
    fn actors(&self) -> usize {
        2
    }
}

impl random::Actors for Abba {
    fn actor(&self, a: &u8) -> Option<usize> {
        Some(*a as usize)
    }
    fn actors(&self) -> usize {
        2
    }
}

#[test]
fn preemption_bounding_finds_a_bug_at_its_bound() {
    // ABBA needs one preemption: thread 0 takes A, thread 1 runs while 0 could go on.
    let (r, k) = bounded::run(&Abba, 0, Limits::default(), StopOn::Any);
    assert!(r.found.is_empty(), "no deadlock without preemption");
    assert_eq!(k, Some(0));
    let (r, k) = bounded::run(&Abba, 3, Limits::default(), StopOn::Any);
    assert_eq!(k, Some(1));
    let f = r.get("deadlock").expect("deadlock at bound 1");
    assert!(ends_in(&Abba, &f.path, "deadlock"));
}

#[test]
fn an_uncut_bound_is_exhaustive_and_agrees_with_bfs() {
    let m = Counter { n: 2 };
    let (r, _) = bounded::run(&m, 100, Limits::default(), StopOn::Never);
    assert!(r.complete);
    let plain = bfs::check(&m, Limits::default(), StopOn::Never, None);
    assert_eq!(r.kinds(), plain.kinds());
}

#[test]
fn random_and_pct_runs_find_the_lost_update_and_replay() {
    for strategy in [random::Strategy::Uniform, random::Strategy::Pct(2)] {
        let opts = random::RandomOpts {
            strategy,
            seed: 7,
            runs: 500,
            max_steps: 100,
        };
        let (r, cov) = random::run(&Counter { n: 2 }, opts, Limits::default(), StopOn::Any);
        let f = r.get("lost_write").expect("found");
        assert!(ends_in(&Counter { n: 2 }, &f.path, "lost_write"));
        assert!(cov.runs >= 1 && cov.runs <= 500);
        assert!(!r.complete);
        // minimising gives the breadth-first shortest
        assert_eq!(
            minimise(&Counter { n: 2 }, f, 10_000, Limits::default()).len(),
            8
        );
    }
}

#[test]
fn shrinking_without_a_budget_still_returns_a_valid_shorter_path() {
    let m = Counter { n: 2 };
    let opts = random::RandomOpts {
        strategy: random::Strategy::Uniform,
        seed: 3,
        runs: 500,
        max_steps: 100,
    };
    let (r, _) = random::run(&m, opts, Limits::default(), StopOn::Any);
    let f = r.get("lost_write").expect("found");
    // a budget of 1 state makes the breadth-first pass give up: greedy shrinking runs
    let p = minimise(&m, f, 1, Limits::default());
    assert!(p.len() <= f.path.len());
    assert!(ends_in(&m, &p, "lost_write"));
}
