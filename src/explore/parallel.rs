//! Breadth-first search with worker threads and optional partial-order reduction.
//!
//! Levels are expanded in blocks by `threads` workers. Every state of the next level keeps
//! the parent that comes first in the plain search's order (the lowest position in the
//! level, then the lowest action index), so the next level, the node numbering and every
//! counterexample are the same whatever the number of threads: the single-threaded `bfs`
//! search stays the reference, and the differential tests hold this one to it.
//!
//! Reduction: a state is expanded with one step alone (a persistent singleton) when that
//! step (1) writes nothing the per-state invariants read, (2) breaks no invariant, (3)
//! commutes with everything every other actor may still do (`Reducible::others_future`),
//! and (4) leads to a state not seen on an earlier level. Rule (4) is the cycle proviso
//! for breadth-first search: an edge back to an earlier level closes every cycle, so every
//! cycle has a fully expanded state.

use super::bfs::Progress;
use super::livelock::Graph;
use super::{Compact, Found, Limits, Reducible, Report, Stats, StopOn, Transition, path_to};
use hashbrown::HashTable;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Worker threads (1: the search runs on the calling thread).
    pub threads: usize,
    /// Partial-order reduction on.
    pub reduce: bool,
    /// Testing only: footprint bits the reduction treats as never conflicting. Anything but
    /// 0 injects a bug (dependent steps taken as independent) that the differential tests
    /// must catch.
    pub assume_independent: u64,
}

/// The low 40 bits of a stored fingerprint carry the entry's payload: the node number of a
/// state from an earlier level, or the discovery key of one found on the current level.
const PAYLOAD: u128 = (1 << 40) - 1;
const PROVISIONAL: u128 = 1 << 39;
const ACTION_BITS: u32 = 12;
const MAX_LEVEL: usize = 1 << 27;
const SHARDS: usize = 64;
/// A fingerprint in the table: 88 bits of hash and the payload.
const ENTRY_BYTES: u64 = 16;
/// An edge to a state first found on the level being built (`BlockOut::succ_nodes`).
const NEW: u32 = u32::MAX;

enum Seen {
    /// On an earlier level: its node.
    Old(u32),
    /// New, and this discovery comes first so far.
    Won,
    /// New, but an earlier discovery owns it.
    Lost,
}

/// Visited fingerprints in shards, each behind its own lock.
struct Visited {
    shards: Vec<Mutex<HashTable<u128>>>,
}

fn table_hash(e: &u128) -> u64 {
    (e >> 64) as u64
}

impl Visited {
    fn new() -> Visited {
        Visited {
            shards: (0..SHARDS).map(|_| Mutex::new(HashTable::new())).collect(),
        }
    }
    fn shard(&self, key: u128) -> std::sync::MutexGuard<'_, HashTable<u128>> {
        let i = ((key >> 40) as usize) & (SHARDS - 1);
        self.shards[i].lock().unwrap_or_else(|e| e.into_inner())
    }
    fn offer(&self, fp: u128, disc: u64) -> Seen {
        let key = fp & !PAYLOAD;
        let mut t = self.shard(key);
        let entry = key | PROVISIONAL | disc as u128;
        match t.find_mut(table_hash(&key), |e| e & !PAYLOAD == key) {
            None => {
                t.insert_unique(table_hash(&key), entry, table_hash);
                Seen::Won
            }
            Some(e) if *e & PROVISIONAL == 0 => Seen::Old((*e & PAYLOAD) as u32),
            Some(e) if (disc as u128) < *e & (PROVISIONAL - 1) => {
                *e = entry;
                Seen::Won
            }
            Some(_) => Seen::Lost,
        }
    }
    /// The node number of a settled state.
    fn node_of(&self, fp: u128) -> Option<u32> {
        let key = fp & !PAYLOAD;
        let t = self.shard(key);
        t.find(table_hash(&key), |e| e & !PAYLOAD == key)
            .filter(|e| *e & PROVISIONAL == 0)
            .map(|e| (e & PAYLOAD) as u32)
    }
    fn is_old(&self, fp: u128) -> bool {
        let key = fp & !PAYLOAD;
        let t = self.shard(key);
        t.find(table_hash(&key), |e| e & !PAYLOAD == key)
            .is_some_and(|e| e & PROVISIONAL == 0)
    }
    /// Is `disc` the discovery of `fp` that owns it?
    fn is_winner(&self, fp: u128, disc: u64) -> bool {
        let key = fp & !PAYLOAD;
        let t = self.shard(key);
        t.find(table_hash(&key), |e| e & !PAYLOAD == key)
            .is_some_and(|e| *e == key | PROVISIONAL | disc as u128)
    }
    /// Makes the discovery `disc` of `fp` final as node `node`, if it won.
    fn settle(&self, fp: u128, disc: u64, node: u32) -> bool {
        let key = fp & !PAYLOAD;
        let mut t = self.shard(key);
        match t.find_mut(table_hash(&key), |e| e & !PAYLOAD == key) {
            Some(e) if *e == key | PROVISIONAL | disc as u128 => {
                *e = key | node as u128;
                true
            }
            Some(_) => false,
            None => {
                t.insert_unique(table_hash(&key), key | node as u128, table_hash);
                true
            }
        }
    }
}

