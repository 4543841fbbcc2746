//! Front-end tests: imports, overrides and name resolution, on small model trees written to
//! a temporary directory.

use super::{LoadOptions, load_file};
use std::path::Path;

const MODEL: &str = r#"
const FAULT_FLAG_WRITE = 1;
fn do_user_addr_fault(code, address) source "arch/x86/mm/fault.c@v5.10" {
    force_sig_segv();
}
fn helper(x) source "test@v0" { return x + 1; }
"#;

fn setup(test_src: &str, extra: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("models/toy");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("a.mmk"), MODEL).unwrap();
    for (name, text) in extra {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let t = dir.path().join("t.mmk");
    std::fs::write(&t, test_src).unwrap();
    (dir, t)
}

fn load_err(test_src: &str, extra: &[(&str, &str)]) -> String {
    let (_d, t) = setup(test_src, extra);
    match load_file(&t, &LoadOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.1.message,
    }
}

const HEAD: &str = r#"test "t" { kernel "toy"; cpus 1; vma X: anon private read write; "#;

#[test]
fn a_test_loads_with_its_kernel_tree() {
    let (_d, t) = setup(&format!("{HEAD} cpu0 {{ X = 1; }} expect safe; }}"), &[]);
    let l = load_file(&t, &LoadOptions::default()).expect("loads");
    assert_eq!(l.tests.len(), 1);
    assert!(l.tests[0].funcs.iter().any(|f| f.name == "helper"));
}

#[test]
fn override_replaces_and_must_override_something() {
    let ok = format!("{HEAD} cpu0 {{ X = 1; }} }} override fn helper(x) {{ return x + 2; }}");
    let (_d, t) = setup(&ok, &[]);
    assert!(load_file(&t, &LoadOptions::default()).is_ok());
    let e = load_err(
        &format!("{HEAD} }} override fn nothing_here(x) {{ return x; }}"),
        &[],
    );
    assert!(e.contains("overrides nothing"), "{e}");
    let e = load_err(&format!("{HEAD} }} fn helper(x) {{ return x; }}"), &[]);
    assert!(e.contains("already defined"), "{e}");
}

#[test]
fn model_functions_must_name_their_source() {
    let fix = "import \"toy\";\noverride fn helper(x) { return x; }\n";
    let e = load_err(
        &format!("{HEAD} import \"fix.mmk\"; }}"),
        &[("fix.mmk", fix)],
    );
    assert!(e.contains("does not name the kernel source"), "{e}");
}

#[test]
fn names_arities_and_scenario_errors_are_caught() {
    let cases = [
        (
            format!("{HEAD} cpu0 {{ helper(1, 2); }} }}"),
            "takes 1 argument",
        ),
        (
            format!("{HEAD} cpu0 {{ y = 1; }} }}"),
            "undeclared variable",
        ),
        (
            format!("{HEAD} cpu0 {{ spin_lock(1); }} }}"),
            "cannot call the kernel primitive",
        ),
        (
            format!("{HEAD} cpu3 {{ X = 1; }} }}"),
            "cpu3 does not exist",
        ),
        (format!("{HEAD} pte Y -> P; }}"), "unknown VMA"),
        (format!("{HEAD} pte X -> P; }}"), "unknown page"),
        (format!("{HEAD} knob warp_speed; }}"), "unknown knob"),
        (
            format!("{HEAD} expect violation(sadness); }}"),
            "unknown invariant",
        ),
        (
            r#"test "t" { cpus 1; }"#.to_string(),
            "names no kernel model",
        ),
        (
            r#"test "t" { kernel "nope"; }"#.to_string(),
            "no model tree named",
        ),
        (
            r#"test "t" { kernel "toy"; cpus 99; }"#.to_string(),
            "cpus must be between",
        ),
    ];
    for (src, needle) in cases {
        let e = load_err(&src, &[]);
        assert!(e.contains(needle), "{src}\n=> {e}");
    }
}

#[test]
fn missing_files_are_errors_not_panics() {
    assert!(load_file(Path::new("/no/such/file.mmk"), &LoadOptions::default()).is_err());
}

