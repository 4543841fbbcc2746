//! The multi-threaded search and the partial-order reduction against the plain reference
//! search (`bfs::check`), on the bundled small scenarios and on generated ones:
//! - without reduction, any number of threads gives exactly the reference's result (states,
//!   transitions, every counterexample step for step);
//! - with reduction, the verdict and the set of reachable violation kinds are the same, and
//!   every counterexample replays;
//! - a bug injected into the reduction (PTE accesses, or accesses to words of declared
//!   objects, taken as independent) is caught.

mod common;

use mmcheck::explore::parallel::{self, Options};
use mmcheck::explore::{Limits, Report, StopOn, bfs, ends_in};
use mmcheck::machine::{Action, Machine, footprint};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

const FIXES: &[&str] = &[
    "",
    "fixes/6ce64428d620-uffd-flush-pending.mmk",
    "fixes/uffd-wp-preserve-write.mmk",
    "fixes/andrea-two-group.mmk",
    "fixes/copy-under-ptl-after-flush.mmk",
    "fixes/reuse-rule-pre-5.9.mmk",
];

const OPS: &[&str] = &[
    "X = 9;",
    "X += 1;",
    "let v = *X;",
    "userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP);",
    "userfaultfd_writeprotect(X, 1, 0);",
    "mprotect(X, 1, PROT_READ);",
    "mprotect(X, 1, PROT_READ | PROT_WRITE);",
    "madvise(X, 1, MADV_DONTNEED);",
    "clear_refs_write(CLEAR_REFS_SOFT_DIRTY);",
    // broken paths from tests/mmk/checks, so that every kind of violation can turn up
    "double_put(X);",
    "zap_free_then_flush(X);",
    "lock_page_then_mmap(X);",
    "mmap_then_lock_page(X);",
    "unlocked_wrprotect(X);",
    // a wait that may never end (livelock) and what it waits for
    "wait_for_raise();",
    "raise_and_lower();",
];

/// The functions the broken paths above call, taken from the bundled check tests.
fn broken_paths() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mmk/checks");
    let mut out = String::new();
    for f in [
        "refcount-double-put.mmk",
        "free-before-flush.mmk",
        "deadlock-abba.mmk",
        "pte-write-without-ptl.mmk",
        "../semantics/livelock-and-signals.mmk",
    ] {
        let text = std::fs::read_to_string(dir.join(f)).expect("a bundled check");
        let at = text.find("\nfn ").expect("a function");
        out += &text[at..];
    }
    out
}

/// A random small scenario: 2 or 3 CPUs, one page, random PTE and TLB contents, one or two
/// operations per CPU, maybe a fix, maybe TLB eviction.
fn generated(seed: u64) -> String {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let fix = FIXES[r.random_range(0..FIXES.len())];
    let cpus = r.random_range(2..=3);
    let mut t = format!("test \"generated {seed}\" {{\n    kernel \"linux-5.10\";\n");
    if !fix.is_empty() {
        t += &format!("    import \"{fix}\";\n");
    }
    t += &format!("    cpus {cpus};\n    frames 3;\n");
    let extra = if r.random_bool(0.5) { " softdirty" } else { "" };
    t += &format!("    vma X: anon private read write uffd_wp{extra};\n");
    t += &format!(
        "    page P = 7 {{ extra_refs: {} }};\n",
        r.random_range(0..=1)
    );
    let (write, dirty) = (r.random_bool(0.7), r.random_bool(0.7));
    if r.random_bool(0.85) {
        let mut bits = vec!["accessed"];
        if write {
            bits.push("write");
        }
        if dirty {
            bits.push("dirty");
        }
        t += &format!("    pte X -> P {{ {} }};\n", bits.join(" "));
        for c in 0..cpus {
            if r.random_bool(0.4) {
                let mut bits = Vec::new();
                if write && r.random_bool(0.7) {
                    bits.push("write");
                }
                if dirty && r.random_bool(0.7) {
                    bits.push("dirty");
                }
                t += &format!("    tlb cpu{c}: X -> P {{ {} }};\n", bits.join(" "));
            }
        }
    }
    if r.random_bool(0.2) {
        t += "    knob tlb_evict;\n";
        // both knobs: some hardware event is always enabled, end states must still count
        if r.random_bool(0.5) {
            t += "    knob tlb_speculative;\n";
        }
    }
    for c in 0..cpus {
        let n = r.random_range(1..=2);
        let ops: Vec<&str> = (0..n).map(|_| OPS[r.random_range(0..OPS.len())]).collect();
        t += &format!("    cpu{c} {{ {} }}\n", ops.join(" "));
    }
    t + "}\n" + &broken_paths()
}

