//! The machine state: a plain value (clone, hash, compare) that the explorer stores.

use crate::ir::{Pte, Value};

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
    /// Ghost: (cpu, address) a zap on that CPU took this page from that address and threw
    /// its contents away; until its discard is over (`ghost_discard_done` on the same CPU),
    /// a store landing here is lost with it.
    pub discarded: Option<(u8, u16)>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
/// What the machine keeps per mm beyond the model's mm_struct (nothing yet: CR3 and PCIDs come
/// with several address spaces).
pub struct MmState {}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct CallFrame {
    pub func: u16,
    pub pc: u32,
    pub locals: Vec<Value>,
    pub stack: Vec<Value>,
    pub atomic: u8,
    /// Entered by a page fault: its return value is dropped and the user access retried.
    pub exception: bool,
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
    pub frames: Vec<CallFrame>,
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
    /// A task in mm 0 running `frames` (none: a finished program), with nothing held: IRQs
    /// on, outside RCU read sections, no signal pending.
    pub fn new(frames: Vec<CallFrame>) -> Thread {
        Thread {
            status: if frames.is_empty() {
                Status::Done
            } else {
                Status::Running
            },
            frames,
            heap: Vec::new(),
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
}

impl Thread {
    /// `*self = src.clone()`, reusing this thread's vectors.
    pub fn assign_from(&mut self, s: &Thread) {
        let d = self;
        d.frames.truncate(s.frames.len());
        for (df, sf) in d.frames.iter_mut().zip(&s.frames) {
            df.func = sf.func;
            df.pc = sf.pc;
            df.locals.clone_from(&sf.locals);
            df.stack.clone_from(&sf.stack);
            df.atomic = sf.atomic;
            df.exception = sf.exception;
        }
        let n = d.frames.len();
        d.frames.extend_from_slice(&s.frames[n..]);
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
}

impl CallFrame {
    /// The first frame of a call to `func`, with its locals.
    pub fn new(func: u16, locals: Vec<crate::ir::Value>) -> CallFrame {
        CallFrame {
            func,
            pc: 0,
            locals,
            stack: Vec::new(),
            atomic: 0,
            exception: false,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct State {
    pub threads: Vec<Thread>,
    /// TLB of each CPU: `tlb[cpu * slots + slot]`.
    pub tlb: Vec<Option<TlbEntry>>,
    pub ptes: Vec<Pte>,
    /// Holder of each PTE table's lock.
    pub ptl: Vec<Option<u8>>,
    pub mms: Vec<MmState>,
    pub vma_flags: Vec<u32>,
    pub frames: Vec<Frame>,
    /// Ghost: the value each address must hold, from the retired user stores in order.
    pub expected: Vec<i64>,
    /// Shared memory of the declared objects (`global`s), one word per field, laid out at
    /// load time (`ir::Memory`).
    pub mem: Vec<i64>,
}

impl State {
    pub fn tlb_at(&self, slots: usize, cpu: usize, slot: usize) -> Option<TlbEntry> {
        self.tlb[cpu * slots + slot]
    }
}

impl State {
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
        self.mms.clone_from(&src.mms);
        self.vma_flags.clone_from(&src.vma_flags);
        self.frames.clone_from(&src.frames);
        self.expected.clone_from(&src.expected);
        self.mem.clone_from(&src.mem);
    }
}
