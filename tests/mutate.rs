//! `mmcheck mutate`: each mutation operator on a small model, the equivalence marks, and the
//! real runner on the toy tree of `tests/mutate-toy` (one mutant killed, one surviving).

use mmcheck::lang::{lexer, parser};
use mmcheck::mutate::marks;
use mmcheck::mutate::operators::{Mutant, Operator, Shared, apply, generate};
use std::path::Path;
use std::process::Command;

/// A model file's mutants of one operator: (description, the mutated text).
fn mutants_of(src: &str, op: Operator) -> Vec<(String, String)> {
    let m = parser::parse_module(lexer::lex(0, src).expect("lexes")).expect("parses");
    let shared = Shared::of(&[&m]);
    generate(0, src, &m, &shared)
        .into_iter()
        .filter(|x: &Mutant| x.op == op)
        .map(|x| (x.desc.clone(), apply(src, &x.edits)))
        .collect()
}

/// Declarations the small models share: a PTE lock and a page's reference count.
const DECLS: &str = "struct page source \"t\" { _refcount: atomic_t; }\n\
struct obj source \"t\" { lock: spinlock_t; n: int; }\nglobal g: obj;\n";

fn model(body: &str) -> String {
    format!("{DECLS}fn f(vma, addr, ptep, ptl, page, mm) source \"t\" {{\n{body}}}\n")
}

/// The function body of a mutated model, with white space collapsed.
fn body(text: &str) -> String {
    let f = text.split("fn f(").nth(1).unwrap_or("");
    let b = f.split_once('{').map_or("", |(_, b)| b);
    b.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn delete_flush_deletes_a_flush_and_keeps_the_clear_of_ptep_clear_flush() {
    let src = model(
        "    spin_lock(ptl);\n    flush_tlb_page(vma, addr);\n    let old = ptep_clear_flush(vma, addr, ptep);\n    spin_unlock(ptl);\n",
    );
    let ms = mutants_of(&src, Operator::DeleteFlush);
    assert_eq!(ms.len(), 2, "{ms:?}");
    assert_eq!(ms[0].0, "delete flush_tlb_page(vma, addr)");
    assert_eq!(
        body(&ms[0].1),
        "spin_lock(ptl); let old = ptep_clear_flush(vma, addr, ptep); spin_unlock(ptl); }"
    );
    assert_eq!(
        body(&ms[1].1),
        "spin_lock(ptl); flush_tlb_page(vma, addr); let old = ptep_get_and_clear(vma->vm_mm, addr, ptep); spin_unlock(ptl); }"
    );
    // a deleted statement keeps its line: the lines after it keep their numbers
    assert_eq!(ms[0].1.lines().count(), src.lines().count());
}

#[test]
fn move_flush_after_unlock_moves_it_past_the_next_unlock() {
    let src = model(
        "    spin_lock(ptl);\n    set_pte_at(mm, addr, ptep, 0);\n    if g.n { flush_tlb_range(vma, addr, addr + 4096); }\n    g.n = 0;\n    spin_unlock(ptl);\n    g.n = 1;\n",
    );
    let ms = mutants_of(&src, Operator::MoveFlushAfterUnlock);
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(
        ms[0].0,
        "move if g.n { flush_tlb_range(vma, addr, addr + 4096); } after spin_unlock(ptl)"
    );
    assert_eq!(
        body(&ms[0].1),
        "spin_lock(ptl); set_pte_at(mm, addr, ptep, 0); g.n = 0; spin_unlock(ptl); if g.n { flush_tlb_range(vma, addr, addr + 4096); } g.n = 1; }"
    );
}

#[test]
fn move_flush_before_write_moves_it_before_the_preceding_pte_write() {
    let src = model(
        "    spin_lock(ptl);\n    set_pte_at(mm, addr, ptep, 0);\n    g.n = 1;\n    flush_tlb_page(vma, addr);\n    spin_unlock(ptl);\n",
    );
    let ms = mutants_of(&src, Operator::MoveFlushBeforeWrite);
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(
        ms[0].0,
        "move flush_tlb_page(vma, addr) before set_pte_at(mm, addr, ptep, 0)"
    );
    assert_eq!(
        body(&ms[0].1),
        "spin_lock(ptl); flush_tlb_page(vma, addr); set_pte_at(mm, addr, ptep, 0); g.n = 1; spin_unlock(ptl); }"
    );
}

#[test]
fn delete_get_and_delete_put_delete_reference_calls() {
    let src =
        model("    get_page(page);\n    page_ref_inc(page);\n    g.n = 1;\n    put_page(page);\n");
    let gets = mutants_of(&src, Operator::DeleteGet);
    let descs: Vec<&str> = gets.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        descs,
        ["delete get_page(page)", "delete page_ref_inc(page)"]
    );
    assert_eq!(
        body(&gets[0].1),
        "page_ref_inc(page); g.n = 1; put_page(page); }"
    );
    let puts = mutants_of(&src, Operator::DeletePut);
    assert_eq!(puts.len(), 1);
    assert_eq!(
        body(&puts[0].1),
        "get_page(page); page_ref_inc(page); g.n = 1; }"
    );
}

