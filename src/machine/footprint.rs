//! Footprints for partial-order reduction: which shared objects a step reads and writes, and
//! what each thread may still touch from where it stands.
//!
//! Objects are coarse classes (every PTE is one object, every frame's contents another), so
//! a footprint over-approximates: two steps are independent only if neither writes a class
//! the other touches. Reads that no other thread can change (whether *this* CPU holds a lock,
//! its own task state) are not recorded.

use super::Machine;
use super::state::{State, Status};
use crate::explore::Footprint;
use crate::ir::{Func, Instr, Prim, PrimClass, WordKind};

/// One bit per CPU's TLB (`tlb_bit`), then the object classes.
pub const MAX_CPUS: usize = 16;
/// In static summaries: the TLB of whichever CPU runs the code.
pub(super) const OWN_TLB: u64 = 1 << 16;
pub(super) const ALL_TLBS: u64 = (1 << MAX_CPUS) - 1;
pub const PTE: u64 = 1 << 17;
pub const PTL: u64 = 1 << 18;
/// A CPU's own share of a lock (its reader bit in an rw_semaphore, `family::Access::Shared`),
/// in static summaries only: no step reads or writes it, so it only marks code that may
/// take a lock as code that changes state (an invariant may not).
pub const HOLDS: u64 = 1 << 19;
/// The CPUs' IRQ flags: a shootdown waits for every other CPU to take its IPI, which a CPU
/// with IRQs disabled does not do (`family/irq.rs`).
pub const IRQ: u64 = 1 << 20;
/// Taking an IPI: the CPU's IRQ state and queued calls, and whatever its handler may do
/// (`Machine::thread_future` adds the handler's future).
pub const IPI_TAKE: Footprint = rw(IRQ, IRQ);
/// Page contents and their ghosts (last store, copy source).
pub const DATA: u64 = 1 << 21;
/// Page metadata: allocation, refcount, mapcount, page lock, flags.
pub const META: u64 = 1 << 22;
/// PMD entries and the PTE-table pool (the CPUs' paging-structure caches go with their
/// TLBs).
pub const PGTABLE: u64 = 1 << 23;
/// Tasks' TASK_RUNNING state (uffd wakeups).
pub const WAKE: u64 = 1 << 24;
/// Ghost: the values the retired user stores leave.
pub const EXPECTED: u64 = 1 << 25;
/// Words of declared objects (`machine::family`): one bit per word, words beyond the bits
/// sharing them (two steps on different words whose bits differ commute).
const OBJ_FIRST: u32 = 26;
const OBJ_BITS: usize = 64 - OBJ_FIRST as usize;
pub const OBJ_ALL: u64 = !0 << OBJ_FIRST;

/// The class of word `w` of `State::mem`. The words outside every `struct page` (model
/// globals and each mm's `mm_struct`: few, and touched by most paths, such as mmap_lock)
/// get a bit each while there are bits for them; the `struct page` words share the others
/// round robin, so a page's refcount never shares a bit with mmap_lock. A per-CPU
/// variable's words have none: only their own CPU ever touches them, so no other CPU's
/// step can depend on them.
pub fn obj_bit(mem: &crate::ir::Memory, w: usize) -> u64 {
    match mem.obj_bits.get(w) {
        Some(&b) => b,
        None => obj_bit_table(mem, false, &[])
            .get(w)
            .copied()
            .unwrap_or(OBJ_ALL),
    }
}

/// `obj_bit` for every word (kept in `Memory::obj_bits` by `Machine::new`).
/// With `quiet_per_cpu` false (a model invariant may read per-CPU variables, so a step that
/// changes one must be seen by it), per-CPU words get bits like globals. Words no running
/// code names (`unnamed`, from `machine::constants`; empty: none) get none: no step touches
/// them.
pub fn obj_bit_table(mem: &crate::ir::Memory, quiet_per_cpu: bool, unnamed: &[bool]) -> Vec<u64> {
    let pages = mem.page.map_or(0..0, |p| {
        let b = p.base as usize;
        b..b + (p.stride * p.count) as usize
    });
    let per_cpu = |w: usize| quiet_per_cpu && mem.cpu_of(w).is_some();
    let idle = |w: usize| unnamed.get(w).copied().unwrap_or(false);
    let own = (0..mem.words.len())
        .filter(|&w| !pages.contains(&w) && !per_cpu(w) && !idle(w))
        .count();
    let mut next_own = 0;
    (0..mem.words.len())
        .map(|w| {
            if per_cpu(w) || idle(w) {
                return 0;
            }
            let bit = if own >= OBJ_BITS {
                w % OBJ_BITS
            } else if pages.contains(&w) {
                own + (w - pages.start) % (OBJ_BITS - own)
            } else {
                next_own += 1;
                next_own - 1
            };
            1 << (OBJ_FIRST as usize + bit)
        })
        .collect()
}

