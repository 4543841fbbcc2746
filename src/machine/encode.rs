//! A compact byte encoding of the machine state, hashed in one pass for fingerprints and
//! kept instead of the state in search frontiers (`decode_into` restores it).
//! Injective (every variable-length part is preceded by its length) and lossless.

use super::state::*;
use crate::ir::{Func, Value};

fn value(b: &mut Vec<u8>, v: &Value) {
    match *v {
        Value::Null => b.push(0),
        Value::Int(i) => {
            if (-64..64).contains(&i) {
                b.push(1);
                b.push(i as u8);
            } else {
                b.push(2);
                b.extend_from_slice(&i.to_le_bytes());
            }
        }
        Value::Bool(x) => b.push(3 + x as u8),
        Value::Pte(p) => {
            b.push(5);
            b.extend_from_slice(&p.0.to_le_bytes());
        }
        Value::Prot(p) => {
            b.push(6);
            b.extend_from_slice(&p.to_le_bytes());
        }
        Value::Page(p) => {
            b.push(7);
            b.extend_from_slice(&p.to_le_bytes());
        }
        Value::Vma(x) => b.extend_from_slice(&[8, x]),
        Value::Mm(x) => b.extend_from_slice(&[9, x]),
        Value::PtePtr(x) => {
            b.push(10);
            b.extend_from_slice(&x.to_le_bytes());
        }
        Value::Ptl(x) => {
            b.push(11);
            b.extend_from_slice(&x.to_le_bytes());
        }
        Value::Rec(x) => {
            b.push(12);
            b.extend_from_slice(&x.to_le_bytes());
        }
        Value::Word(x) => {
            b.push(13);
            b.extend_from_slice(&x.to_le_bytes());
        }
        Value::Local(p) => {
            b.extend_from_slice(&[14, p.depth, p.slot]);
            b.extend_from_slice(&p.func.to_le_bytes());
        }
        Value::Obj(x) => {
            b.push(15);
            b.extend_from_slice(&x.to_le_bytes());
        }
    }
}

