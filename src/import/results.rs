//! Results typed into a spreadsheet, read back as entries to record: the long layout of
//! `export` (one row per cell) or the grid (one row per item, a column per environment).
//! Nothing is recorded unless every row that names a change can be recorded.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};

use super::table::{Sheet, read_sheets};
use crate::checklist::Checklist;
use crate::cli::ImportResultsArgs;
use crate::commands::Env;
use crate::config::{Config, Tester};
use crate::exit::NotGood;
use crate::run::{NewResult, Run, RunSession};

/// One result the sheet asks for, with the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetResult {
    pub row: usize,
    /// The `run` column of the row, when the sheet has one.
    pub from_run: Option<String>,
    pub result: NewResult,
}

/// Reads the results a sheet holds. Rows whose status is empty or `untested` say nothing.
pub fn results_of(sheet: &Sheet, checklist: &Checklist) -> Result<Vec<SheetResult>> {
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

/// Text as it was before export's spreadsheet-safety quote.
fn unquoted(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

fn meaningful(status: &str) -> bool {
    !status.is_empty() && status != "untested"
}

/// `1`, `2`, `3`, or `blocker`, `major`, `minor`; anything else is 0, which `record`'s
/// checks refuse with the row's number.
fn severity_level(text: &str) -> i64 {
    match text.to_ascii_lowercase().as_str() {
        "blocker" => 1,
        "major" => 2,
        "minor" => 3,
        other => other.parse().unwrap_or(0),
    }
}

/// Cell `i` of `row`, trimmed and unquoted; empty when the row is short.
fn get(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", |c| unquoted(c.trim()))
}

fn long_rows(
    sheet: &Sheet,
    header_row: usize,
    run: Option<usize>,
    [item, browser, viewport, status]: [usize; 4],
    severity: Option<usize>,
    note: Option<usize>,
) -> Vec<SheetResult> {
    sheet
        .rows
        .iter()
        .enumerate()
        .skip(header_row + 1)
        .filter(|(_, row)| meaningful(&get(row, status).to_ascii_lowercase()))
        .map(|(n, row)| {
            let status_word = get(row, status).to_ascii_lowercase();
            SheetResult {
                row: n + 1,
                from_run: run
                    .map(|i| get(row, i).to_string())
                    .filter(|r| !r.is_empty()),
                result: NewResult {
                    item: get(row, item).to_string(),
                    browser: get(row, browser).to_string(),
                    viewport: get(row, viewport).to_string(),
                    severity: severity
                        .map(|i| get(row, i))
                        .filter(|s| !s.is_empty() && status_word == "fail")
                        .map(severity_level),
                    note: note
                        .map(|i| get(row, i).to_string())
                        .filter(|n| !n.is_empty()),
                    status: status_word,
                    ..NewResult::default()
                },
            }
        })
        .collect()
}

fn grid_rows(
    sheet: &Sheet,
    header_row: usize,
    header: &[String],
    item: usize,
    checklist: &Checklist,
) -> Result<Vec<SheetResult>> {
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
    let mut out = Vec::new();
    for (n, row) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        let item_id = row.get(item).map_or("", |c| c.trim());
        for (column, browser, viewport) in &environments {
            let status = row
                .get(*column)
                .map_or("", |c| c.trim())
                .to_ascii_lowercase();
            if meaningful(&status) {
                out.push(SheetResult {
                    row: n + 1,
                    from_run: None,
                    result: NewResult {
                        item: item_id.to_string(),
                        browser: browser.clone(),
                        viewport: viewport.clone(),
                        status,
                        ..NewResult::default()
                    },
                });
            }
        }
    }
    Ok(out)
}

/// The sheet's results that differ from the run's, each checked as `record` would check it.
/// Any row that cannot be recorded refuses the whole import, naming every such row.
pub fn changes(run: &Run, wanted: Vec<SheetResult>) -> Result<Vec<SheetResult>> {
    let mut problems = Vec::new();
    let mut changed = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for mut wanted in wanted {
        if let Some(other) = wanted.from_run.as_deref().filter(|r| *r != run.meta.id) {
            problems.push(format!(
                "row {}: comes from run {other}, not {}",
                wanted.row, run.meta.id
            ));
            continue;
        }
        let r = &wanted.result;
        let key = (r.item.clone(), r.browser.clone(), r.viewport.clone());
        if let Some(first) = seen.insert(key, wanted.row) {
            problems.push(format!(
                "row {}: {} {}/{} is also on row {first}; keep one of them",
                wanted.row, r.item, r.browser, r.viewport
            ));
            continue;
        }
        let current = run
            .checklist
            .item_by_id(&wanted.result.item)
            .zip(run.checklist.browser_by_id(&wanted.result.browser))
            .zip(run.checklist.viewport_by_id(&wanted.result.viewport))
            .and_then(|((item, b), v)| {
                let environment = run.checklist.environment_of(b, v)?;
                run.latest(crate::checklist::Cell { item, environment })
            });
        // What the sheet leaves out of a cell whose status it keeps stays as recorded: the
        // note and severity (the grid has neither) and the evidence (no sheet carries it).
        if let Some(current) = current
            && current.status.as_str() == wanted.result.status
        {
            if wanted.result.note.is_none() {
                wanted.result.note = current.note.clone();
            }
            if wanted.result.severity.is_none() {
                wanted.result.severity = current.severity.map(i64::from);
            }
            wanted.result.kept_evidence = current.evidence.clone();
        }
        match run.prepare(&wanted.result, "", String::new(), 0) {
            Err(err) => problems.push(format!("row {}: {err:#}", wanted.row)),
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
        return Err(NotGood(format!(
            "nothing was recorded: {} rows cannot be recorded\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
        .into());
    }
    Ok(changed)
}

/// `greenlight import-results RUN FILE`: show what changes, ask, record.
pub fn import(env: &Env, args: &ImportResultsArgs) -> Result<()> {
    let id = env.store.resolve(Some(&args.run))?;
    let config = Config::load(&env.paths.config_file)?;
    let tester = Tester::find(args.tester.as_deref(), &config, &env.paths.config_file)?.to_string();
    let sheets = read_sheets(&args.file)?;
    let sheet = sheets
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case("results"))
        .or_else(|| sheets.first())
        .with_context(|| format!("{} has no sheet", args.file.display()))?;
    let mut session = RunSession::open(&env.store, &id, &mut crate::commands::warn_to_stderr)?;
    let wanted = results_of(sheet, &session.run.checklist)
        .with_context(|| format!("in {}", args.file.display()))?;
    let changes = changes(&session.run, wanted)?;
    if changes.is_empty() {
        println!(
            "nothing to record: {} agrees with run {id}",
            args.file.display()
        );
        return Ok(());
    }
    println!(
        "{} results in {} differ from run {id}:",
        changes.len(),
        args.file.display()
    );
    for change in &changes {
        let r = &change.result;
        let note = r
            .note
            .as_deref()
            .map(|n| format!(" — {}", n.replace('\n', " ")))
            .unwrap_or_default();
        println!(
            "  row {}: {} {}/{} → {}{note}",
            change.row, r.item, r.browser, r.viewport, r.status
        );
    }
    if !args.yes && !confirm(changes.len(), &tester)? {
        println!("nothing recorded");
        return Ok(());
    }
    for change in &changes {
        session
            .record(&change.result, &tester)
            .with_context(|| format!("row {}", change.row))?;
    }
    println!("recorded {} results in run {id} as {tester}", changes.len());
    Ok(())
}

fn confirm(count: usize, tester: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "{count} results would be recorded; pass --yes to record them without a terminal to ask on"
        );
    }
    print!("record them as {tester}? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