/// Scenarios the plain search exhausts within `cap` states.
fn scenarios(cap: u64) -> Vec<(String, Machine)> {
    let mut all = common::bundled();
    let dir = tempfile::tempdir().expect("tempdir");
    for seed in 0..120 {
        let p = dir.path().join(format!("g{seed}.mmk"));
        std::fs::write(&p, generated(seed)).expect("write");
        common::load(&p, true, &mut all);
    }
    let lim = Limits {
        max_states: Some(cap),
        ..Limits::default()
    };
    all.into_iter()
        .filter(|(_, m)| bfs::check(m, lim, StopOn::Never, None).complete)
        .collect()
}

fn run(m: &Machine, stop: StopOn, threads: usize, reduce: bool, bug: u64) -> Report<Action> {
    let opts = Options {
        threads,
        reduce,
        assume_independent: bug,
    };
    parallel::check(m, Limits::default(), stop, opts, None)
}

fn summary(r: &Report<Action>) -> Vec<(&'static str, Vec<Action>)> {
    r.found
        .iter()
        .map(|f| (f.violation.invariant, f.path.clone()))
        .collect()
}

/// Where the reduced search disagrees with the reference on a scenario, if it does.
fn reduction_disagrees(name: &str, m: &Machine, threads: usize, bug: u64) -> Option<String> {
    let plain = bfs::check(m, Limits::default(), StopOn::Never, None);
    let por = run(m, StopOn::Never, threads, true, bug);
    if (por.stats.end_states, por.stats.end_digest)
        != (plain.stats.end_states, plain.stats.end_digest)
    {
        return Some(format!(
            "{name}: reduction reaches {} end states, plain search {} (or other ones)",
            por.stats.end_states, plain.stats.end_states
        ));
    }
    if por.kinds() != plain.kinds() || por.complete != plain.complete {
        return Some(format!(
            "{name}: reduction finds {:?}, plain search {:?}",
            por.kinds(),
            plain.kinds()
        ));
    }
    for f in &por.found {
        if !ends_in(m, &f.path, f.violation.invariant) {
            return Some(format!("{name}: {} does not replay", f.violation.invariant));
        }
    }
    let first = run(m, StopOn::Any, threads, true, bug);
    if first.verdict().is_safe() != plain.verdict().is_safe() {
        return Some(format!("{name}: verdicts differ with the reduction"));
    }
    None
}

trait IsSafe {
    fn is_safe(&self) -> bool;
}
impl IsSafe for mmcheck::explore::Verdict {
    fn is_safe(&self) -> bool {
        *self == mmcheck::explore::Verdict::Safe
    }
}

#[test]
fn generated_scenarios_are_valid_and_varied() {
    let ms = scenarios(20_000);
    let generated = ms.iter().filter(|(n, _)| n.contains("generated")).count();
    assert!(
        generated >= 60,
        "only {generated} generated scenarios are usable"
    );
    let mut kinds = std::collections::BTreeSet::new();
    // the generator writes valid tests: all but those with an impossible TLB load
    assert!(ms.len() >= 100, "only {} scenarios", ms.len());
    for (_, m) in ms.iter().filter(|(n, _)| n.contains("generated")) {
        kinds.extend(bfs::check(m, Limits::default(), StopOn::Never, None).kinds());
    }
    assert!(
        kinds.len() >= 5,
        "generated scenarios reach too few kinds of violation: {kinds:?}"
    );
    // the kinds decided only at the end of a search, or only with both TLB knobs, too
    for k in ["livelock", "deadlock"] {
        assert!(
            kinds.contains(k),
            "no generated scenario reaches {k}: {kinds:?}"
        );
    }
}

#[test]
fn threads_give_exactly_the_reference_result() {
    for (name, m) in scenarios(20_000) {
        for stop in [StopOn::Never, StopOn::Any] {
            let plain = bfs::check(&m, Limits::default(), stop, None);
            for threads in [1, 3] {
                let r = run(&m, stop, threads, false, 0);
                assert_eq!(r.complete, plain.complete, "{name} ({threads} threads)");
                assert_eq!(
                    r.stats.states, plain.stats.states,
                    "{name} ({threads} threads)"
                );
                assert_eq!(
                    r.stats.transitions, plain.stats.transitions,
                    "{name} ({threads} threads)"
                );
                assert_eq!(summary(&r), summary(&plain), "{name} ({threads} threads)");
                assert_eq!(
                    (r.stats.end_states, r.stats.end_digest),
                    (plain.stats.end_states, plain.stats.end_digest),
                    "{name} ({threads} threads)"
                );
            }
        }
    }
}

