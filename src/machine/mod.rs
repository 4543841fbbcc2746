//! The x86 machine running a lowered program: per-CPU TLBs, page tables with their locks,
//! page frames, userfaultfd queues, the model's objects in flat memory (mmap_lock is a word
//! of its mm_struct: `mm_contract`), and one kernel/user thread per CPU.
//! It implements `explore::Model`; it never knows how it is being searched.

mod constants;
mod declared;
mod encode;
pub(crate) mod family;
pub mod footprint;
mod init;
mod interp;
mod invariants;
mod liveness;
mod mm_contract;
mod prims;
mod select;
pub mod state;
mod symmetry;
pub mod trace;
mod x86;

use crate::explore::{Footprint, Model, Reducible, Transition, Violation};
use crate::ir::{Instr, Program};
pub use state::State;

/// The invariants a test may name in `expect violation(NAME)` (DESIGN.md section 5).
pub const INVARIANTS: &[(&str, &str)] = &[
    (
        "lost_write",
        "a retired user store disappeared (end to end, or copied past by a COW)",
    ),
    (
        "stale_tlb",
        "a CPU caches a more permissive translation than the PTE, with no flush pending",
    ),
    (
        "use_after_free",
        "an access through a TLB entry, PTE or kernel copy to a freed frame",
    ),
    (
        "deadlock",
        "no CPU program can move, and one has not finished (it waits on a lock, or sleeps with nobody left to wake it)",
    ),
    (
        "livelock",
        "a CPU can never finish: from some reachable state, no interleaving lets every program end",
    ),
    (
        "sigsegv",
        "a user program was killed by SIGSEGV (a fault the kernel could not resolve)",
    ),
    (
        "sigbus",
        "a user program was killed by SIGBUS (VM_FAULT_SIGBUS from the fault path)",
    ),
    (
        "lock_hygiene",
        "a PTE written without its PTL, a sleep with the PTL held, a lock leaked or released twice",
    ),
    ("assertion", "an assert()/BUG_ON() in a model failed"),
    (
        "model_error",
        "the model itself went wrong at run time (type error, bad pointer, runaway loop)",
    ),
];

/// One atomic step of the machine.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Action {
    /// CPU n runs its next step (kernel or user code).
    Cpu(u8),
    /// CPU n stands at a `nondet()` and runs its next step with that outcome (both are
    /// offered, instead of `Cpu(n)`).
    Choose(u8, bool),
    /// Hardware drops a TLB entry (knob `tlb_evict`): CPU n's entry `mm * slots + slot`.
    Evict(u8, u16),
    /// Hardware fills a TLB entry speculatively from a present PTE (knob `tlb_speculative`).
    Fill(u8, u16),
    /// CPU n (IRQs enabled) takes the IPI of CPU m and enters its handler for the call m
    /// queued on it (`family/ipi.rs`).
    Ipi(u8, u8),
}

pub struct Machine {
    pub prog: Program,
    pub initial: State,
    /// Per function and position: what running on from there may touch.
    futures: Vec<Vec<Footprint>>,
    /// Per function and position: the locals still to be read.
    live: Vec<Vec<u128>>,
    /// Apply `canonicalise` after every step (on unless a test turns it off).
    state_reductions: bool,
    /// The interchangeable pool frames, when relabelling them is sound.
    pool: Option<std::ops::Range<usize>>,
    /// What the per-state invariants read, the model's own included: a step writing it is
    /// visible to them and never reduced.
    observed: u64,
    /// Per declared invariant, what it reads (0 for end-of-run ones).
    declared_reads: Vec<u64>,
    /// Per declared invariant: every evaluation for a page so far read only that page's
    /// words (`declared.rs`), so a step that leaves a page's words alone leaves its verdict.
    page_local: std::sync::Arc<Vec<std::sync::atomic::AtomicBool>>,
    /// Per function: it takes the address of a local (`&x`), so pointers to its call may
    /// outlive it and are made dangling when it returns.
    takes_address: Vec<bool>,
    /// The mm_struct words the TLB checks read (`tlb_flush_pending`, `tlb_flush_batched`).
    mm_contract: mm_contract::MmContract,
    /// The program sends IPIs (`family/ipi.rs`): CPUs may be interrupted.
    uses_ipi: bool,
    /// A present PMD entry may change (`x86::pmds_change`): reading one is a step.
    pmds_change: bool,
    /// The model's `stale_tlb_flush_owed(cpu, mm)`, if it has one (`invariants/stale_tlb.rs`).
    flush_owed_hook: Option<u16>,
    /// The model's `swap_slot_page(entry)`, if it has one (`invariants/lost_write.rs`).
    swap_page_hook: Option<u16>,
    /// A device may store into a pinned page (`dma_add`): a discarded page keeps its
    /// `Taken::DONE` mark while it lives, so that a DMA into it is the program's race.
    uses_dma: bool,
    /// Per word: a field no running code writes (`constants`).
    constant_words: Vec<bool>,
}

