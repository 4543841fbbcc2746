//! Semantics of the built-in primitives. Each call is atomic; a blocking primitive whose
//! lock is unavailable returns `Blocked` and the whole step is disabled.

use super::Machine;
use super::state::State;
use super::x86;
use crate::ir::consts::vm_get_page_prot;
use crate::ir::value::{
    SWP_DEVICE_READ, SWP_DEVICE_WRITE, SWP_MIGRATION_READ, SWP_MIGRATION_WRITE, SWP_PTE_MARKER,
    SWP_SWAPFILE, SWP_TAG,
};
use crate::ir::{Prim, PrimClass, Pte, Value, pte_bits::*};

pub enum PrimOut {
    Value(Value),
    Blocked,
    /// The call made progress but has not returned: its changes stand, the step ends, and
    /// the same call runs again as the thread's next step (synchronize_rcu() waiting).
    Again,
    /// (invariant, message): the step stops here.
    Violation(&'static str, String),
    /// An invariant broke, but the call completed with this value; the search goes on.
    Soft(&'static str, String, Value),
    /// The model misused a primitive (wrong types, bad pointer).
    Error(String),
}

use PrimOut::*;

/// A page operation on a frame that was freed: the struct page may belong to someone else.
fn page_of(m: &Machine, v: Value) -> Result<usize, String> {
    match v {
        Value::Page(p) if (p as usize) <= m.prog.scenario.frames => Ok(p as usize),
        Value::Null => Err("NULL page".into()),
        other => Err(format!("expected a page, got a {}", other.type_name())),
    }
}

fn pte_arg(v: Value) -> Result<Pte, String> {
    match v {
        Value::Pte(p) => Ok(p),
        other => Err(format!("expected a pte, got a {}", other.type_name())),
    }
}

fn int_arg(v: Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(i),
        other => Err(format!("expected an integer, got a {}", other.type_name())),
    }
}

fn mm_arg(v: Value) -> Result<u8, String> {
    match v {
        Value::Mm(m) => Ok(m),
        other => Err(format!("expected an mm, got a {}", other.type_name())),
    }
}

/// An mm argument naming an mm in use (the scenario's or one allocate_mm() gave).
fn live_mm_arg(st: &State, v: Value) -> Result<usize, String> {
    let mm = mm_arg(v)? as usize;
    if !st.mms.get(mm).is_some_and(|x| x.live) {
        return Err(format!("mm {mm} is not in use (freed, or never allocated)"));
    }
    Ok(mm)
}

/// The mm of a vma or mm argument.
fn mm_of(m: &Machine, st: &State, v: Value) -> Result<u8, String> {
    match v {
        Value::Mm(mm) => Ok(mm),
        Value::Vma(_) | Value::Obj(_) => m.mm_contract.vma_mm(&m.prog.memory, st, v),
        other => Err(format!("expected a vma or mm, got a {}", other.type_name())),
    }
}

pub(super) fn swp_entry_value(ty: u32, offset: u32) -> Value {
    Value::Int(crate::ir::value::swp_entry_int(ty, offset))
}

/// A swp_entry_t (`pte_to_swp_entry()`, `make_migration_entry()`): (type, offset).
fn swp_entry_arg(v: Value) -> Result<(u32, u32), String> {
    match v {
        Value::Int(x)
            if x & !0xff_ffff_ffff == SWP_TAG
                && ((x >> 32) & 0xff) <= i64::from(SWP_PTE_MARKER)
                && (1..=0xff_ffff).contains(&(x & 0xffff_ffff)) =>
        {
            Ok((((x >> 32) & 0xff) as u32, (x & 0xffff_ffff) as u32))
        }
        other => Err(format!(
            "expected a swap entry (pte_to_swp_entry(), swp_entry(), make_migration_entry()), got {}",
            match other {
                Value::Int(i) => format!("the integer {i}"),
                o => format!("a {}", o.type_name()),
            }
        )),
    }
}

/// The page a migration or device-private entry names.
fn entry_page(m: &Machine, v: Value, kinds: [u32; 2], what: &str) -> Result<Value, String> {
    let (ty, pfn) = swp_entry_arg(v)?;
    if !kinds.contains(&ty) {
        return Err(format!(
            "{what} of an entry that is no {what_kind}",
            what_kind = if kinds[0] == SWP_MIGRATION_READ {
                "migration entry"
            } else {
                "device-private entry"
            }
        ));
    }
    page_of(m, Value::Page((pfn - 1) as u16)).map(|p| Value::Page(p as u16))
}

/// The swap device slot a type-0 entry names, checked against the scenario's device.
fn swap_slot_arg(m: &Machine, v: Value) -> Result<usize, String> {
    let (ty, off) = swp_entry_arg(v)?;
    let n = m.prog.scenario.swap_slots;
    if ty != SWP_SWAPFILE || off as usize > n {
        return Err(format!(
            "expected an entry of the swap device (type 0, offset 1..={n}), got type {ty} offset {off}"
        ));
    }
    Ok(off as usize - 1)
}

fn pmd_value_arg(v: Value) -> Result<crate::ir::Pmd, String> {
    match v {
        Value::Pmd(p) => Ok(p),
        other => Err(format!(
            "expected a pmd (`*pmdp`), got a {}",
            other.type_name()
        )),
    }
}

fn pmd_ptr_arg(v: Value) -> Result<usize, String> {
    match v {
        Value::PmdPtr(r) => Ok(r as usize),
        other => Err(format!(
            "expected a PMD pointer (pmd_offset()), got a {}",
            other.type_name()
        )),
    }
}

/// A pgtable_t argument: Err for a model error, Ok(Err(the violation `why`)) when its table
/// was freed since the handle was made.
fn live_pgtable_arg(
    st: &State,
    v: Value,
    why: &str,
) -> Result<Result<crate::ir::Pmd, PrimOut>, String> {
    let Value::PgTable(p) = v else {
        return Err(format!("expected a pgtable, got a {}", v.type_name()));
    };
    let live = p.table_of().is_some_and(|(t, g)| {
        st.tables
            .get(t)
            .is_some_and(|x| x.allocated && x.generation == g)
    });
    Ok(if live {
        Ok(p)
    } else {
        Err(Violation("use_after_free", why.into()))
    })
}

/// The slot of a user address a primitive names; a located model error if none.
fn slot_at(m: &Machine, addr: i64) -> Result<usize, String> {
    m.prog
        .scenario
        .layout
        .slot_of(addr)
        .ok_or_else(|| format!("address {addr} is in no VMA of this scenario"))
}

/// The PTE a pointer argument names: Err for a model error, or the use-after-free of a
/// pointer into a freed table as a violation.
macro_rules! place {
    ($m:expr, $st:expr, $v:expr) => {
        match x86::resolve($m, $st, $v)? {
            Ok(p) => p,
            Err(why) => return Ok(Violation("use_after_free", why)),
        }
    };
}

/// Locks a thread holds, for hygiene messages (None: nothing held).
pub fn held_locks(m: &Machine, st: &State, tid: usize) -> Option<String> {
    let t = tid as u8;
    if !holds_spinlock(m, st, tid) && !super::family::rwsem::holds_any(m, st, tid) {
        return None;
    }
    let mut held = Vec::new();
    if st.ptl.contains(&Some(t)) {
        held.push("the PTL".to_string());
    }
    held.extend(super::family::spinlock::held(m, st, tid));
    held.extend(super::family::rwsem::held(m, st, tid));
    (!held.is_empty()).then(|| held.join(" and "))
}

/// Does a CPU other than `tid` running `mm` have IRQs disabled? A shootdown sends it an IPI
/// and waits (native_flush_tlb_others() -> smp_call_function_many(..., wait = true),
/// arch/x86/mm/tlb.c@v5.10); the IPI is taken only once that CPU enables IRQs again, so
/// until then the flush cannot complete. This is what GUP-fast's local_irq_save() relies on
/// (mm/gup.c@v5.10, "Fast GUP"): a page a zap unmapped is freed only after its flush.
/// The first such CPU.
pub(crate) fn ipi_held_off(st: &State, tid: usize, mm: u8) -> Option<usize> {
    st.threads
        .iter()
        .enumerate()
        .position(|(cpu, t)| cpu != tid && t.mm == mm && t.irqs_off)
}

/// The PTL or a declared spinlock: sleeping now is a bug.
pub(crate) fn holds_spinlock(m: &Machine, st: &State, tid: usize) -> bool {
    st.ptl.contains(&Some(tid as u8)) || super::family::spinlock::holds_any(m, st, tid)
}

/// Why CPU `tid` must not sleep now (None: it may): a spinlock held, IRQs disabled, or an
/// RCU read section.
pub(crate) fn atomic_context(m: &Machine, st: &State, tid: usize) -> Option<&'static str> {
    if holds_spinlock(m, st, tid) {
        Some("holds a spinlock")
    } else if st.threads[tid].irqs_off {
        Some("has IRQs disabled")
    } else if st.threads[tid].rcu_depth > 0 {
        Some("is inside an RCU read section")
    } else {
        None
    }
}

