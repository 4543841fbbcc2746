//! A compact byte encoding of the machine state, hashed in one pass for fingerprints and
//! kept instead of the state in search frontiers (`decode_into` restores it).
//! Injective (every variable-length part is preceded by its length) and lossless.
//!
//! Both directions run once per state or successor, so they avoid per-byte work: the
//! writer makes room for a whole section at once and stores each value as one 16-byte
//! word, advancing by the value's length; the reader loads values the same way, and
//! memory words eight at a time while they all take one byte.

use super::state::*;
use crate::ir::{Func, LocalPtr, Pte, Value};

thread_local! {
    /// Where encodings are written first: it keeps its largest length, so that room for a
    /// section (its worst case) is there without zero-filling it each time.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes into the scratch buffer `b` through slices with fixed-size stores; `n` bytes are
/// written.
struct Out<'a> {
    b: &'a mut Vec<u8>,
    n: usize,
}

impl Out<'_> {
    /// `out` becomes what `f` writes.
    fn with(out: &mut Vec<u8>, f: impl FnOnce(&mut Out)) {
        SCRATCH.with(|b| {
            let mut b = b.borrow_mut();
            let mut o = Out { b: &mut b, n: 0 };
            f(&mut o);
            let n = o.n;
            out.clear();
            out.extend_from_slice(&b[..n]);
        })
    }

    /// At least `k` writable bytes after those written.
    #[inline(always)]
    fn room(&mut self, k: usize) -> &mut [u8] {
        if self.b.len() < self.n + k {
            self.grow(k);
        }
        &mut self.b[self.n..]
    }

    #[cold]
    fn grow(&mut self, k: usize) {
        let len = (self.n + k).max(2 * self.b.len());
        self.b.resize(len, 0);
    }
}

/// A value's bytes (tag, then the payload little-endian) in the low bytes, and their count.
#[inline(always)]
fn value_bits(v: &Value) -> (u128, usize) {
    let (tag, x, n): (u8, u64, usize) = match *v {
        Value::Null => (0, 0, 1),
        Value::Int(i) if (-64..64).contains(&i) => (1, i as u8 as u64, 2),
        Value::Int(i) => (2, i as u64, 9),
        Value::Bool(x) => (3 + x as u8, 0, 1),
        Value::Pte(p) => (5, p.0.into(), 5),
        Value::Prot(p) => (6, p.into(), 5),
        Value::Page(p) => (7, p.into(), 3),
        Value::Vma(x) => (8, x.into(), 2),
        Value::Mm(x) => (9, x.into(), 2),
        // a pointer into a table never freed: its generation is 0
        Value::PtePtr(x) if x >> 16 == 0 => (10, x.into(), 3),
        Value::PtePtr(x) => (20, x.into(), 5),
        Value::Ptl(x) => (11, x.into(), 3),
        Value::Rec(x) => (12, x.into(), 3),
        Value::Word(x) => (13, x.into(), 5),
        Value::Local(p) => {
            let x = u64::from(p.depth) | u64::from(p.slot) << 8 | u64::from(p.func) << 16;
            (14, x, 5)
        }
        Value::Obj(x) => (15, x.into(), 5),
        Value::Func(x) => (16, x.into(), 3),
        Value::Pmd(x) => (17, x.0.into(), 5),
        Value::PmdPtr(x) => (18, x.into(), 3),
        Value::PgTable(x) => (19, x.0.into(), 5),
    };
    (u128::from(tag) | u128::from(x) << 8, n)
}

/// The room `values` needs for `n` values: a count, at most 9 bytes each, and the last
/// 16-byte store.
const fn values_room(n: usize) -> usize {
    1 + 9 * n + 16
}

/// Writes `vs`, preceded by their count, at `d[j..]`; the end.
#[inline(always)]
fn values(d: &mut [u8], mut j: usize, vs: &[Value]) -> usize {
    d[j] = vs.len() as u8;
    j += 1;
    for v in vs {
        // half of all values: one byte, no dispatch
        if let Value::Null = v {
            d[j] = 0;
            j += 1;
            continue;
        }
        let (x, n) = value_bits(v);
        d[j..j + 16].copy_from_slice(&x.to_le_bytes());
        j += n;
    }
    j
}

fn thread_flags(t: &Thread) -> u8 {
    t.status as u8
        | (t.task_running as u8) << 2
        | ((t.signal == SIGSEGV) as u8) << 3
        | ((t.signal == SIGBUS) as u8) << 4
        | (t.irqs_off as u8) << 5
        | (t.gp_active as u8) << 6
        | (t.idle as u8) << 7
}

