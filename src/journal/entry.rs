//! The lines of a journal: a result or an undo, and how a line is read back into one with
//! every field checked.

use serde::{Deserialize, Serialize};

use crate::checklist::Severity;
use crate::status::Status;

/// An attached screenshot or recording, fixed by its hash when attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Where the file is kept: `evidence/SHA256.EXT` inside the run folder (a run made
    /// before evidence was copied holds the original absolute path).
    pub path: String,
    pub sha256: String,
    /// The file's name when it was attached, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Where a carried pass came from (DESIGN.md §7): the earlier approval that gave it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarriedFrom {
    /// The sha256 of the earlier statement's exact bytes.
    pub statement: String,
    /// The commit that statement approved.
    pub commit: String,
    /// Who signed it: `Name <email>`.
    pub tester: String,
    /// Who tested the cell in the earlier run, and when (UTC, RFC 3339), when the approval
    /// says: what the exports show for a carried pass, rather than this run's tester and
    /// the moment it was carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tested_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tested_at: Option<String>,
}

impl CarriedFrom {
    /// The approval this came from, without the cell's own facts: what carried passes are
    /// grouped by.
    pub fn approval(&self) -> (&str, &str, &str) {
        (&self.statement, &self.commit, &self.tester)
    }
}

/// One result entered for one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultEntry {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub at: String,
    pub tester: String,
    pub item: String,
    pub browser: String,
    pub viewport: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Set on a pass carried from an earlier approval instead of tested in this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<Box<CarriedFrom>>,
}

impl ResultEntry {
    /// Who tested the cell and when (UTC): for a pass carried from an earlier approval, the
    /// tester and time of that approval's own result — not this run's tester at the moment
    /// it was carried. What every export shows, in one place.
    pub fn tested(&self) -> (&str, &str) {
        match &self.carried_from {
            Some(from) => (
                from.tested_by.as_deref().unwrap_or(&from.tester),
                from.tested_at.as_deref().unwrap_or(&self.at),
            ),
            None => (&self.tester, &self.at),
        }
    }
}

/// Withdraws an earlier result; the cell goes back to what it was before that result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndoEntry {
    pub seq: u64,
    pub at: String,
    pub tester: String,
    /// The `seq` of the result entry withdrawn.
    pub undoes: u64,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "Line")]
pub enum Entry {
    Result(ResultEntry),
    Undo(UndoEntry),
}

impl Entry {
    /// The entry's position in the journal, from 1.
    pub fn seq(&self) -> u64 {
        match self {
            Entry::Result(r) => r.seq,
            Entry::Undo(u) => u.seq,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Result,
    Undo,
}

/// A journal line with the fields of every kind, read in one pass and then checked into an
/// [`Entry`]. (serde reads an internally tagged enum by first copying each line into a
/// generic tree: twice the work, and a quarter of the time it takes to open a large run.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    kind: Kind,
    seq: u64,
    at: String,
    tester: String,
    item: Option<String>,
    browser: Option<String>,
    viewport: Option<String>,
    status: Option<Status>,
    severity: Option<Severity>,
    note: Option<String>,
    evidence: Option<Vec<Evidence>>,
    carried_from: Option<Box<CarriedFrom>>,
    undoes: Option<u64>,
}

/// Why a journal line that is valid JSON is still not an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("a result entry has an `undoes` field")]
    UndoFieldInResult,
    #[error("an undo entry has fields of a result entry")]
    ResultFieldInUndo,
}

impl TryFrom<Line> for Entry {
    type Error = ShapeError;

    fn try_from(line: Line) -> Result<Entry, ShapeError> {
        let missing = ShapeError::Missing;
        match line.kind {
            Kind::Result => {
                if line.undoes.is_some() {
                    return Err(ShapeError::UndoFieldInResult);
                }
                Ok(Entry::Result(ResultEntry {
                    seq: line.seq,
                    at: line.at,
                    tester: line.tester,
                    item: line.item.ok_or(missing("item"))?,
                    browser: line.browser.ok_or(missing("browser"))?,
                    viewport: line.viewport.ok_or(missing("viewport"))?,
                    status: line.status.ok_or(missing("status"))?,
                    severity: line.severity,
                    note: line.note,
                    evidence: line.evidence.unwrap_or_default(),
                    carried_from: line.carried_from,
                }))
            }
            Kind::Undo => {
                let result_fields = [
                    line.item.is_some(),
                    line.browser.is_some(),
                    line.viewport.is_some(),
                    line.status.is_some(),
                    line.severity.is_some(),
                    line.note.is_some(),
                    line.evidence.is_some(),
                    line.carried_from.is_some(),
                ];
                if result_fields.contains(&true) {
                    return Err(ShapeError::ResultFieldInUndo);
                }
                Ok(Entry::Undo(UndoEntry {
                    seq: line.seq,
                    at: line.at,
                    tester: line.tester,
                    undoes: line.undoes.ok_or(missing("undoes"))?,
                }))
            }
        }
    }
}
