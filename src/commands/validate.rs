//! `greenlight validate FILE…`

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::checklist::{Checklist, LoadError, Problem};
use crate::cli::ValidateArgs;

use super::Outcome;

#[derive(Serialize)]
struct Report<'a> {
    file: String,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary<'a>>,
    problems: &'a [Problem],
}

#[derive(Serialize)]
struct Summary<'a> {
    id: &'a str,
    title: &'a str,
    sections: usize,
    items: usize,
    environments: usize,
    cells: usize,
}

impl<'a> Summary<'a> {
    fn of(checklist: &'a Checklist) -> Self {
        Summary {
            id: &checklist.id,
            title: &checklist.title,
            sections: checklist.sections.len(),
            items: checklist.items.len(),
            environments: checklist.environments.len(),
            cells: checklist.cell_count(),
        }
    }
}

/// Items whose `paths` name no file git tracks in the checklist's repository (a typo, or a
/// folder since moved: the item would be carried whatever changed), each with its line.
/// Nothing outside a repository.
fn unmatched_paths(file: &std::path::Path, checklist: &Checklist, bytes: &[u8]) -> Vec<String> {
    if checklist.items.iter().all(|item| item.paths.is_empty()) {
        return Vec::new();
    }
    let folder = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => std::path::Path::new("."),
    };
    let Some(root) = crate::git::toplevel(Some(folder)) else {
        return Vec::new();
    };
    let Ok(tracked) = crate::git::History::new(&root).tracked_files() else {
        return Vec::new();
    };
    // (section, item within it, item) of each item whose globs name nothing.
    let mut unmatched = Vec::new();
    for (s, section) in checklist.sections.iter().enumerate() {
        for (n, index) in section.items.clone().enumerate() {
            let item = &checklist.items[index];
            if item.paths.is_empty() {
                continue;
            }
            let matcher = crate::checklist::paths::PathMatcher::new(&item.paths);
            if matcher.is_ok_and(|m| m.first_match(&tracked).is_none()) {
                unmatched.push((s, n, item));
            }
        }
    }
    if unmatched.is_empty() {
        return Vec::new();
    }
    let positions = crate::checklist::PositionIndex::build(&String::from_utf8_lossy(bytes));
    unmatched
        .into_iter()
        .map(|(s, n, item)| {
            let line = positions
                .find(&format!("sections.{s}.items.{n}.paths"))
                .map_or(0, |at| at.line);
            format!(
                "line {line}: item `{}`: its `paths` match no file in the repository at {}",
                item.id,
                root.display()
            )
        })
        .collect()
}

/// Validates every file, printing each one's summary or problems; exit 1 if any is bad.
pub fn run(args: &ValidateArgs) -> Result<Outcome> {
    let mut bad = 0;
    let mut unreadable = 0;
    let mut reports = Vec::new();
    let mut stdout = crate::untrusted::Escaping(std::io::stdout().lock());
    for file in &args.files {
        let name = crate::untrusted::one_line(&file.display().to_string()).into_owned();
        match Checklist::load_with_bytes(file) {
            Ok((checklist, bytes)) => {
                for warning in unmatched_paths(file, &checklist, &bytes) {
                    crate::output::warn(format!("{name}: {warning}"));
                }
                let summary = Summary::of(&checklist);
                if args.json {
                    reports.push(serde_json::to_value(Report {
                        file: name,
                        valid: true,
                        summary: Some(summary),
                        problems: &[],
                    })?);
                } else {
                    writeln!(
                        stdout,
                        "{name}: ok — {} ({}): {}, {}, {}, {}",
                        crate::untrusted::one_line(summary.title),
                        summary.id,
                        crate::words::count(summary.sections, "section"),
                        crate::words::count(summary.items, "item"),
                        crate::words::count(summary.environments, "environment"),
                        crate::words::count(summary.cells, "cell")
                    )?;
                }
            }
            Err(err) => match &err {
                LoadError::Invalid(invalid) => {
                    bad += 1;
                    if args.json {
                        reports.push(serde_json::to_value(Report {
                            file: name,
                            valid: false,
                            summary: None,
                            problems: &invalid.problems,
                        })?);
                    } else {
                        for line in invalid.to_string().lines() {
                            crate::output::problem(line);
                        }
                    }
                }
                LoadError::Unreadable { .. } => {
                    unreadable += 1;
                    crate::output::error(&err.into());
                }
            },
        }
    }
    if args.json {
        super::print_json(&reports)?;
    }
    if unreadable > 0 {
        let files = if unreadable == 1 { "file" } else { "files" };
        anyhow::bail!("{unreadable} {files} could not be read");
    }
    if bad > 0 {
        let files = if bad == 1 { "file is" } else { "files are" };
        return Ok(Outcome::NotGood(format!(
            "{bad} checklist {files} not valid"
        )));
    }
    Ok(Outcome::Done)
}