pub fn tlb_bit(cpu: usize) -> u64 {
    1 << cpu
}

/// Everything the state invariants of `Machine::check_state` read: a step that writes one of
/// these is visible and never reduced. (The words of the model's mm_struct that `stale_tlb`
/// reads, mmap_lock among them, are added per program: `mm_contract`.)
pub const OBSERVED: u64 = ALL_TLBS | PTE | PTL | META | PGTABLE;

const fn rw(reads: u64, writes: u64) -> Footprint {
    Footprint { reads, writes }
}
const NONE: Footprint = rw(0, 0);

/// A user access on the running CPU: its TLB, a walk (A/D bits), the frame, the ghost.
/// (A CPU's paging-structure cache is its TLB's, for footprints: `OWN_TLB`.)
pub const USER_ACCESS: Footprint = rw(
    OWN_TLB | PTE | PGTABLE | DATA | META,
    OWN_TLB | PTE | DATA | EXPECTED,
);

/// What a primitive may touch, whatever its arguments (the page lock and refcounts are
/// page metadata; the PTL checks in set_pte_at read only whether the caller holds it).
pub fn prim(p: Prim) -> Footprint {
    use Prim::*;
    match p {
        _ if p.class() == PrimClass::Pure => NONE,
        ThisCpuPtr | PerCpuPtr | SmpProcessorId | NrCpuIds | CurrentMm | PteLockptr | PmdOffset
        | PmdLockptr | ZeroPage | IsZeroPfn | ForceSigSegv | ForceSigBus | NotModelled => NONE,
        // a walk from the mm reads its PMD entry
        PteOffsetMap => rw(PGTABLE, 0),
        PmdPopulate | PmdClear | PmdpHugeGetAndClear => rw(PGTABLE, PGTABLE),
        SetPmdAt | PmdpEstablish => rw(PGTABLE | DATA | META, PGTABLE | DATA | META),
        PteAllocOne | PteFree => rw(PGTABLE | PTE | PTL, PGTABLE | PTE | PTL),
        // a choice reads and writes only its own CPU's position
        Nondet => NONE,
        SetPteAt => rw(PTE | DATA | META, PTE | DATA | META | EXPECTED),
        PtepGetAndClear => rw(PTE, PTE),
        // (a VMA argument names its mm through vm_mm: a VMA's allocation and free write
        // PGTABLE, so a flush of a VMA another CPU frees is never reordered past the free)
        FlushTlbPage | FlushTlbRange | FlushTlbMm => rw(ALL_TLBS | IRQ | PGTABLE, ALL_TLBS),
        FlushTlbOneUser | FlushTlbLocal => rw(OWN_TLB, OWN_TLB),
        CopyUserHighpage => rw(DATA | META, DATA),
        // (an mm's being in use goes with its page tables)
        AllocateMm => rw(PGTABLE, PGTABLE),
        FreeMm => rw(
            PGTABLE | OBJ_ALL | ALL_TLBS,
            PGTABLE | OBJ_ALL | ALL_TLBS | EXPECTED,
        ),
        VmAreaAlloc => rw(OBJ_ALL | PGTABLE, OBJ_ALL | PGTABLE),
        VmAreaFree => rw(OBJ_ALL, OBJ_ALL | PGTABLE),
        // (and which CPUs are in read sections, as kfree_rcu())
        VmAreaFreeRcu => rw(OBJ_ALL | WAKE, OBJ_ALL | PGTABLE),
        // the CPU's mm decides which TLB entries its accesses use and which shootdowns wait
        // for it
        SwitchMm => rw(OWN_TLB | IRQ | PGTABLE, OWN_TLB | IRQ),
        DmaAdd => rw(DATA | META | PGTABLE, DATA | EXPECTED),
        MemcmpPages => rw(DATA, 0),
        CopyFromUserInatomic | CopyToUserInatomic => USER_ACCESS,
        Schedule => rw(WAKE, 0),
        Assert | BugOn | Violation => NONE,
        AssumeTlbCoherent => rw(ALL_TLBS | PTE | PTL | PGTABLE, 0),
        GhostDiscard => rw(PGTABLE, DATA | EXPECTED),
        GhostMove => rw(PGTABLE | EXPECTED, DATA | EXPECTED),
        GhostDiscardDone => rw(DATA | PGTABLE, DATA),
        GhostSnapshot => rw(0, DATA),
        GhostLazyfree | GhostLazyfreeDiscard => rw(PGTABLE | EXPECTED, EXPECTED),
        Family(i) => super::family::footprint(i, None),
        _ => rw(!0, !0),
    }
}

/// What one call touches, given its arguments: a family row names the one word it works on.
pub fn prim_call(mem: &crate::ir::Memory, p: Prim, args: &[crate::ir::Value]) -> Footprint {
    match p {
        Prim::Family(i) => super::family::footprint(i, Some((mem, args))),
        _ => prim(p),
    }
}

