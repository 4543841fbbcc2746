//! Model checkers. They see a model only through the `Model` trait: states are opaque values
//! to hash and store; actions are opaque labels to replay. Nothing here knows what a PTE is.

pub mod bfs;
pub mod bounded;
pub mod livelock;
pub mod memory;
pub mod parallel;
pub mod random;

use std::fmt::Debug;
use std::hash::Hash;

/// A violated invariant, named as in DESIGN.md section 5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: &'static str,
    pub message: String,
}

pub enum Transition<S> {
    /// The action cannot run here (its lock is taken, nothing to wake it, ...).
    Disabled,
    /// The successor, and an invariant the step broke without stopping the machine (the
    /// search records it and goes on, so later violations stay reachable).
    Next(S, Option<Violation>),
    /// The step broke an invariant and has no successor.
    Violation(Violation),
}

/// When a search may stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopOn {
    /// At the first violation (of the shortest depth).
    Any,
    /// Once this invariant is found (its shortest counterexample).
    Invariant(&'static str),
    /// Never: explore everything and report every reachable kind of violation.
    Never,
}

impl StopOn {
    /// Has the search found what it was asked for?
    pub fn met<A>(self, found: &[Found<A>]) -> bool {
        match self {
            StopOn::Any => !found.is_empty(),
            StopOn::Invariant(k) => found.iter().any(|f| f.violation.invariant == k),
            StopOn::Never => false,
        }
    }
}

pub trait Model: Sync {
    type State: Clone + Hash + Eq + Send + Sync;
    type Action: Copy + Eq + Hash + Debug + Send + Sync;

    fn initial(&self) -> Self::State;
    /// Candidate actions; some may turn out to be disabled.
    fn actions(&self, s: &Self::State, out: &mut Vec<Self::Action>);
    fn next(&self, s: &Self::State, a: Self::Action) -> Transition<Self::State>;
    /// Called on end states, where no program step is enabled (hardware events may still
    /// be): deadlock and end-of-run checks.
    fn at_end(&self, s: &Self::State) -> Option<Violation>;

    /// Is this action a step of a program, rather than an event of the environment (the
    /// hardware) that may happen forever? End states are where no program step is enabled.
    fn is_program(&self, _a: Self::Action) -> bool {
        true
    }

    /// The violation for a state from which no run can end (a livelock), if the model
    /// checks it.
    fn never_ends(&self, _s: &Self::State) -> Option<Violation> {
        Some(Violation {
            invariant: "livelock",
            message: "from here, no interleaving reaches an end state".into(),
        })
    }

    /// Bytes a state occupies, heap parts included (for memory limits and reports).
    fn state_bytes(&self, _s: &Self::State) -> usize {
        std::mem::size_of::<Self::State>()
    }

    /// A 128-bit fingerprint of a state; equal states must give equal fingerprints.
    fn fingerprint(&self, s: &Self::State) -> u128 {
        bfs::fingerprint(s)
    }
}

/// The shared objects a step read and wrote, as bits whose meaning the model chooses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub reads: u64,
    pub writes: u64,
}

impl Footprint {
    pub const fn union(self, o: Footprint) -> Footprint {
        Footprint {
            reads: self.reads | o.reads,
            writes: self.writes | o.writes,
        }
    }
    /// The footprint with some objects dropped.
    pub const fn without(self, bits: u64) -> Footprint {
        Footprint {
            reads: self.reads & !bits,
            writes: self.writes & !bits,
        }
    }
    /// Do two steps with these footprints fail to commute?
    pub fn conflicts(self, o: Footprint) -> bool {
        self.writes & (o.reads | o.writes) != 0 || o.writes & self.reads != 0
    }
}

/// What partial-order reduction needs from a model: steps that report their footprint, and
/// for each actor an over-approximation of what everybody else may still do.
pub trait Reducible: Model {
    /// The actor (thread) of an action; actions without one are never reduced.
    fn actor_of(&self, a: Self::Action) -> Option<usize>;
    /// Everything every action of other actors may touch from `s` on, along any path.
    fn others_future(&self, s: &Self::State, actor: usize) -> Footprint;
    /// Objects the per-state invariants read: a step writing one is visible.
    fn observed(&self) -> u64;
}

