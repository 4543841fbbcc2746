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

#[test]
fn founding_race_is_a_lost_write_with_a_short_three_cpu_diagram() {
    let (code, out, _) = mmcheck(&["check", SCENARIO_A]);
    assert_eq!(code, 1, "{out}");
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
    assert!(
        steps <= 24,
        "counterexample of {steps} steps is longer than the reference's 24"
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
    assert_eq!(code, 1);
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
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("preemption(s) explored"), "{out}");
    assert!(out.contains("lost_write is violated"), "{out}");
    assert!(
        out.contains("counterexample for lost_write: 24 steps after minimisation"),
        "{out}"
    );
    let (code, out, _) = mmcheck(&[
        "check", "-q", "--mode", "pct", "--runs", "20000", "--seed", "1", SCENARIO_A,
    ]);
    assert_eq!(code, 1, "{out}");
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
        "tests/mmk/mprotect/rw-to-ro-write-lock.mmk",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("SAFE") && out.contains("cut no schedule"),
        "{out}"
    );
}
