//! Results typed into a spreadsheet, read back as entries to record: the long layout of
//! `export` (one row per cell) or the grid (one row per item, a column per environment).
//! Nothing is recorded unless every row that names a change can be recorded.

use anyhow::{Result, bail};

use super::table::Sheet;
use crate::checklist::{Checklist, Severity, UnknownSeverity};
use crate::export::unguarded;
use crate::run::{NewResult, Run};
use crate::status::{Status, UNTESTED, UnknownStatus};

/// One result the sheet asks for, with the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetResult {
    pub row: usize,
    /// The `run` column of the row, when the sheet has one.
    pub from_run: Option<String>,
    pub result: NewResult,
}

/// A row that cannot be recorded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub why: String,
}

/// Why a row holds no result that can be recorded, before it is checked against the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error(transparent)]
    Status(#[from] UnknownStatus),
    #[error(transparent)]
    Severity(#[from] UnknownSeverity),
}

/// What a sheet asks for: the results its rows hold, and the rows that hold none it can
/// say (a word that is no status, a severity that is no level).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetRows {
    pub results: Vec<SheetResult>,
    pub problems: Vec<RowProblem>,
}

/// Why nothing was recorded: every row that cannot be, by its number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "nothing was recorded: {} rows cannot be recorded\n  {}",
    .0.len(),
    .0.iter().map(|p| format!("row {}: {}", p.row, p.why)).collect::<Vec<_>>().join("\n  ")
)]
pub struct RowsRefused(pub Vec<RowProblem>);

/// Reads the results a sheet holds. Rows whose status is empty or `untested` say nothing.
pub fn results_of(sheet: &Sheet, checklist: &Checklist) -> Result<SheetRows> {
    // Every cell as it was before the export guarded it against formulas.
    let unguarded_sheet = Sheet {
        name: sheet.name.clone(),
        rows: sheet
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| unguarded(c.trim()).into_owned())
                    .collect()
            })
            .collect(),
    };
    let sheet = &unguarded_sheet;
    let Some(header_row) = sheet
        .rows
        .iter()
        .position(|row| row.iter().any(|cell| !cell.trim().is_empty()))
    else {
        bail!("the sheet `{}` is empty", sheet.name);
    };
    let header: Vec<String> = sheet.rows[header_row]
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    match (
        column("item"),
        column("browser"),
        column("viewport"),
        column("status"),
    ) {
        (Some(item), Some(browser), Some(viewport), Some(status)) => Ok(long_rows(
            sheet,
            header_row,
            column("run"),
            [item, browser, viewport, status],
            column("severity"),
            column("note"),
        )),
        (Some(item), ..) => grid_rows(sheet, header_row, &header, item, checklist),
        _ => bail!(
            "the sheet `{}` has neither the long layout (item, browser, viewport, status columns) \
             nor the grid (item, then one column per environment such as chrome/phone)",
            sheet.name
        ),
    }
}

/// Whether a status cell says anything: empty and `untested` do not.
fn meaningful(status: &str) -> bool {
    !status.is_empty() && !status.eq_ignore_ascii_case(UNTESTED)
}