/// States that pack into bytes: a search can keep its frontier as bytes, and fingerprint
/// the bytes (`fingerprint` must equal the xxh3-128 of `encode`'s output).
pub trait Compact: Model {
    fn encode(&self, s: &Self::State, out: &mut Vec<u8>);
    /// Restores an encoded state into `into`, any state of the same model (its buffers are
    /// reused, so a step costs no allocation for it).
    fn decode_into(&self, b: &[u8], into: &mut Self::State);
    /// The encoding of `s`, reached by a step of `actor` from the state encoded as `parent`
    /// (a model may copy the parts such a step cannot change).
    fn encode_successor(
        &self,
        _parent: &[u8],
        _actor: Option<usize>,
        s: &Self::State,
        out: &mut Vec<u8>,
    ) {
        out.clear();
        self.encode(s, out);
    }
    /// `*into = from.clone()`, reusing `into`'s buffers where the model can.
    fn assign(&self, from: &Self::State, into: &mut Self::State) {
        *into = from.clone();
    }
    /// Runs `a` on `s` in place and says what it touched, and whether the step changed
    /// nothing of other actors' own parts that `encode_successor` may copy (false: encode
    /// the successor whole). After `Next`, `s` is the successor; otherwise its contents are
    /// unspecified.
    fn step_in_place(
        &self,
        s: &mut Self::State,
        a: Self::Action,
    ) -> (Transition<()>, Footprint, bool);
}

/// When to give up, and say what was covered. Limits are global to a run: a search that
/// follows others in the same run (the next test of a file, the re-run that shortens a
/// counterexample, minimisation) gets them with what was spent (`after`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub max_states: Option<u64>,
    pub max_seconds: Option<f64>,
    /// Resident memory of the whole process, measured (estimated where /proc is missing).
    pub max_memory_bytes: Option<u64>,
    /// Virtual size of the process (`ulimit -v`), measured.
    pub max_virtual_bytes: Option<u64>,
    /// States explored and seconds spent by the run's earlier searches.
    pub spent_states: u64,
    pub spent_seconds: f64,
}

impl Limits {
    /// The same limits for a search that follows one that explored `states` in `seconds`.
    pub fn after(self, states: u64, seconds: f64) -> Limits {
        Limits {
            spent_states: self.spent_states + states,
            spent_seconds: self.spent_seconds + seconds,
            ..self
        }
    }