#[test]
fn delete_lock_pair_deletes_the_lock_and_every_unlock_of_it() {
    let src = model(
        "    spin_lock(ptl);\n    if g.n { pte_unmap_unlock(ptep, ptl); return 0; }\n    spin_lock(&g.lock);\n    g.n = 2;\n    spin_unlock(&g.lock);\n    pte_unmap_unlock(ptep, ptl);\n",
    );
    let ms = mutants_of(&src, Operator::DeleteLockPair);
    assert_eq!(ms.len(), 2, "{ms:?}");
    assert_eq!(
        ms[0].0,
        "delete spin_lock(ptl) and its 2 unlocks (pte_unmap_unlock(ptep, ptl))"
    );
    assert_eq!(
        body(&ms[0].1),
        "if g.n { return 0; } spin_lock(&g.lock); g.n = 2; spin_unlock(&g.lock); }"
    );
    assert_eq!(
        body(&ms[1].1),
        "spin_lock(ptl); if g.n { pte_unmap_unlock(ptep, ptl); return 0; } g.n = 2; pte_unmap_unlock(ptep, ptl); }"
    );
}

#[test]
fn disable_recheck_picks_the_constant_that_makes_the_recheck_pass() {
    let src = model(
        "    if !pte_same(*ptep, 0) { return 0; }\n    if pte_same(*ptep, 0) { g.n = 1; }\n    if page_mapcount(page) != 1 || page_count(page) != 1 { return 1; }\n    if read_seqcount_retry(&g.n, 0) { return 2; }\n    if g.n && pte_same(*ptep, 0) { g.n = 3; }\n",
    );
    let ms = mutants_of(&src, Operator::DisableRecheck);
    let descs: Vec<&str> = ms.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        descs,
        [
            "if !pte_same(*ptep, 0) -> if false",
            "if pte_same(*ptep, 0) -> if true",
            "if page_mapcount(page) != 1 || page_count(page) != 1 -> if false",
            "if read_seqcount_retry(&g.n, 0) -> if false",
            // the rest of the condition decides: only the recheck is replaced
            "if g.n && pte_same(*ptep, 0) -> if g.n && true",
        ]
    );
    assert!(body(&ms[0].1).starts_with("if false { return 0; } if pte_same"));
}

