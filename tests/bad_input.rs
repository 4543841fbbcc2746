//! Bad and oversized input through the `mmcheck` binary: sizes past the machine's fixed-width
//! fields, deep nesting, huge identifiers, shared VMAs, duplicate clauses, a full stdout, and
//! `mmcheck test DIR` on directories holding odd files. Every case is a located error or a
//! table row with exit code 2 or 1, never a panic, a wrong verdict or a silent skip.

use std::path::Path;
use std::process::{Command, Stdio};

fn mmcheck_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mmcheck"))
        .args(args)
        .current_dir(dir)
        .env(
            "MMCHECK_MODELS",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
        )
        .output()
        .expect("run mmcheck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mmcheck(args: &[&str]) -> (i32, String, String) {
    mmcheck_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Writes `text` as `name` in a fresh directory and checks it: (dir, exit code, stdout, stderr).
fn check_text(name: &str, text: &[u8]) -> (tempfile::TempDir, i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), text).expect("write");
    let (code, out, err) = mmcheck_in(dir.path(), &["check", "-q", name]);
    (dir, code, out, err)
}

const HEAD: &str =
    "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n";

/// Exit 2 with `file:line:col: error: <needle>` as the first line, and no panic.
fn assert_located(code: i32, out: &str, err: &str, at: &str, needle: &str) {
    assert_eq!(code, 2, "{out}\n{err}");
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with(at), "{first}");
    assert!(first.contains(needle), "{first}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn more_than_65536_functions_is_an_error_not_a_wrong_function() {
    // With 16-bit ids wrapping, cpu0 called f3 instead of the last function and the test
    // was SAFE.
    let n = 65_540;
    let mut s = format!(
        "{HEAD}    cpu0 {{ f{}(); }}\n    expect violation(assertion);\n}}\n",
        n - 1
    );
    for i in 0..n - 1 {
        s.push_str(&format!("fn f{i}() {{ return 0; }}\n"));
    }
    s.push_str(&format!("fn f{}() {{ BUG_ON(true); }}\n", n - 1));
    let (_d, code, out, err) = check_text("many.mmk", s.as_bytes());
    assert_located(code, &out, &err, "many.mmk:", "more than 65536 functions");
    assert!(!out.contains("SAFE"), "{out}");
}

#[test]
fn more_than_255_locals_is_an_error_not_a_panic() {
    let lets: String = (0..300).map(|i| format!("    let v{i} = {i};\n")).collect();
    let s = format!(
        "{HEAD}    cpu0 {{ g(); }}\n}}\nfn g() {{\n{lets}    let mm = current_mm();\n    mmap_read_lock(mm);\n    mmap_read_unlock(mm);\n}}\n"
    );
    let (_d, code, out, err) = check_text("locals.mmk", s.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "locals.mmk:263:5:",
        "more than 255 parameters and local variables",
    );
}

#[test]
fn more_than_512_pages_is_an_error_not_a_panic() {
    let vmas: String = (0..40)
        .map(|i| format!("    vma V{i}[16]: anon private read write;\n"))
        .collect();
    let s = format!(
        "test \"t\" {{\n    kernel \"linux-5.10\";\n{vmas}    cpu0 {{ V39[15] = 1; }}\n}}\n"
    );
    let (_d, code, out, err) = check_text("slots.mmk", s.as_bytes());
    assert_located(code, &out, &err, "slots.mmk:35:5:", "past 512 pages");
}

#[test]
fn a_cpu_past_the_last_is_an_error_not_a_panic() {
    // Without a `cpus` line the CPU count came from the highest program: cpu40 made 41 CPUs.
    let s = "test \"t\" {\n    kernel \"linux-5.10\";\n    vma X: anon private read write;\n    cpu40 { X = 1; }\n}\n";
    let (_d, code, out, err) = check_text("cpu.mmk", s.as_bytes());
    assert_located(code, &out, &err, "cpu.mmk:4:5:", "at most 8 CPUs");
}

#[test]
fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
    let n = 100_000;
    let s = format!(
        "{HEAD}    cpu0 {{ g(); }}\n}}\nfn g() {{ let x = {}1{}; }}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let (_d, code, out, err) = check_text("deep.mmk", s.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "deep.mmk:7:",
        "nesting deeper than 256 levels",
    );
    assert!(err.len() < 1000, "{err}");
}

#[test]
fn an_error_naming_a_5mb_identifier_stays_short() {
    let s = format!(
        "{HEAD}    cpu0 {{ g(); }}\n}}\nfn g() {{ {}(); }}\n",
        "x".repeat(5 << 20)
    );
    let (_d, code, out, err) = check_text("huge.mmk", s.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "huge.mmk:7:10:",
        "an identifier of 5242880 characters",
    );
    assert!(err.len() < 1000, "{} bytes of error", err.len());
}

#[test]
fn shared_vmas_are_rejected_until_they_are_modelled() {
    let (code, out, err) = mmcheck(&["check", "tests/bad/shared-vma.mmk"]);
    assert_located(
        code,
        &out,
        &err,
        "tests/bad/shared-vma.mmk:6:17:",
        "shared mappings are not modelled yet",
    );
    assert!(!out.contains("SAFE"), "{out}");
}

