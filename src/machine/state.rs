//! The machine state: a plain value (clone, hash, compare) that the explorer stores.

use crate::ir::{Func, Pte, Value};

/// A cached translation in a CPU's TLB (x86 caches PFN, the AND of R/W, and D).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TlbEntry {
    pub pfn: u16,
    pub write: bool,
    pub dirty: bool,
    /// Allocation generation of the frame when the entry was filled (use-after-free).
    pub generation: u8,
}

/// A physical page frame.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Frame {
    pub allocated: bool,
    /// The page's contents: one word is enough to lose an update.
    pub data: i64,
    /// Bumped at every free, so a stale TLB entry to a reused frame is detected.
    pub generation: u8,
    /// Allocated by this thread and not yet visible to any other.
    pub private_to: Option<u8>,
    /// Ghost: the frame this one was copied from (COW), until it is mapped.
    pub copied_from: Option<u16>,
    /// Ghost: the last user store to land here (cpu, value).
    pub last_store: Option<(u8, i64)>,
    /// Ghost: a zap or a move on a CPU took this page from an address, and is not over yet
    /// (`ghost_discard_done` on the same CPU).
    pub taken: Option<Taken>,
}

/// A page a CPU's zap or move took from an address (`Frame::taken`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Taken {
    /// The CPU doing it, or `Taken::DONE` once a discard is over: the page stays gone from
    /// the address (a device's DMA into it through a pin the program took before is lost
    /// with the discard, the program's own race), until the frame is freed.
    pub cpu: u8,
    /// The address space and the slot it was taken from.
    pub mm: u8,
    pub slot: u16,
    /// None: a discard (MADV_DONTNEED, munmap), which throws the contents away: a store
    /// landing here through `slot` is lost with it. Some(to): a move (mremap), which maps
    /// the page at slot `to` now: a store landing here through `slot` is seen at `to`.
    pub to: Option<u16>,
}

impl Taken {
    pub const DONE: u8 = 0xfe;

    /// A discard or move in progress took this page from slot `slot` of mm `mm`.
    pub fn in_progress_from(&self, mm: usize, slot: usize) -> bool {
        self.cpu != Taken::DONE && self.mm as usize == mm && self.slot as usize == slot
    }
}

/// A frame of the PTE-table pool (`ir::Layout`): its entries are `State::ptes`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct TableFrame {
    pub allocated: bool,
    /// Bumped at every free, so a pointer or PMD copy kept past a free is told from the
    /// table's next use.
    pub generation: u8,
}

impl TableFrame {
    /// A table in use since the start (a scenario's table).
    pub const LIVE: TableFrame = TableFrame {
        allocated: true,
        generation: 0,
    };
}

/// What the machine keeps per mm beyond the model's mm_struct.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct MmState {
    /// In use: the scenario's, or allocated at run time (`allocate_mm()`).
    pub live: bool,
    /// The lost-write ghost checks its addresses at the end (the scenario's mms; one
    /// created at run time starts with no expectation of its own).
    pub ghost: bool,
}

impl MmState {
    /// An mm of the scenario.
    pub const SCENARIO: MmState = MmState {
        live: true,
        ghost: true,
    };
}

/// A call's header. Its values live in its thread's arena (`Thread::arena`), in a frame of
/// fixed size `nlocals + Func::max_stack`: the locals at `base..base + nlocals`, then the
/// operand stack, `sp` values deep, then `Value::Null` up to the frame's end.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CallFrame {
    pub func: u16,
    pub atomic: u8,
    /// How it was entered: `CALL`, `FAULT` (a page fault: the user access is retried when it
    /// returns), or `IPI + sender` (an IPI handler running the call of CPU `sender`, `Csd`).
    /// The return value of a fault or a handler is dropped.
    pub entry: u8,
    pub pc: u32,
    /// Where the frame starts in the arena.
    pub base: u32,
    pub nlocals: u16,
    /// Operand-stack depth.
    pub sp: u16,
}

impl CallFrame {
    pub const CALL: u8 = 0;
    pub const FAULT: u8 = 1;
    pub const IPI: u8 = 2;

    /// Entered by a fault or an IPI: its return value is dropped.
    pub fn exception(&self) -> bool {
        self.entry != CallFrame::CALL
    }

