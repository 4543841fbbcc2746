//! Breadth-first stateful search: the plain reference checker. It finds the shortest
//! counterexample (fewest steps) for each invariant it sees broken, and stores 128-bit
//! fingerprints of visited states.

use super::livelock::Graph;
use super::{Found, Limits, Model, Report, Stats, StopOn, Transition, path_to};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Set by the Ctrl-C handler: searches stop cleanly with a summary.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// 128-bit fingerprint of a state (xxh3).
pub fn fingerprint<S: Hash>(s: &S) -> u128 {
    let mut h = Fp(xxhash_rust::xxh3::Xxh3::new());
    s.hash(&mut h);
    h.0.digest128()
}

struct Fp(xxhash_rust::xxh3::Xxh3);
impl Hasher for Fp {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// The fingerprints are already uniform: use their low bits as the table hash.
#[derive(Default)]
pub struct FpHasher(u64);
impl Hasher for FpHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | *b as u64;
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
pub type FpMap<V> = HashMap<u128, V, BuildHasherDefault<FpHasher>>;

pub struct Progress<'a> {
    pub every_seconds: f64,
    pub report: &'a dyn Fn(&Stats, usize),
}

pub fn check<M: Model>(
    model: &M,
    limits: Limits,
    stop_on: StopOn,
    progress: Option<Progress>,
) -> Report<M::Action> {
    let start = Instant::now();
    let mut stats = Stats::default();
    // node i: (parent node, action that led here); node 0 is the initial state.
    let mut nodes: Vec<(u32, Option<M::Action>)> = vec![(0, None)];
    // fingerprint -> node number
    let mut visited: FpMap<u32> = FpMap::default();
    let init = model.initial();
    visited.insert(model.fingerprint(&init), 0);
    // every expanded state's successors, for the livelock check after an exhaustive search
    let mut graph = Graph::default();
    let mut succs: Vec<u32> = Vec::new();
    // Average size of a frontier state, sampled from the states generated.
    let (mut sampled_bytes, mut sampled) = (0u64, 0u64);
    let mut level: Vec<(M::State, u32)> = vec![(init, 0)];
    let mut next_level: Vec<(M::State, u32)> = Vec::new();
    let mut acts = Vec::new();
    let mut found: Vec<Found<M::Action>> = Vec::new();
    let mut depth = 0u64;
    let mut last_report = 0.0;
    stats.states = 1;
    let per_entry = 16 + 8 + std::mem::size_of::<(u32, Option<M::Action>)>() as u64;
    let finish = |mut stats: Stats,
                  found: Vec<Found<M::Action>>,
                  complete: bool,
                  stopped: Option<String>,
                  depth: u64| {
        stats.seconds = start.elapsed().as_secs_f64();
        stats.bytes_per_state = per_entry;
        stats.peak_memory_bytes = stats.peak_memory_bytes.max(stats.states * per_entry);
        stats.max_depth = stats.max_depth.max(depth);
        let mut found = found;
        found.sort_by_key(|f| f.path.len());
        Report {
            found,
            complete,
            stopped,
            stats,
        }
    };
    while !level.is_empty() {
        for (s, node) in level.drain(..) {
            acts.clear();
            model.actions(&s, &mut acts);
            // a program step can run (else this is an end state); a step stopped the run
            let (mut program, mut stops) = (false, false);
            succs.clear();
            for &a in &acts {
                match model.next(&s, a) {
                    Transition::Disabled => {}
                    Transition::Violation(v) => {
                        program |= model.is_program(a);
                        stops = true;
                        stats.transitions += 1;
                        let mut p = path_to(&nodes, node);
                        p.push(a);
                        super::record_shortest(&mut found, v, p);
                    }
                    Transition::Next(s2, soft) => {
                        program |= model.is_program(a);
                        stats.transitions += 1;
                        if let Some(v) = soft
                            && !found.iter().any(|f| f.violation.invariant == v.invariant)
                        {
                            let mut p = path_to(&nodes, node);
                            p.push(a);
                            super::record_shortest(&mut found, v, p);
                        }
                        let fp = model.fingerprint(&s2);
                        let fresh = nodes.len() as u32;
                        let id = *visited.entry(fp).or_insert(fresh);
                        succs.push(id);
                        if id == fresh {
                            if stats.states & 0x3f == 0 {
                                sampled_bytes += model.state_bytes(&s2) as u64;
                                sampled += 1;
                            }
                            nodes.push((node, Some(a)));
                            next_level.push((s2, fresh));
                            stats.states += 1;
                        }
                    }
                }
            }
            debug_assert_eq!(graph.len(), node as usize, "states expand in node order");
            graph.add(succs.iter().copied(), !program || stops);
            if !program {
                stats.end_states += 1;
                stats.end_digest ^= model.fingerprint(&s);
                if let Some(v) = model.at_end(&s) {
                    super::record_shortest(&mut found, v, path_to(&nodes, node));
                }
            }
            // limits and progress, checked cheaply
            if stats.states & 0x3ff == 0 || STOP.load(Ordering::Relaxed) {
                let secs = start.elapsed().as_secs_f64();
                let state_size = sampled_bytes
                    .checked_div(sampled)
                    .unwrap_or(std::mem::size_of::<M::State>() as u64);
                stats.bytes_per_frontier_state = state_size;
                let mem = stats.states * per_entry
                    + (next_level.len() as u64) * state_size
                    + graph.bytes();
                stats.peak_memory_bytes = stats.peak_memory_bytes.max(mem);
                let stop = super::stop_reason(&limits, stats.states, secs, mem);
                if let Some(reason) = stop {
                    stats.complete_depth = depth;
                    return finish(stats, found, false, Some(reason), depth);
                }
                if let Some(p) = &progress
                    && secs - last_report >= p.every_seconds
                {
                    last_report = secs;
                    stats.seconds = secs;
                    stats.max_depth = depth;
                    (p.report)(&stats, next_level.len());
                }
            }
        }
        stats.complete_depth = depth;
        if stop_on.met(&found) {
            return finish(stats, found, false, None, depth);
        }
        depth += 1;
        std::mem::swap(&mut level, &mut next_level);
    }
    let d = depth.saturating_sub(1);
    stats.complete_depth = d;
    drop(visited);
    super::record_livelock(model, &graph, &nodes, &mut found);
    finish(stats, found, true, None, d)
}