/// The model functions the machine's own checks call when a model defines them
/// (`read_only_hook()`): stale_tlb's promise and lost_write's view of a swapped-out address.
pub const CHECK_HOOKS: &[&str] = &["stale_tlb_flush_owed", "swap_slot_page"];

/// Per function: does it take the address of one of its locals (`&x`)?
fn takes_address(prog: &Program) -> Vec<bool> {
    prog.funcs
        .iter()
        .map(|f| f.code.iter().any(|i| matches!(i, Instr::AddrLocal(_))))
        .collect()
}

impl Machine {
    /// Builds the initial state; an impossible scenario is a located error.
    pub fn new(mut prog: Program) -> Result<Machine, crate::lang::Diag> {
        // per-CPU words need no bits unless a model invariant reads them, or IPIs let one
        // CPU's code run on another's behalf (family/ipi.rs)
        let constant_words = constants::unwritten_words(&prog);
        let uses_ipi = family::ipi::used_by(&prog);
        let pmds_change = x86::pmds_change(&prog);
        let uses_dma = prog.may_call(|p| p == crate::ir::Prim::DmaAdd);
        let quiet = !footprint::invariants_read_per_cpu(&prog) && !uses_ipi;
        prog.memory.obj_bits =
            footprint::obj_bit_table(&prog.memory, quiet, &constants::unnamed_words(&prog));
        let initial = init::initial_state(&prog)?;
        let futures = footprint::summaries(&prog);
        let live = liveness::live_locals(&prog);
        let takes_address = takes_address(&prog);
        let page_local = std::sync::Arc::new(
            prog.declared
                .iter()
                .map(|_| std::sync::atomic::AtomicBool::new(true))
                .collect(),
        );
        let mm_contract = mm_contract::MmContract::resolve(&prog.memory)?;
        let mut m = Machine {
            prog,
            initial,
            futures,
            live,
            state_reductions: true,
            pool: None,
            observed: footprint::OBSERVED,
            declared_reads: Vec::new(),
            page_local,
            takes_address,
            mm_contract,
            uses_ipi,
            pmds_change,
            uses_dma,
            flush_owed_hook: None,
            swap_page_hook: None,
            constant_words,
        };
        m.declared_reads = m.declared_footprint()?;
        m.observed |= m.declared_reads.iter().fold(0, |a, r| a | r);
        m.flush_owed_hook = m.flush_owed_hook()?;
        m.swap_page_hook = m.read_only_hook(CHECK_HOOKS[1], "(entry)", "the lost_write check")?;
        if let Some(f) = m.flush_owed_hook {
            // what the hook reads decides stale_tlb as much as the TLBs do
            let fp = m.futures[f as usize].first().copied().unwrap_or_default();
            m.observed |= fp.reads | fp.writes;
            if fp.reads & footprint::OWN_TLB != 0 {
                m.observed |= footprint::ALL_TLBS;
            }
        }
        // stale_tlb reads the model's tlb_flush_pending, tlb_flush_batched and mmap_lock
        m.observed |= m.mm_contract.observed(&m.prog.memory);
        m.pool = symmetry::pool(&m.prog);
        let mut initial = m.initial.clone();
        for tid in 0..initial.threads.len() {
            m.clear_dead_locals(&mut initial, tid, 0);
        }
        m.initial = initial;
        m.check_initial()?;
        Ok(m)
    }