    /// The CPU whose call this IPI handler runs.
    pub fn irq_sender(&self) -> Option<usize> {
        self.entry.checked_sub(CallFrame::IPI).map(usize::from)
    }

    fn locals(&self) -> std::ops::Range<usize> {
        self.base as usize..self.stack_base()
    }
    fn stack_base(&self) -> usize {
        self.base as usize + self.nlocals as usize
    }
    fn stack(&self) -> std::ops::Range<usize> {
        self.stack_base()..self.stack_base() + self.sp as usize
    }
}

pub const SIGBUS: u8 = 7;
pub const SIGSEGV: u8 = 11;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Status {
    Running,
    Done,
    /// Killed by a signal (`Thread::signal`).
    Killed,
}

/// A kernel struct (e.g. `struct vm_fault`) in a thread's heap.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Record {
    pub strukt: u16,
    pub fields: Vec<Value>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Thread {
    /// The call stack, innermost last.
    pub frames: Vec<CallFrame>,
    /// The calls' values, frame after frame (see `CallFrame`).
    pub arena: Vec<Value>,
    /// Records live until the thread returns to user space.
    pub heap: Vec<Record>,
    pub status: Status,
    /// TASK_RUNNING (false once set_current_state(TASK_INTERRUPTIBLE) until woken).
    pub task_running: bool,
    pub mm: u8,
    /// The signal that will kill the program when the fault returns (0: none; SIGBUS or
    /// SIGSEGV), and that killed it once `status` is `Killed`.
    pub signal: u8,
    /// This CPU's IRQs are disabled (local_irq_disable(), `family/irq.rs`).
    pub irqs_off: bool,
    /// RCU (`family/rcu.rs`): this CPU's read-side nesting depth (at most 3), and, while it
    /// is in synchronize_rcu(), the CPUs whose read sections it still waits for
    /// (`gp_active`: a grace period has been started).
    pub rcu_depth: u8,
    pub gp_wait: u8,
    pub gp_active: bool,
    /// Blocked or asleep here at the end of a run is an idle end, not a deadlock (a model
    /// device, `set_idle()`: a monitor waiting for work, a fault waiting for a monitor).
    pub idle: bool,
}

impl Thread {
    /// A finished program: no calls.
    pub fn new() -> Thread {
        Thread {
            frames: Vec::new(),
            arena: Vec::new(),
            heap: Vec::new(),
            status: Status::Done,
            task_running: true,
            mm: 0,
            signal: 0,
            irqs_off: false,
            rcu_depth: 0,
            gp_wait: 0,
            gp_active: false,
            idle: false,
        }
    }

    /// A task in mm 0 running a call to `func` (`f`) with `args`, with nothing held: IRQs
    /// on, outside RCU read sections, no signal pending.
    pub fn calling(func: u16, f: &Func, args: &[Value]) -> Thread {
        let mut t = Thread::new();
        t.status = Status::Running;
        t.push_frame(func, f, args, false);
        t
    }

    /// `*self = Thread::calling(func, f, args)`, reusing this thread's vectors.
    pub fn restart(&mut self, func: u16, f: &Func, args: &[Value]) {
        let (mut frames, mut arena, mut heap) = (
            std::mem::take(&mut self.frames),
            std::mem::take(&mut self.arena),
            std::mem::take(&mut self.heap),
        );
        frames.clear();
        arena.clear();
        heap.clear();
        *self = Thread {
            frames,
            arena,
            heap,
            ..Thread::new()
        };
        self.status = Status::Running;
        self.push_frame(func, f, args, false);
    }

    /// `*self = src.clone()`, reusing this thread's vectors.
    pub fn assign_from(&mut self, s: &Thread) {
        let d = self;
        // the call stack is plain data: two copies
        d.frames.clone_from(&s.frames);
        d.arena.clone_from(&s.arena);
        d.heap.truncate(s.heap.len());
        for (dr, sr) in d.heap.iter_mut().zip(&s.heap) {
            dr.strukt = sr.strukt;
            dr.fields.clone_from(&sr.fields);
        }
        let n = d.heap.len();
        d.heap.extend_from_slice(&s.heap[n..]);
        d.status = s.status;
        d.task_running = s.task_running;
        d.mm = s.mm;
        d.signal = s.signal;
        d.irqs_off = s.irqs_off;
        d.rcu_depth = s.rcu_depth;
        d.gp_wait = s.gp_wait;
        d.gp_active = s.gp_active;
        d.idle = s.idle;
    }