/// One thread, preceded by its length (so a successor's encoding can copy it whole).
fn thread(o: &mut Out, t: &Thread) {
    let at = o.n;
    let d = o.room(7);
    d[..7].copy_from_slice(&[
        0,
        0,
        thread_flags(t),
        t.mm,
        t.rcu_depth,
        t.gp_wait,
        t.frames.len() as u8,
    ]);
    o.n += 7;
    for f in &t.frames {
        // the live operand stack only: the Nulls above it are implied by the function
        let base = f.base as usize;
        let stack = base + f.nlocals as usize;
        let (locals, stack) = (
            &t.arena[base..stack],
            &t.arena[stack..stack + f.sp as usize],
        );
        let d = o.room(7 + values_room(locals.len()) + values_room(stack.len()));
        d[..2].copy_from_slice(&f.func.to_le_bytes());
        // a position is below 2^24 (the compiler's limit): how the call was entered above it
        d[2..6].copy_from_slice(&(f.pc | u32::from(f.entry) << 24).to_le_bytes());
        d[6] = f.atomic;
        let j = values(d, 7, locals);
        let j = values(d, j, stack);
        o.n += j;
    }
    let d = o.room(1);
    d[0] = t.heap.len() as u8;
    o.n += 1;
    for r in &t.heap {
        let d = o.room(2 + values_room(r.fields.len()));
        d[..2].copy_from_slice(&r.strukt.to_le_bytes());
        o.n += values(d, 2, &r.fields);
    }
    let len = (o.n - at - 2) as u16;
    o.b[at..at + 2].copy_from_slice(&len.to_le_bytes());
}

pub fn encode(s: &State, b: &mut Vec<u8>) {
    Out::with(b, |o| {
        for t in &s.threads {
            thread(o, t);
        }
        shared(s, o);
    })
}

/// The encoding of `s`, a state reached from the one encoded as `parent` by a step of CPU
/// `actor`: a step changes only its own CPU's thread and other threads' flags (a wakeup)
/// and RCU bytes (a read section's end clears a waiter's grace period), so every other
/// thread is copied from the parent's encoding with those re-encoded.
pub fn encode_successor(parent: &[u8], actor: usize, s: &State, b: &mut Vec<u8>) {
    Out::with(b, |o| {
        let mut p = 0;
        for (j, t) in s.threads.iter().enumerate() {
            let len = 2 + u16::from_le_bytes([parent[p], parent[p + 1]]) as usize;
            if j == actor {
                thread(o, t);
            } else {
                let d = o.room(len);
                d[..len].copy_from_slice(&parent[p..p + len]);
                d[2] = thread_flags(t);
                d[4] = t.rcu_depth;
                d[5] = t.gp_wait;
                o.n += len;
            }
            p += len;
        }
        shared(s, o);
    })
}

