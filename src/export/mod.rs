//! Writing a run's results: CSV in the long and grid layouts of DESIGN.md §4, and JSON with
//! the whole run, history included.

pub mod html;
pub mod xlsx;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::checklist::Checklist;
use crate::journal::Entry;
use crate::results::Counts;
use crate::run::Run;
use crate::status::{Status, UNTESTED, word};
use crate::store::RunMeta;
use crate::verdict::Verdict;

/// The columns of the long layout, in order.
pub const LONG_COLUMNS: [&str; 18] = [
    "run",
    "release",
    "commit",
    "checklist",
    "section",
    "item",
    "title",
    "browser",
    "viewport",
    "width",
    "height",
    "status",
    "severity",
    "note",
    "evidence",
    "tester",
    "recorded_at",
    "carried_from",
];

/// How CSV text fields are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    /// Text that a spreadsheet would take for a formula gets a leading `'`.
    Spreadsheet,
    /// Text is written exactly as recorded (`--raw`).
    Raw,
}

/// The characters that make a spreadsheet read a cell as a formula when they start it
/// (DESIGN.md §4).
const FORMULA_STARTERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_a_formula(text: &str) -> bool {
    text.starts_with(FORMULA_STARTERS)
}

/// Separators after which a spreadsheet in some locale starts a new cell, even inside a
/// quoted CSV field (a `;` locale opening a `,` file splits at every `;`).
const SEPARATORS: [char; 2] = [';', ','];

/// Where, in `text`, a formula would start a cell after a separator: the byte positions of
/// the starters that follow a `;` or `,` (spaces between allowed). The separators are ASCII,
/// so the scan is over bytes: UTF-8 never puts an ASCII byte inside another character.
fn formulas_after_separators(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| SEPARATORS.contains(&char::from(b)))
        .filter_map(|(at, _)| {
            let after = at + 1;
            let rest = &text[after..];
            let start = after + (rest.len() - rest.trim_start_matches(' ').len());
            starts_a_formula(&text[start..]).then_some(start)
        })
        .collect()
}

impl Safety {
    /// `text` as it goes into a CSV field: with a leading `'` when it starts like a formula
    /// or holds one after a `;` or `,`, and a `'` before each such inner formula too, so that
    /// no cell a spreadsheet makes of it, however it splits, starts a formula.
    pub fn field<'a>(self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if self == Safety::Raw {
            return text.into();
        }
        let inner = formulas_after_separators(text);
        if !starts_a_formula(text) && inner.is_empty() {
            return text.into();
        }
        let mut out = String::with_capacity(text.len() + inner.len() + 1);
        out.push('\'');
        let mut copied = 0;
        for at in inner {
            out.push_str(&text[copied..at]);
            out.push('\'');
            copied = at;
        }
        out.push_str(&text[copied..]);
        out.into()
    }
}

/// A field as it was before [`Safety::field`] guarded it: what an import of an exported
/// sheet reads back. Text that guarding would not have made is returned as it is.
pub fn unguarded(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = text.strip_prefix('\'') else {
        return text.into();
    };
    // Take out the `'` put before each inner formula, then check guarding gives `text` back.
    let mut candidate = String::with_capacity(rest.len());
    let mut after_separator = false;
    for (at, c) in rest.char_indices() {
        if c == '\'' && after_separator && starts_a_formula(&rest[at + 1..]) {
            after_separator = false;
            continue;
        }
        if SEPARATORS.contains(&c) {
            after_separator = true;
        } else if c != ' ' {
            after_separator = false;
        }
        candidate.push(c);
    }
    if Safety::Spreadsheet.field(&candidate) == text {
        candidate.into()
    } else {
        text.into()
    }
}

fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// One row per cell, in checklist order.
pub fn write_long_csv(run: &Run, safety: Safety, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv_writer(out);
    writer.write_record(LONG_COLUMNS)?;
    let checklist = run.checklist();
    let meta = run.meta();
    let commit = meta.commit.as_deref().unwrap_or("");
    let mut row: Vec<std::borrow::Cow<str>> = Vec::with_capacity(LONG_COLUMNS.len());
    for cell in checklist.cells() {
        let item = &checklist.items[cell.item];
        let env = checklist.environments[cell.environment];
        let viewport = &checklist.viewports[env.viewport];
        let latest = run.latest(cell);
        row.clear();
        row.push(safety.field(&meta.id));
        row.push(safety.field(&meta.release));
        row.push(safety.field(commit));
        row.push(safety.field(&checklist.id));
        row.push(safety.field(&checklist.sections[item.section].id));
        row.push(safety.field(&item.id));
        row.push(safety.field(&item.title));
        row.push(safety.field(&checklist.browsers[env.browser].id));
        row.push(safety.field(&viewport.id));
        row.push(viewport.width.to_string().into());
        row.push(viewport.height.to_string().into());
        match latest {
            Some(result) => {
                row.push(result.status.as_str().into());
                row.push(
                    result
                        .severity
                        .map(|s| s.to_string())
                        .unwrap_or_default()
                        .into(),
                );
                row.push(safety.field(result.note.as_deref().unwrap_or("")));
                let evidence: Vec<&str> = result.evidence.iter().map(|e| e.path.as_str()).collect();
                row.push(safety.field(&evidence.join(";")).into_owned().into());
                let (tester, at) = result.tested();
                row.push(safety.field(tester));
                row.push(at.into());
                row.push(carried_from(result).into());
            }
            None => {
                row.push(UNTESTED.into());
                row.extend(std::iter::repeat_n("".into(), 6));
            }
        }
        writer.write_record(row.iter().map(|f| f.as_bytes()))?;
    }
    writer.flush()?;
    Ok(())
}