#[test]
fn duplicate_test_names_and_cpus_lines_are_errors() {
    let (code, out, err) = mmcheck(&["check", "tests/bad/duplicate-test-name.mmk"]);
    assert_located(
        code,
        &out,
        &err,
        "tests/bad/duplicate-test-name.mmk:8:1:",
        "a second test named \"store\"",
    );
    let (code, out, err) = mmcheck(&["check", "tests/bad/duplicate-cpus.mmk"]);
    assert_located(
        code,
        &out,
        &err,
        "tests/bad/duplicate-cpus.mmk:6:10:",
        "a second `cpus` line",
    );
}

#[test]
fn an_error_is_printed_once() {
    let (code, _, err) = mmcheck(&["check", "tests/bad/syntax-error.mmk"]);
    assert_eq!(code, 2);
    assert_eq!(err.matches("expected `;`, found `}`").count(), 1, "{err}");
    // `test` prints it once too: in its table row, in file order, not also on stderr.
    let (_, out, err) = mmcheck(&["test", "tests/bad"]);
    assert_eq!(out.matches("expected `;`, found `}`").count(), 1, "{out}");
    assert!(
        out.contains("tests/bad/syntax-error.mmk:8:18: error: expected `;`"),
        "{out}"
    );
    assert!(!err.contains("expected `;`"), "{err}");
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_stdout_ends_the_run_quietly() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_mmcheck"))
        .args(["check", "-q", "tests/mmk/checks/bug-on.mmk"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::from(full))
        .output()
        .expect("run mmcheck");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("cannot write the output"), "{err}");
    assert!(err.lines().count() <= 1, "{err}");
}

const GOOD: &str = "// a good test\ntest \"good\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    cpu0 { X = 1; }\n    expect safe;\n}\n";

/// Runs `mmcheck test` on a fresh directory holding `files`.
fn test_dir(files: &[(&str, &[u8])]) -> (tempfile::TempDir, i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let (code, out, err) = mmcheck_in(dir.path(), &["test", "-j", "1", "."]);
    (dir, code, out, err)
}

/// Does the `test` table have a row with this tag and this file?
fn has_row(out: &str, tag: &str, file: &str) -> bool {
    out.lines().any(|l| {
        let mut w = l.split_whitespace();
        w.next() == Some(tag) && w.next() == Some(file)
    })
}

#[test]
fn test_dir_finds_tests_however_they_are_spaced() {
    let two = GOOD.replace("test \"good\"", "test  \"two spaces\"");
    let tab = GOOD.replace("test \"good\"", "test\t\"tab\"");
    let (_d, code, out, err) =
        test_dir(&[("two.mmk", two.as_bytes()), ("tab.mmk", tab.as_bytes())]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(has_row(&out, "PASS", "two.mmk"), "{out}");
    assert!(has_row(&out, "PASS", "tab.mmk"), "{out}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
}

#[test]
fn test_dir_reports_a_file_that_is_not_utf8() {
    let mut bad = GOOD.as_bytes().to_vec();
    bad.extend_from_slice(b"// \xff\xfe\n");
    let (_d, _, out, _) = test_dir(&[("good.mmk", GOOD.as_bytes()), ("latin1.mmk", &bad)]);
    assert!(has_row(&out, "PASS", "good.mmk"), "{out}");
    assert!(has_row(&out, "ERROR", "latin1.mmk"), "{out}");
    assert!(
        out.contains("latin1.mmk:9:4: error: this file is not valid UTF-8"),
        "{out}"
    );
    assert!(out.contains("1 passed, 0 failed, 1 errors"), "{out}");
}

#[test]
fn test_dir_lists_model_files_and_reports_empty_ones() {
    let model = b"fn helper() source \"mm/memory.c@v5.10\" { return 1; }\n";
    let (_d, _, out, _) = test_dir(&[
        ("good.mmk", GOOD.as_bytes()),
        ("lib/helper.mmk", model),
        ("empty.mmk", b"// nothing here\n"),
    ]);
    assert!(has_row(&out, "PASS", "good.mmk"), "{out}");
    assert!(has_row(&out, "ERROR", "empty.mmk"), "{out}");
    assert!(
        out.contains("not run: 1 model file(s) without a test block: lib/helper.mmk"),
        "{out}"
    );
}

#[test]
#[cfg(unix)]
fn test_dir_does_not_follow_a_symlink_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.mmk"), GOOD).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    let (code, out, err) = mmcheck_in(dir.path(), &["test", "-j", "1", "."]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(out.matches("PASS").count(), 1, "{out}");
}

#[test]
fn test_dir_goes_on_after_a_file_that_breaks_mmcheck() {
    // i64::MIN / -1 panicked in the interpreter; whatever happens to that file, the other
    // files run and the summary is printed.
    let breaks = GOOD.replace("test \"good\"", "test \"divide\"").replace(
        "cpu0 { X = 1; }",
        "cpu0 { let x = -9223372036854775807 - 1; let y = x / -1; X = y; }",
    );
    let (_d, _, out, _) = test_dir(&[
        ("a-divide.mmk", breaks.as_bytes()),
        ("b-good.mmk", GOOD.as_bytes()),
    ]);
    assert!(out.contains("a-divide.mmk"), "{out}");
    assert!(has_row(&out, "PASS", "b-good.mmk"), "{out}");
    assert!(out.contains("passed,"), "{out}");
}

/// One test running `body` on cpu0, with `defs` after it; checked, its (exit code, stdout, stderr).
fn run_model(body: &str, defs: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "test \"t\" {{\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    page P = 1;\n    pte X -> P {{ write dirty }};\n    cpu0 {{ {body} }}\n}}\n{defs}\n"
    );
    std::fs::write(dir.path().join("t.mmk"), text).unwrap();
    mmcheck_in(dir.path(), &["check", "-q", "--max-seconds", "60", "t.mmk"])
}