/// Cell `i` of `row` (already trimmed and unguarded); empty when the row is short.
fn get(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

/// Cell `column` of `row` when the sheet has that column; empty otherwise.
fn optional(row: &[String], column: Option<usize>) -> &str {
    column.map_or("", |i| get(row, i))
}

/// The result a row asks for, or why it asks for none that can be recorded.
fn row_result(
    [item, browser, viewport, status]: [&str; 4],
    severity: &str,
    note: &str,
) -> Result<NewResult, RowError> {
    let status: Status = status.parse()?;
    let severity = match severity {
        "" => None,
        // A severity left in a row that no longer fails means nothing.
        _ if status != Status::Fail => None,
        text => Some(text.parse::<Severity>()?),
    };
    Ok(NewResult {
        severity,
        note: (!note.is_empty()).then(|| note.to_string()),
        ..NewResult::new(item, browser, viewport, status)
    })
}

fn collect(
    rows: impl Iterator<Item = (usize, Option<String>, Result<NewResult, RowError>)>,
) -> SheetRows {
    let mut out = SheetRows::default();
    for (row, from_run, result) in rows {
        match result {
            Ok(result) => out.results.push(SheetResult {
                row,
                from_run,
                result,
            }),
            Err(why) => out.problems.push(RowProblem {
                row,
                why: why.to_string(),
            }),
        }
    }
    out
}

fn long_rows(
    sheet: &Sheet,
    header_row: usize,
    run: Option<usize>,
    [item, browser, viewport, status]: [usize; 4],
    severity: Option<usize>,
    note: Option<usize>,
) -> SheetRows {
    collect(
        sheet
            .rows
            .iter()
            .enumerate()
            .skip(header_row + 1)
            .filter(|(_, row)| meaningful(get(row, status)))
            .map(|(n, row)| {
                let ids = [item, browser, viewport, status].map(|i| get(row, i));
                let from_run = Some(optional(row, run).to_string()).filter(|r| !r.is_empty());
                let result = row_result(ids, optional(row, severity), optional(row, note));
                (n + 1, from_run, result)
            }),
    )
}

fn grid_rows(
    sheet: &Sheet,
    header_row: usize,
    header: &[String],
    item: usize,
    checklist: &Checklist,
) -> Result<SheetRows> {
    let mut environments = Vec::new();
    for (column, name) in header.iter().enumerate() {
        if let Some((browser, viewport)) = name.split_once('/') {
            if checklist.browser_by_id(browser).is_none()
                || checklist.viewport_by_id(viewport).is_none()
            {
                bail!("column `{name}` names no environment of the checklist");
            }
            environments.push((column, browser.to_string(), viewport.to_string()));
        }
    }
    let mut rows = Vec::new();
    for (n, row) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        let item_id = get(row, item);
        for (column, browser, viewport) in &environments {
            let status = get(row, *column);
            if meaningful(status) {
                let result = row_result([item_id, browser, viewport, status], "", "");
                rows.push((n + 1, None, result));
            }
        }
    }
    Ok(collect(rows.into_iter()))
}

/// The sheet's results that differ from the run's, each checked as `record` would check it.
/// Any row that cannot be recorded refuses the whole import, naming every such row.
pub fn changes(run: &Run, rows: SheetRows) -> Result<Vec<SheetResult>, RowsRefused> {
    let mut problems = rows.problems;
    let mut changed = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for mut wanted in rows.results {
        let row = wanted.row;
        if let Some(other) = wanted.from_run.as_deref().filter(|r| *r != run.meta().id) {
            problems.push(RowProblem {
                row,
                why: format!("comes from run {other}, not {}", run.meta().id),
            });
            continue;
        }
        let r = &wanted.result;
        let key = (r.item.clone(), r.browser.clone(), r.viewport.clone());
        if let Some(first) = seen.insert(key, row) {
            problems.push(RowProblem {
                row,
                why: format!(
                    "{} {}/{} is also on row {first}; keep one of them",
                    r.item, r.browser, r.viewport
                ),
            });
            continue;
        }
        let current = current_result(run, r);
        // What the sheet leaves out of a cell whose status it keeps stays as recorded: the
        // note and severity (the grid has neither) and the evidence (no sheet carries it).
        if let Some(current) = current
            && current.status == wanted.result.status
        {
            if wanted.result.note.is_none() {
                wanted.result.note = current.note.clone();
            }
            if wanted.result.severity.is_none() {
                wanted.result.severity = current.severity;
            }
            wanted.result.kept_evidence = current.evidence.clone();
        }
        match run.prepare(&wanted.result, "", String::new(), 0) {
            Err(err) => problems.push(RowProblem {
                row,
                why: err.to_string(),
            }),
            Ok(entry) => {
                let same = current.is_some_and(|c| {
                    c.status == entry.status && c.severity == entry.severity && c.note == entry.note
                });
                if !same {
                    changed.push(wanted);
                }
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(RowsRefused(problems));
    }
    Ok(changed)
}

/// The result that counts now for the cell `wanted` names, if it names one.
fn current_result<'a>(run: &'a Run, wanted: &NewResult) -> Option<&'a crate::journal::ResultEntry> {
    let cell = run
        .checklist()
        .cell_by_ids(&wanted.item, &wanted.browser, &wanted.viewport)?;
    run.latest(cell)
}