/// States of a level, packed: `bytes[starts[i]..starts[i + 1]]` is state i, the last one
/// ending at `end`. The chunks made from one block's output share its bytes.
struct Chunk {
    bytes: std::sync::Arc<Vec<u8>>,
    starts: Vec<u32>,
    nodes: Vec<u32>,
    end: u32,
}

impl Chunk {
    /// A chunk of one state.
    fn one(b: &[u8], node: u32) -> Chunk {
        Chunk {
            bytes: std::sync::Arc::new(b.to_vec()),
            starts: vec![0],
            nodes: vec![node],
            end: b.len() as u32,
        }
    }
    fn len(&self) -> usize {
        self.nodes.len()
    }
    fn get(&self, i: usize) -> (&[u8], u32) {
        let end = self.starts.get(i + 1).map_or(self.end, |&e| e) as usize;
        (&self.bytes[self.starts[i] as usize..end], self.nodes[i])
    }
    /// Bytes of its states.
    fn size(&self) -> usize {
        self.starts.first().map_or(0, |&s| (self.end - s) as usize)
    }
}

/// States per chunk of a level (and per block of work).
const CHUNK: usize = 256;

/// A successor that may join the next level (its bytes are in the block's arena).
struct Candidate<A> {
    fp: u128,
    disc: u64,
    parent: u32,
    action: A,
    bytes: std::ops::Range<usize>,
}

/// A block's number and output, the candidates that won, and the first node number they get.
type Settle<'a, A> = (usize, &'a BlockOut<A>, &'a Vec<u32>, usize);

struct BlockOut<A> {
    block: usize,
    cands: Vec<Candidate<A>>,
    arena: Vec<u8>,
    found: Vec<Found<A>>,
    transitions: u64,
    singletons: u64,
    end_states: u64,
    end_digest: u128,
    /// Per expanded state, in order: its node, how many successors it has in `succ_fps`, and whether a
    /// run ends there (for the livelock check).
    expanded: Vec<(u32, u32, bool)>,
    succ_fps: Vec<u128>,
    /// Per successor, its node when it was on an earlier level (`NEW` otherwise: found by
    /// its fingerprint once the level is settled), so that most edges need no second lookup.
    succ_nodes: Vec<u32>,
}

struct Shared<'a, M: Reducible> {
    model: &'a M,
    visited: &'a Visited,
    nodes: &'a [(u32, Option<M::Action>)],
    level: &'a [Chunk],
    /// Index of the first state of each chunk in the level.
    offsets: &'a [usize],
    next_block: AtomicU64,
    reduce: bool,
    assume_independent: u64,
    abort: AtomicBool,
    new_states: AtomicU64,
    /// New states this level may still find before the state limit.
    max_new_states: Option<u64>,
}