#[test]
fn arithmetic_and_counters_never_wrap() {
    let cases = [
        (
            "let x = -9223372036854775807 - 1; let y = x / -1; X = y;",
            "",
            "integer overflow",
        ),
        (
            "let x = 9223372036854775807; let y = x + 1; X = y;",
            "",
            "integer overflow",
        ),
        (
            "refs();",
            "fn refs() { let mm = current_mm(); let p = vm_normal_page(find_vma(mm, 0), 0, *pte_offset_map(mm, 0)); atomic_set(&p->_refcount, 2147483647); get_page(p); }",
            "P->_refcount would become 2147483648",
        ),
        (
            "pend();",
            "fn pend() { let mm = current_mm(); atomic_set(&mm->tlb_flush_pending, 2147483647); inc_tlb_flush_pending(mm); }",
            "mm->tlb_flush_pending would become 2147483648",
        ),
        (
            "grp();",
            "struct o { c: atomic_t; } global g: o; fn grp() { atomic_set(&g.c, 2147483647); atomic_inc(&g.c); }",
            "the counter overflows",
        ),
        (
            "recs();",
            "struct s { a } fn recs() { let r = null; let i = 0; while i < 300 { r = struct s { .a = i }; i += 1; } let mm = current_mm(); mmap_read_lock(mm); mmap_read_unlock(mm); }",
            "more than 255 records",
        ),
        (
            "share();",
            "fn share() { let mm = current_mm(); mmap_write_lock(mm); let vma = find_vma(mm, 0); vma->vm_flags = vma->vm_flags | VM_SHARED; mmap_write_unlock(mm); }",
            "VM_SHARED set at run time",
        ),
    ];
    for (body, defs, needle) in cases {
        let (code, out, err) = run_model(body, defs);
        assert_eq!(code, 2, "{body}: {out}\n{err}");
        assert!(err.contains(needle), "{body}: {err}");
    }
}

#[test]
fn an_advice_the_model_does_not_cover_is_an_error_not_a_quiet_einval() {
    // 8 is MADV_FREE: v5.10 accepts it, the model has only MADV_DONTNEED
    let (code, out, err) = run_model("madvise(X, 1, 8);", "");
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("not modelled"), "{err}");
}

#[test]
fn a_ghost_change_beside_a_shared_access_is_an_error() {
    // run again from its start when the shared access waits, the ghost change would apply twice
    let (code, out, err) = run_model(
        "bad();",
        "fn bad() { let mm = current_mm(); let vma = find_vma(mm, 0); let p = pte_offset_map(mm, 0); let x = ghost_discard(vma, 0, null) + pte_pfn(*p); }",
    );
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("statement of its own"), "{err}");
}

#[test]
fn a_declared_invariant_must_only_read_and_have_a_name_of_its_own() {
    let (code, _, err) = run_model(
        "X = 1;",
        "invariant writes for page p \"it takes a reference\" { get_page(p) == null }",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("an invariant may only read"), "{err}");
    // taking a lock for read changes state too (it commutes with other readers, but an
    // evaluation would leave the hold behind)
    let (code, _, err) = run_model(
        "X = 1;",
        "fn takes() { mmap_read_lock(current_mm()); return true; } invariant locks \"it takes mmap_lock\" { takes() }",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("an invariant may only read"), "{err}");
    let (code, _, err) = run_model("X = 1;", "invariant lock_hygiene \"mine\" { true }");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a built-in invariant"), "{err}");
}

/// Declared objects: misuse is a located error at load time, never a run-time surprise.
#[test]
fn declared_objects_misused_are_located_errors() {
    let obj = "struct o {\n    n: int;\n    c: atomic_t;\n    l: spinlock_t;\n}\nglobal g: o;\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "    cpu0 { f(); }\n}\nfn f() { let v = g.c; }\n",
            "13:18:",
            "atomic_t: use atomic_read",
        ),
        (
            "    cpu0 { f(); }\n}\nfn f() { g.n += 1; }\n",
            "13:10:",
            "would be one atomic step",
        ),
        (
            "    cpu0 { f(); }\n}\nfn f() { atomic_inc(&g.nope); }\n",
            "13:22:",
            "has no field `nope`",
        ),
        (
            "    cpu0 { f(); }\n}\npercpu pc: o;\nfn f() { let v = pc.n; }\n",
            "14:18:",
            "is a per-CPU variable",
        ),
        (
            "    cpu0 { let v = g.n; }\n}\n",
            "11:20:",
            "user programs cannot touch kernel objects",
        ),
    ];
    for (body, at, needle) in cases {
        let text = format!("{obj}{HEAD}{body}");
        let (_d, code, out, err) = check_text("obj.mmk", text.as_bytes());
        assert_located(code, &out, &err, &format!("obj.mmk:{at}"), needle);
    }
    let text = format!("struct o {{ n: float; }}\nglobal g: o;\n{HEAD}    cpu0 {{ }}\n}}\n");
    let (_d, code, out, err) = check_text("obj.mmk", text.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "obj.mmk:1:15:",
        "unknown field type `float`",
    );
}