    pub fn slots(&self) -> usize {
        self.prog.scenario.slots
    }

    pub fn cpus(&self) -> usize {
        self.prog.scenario.cpus
    }
}

impl Model for Machine {
    type State = State;
    type Action = Action;

    fn initial(&self) -> State {
        self.initial.clone()
    }

    fn actions(&self, s: &State, out: &mut Vec<Action>) {
        for (i, t) in s.threads.iter().enumerate() {
            if t.status != state::Status::Running {
                continue;
            }
            if interp::at_choice(self, s, i) {
                out.push(Action::Choose(i as u8, false));
                out.push(Action::Choose(i as u8, true));
            } else {
                out.push(Action::Cpu(i as u8));
            }
        }
        if !s.csd.is_empty() {
            let cpus = self.cpus();
            for (target, t) in s.threads.iter().enumerate().take(cpus) {
                if t.irqs_off {
                    continue;
                }
                for sender in 0..cpus {
                    if s.csd[sender * cpus + target].state == state::CsdState::Queued {
                        out.push(Action::Ipi(target as u8, sender as u8));
                    }
                }
            }
        }
        let k = &self.prog.scenario.knobs;
        if k.tlb_evict || k.tlb_speculative {
            let l = &self.prog.scenario.layout;
            let row = l.mms * l.slots();
            for cpu in 0..self.cpus() {
                // (an entry of any mm may go; `Evict` counts in the CPU's row of mm x slot)
                if k.tlb_evict {
                    for i in 0..row {
                        if s.tlb[cpu * row + i].is_some() {
                            out.push(Action::Evict(cpu as u8, i as u16));
                        }
                    }
                }
                // (a speculative fill walks the mm the CPU runs)
                if k.tlb_speculative {
                    let mm = s.mm_of_cpu(cpu);
                    for slot in 0..l.slots() {
                        let e = s.tlb[l.tlb_index(cpu, mm, slot)];
                        if x86::speculative_fill(s, l, mm, slot).is_some_and(|f| Some(f) != e) {
                            out.push(Action::Fill(cpu as u8, slot as u16));
                        }
                    }
                }
            }
        }
    }

    fn next(&self, s: &State, a: Action) -> Transition<State> {
        let mut st = s.clone();
        match self.step(&mut st, a).0 {
            Transition::Next((), v) => Transition::Next(st, v),
            Transition::Violation(v) => Transition::Violation(v),
            Transition::Disabled => Transition::Disabled,
        }
    }

    fn at_end(&self, s: &State) -> Option<Violation> {
        self.selected_end(self.check_end(s)).or_else(|| {
            // the model's end-of-run invariants, where every program has finished
            if self.prog.declared.iter().any(|d| d.at_end)
                && (0..s.threads.len()).all(|t| waiting_on(self, s, t).is_none())
            {
                self.check_declared(&mut s.clone(), true, !0)
            } else {
                None
            }
        })
    }

    fn is_program(&self, a: Action) -> bool {
        // an IPI is owed to the CPU that waits for its call: a run has not ended before it
        matches!(a, Action::Cpu(_) | Action::Choose(..) | Action::Ipi(..))
    }

    fn never_ends(&self, s: &State) -> Option<Violation> {
        self.checks("livelock").then(|| self.livelock(s))
    }

    fn state_bytes(&self, s: &State) -> usize {
        state_bytes(s)
    }

