//! The lost-write ghost's own guard: a model that opens a discard (`ghost_discard`) and
//! never closes it (`ghost_discard_done`) would forgive every later store into the page, so
//! the run ends with a model error rather than a verdict.

use std::process::Command;

#[test]
fn a_discard_the_model_never_closes_is_a_model_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = r#"test "discard never closed" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

override fn madvise(start, len, behavior) source "mm/madvise.c:do_madvise@v5.10, without ghost_discard_done()" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, start);
    zap_page_range(vma, start, len);
    mmap_read_unlock(mm);
    return 0;
}
"#;
    std::fs::write(dir.path().join("t.mmk"), t).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mmcheck"))
        .args(["check", "t.mmk"])
        .current_dir(dir.path())
        .output()
        .expect("run mmcheck");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("cpu0 called ghost_discard() for X and never ghost_discard_done() over it"),
        "{stderr}"
    );
}