/// A directory with a model tree `models/NAME` that has only a fault entry (add files to
/// the returned tree folder), and `t.mmk`, a one-CPU test of that tree with one VMA.
fn tiny_tree(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("models").join(name);
    std::fs::create_dir_all(&tree).expect("mkdir");
    std::fs::write(
        tree.join("fault.mmk"),
        "fn do_user_addr_fault(error_code, address) source \"none\" { force_sig_segv(); }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("t.mmk"),
        format!("test \"t\" {{\n    kernel \"{name}\";\n    cpus 1;\n    vma X: anon private read write;\n    cpu0 {{ X = 1; }}\n    expect safe;\n}}\n"),
    )
    .expect("write");
    (dir, tree)
}

/// A scenario's VMAs are objects of the model tree: a tree that declares no
/// `struct vm_area_struct` cannot hold them (the machine has no VMAs of its own).
#[test]
fn vmas_need_the_trees_vm_area_struct() {
    let (dir, _tree) = tiny_tree("no-vma");
    let (code, out, err) = mmcheck_in(dir.path(), &["check", "-q", "--models", "models", "t.mmk"]);
    assert_located(
        code,
        &out,
        &err,
        "t.mmk:1:1:",
        "declares no `struct vm_area_struct`",
    );
}

/// The machine's checks read mm_struct's `tlb_flush_pending` (an atomic_t),
/// `tlb_flush_batched` (an int or an atomic_t) and `mmap_lock` (an rw_semaphore) by name: a tree declaring
/// one with another type is a located error at the field's type, and one writing the flag
/// without the PTL breaks lock_hygiene.
#[test]
fn the_mm_contract_fields_are_checked() {
    let (dir, tree) = tiny_tree("bad-mm");
    for (fields, at, needle) in [
        (
            "    tlb_flush_pending: int;\n",
            "2:24:",
            "`tlb_flush_pending` must be declared `atomic_t`",
        ),
        (
            "    tlb_flush_pending: atomic_t;\n    tlb_flush_batched: spinlock_t;\n",
            "3:24:",
            "`tlb_flush_batched` must be declared `int` or `atomic_t`",
        ),
        (
            "    tlb_flush_pending: atomic_t;\n    mmap_lock: spinlock_t;\n",
            "3:16:",
            "`mmap_lock` must be declared `rw_semaphore`",
        ),
    ] {
        std::fs::write(
            tree.join("mm.mmk"),
            format!("struct mm_struct source \"x\" {{\n{fields}}}\n"),
        )
        .expect("write");
        let (code, out, err) =
            mmcheck_in(dir.path(), &["check", "-q", "--models", "models", "t.mmk"]);
        assert_located(
            code,
            &out,
            &err,
            &format!("models/bad-mm/mm.mmk:{at}"),
            needle,
        );
    }
    // the v5.10 tree: reclaim's flag set by a path that holds no PTL
    let (code, out, err) = run_model(
        "f();",
        "fn f() { set_tlb_ubc_flush_pending(current_mm(), false); }",
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("lock_hygiene")
            && out.contains("writes mm->tlb_flush_batched without holding the PTL"),
        "{out}\n{err}"
    );
}

/// A primitive given a pointer to the wrong type of word stops with a model error that
/// names the field, not a wrong verdict.
#[test]
fn a_pointer_to_the_wrong_type_of_word_is_a_model_error() {
    let text = format!(
        "struct o {{ c: atomic_t; l: spinlock_t; }}\nglobal g: o;\n{HEAD}    cpu0 {{ f(); }}\n    expect safe;\n}}\nfn f() {{ atomic_inc(&g.l); }}\n"
    );
    let (_d, code, out, err) = check_text("obj.mmk", text.as_bytes());
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        out.contains("model_error") && out.contains("&g.l (a spinlock_t)"),
        "{out}{err}"
    );
}