    fn fingerprint(&self, s: &State) -> u128 {
        thread_local! {
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUF.with(|b| {
            let mut b = b.borrow_mut();
            encode::encode(s, &mut b);
            xxhash_rust::xxh3::xxh3_128(&b)
        })
    }
}

impl crate::explore::Compact for Machine {
    fn encode(&self, s: &State, out: &mut Vec<u8>) {
        encode::encode(s, out);
    }
    fn decode_into(&self, b: &[u8], into: &mut State) {
        encode::decode_into(b, into, &self.prog.funcs);
    }
    fn encode_successor(&self, parent: &[u8], actor: Option<usize>, s: &State, out: &mut Vec<u8>) {
        match actor {
            Some(a) => encode::encode_successor(parent, a, s, out),
            None => encode::encode(s, out),
        }
    }
    fn assign(&self, from: &State, into: &mut State) {
        into.assign_from(from);
    }
    fn step_in_place(&self, s: &mut State, a: Action) -> (Transition<()>, Footprint, bool) {
        self.step(s, a)
    }
}

/// A frame's generation only tells TLB entries filled before a free from ones filled after:
/// with no TLB entry naming the frame, it is reset, so that states differing only in how
/// often a frame was recycled are one state.
fn forget_unseen_generations(st: &mut State) {
    for (f, fr) in st.frames.iter_mut().enumerate() {
        if fr.generation != 0 && !st.tlb.iter().flatten().any(|e| e.pfn as usize == f + 1) {
            fr.generation = 0;
        }
    }
}

impl Machine {
    /// CPU `target` takes the IPI of `sender` and enters its handler for the call `sender`
    /// queued (kernel/smp.c generic_smp_call_function_single_interrupt()): a new call of
    /// the function on its stack, over whatever it was running (or on an idle CPU whose
    /// program has ended), with IRQs disabled until the handler returns.
    fn take_ipi(&self, st: &mut State, target: usize, sender: usize) -> interp::StepResult {
        let cpus = self.cpus();
        let i = sender * cpus + target;
        let (th, c) = (&st.threads[target], st.csd[i]);
        if th.irqs_off || c.state != state::CsdState::Queued {
            return interp::StepResult::Blocked;
        }
        if th.frames.len() >= interp::MAX_CALL_DEPTH {
            return interp::StepResult::Violation(crate::explore::Violation {
                invariant: "model_error",
                message: format!("cpu{target} takes an IPI with its call stack full"),
            });
        }
        st.csd[i].state = state::CsdState::Running;
        let th = &mut st.threads[target];
        let f = &self.prog.funcs[c.func as usize];
        th.push_frame(c.func, f, &[c.info], true);
        th.top_mut().entry = state::CallFrame::IPI + sender as u8;
        th.status = state::Status::Running;
        th.irqs_off = true;
        interp::StepResult::Stepped
    }

    /// The same machine without the state-space reductions of `canonicalise` (for the tests
    /// that show they change no verdict).
    pub fn without_state_reductions(mut self) -> Machine {
        self.state_reductions = false;
        self.initial = init::initial_state(&self.prog).expect("built once already");
        self
    }

    /// Forgets what no later step can observe, so that states differing only there are one
    /// state: dead locals of the CPU that stepped, generations no TLB entry can compare
    /// against, the last-store ghost (messages only; replayed traces keep it), and which
    /// free-pool frame is which (`symmetry`).
    /// False if frames were renumbered (every thread may have changed).
    /// `clear_from`: the stepping thread's calls below it kept their positions and locals
    /// (`interp::Untouched`), so their dead locals are cleared already.
    fn canonicalise(&self, st: &mut State, a: Action, clear_from: usize) -> bool {
        if let Action::Cpu(c) | Action::Choose(c, _) = a {
            self.clear_dead_locals(st, c as usize, clear_from);
        }
        forget_unseen_generations(st);
        for fr in st.frames.iter_mut() {
            fr.last_store = None;
        }
        match &self.pool {
            Some(pool) => !symmetry::canonicalise(st, pool, &self.prog.memory),
            None => true,
        }
    }

    /// Sets the locals of `tid` that will not be read again to null, in its calls from
    /// depth `from` on.
    fn clear_dead_locals(&self, st: &mut State, tid: usize, from: usize) {
        let th = &mut st.threads[tid];
        for depth in from..th.frames.len() {
            let f = th.frames[depth];
            let live = self.live[f.func as usize]
                .get(f.pc as usize)
                .copied()
                .unwrap_or(u128::MAX);
            for (i, v) in th.locals_mut(depth).iter_mut().enumerate() {
                if i < 128 && live & (1 << i) == 0 {
                    *v = crate::ir::Value::Null;
                }
            }
        }
    }