#[test]
fn swap_adjacent_swaps_plain_statements_that_touch_shared_state() {
    let src = model(
        "    let x = 1;\n    spin_lock(ptl);\n    g.n = x;\n    let v = g.n;\n    g.n = v + 1;\n    x = x + 1;\n    spin_unlock(ptl);\n",
    );
    let ms = mutants_of(&src, Operator::SwapAdjacent);
    let descs: Vec<&str> = ms.iter().map(|m| m.0.as_str()).collect();
    // `let x = 1` and `x = x + 1` touch only locals; `let v = g.n` then its use is data
    assert_eq!(
        descs,
        [
            "swap spin_lock(ptl) and g.n = x",
            "swap g.n = x and let v = g.n"
        ]
    );
    assert_eq!(
        body(&ms[0].1),
        "let x = 1; g.n = x; spin_lock(ptl); let v = g.n; g.n = v + 1; x = x + 1; spin_unlock(ptl); }"
    );
}

#[test]
fn drop_pending_deletes_the_pending_marks() {
    let src = model(
        "    inc_tlb_flush_pending(mm);\n    spin_lock(ptl);\n    spin_unlock(ptl);\n    dec_tlb_flush_pending(mm);\n",
    );
    let ms = mutants_of(&src, Operator::DropPending);
    let descs: Vec<&str> = ms.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        descs,
        [
            "delete inc_tlb_flush_pending(mm)",
            "delete dec_tlb_flush_pending(mm)"
        ]
    );
    assert_eq!(
        body(&ms[1].1),
        "inc_tlb_flush_pending(mm); spin_lock(ptl); spin_unlock(ptl); }"
    );
}

#[test]
fn set_up_and_ghost_functions_are_not_mutated() {
    let src = format!(
        "{DECLS}fn scenario_page(page, a, b, c) source \"mmcheck: set-up\" {{ get_page(page); }}\n\
         fn check(page) source \"ghost: a contract\" {{ put_page(page); }}\n"
    );
    let m = parser::parse_module(lexer::lex(0, &src).unwrap()).unwrap();
    assert!(generate(0, &src, &m, &Shared::of(&[&m])).is_empty());
}

#[test]
fn marks_name_an_operator_and_give_a_reason() {
    let src = model(
        "    // mutate: equivalent(delete-get) the page is pinned by the test\n    get_page(page);\n    put_page(page); // mutate: equivalent(delete-put) never freed here\n",
    );
    let ms = marks::parse(&src).expect("marks parse");
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].op, Operator::DeleteGet);
    assert_eq!(ms[0].reason, "the page is pinned by the test");
    assert!(ms[0].own_line && !ms[1].own_line);
    let m = parser::parse_module(lexer::lex(0, &src).unwrap()).unwrap();
    let all = generate(0, &src, &m, &Shared::of(&[&m]));
    let marked: Vec<(Operator, Option<usize>)> = all
        .iter()
        .map(|x| (x.op, marks::find(&src, &ms, x)))
        .collect();
    assert!(marked.contains(&(Operator::DeleteGet, Some(0))));
    assert!(marked.contains(&(Operator::DeletePut, Some(1))));
    // the swap of the two calls is not marked
    assert!(marked.contains(&(Operator::SwapAdjacent, None)));

    for bad in [
        "// mutate: equivalent(delete-get)",
        "// mutate: equivalent(delete-get)    ",
        "// mutate: equivalent(no-such-op) why",
        "// mutate: maybe",
    ] {
        let e = marks::parse(&format!("fn f() source \"t\" {{\n    {bad}\n}}\n")).expect_err(bad);
        assert_eq!(e.start, "fn f() source \"t\" {\n    ".len(), "{bad}");
    }
}

// ---- the runner, on the toy tree ----

fn toy() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mutate-toy")
}