/// Pointers to locals (`&x`): every misuse is a located error, at load time where the text
/// shows it, else a model error where it runs, naming the call the pointer outlived.
#[test]
fn pointers_to_locals_misused_are_located_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "    cpu0 { f(); }\n}\nfn f() { let p = &5; }\n",
            "7:18:",
            "`&` takes a local variable",
        ),
        (
            "    cpu0 { f(); }\n}\nstruct r { a }\nfn f() { let x = struct r { .a = 1 }; let p = &x.a; }\n",
            "8:47:",
            "`&` takes a local variable",
        ),
        (
            "    cpu0 { let x = 1; let p = &x; }\n}\n",
            "5:31:",
            "a user program cannot take the address of its variables",
        ),
        (
            "    cpu0 { f(); }\n}\nfn f() { let x = 1; let p = &x + 1; }\n",
            "7:29:",
            "pointer arithmetic",
        ),
        (
            "    cpu0 { f(); }\n}\nfn f() { let x = 1; return &x; }\n",
            "7:28:",
            "returns a pointer to its own local `x`",
        ),
        // run time: the pointer outlives its call through a return value or a record; here
        // the next call of g() runs at the same depth, where the stale pointer would read
        // the new call's `x` if it did not dangle
        (
            "    cpu0 { f(); }\n}\nfn f() { let p = g(null); let v = g(p); }\nfn g(q) { let x = 1; if q != null { return *q; } let p = &x; return p; }\n",
            "8:44:",
            "a pointer to local `x` of g() is used after g() returned",
        ),
        (
            "    cpu0 { f(); }\n}\nstruct h { p }\nfn f() { let r = struct h { .p = null }; g(r); *r->p = 2; }\nfn g(r) { let y = 1; r->p = &y; }\n",
            "8:48:",
            "a pointer to local `y` of g() is used after g() returned",
        ),
        (
            "    cpu0 { f(); }\n}\nfn f() { let x = 1; let p = &x; let q = p + 1; }\n",
            "7:41:",
            "pointer arithmetic",
        ),
        (
            "    cpu0 { f(); }\n}\nfn f() { let mm = current_mm(); let ptep = pte_offset_map(mm, 0); *ptep = 0; }\n",
            "7:67:",
            "writes PTEs with set_pte_at()",
        ),
        (
            "    cpu0 { f(); }\n}\nstruct o { n: int; }\nglobal g: o;\nfn f() { let x = 1; g.n = &x; }\n",
            "9:21:",
            "got a pointer to a local",
        ),
    ];
    let head = "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n";
    for (body, at, needle) in cases {
        let text = format!("{head}{body}");
        let (_d, code, out, err) = check_text("ptr.mmk", text.as_bytes());
        assert_located(code, &out, &err, &format!("ptr.mmk:{at}"), needle);
    }
}

/// Field declarations of shared objects: array lengths, initial values and qualifiers that
/// make no sense are located errors when the file loads.
#[test]
fn object_field_declarations_misused_are_located_errors() {
    let cases: &[(&str, &str, &str)] = &[
        ("struct o { a: handle[0]; }\n", "1:22:", "1 to 64 elements"),
        ("struct o { a: int[65]; }\n", "1:19:", "1 to 64 elements"),
        (
            "struct o { l: spinlock_t = 1; }\n",
            "1:12:",
            "takes no initial value",
        ),
        (
            "struct o { c: atomic_t stable; }\n",
            "1:12:",
            "can be `stable`",
        ),
        (
            "struct o { n: int refcount; }\n",
            "1:12:",
            "only an atomic_t can be a `refcount`",
        ),
        (
            "struct o { c: atomic_t = 4294967296; }\n",
            "1:12:",
            "must fit a C int",
        ),
        (
            "struct o { n: int guarded_by m; }\n",
            "1:30:",
            "must be a spinlock_t or rw_semaphore field",
        ),
        (
            "struct o { l: spinlock_t; c: atomic_t guarded_by l; }\n",
            "1:27:",
            "can be `guarded_by` a lock",
        ),
        // the machine lays out a slab cache's own words; a declared one would clash
        (
            "struct kmem_cache { n: int; }\nstruct o { n: int; }\n",
            "1:1:",
            "`struct kmem_cache` is the machine's",
        ),
    ];
    for (decl, at, needle) in cases {
        let text = format!("{decl}global g: o;\n{HEAD}    cpu0 {{ }}\n}}\n");
        let (_d, code, out, err) = check_text("obj.mmk", text.as_bytes());
        assert_located(code, &out, &err, &format!("obj.mmk:{at}"), needle);
    }
}

/// Misuses that only show when the model runs are model errors naming the place: an index
/// outside an array field, another CPU's per-CPU variable, a stable field changed while
/// shared, `violation()` of an invariant nobody declared (that one at load time).
#[test]
fn object_misuse_at_run_time_is_a_located_model_error() {
    let obj = "struct o { a: int[2]; n: int stable; }\nglobal g: o;\npercpu pc: o;\nkmem_cache c: o[9];\n";
    let cases: &[(&str, &str)] = &[
        ("fn f() { g.a[2] = 1; }", "index 2 is outside g.a"),
        (
            "fn f() { kfree_rcu(null); }",
            "expected an object of a kmem_cache",
        ),
        ("fn f() { kfree_rcu(&g); }", "not an object of a kmem_cache"),
        (
            "fn f() { let i = 0; let o = null; while i < 9 { o = kmem_cache_alloc(&c); i = i + 1; } rcu_read_lock(); kfree_rcu(o); rcu_read_unlock(); }",
            "only the first 8 objects of a cache can be queued",
        ),
        (
            "fn f() { let p = per_cpu_ptr(&pc, 1); p->a[0] = 1; }",
            "cpu1's instance of a per-CPU variable",
        ),
        ("fn f() { g.n = 3; }", "declared `stable`"),
    ];
    for (f, needle) in cases {
        let text = format!(
            "{obj}test \"t\" {{\n    kernel \"linux-5.10\";\n    cpus 2;\n    vma X: anon private read write;\n    cpu0 {{ f(); }}\n}}\n{f}\n"
        );
        let (_d, code, out, err) = check_text("obj.mmk", text.as_bytes());
        assert_eq!(code, 2, "{f}: {out}{err}");
        // (before cpu0's first step it is a load error, else a model error of the run)
        let all = format!("{out}{err}");
        assert!(
            all.contains("model_error") && all.contains(needle) && all.contains("obj.mmk:"),
            "{f}: {out}{err}"
        );
    }
    let text = format!("{HEAD}    cpu0 {{ f(); }}\n}}\nfn f() {{ violation(nobody); }}\n");
    let (_d, code, out, err) = check_text("v.mmk", text.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "v.mmk:7:10:",
        "names an invariant the model declares",
    );
}