fn shared(s: &State, o: &mut Out) {
    let d = o.room(
        4 * s.tlb.len()
            + 4 * s.ptes.len()
            + s.ptl.len()
            + 4 * s.pmds.len()
            + 2 * s.tables.len()
            + 4 * s.psc.len()
            + s.mms.len()
            + FRAME_ROOM * s.frames.len()
            + 8 * s.expected.len()
            + 8 * s.swap.len()
            + s.vma_rcu.len()
            + s.lazyfree.len(),
    );
    let mut j = 0;
    for e in &s.tlb {
        // one 4-byte store; a None is its tag byte alone
        let (x, n) = match e {
            None => (0, 1),
            Some(e) => {
                let tag = 1 | (e.write as u32) << 1 | (e.dirty as u32) << 2;
                let x = tag | u32::from(e.pfn) << 8 | u32::from(e.generation) << 24;
                (x, 4)
            }
        };
        d[j..j + 4].copy_from_slice(&x.to_le_bytes());
        j += n;
    }
    for p in &s.ptes {
        d[j..j + 4].copy_from_slice(&p.0.to_le_bytes());
        j += 4;
    }
    // Each lock's holder (0x7f: free); bit 7 of the first says the page tables are no longer
    // as the scenario set them up (the common case costs nothing), and they follow the locks.
    let changed = !pgtables_initial(s);
    for (i, l) in s.ptl.iter().enumerate() {
        d[j] = l.unwrap_or(0x7f) | ((i == 0 && changed) as u8) << 7;
        j += 1;
    }
    if changed {
        for p in &s.pmds {
            d[j..j + 4].copy_from_slice(&p.0.to_le_bytes());
            j += 4;
        }
        for t in &s.tables {
            d[j] = t.allocated as u8;
            d[j + 1] = t.generation;
            j += 2;
        }
        for p in &s.psc {
            d[j..j + 4].copy_from_slice(&p.0.to_le_bytes());
            j += 4;
        }
        for x in &s.mms {
            d[j] = x.live as u8 | (x.ghost as u8) << 1;
            j += 1;
        }
    }
    for f in &s.frames {
        let w: &mut [u8; FRAME_ROOM] = (&mut d[j..j + FRAME_ROOM]).try_into().unwrap();
        w[0] = f.allocated as u8;
        w[1] = f.generation;
        w[2..10].copy_from_slice(&f.data.to_le_bytes());
        w[10] = f.private_to.unwrap_or(0xff);
        w[11..13].copy_from_slice(&f.copied_from.unwrap_or(0xffff).to_le_bytes());
        let mut k = 13;
        match f.last_store {
            None => w[k] = 0xff,
            Some((c, v)) => {
                w[k] = c;
                w[k + 1..k + 9].copy_from_slice(&v.to_le_bytes());
                k += 8;
            }
        }
        k += 1;
        match f.taken {
            None => w[k] = 0xff,
            Some(t) => {
                w[k] = t.cpu;
                w[k + 1] = t.mm;
                w[k + 2..k + 4].copy_from_slice(&t.slot.to_le_bytes());
                w[k + 4..k + 6].copy_from_slice(&t.to.unwrap_or(0xffff).to_le_bytes());
                k += 5;
            }
        }
        j += k + 1;
    }
    for e in s.expected.iter().chain(&s.swap) {
        d[j..j + 8].copy_from_slice(&e.to_le_bytes());
        j += 8;
    }
    d[j..j + s.vma_rcu.len()].copy_from_slice(&s.vma_rcu);
    j += s.vma_rcu.len();
    d[j..j + s.lazyfree.len()].copy_from_slice(&s.lazyfree);
    j += s.lazyfree.len();
    o.n += j;
    words(o, &s.mem);
    csds(o, &s.csd);
}

/// The PMD entry `i` starts as: mm 0's range r points to table r; an mm created at run
/// time has none.
fn initial_pmd(s: &State, i: usize) -> crate::ir::Pmd {
    let regions = s.pmds.len() / s.mms.len();
    if i < regions {
        crate::ir::Pmd::table(i, 0)
    } else {
        crate::ir::Pmd::NONE
    }
}

/// The page tables and mms as `init` sets them up: mm 0's range r's PMD entry points to
/// table r, the other tables of the pool are free, nothing was ever freed, no
/// paging-structure cache holds an entry, only mm 0 is in use.
fn pgtables_initial(s: &State) -> bool {
    let regions = s.pmds.len() / s.mms.len();
    (0..s.pmds.len()).all(|i| s.pmds[i] == initial_pmd(s, i))
        && s.tables.iter().enumerate().all(|(t, x)| {
            *x == TableFrame {
                allocated: t < regions,
                generation: 0,
            }
        })
        && s.psc.iter().all(|p| p.is_none())
        && s.mms.iter().enumerate().all(|(i, x)| {
            *x == if i == 0 {
                MmState::SCENARIO
            } else {
                MmState::default()
            }
        })
}

fn set_pgtables_initial(s: &mut State) {
    let regions = s.pmds.len() / s.mms.len();
    for i in 0..s.pmds.len() {
        s.pmds[i] = initial_pmd(s, i);
    }
    for (t, x) in s.tables.iter_mut().enumerate() {
        *x = TableFrame {
            allocated: t < regions,
            generation: 0,
        };
    }
    s.psc.fill(crate::ir::Pmd::NONE);
    for (i, x) in s.mms.iter_mut().enumerate() {
        *x = if i == 0 {
            MmState::SCENARIO
        } else {
            MmState::default()
        };
    }
}

/// The CPUs' queued calls: a free one is its state byte alone.
fn csds(o: &mut Out, csd: &[Csd]) {
    for c in csd {
        if c.state == CsdState::Free {
            let d = o.room(1);
            d[0] = 0;
            o.n += 1;
            continue;
        }
        let d = o.room(3 + 16);
        d[0] = c.state as u8;
        d[1..3].copy_from_slice(&c.func.to_le_bytes());
        let (x, n) = value_bits(&c.info);
        d[3..19].copy_from_slice(&x.to_le_bytes());
        o.n += 3 + n;
    }
}