/// The `carried_from` field of a result: the sha256 of the approval its pass was carried
/// from, empty for a result tested in the run.
pub fn carried_from(result: &crate::journal::ResultEntry) -> &str {
    result
        .carried_from
        .as_ref()
        .map_or("", |from| from.statement.as_str())
}

/// One row per item, one column per environment holding the status (empty where the item
/// does not apply).
pub fn write_grid_csv(run: &Run, safety: Safety, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv_writer(out);
    let checklist = run.checklist();
    let mut header = vec!["section".to_string(), "item".into(), "title".into()];
    header.extend((0..checklist.environments.len()).map(|e| checklist.environment_key(e)));
    writer.write_record(&header)?;
    for (index, item) in checklist.items.iter().enumerate() {
        let mut row: Vec<std::borrow::Cow<str>> = vec![
            safety.field(&checklist.sections[item.section].id),
            safety.field(&item.id),
            safety.field(&item.title),
        ];
        for environment in 0..checklist.environments.len() {
            let cell = crate::checklist::Cell {
                item: index,
                environment,
            };
            row.push(if checklist.applies(index, environment) {
                word(run.status(cell)).into()
            } else {
                "".into()
            });
        }
        writer.write_record(row.iter().map(|f| f.as_bytes()))?;
    }
    writer.flush()?;
    Ok(())
}

/// The whole run as one JSON document: description, counts, verdict, every cell's latest
/// result and the full history.
pub fn write_json(run: &Run, out: &mut dyn Write) -> Result<()> {
    let document = RunDocument::new(run);
    crate::untrusted::write_json_pretty(&mut *out, &document)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[derive(Serialize)]
struct RunDocument<'a> {
    run: &'a RunMeta,
    counts: Counts,
    total: usize,
    verdict: Verdict,
    environments: Vec<EnvironmentDocument>,
    cells: Vec<CellDocument<'a>>,
    history: &'a [Entry],
}

/// An environment as scripts see it: ids, names and size.
#[derive(Serialize)]
pub struct EnvironmentDocument {
    pub key: String,
    pub browser: String,
    pub viewport: String,
    pub label: String,
    pub width: u32,
    pub height: u32,
}

impl EnvironmentDocument {
    /// Every environment of `checklist`, in order.
    pub fn all(checklist: &Checklist) -> Vec<EnvironmentDocument> {
        (0..checklist.environments.len())
            .map(|e| {
                let env = checklist.environments[e];
                let viewport = &checklist.viewports[env.viewport];
                EnvironmentDocument {
                    key: checklist.environment_key(e),
                    browser: checklist.browsers[env.browser].id.clone(),
                    viewport: viewport.id.clone(),
                    label: checklist.environment_label(e),
                    width: viewport.width,
                    height: viewport.height,
                }
            })
            .collect()
    }
}

#[derive(Serialize)]
struct CellDocument<'a> {
    section: &'a str,
    item: &'a str,
    browser: &'a str,
    viewport: &'a str,
    #[serde(with = "crate::status::or_untested")]
    status: Option<Status>,
    /// Who tested it and when (UTC): for a carried pass, the earlier approval's tester and
    /// time, not this run's.
    #[serde(skip_serializing_if = "Option::is_none")]
    tested_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tested_at: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    carried: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a crate::journal::ResultEntry>,
}

impl<'a> RunDocument<'a> {
    fn new(run: &'a Run) -> Self {
        let checklist = run.checklist();
        let counts = run.counts();
        let cells = checklist
            .cells()
            .map(|cell| {
                let item = &checklist.items[cell.item];
                let env = checklist.environments[cell.environment];
                let result = run.latest(cell);
                CellDocument {
                    section: &checklist.sections[item.section].id,
                    item: &item.id,
                    browser: &checklist.browsers[env.browser].id,
                    viewport: &checklist.viewports[env.viewport].id,
                    status: result.map(|r| r.status),
                    tested_by: result.map(|r| r.tested().0),
                    tested_at: result.map(|r| r.tested().1),
                    carried: result.is_some_and(|r| r.carried_from.is_some()),
                    result,
                }
            })
            .collect();
        RunDocument {
            run: run.meta(),
            counts,
            total: counts.total(),
            verdict: run.verdict(),
            environments: EnvironmentDocument::all(checklist),
            cells,
            history: run.entries(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_are_quoted_unless_raw() {
        for risky in ["=1+1", "+49 30", "-x", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(Safety::Spreadsheet.field(risky), format!("'{risky}"));
            assert_eq!(Safety::Raw.field(risky), risky);
            assert_eq!(unguarded(&Safety::Spreadsheet.field(risky)), risky);
        }
        for plain in ["fine", "a=b", "", "'already", "a;b", "x; y"] {
            assert_eq!(Safety::Spreadsheet.field(plain), plain);
            assert_eq!(unguarded(plain), plain);
        }
    }

    #[test]
    fn a_formula_after_a_separator_is_guarded_where_a_spreadsheet_would_split() {
        for (risky, guarded) in [
            ("x;=cmd|' /C calc'!A0;y", "'x;'=cmd|' /C calc'!A0;y"),
            ("a, -2px", "'a, '-2px"),
            ("=1;@SUM(A1)", "'=1;'@SUM(A1)"),
            ("ok;\tx", "'ok;'\tx"),
        ] {
            let written = Safety::Spreadsheet.field(risky);
            assert_eq!(written, guarded);
            // However a spreadsheet splits the field, no cell starts a formula.
            for cell in written.split(SEPARATORS) {
                assert!(!starts_a_formula(cell.trim_start_matches(' ')), "{cell:?}");
            }
            assert_eq!(unguarded(&written), risky, "the round trip is exact");
        }
    }
}