#[test]
fn a_record_kept_past_the_return_to_user_space_is_a_model_error_not_a_panic() {
    // records live until their kernel entry returns to user space; a user program that
    // keeps one used to index an emptied heap (a panic)
    let text = format!(
        "struct rec {{ a, b }}\n{HEAD}    cpu0 {{ let r = mk(); X = 8; use_rec(r); }}\n    expect safe;\n}}\n\
         fn mk() {{ return struct rec {{ .a = 1, .b = 2 }}; }}\nfn use_rec(r) {{ assert(r->a == 1); }}\n"
    );
    let (_dir, code, out, err) = check_text("rec.mmk", text.as_bytes());
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        out.contains("rec.mmk:") && out.contains("this record was made in a kernel entry"),
        "{out}"
    );
}

#[test]
fn vma_addresses_out_of_order_or_out_of_range_and_too_few_tables_are_located_errors() {
    let cases: [(&str, &str, &str); 10] = [
        (
            "    page P = 7;\n    pte X -> P { old accessed };\n",
            "oldacc.mmk:6:18:",
            "both `old` and `accessed`",
        ),
        (
            "    page P = 7;\n    pte X -> P { write dirty old };\n    tlb cpu0: X -> P { write dirty };\n",
            "oldtlb.mmk:7:5:",
            "the PTE is not accessed",
        ),
        (
            "    mms 2;\n    page P = 7;\n    pte mm2:X -> P { write dirty };\n",
            "mm2.mmk:7:9:",
            "no address space mm2: this test has 2",
        ),
        (
            "    mms 8;\n    vma Z[2]: anon private read write;\n    vma W[2]: anon private read write;\n    vma V[2]: anon private read write;\n    vma U[2]: anon private read write;\n    vma T[2]: anon private read write;\n    vma S[2]: anon private read write;\n    vma R[2]: anon private read write;\n    vma Q[2]: anon private read write;\n    vma O[2]: anon private read write;\n    vma N[2]: anon private read write;\n    vma M[2]: anon private read write;\n    vma L[2]: anon private read write;\n    vma K[2]: anon private read write;\n    vma J[2]: anon private read write;\n    vma I[2]: anon private read write;\n    vma H[2]: anon private read write;\n    vma G[2]: anon private read write;\n    vma F[2]: anon private read write;\n    vma E[2]: anon private read write;\n    vma D[2]: anon private read write;\n    vma C[2]: anon private read write;\n    vma B[2]: anon private read write;\n    vma A[2]: anon private read write;\n    vma AA[2]: anon private read write;\n    vma AB[2]: anon private read write;\n    vma AC[2]: anon private read write;\n    vma AD[2]: anon private read write;\n    vma AE[2]: anon private read write;\n    vma AF[2]: anon private read write;\n    vma AG[2]: anon private read write;\n    vma AH[2]: anon private read write;\n    vma AI[2]: anon private read write;\n",
            "manyvmas.mmk:5:9:",
            "more than the 256 VMA objects",
        ),
        (
            "    mms 0;\n",
            "nomm.mmk:5:9:",
            "mms must be between 1 and 8",
        ),
        (
            "    mms 9;\n",
            "manymm.mmk:5:9:",
            "mms must be between 1 and 8",
        ),
        (
            "    vma Y[2] at 0: anon private read write;\n",
            "order.mmk:5:17:",
            "overlaps or comes before the previous VMA",
        ),
        (
            "    vma Y at 40000: anon private read write;\n",
            "range.mmk:5:14:",
            "a VMA's address is a page number from 0 to",
        ),
        (
            "    vma Y at 512: anon private read write;\n    tables 1;\n",
            "tables.mmk:6:12:",
            "more than `tables 1`",
        ),
        (
            "    tables 0;\n",
            "zero.mmk:5:12:",
            "tables must be between 1 and 64",
        ),
    ];
    for (item, at, needle) in cases {
        let name = at.split(':').next().unwrap();
        let s = format!("{HEAD}{item}    cpu0 {{ X = 1; }}\n}}\n");
        let (_d, code, out, err) = check_text(name, s.as_bytes());
        assert_located(code, &out, &err, at, needle);
    }
}