    /// One step in place, and what it touched; `st` is garbage unless the step ran.
    fn step(&self, st: &mut State, a: Action) -> (Transition<()>, Footprint, bool) {
        let mut soft = None;
        let mut clear_from = 0;
        let all = Footprint {
            reads: !0,
            writes: !0,
        };
        let mut fp = all;
        let r = match a {
            // a choice is taken by its two outcomes only, and only where the CPU stands at one
            Action::Cpu(c) | Action::Choose(c, _)
                if interp::at_choice(self, st, c as usize) != matches!(a, Action::Choose(..)) =>
            {
                interp::StepResult::Blocked
            }
            Action::Cpu(c) | Action::Choose(c, _) => {
                let choice = match a {
                    Action::Choose(_, b) => Some(b),
                    _ => None,
                };
                declared::WRITTEN.with_borrow_mut(|w| w.start());
                let (r, v, f, kept) = interp::step_with(self, st, c as usize, choice, None);
                soft = v;
                fp = f;
                clear_from = kept.clear_from;
                r
            }
            Action::Evict(c, slot) => {
                declared::WRITTEN.with_borrow_mut(|w| w.start());
                let l = &self.prog.scenario.layout;
                st.tlb[c as usize * l.mms * l.slots() + slot as usize] = None;
                interp::StepResult::Stepped
            }
            Action::Fill(c, slot) => {
                declared::WRITTEN.with_borrow_mut(|w| w.start());
                if x86::fill_tlb(st, &self.prog.scenario.layout, c as usize, slot as usize) {
                    interp::StepResult::Stepped
                } else {
                    interp::StepResult::Blocked
                }
            }
            Action::Ipi(target, sender) => {
                declared::WRITTEN.with_borrow_mut(|w| w.start());
                fp = footprint::on_cpu(footprint::IPI_TAKE, target as usize);
                self.take_ipi(st, target as usize, sender as usize)
            }
        };
        if self.uses_ipi && matches!(a, Action::Cpu(_) | Action::Choose(..)) {
            // any CPU may be interrupted: its steps and the IPIs it may take do not commute
            fp.reads |= footprint::IRQ;
        }
        let mut local = true;
        if let (interp::StepResult::Stepped, true) = (&r, self.state_reductions) {
            local = self.canonicalise(st, a, clear_from);
        }
        if !local {
            // pages relabelled: the written words no longer say which page is which
            declared::WRITTEN.with_borrow_mut(|w| w.known = false);
        }
        let t = match r {
            interp::StepResult::Blocked => Transition::Disabled,
            interp::StepResult::Violation(v) => Transition::Violation(self.selected_stop(v)),
            interp::StepResult::Stepped => {
                let v = self.selected(soft, st, fp.writes);
                Transition::Next((), v)
            }
        };
        declared::WRITTEN.with_borrow_mut(|w| w.known = false);
        (t, fp, local)
    }
}

impl Reducible for Machine {
    fn actor_of(&self, a: Action) -> Option<usize> {
        match a {
            Action::Cpu(c) => Some(c as usize),
            // A choice's two outcomes are two actions of one CPU: taking either alone as a
            // persistent singleton would drop the other (a false SAFE), so neither is ever
            // reduced.
            Action::Choose(..) | Action::Evict(..) | Action::Fill(..) | Action::Ipi(..) => None,
        }
    }

    fn others_future(&self, s: &State, actor: usize) -> Footprint {
        self.others_future(s, actor)
    }