    /// Enters a call to `func` (`f`): a new frame with `args` as its first locals.
    pub fn push_frame(&mut self, func: u16, f: &Func, args: &[Value], exception: bool) {
        let base = self.arena.len();
        self.arena.extend_from_slice(args);
        self.open_frame(func, f, base, args.len(), exception);
    }

    /// Enters a call to `func` (`f`) whose `argc` arguments are on top of the caller's
    /// operand stack: they move into the callee's first locals.
    pub fn call(&mut self, func: u16, f: &Func, argc: usize) {
        let caller = self.frames.last_mut().expect("a caller");
        let from = caller.stack().end - argc;
        caller.sp -= argc as u16;
        let base = self.arena.len();
        self.arena.extend_from_within(from..from + argc);
        self.arena[from..from + argc].fill(Value::Null);
        self.open_frame(func, f, base, argc, false);
    }

    /// The frame at `base` whose first `nargs` locals are already in the arena.
    fn open_frame(&mut self, func: u16, f: &Func, base: usize, nargs: usize, exception: bool) {
        let nlocals = f.nlocals.max(nargs);
        self.arena.resize(base + nlocals + f.max_stack, Value::Null);
        self.frames.push(CallFrame {
            func,
            atomic: 0,
            entry: if exception {
                CallFrame::FAULT
            } else {
                CallFrame::CALL
            },
            pc: 0,
            base: base as u32,
            nlocals: nlocals as u16,
            sp: 0,
        });
    }

    /// Leaves the innermost call; its header.
    pub fn pop_frame(&mut self) -> Option<CallFrame> {
        let f = self.frames.pop()?;
        self.arena.truncate(f.base as usize);
        Some(f)
    }

    /// Leaves every call.
    pub fn clear_frames(&mut self) {
        self.frames.clear();
        self.arena.clear();
    }

    pub fn top(&self) -> &CallFrame {
        self.frames.last().expect("a running thread has a frame")
    }

    pub fn top_mut(&mut self) -> &mut CallFrame {
        self.frames
            .last_mut()
            .expect("a running thread has a frame")
    }

    /// The locals of the call at `depth` (0: the outermost).
    pub fn locals(&self, depth: usize) -> &[Value] {
        &self.arena[self.frames[depth].locals()]
    }

    pub fn locals_mut(&mut self, depth: usize) -> &mut [Value] {
        let r = self.frames[depth].locals();
        &mut self.arena[r]
    }

    pub fn local(&self, depth: usize, i: usize) -> Value {
        self.locals(depth)[i]
    }

    pub fn set_local(&mut self, depth: usize, i: usize, v: Value) {
        self.locals_mut(depth)[i] = v;
    }

    /// The operand stack of the call at `depth`, bottom first.
    pub fn stack(&self, depth: usize) -> &[Value] {
        &self.arena[self.frames[depth].stack()]
    }

    /// Pushes onto the innermost call's operand stack (the compiler sized its frame so that
    /// it never overflows into the arena's end).
    pub fn push(&mut self, v: Value) {
        let f = self
            .frames
            .last_mut()
            .expect("a running thread has a frame");
        let at = f.stack().end;
        f.sp += 1;
        self.arena[at] = v;
    }

    /// Pops the innermost call's operand stack (Null if it is empty), leaving Null behind.
    pub fn pop(&mut self) -> Value {
        let f = self
            .frames
            .last_mut()
            .expect("a running thread has a frame");
        if f.sp == 0 {
            return Value::Null;
        }
        f.sp -= 1;
        std::mem::take(&mut self.arena[f.stack().end])
    }

    /// Drops the top `n` values of the innermost call's operand stack.
    pub fn drop_top(&mut self, n: usize) {
        let f = self
            .frames
            .last_mut()
            .expect("a running thread has a frame");
        let end = f.stack().end;
        let n = n.min(f.sp as usize);
        f.sp -= n as u16;
        self.arena[end - n..end].fill(Value::Null);
    }

    /// The value `k` below the top of the innermost call's operand stack (0: the top).
    pub fn peek(&self, k: usize) -> Option<Value> {
        let s = self.stack(self.frames.len().checked_sub(1)?);
        s.len().checked_sub(k + 1).map(|i| s[i])
    }