#[test]
fn a_fork_with_no_room_for_the_child_mm_is_a_model_error_naming_mms() {
    // allocate_mm() with every mm of the test in use: the scenario is too small, which
    // must not read as a fork that failed quietly
    let s = "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    page P = 7;\n    pte X -> P { write dirty accessed };\n    cpu0 { fork_mm(); }\n}\n";
    let (_d, code, out, err) = check_text("fork.mmk", s.as_bytes());
    assert!(code != 0, "{out}\n{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("model_error"), "{all}");
    assert!(
        all.contains("every mm of the test is in use (`mms 1`)"),
        "{all}"
    );
    assert!(!out.contains("SAFE"), "{out}");
}

#[test]
fn a_lockless_walk_through_the_mm_where_pmd_entries_change_is_a_model_error() {
    // pte_offset_map(mm, addr) reads the PMD entry inside the step of the next shared
    // access, the kernel's behaviour only under mmap_lock; where pmd_clear() can change the
    // entry, a walker without the lock must read `*pmdp` itself, or its read would be folded
    // away (a lost interleaving).
    let s = "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 2;\n    vma X: anon private read write;\n    cpu0 { unlink(X); }\n    cpu1 { walk(X); }\n}\n\
fn unlink(addr) {\n    let mm = current_mm();\n    mmap_write_lock(mm);\n    pmd_clear(pmd_offset(mm, addr));\n    mmap_write_unlock(mm);\n}\n\
fn walk(addr) {\n    let mm = current_mm();\n    let ptep = pte_offset_map(mm, addr);\n}\n";
    let (_d, code, out, err) = check_text("walk.mmk", s.as_bytes());
    assert!(code != 0, "{out}\n{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("model_error"), "{all}");
    assert!(all.contains("read the entry (`let pmd = *pmdp;`)"), "{all}");
    assert!(!out.contains("SAFE"), "{out}");
}

#[test]
fn a_hole_is_no_vma_and_takes_no_pte_nor_flags() {
    // A PTE in a hole: the scenario says no VMA maps the range.
    let (_d, code, out, err) = check_text(
        "hole-pte.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    hole Y at 600;\n    page P = 1;\n    pte Y -> P { accessed };\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "hole-pte.mmk:7:5:", "a hole no VMA maps");
    // A hole has no flags: `hole Y: anon` is a syntax error at the colon.
    let (_d, code, out, err) = check_text(
        "hole-flags.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    hole Y at 600: anon;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "hole-flags.mmk:4:18:", "expected");
    // A hole and a VMA cannot share a name.
    let (_d, code, out, err) = check_text(
        "hole-twice.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma Y: anon private read write;\n    hole Y at 600;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "hole-twice.mmk:5:5:", "declared twice");
}

#[test]
fn a_vma_of_one_address_space_takes_no_pte_of_another() {
    let (_d, code, out, err) = check_text(
        "only-mm.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    mms 2;\n    tables 2;\n    vma mm1:Z: anon private read write;\n    page P = 1;\n    pte Z -> P { accessed };\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "only-mm.mmk:8:5:", "a VMA only mm1 has");
    // `mm1` names an address space, not a VMA
    let (_d, code, out, err) = check_text(
        "mm-named-vma.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma mm1 at 3: anon private read write;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(
        code,
        &out,
        &err,
        "mm-named-vma.mmk:4:9:",
        "names an address space",
    );
    // an address space past `mms`
    let (_d, code, out, err) = check_text(
        "mm-past.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma mm3:Z: anon private read write;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "mm-past.mmk:4:9:", "no address space mm3");
}

#[test]
fn a_page_and_a_vma_cannot_share_a_name() {
    let (_d, code, out, err) = check_text(
        "page-vma.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    page X = 1;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "page-vma.mmk:5:5:", "names a VMA too");
    let (_d, code, out, err) = check_text(
        "vma-page.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    page X = 1;\n    vma X: anon private read write;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "vma-page.mmk:5:5:", "declared twice");
}

#[test]
fn a_huge_pmd_leaf_needs_a_range_of_its_own_at_its_first_address() {
    // Two addresses in the huge leaf's 2 MiB range: the model's huge page is one frame.
    let (_d, code, out, err) = check_text(
        "huge-two.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X[2]: anon private read write;\n    page H = 1;\n    pmd X -> H { accessed };\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(
        code,
        &out,
        &err,
        "huge-two.mmk:6:5:",
        "one page of the scenario",
    );
    // Not at the first address of its range.
    let (_d, code, out, err) = check_text(
        "huge-unaligned.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X at 600: anon private read write;\n    page H = 1;\n    pmd X -> H { accessed };\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(
        code,
        &out,
        &err,
        "huge-unaligned.mmk:6:5:",
        "multiple of 512",
    );
    // A huge leaf and a PTE in one range.
    let (_d, code, out, err) = check_text(
        "huge-and-pte.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    page H = 1;\n    pmd X -> H { accessed };\n    pte X -> H { accessed };\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "huge-and-pte.mmk:", "already set");
}

#[test]
fn a_pmd_entry_the_scenario_leaves_none_can_change() {
    // `pmd X -> none` leaves the range without a PTE table, which a fault may then link
    // (__pte_alloc() -> pmd_populate()): PMD entries can change, so the machine must treat
    // them so (a lockless walk through the mm is then a model error, as above), not fold
    // PMD reads away as it may where no entry can ever change.
    let s = "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 2;\n    tables 1;\n    vma X: anon private read write;\n    pmd X -> none;\n    cpu0 { X = 8; }\n    cpu1 { walk(X); }\n}\n\
fn walk(addr) {\n    let mm = current_mm();\n    let ptep = pte_offset_map(mm, addr);\n}\n";
    let (_d, code, out, err) = check_text("none-pmd.mmk", s.as_bytes());
    assert!(code != 0, "{out}\n{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("model_error"), "{all}");
    assert!(all.contains("read the entry (`let pmd = *pmdp;`)"), "{all}");
    assert!(!out.contains("SAFE"), "{out}");
}

#[test]
fn the_zero_page_is_mapped_read_only_and_its_name_is_reserved() {
    let (_d, code, out, err) = check_text(
        "zero-write.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    pte X -> zero { write };\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "zero-write.mmk:5:21:", "read-only");
    let (_d, code, out, err) = check_text(
        "zero-name.mmk",
        b"test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    page zero = 1;\n    cpu0 { }\n    expect safe;\n}\n",
    );
    assert_located(code, &out, &err, "zero-name.mmk:5:5:", "reserved");
}

#[test]
fn a_stale_tlb_promise_must_take_cpu_and_mm_and_only_read() {
    let s = "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    cpu0 { }\n    expect safe;\n}\nfn stale_tlb_flush_owed(cpu) {\n}\n";
    let (_d, code, out, err) = check_text("owed-arity.mmk", s.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "owed-arity.mmk:8:1:",
        "must take (cpu, mm)",
    );
    let s = "test \"t\" {\n    kernel \"linux-5.10\";\n    cpus 1;\n    vma X: anon private read write;\n    cpu0 { }\n    expect safe;\n}\nfn stale_tlb_flush_owed(cpu, mm) {\n    atomic_inc(&mm->tlb_flush_pending);\n}\n";
    let (_d, code, out, err) = check_text("owed-writes.mmk", s.as_bytes());
    assert_located(code, &out, &err, "owed-writes.mmk:8:1:", "may only read");
}

#[test]
fn swap_and_marker_scenario_items_have_located_errors() {
    // (a scenario with swap slots needs a tree that models swap)
    let t = |body: &str, imports: bool| {
        format!(
            "test \"t\" {{\n    kernel \"linux-5.10\";\n{}    cpus 1;\n    vma X: anon private read write;\n{body}    cpu0 {{ }}\n    expect safe;\n}}\n",
            if imports {
                "    import \"opt-in/swap-v5.10.mmk\";\n"
            } else {
                ""
            }
        )
    };
    let cases: &[(&str, bool, &str, &str)] = &[
        (
            "    swap S = 5;\n    pte X -> swap S;\n",
            false,
            ":5:5:",
            "has no swap",
        ),
        (
            "    swap S = 5;\n    pte X -> swap T;\n",
            true,
            ":7:19:",
            "unknown swap slot `T`",
        ),
        ("    swap S = 5;\n", true, ":6:5:", "in no PTE"),
        ("    swap_slots 0;\n", true, ":6:16:", "between 1 and 32"),
        (
            "    swap_slots 1;\n    swap S = 5;\n    swap T = 6;\n    pte X -> swap S;\n",
            true,
            ":6:16:",
            "more than `swap_slots 1`",
        ),
        (
            "    swap S = 5;\n    pte X -> swap S { write };\n",
            true,
            ":7:23:",
            "unknown swap entry flag `write`",
        ),
        (
            "    pte X -> marker { };\n",
            true,
            ":6:5:",
            "at least one bit",
        ),
        (
            "    pte X -> marker { dirty };\n",
            true,
            ":6:23:",
            "unknown marker entry flag",
        ),
        ("    page swap = 1;\n", true, ":6:5:", "reserved"),
        (
            "    swap S = 5;\n    pte X -> swap S;\n    tlb cpu0: X -> S { };\n",
            true,
            ":8:20:",
            "`S` is a swap slot",
        ),
    ];
    for (i, (body, imports, at, needle)) in cases.iter().enumerate() {
        let name = format!("swap{i}.mmk");
        let (_d, code, out, err) = check_text(&name, t(body, *imports).as_bytes());
        assert_located(code, &out, &err, &format!("{name}{at}"), needle);
    }
    // the machine's lost_write hook must take one entry and only read
    let s = format!(
        "import \"opt-in/swap-v5.10.mmk\";\n{}override fn swap_slot_page(entry, x) {{\n    return null;\n}}\n",
        t("    swap S = 5;\n    pte X -> swap S;\n", false)
    );
    let (_d, code, out, err) = check_text("hook.mmk", s.as_bytes());
    assert_located(
        code,
        &out,
        &err,
        "hook.mmk:",
        "swap_slot_page must take (entry)",
    );
}

#[test]
fn a_constant_two_model_files_define_is_a_located_error() {
    // Model files load as one program: a second definition used to win silently, so two
    // files of the 6.12 tree gave VM_LOCKED_MASK two different values.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("m.mmk"),
        "// a model file\nconst PAGEVEC_SIZE = 3;\n",
    )
    .expect("write");
    let test = format!(
        "{}    import \"m.mmk\";\n    cpu0 {{ X = 1; }}\n    expect safe;\n}}\n",
        HEAD
    );
    std::fs::write(dir.path().join("t.mmk"), test).expect("write");
    let (code, out, err) = mmcheck_in(dir.path(), &["check", "-q", "t.mmk"]);
    assert_located(
        code,
        &out,
        &err,
        "m.mmk:2:1",
        "constant `PAGEVEC_SIZE` is already defined",
    );
    // a test file may still redefine one for its own tests
    let own = format!(
        "const PAGEVEC_SIZE = 1;\n{}    cpu0 {{ X = 1; }}\n    expect safe;\n}}\n",
        HEAD
    );
    let (_d, code, out, err) = check_text("own.mmk", own.as_bytes());
    assert_eq!(code, 0, "{out}\n{err}");
}