#[test]
fn reduction_keeps_verdicts_and_violation_kinds() {
    let ms = scenarios(20_000);
    let mut reduced = 0;
    for (name, m) in &ms {
        if let Some(why) = reduction_disagrees(name, m, 2, 0) {
            panic!("{why}");
        }
        let plain = bfs::check(m, Limits::default(), StopOn::Never, None);
        let por = run(m, StopOn::Never, 1, true, 0);
        assert!(por.stats.states <= plain.stats.states, "{name}");
        // one thread or two: the same reduced search
        let two = run(m, StopOn::Never, 2, true, 0);
        assert_eq!(two.stats.states, por.stats.states, "{name}");
        assert_eq!(summary(&two), summary(&por), "{name}");
        reduced += (por.stats.states < plain.stats.states) as usize;
    }
    assert!(
        reduced * 4 >= ms.len(),
        "the reduction saved states on only {reduced} of {} scenarios",
        ms.len()
    );
}

/// A reduction that takes the footprint classes `bits` as never conflicting is wrong; the
/// differential tests must catch it on some generated scenario.
fn injected_bug_is_caught(bits: u64, what: &str) {
    let ms = scenarios(20_000);
    let caught: Vec<String> = ms
        .iter()
        .filter_map(|(name, m)| reduction_disagrees(name, m, 1, bits))
        .collect();
    assert!(
        !caught.is_empty(),
        "no scenario exposes a reduction that ignores conflicts on {what}"
    );
    // shown with --nocapture
    println!(
        "the injected bug ({what}) is caught on {} of {} scenarios, e.g.:",
        caught.len(),
        ms.len()
    );
    for c in caught.iter().take(3) {
        println!("  {c}");
    }
}

#[test]
fn an_injected_reduction_bug_is_caught() {
    injected_bug_is_caught(footprint::PTE, "PTEs");
}

#[test]
fn an_injected_irq_independence_bug_is_caught() {
    // a CPU's IRQ flag against the shootdowns that wait for its IPI
    injected_bug_is_caught(footprint::IRQ, "IRQ flags");
}

#[test]
fn an_injected_word_independence_bug_is_caught() {
    // words of declared objects: a page's _refcount and flags, a lock
    injected_bug_is_caught(footprint::OBJ_ALL, "object words");
}

#[test]
fn state_canonicalisation_keeps_verdicts_and_violation_kinds() {
    // Dead locals, unobservable frame generations and the last-store ghost are forgotten
    // after every step; the raw machine must reach the same kinds of violation.
    let mut compared = 0;
    for (name, m) in scenarios(20_000) {
        let canonical = bfs::check(&m, Limits::default(), StopOn::Never, None);
        let raw_machine = m.without_state_reductions();
        let lim = Limits {
            max_states: Some(200_000),
            ..Limits::default()
        };
        let raw = bfs::check(&raw_machine, lim, StopOn::Never, None);
        if !raw.complete {
            continue;
        }
        compared += 1;
        assert_eq!(raw.kinds(), canonical.kinds(), "{name}");
        assert!(canonical.stats.states <= raw.stats.states, "{name}");
        for f in &canonical.found {
            let shortest = raw.get(f.violation.invariant).expect("same kinds");
            assert_eq!(
                f.path.len(),
                shortest.path.len(),
                "{name}: {}",
                f.violation.invariant
            );
        }
    }
    assert!(compared >= 100, "only {compared} scenarios compared");
}

#[test]
fn reduction_never_takes_one_outcome_of_a_choice_alone() {
    // A choice's two outcomes are two actions of one CPU; a persistent singleton of either
    // would drop the other, and a BUG_ON on the dropped one would be a false SAFE.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mmk/semantics/nondet-choice.mmk");
    let mut ms = Vec::new();
    common::load(&path, false, &mut ms);
    assert_eq!(ms.len(), 4);
    for (name, m) in &ms {
        if let Some(why) = reduction_disagrees(name, m, 1, 0) {
            panic!("{why}");
        }
        let por = run(m, StopOn::Never, 1, true, 0);
        let expect_bug = !name.contains("impossible");
        assert_eq!(
            por.kinds().contains(&"assertion"),
            expect_bug,
            "{name}: the reduced search finds {:?}",
            por.kinds()
        );
    }
}