/// Does this call touch state another thread can see? Page operations on a frame the
/// caller allocated and has not published are private.
pub fn is_visible(m: &Machine, st: &State, tid: usize, prim: Prim, args: &[Value]) -> bool {
    if prim.class() != PrimClass::Shared {
        return false;
    }
    let private = |v: &Value| match v {
        Value::Page(p) => st
            .frames
            .get(*p as usize)
            .is_some_and(|f| f.private_to == Some(tid as u8)),
        _ => false,
    };
    match prim {
        // mm->tlb_flush_batched read under the PTL, which every writer holds
        Prim::Family(_)
            if m.mm_contract
                .read_folds(&m.prog.memory, st, tid, prim, args) =>
        {
            false
        }
        // A word of the `struct page` of a frame only this CPU can reach.
        Prim::Family(i) => match args.get(super::family::row(i).ptr) {
            // this CPU's instance of a per-CPU variable is its own, unless IPIs let other
            // CPUs read it (the sender's flush_tlb_info, the target's cpu_tlbstate)
            Some(Value::Word(w))
                if m.prog.memory.cpu_of(*w as usize) == Some(tid) && !m.uses_ipi =>
            {
                false
            }
            // a load of a word under the lock that guards it
            Some(Value::Word(w))
                if super::family::row(i).access == super::family::Access::Read
                    && super::family::guarded_read(m, st, tid, *w as usize) =>
            {
                false
            }
            Some(Value::Word(w)) => m
                .prog
                .memory
                .frame_of(*w as usize)
                .is_none_or(|f| st.frames[f].private_to != Some(tid as u8)),
            // a frame operation (free_one_page) on a page only this CPU has
            _ => !args.first().is_some_and(private),
        },
        Prim::CopyUserHighpage | Prim::MemcmpPages => !(private(&args[0]) && private(&args[1])),
        _ => true,
    }
}

pub fn exec(m: &Machine, st: &mut State, tid: usize, prim: Prim, args: &[Value]) -> PrimOut {
    if let Prim::Family(i) = prim {
        if let Some(msg) = m
            .mm_contract
            .unlocked_write(&m.prog.memory, st, tid, prim, args)
        {
            return Violation("lock_hygiene", msg);
        }
        return super::family::exec(m, st, tid, i, args);
    }
    match exec_inner(m, st, tid, prim, args) {
        Ok(o) => o,
        Err(e) => Error(format!("{}: {e}", prim.name())),
    }
}

fn pte_op(prim: Prim, p: Pte) -> Value {
    let b = |x: bool| Value::Bool(x);
    match prim {
        Prim::PteNone => b(p.is_none()),
        Prim::PtePresent => b(p.has(PRESENT) || p.has(PROTNONE)),
        Prim::PteWrite => b(p.has(WRITE)),
        Prim::PteDirty => b(p.has(DIRTY)),
        Prim::PteYoung => b(p.has(ACCESSED)),
        Prim::PteUffdWp => b(p.has(UFFD_WP)),
        Prim::PteSoftDirty => b(p.has(SOFT_DIRTY)),
        Prim::PteProtnone => b(p.has(PROTNONE) && !p.has(PRESENT)),
        Prim::PteSpecial => b(p.has(SPECIAL)),
        Prim::PtePfn => Value::Int(p.pfn() as i64),
        Prim::PteMkwrite => Value::Pte(p.with(WRITE, true)),
        Prim::PteWrprotect => Value::Pte(p.with(WRITE, false)),
        Prim::PteMkdirty => Value::Pte(p.with(DIRTY | SOFT_DIRTY, true)),
        Prim::PteMkclean => Value::Pte(p.with(DIRTY, false)),
        Prim::PteMkyoung => Value::Pte(p.with(ACCESSED, true)),
        Prim::PteMkold => Value::Pte(p.with(ACCESSED, false)),
        Prim::PteMkuffdWp => Value::Pte(p.with(UFFD_WP, true)),
        Prim::PteClearUffdWp => Value::Pte(p.with(UFFD_WP, false)),
        Prim::PteMksoftDirty => Value::Pte(p.with(SOFT_DIRTY, true)),
        Prim::PteClearSoftDirty => Value::Pte(p.with(SOFT_DIRTY, false)),
        Prim::PtePage => match p.pfn() {
            0 => Value::Null,
            pfn => Value::Page((pfn - 1) as u16),
        },
        _ => Value::Null,
    }
}

/// A VMA object back to its fields' initial values (vm_mm 0: free).
pub(super) fn free_vma_object(m: &Machine, st: &mut State, i: usize) {
    let mem = &m.prog.memory;
    if let Some(per) = mem.vma {
        let base = per.base as usize + i * per.stride as usize;
        for w in base..base + per.stride as usize {
            st.mem[w] = mem.init_of(w);
        }
    }
}

/// The swap device (the machine's block device of swap slots): a page's contents written to
/// a slot or read back, the I/O done in this step.
fn swap_device_op(
    m: &Machine,
    st: &mut State,
    tid: usize,
    prim: Prim,
    a: &[Value],
) -> Result<PrimOut, String> {
    let page = page_of(m, a[0])?;
    let slot = swap_slot_arg(m, a[1])?;
    if !st.frames[page].allocated {
        return Ok(Violation(
            "use_after_free",
            format!("cpu{tid}: {}() of a freed page", prim.name()),
        ));
    }
    if prim == Prim::SwapWritePage {
        st.swap[slot] = st.frames[page].data;
    } else {
        st.frames[page].data = st.swap[slot];
        // its contents come from the device: no copy of another frame any more
        st.frames[page].copied_from = None;
    }
    Ok(Value(Value::Null))
}

