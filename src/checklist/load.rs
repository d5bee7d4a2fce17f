//! Turning checklist text into a valid [`Checklist`], or into every problem it has.
//!
//! serde_yaml checks the shape (and refuses unknown fields); the checks in [`super::checks`]
//! need the whole file (unique ids, names the matrix must have) and collect every problem
//! rather than stop at the first. Positions for those are looked up afterwards from the
//! problem's YAML path.
//!
//! Why a second YAML reader (yaml-rust2, in [`super::positions`]) and not one pass:
//! serde_yaml reports positions only for the errors it finds itself; a deserialised value
//! carries none, and no maintained serde YAML crate keeps spans for values while keeping
//! `deny_unknown_fields` and its line:column errors (DESIGN.md §8). The second reader runs
//! only when a file has problems to place (and once for a `version` written as a decimal),
//! so loading a good file pays nothing for it.

use std::fmt;
use std::path::Path;

use super::Checklist;
use super::checks::{Checker, Pending};
use super::positions::PositionIndex;
use super::raw::RawChecklist;

/// One thing wrong with a checklist file, at a line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why a checklist could not be loaded: every problem found, each with its position.
#[derive(Debug)]
pub struct ChecklistError {
    /// The file as the user named it.
    pub origin: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ChecklistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, problem) in self.problems.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}:{}:{}: {}",
                self.origin, problem.line, problem.column, problem.message
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ChecklistError {}

/// Why a checklist file could not be loaded: it could not be read (an environment
/// problem), or it was read and is not a valid checklist (what `validate` reports).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {}", path.display(), reason(source))]
    Unreadable {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Invalid(#[from] ChecklistError),
}

fn reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => err.to_string(),
    }
}

/// The largest checklist read: far past any real one (the 10,000-item benchmark is 3 MB).
const MAX_CHECKLIST_BYTES: u64 = 64 << 20;

/// Reads `path` — a regular file, never a FIFO or a device a link points to — and loads it.
pub fn load_file(path: &Path) -> Result<(Checklist, Vec<u8>), LoadError> {
    let bytes = crate::fsutil::read_regular_file(path, MAX_CHECKLIST_BYTES).map_err(|source| {
        LoadError::Unreadable {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let checklist = parse_bytes(&bytes, &path.display().to_string())?;
    Ok((checklist, bytes))
}

/// Parses checklist bytes, which must be UTF-8.
pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Checklist, ChecklistError> {
    let source = std::str::from_utf8(bytes).map_err(|err| {
        let (line, column) = line_column_of_byte(bytes, err.valid_up_to());
        single(
            origin,
            line,
            column,
            "the file is not valid UTF-8; save it as UTF-8".to_string(),
        )
    })?;
    parse(source, origin)
}

fn single(origin: &str, line: usize, column: usize, message: String) -> ChecklistError {
    ChecklistError {
        origin: origin.to_string(),
        problems: vec![Problem {
            line,
            column,
            message,
        }],
    }
}

fn line_column_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// Parses checklist text; `origin` names it in messages.
pub fn parse(source: &str, origin: &str) -> Result<Checklist, ChecklistError> {
    let blank = |line: &str| line.trim().is_empty() || line.trim_start().starts_with('#');
    if source.lines().all(blank) {
        return Err(single(origin, 1, 1, EMPTY.to_string()));
    }
    if let Err(over) = super::limits::check(source) {
        return Err(single(origin, over.line, over.column, over.message));
    }
    let raw: RawChecklist = serde_yaml::from_str(source).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|at| (at.line(), at.column()))
            .unwrap_or((1, 1));
        single(origin, line, column, serde_message(&err))
    })?;
    let mut raw = raw;
    if let Some(super::raw::RawVersion::Float(_)) = raw.version {
        // `version: 1.10` means "1.10", not the number 1.1: keep the text as written.
        if let Some(text) = scalar_text(source, "version") {
            raw.version = Some(super::raw::RawVersion::Text(text));
        }
    }
    let mut checker = Checker::default();
    let checklist = checker.build(raw);
    let Some(pending) = checker.problems() else {
        return Ok(checklist);
    };
    let index = PositionIndex::build(source);
    let mut problems: Vec<Problem> = pending
        .into_iter()
        .map(|pending| resolve(pending, &index))
        .collect();
    problems.sort_by_key(|p| (p.line, p.column));
    Err(ChecklistError {
        origin: origin.to_string(),
        problems,
    })
}

/// The problem at the position `index` gives its path.
fn resolve(pending: Pending, index: &PositionIndex) -> Problem {
    let at = index.find(&pending.path);
    let mut message = pending.message;
    if let Some(first) = pending.first_at.and_then(|path| index.find(&path)) {
        message.push_str(&format!(" (first at line {})", first.line));
    }
    Problem {
        line: at.map_or(1, |p| p.line),
        column: at.map_or(1, |p| p.column),
        message,
    }
}

/// The text of the scalar at `path` as written in `source`.
fn scalar_text(source: &str, path: &str) -> Option<String> {
    let at = PositionIndex::build(source).find(path)?;
    let line = source.lines().nth(at.line - 1)?;
    let rest = line.get(at.column - 1..)?;
    let value = rest.split(" #").next()?.trim();
    Some(value.trim_matches(['"', '\'']).to_string())
}

/// serde_yaml's message without the position it appends (we print that first), and with
/// the names of greenlight's internal types put the way the file's author knows them.
fn serde_message(err: &serde_yaml::Error) -> String {
    let mut text = err.to_string();
    for (internal, known) in [
        (
            "struct RawChecklist",
            "a checklist (a mapping with `id`, `title`, `matrix` and `sections`)",
        ),
        (
            "struct RawMatrix",
            "a matrix (a mapping with `browsers` and `viewports`)",
        ),
        (
            "struct RawBrowser",
            "a browser (a mapping with `id`, and `name` or `launch`)",
        ),
        (
            "struct RawViewport",
            "a viewport (a mapping with `id`, `width` and `height`)",
        ),
        (
            "struct RawExclusion",
            "an exclusion (a mapping with `browser` and/or `viewport`)",
        ),
        (
            "struct RawPolicy",
            "a policy (a mapping with `block_on_severity`, `require_complete`, `allow_skip`, `approvals` and `global_paths`)",
        ),
        (
            "struct RawSection",
            "a section (a mapping with `id`, `title` and `items`)",
        ),
        (
            "struct RawItem",
            "an item (a mapping with `id` and `title`)",
        ),
        (
            "struct RawOnly",
            "`only` (a mapping with `browsers` and/or `viewports`)",
        ),
        (
            "untagged enum RawVersion",
            "a version (a number or a string)",
        ),
        ("i64", "a whole number"),
    ] {
        text = text.replace(internal, known);
    }
    match err.location() {
        Some(at) => {
            let suffix = format!(" at line {} column {}", at.line(), at.column());
            text.strip_suffix(&suffix).unwrap_or(&text).to_string()
        }
        None => text,
    }
}

const EMPTY: &str =
    "the file is empty; a checklist needs at least `id`, `title`, `matrix` and `sections`";
