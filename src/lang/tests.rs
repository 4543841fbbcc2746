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