/// The words of declared objects, grouped for static footprints: by field name
/// (`Program::field_names`: what `obj->field` may touch when the object is known only at
/// run time) and by type (what a family row may touch when its pointer is not known before
/// the run: a row works on words of its family's types only).
pub struct Masks {
    pub fields: Vec<u64>,
    kinds: [u64; WordKind::ALL.len()],
}

fn kind_index(k: WordKind) -> usize {
    WordKind::ALL.iter().position(|(x, _)| *x == k).unwrap_or(0)
}

pub fn masks(p: &crate::ir::Program) -> Masks {
    let mem = &p.memory;
    let mut m = Masks {
        fields: vec![0u64; p.field_names.len()],
        kinds: [0; WordKind::ALL.len()],
    };
    for (w, &(o, f)) in mem.words.iter().enumerate() {
        let s = match o {
            crate::ir::Owner::Global(g) => mem.globals[g as usize].strukt,
            crate::ir::Owner::Page(_) => mem.page.map_or(0, |x| x.strukt),
            crate::ir::Owner::Mm(_) => mem.mm.map_or(0, |x| x.strukt),
            crate::ir::Owner::Vma(_) => mem.vma.map_or(0, |x| x.strukt),
        };
        if let Some(&fid) = mem.structs[s as usize].field_ids.get(f as usize)
            && let Some(x) = m.fields.get_mut(fid as usize)
        {
            *x |= obj_bit(mem, w);
        }
        if let Some(k) = mem.kind(w) {
            m.kinds[kind_index(k)] |= obj_bit(mem, w);
        }
    }
    m
}

/// The words a family primitive at `pc` may touch, from how its pointer was made: a
/// constant `&g.field`, or `&obj->field` (any object with that field) just before it;
/// else any word of the types its family works on, if it names them.
fn family_words(
    mem: &crate::ir::Memory,
    masks: &Masks,
    func: &Func,
    pc: usize,
    row: u16,
    argc: u8,
) -> Option<u64> {
    let r = super::family::row(row);
    if r.ptr == super::family::NO_WORD {
        return None;
    }
    // only a pointer pushed last is found by looking one instruction back
    let made = (r.ptr + 1 == argc as usize && pc > 0).then(|| func.code[pc - 1]);
    match made {
        Some(Instr::Const(crate::ir::Value::Word(w))) => Some(obj_bit(mem, w as usize)),
        Some(Instr::FieldAddr(fid)) => masks.fields.get(fid as usize).copied(),
        _ => super::family::kinds(row).map(|kinds| {
            kinds
                .iter()
                .fold(0, |acc, &k| acc | masks.kinds[kind_index(k)])
        }),
    }
}

/// What one instruction may touch by itself (calls and faults are added by `summaries`).
pub fn instr(m: &crate::ir::Program, masks: &Masks, func: &Func, pc: usize) -> Footprint {
    let i = func.code[pc];
    match i {
        Instr::Prim {
            prim: Prim::Family(row),
            argc,
        } => match family_words(&m.memory, masks, func, pc, row, argc) {
            Some(words) => {
                let r = super::family::row(row);
                r.access.on(words, true).union(r.other)
            }
            None => prim(Prim::Family(row)),
        },
        Instr::Prim { prim: p, .. } => prim(p),
        Instr::Deref if func.user => USER_ACCESS,
        Instr::Deref => rw(PTE | PGTABLE, 0),
        Instr::User(_) => USER_ACCESS,
        // a field of a record, or a word of a page, an mm, a VMA or another object
        Instr::GetField(f) => {
            let words = masks.fields.get(f as usize).copied().unwrap_or(0);
            rw(words | if words != 0 { META } else { 0 }, 0)
        }
        Instr::SetField(f) => {
            let words = masks.fields.get(f as usize).copied().unwrap_or(0);
            rw(words, words)
        }
        _ => NONE,
    }
}

