//! Iterative preemption bounding (Musuvathi and Qadeer, PLDI 2007): explore every schedule
//! that preempts a runnable actor at most k times, for k = 0, 1, 2, ... A bug that needs k
//! preemptions is found at bound k. Switching away from an actor that cannot move, and
//! environment (hardware) actions, cost nothing. A bound that cuts no schedule has explored
//! every reachable state: the search is then exhaustive and says so.

use super::random::Actors;
use super::{Found, Limits, Report, Stats, StopOn, Transition, bfs};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// A state to expand: the state, the last actor, preemptions used, and the path to it.
type Pending<S, A> = (S, Option<usize>, u32, Vec<A>);

/// Searches with bounds 0..=max_bound; stops after the first bound that meets `stop_on`.
/// Returns the report and the bound reached (every schedule within it was explored).
pub fn run<M: Actors>(
    model: &M,
    max_bound: u32,
    limits: Limits,
    stop_on: StopOn,
) -> (Report<M::Action>, Option<u32>) {
    let start = Instant::now();
    let mut stats = Stats::default();
    let mut covered = None;
    let mut all_found: Vec<Found<M::Action>> = Vec::new();
    let mut complete = false;
    let mut stopped = None;
    let mut checks = 0u64;
    for k in 0..=max_bound {
        // breadth-first over (state, last actor, preemptions used); a state is re-explored
        // only if reached with fewer preemptions for the same last actor
        let mut best: HashMap<(u128, Option<usize>), u32> = HashMap::new();
        let init = model.initial();
        let mut level: Vec<Pending<M::State, M::Action>> = vec![(init, None, 0, Vec::new())];
        let mut found: Vec<Found<M::Action>> = std::mem::take(&mut all_found);
        // no schedule cut by the bound: this bound explored everything reachable
        let mut pruned = false;
        let mut acts = Vec::new();
        while !level.is_empty() {
            let mut next = Vec::new();
            for (s, last, used, path) in level.drain(..) {
                checks += 1;
                // the frontier holds whole states and paths: ~1 KiB each, as an estimate
                let estimate = (best.len() + next.len()) as u64 * 1024;
                if let Some(reason) = (checks.is_multiple_of(64)
                    || bfs::STOP.load(Ordering::Relaxed))
                .then(|| {
                    super::stop_reason(
                        &limits,
                        stats.states,
                        start.elapsed().as_secs_f64(),
                        estimate,
                    )
                })
                .flatten()
                {
                    stats.seconds = start.elapsed().as_secs_f64();
                    return (
                        Report {
                            found,
                            complete: false,
                            stopped: Some(reason),
                            stats,
                        },
                        covered,
                    );
                }
                acts.clear();
                model.actions(&s, &mut acts);
                let mut moves = Vec::new();
                for &a in &acts {
                    let t = model.next(&s, a);
                    if !matches!(t, Transition::Disabled) {
                        moves.push((a, t));
                    }
                }
                // an end state: no program step can run (hardware events may still)
                if !moves.iter().any(|(a, _)| model.is_program(*a))
                    && let Some(v) = model.at_end(&s)
                {
                    super::record_shortest(&mut found, v, path.clone());
                }
                if moves.is_empty() {
                    continue;
                }
                let last_can_run =
                    last.is_some_and(|l| moves.iter().any(|(a, _)| model.actor(a) == Some(l)));
                for (a, t) in moves {
                    stats.transitions += 1;
                    let actor = model.actor(&a);
                    let preempts = last_can_run && actor.is_some() && actor != last;
                    let used2 = used + preempts as u32;
                    if used2 > k {
                        pruned = true;
                        continue;
                    }
                    let last2 = actor.or(last);
                    let mut p = path.clone();
                    p.push(a);
                    match t {
                        Transition::Violation(v) => super::record_shortest(&mut found, v, p),
                        Transition::Next(s2, soft) => {
                            if let Some(v) = soft {
                                super::record_shortest(&mut found, v, p.clone());
                            }
                            let key = (model.fingerprint(&s2), last2);
                            if best.get(&key).is_none_or(|&b| used2 < b) {
                                if !best.contains_key(&key) {
                                    stats.states += 1;
                                }
                                best.insert(key, used2);
                                next.push((s2, last2, used2, p));
                            }
                        }
                        Transition::Disabled => {}
                    }
                    if limits
                        .max_states
                        .is_some_and(|m| stats.states + limits.spent_states >= m)
                    {
                        stats.seconds = start.elapsed().as_secs_f64();
                        let reason = format!(
                            "state limit reached ({} states)",
                            stats.states + limits.spent_states
                        );
                        return (
                            Report {
                                found,
                                complete: false,
                                stopped: Some(reason),
                                stats,
                            },
                            covered,
                        );
                    }
                }
            }
            level = next;
        }
        covered = Some(k);
        stats.max_depth = stats.max_depth.max(k as u64);
        let done = stop_on.met(&found);
        all_found = found;
        if !pruned {
            complete = true;
            break;
        }
        if done {
            break;
        }
    }
    if complete {
        // Every reachable state was seen, but whether a run can end from each needs the
        // whole graph: the plain search decides livelock, within the remaining budget.
        let left = Limits {
            ..limits.after(stats.states, start.elapsed().as_secs_f64())
        };
        let plain = bfs::check(model, left, StopOn::Never, None);
        stats.end_states = plain.stats.end_states;
        stats.end_digest = plain.stats.end_digest;
        match plain.get("livelock") {
            _ if !plain.complete => {
                complete = false;
                stopped = plain.stopped.clone();
            }
            Some(f) => super::record_shortest(&mut all_found, f.violation.clone(), f.path.clone()),
            None => {}
        }
    }
    all_found.sort_by_key(|f| f.path.len());
    stats.seconds = start.elapsed().as_secs_f64();
    (
        Report {
            found: all_found,
            complete,
            stopped,
            stats,
        },
        covered,
    )
}