/// The page-table and swap-entry primitives (PMD entries, the table pool, migration
/// entries): out of `exec_inner`, whose other arms are the hot path.
#[inline(never)]
fn pgtable_op(
    m: &Machine,
    st: &mut State,
    tid: usize,
    prim: Prim,
    a: &[Value],
) -> Result<PrimOut, String> {
    Ok(Value(match prim {
        Prim::PmdOffset => {
            let mm = live_mm_arg(st, a[0])?;
            let addr = int_arg(a[1])?;
            let l = &m.prog.scenario.layout;
            let r = l.region_of(addr).ok_or_else(|| {
                format!("address {addr} is in no 2 MiB range of this scenario's VMAs")
            })?;
            Value::PmdPtr(l.pmd_index(mm, r) as u16)
        }
        Prim::PmdLockptr => {
            let mm = live_mm_arg(st, a[0])?;
            let l = &m.prog.scenario.layout;
            if l.pmd_owner(pmd_ptr_arg(a[1])?).0 != mm {
                return Err("pmd_lockptr(): the PMD pointer is another mm's".into());
            }
            // after the PTLs: each mm's PMD page's split lock
            Value::Ptl((l.tables + mm) as u16)
        }
        Prim::IsSwapPte => {
            let p = pte_arg(a[0])?;
            Value::Bool(!p.is_none() && !p.has(PRESENT) && !p.has(PROTNONE))
        }
        Prim::PteToSwpEntry => {
            let (ty, off) = pte_arg(a[0])?
                .swap_entry()
                .ok_or("pte_to_swp_entry() of a PTE that is no swap entry")?;
            swp_entry_value(ty, off)
        }
        Prim::SwpEntryToPte => {
            let (ty, off) = swp_entry_arg(a[0])?;
            Value::Pte(Pte::from_swap_entry(ty, off))
        }
        Prim::SwpEntry => {
            let (ty, off) = (int_arg(a[0])?, int_arg(a[1])?);
            if !(0..=i64::from(SWP_PTE_MARKER)).contains(&ty) || !(1..=0xff_ffff).contains(&off) {
                return Err(format!("swp_entry({ty}, {off}): no such entry"));
            }
            let v = swp_entry_value(ty as u32, off as u32);
            if ty == i64::from(SWP_SWAPFILE) {
                swap_slot_arg(m, v)?;
            }
            v
        }
        Prim::SwpType => Value::Int(i64::from(swp_entry_arg(a[0])?.0)),
        Prim::SwpOffset => Value::Int(i64::from(swp_entry_arg(a[0])?.1)),
        Prim::SwapDeviceSlots => Value::Int(m.prog.scenario.swap_slots as i64),
        Prim::NonSwapEntry => Value::Bool(swp_entry_arg(a[0])?.0 != SWP_SWAPFILE),
        Prim::IsMigrationEntry => {
            let (ty, _) = swp_entry_arg(a[0])?;
            Value::Bool(ty == SWP_MIGRATION_READ || ty == SWP_MIGRATION_WRITE)
        }
        Prim::IsWriteMigrationEntry => Value::Bool(swp_entry_arg(a[0])?.0 == SWP_MIGRATION_WRITE),
        Prim::MakeMigrationEntry | Prim::MakeDevicePrivateEntry => {
            let page = page_of(m, a[0])?;
            let write = a[1].truthy().ok_or("expected a condition")?;
            let ty = match (prim, write) {
                (Prim::MakeMigrationEntry, true) => SWP_MIGRATION_WRITE,
                (Prim::MakeMigrationEntry, false) => SWP_MIGRATION_READ,
                (_, true) => SWP_DEVICE_WRITE,
                (_, false) => SWP_DEVICE_READ,
            };
            swp_entry_value(ty, page as u32 + 1)
        }
        Prim::MigrationEntryToPage => entry_page(
            m,
            a[0],
            [SWP_MIGRATION_READ, SWP_MIGRATION_WRITE],
            "migration_entry_to_page()",
        )?,
        Prim::IsDevicePrivateEntry => {
            let (ty, _) = swp_entry_arg(a[0])?;
            Value::Bool(ty == SWP_DEVICE_READ || ty == SWP_DEVICE_WRITE)
        }
        Prim::IsWriteDevicePrivateEntry => Value::Bool(swp_entry_arg(a[0])?.0 == SWP_DEVICE_WRITE),
        Prim::DevicePrivateEntryToPage => entry_page(
            m,
            a[0],
            [SWP_DEVICE_READ, SWP_DEVICE_WRITE],
            "device_private_entry_to_page()",
        )?,
        Prim::MakePteMarkerEntry => {
            let bits = int_arg(a[0])?;
            if !(1..=0xff).contains(&bits) {
                return Err(format!(
                    "make_pte_marker_entry({bits}): a marker has bits, 1 to 0xff"
                ));
            }
            swp_entry_value(SWP_PTE_MARKER, bits as u32)
        }
        Prim::IsPteMarkerEntry => Value::Bool(swp_entry_arg(a[0])?.0 == SWP_PTE_MARKER),
        Prim::PteMarkerGet => {
            let (ty, bits) = swp_entry_arg(a[0])?;
            if ty != SWP_PTE_MARKER {
                return Err("pte_marker_get() of an entry that is no marker".into());
            }
            Value::Int(i64::from(bits))
        }
        Prim::SwapWritePage | Prim::SwapReadPage => return swap_device_op(m, st, tid, prim, a),
        Prim::PteSwpSoftDirty
        | Prim::PteSwpUffdWp
        | Prim::PteSwpMksoftDirty
        | Prim::PteSwpMkuffdWp
        | Prim::PteSwpClearUffdWp => {
            let p = pte_arg(a[0])?;
            if p.swap_entry().is_none() {
                return Err("a PTE that is no swap entry".into());
            }
            let bit = if matches!(prim, Prim::PteSwpSoftDirty | Prim::PteSwpMksoftDirty) {
                SOFT_DIRTY
            } else {
                UFFD_WP
            };
            match prim {
                Prim::PteSwpSoftDirty | Prim::PteSwpUffdWp => Value::Bool(p.has(bit)),
                Prim::PteSwpClearUffdWp => Value::Pte(p.with(bit, false)),
                _ => Value::Pte(p.with(bit, true)),
            }
        }
        Prim::PmdNone => Value::Bool(pmd_value_arg(a[0])?.is_none()),
        Prim::PmdPresent => {
            let p = pmd_value_arg(a[0])?;
            Value::Bool(p.table_of().is_some() || p.leaf().is_some())
        }
        Prim::PmdTransHuge => Value::Bool(pmd_value_arg(a[0])?.leaf().is_some()),
        Prim::PmdBad => {
            pmd_value_arg(a[0])?;
            Value::Bool(false)
        }
        Prim::PmdPage
        | Prim::PmdWrite
        | Prim::PmdDirty
        | Prim::PmdMkwrite
        | Prim::PmdMkdirty
        | Prim::PmdYoung
        | Prim::PmdMkyoung
        | Prim::PmdMkold
        | Prim::PmdWrprotect
        | Prim::PmdMkclean
        | Prim::PmdProtnone
        | Prim::PmdSoftDirty
        | Prim::PmdMksoftDirty
        | Prim::PmdClearSoftDirty
        | Prim::PmdUffdWp
        | Prim::PmdMkuffdWp
        | Prim::PmdClearUffdWp
        | Prim::PmdModify
        | Prim::PmdMkinvalid => {
            let leaf = pmd_value_arg(a[0])?
                .leaf()
                .ok_or_else(|| format!("{}() of a PMD entry that is no huge leaf", prim.name()))?;
            // x86's pmd_*() helpers do to a huge leaf what the pte_*() ones do to a PTE
            let as_pte = match prim {
                Prim::PmdPage => Prim::PtePage,
                Prim::PmdWrite => Prim::PteWrite,
                Prim::PmdDirty => Prim::PteDirty,
                Prim::PmdMkwrite => Prim::PteMkwrite,
                Prim::PmdMkdirty => Prim::PteMkdirty,
                Prim::PmdYoung => Prim::PteYoung,
                Prim::PmdMkyoung => Prim::PteMkyoung,
                Prim::PmdMkold => Prim::PteMkold,
                Prim::PmdWrprotect => Prim::PteWrprotect,
                Prim::PmdMkclean => Prim::PteMkclean,
                Prim::PmdProtnone => Prim::PteProtnone,
                Prim::PmdSoftDirty => Prim::PteSoftDirty,
                Prim::PmdMksoftDirty => Prim::PteMksoftDirty,
                Prim::PmdClearSoftDirty => Prim::PteClearSoftDirty,
                Prim::PmdUffdWp => Prim::PteUffdWp,
                Prim::PmdMkuffdWp => Prim::PteMkuffdWp,
                Prim::PmdClearUffdWp => Prim::PteClearUffdWp,
                _ => Prim::PteNone,
            };
            let out = match prim {
                Prim::PmdModify => {
                    let Value::Prot(prot) = a[1] else {
                        return Err("expected a pgprot".into());
                    };
                    Value::Pte(Pte((leaf.0 & !PROT_MASK) | (prot & PROT_MASK)))
                }
                // pmd_mkinvalid(): pfn_pmd(pmd_pfn(pmd), pmd_flags(pmd) & ~(P | PROTNONE))
                Prim::PmdMkinvalid => Value::Pte(leaf.with(PRESENT | PROTNONE, false)),
                _ => pte_op(as_pte, leaf),
            };
            match out {
                Value::Pte(p) => Value::Pmd(crate::ir::Pmd::huge(p)),
                v => v,
            }
        }
        Prim::MkHugePmd => {
            let f = page_of(m, a[0])?;
            let Value::Prot(prot) = a[1] else {
                return Err("expected a pgprot".into());
            };
            Value::Pmd(crate::ir::Pmd::huge(Pte::new(
                f as u32 + 1,
                prot & (PROT_MASK | ACCESSED),
            )))
        }
        Prim::SetPmdAt | Prim::PmdpHugeGetAndClear | Prim::PmdpEstablish => {
            let l = &m.prog.scenario.layout;
            // (pmdp_establish() takes the vma)
            let mm = live_mm_arg(st, Value::Mm(mm_of(m, st, a[0])?))?;
            let r = pmd_ptr_arg(a[2])?;
            if l.pmd_owner(r).0 != mm {
                return Err(format!(
                    "{}(): the PMD pointer is another mm's",
                    prim.name()
                ));
            }
            if st.ptl.get(l.tables + mm).copied().flatten() != Some(tid as u8) {
                return Ok(Violation(
                    "lock_hygiene",
                    format!(
                        "cpu{tid} writes the PMD entry of {} without holding the PMD lock",
                        super::trace::pmd_name(m, r)
                    ),
                ));
            }
            let old = st.pmds[r];
            if prim == Prim::PmdpHugeGetAndClear {
                st.pmds[r] = crate::ir::Pmd::NONE;
                return Ok(Value(Value::Pmd(old)));
            }
            let new = pmd_value_arg(a[3])?;
            if prim == Prim::PmdpEstablish && old.leaf().is_none() {
                return Err("pmdp_establish() over a PMD entry that is no huge leaf".into());
            }
            if old.table_of().is_some() {
                return Err(format!(
                    "{}() over a PMD entry that points to a PTE table: clear it first (pmdp_huge_get_and_clear())",
                    prim.name()
                ));
            }
            let Some(leaf) = new.leaf() else {
                return Err(format!(
                    "{}() of an entry that is no huge leaf: a table is linked with pmd_populate()",
                    prim.name()
                ));
            };
            let region = l.pmd_owner(r).1;
            if l.region.iter().filter(|&&x| x as usize == region).count() != 1 {
                return Err("a huge PMD leaf in a 2 MiB range with more than one page of the scenario: the model's huge page is one frame, so only a range with one page can be huge".into());
            }
            let f = (leaf.pfn() as usize).wrapping_sub(1);
            if !st.frames.get(f).is_some_and(|x| x.allocated) {
                return Ok(Violation(
                    "use_after_free",
                    format!(
                        "set_pmd_at maps a freed frame at {}",
                        super::trace::pmd_name(m, r)
                    ),
                ));
            }
            let mut lost = None;
            // the local lost-write check of set_pte_at(): a copy replacing its source
            if let Some(src) = st.frames[f].copied_from {
                let (s, d) = (st.frames[src as usize], st.frames[f]);
                // (a source freed since has lost its contents: the end-to-end check judges)
                if s.allocated && s.data != d.data {
                    lost = Some(format!(
                        "a store landed in {} after it was copied to {}; {} now maps the copy, which holds {}: the store is lost",
                        super::trace::page_name(m, src as usize),
                        super::trace::page_name(m, f),
                        super::trace::pmd_name(m, r),
                        d.data
                    ));
                }
                st.frames[f].copied_from = None;
            }
            st.frames[f].private_to = None;
            st.pmds[r] = new;
            let ret = if prim == Prim::PmdpEstablish {
                Value::Pmd(old)
            } else {
                Value::Null
            };
            if let Some(msg) = lost {
                return Ok(Soft("lost_write", msg, ret));
            }
            ret
        }
        Prim::PmdSame => Value::Bool(pmd_value_arg(a[0])? == pmd_value_arg(a[1])?),
        Prim::PmdPgtable => {
            let p = pmd_value_arg(a[0])?;
            if p.table_of().is_none() {
                return Err("pmd_pgtable() of a PMD entry that names no table".into());
            }
            Value::PgTable(p)
        }
        Prim::PteLockptr => {
            mm_arg(a[0])?;
            Value::Ptl(place!(m, st, a[1]).table as u16)
        }
        Prim::PteAllocOne => {
            mm_arg(a[0])?;
            match st.tables.iter().position(|t| !t.allocated) {
                Some(t) => {
                    let l = &m.prog.scenario.layout;
                    st.tables[t].allocated = true;
                    st.ptes[t * l.entries..(t + 1) * l.entries].fill(Pte::NONE);
                    st.ptl[t] = None;
                    Value::PgTable(crate::ir::Pmd::table(t, st.tables[t].generation))
                }
                None => Value::Null,
            }
        }
        Prim::PmdPopulate => {
            mm_arg(a[0])?;
            let r = pmd_ptr_arg(a[1])?;
            let p = match live_pgtable_arg(st, a[2], "pmd_populate() with a table that was freed")?
            {
                Ok(p) => p,
                Err(v) => return Ok(v),
            };
            // (or a huge leaf pmdp_invalidate() made not present: the end of a split)
            let invalidated = st.pmds[r].leaf().is_some_and(|l| !l.hw_present());
            if !st.pmds[r].is_none() && !invalidated {
                return Err(
                    "pmd_populate() over a present PMD entry: the kernel populates only a none entry (clear it first) or a huge leaf it split (pmdp_invalidate())"
                        .into(),
                );
            }
            st.pmds[r] = p;
            Value::Null
        }
        Prim::PmdClear => {
            let r = pmd_ptr_arg(a[0])?;
            st.pmds[r] = crate::ir::Pmd::NONE;
            Value::Null
        }
        Prim::PteFree => {
            mm_arg(a[0])?;
            let p =
                match live_pgtable_arg(st, a[1], "pte_free() of a table that was freed already")? {
                    Ok(p) => p,
                    Err(v) => return Ok(v),
                };
            let (t, _) = p.table_of().expect("a pgtable names a table");
            if st.ptl[t].is_some() {
                return Ok(Violation(
                    "use_after_free",
                    format!("pte_free() of table {t} while its PTL is held"),
                ));
            }
            st.tables[t].allocated = false;
            st.tables[t].generation = st.tables[t].generation.wrapping_add(1);
            Value::Null
        }
        _ => unreachable!("pgtable_op() is called for its own primitives only"),
    }))
}

