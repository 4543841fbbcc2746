//! End-to-end tests of the `mmcheck` binary: the bundled suite, the founding race, replay,
//! JSON, and located errors on bad input.

use std::process::Command;

fn mmcheck(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mmcheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run mmcheck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SCENARIO_A: &str = "tests/mmk/uffd-wp/scenario-a-v5.10.mmk";

#[test]
fn bundled_suite_meets_every_expectation() {
    let (code, out, err) = mmcheck(&["test", "tests/mmk"]);
    assert_eq!(code, 0, "suite failed:\n{out}\n{err}");
    assert!(out.contains(" 0 failed"), "{out}");
    assert!(!out.contains("FAIL "), "{out}");
}

/// `auto` runs the tests that expect a violation unreduced: running the whole suite with the
/// partial-order reduction forced on checks that the reduction finds every one of those
/// violations too (a step whose footprint missed what it reads showed up here as a false
/// SAFE: kfree_rcu() reading which CPUs are in read sections).
#[test]
fn bundled_suite_meets_every_expectation_with_the_reduction_forced_on() {
    let (code, out, err) = mmcheck(&["test", "--reduce", "por", "tests/mmk"]);
    assert_eq!(code, 0, "suite failed under --reduce por:\n{out}\n{err}");
    assert!(out.contains(" 0 failed"), "{out}");
    assert!(!out.contains("FAIL "), "{out}");
}

#[test]
fn founding_race_is_a_lost_write_with_a_short_three_cpu_diagram() {
    let (code, out, _) = mmcheck(&["check", SCENARIO_A]);
    // the test expects this violation: every expectation met is exit 0
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("VIOLATION"), "{out}");
    for col in ["CPU0", "CPU1", "CPU2"] {
        assert!(out.contains(col), "missing column {col}:\n{out}");
    }
    // The unprotect clears RW and defers its flush; the fault copies; the stale store lands
    // in the old page; the COW installs the copy.
    assert!(out.contains("PTE X: none -> P rw=0"), "{out}");
    assert!(out.contains("copy_user_highpage"), "{out}");
    assert!(out.contains("TLB hit (rw=1 d=1): store 9"), "{out}");
    assert!(out.contains("PTE X: none -> N1 rw=1"), "{out}");
    assert!(out.contains("lost_write is violated"), "{out}");
    assert!(out.contains("cpu2's store of 9"), "{out}");
    let steps: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("shortest counterexample for lost_write: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("step count line");
    // 24 is this model's own shortest counterexample (its steps are finer than the
    // reference's, so the two counts are not comparable): a longer one is a regression.
    assert!(
        steps <= 24,
        "counterexample of {steps} steps is longer than the model's shortest, 24"
    );
}

#[test]
fn replay_token_reproduces_the_counterexample() {
    let (_, out, _) = mmcheck(&["check", SCENARIO_A]);
    let line = out
        .lines()
        .find(|l| l.starts_with("replay: "))
        .expect("replay line");
    let token = line.split_whitespace().last().expect("token");
    let (code, rep, err) = mmcheck(&["replay", SCENARIO_A, token]);
    assert_eq!(code, 1, "{rep}{err}");
    let conclusion = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("After "))
            .map(str::to_string)
    };
    assert_eq!(conclusion(&rep), conclusion(&out));
    // a token that does not fit the test is bad input
    let (code, _, err) = mmcheck(&["replay", SCENARIO_A, "2x40"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = mmcheck(&["replay", SCENARIO_A, "not-a-token"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn json_output_carries_verdict_and_trace() {
    let (code, out, _) = mmcheck(&["check", "--json", SCENARIO_A]);
    assert_eq!(code, 0, "the expected violation: exit 0");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let t = &v["tests"][0];
    assert_eq!(t["as_expected"], true);
    assert!(
        t["verdict"]
            .as_str()
            .unwrap()
            .contains("violation(lost_write)")
    );
    let steps = t["trace"]["steps"].as_array().expect("steps");
    assert!(!steps.is_empty());
    assert_eq!(t["trace"]["violation"]["invariant"], "lost_write");
    assert!(steps.iter().any(|s| s["cpu"] == 2));
}

#[test]
fn merged_fix_is_proved_safe_exhaustively() {
    let (code, out, _) = mmcheck(&["check", "tests/mmk/uffd-wp/scenario-a-fix-6ce64428d620.mmk"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SAFE"), "{out}");
    assert!(out.contains("exhaustive"), "{out}");
    let states: u64 = out
        .split_whitespace()
        .zip(out.split_whitespace().skip(1))
        .find(|(_, w)| *w == "states,")
        .and_then(|(n, _)| n.parse().ok())
        .expect("state count");
    assert!(states > 1000, "{out}");
}

/// mm->tlb_flush_batched is read and written under the PTL (the machine's TLB contract), so
/// flush_tlb_batched_pending()'s read of it folds into the step that took the PTL, as the
/// v1 built-in did on a clear flag: it adds no step and no interleavings.
#[test]
fn the_batched_flag_read_under_the_ptl_is_no_step_of_its_own() {
    let (code, out, _) = mmcheck(&["check", "tests/mmk/mm/batched-flush-mutation-no-flush.mmk"]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let folded = lines.windows(2).any(|w| {
        w[0].trim_end().ends_with("spin_lock(ptl);")
            && w[1].trim() == "+ flush_tlb_batched_pending:"
    });
    assert!(folded, "{out}");
}

fn assert_located_error(file: &str, line_col: &str, needle: &str) {
    let (code, out, err) = mmcheck(&["check", file]);
    assert_eq!(code, 2, "{out}{err}");
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with(&format!("{file}:{line_col}: error:")),
        "{err}"
    );
    assert!(err.contains(needle), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn syntax_error_is_located() {
    assert_located_error("tests/bad/syntax-error.mmk", "8:18", "expected `;`");
}

#[test]
fn unknown_primitive_is_located_with_a_suggestion() {
    assert_located_error(
        "tests/bad/unknown-primitive.mmk",
        "14:5",
        "did you mean `flush_tlb_page`",
    );
}

#[test]
fn impossible_initial_state_is_located() {
    assert_located_error(
        "tests/bad/impossible-initial-state.mmk",
        "9:5",
        "impossible initial state",
    );
}

#[test]
fn usage_errors_and_absurd_limits_exit_2() {
    assert_eq!(mmcheck(&["check"]).0, 2);
    assert_eq!(mmcheck(&["check", "--max-states", "0", SCENARIO_A]).0, 2);
    assert_eq!(mmcheck(&["check", "--max-seconds", "-1", SCENARIO_A]).0, 2);
    assert_eq!(mmcheck(&["check", "no/such/file.mmk"]).0, 2);
    assert_eq!(mmcheck(&["frobnicate"]).0, 2);
}

#[test]
fn a_state_limit_stops_cleanly_and_says_what_was_covered() {
    let (code, out, _) = mmcheck(&[
        "check",
        "--max-states",
        "50",
        "tests/mmk/uffd-wp/scenario-a-fix-6ce64428d620.mmk",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("INCOMPLETE"), "{out}");
    assert!(
        out.contains("no violation in any interleaving of up to"),
        "{out}"
    );
}

#[test]
fn a_runtime_model_error_is_located_and_exits_2() {
    let (code, out, err) = mmcheck(&["check", "tests/bad/runtime-null-deref.mmk"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.starts_with("tests/bad/runtime-null-deref.mmk:18:17: error: NULL pointer dereference"),
        "{err}"
    );
    assert!(out.contains("model_error"), "{out}");
}

#[test]
fn bounded_and_pct_modes_find_the_founding_race_and_minimise_it() {
    let (code, out, _) = mmcheck(&["check", "-q", "--mode", "bounded", SCENARIO_A]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("preemption(s) explored"), "{out}");
    assert!(out.contains("lost_write is violated"), "{out}");
    assert!(
        out.contains("counterexample for lost_write: 24 steps after minimisation"),
        "{out}"
    );
    let (code, out, _) = mmcheck(&[
        "check", "-q", "--mode", "pct", "--runs", "20000", "--seed", "1", SCENARIO_A,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PCT runs (depth 3)"), "{out}");
    let token = out
        .lines()
        .find(|l| l.starts_with("replay: "))
        .and_then(|l| l.split_whitespace().last())
        .expect("token");
    let (code, rep, _) = mmcheck(&["replay", SCENARIO_A, token]);
    assert_eq!(code, 1);
    assert!(rep.contains("lost_write is violated"), "{rep}");
}

#[test]
fn random_modes_never_claim_safety_unless_exhaustive() {
    let fixed = "tests/mmk/uffd-wp/scenario-a-fix-6ce64428d620.mmk";
    let (code, out, _) = mmcheck(&["check", "-q", "--mode", "random", "--runs", "50", fixed]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("NO VIOLATION FOUND") && out.contains("not exhaustive"),
        "{out}"
    );
    // a bound that cuts no schedule is exhaustive
    let (code, out, _) = mmcheck(&[
        "check",
        "-q",
        "--mode",
        "bounded",
        "--preemptions",
        "40",
        "tests/mmk/uffd-wp/monitor-resolves-wp-fault.mmk",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("SAFE") && out.contains("cut no schedule"),
        "{out}"
    );
}

/// Writes a test file into a temporary directory and returns (dir, path).
fn scratch_test(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("t.mmk");
    std::fs::write(&p, text).expect("write");
    let p = p.display().to_string();
    (dir, p)
}

const RACE_NO_EXPECT: &str = r#"
test "a stale writable entry after a wrprotect without flush" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu0: X -> P { write dirty };
    cpu0 { wrprotect_no_flush(X); }
    EXPECT
}
fn wrprotect_no_flush(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    spin_unlock(ptl);
}
"#;

#[test]
fn exit_codes_follow_the_expectations() {
    // no expectation and a violation: 1
    let (_d, f) = scratch_test(&RACE_NO_EXPECT.replace("EXPECT", ""));
    let (code, out, _) = mmcheck(&["check", "-q", &f]);
    assert_eq!(code, 1, "{out}");
    // the violation expected: 0
    let (_d, f) = scratch_test(&RACE_NO_EXPECT.replace("EXPECT", "expect violation(stale_tlb);"));
    let (code, out, _) = mmcheck(&["check", "-q", &f]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("as expected"), "{out}");
    // safe expected, violation found: 1
    let (_d, f) = scratch_test(&RACE_NO_EXPECT.replace("EXPECT", "expect safe;"));
    let (code, out, _) = mmcheck(&["check", "-q", &f]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT as expected"), "{out}");
}

#[test]
fn a_limit_that_stops_before_the_answer_is_incomplete_not_a_miss() {
    // The founding race needs 24 steps: 50 states decide nothing, even though a stale_tlb
    // may already be found.
    let (code, out, _) = mmcheck(&["check", "-q", "--max-states", "50", SCENARIO_A]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("INCOMPLETE"), "{out}");
    assert!(out.contains("UNDECIDED"), "{out}");
    assert!(!out.contains("NOT as expected"), "{out}");
    // `test` judges the same way
    let (code, out, _) = mmcheck(&["test", "--max-states", "50", "tests/mmk/uffd-wp"]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("INCOMPLETE") && out.contains("incomplete"),
        "{out}"
    );
    assert!(!out.contains("FAIL "), "{out}");
}

#[test]
fn sigterm_and_sighup_stop_a_run_with_its_summary() {
    for sig in [libc::SIGTERM, libc::SIGHUP] {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_mmcheck"))
            .args(["check", "-q", "bench/scenarios/B3-fix.mmk"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mmcheck runs");
        // B3-fix takes minutes: it is still searching when the signal comes
        std::thread::sleep(std::time::Duration::from_millis(1500));
        // SAFETY: kill() only sends a signal to the child we started.
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = child.wait_with_output().expect("mmcheck ends");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "signal {sig}: {text}");
        assert!(
            text.contains("INCOMPLETE") && text.contains("interrupted"),
            "{text}"
        );
        assert!(
            text.contains("no violation in any interleaving of up to"),
            "{text}"
        );
    }
}

#[test]
fn max_memory_bounds_the_real_peak() {
    let (code, out, _) = mmcheck(&[
        "check",
        "--json",
        "--max-memory",
        "150",
        "bench/scenarios/B3-fix.mmk",
    ]);
    assert_eq!(code, 3, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let stopped = v["tests"][0]["stopped"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(stopped.contains("memory limit"), "{stopped}");
    let peak = v["tests"][0]["peak_resident_bytes"]
        .as_u64()
        .expect("a peak");
    assert!(peak <= 165 << 20, "peak resident {} MiB", peak >> 20);
}

#[test]
fn max_states_is_one_count_with_a_small_overshoot() {
    for threads in ["1", "2"] {
        let (code, out, _) = mmcheck(&[
            "check",
            "--json",
            "-t",
            threads,
            "--max-states",
            "1000",
            "tests/mmk/thread/b-v5.10.mmk",
        ]);
        assert_eq!(code, 3, "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let states = v["tests"][0]["states"].as_u64().expect("states");
        // documented overshoot: the successors of one state per thread
        assert!((1000..1000 + 64).contains(&states), "{states} states");
        let stopped = v["tests"][0]["stopped"].as_str().unwrap_or_default();
        assert_eq!(stopped, format!("state limit reached ({states} states)"));
    }
}

#[test]
fn limits_are_global_to_a_run() {
    // Two tests that each need thousands of states: with 3000 for the whole run, the two
    // together stay within it (a test left with nothing is not run).
    let one = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mmk/thread/b-v5.10.mmk"),
    )
    .expect("a bundled test");
    let two = format!(
        "{one}\n{}",
        one.replace("test \"Scenario B", "test \"Again, scenario B")
    );
    let (_d, f) = scratch_test(&two);
    let (code, out, _) = mmcheck(&["check", "--json", "--max-states", "3000", &f]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let tests = v["tests"].as_array().expect("one object per test");
    assert_eq!(tests.len(), 2, "{out}");
    let total: u64 = tests
        .iter()
        .map(|t| t["states"].as_u64().unwrap_or(0))
        .sum();
    assert!(total <= 3000 + 64, "{total} states in all: {out}");
    assert!(tests[0]["states"].as_u64().unwrap_or(0) >= 1000, "{out}");
    assert_eq!(code, 3, "{out}");
}

// ---- Issue 8, section 4, the report side: replay, race diagrams, shell quoting, JSON ----

/// Writes `text` as `name` in a fresh directory (kept alive by the returned guard).
fn fixture(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write fixture");
    (dir, path.display().to_string())
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

/// The diagram part of an output (before the conclusion).
fn diagram_of(out: &str) -> &str {
    out.split("\nAfter ").next().unwrap_or(out)
}

/// cpu0 write-protects under the PTL and flushes only after dropping it (stale_tlb in
/// between, then mended); cpu1 writes the PTE without its PTL (lock_hygiene, which stops
/// the machine).
const STALE_THEN_FLUSHED: &str = r#"
test "stale for a while, then flushed" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { wrprotect_flush_late(X); }
    cpu1 { unlocked_write(X); }
}

fn wrprotect_flush_late(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    spin_unlock(ptl);
    flush_tlb_page(vma, addr);
}

fn unlocked_write(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    set_pte_at(mm, addr, ptep, pte_mkwrite(*ptep));
}
"#;

/// How many steps cpu `c` can take alone from the start (replaying `cxK` until it fails).
fn solo_steps(file: &str, c: u8) -> usize {
    (1..200)
        .find(|k| mmcheck(&["replay", file, &format!("{c}x{k}")]).0 == 2)
        .expect("the program ends")
        - 1
}

#[test]
fn replay_reports_a_violation_the_run_went_past() {
    let (_d, f) = fixture("stale.mmk", STALE_THEN_FLUSHED);
    let n = solo_steps(&f, 0);
    // cpu0's whole program: stale_tlb once the PTL is dropped, mended by the flush
    let tok = format!("0x{n}");
    let (code, out, err) = mmcheck(&["replay", &f, &tok]);
    assert_eq!(
        code, 1,
        "a violation on the way is a violation:\n{out}{err}"
    );
    assert!(out.contains("the last state breaks no invariant"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("On the way, step "))
        .unwrap_or_else(|| panic!("no earlier violation reported:\n{out}"));
    assert!(line.contains("broke stale_tlb (the run went on)"), "{out}");
    assert!(diagram_of(&out).contains("!! breaks stale_tlb"), "{out}");
    let (_, out, _) = mmcheck(&["replay", "--json", &f, &tok]);
    let v = json(&out);
    let vs = v["trace"]["violations"].as_array().expect("violations");
    assert_eq!(vs.len(), 1, "{out}");
    assert_eq!(vs[0]["invariant"], "stale_tlb");
    assert!(vs[0]["step"].as_u64().unwrap() < n as u64, "{out}");
    assert_eq!(vs[0]["stops"], false);
    assert!(v["trace"]["violation"].is_null(), "{out}");
}

#[test]
fn replay_past_a_stopping_violation_says_the_rest_was_not_run() {
    let (_d, f) = fixture("stale.mmk", STALE_THEN_FLUSHED);
    let n = solo_steps(&f, 0);
    // cpu0 runs out, then cpu1 writes without the PTL (stops the machine) and the token
    // asks for more cpu1 steps than it has
    let tok = format!("0x{n}-1x20");
    let (code, out, err) = mmcheck(&["replay", &f, &tok]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.contains("lock_hygiene is violated"), "{out}");
    assert!(out.contains("broke stale_tlb (the run went on)"), "{out}");
    assert!(out.contains("they were not run"), "{out}");
    let (_, out, _) = mmcheck(&["replay", "--json", &f, &tok]);
    let v = json(&out);
    let t = &v["trace"];
    let kinds: Vec<&str> = t["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["invariant"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["stale_tlb", "lock_hygiene"], "{out}");
    assert_eq!(t["violation"]["invariant"], "lock_hygiene");
    assert_eq!(t["violation"]["stops"], true);
    let run = t["steps"].as_array().unwrap().len() as u64;
    assert_eq!(t["violation"]["step"].as_u64(), Some(run));
    assert_eq!(t["not_run"].as_u64(), Some(n as u64 + 20 - run), "{out}");
}

#[test]
fn replay_of_the_founding_race_lists_every_violation_on_the_way() {
    let (_, out, _) = mmcheck(&["check", "--json", SCENARIO_A]);
    let c = json(&out);
    let t = &c["tests"][0];
    let tok = t["replay"].as_str().expect("token");
    let (code, out, _) = mmcheck(&["replay", "--json", SCENARIO_A, tok]);
    assert_eq!(code, 1);
    let r = json(&out);
    let vs = r["trace"]["violations"].as_array().unwrap();
    let steps = r["trace"]["steps"].as_array().unwrap();
    // each violation is at a step whose own `violations` names it, and the path ends in
    // the one the check showed
    for v in vs {
        let k = v["step"].as_u64().unwrap() as usize;
        assert!(
            steps[k - 1]["violations"]
                .as_array()
                .unwrap()
                .contains(&v["invariant"]),
            "{out}"
        );
    }
    assert_eq!(vs.last().unwrap()["invariant"], t["shown"]);
    let marked = steps
        .iter()
        .map(|s| s["violations"].as_array().unwrap().len())
        .sum::<usize>();
    assert_eq!(marked, vs.len(), "{out}");
    // the human output names each earlier one
    let (_, text, _) = mmcheck(&["replay", SCENARIO_A, tok]);
    let on_the_way = text
        .lines()
        .filter(|l| l.starts_with("On the way, step "))
        .count();
    assert_eq!(on_the_way, vs.len() - 1, "{text}");
}

#[test]
fn malformed_replay_tokens_are_clear_errors() {
    let (_d, locks) = fixture(
        "locks.mmk",
        r#"
test "two CPUs take one spinlock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { take(X); }
    cpu1 { take(X); }
}

fn take(addr) {
    let mm = current_mm();
    let ptl = pte_lockptr(mm, pte_offset_map(mm, addr));
    spin_lock(ptl);
    spin_unlock(ptl);
}
"#,
    );
    let evict = "tests/mmk/uffd-wp/scenario-a-tlb-evict.mmk";
    // SCENARIO_A: 3 CPUs, one page slot (X), no hardware knob
    let cases: &[(&str, &str, &str)] = &[
        (SCENARIO_A, "f0.5", "no page slot 5"),
        (SCENARIO_A, "e0.5", "no page slot 5"),
        (SCENARIO_A, "e0.65535", "no page slot 65535"),
        (SCENARIO_A, "e2.0", "knob tlb_evict"),
        (SCENARIO_A, "f1.0", "knob tlb_speculative"),
        (SCENARIO_A, "5", "no cpu5"),
        (SCENARIO_A, "e7.0", "no cpu7"),
        (SCENARIO_A, "2x40", "cpu2 has already finished"),
        (evict, "e0.0", "holds no entry for X"),
        (
            &locks,
            "0-1",
            "cpu1 cannot move here: it waits in spin_lock",
        ),
        (SCENARIO_A, "", "empty"),
        (SCENARIO_A, "  ", "empty"),
        (SCENARIO_A, "zz", "`zz`"),
        (SCENARIO_A, "1x2x3", "`1x2x3`"),
        (SCENARIO_A, "+1", "`+1`"),
        (SCENARIO_A, "0x0", "step count of 0"),
        (SCENARIO_A, "0--1", "empty part"),
        (SCENARIO_A, "e1", "`e1`"),
        (SCENARIO_A, "99999999999999999999999", "too large"),
        (SCENARIO_A, "0x99999999999", "too large"),
        (SCENARIO_A, "e0.99999", "too large"),
    ];
    for &(file, tok, needle) in cases {
        let (code, out, err) = mmcheck(&["replay", file, tok]);
        assert_eq!(code, 2, "{tok:?}: {out}{err}");
        assert!(!err.contains("panicked"), "{tok:?}: {err}");
        assert!(err.starts_with("error: "), "{tok:?}: {err}");
        assert!(err.contains(needle), "{tok:?} should say {needle:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{tok:?}: {err}");
        let (code, out, err) = mmcheck(&["replay", "--json", file, tok]);
        assert_eq!(code, 2, "{tok:?}: {out}{err}");
        let v = json(&out);
        assert_eq!(v["schema"], "mmcheck/1");
        assert_eq!(v["exit_code"], 2);
        assert!(
            v["error"]["message"].as_str().unwrap().contains(needle),
            "{out}"
        );
    }
}

#[test]
fn a_statement_split_over_steps_is_printed_once_with_its_condition_outcomes() {
    let (_d, f) = fixture(
        "recheck.mmk",
        r#"
test "a recheck under the PTL sees the PTE changed" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { recheck(X); }
    cpu1 { wrprotect(X); }
    expect violation(assertion);
}

fn recheck(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let orig = *ptep;
    let page = pte_page(orig);
    if !trylock_page(page) {
        return;
    }
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    if !pte_same(*ptep, orig) {
        BUG_ON(true);
    }
    spin_unlock(ptl);
    unlock_page(page);
}

fn wrprotect(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    spin_unlock(ptl);
    flush_tlb_page(vma, addr);
}
"#,
    );
    let (code, out, err) = mmcheck(&["check", &f]);
    assert_eq!(code, 0, "the expected violation: {out}{err}");
    let d = diagram_of(&out);
    // the write-protect reads the PTE (one step) and writes it (another): its text once
    assert_eq!(d.matches("pte_wrprotect(*ptep)").count(), 1, "{d}");
    assert!(d.contains("(cont.) set_pte_at()"), "{d}");
    // the conditions show their outcome: the lock was taken, the recheck failed
    assert!(d.contains("trylock_page(page) -> true"), "{d}");
    assert!(d.contains("pte_same(*ptep, orig) -> false"), "{d}");
    assert!(!d.contains("!trylock_page"), "{d}");
    // and the values the PTE reads saw
    assert!(d.contains("reads PTE X: P rw=1 d=1"), "{d}");
    assert!(d.contains("reads PTE X: P rw=0 d=1"), "{d}");
    // no step prints the same statement as the step before it on that CPU
    let (_, js, _) = mmcheck(&["check", "--json", &f]);
    let v = json(&js);
    let steps = v["tests"][0]["trace"]["steps"].as_array().unwrap();
    for w in steps.windows(2) {
        if w[0]["cpu"] == w[1]["cpu"] {
            assert!(
                w[0]["statement"] != w[1]["statement"],
                "printed twice: {}",
                w[1]["statement"]
            );
        }
    }
}

#[test]
fn the_founding_diagram_shows_each_step_once_with_its_decisions() {
    let (_, out, _) = mmcheck(&["check", SCENARIO_A]);
    let d = diagram_of(&out);
    // the fault's trylock is step 9, in v5.10's mmap_read_trylock() wrapper; its caller's
    // condition shows the outcome (a decision below), never its negation
    let lines: Vec<&str> = d.lines().map(str::trim).collect();
    assert!(
        lines
            .windows(2)
            .any(|w| w[0] == "mmap_read_trylock():" && w[1].starts_with("9. return")),
        "{d}"
    );
    assert!(!d.contains("!mmap_read_trylock"), "{d}");
    let (_, js, _) = mmcheck(&["check", "--json", SCENARIO_A]);
    let v = json(&js);
    let steps = v["tests"][0]["trace"]["steps"].as_array().unwrap();
    let decided: Vec<&str> = steps
        .iter()
        .flat_map(|s| s["decisions"].as_array().unwrap())
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    for needle in [
        "pte_same(*vmf->pte, entry) -> true",
        "pte_same(*vmf->pte, vmf->orig_pte) -> true",
        "page_count(page) != 1 -> true",
        "mmap_read_trylock(mm) -> true",
    ] {
        assert!(decided.contains(&needle), "missing {needle:?}: {decided:?}");
    }
}

#[test]
fn a_cpu_that_set_task_interruptible_is_not_asleep_until_schedule() {
    let f = "tests/mmk/uffd-wp/monitor-resolves-wp-fault.mmk";
    // cpu1 writes to a uffd-wp page: handle_userfault() queues the message and sets
    // TASK_INTERRUPTIBLE, checks whether it must wait, drops mmap_lock, then sleeps
    let mut interruptible_awake = 0;
    let mut asleep = 0;
    for k in 1..60 {
        let (code, out, _) = mmcheck(&["replay", f, &format!("1x{k}")]);
        if code == 2 {
            break;
        }
        let pos = out
            .lines()
            .find(|l| l.trim_start().starts_with("cpu1:"))
            .expect("cpu1 position");
        if pos.contains("asleep") {
            asleep += 1;
            assert!(pos.contains("next: schedule();"), "{pos}");
        }
        if pos.contains("TASK_INTERRUPTIBLE") {
            interruptible_awake += 1;
            assert!(!pos.contains("asleep"), "{pos}");
        }
    }
    assert!(asleep > 0, "cpu1 never reached schedule()");
    assert!(interruptible_awake > 0, "cpu1 never stood between the two");
}

#[test]
fn the_printed_replay_command_is_shell_quoted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let canary = dir.path().join("PWNED");
    let name = format!(
        "x $(touch {}) `touch {}` 'q' $HOME",
        canary.display(),
        canary.display()
    );
    let body = |n: &str| {
        format!(
            r#"
test "{n}" {{
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P {{ write dirty }};
    cpu0 {{ check_absent(X); }}
    expect violation(assertion);
}}
"#
        )
    };
    let text = format!(
        "{}{}\nfn check_absent(addr) {{\n    BUG_ON(pte_present(*pte_offset_map(current_mm(), addr)));\n}}\n",
        body(&name),
        body("another test")
    );
    let file = dir.path().join("it's a $(test) file.mmk");
    std::fs::write(&file, text).expect("write");
    let f = file.display().to_string();
    let (code, out, err) = mmcheck(&["check", &f, "--test", &name]);
    assert_eq!(code, 0, "the expected violation: {out}{err}");
    let cmd = out
        .lines()
        .find_map(|l| l.strip_prefix("replay: mmcheck "))
        .expect("replay line");
    // run the printed command through a shell, with the binary in place of `mmcheck`
    let bin = env!("CARGO_BIN_EXE_mmcheck");
    let Ok(run) = Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' {cmd}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
    else {
        return; // no shell to try it with
    };
    let rep = String::from_utf8_lossy(&run.stdout);
    assert!(!canary.exists(), "the test name ran as a command: {cmd}");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{cmd}\n{rep}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(rep.contains("assertion is violated"), "{rep}");
    // the JSON gives the same command
    let (_, js, _) = mmcheck(&["check", "--json", &f, "--test", &name]);
    let v = json(&js);
    assert_eq!(
        v["tests"][0]["replay_command"].as_str(),
        Some(format!("mmcheck {cmd}").as_str())
    );
}

#[test]
fn json_outputs_carry_a_schema_version_and_documented_fields() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md"))
        .expect("docs/json.md");
    // check
    let (code, out, _) = mmcheck(&["check", "--json", SCENARIO_A]);
    assert_eq!(code, 0, "the expected violation: exit 0");
    let check = json(&out);
    assert_eq!(check["schema"], "mmcheck/1");
    assert_eq!(check["command"], "check");
    assert_eq!(check["exit_code"], 0);
    assert_eq!(check["file"], SCENARIO_A);
    let t = &check["tests"][0];
    assert_eq!(t["as_expected"], true);
    assert_eq!(t["shown"], "lost_write");
    assert_eq!(t["expectations"][0], "violation(lost_write)");
    assert!(t["states"].as_u64().unwrap() > 0);
    assert!(t["trace"]["steps"].as_array().unwrap().len() > 1);
    // replay
    let tok = t["replay"].as_str().unwrap();
    let (code, out, _) = mmcheck(&["replay", "--json", SCENARIO_A, tok]);
    assert_eq!(code, 1);
    let replay = json(&out);
    assert_eq!(replay["schema"], "mmcheck/1");
    assert_eq!(replay["command"], "replay");
    assert_eq!(replay["token"], tok);
    assert_eq!(replay["exit_code"], 1);
    assert_eq!(replay["trace"]["violation"], t["trace"]["violation"]);
    // a safe test
    let (code, out, _) = mmcheck(&[
        "check",
        "--json",
        "tests/mmk/uffd-wp/scenario-a-fix-6ce64428d620.mmk",
    ]);
    assert_eq!(code, 0);
    let safe = json(&out);
    assert_eq!(safe["tests"][0]["verdict"], "safe");
    assert!(safe["tests"][0]["trace"].is_null());
    // every key any of these outputs uses is documented
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.insert(k.clone());
                    keys(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let (_, err_out, _) = mmcheck(&["check", "--json", "tests/bad/syntax-error.mmk"]);
    let (_, me_out, _) = mmcheck(&["check", "--json", "tests/bad/runtime-null-deref.mmk"]);
    let mut all = std::collections::BTreeSet::new();
    for v in [&check, &replay, &safe, &json(&err_out), &json(&me_out)] {
        keys(v, &mut all);
    }
    for k in all {
        assert!(
            doc.contains(&format!("`{k}`")),
            "docs/json.md does not document `{k}`"
        );
    }
}

#[test]
fn bad_input_with_json_is_a_located_json_error() {
    // a syntax error
    let (code, out, err) = mmcheck(&["check", "--json", "tests/bad/syntax-error.mmk"]);
    assert_eq!(code, 2, "{out}{err}");
    let v = json(&out);
    assert_eq!(v["schema"], "mmcheck/1");
    assert_eq!(v["command"], "check");
    assert_eq!(v["exit_code"], 2);
    let e = &v["error"];
    assert_eq!(e["file"], "tests/bad/syntax-error.mmk");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(8), Some(18))
    );
    assert!(
        e["message"].as_str().unwrap().contains("expected `;`"),
        "{out}"
    );
    // an impossible initial state, a missing file, an absurd limit, a usage error
    let (code, out, _) = mmcheck(&["check", "--json", "tests/bad/impossible-initial-state.mmk"]);
    assert_eq!(code, 2);
    assert_eq!(json(&out)["error"]["line"], 9);
    for args in [
        &["check", "--json", "no/such/file.mmk"][..],
        &["check", "--json", "--max-states", "0", SCENARIO_A],
        &["check", "--json"],
        &["replay", "--json", SCENARIO_A],
        &["replay", "--json", "tests/bad/syntax-error.mmk", "0"],
    ] {
        let (code, out, err) = mmcheck(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        let v = json(&out);
        assert_eq!(v["schema"], "mmcheck/1", "{args:?}");
        assert_eq!(v["exit_code"], 2, "{args:?}");
        assert!(
            !v["error"]["message"].as_str().unwrap().is_empty(),
            "{args:?}"
        );
    }
    // a model error found while running: the test carries it, located
    let (code, out, _) = mmcheck(&["check", "--json", "tests/bad/runtime-null-deref.mmk"]);
    assert_eq!(code, 2);
    let e = &json(&out)["tests"][0]["error"];
    assert_eq!(e["file"], "tests/bad/runtime-null-deref.mmk");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(18), Some(17))
    );
}

#[test]
fn random_replay_tokens_never_panic() {
    // well-formed tokens with CPU, slot and count values in and out of range, on a test
    // without hardware knobs and one with TLB eviction
    let files = [SCENARIO_A, "tests/mmk/uffd-wp/scenario-a-tlb-evict.mmk"];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    for i in 0..120 {
        let parts: Vec<String> = (0..1 + next(8))
            .map(|_| {
                let (c, s) = (next(5), next(3));
                match next(6) {
                    0 => format!("e{c}.{s}"),
                    1 => format!("f{c}.{s}"),
                    2 => format!("{c}x{}", 1 + next(30)),
                    _ => format!("{c}"),
                }
            })
            .collect();
        let tok = parts.join("-");
        let file = files[i % 2];
        let (code, out, err) = mmcheck(&["replay", file, &tok]);
        assert!(
            (0..=2).contains(&code) && !err.contains("panicked"),
            "{file} {tok}: exit {code}\n{out}{err}"
        );
        if code == 2 {
            assert!(err.starts_with("error: step "), "{tok}: {err}");
        }
    }
}

#[test]
fn a_search_that_reaches_no_end_state_never_says_safe() {
    // livelock left unchecked: the search is exhaustive, but no run ends, so no end-of-run
    // check ever ran
    let (_d, f) = scratch_test(
        r#"
test "spins for ever, livelock unchecked" {
    kernel "linux-5.10";
    cpus 1;
    invariants: all - livelock;
    vma X: anon private read write;
    cpu0 { spin(); }
    expect safe;
}
fn spin() {
    let mm = current_mm();
    while true { mmap_read_lock(mm); mmap_read_unlock(mm); }
}
"#,
    );
    let (code, out, _) = mmcheck(&["check", "-q", &f]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("NO END STATE") && !out.contains("SAFE"),
        "{out}"
    );
    // with livelock checked (the default), it is a livelock from the very first state
    let (_d, f) = scratch_test(
        r#"
test "spins for ever" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { spin(); }
}
fn spin() {
    let mm = current_mm();
    while true { mmap_read_lock(mm); mmap_read_unlock(mm); }
}
"#,
    );
    let (code, out, _) = mmcheck(&["check", "-q", &f]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no end state is reachable at all"), "{out}");
}

// ---- Issue 9, item 7: nondet() choices in tokens and diagrams ----

const CHOICES: &str = "tests/mmk/semantics/nondet-choice.mmk";

#[test]
fn a_token_with_choices_replays_each_outcome_and_the_diagram_shows_it() {
    let t = "a BUG_ON on the true outcome is found";
    let (code, out, err) = mmcheck(&["check", CHOICES, "--test", t]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("replay: mmcheck replay"), "{out}");
    assert!(out.contains(" 0-c0.1-0 "), "{out}");
    let (code, out, _) = mmcheck(&["replay", CHOICES, "0-c0.1-0", "--test", t]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("model_says_yes() -> true (chosen)"), "{out}");
    assert!(out.contains("breaks assertion"), "{out}");
    // the other outcome runs to the end without a violation
    let (code, out, _) = mmcheck(&["replay", CHOICES, "0-c0.0-0", "--test", t]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("model_says_yes() -> false (chosen)"), "{out}");
    assert!(out.contains("no invariant is violated"), "{out}");
}

#[test]
fn malformed_or_misplaced_choice_tokens_are_rejected() {
    let t = "a BUG_ON on the true outcome is found";
    let cases: &[(&str, &str)] = &[
        ("c0.2", "outcome is 0 or 1"),
        ("c0.01", "outcome is 0 or 1"),
        ("c0", "`.` between CPU and outcome"),
        ("c.1", "CPU number is missing"),
        ("c256.1", "too large"),
        ("c5.1", "no cpu5"),
        // a plain step where the CPU stands at a choice, and a choice where it does not
        ("0-0", "stands at a nondet() here"),
        ("c0.1", "stands at no nondet() here"),
        ("0-c0.1-c0.1", "stands at no nondet() here"),
    ];
    for &(tok, needle) in cases {
        let (code, out, err) = mmcheck(&["replay", CHOICES, tok, "--test", t]);
        assert_eq!(code, 2, "{tok:?}: {out}{err}");
        assert!(err.starts_with("error: "), "{tok:?}: {err}");
        assert!(err.contains(needle), "{tok:?} should say {needle:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{tok:?}: {err}");
    }
}

/// A diagram names what a stored handle points to (a VMA, a slab object, null), not its
/// encoded word: copy_vma()'s anon_vma_clone() links the new VMA into the anon_vma's tree.
#[test]
fn a_diagram_names_the_handles_a_step_stores() {
    let (code, out, err) = mmcheck(&[
        "check",
        "tests/mmk/mremap/mremap-vs-migration.mmk",
        "--test",
        "v4.19-rc (before eb66ae030829): a clean PTE's flush waits for every PTL to drop, and the migration frees the page under a stale entry",
    ]);
    // the test expects this violation: as expected is exit code 0
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("VIOLATION"), "{out}");
    assert!(
        out.contains("anon_vma_cachep[0].vma[1] null -> VMA Y"),
        "{out}"
    );
    assert!(
        out.contains("Y->anon_vma null -> anon_vma_cachep[0]"),
        "{out}"
    );
}