/// A test of the toy tree: `HEAD`, then `items` in the test block, then `extra` after it.
fn toy(items: &str, extra: &str) -> String {
    format!("{HEAD} {items} }}\n{extra}")
}

#[test]
fn sizes_past_the_machine_limits_are_located_errors_not_wraps() {
    let lets: String = (0..256).map(|i| format!("let v{i} = {i};\n")).collect();
    let params: Vec<String> = (0..256).map(|i| format!("p{i}")).collect();
    let vmas = |n: usize, pages: usize| -> String {
        (0..n)
            .map(|i| format!("vma V{i}[{pages}]: anon private read write;\n"))
            .collect()
    };
    let pages: String = (0..65)
        .map(|i| format!("page P{i} = {i} {{ extra_refs: 1 }};\n"))
        .collect();
    let fields: Vec<String> = (0..256).map(|i| format!("f{i}")).collect();
    let two_hundred: Vec<String> = (0..200).map(|i| format!("a{i}")).collect();
    let hundred: Vec<String> = (0..100).map(|i| format!("b{i}")).collect();
    let ones = |n: usize| vec!["1"; n].join(", ");
    let atomics = format!("{}{}", "atomic { ".repeat(128), "} ".repeat(128));
    let consts: String = std::iter::once("const C0 = 1;\n".to_string())
        .chain((1..300).map(|i| format!("const C{i} = C{} + 1;\n", i - 1)))
        .collect();
    let cases = [
        (
            toy("cpu0 { g(); }", &format!("fn g() {{ {lets} }}")),
            "more than 255 parameters and local variables",
        ),
        (
            toy("", &format!("fn g({}) {{ }}", params.join(", "))),
            "more than 255 parameters and local variables",
        ),
        (toy(&vmas(33, 16), ""), "past 512 pages"),
        (toy(&vmas(300, 1), ""), "at most 256 VMAs"),
        (toy(&pages, ""), "at most 64 pages"),
        (
            r#"test "t" { kernel "toy"; vma X: anon private read write; cpu8 { X = 1; } }"#
                .to_string(),
            "at most 8 CPUs",
        ),
        (
            r#"test "t" { kernel "toy"; vma X: anon private read write; cpu9223372036854775807 { X = 1; } }"#
                .to_string(),
            "at most 8 CPUs",
        ),
        (
            toy("page P = 1; pte X -> P; tlb cpu8: X -> P;", ""),
            "no such CPU",
        ),
        (
            toy("", &format!("struct big {{ {} }}", fields.join(", "))),
            "at most 255 are supported",
        ),
        (
            toy("", "struct twice { a, b, a }"),
            "declares field `a` twice",
        ),
        (
            toy(
                "cpu0 { g(); }",
                &format!(
                    "fn g() {{ wide({}, mid({})); }}\nfn wide({}) {{ }}\nfn mid({}) {{ }}",
                    ones(199),
                    ones(100),
                    two_hundred.join(", "),
                    hundred.join(", ")
                ),
            ),
            "more than 255 operand-stack slots",
        ),
        (
            toy("cpu0 { g(); }", &format!("fn g() {{ {atomics} }}")),
            "nested more than 127 deep",
        ),
        (
            toy(
                "cpu0 { g(); }",
                &format!("{consts}fn g() {{ let x = C299; }}"),
            ),
            "more than 256 other constants",
        ),
    ];
    for (src, needle) in cases {
        let e = load_err(&src, &[]);
        assert!(
            e.contains(needle),
            "{}...\n=> {e}",
            &src[..src.len().min(300)]
        );
    }
}