#[test]
fn mm_struct_words_never_share_a_footprint_bit_with_a_struct_page_word() {
    // Most paths touch mm->mmap_lock and tlb_flush_pending; page refcounts are touched by
    // faults and zaps. With more words than bits the page words share bits among
    // themselves, never with the mm's: else a down_read would conflict with a get_page.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("many.mmk");
    let pages: String = (0..14)
        .map(|i| format!("    page P{i} = {i};\n    pte X[{i}] -> P{i} {{ write dirty }};\n"))
        .collect();
    std::fs::write(
        &p,
        // four CPUs: four instances of the per-CPU LRU pagevec, which alone outnumber the
        // bits, must not push the mm's words into the pages' bits
        format!("test \"t\" {{\n    kernel \"linux-5.10\";\n    cpus 4;\n    vma X[14]: anon private read write;\n{pages}    cpu0 {{ X = 1; }}\n    expect safe;\n}}\n"),
    )
    .expect("write");
    let mut ms = Vec::new();
    common::load(&p, false, &mut ms);
    let mem = &ms[0].1.prog.memory;
    let page = mem.page.expect("struct page");
    let mm = mem.mm.expect("struct mm_struct");
    let bit = |w: usize| footprint::obj_bit(mem, w);
    let page_words = page.base as usize..(page.base + page.stride * page.count) as usize;
    assert!(
        page_words.len() > 40,
        "the scenario must have more page words than bits"
    );
    let page_bits = page_words.clone().fold(0, |a, w| a | bit(w));
    // a per-CPU variable's words are touched by their own CPU only: no bit at all
    let per_cpu: Vec<usize> = (0..mem.words.len())
        .filter(|&w| mem.cpu_of(w).is_some())
        .collect();
    assert!(per_cpu.len() > 40, "the pagevecs of four CPUs");
    for &w in &per_cpu {
        assert_eq!(bit(w), 0, "{} has a bit", mem.word_name(w));
    }
    // (a field no running code names, such as the x86 protocol's, has no bit: no step
    // touches it; the fault path's mmap_lock has one)
    let named = |w: usize| bit(w) != 0;
    assert!(
        (mm.base as usize..(mm.base + mm.stride) as usize)
            .any(|w| named(w) && mem.word_name(w).ends_with("mmap_lock")),
        "mmap_lock has a bit"
    );
    for w in (mm.base as usize..(mm.base + mm.stride * mm.count) as usize).filter(|&w| named(w)) {
        assert_eq!(bit(w) & page_bits, 0, "{} shares a bit", mem.word_name(w));
        for v in (mm.base as usize..w).filter(|&v| named(v)) {
            assert_ne!(
                bit(w),
                bit(v),
                "{} and {}",
                mem.word_name(w),
                mem.word_name(v)
            );
        }
    }
}

/// The spare VMA objects (another mm's copies, room for splits) take no footprint bit when
/// no running code can allocate one, and keep theirs when some code can: an object nothing
/// can reach cannot make two steps dependent, one a fork or a split hands out can.
#[test]
fn spare_vma_objects_take_no_bit_only_when_nothing_allocates_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = |cpu0: &str| {
        format!(
            "test \"t\" {{\n    kernel \"linux-5.10\";\n    cpus 1;\n    mms 2;\n    tables 2;\n    vma X[2]: anon private read write;\n    page P = 7;\n    pte X[0] -> P {{ write dirty accessed }};\n    cpu0 {{ {cpu0} }}\n    expect safe;\n}}\n"
        )
    };
    let bits_of_spares = |name: &str, cpu0: &str| -> Vec<u64> {
        let path = dir.path().join(name);
        std::fs::write(&path, scenario(cpu0)).expect("write");
        let mut ms = Vec::new();
        common::load(&path, false, &mut ms);
        let m = &ms[0].1;
        let mem = &m.prog.memory;
        let per = mem
            .vma
            .expect("the v5.10 tree declares struct vm_area_struct");
        // object 0 is mm0's X; 1 is mm1's copy (mm1 undeclared); 2.. the split spares
        assert!(per.count >= 3, "one VMA in two mms and its split spares");
        let word = |i: u32| (per.base + per.stride * i) as usize;
        assert_ne!(mem.obj_bits[word(0)], 0, "the scenario's VMA keeps its bit");
        (1..per.count)
            .flat_map(|i| (0..per.stride).map(move |f| word(i) + f as usize))
            .map(|w| mem.obj_bits[w])
            .collect()
    };
    let idle = bits_of_spares("stores.mmk", "X[0] = 1; X[1] = 2;");
    assert!(idle.iter().all(|&b| b == 0), "{idle:?}");
    let split = bits_of_spares("munmap.mmk", "munmap(X[1], 1);");
    assert!(split.iter().any(|&b| b != 0), "{split:?}");
}