    fn observed(&self) -> u64 {
        self.observed
    }
}

fn state_bytes(s: &State) -> usize {
    {
        use std::mem::size_of;
        let threads: usize = s
            .threads
            .iter()
            .map(|t| {
                size_of::<state::Thread>()
                    + t.frames.capacity() * size_of::<state::CallFrame>()
                    + t.arena.capacity() * size_of::<crate::ir::Value>()
                    + t.heap
                        .iter()
                        .map(|r| {
                            size_of::<state::Record>()
                                + r.fields.capacity() * size_of::<crate::ir::Value>()
                        })
                        .sum::<usize>()
            })
            .sum();
        size_of::<State>()
            + threads
            + s.tlb.capacity() * size_of::<Option<state::TlbEntry>>()
            + s.ptes.capacity() * size_of::<crate::ir::Pte>()
            + s.ptl.capacity() * 2
            + s.mms
                .iter()
                .map(|_| size_of::<state::MmState>())
                .sum::<usize>()
            + s.frames.capacity() * size_of::<state::Frame>()
            + s.expected.capacity() * 8
            + s.swap.capacity() * 8
            + s.vma_rcu.capacity()
            + s.lazyfree.capacity()
            + s.mem.capacity() * 8
    }
}

impl crate::explore::random::Actors for Machine {
    fn actor(&self, a: &Action) -> Option<usize> {
        match a {
            // a choice is its CPU's own move: no preemption, same PCT priority
            Action::Cpu(c) | Action::Choose(c, _) | Action::Ipi(c, _) => Some(*c as usize),
            Action::Evict(..) | Action::Fill(..) => None,
        }
    }
    fn actors(&self) -> usize {
        self.cpus()
    }
}

/// The CPU argument of the csd_lock_wait() at `prim_pc`: on the operand stack if the thread
/// stands at the call itself, else the local its statement passes (`csd_lock_wait(cpu)`).
fn waited_cpu(
    t: &state::Thread,
    func: &crate::ir::Func,
    pc: usize,
    prim_pc: usize,
) -> Option<crate::ir::Value> {
    if pc == prim_pc {
        return t.peek(0);
    }
    match func.code.get(prim_pc.checked_sub(1)?)? {
        Instr::Load(i) => Some(t.local(t.frames.len() - 1, *i as usize)),
        _ => None,
    }
}

/// Why the CPU an IPI waits for does not take it, if it has IRQs disabled.
fn ipi_target_off(s: &State, cpu: Option<crate::ir::Value>) -> Option<String> {
    let Some(crate::ir::Value::Int(c)) = cpu else {
        return None;
    };
    let t = s.threads.get(usize::try_from(c).ok()?)?;
    t.irqs_off
        .then(|| format!(" (cpu{c} has IRQs disabled: it does not take the IPI)"))
}

/// What a thread that cannot move waits on; None if it has finished, or is idle in a way
/// that ends a run (a uffd monitor blocked reading, a fault parked on the monitor).
pub(crate) fn waiting_on(m: &Machine, s: &State, tid: usize) -> Option<String> {
    let t = &s.threads[tid];
    if t.status != state::Status::Running {
        return None;
    }
    let Some(f) = t.frames.last() else {
        return Some("its program's end".into());
    };
    let func = &m.prog.funcs[f.func as usize];
    let place = if func.user {
        "user code".to_string()
    } else {
        format!("{}()", func.name)
    };
    // Parked or blocked where the model says it may idle (set_idle()): an end, like a
    // server with no work; a monitor blocked reading, a fault waiting for the monitor.
    if t.idle {
        return None;
    }
    if !t.task_running {
        return Some(format!("sleeps in {place} and nothing is left to wake it"));
    }
    // The thread sits at a statement start or at the primitive it yielded on: find the
    // primitive it is stuck on.
    let mut pc = f.pc as usize;
    while let Some(i) = func.code.get(pc) {
        match i {
            Instr::Prim { prim, .. } if prim.class() == crate::ir::PrimClass::Shared => {
                use crate::ir::Prim::{FlushTlbMm, FlushTlbPage, FlushTlbRange};
                let ipi = match prim {
                    FlushTlbPage | FlushTlbRange | FlushTlbMm => prims::ipi_held_off(s, tid, t.mm)
                        .map(|c| format!(" (its shootdown IPI: cpu{c} has IRQs disabled)")),
                    // the call waited for: its target may have IRQs disabled
                    crate::ir::Prim::Family(_) if prim.name() == "csd_lock_wait" => {
                        ipi_target_off(s, waited_cpu(t, func, f.pc as usize, pc))
                    }
                    _ => None,
                };
                return Some(format!(
                    "waits in {} in {place}{}",
                    prim.name(),
                    ipi.unwrap_or_default()
                ));
            }
            Instr::Call { .. }
            | Instr::CallIndirect { .. }
            | Instr::Return
            | Instr::Deref
            | Instr::User(_) => break,
            _ => pc += 1,
        }
    }
    Some(format!("waits in {place}"))
}
