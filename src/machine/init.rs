//! From a scenario to the initial machine state, rejecting impossible ones.

use super::state::*;
use crate::ir::{Program, Pte, Value, pte_bits};
use crate::lang::Diag;

/// A page's frame number: index + 1 (frame 0 is never used), within the 16 bits of a TLB
/// entry and the 24 bits of a PTE's frame field. (The zero page, `ZERO_PAGE_SPEC`, is the
/// last frame: `zero_pfn()`.)
fn pfn(page: usize, at: crate::lang::Span) -> Result<u16, Diag> {
    u16::try_from(page + 1)
        .ok()
        .filter(|&p| u32::from(p) < 1 << (32 - pte_bits::PFN_SHIFT))
        .ok_or_else(|| Diag::at(at, "too many page frames"))
}

pub fn initial_state(prog: &Program) -> Result<State, Diag> {
    let sc = &prog.scenario;
    let slots = sc.slots;
    if sc.pages.len() > sc.frames {
        return Err(Diag::at(sc.span, "more pages than frames"));
    }
    // The allocatable frames, then the zero page: always allocated, never freed, all zeroes.
    let mut frames = vec![Frame::default(); sc.frames + 1];
    frames[sc.frames] = Frame {
        allocated: true,
        ..Frame::default()
    };
    for (i, p) in sc.pages.iter().enumerate() {
        frames[i] = Frame {
            allocated: true,
            data: p.value,
            ..Frame::default()
        };
    }
    // The frame of a page of the scenario, or the zero page's (`pte X -> zero`)
    let frame_of = |page: usize| {
        if page == crate::ir::ZERO_PAGE_SPEC {
            sc.frames
        } else {
            page
        }
    };
    // How many PTEs map each scenario page (the model's scenario_page() sets the counts).
    let mut mappings = vec![0i64; sc.pages.len()];
    // every range's PMD entry points to its own table, table r for range r
    let lay = &sc.layout;
    let mut ptes = vec![Pte::NONE; lay.tables * lay.entries];
    let regions = lay.region_base.len();
    // each declared mm has a table per range, the k-th declared mm the k-th `regions`
    // tables of the pool (mm 0: table r for range r); an mm created at run time starts with
    // none
    let rank: Vec<Option<usize>> = sc
        .declared_mms
        .iter()
        .scan(0, |n, &d| {
            let r = d.then_some(*n);
            *n += d as usize;
            Some(r)
        })
        .collect();
    let declared = rank.iter().flatten().count();
    let mut pmds: Vec<crate::ir::Pmd> = (0..lay.mms * regions)
        .map(|i| {
            let (mm, r) = lay.pmd_owner(i);
            match rank.get(mm).copied().flatten() {
                Some(k) => crate::ir::Pmd::table(k * regions + r, 0),
                None => crate::ir::Pmd::NONE,
            }
        })
        .collect();
    let tables: Vec<TableFrame> = (0..lay.tables)
        .map(|t| TableFrame {
            allocated: t < regions * declared,
            generation: 0,
        })
        .collect();
    let pte_at = |mm: usize, slot: usize| {
        let k = rank[mm].unwrap_or(0);
        lay.entry(k * regions + lay.region[slot] as usize, slot)
    };
    let mut expected = vec![0; lay.mms * slots];
    // the tables that huge leaves replace: unlinked, kept for the model to deposit
    // (`scenario_huge_pmd()`)
    let mut deposits = Vec::new();
    // how many PTEs name each slot of the swap device (the model's scenario_swap() sets
    // its swap_map counts)
    let mut swap_refs = vec![0i64; sc.swaps.len()];
    for p in &sc.ptes {
        let vma = sc
            .vmas
            .iter()
            .find(|v| p.slot >= v.first_slot && p.slot < v.first_slot + v.pages)
            .ok_or_else(|| Diag::at(p.span, "PTE outside every VMA"))?;
        if !vma.mapped {
            return Err(Diag::at(
                p.span,
                format!(
                    "impossible initial state: a PTE in `{}`, a hole no VMA maps",
                    vma.name
                ),
            ));
        }
        if vma.only_mm.is_some_and(|k| k != p.mm) {
            return Err(Diag::at(
                p.span,
                format!(
                    "impossible initial state: a PTE of mm{} in `{}`, a VMA only mm{} has",
                    p.mm,
                    vma.name,
                    vma.only_mm.unwrap_or(0)
                ),
            ));
        }
        if p.bits & pte_bits::WRITE != 0 && vma.flags & crate::ir::consts::vm::VM_WRITE == 0 {
            return Err(Diag::at(
                p.span,
                format!(
                    "impossible initial state: a writable PTE in VMA `{}`, which has no `write` flag",
                    vma.name
                ),
            ));
        }
        if p.bits & pte_bits::UFFD_WP != 0 && vma.flags & crate::ir::consts::vm::VM_UFFD_WP == 0 {
            return Err(Diag::at(
                p.span,
                format!(
                    "impossible initial state: a uffd-wp PTE in VMA `{}`, which is not registered with `uffd_wp`",
                    vma.name
                ),
            ));
        }
        if p.bits & pte_bits::WRITE != 0 && p.bits & pte_bits::UFFD_WP != 0 {
            return Err(Diag::at(
                p.span,
                "impossible initial state: a PTE cannot be both writable and uffd write-protected",
            ));
        }
        if let Some((ty, off)) = p.entry {
            // a swap entry or a marker: no page, no huge leaf; the address holds what the
            // slot does (a marker's reads as zero-fill)
            ptes[pte_at(p.mm, p.slot)] = Pte(Pte::from_swap_entry(ty, off).0 | p.bits);
            if ty == crate::ir::value::SWP_SWAPFILE {
                swap_refs[off as usize - 1] += 1;
                expected[lay.ghost_index(p.mm, p.slot)] = sc.swaps[off as usize - 1].value;
            }
            continue;
        }
        let pte = Pte::new(u32::from(pfn(frame_of(p.page), p.span)?), p.bits);
        let region = lay.region[p.slot];
        if let Some(other) = sc.ptes.iter().find(|o| {
            o.mm == p.mm && (o.huge || p.huge) && o.slot != p.slot && lay.region[o.slot] == region
        }) {
            return Err(Diag::at(
                p.span,
                format!(
                    "impossible initial state: a 2 MiB range is mapped either by a huge PMD leaf or by PTEs, not both (see line {})",
                    prog.sources.line_col(other.span).0
                ),
            ));
        }
        if p.huge {
            // the model's huge page is one frame: the range may hold one address only
            let n = lay.region.iter().filter(|&&r| r == region).count();
            if n != 1 {
                return Err(Diag::at(
                    p.span,
                    format!(
                        "a huge PMD leaf needs a 2 MiB range with one page of the scenario, and this one has {n}: the model's huge page is one frame"
                    ),
                ));
            }
            if lay.addr[p.slot] % crate::ir::PTRS_PER_PTE != 0 {
                return Err(Diag::at(
                    p.span,
                    format!(
                        "a huge PMD leaf maps its page at the first address of its 2 MiB range (the model's huge page is one frame, subpage 0), and this address is {}: place the VMA at a multiple of {}",
                        lay.addr[p.slot],
                        crate::ir::PTRS_PER_PTE
                    ),
                ));
            }
            let entry = lay.pmd_index(p.mm, region as usize);
            let Some((t, _)) = pmds[entry].table_of() else {
                return Err(Diag::at(p.span, "this huge leaf's range has no PMD entry"));
            };
            pmds[entry] = crate::ir::Pmd::huge(pte);
            deposits.push((p, t));
        } else {
            ptes[pte_at(p.mm, p.slot)] = pte;
        }
        // (the zero page is no page of the scenario: its mappings are not counted)
        if let Some(n) = mappings.get_mut(p.page) {
            *n += 1;
        }
        expected[lay.ghost_index(p.mm, p.slot)] = frames[frame_of(p.page)].data;
    }
    for (x, &n) in sc.swaps.iter().zip(&swap_refs) {
        if n == 0 {
            return Err(Diag::at(
                x.span,
                format!(
                    "impossible initial state: swap slot `{}` is in no PTE (a slot no entry names is free)",
                    x.name
                ),
            )
            .help("name it with `pte X -> swap S;`"));
        }
    }
    for (i, p) in sc.pages.iter().enumerate() {
        if mappings[i] + p.extra_refs <= 0 {
            return Err(Diag::at(
                p.span,
                format!(
                    "impossible initial state: page `{}` is neither mapped nor referenced",
                    p.name
                ),
            )
            .help("map it with `pte X -> P;` or give it `{ extra_refs: 1 }`"));
        }
    }
    // `pmd X -> none;`: the range has no PTE table at the start; its table joins the pool
    let mut tables = tables;
    for &(mm, slot, span) in &sc.none_pmds {
        let region = lay.region[slot];
        if let Some(p) = sc
            .ptes
            .iter()
            .find(|p| p.mm == mm && lay.region[p.slot] == region)
        {
            return Err(Diag::at(
                span,
                format!(
                    "impossible initial state: this range's PMD entry is none, but line {} maps a page in it",
                    prog.sources.line_col(p.span).0
                ),
            ));
        }
        let entry = lay.pmd_index(mm, region as usize);
        if rank.get(mm).copied().flatten().is_none() {
            return Err(Diag::at(
                span,
                format!("mm{mm} is not declared by the scenario"),
            ));
        }
        if let Some((t, _)) = pmds[entry].table_of() {
            tables[t].allocated = false;
        }
        pmds[entry] = crate::ir::Pmd::NONE;
    }
    let mut tlb = vec![None; sc.cpus * lay.mms * slots];
    for t in &sc.tlbs {
        let pte = match pmds[lay.pmd_index(t.mm, lay.region[t.slot] as usize)].leaf() {
            Some(leaf) => leaf,
            None => ptes[pte_at(t.mm, t.slot)],
        };
        let why = if !pte.hw_present() {
            Some("the PTE is not present".to_string())
        } else if pte.pfn() != u32::from(pfn(frame_of(t.page), t.span)?) {
            Some(format!(
                "the PTE maps page `{}`",
                sc.pages
                    .get(pte.pfn() as usize - 1)
                    .map_or("zero", |p| p.name.as_str())
            ))
        } else if t.write && !pte.write() {
            Some("the PTE is read-only".to_string())
        } else if t.dirty && !pte.has(pte_bits::DIRTY) {
            Some("the PTE is clean (a dirty TLB entry implies a dirty PTE)".to_string())
        } else if !pte.has(pte_bits::ACCESSED) {
            Some("the PTE is not accessed (x86 caches only accessed translations)".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            return Err(Diag::at(
                t.span,
                format!(
                    "impossible initial state: cpu{} caches this translation but {why}, and no flush is pending",
                    t.cpu
                ),
            ));
        }
        let at = lay.tlb_index(t.cpu, t.mm, t.slot);
        if tlb[at].is_some() {
            return Err(Diag::at(t.span, "this TLB entry is already set"));
        }
        tlb[at] = Some(TlbEntry {
            pfn: pfn(frame_of(t.page), t.span)?,
            write: t.write,
            dirty: t.dirty,
            generation: 0,
        });
    }
    let threads = sc
        .programs
        .iter()
        .map(|p| match p {
            Some(f) => Thread::calling(*f, &prog.funcs[*f as usize], &[]),
            None => Thread::new(),
        })
        .zip(&sc.cpu_mm)
        .map(|(mut t, &mm)| {
            t.mm = mm;
            t
        })
        .collect();
    let mut st = State {
        threads,
        tlb,
        ptes,
        // the PTE tables' locks, then (where a path takes it) each mm's PMD page's lock
        ptl: vec![None; lay.tables + lay.mms * super::x86::pmd_lock_used(prog) as usize],
        pmds,
        tables,
        // paging-structure caches matter only where a PMD entry can change
        psc: if super::x86::pmds_change(prog) {
            vec![crate::ir::Pmd::NONE; sc.cpus * lay.mms * regions]
        } else {
            Vec::new()
        },
        // the declared mms are the scenario's; the others wait for allocate_mm()
        mms: (0..lay.mms)
            .map(|i| {
                if sc.declared_mms[i] {
                    MmState::SCENARIO
                } else {
                    MmState::default()
                }
            })
            .collect(),
        frames,
        expected,
        swap: {
            let mut d = vec![0; sc.swap_slots];
            for (i, x) in sc.swaps.iter().enumerate() {
                d[i] = x.value;
            }
            d
        },
        lazyfree: if prog.may_call(|p| p == crate::ir::Prim::GhostLazyfree) {
            vec![super::state::LAZY_NONE; lay.mms * slots]
        } else {
            Vec::new()
        },
        vma_rcu: if prog.may_call(|p| p == crate::ir::Prim::VmAreaFreeRcu) {
            vec![0; prog.memory.vma.map_or(0, |v| v.count as usize)]
        } else {
            Vec::new()
        },
        mem: prog.memory.initial_words(),
        csd: if super::family::ipi::used_by(prog) {
            vec![Default::default(); sc.cpus * sc.cpus]
        } else {
            Vec::new()
        },
    };
    // Run each program's leading local code, so every thread starts at a shared step.
    let m = super::Machine {
        prog: prog.clone(),
        initial: st.clone(),
        futures: Vec::new(),
        live: Vec::new(),
        state_reductions: false,
        pool: None,
        observed: super::footprint::OBSERVED,
        declared_reads: Vec::new(),
        page_local: std::sync::Arc::new(Vec::new()),
        takes_address: super::takes_address(prog),
        mm_contract: super::mm_contract::MmContract::resolve(&prog.memory)?,
        // (what makes steps visible must hold for the programs' leading code too)
        uses_ipi: super::family::ipi::used_by(prog),
        pmds_change: super::x86::pmds_change(prog),
        uses_dma: prog.may_call(|p| p == crate::ir::Prim::DmaAdd),
        flush_owed_hook: None,
        swap_page_hook: None,
        constant_words: super::constants::unwritten_words(prog),
    };
    scenario_pages(&m, &mut st, &mappings)?;
    scenario_zero_page(&m, &mut st)?;
    scenario_vmas(&m, &mut st)?;
    scenario_ptes(&m, &mut st)?;
    scenario_swaps(&m, &mut st, &swap_refs)?;
    scenario_huge_pmds(&m, &mut st, &deposits)?;
    scenario_cpus(&m, &mut st)?;
    for tid in 0..sc.cpus {
        if st.threads[tid].status != Status::Running {
            continue;
        }
        if let super::interp::StepResult::Violation(v) = super::interp::prelude(&m, &mut st, tid) {
            // Point at the statement that failed: the thread stopped there.
            let span = st.threads[tid].frames.last().map(|f| {
                let func = &prog.funcs[f.func as usize];
                func.spans.get(f.pc as usize).copied().unwrap_or(func.span)
            });
            let msg = v
                .message
                .split_once("): ")
                .map(|(_, m)| m)
                .unwrap_or(&v.message);
            let msg = format!(
                "cpu{tid} fails before its first step ({}): {msg}",
                v.invariant
            );
            return Err(match span {
                Some(s) => Diag::at(s, msg),
                None => Diag::at(sc.span, msg),
            });
        }
    }
    Ok(st)
}

/// Runs the model's `scenario_page(page, mappings, extra_refs, exclusive)` for each page the
/// scenario declares: the model tree says what a page mapped that many times (with that
/// many further references) looks like in its `struct page`.
fn scenario_pages(m: &super::Machine, st: &mut State, mappings: &[i64]) -> Result<(), Diag> {
    let prog = &m.prog;
    let sc = &prog.scenario;
    let Some(func) = prog.funcs.iter().position(|f| f.name == "scenario_page") else {
        if prog.memory.page.is_some() && !sc.pages.is_empty() {
            return Err(Diag::at(
                sc.span,
                "the model declares `struct page` but no `scenario_page(page, mappings, extra_refs, exclusive)` to set up the scenario's pages",
            ));
        }
        return Ok(());
    };
    let f = &prog.funcs[func];
    if f.nparams != 4 {
        return Err(Diag::at(
            f.span,
            "scenario_page must take (page, mappings, extra_refs, exclusive)",
        ));
    }
    for (i, p) in sc.pages.iter().enumerate() {
        let args = [
            Value::Page(i as u16),
            Value::Int(mappings[i]),
            Value::Int(p.extra_refs),
            Value::Bool(p.exclusive),
        ];
        // the page is being set up: nobody else can see it yet
        let tid = st.threads.len() as u8;
        st.frames[i].private_to = Some(tid);
        let r = run_hook(m, st, func, &args);
        st.frames[i].private_to = None;
        r.map_err(|why| {
            Diag::at(
                p.span,
                format!("scenario_page() for page `{}` {why}", p.name),
            )
        })?;
    }
    Ok(())
}

/// Runs the model's `scenario_zero_page(page)`, if it has one, on the zero page (the last
/// frame): what the kernel's reserved zero page looks like in the model's `struct page`
/// (a reference it never drops, so that a GUP's get and put never free it).
fn scenario_zero_page(m: &super::Machine, st: &mut State) -> Result<(), Diag> {
    let prog = &m.prog;
    let Some(func) = optional_hook(prog, "scenario_zero_page", "(page)")? else {
        return Ok(());
    };
    let zero = prog.scenario.frames;
    let tid = st.threads.len() as u8;
    st.frames[zero].private_to = Some(tid);
    let r = run_hook(m, st, func, &[Value::Page(zero as u16)]);
    st.frames[zero].private_to = None;
    r.map_err(|why| Diag::at(prog.scenario.span, format!("scenario_zero_page() {why}")))
}

/// Runs a model's scenario set-up function to its end on a scratch thread past the CPUs.
fn run_hook(m: &super::Machine, st: &mut State, func: usize, args: &[Value]) -> Result<(), String> {
    let f = &m.prog.funcs[func];
    let mut t = Thread::calling(func as u16, f, args);
    t.top_mut().atomic = 1;
    st.threads.push(t);
    let tid = st.threads.len() - 1;
    let r = super::interp::step_with(m, st, tid, None, None).0;
    let done = st.threads[tid].status == Status::Done;
    st.threads.pop();
    match r {
        super::interp::StepResult::Stepped if done => Ok(()),
        super::interp::StepResult::Violation(v) => Err(format!("fails: {}", v.message)),
        _ => Err("must run at once, without waiting".into()),
    }
}

/// Runs the model's `scenario_vma(vma, mm, start, end, flags, prev)` for each VMA of the
/// scenario, in address order: the model tree fills its `struct vm_area_struct` and links
/// it into the mm's list.
fn scenario_vmas(m: &super::Machine, st: &mut State) -> Result<(), Diag> {
    let prog = &m.prog;
    let sc = &prog.scenario;
    if prog.memory.vma.is_none() {
        if sc.vmas.is_empty() {
            return Ok(());
        }
        return Err(Diag::at(
            sc.span,
            "the model tree declares no `struct vm_area_struct`: a scenario's VMAs are objects of the model (fields vm_start, vm_end, vm_flags, vm_mm, vm_page_prot, vm_next)",
        ));
    }
    let Some(func) = prog.funcs.iter().position(|f| f.name == "scenario_vma") else {
        return Err(Diag::at(
            sc.span,
            "the model declares `struct vm_area_struct` but no `scenario_vma(vma, mm, start, end, flags, prev)` to set up the scenario's VMAs",
        ));
    };
    if prog.funcs[func].nparams != 6 {
        return Err(Diag::at(
            prog.funcs[func].span,
            "scenario_vma must take (vma, mm, start, end, flags, prev)",
        ));
    }
    // every declared mm has the scenario's VMAs (as right after a fork): mm k's copies are
    // the VMA objects k * (number of VMAs) onwards
    // (a hole's objects stay free: spares for vm_area_alloc())
    let nv = sc.vmas.len();
    for mm in (0..sc.declared_mms.len()).filter(|&k| sc.declared_mms[k]) {
        let mut prev = Value::Null;
        for (i, v) in sc
            .vmas
            .iter()
            .enumerate()
            .filter(|(_, v)| v.mapped && v.only_mm.is_none_or(|k| k == mm))
        {
            let h = mm * nv + i;
            let args = [
                Value::Vma(h as u8),
                Value::Mm(mm as u8),
                Value::Int(v.start),
                Value::Int(v.start + v.pages as i64),
                Value::Int(v.flags as i64),
                prev,
            ];
            run_hook(m, st, func, &args).map_err(|why| {
                Diag::at(
                    sc.span,
                    format!("scenario_vma() for VMA `{}` of mm{mm} {why}", v.name),
                )
            })?;
            prev = Value::Vma(h as u8);
        }
    }
    Ok(())
}

/// The model's set-up function `name`, if it has one, checked to take the parameters
/// `params` names (e.g. "(cpu, mm)").
fn optional_hook(prog: &Program, name: &str, params: &str) -> Result<Option<usize>, Diag> {
    let Some(i) = prog.funcs.iter().position(|f| f.name == name) else {
        return Ok(None);
    };
    let f = &prog.funcs[i];
    if f.nparams != params.split(',').count() {
        return Err(Diag::at(f.span, format!("{name} must take {params}")));
    }
    Ok(Some(i))
}

/// The VMA object of mm `p.mm` that holds the slot of a scenario PTE (mm k's copies of the
/// scenario's VMAs are the objects k * (number of VMAs) onwards).
fn vma_object_of(sc: &crate::ir::Scenario, p: &crate::ir::PteSpec) -> Option<Value> {
    let i = sc
        .vmas
        .iter()
        .position(|v| p.slot >= v.first_slot && p.slot < v.first_slot + v.pages)?;
    Some(Value::Vma((p.mm * sc.vmas.len() + i) as u8))
}

/// Runs the model's `scenario_pte(vma, addr, page)`, if it has one, for each present PTE
/// the scenario declares, in mm then address order: what mapping the page there left in
/// the model's objects (an anon rmap: the page's anon_vma and index).
fn scenario_ptes(m: &super::Machine, st: &mut State) -> Result<(), Diag> {
    let prog = &m.prog;
    let sc = &prog.scenario;
    let Some(func) = optional_hook(prog, "scenario_pte", "(vma, addr, page)")? else {
        return Ok(());
    };
    let mut ptes: Vec<&crate::ir::PteSpec> = sc.ptes.iter().collect();
    ptes.sort_by_key(|p| (p.mm, p.slot));
    for p in ptes {
        // (the zero page has no anon rmap to set up; a swap entry no page)
        if p.page == crate::ir::ZERO_PAGE_SPEC || p.entry.is_some() {
            continue;
        }
        let Some(vma) = vma_object_of(sc, p) else {
            continue;
        };
        let args = [
            vma,
            Value::Int(sc.layout.addr[p.slot]),
            Value::Page(p.page as u16),
        ];
        // the pages are being set up: nobody else can see them yet
        let tid = st.threads.len() as u8;
        st.frames[p.page].private_to = Some(tid);
        let r = run_hook(m, st, func, &args);
        st.frames[p.page].private_to = None;
        r.map_err(|why| Diag::at(p.span, format!("scenario_pte() {why}")))?;
    }
    Ok(())
}

/// Runs the model's `scenario_swap(entry, count)` for each slot of the swap device the
/// scenario fills: `count` PTEs name it (the model's swap_map count). A model without the
/// hook has no swap: a scenario that swaps is an error.
fn scenario_swaps(m: &super::Machine, st: &mut State, refs: &[i64]) -> Result<(), Diag> {
    let prog = &m.prog;
    let sc = &prog.scenario;
    let Some(first) = sc.swaps.first() else {
        return Ok(());
    };
    let Some(func) = optional_hook(prog, "scenario_swap", "(entry, count)")? else {
        return Err(Diag::at(
            first.span,
            "this model tree has no swap (no `scenario_swap(entry, count)` to set up the swap device's slots)",
        )
        .help("for v5.10: `import \"opt-in/swap-v5.10.mmk\";`"));
    };
    for (i, (x, &n)) in sc.swaps.iter().zip(refs).enumerate() {
        let entry = super::prims::swp_entry_value(crate::ir::value::SWP_SWAPFILE, i as u32 + 1);
        run_hook(m, st, func, &[entry, Value::Int(n)])
            .map_err(|why| Diag::at(x.span, format!("scenario_swap() {why}")))?;
    }
    Ok(())
}

/// Runs the model's `scenario_huge_pmd(vma, addr, pgtable)` for each huge leaf the scenario
/// declares, with the PTE table the leaf replaced (unlinked, still allocated): the model
/// deposits it as the kernel does for an anonymous huge page (`pgtable_trans_huge_deposit()`),
/// for a split to withdraw. A model without the hook gets the table back in the pool.
fn scenario_huge_pmds(
    m: &super::Machine,
    st: &mut State,
    deposits: &[(&crate::ir::PteSpec, usize)],
) -> Result<(), Diag> {
    let prog = &m.prog;
    let sc = &prog.scenario;
    let func = optional_hook(prog, "scenario_huge_pmd", "(vma, addr, pgtable)")?;
    for &(p, t) in deposits {
        let Some(func) = func else {
            st.tables[t].allocated = false;
            continue;
        };
        let Some(vma) = vma_object_of(sc, p) else {
            continue;
        };
        let args = [
            vma,
            Value::Int(sc.layout.addr[p.slot]),
            Value::PgTable(crate::ir::Pmd::table(t, st.tables[t].generation)),
        ];
        run_hook(m, st, func, &args)
            .map_err(|why| Diag::at(p.span, format!("scenario_huge_pmd() {why}")))?;
    }
    Ok(())
}

/// Runs the model's `scenario_cpu(cpu, mm)`, if it has one, for each CPU: what the model
/// keeps per CPU about the mm it runs (x86's `cpu_tlbstate`, the mm's cpumask). Every CPU
/// runs a task of the scenario's one mm.
fn scenario_cpus(m: &super::Machine, st: &mut State) -> Result<(), Diag> {
    let prog = &m.prog;
    let Some(func) = prog.funcs.iter().position(|f| f.name == "scenario_cpu") else {
        return Ok(());
    };
    if prog.funcs[func].nparams != 2 {
        return Err(Diag::at(
            prog.funcs[func].span,
            "scenario_cpu must take (cpu, mm)",
        ));
    }
    // then, if the model has `scenario_cpu_other_mm(cpu, mm)`, each other declared mm: what
    // the CPU keeps of an address space it ran before (x86: an ASID slot of its PCID)
    let other = optional_hook(prog, "scenario_cpu_other_mm", "(cpu, mm)")?;
    for cpu in 0..prog.scenario.cpus {
        let own = st.threads[cpu].mm;
        let args = [Value::Int(cpu as i64), Value::Mm(own)];
        run_hook(m, st, func, &args).map_err(|why| {
            Diag::at(
                prog.scenario.span,
                format!("scenario_cpu() for cpu{cpu} {why}"),
            )
        })?;
        let Some(o) = other else { continue };
        for mm in (0..prog.scenario.declared_mms.len())
            .filter(|&k| prog.scenario.declared_mms[k] && k != own as usize)
        {
            let args = [Value::Int(cpu as i64), Value::Mm(mm as u8)];
            run_hook(m, st, o, &args).map_err(|why| {
                Diag::at(
                    prog.scenario.span,
                    format!("scenario_cpu_other_mm() for cpu{cpu} and mm{mm} {why}"),
                )
            })?;
        }
    }
    Ok(())
}