#[test]
fn clauses_stated_once_per_test_and_test_names_once_per_file() {
    let cases = [
        (toy("cpus 1;", ""), "a second `cpus` line"),
        (toy("frames 4; frames 5;", ""), "a second `frames` line"),
        (toy(r#"kernel "toy";"#, ""), "a second `kernel` line"),
        (
            format!("{HEAD} }}\n{HEAD} }}\n"),
            "a second test named \"t\" (the first is on line 1)",
        ),
        (
            toy("cpu0 { X = 1; } cpu0 { X = 2; }", ""),
            "has two programs",
        ),
        (toy("vma X: anon private read;", ""), "declared twice"),
    ];
    for (src, needle) in cases {
        let e = load_err(&src, &[]);
        assert!(e.contains(needle), "{src}\n=> {e}");
    }
}

#[test]
fn shared_mappings_are_rejected_until_modelled() {
    let src = r#"test "t" { kernel "toy"; vma S: anon shared read write; }"#;
    let e = load_err(src, &[]);
    assert!(e.contains("shared mappings are not modelled yet"), "{e}");
}

/// The located message of a load error: `file:line:col: error: ...` (first line).
fn rendered(src: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("models/toy");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("a.mmk"), MODEL).unwrap();
    let t = dir.path().join("t.mmk");
    std::fs::write(&t, src).unwrap();
    match load_file(&t, &LoadOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            let out = e.1.render(&e.0);
            let prefix = t.display().to_string();
            out.strip_prefix(&prefix).unwrap_or(&out).to_string()
        }
    }
}

#[test]
fn a_file_that_is_not_utf8_is_located_at_its_first_bad_byte() {
    let mut src = toy("", "").into_bytes();
    src.extend_from_slice(b"\n// caf\xe9\n");
    let r = rendered(&src);
    assert!(
        r.starts_with(":3:7: error: this file is not valid UTF-8"),
        "{r}"
    );
}

#[test]
fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
    let n = 100_000;
    let cases = [
        format!("fn g() {{ let x = {}1{}; }}", "(".repeat(n), ")".repeat(n)),
        format!(
            "fn g() {}{}",
            "{ if true ".repeat(n),
            "{}".to_string() + &"}".repeat(n)
        ),
        format!("fn g() {{ let x = 1{}; }}", " + 1".repeat(n)),
        format!("fn g() {{ let x = a{}; }}", ".b".repeat(n)),
        format!("fn g() {{ let x = {}true; }}", "!".repeat(n)),
        format!(
            "fn g() {{ if false {{}} {} }}",
            "else if false {} ".repeat(n)
        ),
    ];
    for extra in cases {
        // `mmcheck test` loads files on threads with the default 2 MiB stack.
        let r = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || rendered(toy("", &extra).as_bytes()))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(r.contains("error: nesting deeper than 256 levels"), "{r}");
        assert!(r.len() < 1000, "{r}");
    }
}

#[test]
fn nesting_just_below_the_limit_loads_on_a_small_stack() {
    let n = 250;
    let extra = format!(
        "fn g() {{ let x = {}1{}; let y = {}true; if true {}{} }}",
        "(".repeat(n),
        ")".repeat(n),
        "!".repeat(n),
        "{ if true ".repeat(n - 2),
        "{}".to_string() + &"}".repeat(n - 2)
    );
    let src = toy("cpu0 { g(); }", &extra);
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let (_d, t) = setup(&src, &[]);
            load_file(&t, &LoadOptions::default()).expect("loads");
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
}

#[test]
fn an_error_naming_a_huge_identifier_stays_short() {
    let huge = "x".repeat(5 << 20);
    for extra in [
        format!("fn g() {{ let y = {huge}; }}"),
        format!("fn g() {{ {huge}(); }}"),
        format!("fn g() {{ let y = \"{}\"; }}", "ab ".repeat(1 << 20)),
    ] {
        let r = rendered(toy("cpu0 { g(); }", &extra).as_bytes());
        assert!(r.len() < 1500, "{} bytes: {}", r.len(), &r[..300]);
        assert!(r.contains('…'), "{r}");
    }
    // A name the lexer accepts is shortened in the message itself.
    let long = "y".repeat(250);
    let r = rendered(toy("cpu0 { g(); }", &format!("fn g() {{ let v = {long}; }}")).as_bytes());
    let first = r.lines().next().unwrap_or("");
    assert!(
        first.ends_with(&format!("unknown name `{}…`", "y".repeat(64))),
        "{first}"
    );
}

#[test]
fn the_message_is_printed_once_with_the_line_underlined() {
    let r = rendered(toy("cpu0 { X = 8 }", "").as_bytes());
    assert_eq!(r.matches("expected `;`").count(), 1, "{r}");
    assert!(r.contains("^"), "{r}");
    assert!(r.contains("help: every statement"), "{r}");
}