/// A step already run from the state being expanded.
enum Tried {
    Disabled,
    Violation(super::Violation),
    /// The successor's encoding is `arena[range]`.
    Next(Option<super::Violation>, std::ops::Range<usize>, u128),
}

/// Per-worker buffers: nothing on the hot path allocates once they have grown.
struct Scratch<S> {
    /// The state being expanded.
    state: S,
    /// Where each step runs.
    work: S,
    buf: Vec<u8>,
    tried: Vec<Option<Tried>>,
    arena: Vec<u8>,
}

impl<S: Clone> Scratch<S> {
    fn new(initial: S) -> Scratch<S> {
        Scratch {
            state: initial.clone(),
            work: initial,
            buf: Vec::new(),
            tried: Vec::new(),
            arena: Vec::new(),
        }
    }
}

/// Runs action `a` from `sc.state` (encoded as `bytes`), leaving the successor's encoding
/// in `sc.buf`.
fn run_step<M: Compact + Reducible>(
    m: &M,
    bytes: &[u8],
    a: M::Action,
    sc: &mut Scratch<M::State>,
) -> (Tried, super::Footprint) {
    m.assign(&sc.state, &mut sc.work);
    let (t, fp, local) = m.step_in_place(&mut sc.work, a);
    let t = match t {
        Transition::Disabled => Tried::Disabled,
        Transition::Violation(v) => Tried::Violation(v),
        Transition::Next((), soft) => {
            let actor = if local { m.actor_of(a) } else { None };
            m.encode_successor(bytes, actor, &sc.work, &mut sc.buf);
            if cfg!(debug_assertions) {
                let mut full = Vec::new();
                m.encode(&sc.work, &mut full);
                assert!(
                    full == sc.buf,
                    "a successor's encoding differs from its full encoding"
                );
                let mut back = sc.work.clone();
                m.decode_into(&sc.buf, &mut back);
                assert!(back == sc.work, "the state encoding is lossy");
            }
            Tried::Next(soft, 0..0, xxhash_rust::xxh3::xxh3_128(&sc.buf))
        }
    };
    (t, fp)
}

/// Picks a persistent singleton at the state in `sc.state` (encoded as `bytes`), leaving
/// its successor in `sc.buf`; or None to expand every action, with the steps run on the way
/// kept in `sc.tried`.
fn singleton<M: Reducible + Compact>(
    sh: &Shared<'_, M>,
    bytes: &[u8],
    acts: &[M::Action],
    sc: &mut Scratch<M::State>,
) -> Option<(usize, u128)> {
    let m = sh.model;
    for (k, &a) in acts.iter().enumerate() {
        let Some(actor) = m.actor_of(a) else {
            continue;
        };
        let (t, fp) = run_step(m, bytes, a, sc);
        let eligible = matches!(t, Tried::Next(None, ..))
            && fp.writes & m.observed() == 0
            && !fp.conflicts(
                m.others_future(&sc.state, actor)
                    .without(sh.assume_independent),
            );
        let t = match t {
            Tried::Next(soft, _, f2) => {
                if eligible && !sh.visited.is_old(f2) {
                    return Some((k, f2));
                }
                let at = sc.arena.len();
                sc.arena.extend_from_slice(&sc.buf);
                Tried::Next(soft, at..sc.arena.len(), f2)
            }
            t => t,
        };
        sc.tried[k] = Some(t);
        if eligible {
            // the one candidate closes a cycle: expand fully
            return None;
        }
    }
    None
}

