//! A compact byte encoding of the machine state, hashed in one pass for fingerprints.
//! Injective: every variable-length part is preceded by its length.

use super::state::*;
use crate::ir::Value;

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
            b.push(p as u8);
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
    }
}

fn values(b: &mut Vec<u8>, vs: &[Value]) {
    b.push(vs.len() as u8);
    for v in vs {
        value(b, v);
    }
}

pub fn encode(s: &State, b: &mut Vec<u8>) {
    b.clear();
    for t in &s.threads {
        b.push(t.status as u8 | (t.task_running as u8) << 2 | (t.sigsegv as u8) << 3);
        b.push(t.mm);
        b.push(t.frames.len() as u8);
        for f in &t.frames {
            b.extend_from_slice(&f.func.to_le_bytes());
            b.extend_from_slice(&f.pc.to_le_bytes());
            b.push(f.atomic | (f.exception as u8) << 7);
            values(b, &f.locals);
            values(b, &f.stack);
        }
        b.push(t.heap.len() as u8);
        for r in &t.heap {
            b.extend_from_slice(&r.strukt.to_le_bytes());
            values(b, &r.fields);
        }
    }
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
    for m in &s.mms {
        b.extend_from_slice(&m.mmap_lock.readers.to_le_bytes());
        b.push(m.mmap_lock.writer.map_or(0xff, |x| x));
        b.extend_from_slice(&m.tlb_flush_pending.to_le_bytes());
        b.push(m.tlb_flush_batched as u8);
        b.extend_from_slice(&m.uffd_wp_groups);
        b.push(m.uffd_msgs.len() as u8);
        for msg in &m.uffd_msgs {
            b.push(msg.tid);
            b.extend_from_slice(&msg.addr.to_le_bytes());
            b.push(msg.read as u8);
        }
    }
    for f in &s.vma_flags {
        b.extend_from_slice(&f.to_le_bytes());
    }
    for f in &s.frames {
        if !f.allocated {
            b.push(0);
            b.push(f.generation);
            continue;
        }
        b.push(1);
        b.push(f.generation);
        b.extend_from_slice(&f.refcount.to_le_bytes());
        b.extend_from_slice(&f.mapcount.to_le_bytes());
        b.push(f.locked_by.map_or(0xff, |x| x));
        b.push(f.anon as u8 | (f.anon_exclusive as u8) << 1);
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
    }
    for e in &s.expected {
        b.extend_from_slice(&e.to_le_bytes());
    }
}
