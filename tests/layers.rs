//! The layers point one way: no domain module reaches up into the command line, the
//! commands, the walk or the printing of messages (see `src/lib.rs`).

use std::path::{Path, PathBuf};

/// The modules at the top, which the rest must not use.
const UPPER: [&str; 5] = ["cli", "commands", "tui", "exit", "output"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/`: `signoff/verify.rs` is `["signoff", "verify"]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The first segment of every path after `crate::` in `text`, groups (`crate::{a, b::c}`)
/// included, and of every `super::…` path that climbs to the crate's top.
fn top_modules_used(text: &str, module: &[String]) -> Vec<String> {
    let mut used = Vec::new();
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        used.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            used.push(first_segment(&item));
        } else {
            used.push(first_segment(rest));
        }
    }
    // `super::super::x` from `a/b/c.rs` (module a::b::c) reaches the top: it names `x`.
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("super::") {
            continue;
        }
        let mut rest = &code[at..];
        let mut ups = 0;
        while let Some(more) = rest.strip_prefix("super::") {
            ups += 1;
            rest = more;
        }
        if ups >= module.len() {
            used.push(first_segment(rest));
        }
    }
    used.retain(|m| !m.is_empty());
    used
}

fn first_segment(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn domain_modules_never_use_the_command_line_the_commands_or_the_walk() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offences = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let module = module_of(relative);
        let top = module.first().map(String::as_str).unwrap_or_default();
        if UPPER.contains(&top) || matches!(top, "main" | "lib") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable");
        for used in top_modules_used(&text, &module) {
            if UPPER.contains(&used.as_str()) {
                offences.push(format!("{} uses {used}", relative.display()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "domain modules reach up:\n{}",
        offences.join("\n")
    );
    assert!(
        files.len() > 40,
        "the scan found the sources ({} files)",
        files.len()
    );
}

#[test]
fn the_scan_sees_grouped_and_relative_uses() {
    let module = ["signoff".to_string(), "verify".to_string()];
    assert_eq!(
        top_modules_used("use crate::{checklist::Cell, cli::Args};", &module),
        ["checklist", "cli"]
    );
    assert_eq!(
        top_modules_used(
            "use crate::{a, b::{c, d}, tui};\nlet x = crate::output::warn;",
            &module
        ),
        ["a", "b", "tui", "output"]
    );
    assert_eq!(
        top_modules_used("use super::super::commands::Env;", &module),
        ["commands"]
    );
    assert!(top_modules_used("use super::comment;", &module).is_empty());
    assert!(top_modules_used("// crate::cli is not used here", &module).is_empty());
}
