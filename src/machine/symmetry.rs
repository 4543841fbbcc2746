//! Symmetry of the free-frame pool: frames that no scenario page names are interchangeable,
//! so a state is relabelled with pool frames numbered in order of first reference (PTEs,
//! TLBs, then each CPU's locals, operand stack and records). Two states that differ only in
//! which pool frame each COW got become one state.
//!
//! Sound only while the machine treats pool frames alike: allocation takes the first free
//! frame, so every free pool frame must be identical (checked per state: otherwise no
//! relabelling), and no frame number may live on as a plain integer (checked per program:
//! `pte_pfn` only straight into `is_zero_pfn`, no `.pfn` field reads).

use super::state::{Frame, State};
use crate::ir::{Instr, Prim, Program, Pte, Value};

/// At most this many pool frames are relabelled.
const MAX_POOL: usize = 64;

/// The pool frames `first..end` if relabelling them is sound for this program.
pub fn pool(p: &Program) -> Option<std::ops::Range<usize>> {
    let sc = &p.scenario;
    let pool = sc.pages.len()..sc.frames;
    if pool.len() < 2 || pool.len() > MAX_POOL {
        return None;
    }
    for f in &p.funcs {
        for (pc, i) in f.code.iter().enumerate() {
            match i {
                Instr::Prim {
                    prim: Prim::PtePfn, ..
                } => {
                    let next = f.code.get(pc + 1);
                    if !matches!(
                        next,
                        Some(Instr::Prim {
                            prim: Prim::IsZeroPfn,
                            ..
                        })
                    ) {
                        return None;
                    }
                }
                Instr::GetField(fid) if p.field_name(*fid) == "pfn" => return None,
                _ => {}
            }
        }
    }
    Some(pool)
}

struct Order<'a> {
    mem: &'a crate::ir::Memory,
    pool: std::ops::Range<usize>,
    seen: u64,
    order: [u8; MAX_POOL],
    n: usize,
}

impl Order<'_> {
    fn frame(&mut self, f: usize) {
        if self.pool.contains(&f) {
            let bit = 1u64 << (f - self.pool.start);
            if self.seen & bit == 0 {
                self.seen |= bit;
                self.order[self.n] = (f - self.pool.start) as u8;
                self.n += 1;
            }
        }
    }
    fn pte(&mut self, p: Pte) {
        if let Some(pfn) = p.frame_pfn() {
            self.frame(pfn as usize - 1);
        }
    }
    fn value(&mut self, v: &Value) {
        match *v {
            Value::Page(p) => self.frame(p as usize),
            Value::Pte(p) => self.pte(p),
            Value::Pmd(p) => {
                if let Some(leaf) = p.leaf() {
                    self.pte(leaf)
                }
            }
            Value::Word(w) => {
                if let Some(f) = self.mem.frame_of(w as usize) {
                    self.frame(f)
                }
            }
            // A pointer to a local names a call frame of its own thread, not a page frame:
            // relabelling leaves it alone (the local it points to is relabelled in place).
            _ => {}
        }
    }
}

