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

#[test]
fn domain_modules_never_use_the_command_line_the_commands_or_the_walk() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offences = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|name| name.trim_end_matches(".rs"))
            .unwrap_or_default();
        if UPPER.contains(&top) || matches!(top, "main" | "lib") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable");
        for (number, line) in text.lines().enumerate() {
            for upper in UPPER {
                if line.contains(&format!("crate::{upper}::"))
                    || line.contains(&format!("crate::{upper};"))
                    || line.contains(&format!("crate::{{{upper}"))
                {
                    offences.push(format!(
                        "{}:{}: {}",
                        relative.display(),
                        number + 1,
                        line.trim()
                    ));
                }
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
