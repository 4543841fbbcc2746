//! The model inventory (`mmcheck models`, docs/models.md): every model function of the
//! trees given, with the kernel function and version its `source` string names, what the
//! comment above it says (where the model says what it leaves out), and which tests of a
//! directory run it. The tests come from the mutation runner's baseline (`coverage`), so
//! "runs it" means the same as for choosing which tests a mutant needs.

use super::runner::{self, TestCase};
use super::{InputError, Models, read_models};
use crate::lang;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct Options {
    pub models: Vec<PathBuf>,
    pub test_dir: PathBuf,
    pub jobs: Option<usize>,
    pub quiet: bool,
}

/// One model function as the inventory lists it.
struct Entry<'a> {
    name: &'a str,
    source: Option<&'a str>,
    is_override: bool,
    comment: String,
    tests: Vec<&'a str>,
}

pub fn run(o: &Options) -> i32 {
    match inventory(o) {
        Ok(text) => {
            super::report::print(&text);
            crate::cli::EXIT_OK
        }
        Err(e) => crate::cli::input_error(e, None),
    }
}

// (an input error is built once, on the way out: its size does not matter)
#[allow(clippy::result_large_err)]
fn inventory(o: &Options) -> Result<String, InputError> {
    if o.jobs == Some(0) || o.jobs.is_some_and(|j| j > 256) {
        return Err(InputError::plain("--jobs must be between 1 and 256"));
    }
    let models = read_models(&o.models)?;
    if !o.test_dir.is_dir() {
        return Err(InputError::plain(format!(
            "no such test directory: {}",
            o.test_dir.display()
        )));
    }
    let (mut test_files, mut model_files) = (Vec::new(), Vec::new());
    crate::cli::collect_tests(&o.test_dir, &mut test_files, &mut model_files)
        .map_err(|e| InputError::plain(format!("cannot read {}: {e}", o.test_dir.display())))?;
    if !o.quiet {
        eprintln!(
            "models: baseline run of {} test files for their coverage",
            test_files.len()
        );
    }
    let jobs = o.jobs.unwrap_or_else(super::cores);
    let tests = runner::baseline(&o.test_dir, &test_files, &models.files, jobs)
        .map_err(InputError::plain)?;
    Ok(markdown(&models, &tests, o))
}

/// The comment lines right above line `line` (1-based), without the equivalence marks of
/// `mmcheck mutate`, as one paragraph.
fn comment_above(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = line.saturating_sub(1);
    let mut block = Vec::new();
    while at > 0 {
        let l = lines[at - 1].trim();
        let Some(c) = l.strip_prefix("//") else {
            break;
        };
        let c = c.trim();
        if !c.starts_with("mutate:") {
            block.push(c);
        }
        at -= 1;
    }
    block.reverse();
    block.join(" ")
}

fn entries<'a>(models: &'a Models, file: usize, tests: &'a [TestCase]) -> Vec<Entry<'a>> {
    let text = &models.files[file].text;
    models.modules[file]
        .items
        .iter()
        .filter_map(|i| match i {
            lang::ast::Item::Func(f) => Some(f),
            _ => None,
        })
        .map(|f| {
            let (line, _) = models.map.line_col(f.span);
            Entry {
                name: &f.name,
                source: f.source.as_deref(),
                is_override: f.is_override,
                comment: comment_above(text, line),
                tests: tests
                    .iter()
                    .filter(|t| t.reach.contains(&(file, f.name.clone())))
                    .map(|t| t.label.as_str())
                    .collect(),
            }
        })
        .collect()
}

fn markdown(models: &Models, tests: &[TestCase], o: &Options) -> String {
    let mut out = String::new();
    let args: Vec<String> = o
        .models
        .iter()
        .map(|p| p.display().to_string())
        .chain([o.test_dir.display().to_string()])
        .collect();
    out.push_str(&format!(
        "Every model function of `{}`, by tree and file: the kernel function and version it follows (its `source`), what the comment above it says (where the model says what it leaves out), and the tests of `{}` whose search runs it ({} tests).\n",
        args[..args.len() - 1].join(" "),
        o.test_dir.display(),
        tests.len()
    ));
    // the files by tree (the directory part of their place under models/)
    let mut trees: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in models.files.iter().enumerate() {
        let tree = f
            .rel
            .parent()
            .map(|p| p.display().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| ".".into());
        trees.entry(tree).or_default().push(i);
    }
    let (mut total, mut untested) = (0usize, 0usize);
    for (tree, files) in &trees {
        out.push_str(&format!("\n## models/{tree}\n"));
        for &i in files {
            let f = &models.files[i];
            out.push_str(&format!(
                "\n### {}\n\n",
                f.rel.file_name().unwrap_or_default().to_string_lossy()
            ));
            for e in entries(models, i, tests) {
                total += 1;
                untested += e.tests.is_empty() as usize;
                out.push_str(&format!(
                    "- **`{}`**{}: {}.",
                    e.name,
                    if e.is_override { " (override)" } else { "" },
                    e.source
                        .map_or("no source string".to_string(), |s| format!("`{s}`"))
                ));
                match e.tests.len() {
                    0 => out.push_str(" Run by no test."),
                    n => {
                        let shown: Vec<String> =
                            e.tests.iter().take(3).map(|t| format!("`{t}`")).collect();
                        out.push_str(&format!(
                            " Run by {n} test{}: {}{}.",
                            if n == 1 { "" } else { "s" },
                            shown.join(", "),
                            if n > 3 {
                                format!(" and {} more", n - 3)
                            } else {
                                String::new()
                            }
                        ));
                    }
                }
                out.push('\n');
                if !e.comment.is_empty() {
                    out.push_str(&format!("  {}\n", e.comment));
                }
            }
        }
    }
    out.push_str(&format!(
        "\n{total} model functions, {untested} of them run by no test of `{}`.\n",
        o.test_dir.display()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::comment_above;

    #[test]
    fn the_comment_above_a_function_leaves_out_mutation_marks() {
        let text = "fn a() {}\n// What it does.\n// mutate: equivalent(delete-put) why\n// Left out: x.\nfn b() {}\n";
        assert_eq!(comment_above(text, 5), "What it does. Left out: x.");
        assert_eq!(comment_above(text, 1), "");
    }
}