fn exec_inner(
    m: &Machine,
    st: &mut State,
    tid: usize,
    prim: Prim,
    a: &[Value],
) -> Result<PrimOut, String> {
    let t = tid as u8;
    Ok(Value(match prim {
        Prim::PteNone
        | Prim::PtePresent
        | Prim::PteWrite
        | Prim::PteDirty
        | Prim::PteYoung
        | Prim::PteUffdWp
        | Prim::PteSoftDirty
        | Prim::PteProtnone
        | Prim::PteSpecial
        | Prim::PtePfn
        | Prim::PteMkwrite
        | Prim::PteWrprotect
        | Prim::PteMkdirty
        | Prim::PteMkclean
        | Prim::PteMkyoung
        | Prim::PteMkold
        | Prim::PteMkuffdWp
        | Prim::PteClearUffdWp
        | Prim::PteMksoftDirty
        | Prim::PteClearSoftDirty
        | Prim::PtePage => pte_op(prim, pte_arg(a[0])?),
        Prim::PteSame => Value::Bool(pte_arg(a[0])? == pte_arg(a[1])?),
        Prim::PteModify => {
            let p = pte_arg(a[0])?;
            let Value::Prot(prot) = a[1] else {
                return Err("expected a pgprot".into());
            };
            Value::Pte(Pte((p.0 & !PROT_MASK) | (prot & PROT_MASK)))
        }
        Prim::MkPte => {
            let f = page_of(m, a[0])?;
            let Value::Prot(prot) = a[1] else {
                return Err("expected a pgprot".into());
            };
            // pfn_pte(): the pgprot's bits as they are, _PAGE_ACCESSED included
            Value::Pte(Pte::new(f as u32 + 1, prot & (PROT_MASK | ACCESSED)))
        }
        Prim::VmGetPageProt => Value::Prot(vm_get_page_prot(int_arg(a[0])? as u32)),
        Prim::PgprotWrite => match a[0] {
            Value::Prot(p) => Value::Bool(p & WRITE != 0),
            _ => return Err("expected a pgprot".into()),
        },
        // ---- local ----
        Prim::CurrentMm => Value::Mm(st.threads[tid].mm),
        Prim::PteOffsetMap => {
            let l = &m.prog.scenario.layout;
            let slot = slot_at(m, int_arg(a[1])?)?;
            // The walk from the mm or a PMD pointer reads the PMD entry within the step of the
            // caller's next shared access. That is the kernel's behaviour only while mmap_lock
            // keeps the entry from changing: elsewhere, where entries can change, a lockless
            // walker must read the entry itself (a step) and pass the value.
            let walk_mm = match a[0] {
                Value::Mm(_) => Some(live_mm_arg(st, a[0])?),
                Value::PmdPtr(r) => Some(l.pmd_owner(r as usize).0),
                _ => None,
            };
            if m.pmds_change
                && walk_mm.is_some_and(|mm| {
                    m.mm_contract.mmap_held(&m.prog.memory, st, mm, tid) == Some(false)
                })
            {
                return Err(
                    "a walk through the mm or a PMD pointer without mmap_lock, where PMD entries can change: read the entry (`let pmd = *pmdp;`) and pass the value, as GUP-fast does"
                        .into(),
                );
            }
            match a[0] {
                // a walk from the mm, or through a PMD pointer (`pte_offset_map(vmf->pmd,
                // addr)` reads the entry): null where the PMD entry is none. (A lockless
                // walker reads the entry itself, `*pmdp`, and passes the value.)
                Value::Mm(mm) => x86::pte_pointer(l, st, mm as usize, slot).unwrap_or(Value::Null),
                // (the kernel's pointer from a none entry names no table: pmd_page_vaddr(0))
                Value::PmdPtr(r) if l.pmd_owner(r as usize).1 == l.region[slot] as usize => {
                    let mm = l.pmd_owner(r as usize).0;
                    match x86::pte_pointer(l, st, mm, slot) {
                        Some(p) => p,
                        None => {
                            return Ok(Violation(
                                "use_after_free",
                                format!(
                                    "cpu{tid}: pte_offset_map() through the PMD entry of {}, which is none (its PTE table was unlinked): the pointer names no PTE table",
                                    super::trace::pmd_name(m, r as usize)
                                ),
                            ));
                        }
                    }
                }
                // into the table a PMD value read earlier names, whatever the entry holds now;
                // or into a table not linked yet (a pgtable_t: the kernel's
                // `pmd_populate(mm, &_pmd, pgtable)` into a local PMD, then
                // `pte_offset_map(&_pmd, addr)`, as a huge PMD's split fills its table)
                Value::Pmd(p) | Value::PgTable(p) => {
                    let (t, g) = p
                        .table_of()
                        .ok_or("pte_offset_map() of a PMD value that names no table")?;
                    x86::pointer_into(l, t, g, slot)
                }
                Value::PmdPtr(_) => {
                    return Err("pte_offset_map(): the address is outside the PMD's range".into());
                }
                other => {
                    return Err(format!(
                        "pte_offset_map() takes the mm, a PMD pointer or a PMD value (`*pmdp`), not a {}",
                        other.type_name()
                    ));
                }
            }
        }
        Prim::IsMigrationEntry
        | Prim::IsSwapPte
        | Prim::IsWriteMigrationEntry
        | Prim::MakeMigrationEntry
        | Prim::MigrationEntryToPage
        | Prim::NonSwapEntry
        | Prim::PmdBad
        | Prim::PmdPage
        | Prim::PmdWrite
        | Prim::PmdDirty
        | Prim::PmdMkwrite
        | Prim::PmdMkdirty
        | Prim::PmdYoung
        | Prim::PmdMkyoung
        | Prim::PmdMkold
        | Prim::PmdWrprotect
        | Prim::PmdMkclean
        | Prim::PmdProtnone
        | Prim::PmdSoftDirty
        | Prim::PmdMksoftDirty
        | Prim::PmdClearSoftDirty
        | Prim::PmdUffdWp
        | Prim::PmdMkuffdWp
        | Prim::PmdClearUffdWp
        | Prim::PmdModify
        | Prim::PmdMkinvalid
        | Prim::PmdpEstablish
        | Prim::MkHugePmd
        | Prim::SetPmdAt
        | Prim::PmdpHugeGetAndClear
        | Prim::PmdClear
        | Prim::PmdLockptr
        | Prim::PmdNone
        | Prim::PmdOffset
        | Prim::PmdPgtable
        | Prim::PmdPopulate
        | Prim::PmdPresent
        | Prim::PmdSame
        | Prim::PmdTransHuge
        | Prim::PteAllocOne
        | Prim::PteFree
        | Prim::PteLockptr
        | Prim::PteSwpMksoftDirty
        | Prim::PteSwpMkuffdWp
        | Prim::PteSwpClearUffdWp
        | Prim::PteSwpSoftDirty
        | Prim::PteSwpUffdWp
        | Prim::PteToSwpEntry
        | Prim::SwpEntryToPte
        | Prim::SwpEntry
        | Prim::SwpType
        | Prim::SwpOffset
        | Prim::SwapDeviceSlots
        | Prim::MakeDevicePrivateEntry
        | Prim::IsDevicePrivateEntry
        | Prim::IsWriteDevicePrivateEntry
        | Prim::DevicePrivateEntryToPage
        | Prim::MakePteMarkerEntry
        | Prim::IsPteMarkerEntry
        | Prim::PteMarkerGet
        | Prim::SwapWritePage
        | Prim::SwapReadPage => return pgtable_op(m, st, tid, prim, a),
        Prim::ForceSigSegv => {
            st.threads[tid].signal = super::state::SIGSEGV;
            Value::Null
        }
        Prim::Nondet => {
            return Err("reached outside a step's start (interp::choose runs it)".into());
        }
        Prim::NotModelled => {
            return Err(
                "this path is not modelled (see the model's comment here): the scenario reached it"
                    .into(),
            );
        }
        Prim::ForceSigBus => {
            // SIGSEGV, if already due, is not replaced: the first signal kills.
            if st.threads[tid].signal == 0 {
                st.threads[tid].signal = super::state::SIGBUS;
            }
            Value::Null
        }
        Prim::SmpProcessorId => Value::Int(tid as i64),
        Prim::NrCpuIds => Value::Int(m.cpus() as i64),
        Prim::ThisCpuPtr | Prim::PerCpuPtr => {
            let cpu = if prim == Prim::PerCpuPtr {
                let c = int_arg(a[1])?;
                if c < 0 || c as usize >= m.cpus() {
                    return Err(format!("there is no cpu{c}"));
                }
                c as u32
            } else {
                tid as u32
            };
            let mem = &m.prog.memory;
            let Value::Obj(b) = a[0] else {
                return Err(format!(
                    "expected `&VAR` of a per-CPU variable, got a {}",
                    a[0].type_name()
                ));
            };
            let g = mem
                .globals
                .iter()
                .find(|g| g.per_cpu && g.base == b)
                .ok_or("expected `&VAR` of a per-CPU variable (`percpu VAR: STRUCT;`)")?;
            let size = mem.structs[g.strukt as usize].size;
            Value::Obj(b + cpu * size)
        }
        // ---- page tables and TLBs ----
        Prim::SetPteAt => {
            let p = place!(m, st, a[2]);
            let new = pte_arg(a[3])?;
            let pte_name = |st: &State| x86::entry_name(m, st, p.index);
            // A table no PMD entry links is filled under its mm's PMD lock instead (a huge
            // PMD's split fills the table it withdrew before pmd_populate() links it).
            let unlinked_under_pmd_lock = |st: &State| -> Result<bool, String> {
                let mm = live_mm_arg(st, a[0])?;
                let lock = st.ptl.get(m.prog.scenario.layout.tables + mm).copied();
                Ok(lock.flatten() == Some(t)
                    && !st
                        .pmds
                        .iter()
                        .any(|e| e.table_of().is_some_and(|(tb, _)| tb == p.table)))
            };
            if st.ptl[p.table] != Some(t) && !unlinked_under_pmd_lock(st)? {
                return Ok(Violation(
                    "lock_hygiene",
                    format!(
                        "cpu{tid} writes PTE {} without holding its PTL",
                        pte_name(st)
                    ),
                ));
            }
            let mut lost = None;
            if new.pfn() == 0 && (new.has(PRESENT) || new.has(PROTNONE)) {
                // (pte_modify() of a none PTE makes one: a path that rebuilt a PTE it
                // never rechecked)
                return Ok(Violation(
                    "use_after_free",
                    format!(
                        "set_pte_at maps pfn 0, which is no page frame, at {}",
                        pte_name(st)
                    ),
                ));
            }
            if new.pfn() != 0 && (new.has(PRESENT) || new.has(PROTNONE)) {
                let f = new.pfn() as usize - 1;
                if f >= st.frames.len() || !st.frames[f].allocated {
                    return Ok(Violation(
                        "use_after_free",
                        format!("set_pte_at maps a freed frame at {}", pte_name(st)),
                    ));
                }
                // The local lost-write check: a copy replacing its source must still match it.
                if let Some(src) = st.frames[f].copied_from {
                    let (s, d) = (st.frames[src as usize], st.frames[f]);
                    // (a source freed since has lost its contents: the end-to-end check judges)
                    if s.allocated && s.data != d.data {
                        let who = match s.last_store {
                            Some((cpu, v)) => format!("cpu{cpu}'s store of {v}"),
                            None => "a store".into(),
                        };
                        lost = Some(format!(
                            "{who} to {} landed in {} after it was copied to {}; {} now maps the copy, which holds {}: the store is lost",
                            pte_name(st),
                            super::trace::page_name(m, src as usize),
                            super::trace::page_name(m, f),
                            pte_name(st),
                            d.data
                        ));
                    }
                    st.frames[f].copied_from = None;
                }
                st.frames[f].private_to = None;
            }
            st.ptes[p.index] = new;
            if let Some(msg) = lost {
                return Ok(Soft("lost_write", msg, Value::Null));
            }
            Value::Null
        }
        Prim::PtepGetAndClear => {
            let p = place!(m, st, a[2]);
            if st.ptl[p.table] != Some(t) {
                return Ok(Violation(
                    "lock_hygiene",
                    format!(
                        "cpu{tid} clears PTE {} without holding its PTL",
                        x86::entry_name(m, st, p.index)
                    ),
                ));
            }
            let old = st.ptes[p.index];
            st.ptes[p.index] = Pte::NONE;
            Value::Pte(old)
        }
        Prim::FlushTlbPage | Prim::FlushTlbRange | Prim::FlushTlbMm
            if !m.prog.scenario.knobs.tlb_broadcast
                && ipi_held_off(st, tid, mm_of(m, st, a[0])?).is_some() =>
        {
            return Ok(Blocked);
        }
        // (both act on the PCID of the mm this CPU runs)
        Prim::FlushTlbOneUser => {
            let (l, mm) = (&m.prog.scenario.layout, st.mm_of_cpu(tid));
            // (INVLPG of an address no VMA holds has nothing to drop)
            if let Some(slot) = l.slot_of(int_arg(a[0])?) {
                st.tlb[l.tlb_index(tid, mm, slot)] = None;
            }
            x86::drop_psc(st, l, tid, mm);
            Value::Null
        }
        Prim::FlushTlbLocal => {
            let (l, mm) = (&m.prog.scenario.layout, st.mm_of_cpu(tid));
            st.tlb[l.tlb_range(tid, mm)].fill(None);
            x86::drop_psc(st, l, tid, mm);
            Value::Null
        }
        Prim::FlushTlbPage => {
            let mm = mm_of(m, st, a[0])?;
            let addr = int_arg(a[1])?;
            x86::flush_range(st, &m.prog.scenario.layout, mm, addr, addr + 1);
            Value::Null
        }
        Prim::FlushTlbRange => {
            let mm = mm_of(m, st, a[0])?;
            let (s, e) = (int_arg(a[1])?, int_arg(a[2])?);
            // TLB_FLUSH_ALL is ~0UL
            let e = if e < 0 { i64::MAX } else { e };
            x86::flush_range(st, &m.prog.scenario.layout, mm, s, e);
            Value::Null
        }
        Prim::FlushTlbMm => {
            let mm = mm_of(m, st, a[0])?;
            x86::flush_range(st, &m.prog.scenario.layout, mm, 0, i64::MAX);
            Value::Null
        }
        // ---- pages ----
        Prim::ZeroPage => Value::Page(m.prog.scenario.frames as u16),
        Prim::IsZeroPfn => Value::Bool(int_arg(a[0])? == m.prog.scenario.frames as i64 + 1),
        Prim::PteMkspecial => Value::Pte(pte_arg(a[0])?.with(SPECIAL, true)),
        // ---- address spaces ----
        Prim::AllocateMm => {
            let Some(mm) = st.mms.iter().position(|x| !x.live) else {
                return Err(format!(
                    "allocate_mm(): every mm of the test is in use (`mms {}`): give the test room for one more",
                    st.mms.len()
                ));
            };
            st.mms[mm].live = true;
            Value::Mm(mm as u8)
        }
        Prim::FreeMm => {
            let mm = mm_arg(a[0])? as usize;
            if !st.mms.get(mm).is_some_and(|x| x.live) {
                return Ok(Violation(
                    "use_after_free",
                    format!("cpu{tid}: free_mm() of mm{mm}, which is not in use"),
                ));
            }
            let l = &m.prog.scenario.layout;
            if (0..l.regions()).any(|r| !st.pmds[l.pmd_index(mm, r)].is_none()) {
                return Err(format!(
                    "free_mm() of mm{mm} with page tables still linked: exit_mmap()'s free_pgtables() frees them first"
                ));
            }
            let mem = &m.prog.memory;
            if let Some(per) = mem.mm {
                let base = per.base as usize + mm * per.stride as usize;
                // a lock of the mm still held when it is freed: its holder will release (or
                // its waiters take) a lock in freed memory
                let s = &mem.structs[per.strukt as usize];
                for (f, (name, kind)) in s.fields.iter().enumerate() {
                    let v = st.mem[base + s.offsets[f] as usize];
                    let held = match kind {
                        crate::ir::WordKind::Rwsem if v != 0 => {
                            Some(super::family::rwsem::state_text(v))
                        }
                        crate::ir::WordKind::Spinlock if v != 0 => {
                            Some(format!("held by cpu{}", v - 1))
                        }
                        _ => None,
                    };
                    if let Some(how) = held {
                        return Ok(Violation(
                            "lock_hygiene",
                            format!("cpu{tid}: free_mm() of mm{mm} while its {name} is {how}"),
                        ));
                    }
                }
                for w in base..base + per.stride as usize {
                    st.mem[w] = mem.init_of(w);
                }
            }
            // exit_mmap()'s full-mm flush leaves no entry of the mm behind; one still cached
            // is a flush the teardown missed (lazy-TLB CPUs are not modelled)
            for cpu in 0..st.threads.len().min(m.cpus()) {
                if let Some(slot) =
                    (0..l.slots()).find(|&s| st.tlb[l.tlb_index(cpu, mm, s)].is_some())
                {
                    let e = st.tlb[l.tlb_index(cpu, mm, slot)].expect("an entry");
                    let live = x86::live_frame(st, e.pfn, Some(e.generation)).is_some();
                    return Ok(Violation(
                        if live { "stale_tlb" } else { "use_after_free" },
                        format!(
                            "free_mm() of mm{mm} while cpu{cpu} still caches {} -> {}{}",
                            super::trace::mm_slot_name(m, mm, slot),
                            super::trace::pfn_name(m, e.pfn.into()),
                            if live { "" } else { ", which was freed" }
                        ),
                    ));
                }
                x86::drop_psc(st, l, cpu, mm);
            }
            let g = l.ghost_index(mm, 0);
            st.expected[g..g + l.slots()].fill(0);
            if !st.lazyfree.is_empty() {
                st.lazyfree[g..g + l.slots()].fill(super::state::LAZY_NONE);
            }
            st.mms[mm] = super::state::MmState::default();
            Value::Null
        }
        Prim::VmAreaAlloc => {
            let mm = live_mm_arg(st, a[0])?;
            let mem = &m.prog.memory;
            let (Some(per), Some(at)) = (mem.vma, m.mm_contract.vm_mm_word(mem, 0)) else {
                return Err(
                    "the model tree declares no struct vm_area_struct with a vm_mm handle".into(),
                );
            };
            // the spares past mm 0's first (room for other mms' copies), then mm 0's own
            // (holes, freed VMAs): a free one has no vm_mm
            let first = m.prog.scenario.vmas.len();
            let stride = per.stride as usize;
            let Some(i) = (first..per.count as usize)
                .chain(0..first)
                .find(|&i| st.mem[at + i * stride] == 0)
            else {
                return Err(format!(
                    "vm_area_alloc(): the test's {} VMA objects are all in use (`mms N;` gives each mm past the first room for a copy of every scenario VMA, and each `hole` room for one VMA in each mm)",
                    per.count
                ));
            };
            st.mem[at + i * stride] = crate::ir::handle_to_word(Value::Mm(mm as u8))?;
            Value::Vma(i as u8)
        }
        Prim::SwitchMm => {
            let mm = live_mm_arg(st, a[0])?;
            st.threads[tid].mm = mm as u8;
            Value::Null
        }
        Prim::VmAreaFree | Prim::VmAreaFreeRcu => {
            let mem = &m.prog.memory;
            let Value::Vma(i) = a[0] else {
                return Err(format!(
                    "{}() of a {}, not a vma",
                    prim.name(),
                    a[0].type_name()
                ));
            };
            let at = m
                .mm_contract
                .vm_mm_word(mem, i as usize)
                .ok_or("no vm_mm")?;
            let pending = st.vma_rcu.get(i as usize).is_some_and(|&w| w != 0);
            if st.mem[at] == 0 || pending {
                return Ok(Violation(
                    "use_after_free",
                    format!(
                        "cpu{tid}: {}() of a VMA that is free already{}",
                        prim.name(),
                        if pending {
                            " (a grace period away)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            // the CPUs in read sections now: the free waits for each to leave its own
            let readers = (0..st.threads.len())
                .filter(|&c| st.threads[c].rcu_depth > 0)
                .fold(0u8, |acc, c| acc | 1 << c);
            if prim == Prim::VmAreaFreeRcu && readers != 0 {
                st.vma_rcu[i as usize] = readers;
            } else {
                free_vma_object(m, st, i as usize);
            }
            Value::Null
        }
        Prim::DmaAdd => {
            let f = page_of(m, a[0])?;
            let v = int_arg(a[1])?;
            let mm = live_mm_arg(st, a[2])?;
            let slot = slot_at(m, int_arg(a[3])?)?;
            if !st.frames[f].allocated {
                return Ok(Violation(
                    "use_after_free",
                    format!(
                        "cpu{tid}: a device's DMA into {}, which is free",
                        super::trace::page_name(m, f)
                    ),
                ));
            }
            let fr = &mut st.frames[f];
            fr.data = fr.data.wrapping_add(v);
            fr.last_store = Some((t, fr.data));
            // A page a discard took from the address (MADV_DONTNEED, munmap; in progress or
            // over) is no longer the address's: the DMA is lost with it, the program's own
            // race with its pin, not the kernel's.
            let discarded = fr
                .taken
                .is_some_and(|k| k.to.is_none() && k.mm as usize == mm && k.slot as usize == slot);
            if !discarded {
                let g = m.prog.scenario.layout.ghost_index(mm, slot);
                st.expected[g] = st.expected[g].wrapping_add(v);
                st.stored_at(g);
            }
            Value::Null
        }
        Prim::CopyUserHighpage => {
            let (d, s) = (page_of(m, a[0])?, page_of(m, a[1])?);
            if !st.frames[s].allocated || !st.frames[d].allocated {
                return Ok(Violation(
                    "use_after_free",
                    "copy_user_highpage on a freed frame".into(),
                ));
            }
            st.frames[d].data = st.frames[s].data;
            st.frames[d].copied_from = Some(s as u16);
            Value::Null
        }
        Prim::CopyFromUserInatomic => {
            let d = page_of(m, a[0])?;
            let addr = int_arg(a[1])?;
            match x86::kernel_read(st, &m.prog.scenario.layout, tid, addr) {
                Ok(Some((src, data))) => {
                    st.frames[d].data = data;
                    st.frames[d].copied_from = Some(src as u16);
                    Value::Bool(true)
                }
                Ok(None) => Value::Bool(false),
                Err(why) => return Ok(Violation("use_after_free", why)),
            }
        }
        Prim::CopyToUserInatomic => {
            let addr = int_arg(a[0])?;
            let v = int_arg(a[1])?;
            let names = |f: usize| super::trace::page_name(m, f);
            match x86::user_access(
                st,
                &m.prog.scenario.layout,
                tid,
                addr,
                x86::UserKind::Store(v),
                &names,
                false,
            ) {
                x86::Access::Done { .. } => Value::Bool(true),
                x86::Access::Fault { .. } => Value::Bool(false),
                x86::Access::UseAfterFree(msg) => {
                    return Ok(Violation(
                        "use_after_free",
                        format!("cpu{tid}: copy_to_user: {msg}"),
                    ));
                }
            }
        }
        Prim::MemcmpPages => {
            let (x, y) = (page_of(m, a[0])?, page_of(m, a[1])?);
            Value::Int((st.frames[x].data != st.frames[y].data) as i64)
        }
        // ---- the scheduler ----
        Prim::Schedule => {
            if let Some(why) = atomic_context(m, st, tid) {
                return Ok(Violation(
                    "lock_hygiene",
                    format!("cpu{tid} sleeps in schedule(), but it {why}"),
                ));
            }
            if !st.threads[tid].task_running {
                return Ok(Blocked);
            }
            Value::Null
        }
        // ---- ghost ----
        Prim::Violation => {
            let i = int_arg(a[0])? as usize;
            let (name, says) = m.prog.model_invariants.get(i).ok_or("no such invariant")?;
            if m.checks(name) {
                return Ok(Violation(name, says.clone()));
            }
            Value::Null
        }
        Prim::Assert | Prim::BugOn => {
            let v = a[0].truthy().ok_or("expected a condition")?;
            if v != (prim == Prim::Assert) {
                return Ok(Violation("assertion", format!("{} failed", prim.name())));
            }
            Value::Null
        }
        Prim::GhostLazyfree | Prim::GhostLazyfreeDiscard => {
            let mm = mm_of(m, st, a[0])? as usize;
            let slot = slot_at(m, int_arg(a[1])?)?;
            let g = m.prog.scenario.layout.ghost_index(mm, slot);
            if prim == Prim::GhostLazyfree {
                st.lazyfree[g] = super::state::LAZY_BY_CPU + t;
            } else if std::mem::replace(&mut st.lazyfree[g], super::state::LAZY_NONE)
                != super::state::LAZY_NONE
            {
                // nothing stored since MADV_FREE: zero-fill on demand from now on
                st.expected[g] = 0;
            }
            Value::Null
        }
        Prim::GhostDiscard => {
            let mm = mm_of(m, st, a[0])? as usize;
            let slot = slot_at(m, int_arg(a[1])?)?;
            let g = m.prog.scenario.layout.ghost_index(mm, slot);
            st.expected[g] = 0;
            st.stored_at(g);
            if a[2] != Value::Null {
                let f = page_of(m, a[2])?;
                if let Some(fr) = st.frames.get_mut(f) {
                    fr.taken = Some(super::state::Taken {
                        cpu: t,
                        mm: mm as u8,
                        slot: slot as u16,
                        to: None,
                    });
                }
            }
            Value::Null
        }
        Prim::GhostMove => {
            let mm = mm_of(m, st, a[0])? as usize;
            let l = &m.prog.scenario.layout;
            let from = slot_at(m, int_arg(a[1])?)?;
            let to = slot_at(m, int_arg(a[2])?)?;
            st.expected[l.ghost_index(mm, to)] = st.expected[l.ghost_index(mm, from)];
            st.expected[l.ghost_index(mm, from)] = 0;
            if !st.lazyfree.is_empty() {
                let (gt, gf) = (l.ghost_index(mm, to), l.ghost_index(mm, from));
                st.lazyfree[gt] = st.lazyfree[gf];
                st.lazyfree[gf] = super::state::LAZY_NONE;
            }
            if a[3] != Value::Null {
                let f = page_of(m, a[3])?;
                if let Some(fr) = st.frames.get_mut(f) {
                    fr.taken = Some(super::state::Taken {
                        cpu: t,
                        mm: mm as u8,
                        slot: from as u16,
                        to: Some(to as u16),
                    });
                }
            }
            Value::Null
        }
        Prim::GhostDiscardDone => {
            let mm = mm_of(m, st, a[0])?;
            let (s, e) = (int_arg(a[1])?, int_arg(a[2])?);
            // Only this CPU's discards: another call on the range may still be zapping.
            let addr = &m.prog.scenario.layout.addr;
            // this CPU's MADV_FREE of the range is over: from now on a store that lands at
            // one of its lazyfree addresses makes the value count again
            if !st.lazyfree.is_empty() {
                let l = &m.prog.scenario.layout;
                for (slot, &a) in addr.iter().enumerate() {
                    let g = l.ghost_index(mm as usize, slot);
                    if (s..e).contains(&a) && st.lazyfree[g] == super::state::LAZY_BY_CPU + t {
                        st.lazyfree[g] = super::state::LAZY_SETTLED;
                    }
                }
            }
            for fr in st.frames.iter_mut() {
                if let Some(k) = fr.taken
                    && k.cpu == t
                    && k.mm == mm
                    && (s..e).contains(&addr.get(k.slot as usize).copied().unwrap_or(-1))
                {
                    // a move is over; a discarded page stays gone from the address, where a
                    // device may still store into it
                    fr.taken = match k.to {
                        None if m.uses_dma => Some(super::state::Taken {
                            cpu: super::state::Taken::DONE,
                            ..k
                        }),
                        _ => None,
                    };
                }
            }
            Value::Null
        }
        Prim::GhostSnapshot => {
            let f = page_of(m, a[0])?;
            if let Some(fr) = st.frames.get_mut(f) {
                fr.copied_from = None;
            }
            Value::Null
        }
        Prim::AssumeTlbCoherent => {
            let mm = mm_of(m, st, a[0])? as usize;
            let addr = int_arg(a[1])?;
            let l = &m.prog.scenario.layout;
            if let Some(slot) = l.slot_of(addr) {
                let pte = st.pte_of(l, mm, slot);
                for cpu in 0..st.threads.len() {
                    if let Some(e) = st.tlb[l.tlb_index(cpu, mm, slot)]
                        && x86::is_stale(e, pte)
                        && !m.flush_owed_by_model(st, cpu, mm)
                    {
                        return Ok(Soft(
                            "stale_tlb",
                            format!(
                                "cpu{tid} relies on PTE {} = {} under the PTL, but cpu{cpu} still caches {} rw={} d={}",
                                super::trace::slot_name(m, slot),
                                super::trace::pte_text(m, pte),
                                super::trace::pfn_name(m, e.pfn.into()),
                                e.write as u8,
                                e.dirty as u8
                            ),
                            Value::Null,
                        ));
                    }
                }
            }
            Value::Null
        }
        Prim::Family(_) => return Err("a family row reached the built-in table".into()),
    }))
}