fn mmcheck(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mmcheck"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_toy_tree_has_a_killed_and_a_surviving_mutant() {
    let t = toy();
    let models = t.join("models/toy");
    let tests = t.join("tests");
    let (code, out, err) = mmcheck(&[
        "mutate",
        "--json",
        "-q",
        "-j",
        "2",
        models.to_str().unwrap(),
        tests.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["command"], "mutate");
    let ms = v["mutants"].as_array().expect("mutants");
    let find = |op: &str| {
        ms.iter()
            .find(|m| m["operator"] == op)
            .unwrap_or_else(|| panic!("no {op} mutant in {out}"))
    };
    // the lock dropped: the two increments race and one is lost
    let lock = find("delete-lock-pair");
    assert_eq!(lock["status"], "killed", "{lock}");
    assert_eq!(lock["killed_by"], "inc.mmk");
    assert_eq!(lock["found"], "counted");
    assert_eq!(lock["line"], 52);
    assert_eq!(lock["column"], 5);
    // nothing checks the reference count
    let put = find("delete-put");
    assert_eq!(put["status"], "survived", "{put}");
    assert_eq!(put["description"], "delete put_page(null)");
    let get = find("delete-get");
    assert_eq!(get["status"], "equivalent");
    assert_eq!(get["reason"], "nothing in the toy reads refs");
    let s = &v["summary"];
    assert_eq!(s["equivalent"], 1);
    assert_eq!(s["killed"], 3, "{s}");
    assert_eq!(s["survived"], 3, "{s}");
    assert_eq!(
        s["line"],
        "killed 3 of 6 non-equivalent mutants (50.0%), 1 equivalent, 0 timeouts"
    );

    // every key of the report is documented in docs/json.md
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md"))
        .expect("docs/json.md");
    fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| {
                out.push(k.clone());
                keys(x, out);
            }),
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    keys(&v, &mut all);
    for k in all {
        assert!(
            doc.contains(&format!("`{k}`")),
            "docs/json.md does not document `{k}`"
        );
    }

    // the text report says the same
    let (code, text, _) = mmcheck(&[
        "mutate",
        "-q",
        models.to_str().unwrap(),
        tests.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("killed 3 of 6 non-equivalent mutants (50.0%), 1 equivalent, 0 timeouts"),
        "{text}"
    );
    assert!(
        text.contains("toy.mmk:58:5  delete-put  delete put_page(null)"),
        "{text}"
    );
}

/// Copies the toy into a temporary directory, with `edit` applied to its model.
fn toy_copy(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let m = d.path().join("models/toy");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::create_dir_all(d.path().join("tests")).unwrap();
    let text = std::fs::read_to_string(toy().join("models/toy/toy.mmk")).unwrap();
    std::fs::write(m.join("toy.mmk"), edit(&text)).unwrap();
    std::fs::copy(toy().join("tests/inc.mmk"), d.path().join("tests/inc.mmk")).unwrap();
    d
}

/// `mmcheck mutate` on a toy copy's model tree and tests.
fn mutate_toy(d: &tempfile::TempDir) -> (i32, String, String) {
    mmcheck(&[
        "mutate",
        d.path().join("models/toy").to_str().unwrap(),
        d.path().join("tests").to_str().unwrap(),
    ])
}

#[test]
fn bad_input_is_a_located_error() {
    let t = toy();
    let models = t.join("models/toy");
    let tests = t.join("tests");
    let (m, ts) = (models.to_str().unwrap(), tests.to_str().unwrap());

    let (code, _, err) = mmcheck(&["mutate", m, "/no/such/dir"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no such test directory: /no/such/dir"),
        "{err}"
    );

    let (code, _, err) = mmcheck(&["mutate", "/no/such/tree", ts]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no such model tree or file: /no/such/tree"),
        "{err}"
    );

    let (code, _, err) = mmcheck(&["mutate", "--only", "nope", m, ts]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--only nope: no model function of that name"),
        "{err}"
    );

    let (code, out, _) = mmcheck(&["mutate", "--json", "--only", "nope", m, ts]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON error");
    assert_eq!(v["exit_code"], 2);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--only nope")
    );

    // a mark without a reason
    let d = toy_copy(|t| t.replace(" nothing in the toy reads refs", ""));
    let (code, _, err) = mutate_toy(&d);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("toy.mmk:56:5: error: the equivalent(delete-get) mark gives no reason"),
        "{err}"
    );

    // a mark that matches no mutant
    let d = toy_copy(|t| t.replace("equivalent(delete-get)", "equivalent(delete-put)"));
    let (code, _, err) = mutate_toy(&d);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("toy.mmk:56:5: error: this equivalent(delete-put) mark matches no mutant"),
        "{err}"
    );

    // a baseline that does not meet its expectations
    let d = toy_copy(|t| t.replace("obj.n == 2", "obj.n == 3"));
    let (code, _, err) = mutate_toy(&d);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("baseline: inc.mmk FAILS on the unmutated models (counted)"),
        "{err}"
    );
}