/// For every function and position, what running on from there may touch (callees and
/// page faults included): a backward fixpoint over the control flow of the whole program.
pub fn summaries(p: &crate::ir::Program) -> Vec<Vec<Footprint>> {
    let mut fut: Vec<Vec<Footprint>> = p
        .funcs
        .iter()
        .map(|f| vec![NONE; f.code.len() + 1])
        .collect();
    let fault = p.scenario.fault_entry as usize;
    let masks = masks(p);
    let values = p.function_values();
    loop {
        let mut changed = false;
        for (fi, f) in p.funcs.iter().enumerate() {
            for pc in (0..f.code.len()).rev() {
                let i = f.code[pc];
                let mut acc = instr(p, &masks, f, pc);
                match i {
                    Instr::Call { func, .. } => acc = acc.union(fut[func as usize][0]),
                    Instr::CallIndirect { .. } => {
                        for &g in &values {
                            acc = acc.union(fut[g as usize][0]);
                        }
                    }
                    Instr::Deref | Instr::User(_) if f.user => {
                        acc = acc.union(fut.get(fault).map_or(rw(!0, !0), |x| x[0]))
                    }
                    _ => {}
                }
                let succ: &[usize] = match i {
                    Instr::Return => &[],
                    Instr::Jump(t) => &[t as usize],
                    Instr::JumpIfFalse(t)
                    | Instr::JumpIfFalseKeep(t)
                    | Instr::JumpIfTrueKeep(t) => &[t as usize, pc + 1],
                    _ => &[pc + 1],
                };
                for &s in succ {
                    acc = acc.union(fut[fi].get(s).copied().unwrap_or(rw(!0, !0)));
                }
                if acc != fut[fi][pc] {
                    fut[fi][pc] = acc;
                    changed = true;
                }
            }
        }
        if !changed {
            return fut;
        }
    }
}

/// A footprint for CPU `cpu`: its own TLB becomes that CPU's bit.
pub fn on_cpu(f: Footprint, cpu: usize) -> Footprint {
    let own = |x: u64| {
        if x & OWN_TLB != 0 {
            (x & !OWN_TLB) | tlb_bit(cpu)
        } else {
            x
        }
    };
    rw(own(f.reads), own(f.writes))
}

impl Machine {
    /// What thread `tid` may touch from its current position to the end of its program.
    pub(crate) fn thread_future(&self, s: &State, tid: usize) -> Footprint {
        let t = &s.threads[tid];
        let mut acc = NONE;
        if t.status == Status::Running {
            for f in &t.frames {
                let summary = &self.futures[f.func as usize];
                acc = acc.union(summary.get(f.pc as usize).copied().unwrap_or(rw(!0, !0)));
                if f.irq_sender().is_some() {
                    // the handler's return unlocks its sender's csd
                    acc = acc.union(IPI_TAKE);
                }
            }
        }
        // the calls queued on this CPU: it will take them and run their handlers
        let cpus = self.cpus();
        if !s.csd.is_empty() && tid < cpus {
            for sender in 0..cpus {
                let c = s.csd[sender * cpus + tid];
                if c.state == super::state::CsdState::Queued {
                    acc = acc.union(IPI_TAKE).union(self.futures[c.func as usize][0]);
                }
            }
        }
        on_cpu(acc, tid)
    }

    /// What everything but CPU `tid` may touch from `s` on: the other CPUs and, with the
    /// eviction or speculation knobs, the hardware filling and dropping TLB entries.
    pub(crate) fn others_future(&self, s: &State, tid: usize) -> Footprint {
        if self.cpus() > MAX_CPUS {
            return rw(!0, !0);
        }
        let k = &self.prog.scenario.knobs;
        let mut acc = if k.tlb_evict || k.tlb_speculative {
            rw(ALL_TLBS | PTE, ALL_TLBS | PTE)
        } else {
            NONE
        };
        for j in 0..s.threads.len() {
            if j != tid {
                acc = acc.union(self.thread_future(s, j));
            }
        }
        // an IPI queued on this CPU may interrupt it before its next step
        let cpus = self.cpus();
        if !s.csd.is_empty()
            && tid < cpus
            && (0..cpus).any(|j| s.csd[j * cpus + tid].state == super::state::CsdState::Queued)
        {
            acc = acc.union(IPI_TAKE);
        }
        acc
    }
}

/// Can a model invariant checked on every state reach a per-CPU variable (this_cpu_ptr(),
/// per_cpu_ptr(), or `&VAR` of one, in the invariant or anything it calls)? An `at end`
/// invariant does not count: like every word it reads (`declared_footprint`), it needs no
/// step to be visible, since the reduction keeps every end state.
pub fn invariants_read_per_cpu(p: &crate::ir::Program) -> bool {
    let mem = &p.memory;
    let mut seen = vec![false; p.funcs.len()];
    let mut todo: Vec<usize> = p
        .declared
        .iter()
        .filter(|d| !d.at_end)
        .map(|d| d.func as usize)
        .collect();
    while let Some(f) = todo.pop() {
        if std::mem::replace(&mut seen[f], true) {
            continue;
        }
        for &i in &p.funcs[f].code {
            match i {
                Instr::Call { func, .. } => todo.push(func as usize),
                Instr::CallIndirect { .. } => {
                    todo.extend(p.function_values().iter().map(|&g| g as usize))
                }
                Instr::Prim {
                    prim: Prim::ThisCpuPtr | Prim::PerCpuPtr,
                    ..
                } => return true,
                Instr::Const(crate::ir::Value::Obj(b)) if mem.cpu_of(b as usize).is_some() => {
                    return true;
                }
                _ => {}
            }
        }
    }
    false
}