    /// Why no further search may start, if none may.
    pub fn exhausted(&self) -> Option<String> {
        stop_reason(self, 0, 0.0, 0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub states: u64,
    pub transitions: u64,
    /// Every interleaving of up to this many steps was explored.
    pub complete_depth: u64,
    pub max_depth: u64,
    pub seconds: f64,
    /// Bytes kept for every visited state: its fingerprint and its parent link.
    pub bytes_per_state: u64,
    /// Average bytes of a full state waiting in the frontier.
    pub bytes_per_frontier_state: u64,
    pub peak_memory_bytes: u64,
    /// With partial-order reduction: states expanded with a single step.
    pub singletons: Option<u64>,
    /// States where nothing can move (every CPU done, or stuck), and the XOR of their
    /// fingerprints: a reduction must keep exactly this set.
    pub end_states: u64,
    pub end_digest: u128,
}

/// A violation and the shortest path (in steps) from the initial state to it.
#[derive(Debug, Clone)]
pub struct Found<A> {
    pub violation: Violation,
    pub path: Vec<A>,
}

#[derive(Debug, Clone)]
pub struct Report<A> {
    /// One entry per invariant found violated, shortest first.
    pub found: Vec<Found<A>>,
    /// Every reachable state was explored.
    pub complete: bool,
    /// Why the search stopped early (a limit), if it did.
    pub stopped: Option<String>,
    pub stats: Stats,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Safe,
    Violation(&'static str),
    Incomplete,
}

impl<A> Report<A> {
    pub fn verdict(&self) -> Verdict {
        match self.found.first() {
            Some(f) => Verdict::Violation(f.violation.invariant),
            // Safe needs a run that ends: with none reachable, nothing was checked at an end.
            None if self.complete && self.stats.end_states > 0 => Verdict::Safe,
            None => Verdict::Incomplete,
        }
    }
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<_> = self.found.iter().map(|f| f.violation.invariant).collect();
        k.sort();
        k
    }
    pub fn get(&self, invariant: &str) -> Option<&Found<A>> {
        self.found
            .iter()
            .find(|f| f.violation.invariant == invariant)
    }
}

/// Replays a path of actions, returning every intermediate state, or the index of the first
/// action that does not apply.
pub fn replay<M: Model>(model: &M, path: &[M::Action]) -> Result<Vec<M::State>, usize> {
    let mut states = vec![model.initial()];
    for (i, a) in path.iter().enumerate() {
        let cur = states.last().cloned().ok_or(i)?;
        match model.next(&cur, *a) {
            Transition::Next(s, _) => states.push(s),
            Transition::Violation(_) if i + 1 == path.len() => return Ok(states),
            _ => return Err(i),
        }
    }
    Ok(states)
}

#[cfg(test)]
mod tests;

/// The actions from the initial state (node 0) to `n`, in a table of (parent, action).
pub(crate) fn path_to<A: Copy>(nodes: &[(u32, Option<A>)], mut n: u32) -> Vec<A> {
    let mut p = Vec::new();
    while n != 0 {
        let (parent, a) = nodes[n as usize];
        if let Some(a) = a {
            p.push(a);
        }
        n = parent;
    }
    p.reverse();
    p
}

/// Memory is measured against 95% of a limit: the rest covers growth between two checks.
fn near(limit: u64) -> u64 {
    limit / 20 * 19
}

/// Why a search must stop now (a signal or a limit), if it must. `states` and `secs` are
/// this search's; `estimate` is its own estimate of its memory, used where the process's
/// real memory cannot be read.
pub(crate) fn stop_reason(
    limits: &Limits,
    states: u64,
    secs: f64,
    estimate: u64,
) -> Option<String> {
    let (states, secs) = (states + limits.spent_states, secs + limits.spent_seconds);
    if bfs::STOP.load(std::sync::atomic::Ordering::Relaxed) {
        return Some("interrupted (SIGINT, SIGTERM or SIGHUP)".to_string());
    }
    if limits.max_states.is_some_and(|m| states >= m) {
        return Some(format!("state limit reached ({states} states)"));
    }
    if limits.max_seconds.is_some_and(|m| secs >= m) {
        return Some(format!("time limit reached ({secs:.1} s)"));
    }
    if limits.max_memory_bytes.is_none() && limits.max_virtual_bytes.is_none() {
        return None;
    }
    let used = memory::in_use_recent();
    let resident = used.map_or(estimate, |u| u.resident);
    if let Some(m) = limits.max_memory_bytes
        && resident >= near(m)
    {
        return Some(format!(
            "memory limit reached ({} MiB resident of {} MiB)",
            resident >> 20,
            m >> 20
        ));
    }
    if let (Some(m), Some(u)) = (limits.max_virtual_bytes, used)
        && u.virtual_size >= near(m)
    {
        return Some(format!(
            "address-space limit reached ({} MiB of the {} MiB allowed)",
            u.virtual_size >> 20,
            m >> 20
        ));
    }
    None
}

/// Would holding `more` bytes on top of what the process holds break a memory limit?
pub(crate) fn would_exceed(limits: &Limits, more: u64, estimate: u64) -> Option<String> {
    let used = memory::in_use_recent();
    let resident = used.map_or(estimate, |u| u.resident);
    if let Some(m) = limits.max_memory_bytes
        && resident + more >= near(m)
    {
        return Some(format!(
            "memory limit reached ({} MiB resident, {} MiB more needed, of {} MiB)",
            resident >> 20,
            more >> 20,
            m >> 20
        ));
    }
    if let (Some(m), Some(u)) = (limits.max_virtual_bytes, used)
        && u.virtual_size + more >= near(m)
    {
        return Some(format!(
            "address-space limit reached ({} MiB, {} MiB more needed, of {} MiB)",
            u.virtual_size >> 20,
            more >> 20,
            m >> 20
        ));
    }
    None
}

/// Keeps the shortest path per invariant (every search records through this).
pub(crate) fn record_shortest<A>(found: &mut Vec<Found<A>>, v: Violation, path: Vec<A>) {
    match found
        .iter_mut()
        .find(|f| f.violation.invariant == v.invariant)
    {
        Some(f) if f.path.len() > path.len() => *f = Found { violation: v, path },
        Some(_) => {}
        None => found.push(Found { violation: v, path }),
    }
}

/// Does `path` replay from the initial state and break `invariant` at its end (on its last
/// step, or in the state where nothing can move)?
pub fn ends_in<M: Model>(model: &M, path: &[M::Action], invariant: &str) -> bool {
    let mut s = model.initial();
    for (i, a) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match model.next(&s, *a) {
            Transition::Disabled => return false,
            Transition::Violation(v) => return last && v.invariant == invariant,
            Transition::Next(s2, soft) => {
                if last && soft.as_ref().is_some_and(|v| v.invariant == invariant) {
                    return true;
                }
                s = s2;
            }
        }
    }
    if invariant == "livelock" {
        return never_ends_from(model, &s, 1_000_000) == Some(true);
    }
    is_stuck(model, &s) && model.at_end(&s).is_some_and(|v| v.invariant == invariant)
}

/// Is no run able to end from `s` (no state where no program step can run, and no step
/// that stops the machine, is reachable)? None if `budget` states do not decide it.
pub fn never_ends_from<M: Model>(model: &M, s: &M::State, budget: u64) -> Option<bool> {
    let mut seen = bfs::FpMap::default();
    seen.insert(model.fingerprint(s), ());
    let mut todo = vec![s.clone()];
    let mut acts = Vec::new();
    while let Some(s) = todo.pop() {
        acts.clear();
        model.actions(&s, &mut acts);
        let mut program = false;
        for &a in &acts {
            match model.next(&s, a) {
                Transition::Disabled => {}
                Transition::Violation(_) => return Some(false),
                Transition::Next(s2, _) => {
                    program |= model.is_program(a);
                    if seen.insert(model.fingerprint(&s2), ()).is_none() {
                        if seen.len() as u64 > budget {
                            return None;
                        }
                        todo.push(s2);
                    }
                }
            }
        }
        if !program {
            return Some(false);
        }
    }
    Some(true)
}

/// True where no program step can run (hardware events may): an end state, where
/// end-of-run checks and deadlock apply.
pub fn is_stuck<M: Model>(model: &M, s: &M::State) -> bool {
    let mut acts = Vec::new();
    model.actions(s, &mut acts);
    acts.iter()
        .all(|&a| !model.is_program(a) || matches!(model.next(s, a), Transition::Disabled))
}

/// After an exhaustive search over `graph` (node numbers as in `nodes`): records a livelock
/// at the shallowest state from which no run can end.
pub(crate) fn record_livelock<M: Model>(
    model: &M,
    graph: &livelock::Graph,
    nodes: &[(u32, Option<M::Action>)],
    found: &mut Vec<Found<M::Action>>,
) {
    if let Some(n) = graph.first_that_never_ends() {
        let path = path_to(nodes, n);
        let at = replay(model, &path)
            .ok()
            .and_then(|states| states.last().cloned())
            .unwrap_or_else(|| model.initial());
        let Some(mut v) = model.never_ends(&at) else {
            return;
        };
        if path.is_empty() {
            v.message = format!("no end state is reachable at all: {}", v.message);
        }
        record_shortest(found, v, path);
    }
}

/// Shortens a counterexample found by a bounded or random search: first the shortest one
/// by breadth-first search within `budget` states; failing that, greedy removal of single
/// steps while the path still ends in the same violation.
pub fn minimise<M: Model>(
    model: &M,
    found: &Found<M::Action>,
    budget: u64,
    run: Limits,
) -> Vec<M::Action> {
    // the run's own limits, and at most `budget` more states
    let limits = Limits {
        max_states: Some(
            run.max_states
                .unwrap_or(u64::MAX)
                .min(run.spent_states.saturating_add(budget)),
        ),
        ..run
    };
    let r = bfs::check(
        model,
        limits,
        StopOn::Invariant(found.violation.invariant),
        None,
    );
    if let Some(f) = r.get(found.violation.invariant) {
        return f.path.clone();
    }
    let mut path = found.path.clone();
    let mut i = 0;
    let start = std::time::Instant::now();
    while i < path.len() {
        if stop_reason(&limits, 0, start.elapsed().as_secs_f64(), 0).is_some() {
            break;
        }
        let mut shorter = path.clone();
        shorter.remove(i);
        if ends_in(model, &shorter, found.violation.invariant) {
            path = shorter;
        } else {
            i += 1;
        }
    }
    path
}