/// Relabels the pool frames of `st` in order of first reference; true if it changed any.
pub fn canonicalise(
    st: &mut State,
    pool: &std::ops::Range<usize>,
    mem: &crate::ir::Memory,
) -> bool {
    // Nothing to gain with at most one frame in use, already first.
    let mut used = st.frames[pool.clone()]
        .iter()
        .enumerate()
        .filter(|(_, f)| f.allocated);
    match (used.next(), used.next()) {
        (None, _) | (Some((0, _)), None) => return false,
        _ => {}
    }
    let free = Frame::default();
    let fresh = |f: usize| mem.page_words(f).all(|w| st.mem[w] == mem.init_of(w));
    if st.frames[pool.clone()]
        .iter()
        .enumerate()
        .any(|(i, f)| !f.allocated && (*f != free || !fresh(pool.start + i)))
    {
        return false;
    }
    let mut o = Order {
        mem,
        pool: pool.clone(),
        seen: 0,
        order: [0; MAX_POOL],
        n: 0,
    };
    for &p in &st.ptes {
        o.pte(p);
    }
    // the pages huge PMD leaves map
    for p in &st.pmds {
        if let Some(leaf) = p.leaf() {
            o.pte(leaf);
        }
    }
    for e in st.tlb.iter().flatten() {
        o.frame((e.pfn as usize).wrapping_sub(1));
    }
    // handles kept in shared memory (a pagevec's pages)
    for &w in &mem.handle_words {
        o.value(&crate::ir::word_to_handle(st.mem[w as usize]));
    }
    for t in &st.threads {
        // each call's locals then its operand stack, outermost first
        t.values().iter().for_each(|v| o.value(v));
        for r in &t.heap {
            r.fields.iter().for_each(|v| o.value(v));
        }
    }
    // the arguments of queued IPI calls
    st.csd.iter().for_each(|c| o.value(&c.info));
    for i in 0..pool.len() {
        if let Some(src) = st.frames[pool.start + i].copied_from {
            o.frame(src as usize);
        }
    }
    // the rest: allocated ones, then free ones, in index order
    for i in 0..pool.len() {
        if st.frames[pool.start + i].allocated {
            o.frame(pool.start + i);
        }
    }
    for i in 0..pool.len() {
        o.frame(pool.start + i);
    }
    if o.order[..o.n]
        .iter()
        .enumerate()
        .all(|(i, &x)| i == x as usize)
    {
        return false;
    }
    // A migration or device-private entry held as an integer (a local, a record, a word)
    // names its frame by number, which relabelling would not follow: keep such a state as
    // it is.
    let names_pool_frame = |v: &Value| match *v {
        Value::Int(x) => crate::ir::value::swp_int_frame(x).is_some_and(|f| pool.contains(&f)),
        _ => false,
    };
    if st.threads.iter().any(|t| {
        t.values().iter().any(names_pool_frame)
            || t.heap.iter().any(|r| r.fields.iter().any(names_pool_frame))
    }) || st.mem.iter().any(|&w| names_pool_frame(&Value::Int(w)))
        || st.csd.iter().any(|c| names_pool_frame(&c.info))
    {
        return false;
    }
    // to[old] = new (pool offsets)
    let mut to = [0u8; MAX_POOL];
    for (new, &old) in o.order[..o.n].iter().enumerate() {
        to[old as usize] = new as u8;
    }
    let map = |f: usize| -> usize {
        if pool.contains(&f) {
            pool.start + to[f - pool.start] as usize
        } else {
            f
        }
    };
    // (a swap slot's offset or a marker's bits are no frame: left alone)
    let map_pte = |p: Pte| -> Pte {
        match p.frame_pfn() {
            None => p,
            Some(pfn) => Pte(((map(pfn as usize - 1) as u32 + 1)
                << crate::ir::pte_bits::PFN_SHIFT)
                | (p.0 & crate::ir::pte_bits::FLAGS)),
        }
    };
    // a pointer into a pool page's struct page follows its page
    let map_word = |w: usize| -> usize {
        match mem.frame_of(w) {
            Some(f) if pool.contains(&f) => {
                let (old, new) = (mem.page_words(f), mem.page_words(map(f)));
                new.start + (w - old.start)
            }
            _ => w,
        }
    };
    let map_pmd = |p: crate::ir::Pmd| {
        p.leaf()
            .map_or(p, |leaf| crate::ir::Pmd::huge(map_pte(leaf)))
    };
    let map_value = |v: &mut Value| match *v {
        Value::Page(p) => *v = Value::Page(map(p as usize) as u16),
        Value::Pte(p) => *v = Value::Pte(map_pte(p)),
        Value::Pmd(p) => *v = Value::Pmd(map_pmd(p)),
        Value::Word(w) => *v = Value::Word(map_word(w as usize) as u32),
        _ => {}
    };
    for p in st.ptes.iter_mut() {
        *p = map_pte(*p);
    }
    for p in st.pmds.iter_mut() {
        *p = map_pmd(*p);
    }
    for e in st.tlb.iter_mut().flatten() {
        if e.pfn != 0 {
            e.pfn = map(e.pfn as usize - 1) as u16 + 1;
        }
    }
    for t in st.threads.iter_mut() {
        t.values_mut().iter_mut().for_each(map_value);
        for r in t.heap.iter_mut() {
            r.fields.iter_mut().for_each(map_value);
        }
    }
    st.csd.iter_mut().for_each(|c| map_value(&mut c.info));
    for &w in &mem.handle_words {
        let w = w as usize;
        let mut v = crate::ir::word_to_handle(st.mem[w]);
        map_value(&mut v);
        st.mem[w] = crate::ir::handle_to_word(v).unwrap_or(st.mem[w]);
    }
    let words: Vec<i64> = st.mem.clone();
    for i in pool.clone() {
        let (from, to) = (mem.page_words(i), mem.page_words(map(i)));
        st.mem[to].copy_from_slice(&words[from]);
    }
    let old: Vec<Frame> = st.frames[pool.clone()].to_vec();
    for (i, mut fr) in old.into_iter().enumerate() {
        fr.copied_from = fr.copied_from.map(|c| map(c as usize) as u16);
        st.frames[pool.start + to[i] as usize] = fr;
    }
    for fr in st.frames[..pool.start].iter_mut() {
        fr.copied_from = fr.copied_from.map(|c| map(c as usize) as u16);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::state::*;

    /// Two CPUs, one PTE; frame 0 is a named page, frames 1..3 the pool.
    fn state(held: [u16; 2], data: [i64; 2]) -> State {
        let used = |d| Frame {
            allocated: true,
            data: d,
            ..Frame::default()
        };
        let mut frames = vec![used(7), Frame::default(), Frame::default()];
        frames[held[0] as usize] = used(data[0]);
        frames[held[1] as usize] = used(data[1]);
        let thread = |page: u16| {
            Thread::calling(
                0,
                &crate::ir::Func::stub(2, 0),
                &[Value::Page(page), Value::Pte(Pte::new(page as u32 + 1, 1))],
            )
        };
        State {
            threads: vec![thread(held[0]), thread(held[1])],
            tlb: vec![None, None],
            ptes: vec![Pte::new(1, 1)],
            ptl: vec![None],
            mms: vec![MmState::SCENARIO],
            frames,
            expected: vec![7],
            swap: Vec::new(),
            vma_rcu: Vec::new(),
            lazyfree: Vec::new(),
            mem: Vec::new(),
            csd: Vec::new(),
            pmds: vec![crate::ir::Pmd::table(0, 0)],
            tables: vec![TableFrame::LIVE],
            psc: Vec::new(),
        }
    }

    #[test]
    fn states_that_differ_only_in_which_pool_frame_is_which_become_one() {
        let pool = 1..3;
        let mut a = state([1, 2], [5, 6]);
        let mut b = state([2, 1], [5, 6]);
        assert_ne!(a, b);
        canonicalise(&mut a, &pool, &crate::ir::Memory::default());
        assert!(
            canonicalise(&mut b, &pool, &crate::ir::Memory::default()),
            "b is relabelled"
        );
        assert_eq!(a, b);
        // references follow their frames: cpu0 still holds the page with 5
        let Value::Page(p) = b.threads[0].local(0, 0) else {
            panic!("a page")
        };
        assert_eq!(b.frames[p as usize].data, 5);
        assert_eq!(
            b.threads[0].local(0, 1),
            Value::Pte(Pte::new(p as u32 + 1, 1))
        );
    }

    #[test]
    fn different_states_stay_different_and_named_pages_keep_their_number() {
        let pool = 1..3;
        let mut a = state([1, 2], [5, 6]);
        let mut b = state([2, 1], [6, 5]);
        canonicalise(&mut a, &pool, &crate::ir::Memory::default());
        canonicalise(&mut b, &pool, &crate::ir::Memory::default());
        assert_ne!(a, b, "cpu0 holds 5 in one and 6 in the other");
        assert_eq!(a.ptes[0].pfn(), 1, "the named page is not renumbered");
    }

    #[test]
    fn a_pointer_to_a_local_keeps_pointing_at_that_local() {
        use crate::ir::LocalPtr;
        let pool = 1..3;
        let mut a = state([2, 1], [5, 6]);
        // cpu0's callee holds a pointer to its caller's local 0, which holds a pool page
        let ptr = Value::Local(LocalPtr {
            depth: 0,
            slot: 0,
            func: 0,
        });
        a.threads[0].push_frame(
            1,
            &crate::ir::Func::stub(2, 0),
            &[ptr, Value::Int(2)],
            false,
        );
        assert!(
            canonicalise(&mut a, &pool, &crate::ir::Memory::default()),
            "relabelled"
        );
        assert_eq!(a.threads[0].locals(1), [ptr, Value::Int(2)]);
        // the local it points to still holds the page with 5, renumbered
        let Value::Page(p) = a.threads[0].local(0, 0) else {
            panic!("a page")
        };
        assert_eq!(a.frames[p as usize].data, 5);
        assert_eq!(p, 1, "the first pool frame referenced becomes the first");
    }

    #[test]
    fn a_free_pool_frame_that_differs_blocks_the_relabelling() {
        let pool = 1..3;
        let mut a = state([1, 2], [5, 6]);
        a.frames[2] = Frame {
            generation: 3,
            ..Frame::default()
        };
        a.threads[1].locals_mut(0).fill(Value::Null);
        let before = a.clone();
        assert!(!canonicalise(&mut a, &pool, &crate::ir::Memory::default()));
        assert_eq!(a, before);
    }

    #[test]
    fn a_swap_entry_is_no_frame_and_a_migration_entry_is_one() {
        let pool = 1..3;
        // cpu0 holds frame 2, cpu1 frame 1: relabelling swaps them
        let mut a = state([2, 1], [5, 6]);
        // a swap entry whose slot number is frame 2's pfn: not a frame, left alone
        let swap = Pte::from_swap_entry(crate::ir::value::SWP_SWAPFILE, 3);
        a.ptes[0] = swap;
        assert!(canonicalise(&mut a, &pool, &crate::ir::Memory::default()));
        assert_eq!(a.ptes[0], swap, "the slot number is not renumbered");
        // a migration entry names its frame: it follows the frame
        let mut b = state([2, 1], [5, 6]);
        b.ptes[0] = Pte::from_swap_entry(crate::ir::value::SWP_MIGRATION_READ, 3);
        assert!(canonicalise(&mut b, &pool, &crate::ir::Memory::default()));
        let f = b.ptes[0].entry_pfn().expect("still a migration entry") as usize - 1;
        assert_eq!(b.frames[f].data, 5, "the entry still names the page with 5");
        // a migration entry held as an integer cannot follow: no relabelling then
        let mut c = state([2, 1], [5, 6]);
        c.threads[0].locals_mut(0)[1] = Value::Int(crate::ir::value::swp_entry_int(
            crate::ir::value::SWP_MIGRATION_WRITE,
            3,
        ));
        let before = c.clone();
        assert!(!canonicalise(&mut c, &pool, &crate::ir::Memory::default()));
        assert_eq!(c, before);
    }
}