#[test]
fn a_mutant_that_does_not_load_is_invalid_and_not_counted() {
    // moving the flush before the PTE write puts a use of `a` before its `let`; no test
    // runs unused(), so its other mutant (the flush deleted) survives
    let d = toy_copy(|t| {
        format!(
            "{t}\nfn unused() source \"toy: never called\" {{\n    let a = ptep_get_and_clear(null, 0, null);\n    flush_tlb_page(null, a);\n}}\n"
        )
    });
    let (code, out, err) = mmcheck(&[
        "mutate",
        "--json",
        "-q",
        "--only",
        "unused",
        d.path().join("models/toy").to_str().unwrap(),
        d.path().join("tests").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ms = v["mutants"].as_array().unwrap();
    assert_eq!(ms.len(), 2, "{out}");
    let inv = ms
        .iter()
        .find(|m| m["status"] == "invalid")
        .expect("an invalid mutant");
    assert_eq!(inv["operator"], "move-flush-before-write");
    assert!(
        inv["error"].as_str().unwrap().contains("unknown name `a`"),
        "{inv}"
    );
    let del = ms.iter().find(|m| m["operator"] == "delete-flush").unwrap();
    assert_eq!(del["status"], "survived");
    assert_eq!(del["tests_run"], 0);
    assert_eq!(v["summary"]["invalid"], 1);
    assert_eq!(
        v["summary"]["line"],
        "killed 0 of 1 non-equivalent mutants (0.0%), 0 equivalent, 0 timeouts"
    );
}

#[test]
fn marks_that_say_not_observable_here_are_counted_as_gaps() {
    let d = toy_copy(|t| {
        t.replace(
            "nothing in the toy reads refs",
            "not observable here: the toy has no reader of refs",
        )
    });
    let (code, out, err) = mutate_toy(&d);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "killed 3 of 6 non-equivalent mutants (50.0%), 1 equivalent (1 of them not observable here: 42.9% counting those as survivors), 0 timeouts"
        ),
        "{out}"
    );
}

#[test]
fn the_model_inventory_lists_each_function_with_its_source_comment_and_tests() {
    let t = toy();
    let (code, out, err) = mmcheck(&[
        "models",
        "-q",
        t.join("models/toy").to_str().unwrap(),
        t.join("tests").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("## models/toy"), "{out}");
    // the function the test runs, with its source string and the test
    let inc = out
        .lines()
        .find(|l| l.starts_with("- **`inc`**"))
        .expect("inc listed");
    assert!(inc.contains("`toy: one increment`"), "{inc}");
    assert!(inc.contains("Run by 1 test: `inc.mmk`"), "{inc}");
    // the fault entry never runs (no test faults), and the inventory says so
    let fault = out
        .lines()
        .find(|l| l.starts_with("- **`do_user_addr_fault`**"))
        .expect("listed");
    assert!(fault.contains("Run by"), "{fault}");
    // a function's comment (not its mutation marks) follows it
    assert!(!out.contains("mutate: equivalent"), "{out}");
    assert!(out.contains("model functions, "), "{out}");
    let (code, _, err) = mmcheck(&["models", "-q", t.to_str().unwrap(), "/nonexistent"]);
    assert_eq!(code, 2, "{err}");
}