fn expand_block<M: Reducible + Compact>(
    sh: &Shared<'_, M>,
    block: usize,
    sc: &mut Scratch<M::State>,
) -> BlockOut<M::Action> {
    let m = sh.model;
    let mut out = BlockOut {
        block,
        cands: Vec::new(),
        arena: Vec::new(),
        found: Vec::new(),
        transitions: 0,
        singletons: 0,
        end_states: 0,
        end_digest: 0,
        expanded: Vec::new(),
        succ_fps: Vec::new(),
        succ_nodes: Vec::new(),
    };
    let chunk = &sh.level[block];
    // Sized for a typical level (about one new state and three edges per expanded state),
    // so that the block's vectors seldom grow by copying.
    let n = chunk.len();
    out.arena.reserve(chunk.size() + chunk.size() / 2);
    out.cands.reserve(n + n / 2);
    out.expanded.reserve(n);
    out.succ_fps.reserve(4 * n);
    out.succ_nodes.reserve(4 * n);
    let mut acts = Vec::new();
    for i in 0..chunk.len() {
        // a stop (the state limit, a signal) ends the block: its level is never built
        if sh.abort.load(Ordering::Relaxed) {
            break;
        }
        let pos = sh.offsets[block] + i;
        let (bytes, node) = chunk.get(i);
        m.decode_into(bytes, &mut sc.state);
        acts.clear();
        m.actions(&sc.state, &mut acts);
        sc.tried.clear();
        sc.tried.resize_with(acts.len(), || None);
        sc.arena.clear();
        let disc = |k: usize| ((pos as u64) << ACTION_BITS) | k as u64;
        // records the edge to a successor, and makes it a candidate if it is new
        let offer = |out: &mut BlockOut<M::Action>, k: usize, succ: &[u8], fp| {
            let seen = sh.visited.offer(fp, disc(k));
            out.succ_fps.push(fp);
            out.succ_nodes.push(match seen {
                Seen::Old(n) => n,
                Seen::Won | Seen::Lost => NEW,
            });
            if let Seen::Won = seen {
                let n = sh.new_states.fetch_add(1, Ordering::Relaxed) + 1;
                // The state limit stops every worker after its current block.
                if sh.max_new_states.is_some_and(|m| n >= m) {
                    sh.abort.store(true, Ordering::Relaxed);
                }
                let at = out.arena.len();
                out.arena.extend_from_slice(succ);
                out.cands.push(Candidate {
                    fp,
                    disc: disc(k),
                    parent: node,
                    action: acts[k],
                    bytes: at..out.arena.len(),
                });
            }
        };
        if sh.reduce
            && let Some((k, fp)) = singleton(sh, bytes, &acts, sc)
        {
            out.transitions += 1;
            out.singletons += 1;
            offer(&mut out, k, &sc.buf, fp);
            out.expanded.push((node, 1, false));
            continue;
        }
        // a program step can run (else this is an end state); a step stopped the run
        let (mut program, mut stops) = (false, false);
        let edges_before = out.succ_fps.len();
        for (k, &a) in acts.iter().enumerate() {
            let t = match sc.tried[k].take() {
                Some(t) => t,
                None => run_step(m, bytes, a, sc).0,
            };
            match t {
                Tried::Disabled => {}
                Tried::Violation(v) => {
                    program |= m.is_program(a);
                    stops = true;
                    out.transitions += 1;
                    let mut p = path_to(sh.nodes, node);
                    p.push(a);
                    super::record_shortest(&mut out.found, v, p);
                }
                Tried::Next(soft, range, fp) => {
                    program |= m.is_program(a);
                    out.transitions += 1;
                    if let Some(v) = soft {
                        let mut p = path_to(sh.nodes, node);
                        p.push(a);
                        super::record_shortest(&mut out.found, v, p);
                    }
                    let succ = if range.is_empty() {
                        &sc.buf[..]
                    } else {
                        &sc.arena[range]
                    };
                    offer(&mut out, k, succ, fp);
                }
            }
        }
        let edges = (out.succ_fps.len() - edges_before) as u32;
        out.expanded.push((node, edges, !program || stops));
        if !program {
            out.end_states += 1;
            out.end_digest ^= xxhash_rust::xxh3::xxh3_128(bytes);
            if let Some(v) = m.at_end(&sc.state) {
                super::record_shortest(&mut out.found, v, path_to(sh.nodes, node));
            }
        }
    }
    out
}