    /// Replaces the value `k` below the top of the innermost call's operand stack.
    pub fn set_peek(&mut self, k: usize, v: Value) {
        let f = self.top();
        let at = f.stack().end - 1 - k;
        debug_assert!(at >= f.stack_base());
        self.arena[at] = v;
    }

    /// Every value the calls hold, locals and operand stacks (and Nulls between them).
    pub fn values(&self) -> &[Value] {
        &self.arena
    }

    pub fn values_mut(&mut self) -> &mut [Value] {
        &mut self.arena
    }
}

impl Default for Thread {
    fn default() -> Thread {
        Thread::new()
    }
}

/// A CPU's call_single_data for one other CPU (kernel/smp.c): the function call it queued
/// there with an IPI, until that CPU has run it (`family/ipi.rs`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Csd {
    pub func: u16,
    pub info: Value,
    pub state: CsdState,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum CsdState {
    /// Unlocked: no call queued (csd_lock() may take it).
    #[default]
    Free,
    /// Queued on the target's call_single_queue, its IPI sent, not taken yet.
    Queued,
    /// The target is running it in its IPI handler.
    Running,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct State {
    pub threads: Vec<Thread>,
    /// TLB of each CPU, per mm (its PCID) and slot (`Layout::tlb_index`).
    pub tlb: Vec<Option<TlbEntry>>,
    /// The entries of every table of the PTE-table pool, table after table
    /// (`Layout::entry`).
    pub ptes: Vec<Pte>,
    /// Holder of each PTE table's lock (split PTLs: one per table of the pool).
    pub ptl: Vec<Option<u8>>,
    /// Each mm's PMD entry of each 2 MiB range the scenario uses (`Layout::pmd_index`).
    pub pmds: Vec<crate::ir::Pmd>,
    /// The PTE-table pool.
    pub tables: Vec<TableFrame>,
    /// Each CPU's paging-structure cache of PMD entries, per mm and region
    /// (`Layout::psc_index`; `Pmd::NONE`: no entry); empty unless the program can change
    /// PMD entries.
    pub psc: Vec<crate::ir::Pmd>,
    pub mms: Vec<MmState>,
    pub frames: Vec<Frame>,
    /// Ghost: the value each address of each mm must hold, from the retired user stores in
    /// order (`Layout::ghost_index`).
    pub expected: Vec<i64>,
    /// The swap device's slots (offset 1 first): the page contents written there. Empty
    /// when the scenario has no swap device.
    pub swap: Vec<i64>,
    /// Ghost, per address of each mm (`Layout::ghost_index`): MADV_FREE made it lazyfree and
    /// no store has landed since (`ghost_lazyfree`): `LAZY_NONE`, `LAZY_SETTLED` (the call
    /// is over), or `LAZY_BY_CPU + cpu` while CPU cpu's madvise() call is still in progress.
    /// Empty unless the program uses it.
    pub lazyfree: Vec<u8>,
    /// Per VMA object: the CPUs whose read sections a `vm_area_free_rcu()` still waits
    /// for (a bit each; 0: no free pending). Empty unless the program frees VMAs so.
    pub vma_rcu: Vec<u8>,
    /// Shared memory of the declared objects (`global`s), one word per field, laid out at
    /// load time (`ir::Memory`).
    pub mem: Vec<i64>,
    /// The CPUs' function calls to each other (`csd[sender * cpus + target]`); empty unless
    /// the program sends IPIs.
    pub csd: Vec<Csd>,
}

impl State {
    /// Where slot `slot`'s PTE of mm `mm` is in `ptes`, through its range's PMD entry (None:
    /// the PMD entry is none, so there is no PTE).
    #[inline]
    pub fn pte_index(&self, l: &crate::ir::Layout, mm: usize, slot: usize) -> Option<usize> {
        let (t, _) = self.pmds[l.pmd_index(mm, l.region[slot] as usize)].table_of()?;
        Some(l.entry(t, slot))
    }

    /// Slot `slot`'s PTE in mm `mm` as a page walk finds it (none where the PMD entry is
    /// none; a huge leaf's mapping where it is one).
    #[inline]
    pub fn pte_of(&self, l: &crate::ir::Layout, mm: usize, slot: usize) -> Pte {
        let pmd = self.pmds[l.pmd_index(mm, l.region[slot] as usize)];
        match (pmd.table_of(), pmd.leaf()) {
            (Some((t, _)), _) => self.ptes[l.entry(t, slot)],
            (None, Some(leaf)) => leaf,
            _ => Pte::NONE,
        }
    }

    /// The mm the task on `cpu` runs in (its CR3).
    #[inline]
    pub fn mm_of_cpu(&self, cpu: usize) -> usize {
        self.threads[cpu].mm as usize
    }
}

/// `State::lazyfree`: not lazyfree.
pub const LAZY_NONE: u8 = 0;
/// `State::lazyfree`: lazyfree, and the MADV_FREE call that made it so is over.
pub const LAZY_SETTLED: u8 = 1;
/// `State::lazyfree`: lazyfree while CPU `v - LAZY_BY_CPU`'s MADV_FREE call is in progress.
pub const LAZY_BY_CPU: u8 = 2;

impl State {
    /// A store landed at address `g` (`Layout::ghost_index`): it is no longer lazyfree, unless
    /// the MADV_FREE that made it so is still in progress. A store racing the call (through a
    /// TLB entry its flush has not reached yet) may be thrown away with the page: it is
    /// ordered before the call, whose effect is to let the kernel drop what was written
    /// before it.
    #[inline]
    pub fn stored_at(&mut self, g: usize) {
        if let Some(x) = self.lazyfree.get_mut(g)
            && *x == LAZY_SETTLED
        {
            *x = LAZY_NONE;
        }
    }

    /// `*self = src.clone()`, reusing this state's vectors (no allocation once they have
    /// grown to the size of `src`'s).
    pub fn assign_from(&mut self, src: &State) {
        self.threads.truncate(src.threads.len());
        for (d, s) in self.threads.iter_mut().zip(&src.threads) {
            d.assign_from(s);
        }
        let n = self.threads.len();
        self.threads.extend_from_slice(&src.threads[n..]);
        self.tlb.clone_from(&src.tlb);
        self.ptes.clone_from(&src.ptes);
        self.ptl.clone_from(&src.ptl);
        self.pmds.clone_from(&src.pmds);
        self.tables.clone_from(&src.tables);
        self.psc.clone_from(&src.psc);
        self.mms.clone_from(&src.mms);
        self.frames.clone_from(&src.frames);
        self.expected.clone_from(&src.expected);
        self.swap.clone_from(&src.swap);
        self.vma_rcu.clone_from(&src.vma_rcu);
        self.lazyfree.clone_from(&src.lazyfree);
        self.mem.clone_from(&src.mem);
        self.csd.clone_from(&src.csd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_takes_its_arguments_off_the_callers_stack_and_a_return_leaves_no_trace() {
        let (caller, callee) = (Func::stub(1, 3), Func::stub(3, 2));
        let mut t = Thread::calling(0, &caller, &[Value::Int(1)]);
        let fresh = t.clone();
        t.push(Value::Int(7));
        t.push(Value::Int(8));
        t.push(Value::Int(9));
        t.call(1, &callee, 2);
        assert_eq!(t.stack(0), [Value::Int(7)]);
        assert_eq!(t.locals(1), [Value::Int(8), Value::Int(9), Value::Null]);
        assert_eq!(t.arena.len(), 1 + 3 + 3 + 2, "frames of fixed size");
        t.push(Value::Bool(true));
        assert_eq!(t.peek(0), Some(Value::Bool(true)));
        assert_eq!(t.pop_frame().map(|f| f.func), Some(1));
        assert_eq!(t.pop(), Value::Int(7));
        assert_eq!(t.pop(), Value::Null, "an empty stack pops null");
        // every slot above the stack is null again: the same state compares equal
        assert_eq!(t, fresh);
    }

    #[test]
    fn a_copy_is_exact_and_reuses_the_buffers() {
        let f = Func::stub(2, 2);
        let mut a = Thread::calling(0, &f, &[Value::Int(1), Value::Int(2)]);
        a.push(Value::Int(3));
        a.push_frame(1, &f, &[], true);
        let mut b = Thread::calling(5, &Func::stub(9, 9), &[]);
        b.assign_from(&a);
        assert_eq!(a, b);
        assert_eq!(b.local(0, 1), Value::Int(2));
        assert_eq!(b.stack(0), [Value::Int(3)]);
        assert!(b.top().exception());
    }
}
