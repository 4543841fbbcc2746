//! Random exploration for scenarios too large to exhaust: uniform random walks, and PCT
//! (probabilistic concurrency testing: random thread priorities with d-1 priority change
//! points, Burckhardt et al., ASPLOS 2010). Every run is reproducible from its seed, and a
//! violation is returned as a replayable path.

use super::{Found, Limits, Model, Report, Stats, StopOn, Transition};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
pub enum Strategy {
    /// Each step picks uniformly among the enabled actions.
    Uniform,
    /// PCT with this depth d (d-1 priority change points).
    Pct(u32),
}

#[derive(Debug, Clone, Copy)]
pub struct RandomOpts {
    pub strategy: Strategy,
    pub seed: u64,
    pub runs: u64,
    pub max_steps: u64,
}

/// What the runs covered, for the report.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub runs: u64,
    pub distinct_states: u64,
    pub longest_run: u64,
}

/// The actor of an action, for PCT priorities; `None` for environment actions (hardware),
/// which run when no actor is enabled or at random with low probability.
pub trait Actors: Model {
    fn actor(&self, a: &Self::Action) -> Option<usize>;
    fn actors(&self) -> usize;
}

pub fn run<M: Actors>(
    model: &M,
    opts: RandomOpts,
    limits: Limits,
    stop_on: StopOn,
) -> (Report<M::Action>, Coverage) {
    let start = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut seen: HashSet<u128> = HashSet::new();
    let mut cov = Coverage::default();
    let mut stats = Stats::default();
    let mut found: Vec<Found<M::Action>> = Vec::new();
    let mut acts = Vec::new();
    let mut stopped = None;
    'runs: for _ in 0..opts.runs {
        let done = stop_on.met(&found);
        if done {
            break;
        }
        let estimate = seen.len() as u64 * 48;
        if let Some(r) = super::stop_reason(
            &limits,
            stats.states,
            start.elapsed().as_secs_f64(),
            estimate,
        ) {
            stopped = Some(r);
            break;
        }
        cov.runs += 1;
        // PCT: a random priority per actor, and d-1 change points
        let n = model.actors();
        let mut prio: Vec<u64> = (0..n as u64).map(|i| i + 1000).collect();
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i);
            prio.swap(i, j);
        }
        // PCT draws change points among the k steps a run takes: estimate k by the longest
        // run so far.
        let k = if cov.longest_run > 0 {
            cov.longest_run
        } else {
            opts.max_steps.min(64)
        }
        .max(1);
        let change_points: Vec<u64> = match opts.strategy {
            Strategy::Pct(d) => (0..d.saturating_sub(1))
                .map(|_| rng.random_range(1..=k))
                .collect(),
            Strategy::Uniform => Vec::new(),
        };
        let mut s = model.initial();
        let mut path = Vec::new();
        for step in 1..=opts.max_steps {
            acts.clear();
            model.actions(&s, &mut acts);
            let mut enabled: Vec<(M::Action, Transition<M::State>)> = Vec::new();
            for &a in &acts {
                let t = model.next(&s, a);
                if !matches!(t, Transition::Disabled) {
                    enabled.push((a, t));
                }
            }
            stats.transitions += enabled.len() as u64;
            // an end state: no program step can run (hardware events may go on for ever)
            if !enabled.iter().any(|(a, _)| model.is_program(*a)) {
                if let Some(v) = model.at_end(&s) {
                    super::record_shortest(&mut found, v, path.clone());
                }
                break;
            }
            let pick = match opts.strategy {
                Strategy::Uniform => rng.random_range(0..enabled.len()),
                Strategy::Pct(_) => {
                    // the highest-priority enabled actor; hardware only when no actor can run
                    let best = enabled
                        .iter()
                        .filter_map(|(a, _)| model.actor(a).map(|c| prio[c]))
                        .max();
                    // that actor's move, or one of its moves at random (a choice's outcomes)
                    let best = best.map(|p| {
                        let mine: Vec<usize> = (0..enabled.len())
                            .filter(|&i| model.actor(&enabled[i].0).map(|c| prio[c]) == Some(p))
                            .collect();
                        match mine.len() {
                            // no draw: runs without choices keep their random sequence
                            1 => mine[0],
                            n => mine[rng.random_range(0..n)],
                        }
                    });
                    match best {
                        Some(i) => {
                            if let Some(k) = change_points.iter().position(|&p| p == step)
                                && let Some(c) = model.actor(&enabled[i].0)
                            {
                                prio[c] = k as u64; // below every initial priority
                            }
                            i
                        }
                        None => rng.random_range(0..enabled.len()),
                    }
                }
            };
            let (a, t) = enabled.swap_remove(pick);
            path.push(a);
            cov.longest_run = cov.longest_run.max(path.len() as u64);
            match t {
                Transition::Next(s2, soft) => {
                    if let Some(v) = soft {
                        super::record_shortest(&mut found, v, path.clone());
                    }
                    if seen.insert(model.fingerprint(&s2)) {
                        stats.states += 1;
                    }
                    s = s2;
                }
                Transition::Violation(v) => {
                    super::record_shortest(&mut found, v, path.clone());
                    continue 'runs;
                }
                Transition::Disabled => unreachable!("filtered above"),
            }
            if limits
                .max_states
                .is_some_and(|m| stats.states + limits.spent_states >= m)
            {
                stopped = super::stop_reason(&limits, stats.states, 0.0, 0);
                break 'runs;
            }
        }
    }
    cov.distinct_states = stats.states;
    stats.seconds = start.elapsed().as_secs_f64();
    stats.max_depth = cov.longest_run;
    found.sort_by_key(|f| f.path.len());
    (
        Report {
            found,
            complete: false,
            stopped,
            stats,
        },
        cov,
    )
}