/// The most a frame takes: 13 bytes, a last store (9) and a discard or move (6).
const FRAME_ROOM: usize = 28;

/// Words of declared memory, zigzag LEB128: one byte for the small values (and -1, a free
/// page's _mapcount) that locks and counters hold, five or six for a handle. Eight at a
/// time where all eight take one byte (most of memory in most states).
fn words(o: &mut Out, mem: &[i64]) {
    let d = o.room(10 * mem.len());
    let mut j = 0;
    let mut chunks = mem.chunks_exact(8);
    for c in &mut chunks {
        let c: &[i64; 8] = c.try_into().unwrap();
        if c.iter().fold(0, |a, &w| a | w) == 0 {
            // the commonest chunk
            d[j..j + 8].fill(0);
            j += 8;
        } else if c.iter().fold(0, |a, &w| a | (w as u64).wrapping_add(64)) < 128 {
            // all in -64..64
            let x: [u8; 8] = std::array::from_fn(|k| zigzag(c[k]) as u8);
            d[j..j + 8].copy_from_slice(&x);
            j += 8;
        } else {
            for &w in c {
                j = word(d, j, w);
            }
        }
    }
    for &w in chunks.remainder() {
        j = word(d, j, w);
    }
    o.n += j;
}

fn zigzag(w: i64) -> u64 {
    ((w << 1) ^ (w >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    (z >> 1) as i64 ^ -((z & 1) as i64)
}

/// Writes word `w` at `d[j..]`; the end.
#[inline(always)]
fn word(d: &mut [u8], mut j: usize, w: i64) -> usize {
    let mut z = zigzag(w);
    while z >= 0x80 {
        d[j] = z as u8 | 0x80;
        z >>= 7;
        j += 1;
    }
    d[j] = z as u8;
    j + 1
}

/// Reads an encoding back into `s`, reusing its vectors; `s` must have the machine's shape
/// (any state of the same machine, e.g. a clone of the initial one). `funcs` are the
/// program's functions: their frames' sizes.
pub fn decode_into(b: &[u8], s: &mut State, funcs: &[Func]) {
    let mut r = Reader { b, i: 0 };
    for t in s.threads.iter_mut() {
        decode_thread(&mut r, t, funcs);
    }
    decode_shared(&mut r, s);
    debug_assert_eq!(r.i, b.len(), "the encoding was read to its end");
}

fn decode_thread(r: &mut Reader, t: &mut Thread, funcs: &[Func]) {
    let [_, _, flags, mm, rcu_depth, gp_wait, nframes] = r.take();
    t.status = match flags & 3 {
        0 => Status::Running,
        1 => Status::Done,
        _ => Status::Killed,
    };
    t.task_running = flags & 4 != 0;
    t.irqs_off = flags & 32 != 0;
    t.gp_active = flags & 64 != 0;
    t.idle = flags & 128 != 0;
    t.signal = match flags & 24 {
        8 => SIGSEGV,
        16 => SIGBUS,
        _ => 0,
    };
    t.mm = mm;
    t.rcu_depth = rcu_depth;
    t.gp_wait = gp_wait;
    t.frames.clear();
    t.arena.clear();
    for _ in 0..nframes {
        let h: [u8; 8] = r.take();
        let func = u16::from_le_bytes([h[0], h[1]]);
        let pc_irq = u32::from_le_bytes([h[2], h[3], h[4], h[5]]);
        let (pc, entry) = (pc_irq & 0xff_ffff, (pc_irq >> 24) as u8);
        let (a, nlocals) = (h[6], h[7] as usize);
        // the frame at its full size, Nulls above the stack, read in place
        let base = t.arena.len();
        let max_stack = funcs[func as usize].max_stack;
        t.arena.resize(base + nlocals + max_stack, Value::Null);
        let stack = base + nlocals;
        r.values_into(&mut t.arena[base..stack]);
        let sp = r.u8();
        debug_assert!(sp as usize <= max_stack, "a frame within its size");
        r.values_into(&mut t.arena[stack..stack + sp as usize]);
        t.frames.push(CallFrame {
            func,
            atomic: a,
            entry,
            pc,
            base: base as u32,
            nlocals: nlocals as u16,
            sp: sp.into(),
        });
    }
    let nheap = r.u8() as usize;
    t.heap.truncate(nheap);
    while t.heap.len() < nheap {
        t.heap.push(Record {
            strukt: 0,
            fields: Vec::new(),
        });
    }
    for rec in t.heap.iter_mut() {
        rec.strukt = r.u16();
        let n = r.u8() as usize;
        rec.fields.clear();
        rec.fields.resize(n, Value::Null);
        r.values_into(&mut rec.fields);
    }
}

fn decode_shared(r: &mut Reader, s: &mut State) {
    for e in s.tlb.iter_mut() {
        let tag = r.u8();
        *e = (tag & 1 != 0).then(|| {
            let [p0, p1, generation] = r.take();
            TlbEntry {
                write: tag & 2 != 0,
                dirty: tag & 4 != 0,
                pfn: u16::from_le_bytes([p0, p1]),
                generation,
            }
        });
    }
    let src = r.slice(4 * s.ptes.len());
    for (p, x) in s.ptes.iter_mut().zip(src.chunks_exact(4)) {
        *p = Pte(u32::from_le_bytes(x.try_into().unwrap()));
    }
    let src = r.slice(s.ptl.len());
    let changed = src.first().is_some_and(|&x| x & 0x80 != 0);
    for (l, &x) in s.ptl.iter_mut().zip(src) {
        *l = (x & 0x7f != 0x7f).then_some(x & 0x7f);
    }
    if !changed {
        set_pgtables_initial(s);
    } else {
        let src = r.slice(4 * s.pmds.len());
        for (p, x) in s.pmds.iter_mut().zip(src.chunks_exact(4)) {
            *p = crate::ir::Pmd(u32::from_le_bytes(x.try_into().unwrap()));
        }
        let src = r.slice(2 * s.tables.len());
        for (t, x) in s.tables.iter_mut().zip(src.chunks_exact(2)) {
            *t = TableFrame {
                allocated: x[0] != 0,
                generation: x[1],
            };
        }
        let src = r.slice(4 * s.psc.len());
        for (p, x) in s.psc.iter_mut().zip(src.chunks_exact(4)) {
            *p = crate::ir::Pmd(u32::from_le_bytes(x.try_into().unwrap()));
        }
        let src = r.slice(s.mms.len());
        for (m, &x) in s.mms.iter_mut().zip(src) {
            *m = MmState {
                live: x & 1 != 0,
                ghost: x & 2 != 0,
            };
        }
    }
    for f in s.frames.iter_mut() {
        let h: [u8; 13] = r.take();
        let data = i64::from_le_bytes(h[2..10].try_into().unwrap());
        let copied_from = match u16::from_le_bytes([h[11], h[12]]) {
            0xffff => None,
            x => Some(x),
        };
        let last_store = match r.u8() {
            0xff => None,
            c => Some((c, r.i64())),
        };
        let taken = match r.u8() {
            0xff => None,
            cpu => Some(super::state::Taken {
                cpu,
                mm: r.u8(),
                slot: r.u16(),
                to: match r.u16() {
                    0xffff => None,
                    to => Some(to),
                },
            }),
        };
        *f = Frame {
            allocated: h[0] != 0,
            data,
            generation: h[1],
            private_to: (h[10] != 0xff).then_some(h[10]),
            copied_from,
            last_store,
            taken,
        };
    }
    let src = r.slice(8 * (s.expected.len() + s.swap.len()));
    for (e, x) in s
        .expected
        .iter_mut()
        .chain(s.swap.iter_mut())
        .zip(src.chunks_exact(8))
    {
        *e = i64::from_le_bytes(x.try_into().unwrap());
    }
    let n = s.vma_rcu.len();
    s.vma_rcu.copy_from_slice(r.slice(n));
    let n = s.lazyfree.len();
    s.lazyfree.copy_from_slice(r.slice(n));
    let mut chunks = s.mem.chunks_exact_mut(8);
    for c in &mut chunks {
        // eight words of one byte each (a valid encoding has eight bytes left here)
        let x = u64::from_le_bytes(r.b[r.i..r.i + 8].try_into().unwrap());
        if x == 0 {
            c.fill(0);
            r.i += 8;
        } else if x & 0x8080_8080_8080_8080 == 0 {
            for (k, w) in c.iter_mut().enumerate() {
                *w = unzigzag((x >> (8 * k)) & 0x7f);
            }
            r.i += 8;
        } else {
            for w in c {
                *w = r.word();
            }
        }
    }
    for w in chunks.into_remainder() {
        *w = r.word();
    }
    for c in s.csd.iter_mut() {
        *c = match r.u8() {
            0 => Csd::default(),
            state => {
                let func = r.u16();
                let mut info = [Value::Null];
                r.values_into(&mut info);
                Csd {
                    func,
                    info: info[0],
                    state: if state == CsdState::Queued as u8 {
                        CsdState::Queued
                    } else {
                        CsdState::Running
                    },
                }
            }
        };
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let x = self.b[self.i..self.i + N].try_into().unwrap();
        self.i += N;
        x
    }
    fn slice(&mut self, n: usize) -> &[u8] {
        let x = &self.b[self.i..self.i + n];
        self.i += n;
        x
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.take())
    }
    fn word(&mut self) -> i64 {
        let (mut z, mut shift) = (0u64, 0);
        loop {
            let x = self.u8();
            z |= u64::from(x & 0x7f) << shift;
            if x & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        unzigzag(z)
    }
    /// The next 16 bytes as a little-endian word (zeros past the end).
    #[inline(always)]
    fn peek16(&self) -> u128 {
        match self.b.get(self.i..self.i + 16) {
            Some(x) => u128::from_le_bytes(x.try_into().unwrap()),
            None => self.peek16_at_end(),
        }
    }
    #[cold]
    fn peek16_at_end(&self) -> u128 {
        let mut x = [0; 16];
        let rest = &self.b[self.i..];
        x[..rest.len()].copy_from_slice(rest);
        u128::from_le_bytes(x)
    }
    /// Reads `out.len()` values (their count was read) into `out`, all Null: the commonest
    /// value is skipped.
    fn values_into(&mut self, out: &mut [Value]) {
        for v in out {
            let x = self.peek16();
            if x as u8 == 0 {
                self.i += 1;
                continue;
            }
            let (x, n) = value_of(x);
            *v = x;
            self.i += n;
        }
    }
}

/// The value whose bytes start `x` (see `value_bits`), and their count.
#[inline(always)]
fn value_of(x: u128) -> (Value, usize) {
    let p = (x >> 8) as u64;
    match x as u8 {
        0 => (Value::Null, 1),
        1 => (Value::Int(p as u8 as i8 as i64), 2),
        2 => (Value::Int(p as i64), 9),
        3 => (Value::Bool(false), 1),
        4 => (Value::Bool(true), 1),
        5 => (Value::Pte(Pte(p as u32)), 5),
        6 => (Value::Prot(p as u32), 5),
        7 => (Value::Page(p as u16), 3),
        8 => (Value::Vma(p as u8), 2),
        9 => (Value::Mm(p as u8), 2),
        10 => (Value::PtePtr(p as u16 as u32), 3),
        20 => (Value::PtePtr(p as u32), 5),
        11 => (Value::Ptl(p as u16), 3),
        12 => (Value::Rec(p as u16), 3),
        13 => (Value::Word(p as u32), 5),
        15 => (Value::Obj(p as u32), 5),
        16 => (Value::Func(p as u16), 3),
        17 => (Value::Pmd(crate::ir::Pmd(p as u32)), 5),
        18 => (Value::PmdPtr(p as u16), 3),
        19 => (Value::PgTable(crate::ir::Pmd(p as u32)), 5),
        _ => {
            let ptr = LocalPtr {
                depth: p as u8,
                slot: (p >> 8) as u8,
                func: (p >> 16) as u16,
            };
            (Value::Local(ptr), 5)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Functions 0..10, each with three locals and room for two operands.
    fn funcs() -> Vec<Func> {
        vec![Func::stub(3, 2); 10]
    }

    fn state(mem: Vec<i64>) -> State {
        let mut t = Thread::calling(
            0,
            &funcs()[0],
            &[Value::Word(7), Value::Word(u32::MAX), Value::Obj(3)],
        );
        t.top_mut().pc = 3;
        t.push(Value::Word(0));
        t.push(Value::Obj(u32::MAX));
        State {
            threads: vec![t],
            tlb: vec![None],
            ptes: vec![crate::ir::Pte::NONE],
            ptl: vec![None],
            mms: vec![MmState::SCENARIO],
            frames: vec![Frame::default()],
            expected: vec![0],
            swap: Vec::new(),
            vma_rcu: Vec::new(),
            lazyfree: Vec::new(),
            mem,
            csd: Vec::new(),
            pmds: vec![crate::ir::Pmd::table(0, 0)],
            tables: vec![TableFrame::LIVE],
            psc: Vec::new(),
        }
    }

    #[test]
    fn flat_words_and_word_pointers_round_trip() {
        let handle = crate::ir::handle_to_word(Value::Page(65535)).expect("a handle");
        let words = vec![
            0,
            1,
            254,
            255,
            -1,
            -64,
            64,
            1 << 40,
            handle,
            i64::MAX,
            i64::MIN,
        ];
        let s = state(words.clone());
        let mut b = Vec::new();
        encode(&s, &mut b);
        let mut back = state(vec![42; words.len()]);
        back.threads[0].clear_frames();
        decode_into(&b, &mut back, &funcs());
        assert_eq!(back, s);
    }

    #[test]
    fn pointers_to_locals_round_trip_and_stay_distinct() {
        use crate::ir::LocalPtr;
        let ptr = |depth, slot, func| Value::Local(LocalPtr { depth, slot, func });
        let mut s = state(vec![0]);
        // a callee holding pointers to its caller's locals, one in a record, one dangling
        s.threads[0].push_frame(
            9,
            &funcs()[9],
            &[
                ptr(0, 0, 0),
                ptr(LocalPtr::DANGLING, 254, u16::MAX),
                Value::Int(3),
            ],
            false,
        );
        s.threads[0].push(ptr(0, 1, 0));
        s.threads[0].heap.push(Record {
            strukt: 2,
            fields: vec![ptr(1, 2, 9), Value::Null],
        });
        let mut b = Vec::new();
        encode(&s, &mut b);
        let mut back = state(vec![7]);
        decode_into(&b, &mut back, &funcs());
        assert_eq!(back, s);

        // every field of the pointer is in the encoding
        for other in [ptr(1, 0, 0), ptr(0, 1, 0), ptr(0, 0, 1), Value::Word(0)] {
            let mut t = s.clone();
            t.threads[0].set_local(1, 0, other);
            let mut c = Vec::new();
            encode(&t, &mut c);
            assert_ne!(b, c, "{other:?}");
        }
    }

    /// A state with every kind of value, thread flag and shared entry, and memory words of
    /// every length (in a chunk of eight and in the tail).
    fn rich() -> State {
        use crate::ir::{LocalPtr, Pte};
        let all = [
            Value::Null,
            Value::Int(-64),
            Value::Int(63),
            Value::Int(64),
            Value::Int(i64::MIN),
            Value::Bool(false),
            Value::Bool(true),
            Value::Pte(Pte(0x8000_0067)),
            Value::Prot(u32::MAX),
            Value::Page(0x1234),
            Value::Vma(7),
            Value::Mm(255),
            Value::PtePtr(0xfffe),
            Value::Ptl(3),
            Value::Rec(1),
            Value::Word(0x0102_0304),
            Value::Local(LocalPtr {
                depth: 1,
                slot: 2,
                func: 0x0304,
            }),
            Value::Obj(0xdead_beef),
            Value::Func(0xabcd),
            Value::Pmd(crate::ir::Pmd::table(3, 7)),
            Value::PmdPtr(0x0102),
            Value::PgTable(crate::ir::Pmd::table(0x0405, 0x06)),
        ];
        let fs = vec![Func::stub(22, 4); 3];
        let mut t = Thread::calling(2, &fs[2], &all);
        t.top_mut().pc = 0x0002_0304; // below 2^24, the compiler's limit
        t.top_mut().atomic = 3;
        t.push(Value::Int(i64::MAX));
        t.push(Value::Null);
        t.push_frame(1, &fs[1], &all[5..], true);
        t.top_mut().entry = CallFrame::IPI + 1;
        t.push(Value::Obj(9));
        t.heap.push(Record {
            strukt: 0x0506,
            fields: all[..9].to_vec(),
        });
        t.heap.push(Record {
            strukt: 1,
            fields: Vec::new(),
        });
        t.rcu_depth = 2;
        t.gp_wait = 0b1010;
        let mut u = Thread::new();
        u.status = Status::Killed;
        u.signal = SIGBUS;
        u.task_running = false;
        u.irqs_off = true;
        u.gp_active = true;
        u.idle = true;
        u.mm = 1;
        let mut v = Thread::calling(0, &fs[0], &[]);
        v.signal = SIGSEGV;
        State {
            threads: vec![t, u, v],
            tlb: vec![
                None,
                Some(TlbEntry {
                    pfn: 0x0201,
                    write: true,
                    dirty: false,
                    generation: 5,
                }),
                Some(TlbEntry {
                    pfn: 3,
                    write: false,
                    dirty: true,
                    generation: 0,
                }),
            ],
            ptes: vec![Pte::NONE, Pte(0x1234_5678)],
            ptl: vec![None, Some(1)],
            mms: vec![MmState::SCENARIO],
            frames: vec![
                Frame::default(),
                Frame {
                    allocated: true,
                    data: -2,
                    generation: 9,
                    private_to: Some(2),
                    copied_from: Some(0x0a0b),
                    last_store: Some((1, i64::MIN + 5)),
                    taken: Some(super::super::state::Taken {
                        cpu: 0,
                        mm: 3,
                        slot: 0x0c0d,
                        to: Some(0x0e0f),
                    }),
                },
            ],
            expected: vec![-1, 1 << 40],
            swap: Vec::new(),
            vma_rcu: Vec::new(),
            lazyfree: Vec::new(),
            mem: vec![
                0,
                1,
                -1,
                63,
                -64,
                5,
                0,
                0,
                0,
                64,
                -65,
                0,
                1 << 35,
                i64::MIN,
                i64::MAX,
                -1,
                7,
                0,
                1 << 20,
            ],
            csd: vec![
                Csd::default(),
                Csd {
                    func: 0x0102,
                    info: Value::Obj(77),
                    state: CsdState::Queued,
                },
                Csd {
                    func: 3,
                    info: Value::Null,
                    state: CsdState::Running,
                },
            ],
            pmds: vec![crate::ir::Pmd::NONE, crate::ir::Pmd::table(1, 0xfe)],
            tables: vec![
                TableFrame::default(),
                TableFrame {
                    allocated: true,
                    generation: 0xfe,
                },
            ],
            psc: vec![
                crate::ir::Pmd::table(1, 0xfd),
                crate::ir::Pmd::NONE,
                crate::ir::Pmd::NONE,
            ],
        }
    }

    /// The encoding's bytes are a format: fingerprints, search order and every count
    /// depend on them. This pins them (captured from the original push-per-byte encoder;
    /// since, one byte per mm after the paging-structure caches of a changed page table, and
    /// three more bytes for a frame a discard or move took: where a move put it, and the
    /// mm it was taken from).
    #[test]
    fn the_bytes_of_a_rich_state_are_unchanged() {
        let s = rich();
        let mut b = Vec::new();
        encode(&s, &mut b);
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        assert_eq!(hex, RICH_HEX);
        let fs = vec![Func::stub(22, 4); 3];
        let mut back = state(vec![0; s.mem.len()]);
        back.csd = vec![Csd::default(); s.csd.len()];
        back.pmds = vec![crate::ir::Pmd::NONE; s.pmds.len()];
        back.tables = vec![TableFrame::default(); s.tables.len()];
        back.psc = vec![crate::ir::Pmd::NONE; s.psc.len()];
        back.threads = vec![Thread::new(); 3];
        back.tlb = vec![None; 3];
        back.ptes = vec![crate::ir::Pte::NONE; 2];
        back.ptl = vec![None; 2];
        back.frames = vec![Frame::default(); 2];
        back.expected = vec![0; 2];
        decode_into(&b, &mut back, &fs);
        assert_eq!(back, s);
        // a successor's encoding (each thread the actor in turn) is the full one
        for actor in 0..3 {
            let mut c = Vec::new();
            encode_successor(&b, actor, &s, &mut c);
            assert_eq!(c, b);
        }
    }

    const RICH_HEX: &str = concat!(
        "e2000400020a0202000403020003160001c0013f0240000000000000000200000000000000800304",
        "056700008006ffffffff073412080709ff0afeff0b03000c01000d040302010e010204030fefbead",
        "de10cdab110103000712020113010504060202ffffffffffffff7f00010000000003001603040567",
        "00008006ffffffff073412080709ff0afeff0b03000c01000d040302010e010204030fefbeadde10",
        "cdab110103000712020113010504060000000000010f09000000020605090001c0013f0240000000",
        "000000000200000000000000800304056700008006ffffffff0100000600f2010000000025000c00",
        "00000100000000000000160000000000000000000000000000000000000000000000000003010205",
        "050300000000000078563412ff0100000000010100fe000001fe010100fd00000000000000000300",
        "000000000000000000ffffffffff0109feffffffffffffff020b0a01050000000000008000030d0c",
        "0f0effffffffffffffff00000000000100000002017e7f0a0000008001810100808080808002ffff",
        "ffffffffffffff01feffffffffffffffff01010e0080808001000102010f4d00000002030000",
    );

    #[test]
    fn states_differing_in_one_word_encode_differently() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        encode(&state(vec![0, 255]), &mut a);
        encode(&state(vec![255, 0]), &mut b);
        assert_ne!(a, b);
        encode(&state(vec![254, 0]), &mut b);
        assert_ne!(a, b);
    }
}