fn values(b: &mut Vec<u8>, vs: &[Value]) {
    b.push(vs.len() as u8);
    for v in vs {
        value(b, v);
    }
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
fn thread(b: &mut Vec<u8>, t: &Thread) {
    let at = b.len();
    b.extend_from_slice(&[0, 0]);
    b.push(thread_flags(t));
    b.push(t.mm);
    b.push(t.rcu_depth);
    b.push(t.gp_wait);
    b.push(t.frames.len() as u8);
    for (depth, f) in t.frames.iter().enumerate() {
        b.extend_from_slice(&f.func.to_le_bytes());
        b.extend_from_slice(&f.pc.to_le_bytes());
        b.push(f.atomic | (f.exception as u8) << 7);
        values(b, t.locals(depth));
        // the live operand stack only: the Nulls above it are implied by the function
        values(b, t.stack(depth));
    }
    b.push(t.heap.len() as u8);
    for r in &t.heap {
        b.extend_from_slice(&r.strukt.to_le_bytes());
        values(b, &r.fields);
    }
    let len = (b.len() - at - 2) as u16;
    b[at..at + 2].copy_from_slice(&len.to_le_bytes());
}

pub fn encode(s: &State, b: &mut Vec<u8>) {
    b.clear();
    for t in &s.threads {
        thread(b, t);
    }
    shared(s, b);
}

/// The encoding of `s`, a state reached from the one encoded as `parent` by a step of CPU
/// `actor`: a step changes only its own CPU's thread and other threads' flags (a wakeup)
/// and RCU bytes (a read section's end clears a waiter's grace period), so every other
/// thread is copied from the parent's encoding with those re-encoded.
pub fn encode_successor(parent: &[u8], actor: usize, s: &State, b: &mut Vec<u8>) {
    b.clear();
    let mut p = 0;
    for (j, t) in s.threads.iter().enumerate() {
        let len = u16::from_le_bytes([parent[p], parent[p + 1]]) as usize;
        if j == actor {
            thread(b, t);
        } else {
            let at = b.len();
            b.extend_from_slice(&parent[p..p + 2 + len]);
            b[at + 2] = thread_flags(t);
            b[at + 4] = t.rcu_depth;
            b[at + 5] = t.gp_wait;
        }
        p += 2 + len;
    }
    shared(s, b);
}

fn shared(s: &State, b: &mut Vec<u8>) {
    for e in &s.tlb {
        match e {
            None => b.push(0),
            Some(e) => {
                b.push(1 | (e.write as u8) << 1 | (e.dirty as u8) << 2);
                b.extend_from_slice(&e.pfn.to_le_bytes());
                b.push(e.generation);
            }
        }
    }
    for p in &s.ptes {
        b.extend_from_slice(&p.0.to_le_bytes());
    }
    for l in &s.ptl {
        b.push(l.map_or(0xff, |x| x));
    }
    for f in &s.frames {
        b.push(f.allocated as u8);
        b.push(f.generation);
        b.extend_from_slice(&f.data.to_le_bytes());
        b.push(f.private_to.map_or(0xff, |x| x));
        b.extend_from_slice(&f.copied_from.map_or(0xffff, |x| x).to_le_bytes());
        match f.last_store {
            None => b.push(0xff),
            Some((c, v)) => {
                b.push(c);
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        match f.discarded {
            None => b.push(0xff),
            Some((c, slot)) => {
                b.push(c);
                b.extend_from_slice(&slot.to_le_bytes());
            }
        }
    }
    for e in &s.expected {
        b.extend_from_slice(&e.to_le_bytes());
    }
    for &w in &s.mem {
        word(b, w);
    }
}

/// A word of declared memory, zigzag LEB128: one byte for the small values (and -1, a free
/// page's _mapcount) that locks and counters hold, five or six for a handle.
fn word(b: &mut Vec<u8>, w: i64) {
    let mut z = ((w << 1) ^ (w >> 63)) as u64;
    while z >= 0x80 {
        b.push(z as u8 | 0x80);
        z >>= 7;
    }
    b.push(z as u8);
}

/// Reads an encoding back into `s`, reusing its vectors; `s` must have the machine's shape
/// (any state of the same machine, e.g. a clone of the initial one). `funcs` are the
/// program's functions: their frames' sizes.
pub fn decode_into(b: &[u8], s: &mut State, funcs: &[Func]) {
    let mut r = Reader { b, i: 0 };
    for t in s.threads.iter_mut() {
        r.u16();
        let flags = r.u8();
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
        t.mm = r.u8();
        t.rcu_depth = r.u8();
        t.gp_wait = r.u8();
        let nframes = r.u8() as usize;
        t.frames.clear();
        t.arena.clear();
        for _ in 0..nframes {
            let func = r.u16();
            let pc = r.u32();
            let a = r.u8();
            let base = t.arena.len();
            let nlocals = r.u8();
            r.push_values(nlocals, &mut t.arena);
            let sp = r.u8();
            r.push_values(sp, &mut t.arena);
            let max_stack = funcs[func as usize].max_stack;
            debug_assert!(sp as usize <= max_stack, "a frame within its size");
            t.arena
                .resize(base + nlocals as usize + max_stack, Value::Null);
            t.frames.push(CallFrame {
                func,
                atomic: a & 0x7f,
                exception: a & 0x80 != 0,
                pc,
                base: base as u32,
                nlocals: nlocals.into(),
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
            r.values(&mut rec.fields);
        }
    }
    for e in s.tlb.iter_mut() {
        let tag = r.u8();
        *e = (tag & 1 != 0).then(|| TlbEntry {
            write: tag & 2 != 0,
            dirty: tag & 4 != 0,
            pfn: r.u16(),
            generation: r.u8(),
        });
    }
    for p in s.ptes.iter_mut() {
        *p = crate::ir::Pte(r.u32());
    }
    for l in s.ptl.iter_mut() {
        *l = r.opt_u8();
    }
    for f in s.frames.iter_mut() {
        let allocated = r.u8() != 0;
        let generation = r.u8();
        let data = r.i64();
        let private_to = r.opt_u8();
        let copied_from = match r.u16() {
            0xffff => None,
            x => Some(x),
        };
        let last_store = match r.u8() {
            0xff => None,
            c => Some((c, r.i64())),
        };
        let discarded = match r.u8() {
            0xff => None,
            c => Some((c, r.u16())),
        };
        *f = Frame {
            allocated,
            data,
            generation,
            private_to,
            copied_from,
            last_store,
            discarded,
        };
    }
    for e in s.expected.iter_mut() {
        *e = r.i64();
    }
    for w in s.mem.iter_mut() {
        let (mut z, mut shift) = (0u64, 0);
        loop {
            let x = r.u8();
            z |= u64::from(x & 0x7f) << shift;
            if x & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        *w = (z >> 1) as i64 ^ -((z & 1) as i64);
    }
    debug_assert_eq!(r.i, b.len(), "the encoding was read to its end");
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut x = [0; N];
        x.copy_from_slice(&self.b[self.i..self.i + N]);
        self.i += N;
        x
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn opt_u8(&mut self) -> Option<u8> {
        match self.u8() {
            0xff => None,
            x => Some(x),
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.take())
    }
    fn value(&mut self) -> Value {
        match self.u8() {
            0 => Value::Null,
            1 => Value::Int(self.u8() as i8 as i64),
            2 => Value::Int(self.i64()),
            3 => Value::Bool(false),
            4 => Value::Bool(true),
            5 => Value::Pte(crate::ir::Pte(self.u32())),
            6 => Value::Prot(self.u32()),
            7 => Value::Page(self.u16()),
            8 => Value::Vma(self.u8()),
            9 => Value::Mm(self.u8()),
            10 => Value::PtePtr(self.u16()),
            11 => Value::Ptl(self.u16()),
            12 => Value::Rec(self.u16()),
            13 => Value::Word(self.u32()),
            15 => Value::Obj(self.u32()),
            _ => Value::Local(crate::ir::LocalPtr {
                depth: self.u8(),
                slot: self.u8(),
                func: self.u16(),
            }),
        }
    }
    fn values(&mut self, out: &mut Vec<Value>) {
        let n = self.u8();
        out.clear();
        self.push_values(n, out);
    }
    fn push_values(&mut self, n: u8, out: &mut Vec<Value>) {
        for _ in 0..n {
            out.push(self.value());
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
            mms: vec![MmState::default()],
            frames: vec![Frame::default()],
            expected: vec![0],
            mem,
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
        ];
        let fs = vec![Func::stub(18, 4); 3];
        let mut t = Thread::calling(2, &fs[2], &all);
        t.top_mut().pc = 0x0102_0304;
        t.top_mut().atomic = 3;
        t.push(Value::Int(i64::MAX));
        t.push(Value::Null);
        t.push_frame(1, &fs[1], &all[5..], true);
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
            mms: vec![MmState::default()],
            frames: vec![
                Frame::default(),
                Frame {
                    allocated: true,
                    data: -2,
                    generation: 9,
                    private_to: Some(2),
                    copied_from: Some(0x0a0b),
                    last_store: Some((1, i64::MIN + 5)),
                    discarded: Some((0, 0x0c0d)),
                },
            ],
            expected: vec![-1, 1 << 40],
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
        }
    }

    /// The encoding's bytes are a format: fingerprints, search order and every count
    /// depend on them. This pins them (captured from the original push-per-byte encoder).
    #[test]
    fn the_bytes_of_a_rich_state_are_unchanged() {
        let s = rich();
        let mut b = Vec::new();
        encode(&s, &mut b);
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        assert_eq!(hex, RICH_HEX);
        let fs = vec![Func::stub(18, 4); 3];
        let mut back = state(vec![0; s.mem.len()]);
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
        "c2000400020a0202000403020103120001c0013f0240000000000000000200000000000000800304",
        "056700008006ffffffff073412080709ff0afeff0b03000c01000d040302010e010204030fefbead",
        "de0202ffffffffffffff7f0001000000000080120304056700008006ffffffff073412080709ff0a",
        "feff0b03000c01000d040302010e010204030fefbeadde0000000000010f09000000020605090001",
        "c0013f0240000000000000000200000000000000800304056700008006ffffffff0100000600f201",
        "0000000021000c000000010000000000000012000000000000000000000000000000000000000000",
        "03010205050300000000000078563412ff0100000000000000000000ffffffffff0109feffffffff",
        "ffffff020b0a010500000000000080000d0cffffffffffffffff00000000000100000002017e7f0a",
        "0000008001810100808080808002ffffffffffffffffff01feffffffffffffffff01010e00808080",
        "01",
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
