//! Invariants chosen per test and per model tree (`invariants: SET;`,
//! `invariants default: SET;`): reports say which were checked, violations of the others
//! are not reported, and naming mistakes are located errors.

use std::path::Path;
use std::process::Command;

fn mmcheck(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mmcheck"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run mmcheck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SELECT: &str = "tests/mmk/ghost/invariants-select.mmk";
const LOST_WRITE_ONLY: &str = "only lost_write checked: Scenario A still loses CPU2's store";

/// A write-protect that never flushes, with CPU1 storing through its stale entry: stale_tlb
/// is broken, no write is lost. `{inv}` goes inside the test block.
fn wrprotect_test(inv: &str, expect: &str) -> String {
    format!(
        r#"test "wrprotect without a flush" {{
    kernel "KERNEL";
    {inv}
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P {{ write dirty }};
    tlb cpu1: X -> P {{ write dirty }};
    cpu0 {{ wrprotect_no_flush(X); }}
    cpu1 {{ X = 9; }}
    {expect}
}}

fn wrprotect_no_flush(addr) {{
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    spin_unlock(ptl);
}}
"#
    )
}

#[test]
fn an_unchecked_invariant_is_not_reported_and_the_report_names_the_set() {
    let (code, out, err) = mmcheck(
        &["check", "--all", SELECT, "--test", LOST_WRITE_ONLY],
        repo(),
    );
    // the expected violation: every expectation met is exit 0
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("VIOLATION"), "{out}");
    assert!(
        out.contains("invariants checked: lost_write, model_error (not checked: stale_tlb,"),
        "{out}"
    );
    // Scenario A breaks stale_tlb too (tests/mmk/uffd-wp/scenario-a-v5.10.mmk): not here.
    assert!(!out.contains("stale_tlb ("), "{out}");
    assert!(!out.contains("stale_tlb is violated"), "{out}");

    let (_, json, _) = mmcheck(
        &[
            "check",
            "--all",
            "--json",
            SELECT,
            "--test",
            LOST_WRITE_ONLY,
        ],
        repo(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let t = &v["tests"][0];
    let found: Vec<&str> = t["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|f| f["invariant"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(found, ["lost_write"], "{json}");
    assert_eq!(
        t["invariants"],
        serde_json::json!(["lost_write", "model_error"])
    );
}

#[test]
fn a_test_that_checks_everything_lists_every_invariant_in_json() {
    let (_, json, _) = mmcheck(
        &["check", "--json", "tests/mmk/uffd-wp/scenario-a-v5.10.mmk"],
        repo(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    // the machine's invariants, then the v5.10 tree's own
    let mut names: Vec<&str> = mmcheck::machine::INVARIANTS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    names.extend(["refcount", "page_leak"]);
    assert_eq!(v["tests"][0]["invariants"], serde_json::json!(names));
}

#[test]
fn a_model_tree_states_its_default_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("models/linux-old");
    std::fs::create_dir_all(&tree).expect("mkdir");
    let base = repo().join("models/linux-5.10");
    std::fs::write(
        tree.join("00-old.mmk"),
        format!(
            "import \"{}\";\ninvariants default: all - stale_tlb;\n",
            base.display()
        ),
    )
    .unwrap();
    // The tree's default: stale_tlb is off, the test is safe.
    let t = wrprotect_test("", "expect safe;").replace("KERNEL", "linux-old");
    std::fs::write(dir.path().join("t.mmk"), t).unwrap();
    let (code, out, err) = mmcheck(&["check", "t.mmk"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("SAFE"), "{out}");
    assert!(out.contains("(not checked: stale_tlb)"), "{out}");
    // A test of that tree can put it back.
    let t = wrprotect_test(
        "invariants: default + stale_tlb;",
        "expect violation(stale_tlb);",
    )
    .replace("KERNEL", "linux-old");
    std::fs::write(dir.path().join("u.mmk"), t).unwrap();
    let (code, out, err) = mmcheck(&["check", "u.mmk"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("as expected"), "{out}");
    assert!(!out.contains("invariants checked"), "{out}");
}

fn assert_located(text: &str, line_col: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.mmk"), text).unwrap();
    let (code, out, err) = mmcheck(&["check", "bad.mmk"], dir.path());
    assert_eq!(code, 2, "{out}{err}");
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with(&format!("bad.mmk:{line_col}: error:")),
        "{err}"
    );
    for n in needles {
        assert!(err.contains(n), "{n}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn naming_mistakes_are_located_errors() {
    let kernel = |s: String| s.replace("KERNEL", "linux-5.10");
    assert_located(
        &kernel(wrprotect_test(
            "invariants: default - stale_tbl;",
            "expect safe;",
        )),
        "3:27",
        &["unknown invariant `stale_tbl`", "did you mean `stale_tlb`?"],
    );
    assert_located(
        &kernel(wrprotect_test(
            "invariants: default - stale_tlb;",
            "expect violation(stale_tlb);",
        )),
        "11:5",
        &["`stale_tlb` is not checked in this test"],
    );
    assert_located(
        &kernel(wrprotect_test(
            "invariants: lost_write;",
            "expect no violation(deadlock);",
        )),
        "11:5",
        &["`deadlock` is not checked in this test"],
    );
    assert_located(
        &kernel(wrprotect_test(
            "invariants: all - model_error;",
            "expect safe;",
        )),
        "3:23",
        &["model_error is always checked"],
    );
    assert_located(
        &format!(
            "invariants default: all - lost_wirte;\n{}",
            kernel(wrprotect_test("", "expect safe;"))
        ),
        "1:27",
        &[
            "unknown invariant `lost_wirte`",
            "did you mean `lost_write`?",
        ],
    );
}

#[test]
fn a_violation_that_stops_the_machine_is_reported_even_when_unchecked() {
    // put_page() twice: the first frees the page under its mapping, the second touches the
    // free page's struct page, and the machine has no next state to offer. With neither
    // refcount nor use_after_free checked it is still reported, and says so.
    let dir = tempfile::tempdir().expect("tempdir");
    let t = r#"test "put_page twice, use_after_free unchecked" {
    kernel "linux-5.10";
    invariants: default - refcount - use_after_free;
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { double_put(X); }
    expect safe;
}

fn double_put(addr) {
    let page = pte_page(*pte_offset_map(current_mm(), addr));
    put_page(page);
    put_page(page);
}
"#;
    std::fs::write(dir.path().join("t.mmk"), t).unwrap();
    let (code, out, err) = mmcheck(&["check", "t.mmk"], dir.path());
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("VIOLATION  put_page twice, use_after_free unchecked: use_after_free"),
        "{out}"
    );
    assert!(
        out.contains("use_after_free is not among the invariants this test checks, but the machine cannot go on past it"),
        "{out}"
    );
    assert!(out.contains("NOT as expected"), "{out}");
}