/// `f` over `items` on `threads` threads (the caller's included), results in order.
fn par_map<T: Sync, R: Send>(threads: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if threads == 1 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicU64::new(0);
    let run = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed) as usize;
            if i >= items.len() {
                return out;
            }
            out.push((i, f(&items[i])));
        }
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(run)).collect();
        let mut mine = run();
        for h in handles {
            mine.extend(h.join().expect("a search worker panicked"));
        }
        mine
    });
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Encodes a state into `buf` and hashes it.
fn fingerprint<M: Compact>(m: &M, s: &M::State, buf: &mut Vec<u8>) -> u128 {
    buf.clear();
    m.encode(s, buf);

    xxhash_rust::xxh3::xxh3_128(buf)
}

fn worker<M: Reducible + Compact>(sh: &Shared<'_, M>) -> Vec<BlockOut<M::Action>> {
    let mut outs = Vec::new();
    let mut sc = Scratch::new(sh.model.initial());
    while !sh.abort.load(Ordering::Relaxed) {
        let b = sh.next_block.fetch_add(1, Ordering::Relaxed) as usize;
        if b >= sh.level.len() {
            break;
        }
        outs.push(expand_block(sh, b, &mut sc));
    }
    outs
}

pub fn check<M: Reducible + Compact>(
    model: &M,
    limits: Limits,
    stop_on: StopOn,
    opts: Options,
    progress: Option<Progress>,
) -> Report<M::Action> {
    let start = Instant::now();
    let threads = opts.threads.max(1);
    let mut stats = Stats {
        states: 1,
        ..Stats::default()
    };
    let mut nodes: Vec<(u32, Option<M::Action>)> = vec![(0, None)];
    let visited = Visited::new();
    let mut sc = Scratch::new(model.initial());
    visited.settle(fingerprint(model, &sc.state, &mut sc.buf), 0, 0);
    let mut level: Vec<Chunk> = vec![Chunk::one(&sc.buf, 0)];
    let mut level_len = 1usize;
    let mut found: Vec<Found<M::Action>> = Vec::new();
    let (mut sampled_bytes, mut sampled) = (0u64, 0u64);
    let mut singletons = 0u64;
    let per_entry = ENTRY_BYTES + std::mem::size_of::<(u32, Option<M::Action>)>() as u64;
    let mut depth = 0u64;
    let mut last_report = 0.0;
    let mut stopped: Option<String> = None;
    let mut complete = false;
    // every expanded state's successors, for the livelock check after an exhaustive search
    let mut graph = Graph::default();
    loop {
        if level_len == 0 {
            complete = true;
            depth = depth.saturating_sub(1);
            break;
        }
        if level_len >= MAX_LEVEL {
            stopped = Some(format!("a level holds over {MAX_LEVEL} states"));
            break;
        }
        let offsets: Vec<usize> = level
            .iter()
            .scan(0, |acc, c| {
                let o = *acc;
                *acc += c.len();
                Some(o)
            })
            .collect();
        let sh = Shared {
            model,
            visited: &visited,
            nodes: &nodes,
            level: &level,
            offsets: &offsets,
            next_block: AtomicU64::new(0),
            reduce: opts.reduce,
            assume_independent: opts.assume_independent,
            abort: AtomicBool::new(false),
            new_states: AtomicU64::new(0),
            max_new_states: limits
                .max_states
                .map(|m| m.saturating_sub(limits.spent_states + nodes.len() as u64)),
        };
        let frontier_bytes = sampled_bytes.checked_div(sampled).unwrap_or(64);
        let graph_bytes = graph.bytes();
        // Limits and progress, checked while the workers run.
        let watch = |sh: &Shared<'_, M>, stats: &mut Stats, last: &mut f64| -> Option<String> {
            let secs = start.elapsed().as_secs_f64();
            let states = stats.states + sh.new_states.load(Ordering::Relaxed);
            let mem = states * per_entry
                + (level_len as u64 + sh.new_states.load(Ordering::Relaxed)) * frontier_bytes
                + graph_bytes;
            stats.peak_memory_bytes = stats.peak_memory_bytes.max(mem);
            let reason = super::stop_reason(&limits, states, secs, mem);
            if let Some(p) = &progress
                && secs - *last >= p.every_seconds
            {
                *last = secs;
                let mut now = stats.clone();
                now.states = states;
                now.seconds = secs;
                now.max_depth = depth;
                now.bytes_per_frontier_state = frontier_bytes;
                (p.report)(&now, level_len);
            }
            reason
        };
        let mut outs: Vec<BlockOut<M::Action>> = if threads == 1 || level.len() < 2 {
            let mut outs = Vec::with_capacity(level.len());
            for b in 0..level.len() {
                if let Some(r) = watch(&sh, &mut stats, &mut last_report) {
                    stopped = Some(r);
                    break;
                }
                if sh.abort.load(Ordering::Relaxed) {
                    break;
                }
                outs.push(expand_block(&sh, b, &mut sc));
            }
            outs
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (1..threads).map(|_| scope.spawn(|| worker(&sh))).collect();
                // The calling thread works too, and watches limits between its blocks.
                let mut mine = Vec::new();
                while !sh.abort.load(Ordering::Relaxed) {
                    let b = sh.next_block.fetch_add(1, Ordering::Relaxed) as usize;
                    if b >= sh.level.len() {
                        break;
                    }
                    mine.push(expand_block(&sh, b, &mut sc));
                    if let Some(r) = watch(&sh, &mut stats, &mut last_report) {
                        stopped = Some(r);
                        sh.abort.store(true, Ordering::Relaxed);
                    }
                }
                for h in handles {
                    mine.extend(h.join().expect("a search worker panicked"));
                }
                mine
            })
        };
        outs.sort_by_key(|o| o.block);
        let discovered = sh.new_states.load(Ordering::Relaxed);
        if stopped.is_none() && sh.abort.load(Ordering::Relaxed) {
            // a worker saw the state limit
            stopped = super::stop_reason(&limits, nodes.len() as u64 + discovered, 0.0, 0);
        }
        if stopped.is_none() {
            // Building the next level copies its states once more: stop first if that
            // copy would break a memory limit.
            let more: u64 = outs.iter().map(|o| o.arena.len() as u64).sum();
            let estimate = (nodes.len() as u64 + discovered) * per_entry + more;
            stopped = super::would_exceed(&limits, more, estimate);
        }
        if stopped.is_some() {
            // Stopping: keep what was found, but do not build a level nobody will expand.
            for o in outs {
                stats.transitions += o.transitions;
                singletons += o.singletons;
                for f in o.found {
                    super::record_shortest(&mut found, f.violation, f.path);
                }
            }
            stats.states = nodes.len() as u64 + discovered;
            stats.complete_depth = depth;
            if limits
                .max_states
                .is_some_and(|m| stats.states + limits.spent_states >= m)
                && !super::bfs::STOP.load(Ordering::Relaxed)
            {
                // one count: the states this search holds
                stopped = Some(format!(
                    "state limit reached ({} states)",
                    stats.states + limits.spent_states
                ));
            }
            break;
        }
        // Merge in block order: the next level in the plain search's order. Which
        // candidates won is read in parallel; node numbers follow from the counts; entries
        // are settled and the next level's chunks built in parallel again.
        let winners: Vec<Vec<u32>> = par_map(threads, &outs, |o| {
            (0..o.cands.len() as u32)
                .filter(|&i| {
                    let c = &o.cands[i as usize];
                    visited.is_winner(c.fp, c.disc)
                })
                .collect()
        });
        let mut bases = Vec::with_capacity(outs.len());
        let mut id = nodes.len();
        for w in &winners {
            bases.push(id);
            id += w.len();
        }
        // Each block's arena becomes its chunk of the next level: the winners' bytes are
        // moved down over the losers' in place (no second copy, no fresh memory).
        let arenas: Vec<Mutex<Vec<u8>>> = outs
            .iter_mut()
            .map(|o| Mutex::new(std::mem::take(&mut o.arena)))
            .collect();
        let work: Vec<Settle<'_, M::Action>> = outs
            .iter()
            .zip(&winners)
            .zip(&bases)
            .enumerate()
            .map(|(j, ((o, w), &b))| (j, o, w, b))
            .collect();
        let parts = par_map(threads, &work, |&(j, o, w, base)| {
            let mut bytes =
                std::mem::take(&mut *arenas[j].lock().unwrap_or_else(|e| e.into_inner()));
            let mut starts = Vec::with_capacity(w.len());
            let mut ids = Vec::with_capacity(w.len());
            let mut links = Vec::with_capacity(w.len());
            let mut at = 0usize;
            for (k, &i) in w.iter().enumerate() {
                let c = &o.cands[i as usize];
                let id = (base + k) as u32;
                visited.settle(c.fp, c.disc, id);
                links.push((c.parent, Some(c.action)));
                // candidates lie in the arena in order, so this never moves bytes up
                debug_assert!(c.bytes.start >= at);
                let len = c.bytes.len();
                bytes.copy_within(c.bytes.clone(), at);
                starts.push(at as u32);
                ids.push(id);
                at += len;
            }
            bytes.truncate(at);
            // cut into chunks of at most CHUNK states, the next level's blocks of work
            let bytes = std::sync::Arc::new(bytes);
            let chunks: Vec<Chunk> = (0..starts.len())
                .step_by(CHUNK)
                .map(|from| {
                    let to = (from + CHUNK).min(starts.len());
                    Chunk {
                        bytes: bytes.clone(),
                        starts: starts[from..to].to_vec(),
                        nodes: ids[from..to].to_vec(),
                        end: starts.get(to).map_or(at as u32, |&e| e),
                    }
                })
                .collect();
            (links, chunks)
        });
        // Every successor is settled now: the expanded states' edges as node numbers.
        let targets: Vec<Vec<u32>> = par_map(threads, &outs, |o| {
            o.succ_fps
                .iter()
                .zip(&o.succ_nodes)
                .map(|(&fp, &n)| {
                    if n != NEW {
                        return n;
                    }
                    visited
                        .node_of(fp)
                        .expect("every successor is settled after the merge")
                })
                .collect()
        });
        for (o, t) in outs.iter().zip(&targets) {
            let mut at = 0usize;
            for &(node, n, ends) in &o.expanded {
                debug_assert_eq!(graph.len(), node as usize, "states expand in node order");
                graph.add(t[at..at + n as usize].iter().copied(), ends);
                at += n as usize;
            }
        }
        drop(targets);
        let mut next: Vec<Chunk> = Vec::new();
        let mut next_len = 0usize;
        for (links, chunks) in parts {
            nodes.extend_from_slice(&links);
            for chunk in chunks {
                sampled_bytes += chunk.size() as u64 + 8 * chunk.len() as u64;
                sampled += chunk.len() as u64;
                next_len += chunk.len();
                next.push(chunk);
            }
        }
        for o in outs {
            stats.transitions += o.transitions;
            singletons += o.singletons;
            stats.end_states += o.end_states;
            stats.end_digest ^= o.end_digest;
            for f in o.found {
                super::record_shortest(&mut found, f.violation, f.path);
            }
        }
        stats.states = nodes.len() as u64;
        stats.complete_depth = depth;
        if stopped.is_some() || stop_on.met(&found) {
            break;
        }
        depth += 1;
        level = next;
        level_len = next_len;
    }
    stats.seconds = start.elapsed().as_secs_f64();
    stats.bytes_per_state = per_entry;
    stats.bytes_per_frontier_state = sampled_bytes.checked_div(sampled).unwrap_or(64);
    stats.peak_memory_bytes = stats.peak_memory_bytes.max(stats.states * per_entry);
    stats.max_depth = stats.max_depth.max(depth);
    if complete {
        stats.complete_depth = depth;
    }
    stats.singletons = opts.reduce.then_some(singletons);
    if complete {
        // the visited set is no longer needed: free it before the backward pass needs room
        drop(visited);
        super::record_livelock(model, &graph, &nodes, &mut found);
    }
    found.sort_by_key(|f| f.path.len());
    Report {
        found,
        complete,
        stopped,
        stats,
    }
}
