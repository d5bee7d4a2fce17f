//! The XLSX workbook: `Results` (the long layout as a real table), `Matrix` (glyphs per
//! cell), `Summary` and `Failures`. Every text goes in as text, never as a formula, so the
//! spreadsheet-safety rule holds by construction; numbers and times are real numbers and
//! date-times. The Results sheet is written in rust_xlsxwriter's constant-memory mode, so a
//! run of any size is written row by row.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Table, TableColumn, TableStyle, Workbook, Worksheet,
    XlsxError,
};

use super::LONG_COLUMNS;
use crate::checklist::Cell;
use crate::run::Run;
use crate::status::{STATES, Status, Tone, legend, look, state_index, word};

/// The fill of a status cell, in colours spreadsheet users know (Excel's good/bad/neutral).
fn status_format(status: Option<Status>) -> Format {
    let (fill, font) = match look(status).tone {
        Tone::Good => (0xC6EFCE, 0x006100),
        Tone::Bad => (0xFFC7CE, 0x9C0006),
        Tone::Warning => (0xFFEB9C, 0x9C5700),
        Tone::Muted => (0xD9D9D9, 0x404040),
        Tone::Faint => (0xFFFFFF, 0x808080),
        Tone::Carried => (0xDDEBF7, 0x1F4E78),
    };
    Format::new()
        .set_background_color(Color::RGB(fill))
        .set_font_color(Color::RGB(font))
}

/// The most characters a cell holds (Excel's limit; rust_xlsxwriter refuses more).
const CELL_LIMIT: usize = 32_767;

/// Text cut to what a cell holds, saying so; the CSV and JSON exports keep all of it.
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= CELL_LIMIT {
        return text.into();
    }
    let marker = " […cut: the CSV export has all of it]";
    let kept: String = text
        .chars()
        .take(CELL_LIMIT - marker.chars().count())
        .collect();
    format!("{kept}{marker}").into()
}

fn heading() -> Format {
    Format::new().set_bold()
}

/// The rows a worksheet holds (Excel's limit), the header row included.
pub const MAX_SHEET_ROWS: usize = 1_048_576;

/// Writes the workbook for `run` to `path`, replacing it whole (temporary file, then rename).
/// A run with more cells than a sheet has rows is refused before anything is written.
pub fn write_workbook(run: &Run, path: &Path) -> Result<()> {
    let cells = run.checklist().cell_count();
    if cells + 1 > MAX_SHEET_ROWS {
        anyhow::bail!(
            "the run has {cells} cells and a workbook sheet holds {} rows; export it as CSV \
             (`--format csv`, or `-o results.csv`), which has no such limit",
            MAX_SHEET_ROWS - 1
        );
    }
    let mut workbook = Workbook::new();
    write_results(run, workbook.add_worksheet_with_constant_memory()?)?;
    // The sheets with a row per item or per failure are written row by row, in order, so
    // each row goes to disk as the next begins; the summary is small.
    write_matrix(run, workbook.add_worksheet_with_constant_memory()?)?;
    write_summary(run, workbook.add_worksheet())?;
    write_failures(run, workbook.add_worksheet_with_constant_memory()?)?;
    crate::fsutil::replace_file_with(path, |file| Ok(workbook.save_to_writer(file)?))
}

/// Column widths of the long layout, in characters.
const RESULT_WIDTHS: [f64; 18] = [
    15.0, 10.0, 12.0, 12.0, 14.0, 22.0, 44.0, 10.0, 10.0, 7.0, 7.0, 10.0, 9.0, 48.0, 30.0, 28.0,
    20.0, 20.0,
];

/// The most result rows written as an Excel table (banded, with its own name). Past it the
/// header gets a plain autofilter — the same sorting and filtering — because the writer keeps
/// every cell of a table in a map to check for overlaps: about 70 MB at 120,000 rows.
const MAX_TABLE_ROWS: u32 = 50_000;

/// Whether `rows` results are written as a table rather than under an autofilter.
fn as_table(rows: u32) -> bool {
    rows <= MAX_TABLE_ROWS
}

fn write_results(run: &Run, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name("Results")?;
    let checklist = run.checklist();
    let meta = run.meta();
    let rows = checklist.cell_count() as u32;
    for (column, width) in RESULT_WIDTHS.iter().enumerate() {
        sheet.set_column_width(column as u16, *width)?;
    }
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    // The time says it is UTC in the cell itself: a spreadsheet shows no time zone.
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss \"UTC\"");
    // The header row (with the table or the filter) goes first: constant-memory mode writes
    // rows strictly in order.
    let last_column = LONG_COLUMNS.len() as u16 - 1;
    if as_table(rows) {
        let columns: Vec<TableColumn> = LONG_COLUMNS
            .iter()
            .map(|name| {
                TableColumn::new()
                    .set_header(*name)
                    .set_header_format(heading())
            })
            .collect();
        let table = Table::new()
            .set_name("Results")
            .set_style(TableStyle::Light1)
            .set_columns(&columns);
        sheet.add_table(0, 0, rows.max(1), last_column, &table)?;
    } else {
        for (column, name) in LONG_COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16, *name, &heading())?;
        }
        sheet.autofilter(0, 0, rows.max(1), last_column)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // One format per state, in the order of `STATES`, made once for every row.
    let formats: Vec<Format> = STATES.into_iter().map(status_format).collect();
    let commit = meta.commit.as_deref().unwrap_or("");
    for (n, cell) in checklist.cells().enumerate() {
        let row = n as u32 + 1;
        let item = &checklist.items[cell.item];
        let env = checklist.environments[cell.environment];
        let viewport = &checklist.viewports[env.viewport];
        let latest = run.latest(cell);
        let status = latest.map(|r| r.status);
        sheet.write_string(row, 0, &meta.id)?;
        sheet.write_string(row, 1, &meta.release)?;
        sheet.write_string(row, 2, commit)?;
        sheet.write_string(row, 3, &checklist.id)?;
        sheet.write_string(row, 4, &checklist.sections[item.section].id)?;
        sheet.write_string(row, 5, &item.id)?;
        sheet.write_string(row, 6, &item.title)?;
        sheet.write_string(row, 7, &checklist.browsers[env.browser].id)?;
        sheet.write_string(row, 8, &viewport.id)?;
        sheet.write_number(row, 9, viewport.width)?;
        sheet.write_number(row, 10, viewport.height)?;
        let format = &formats[state_index(status)];
        sheet.write_string_with_format(row, 11, word(status), format)?;
        let Some(result) = latest else { continue };
        if let Some(severity) = result.severity {
            sheet.write_number(row, 12, severity.level())?;
        }
        if let Some(note) = &result.note {
            sheet.write_string_with_format(row, 13, fit(note), &wrap)?;
        }
        if !result.evidence.is_empty() {
            let paths: Vec<&str> = result.evidence.iter().map(|e| e.path.as_str()).collect();
            sheet.write_string(row, 14, fit(&paths.join(";")))?;
        }
        let (tester, at) = result.tested();
        sheet.write_string(row, 15, tester)?;
        match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(parsed) => sheet.write_datetime_with_format(row, 16, parsed.naive_utc(), &time)?,
            Err(_) => sheet.write_string(row, 16, at)?,
        };
        let carried = super::carried_from(result);
        if !carried.is_empty() {
            sheet.write_string(row, 17, carried)?;
        }
    }
    Ok(())
}

fn write_matrix(run: &Run, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name("Matrix")?;
    let checklist = run.checklist();
    let center = Format::new().set_align(FormatAlign::Center);
    let header = heading()
        .set_align(FormatAlign::Center)
        .set_border_bottom(FormatBorder::Thin);
    sheet.write_string_with_format(
        0,
        0,
        "item",
        &heading().set_border_bottom(FormatBorder::Thin),
    )?;
    sheet.set_column_width(0, 48)?;
    for e in 0..checklist.environments.len() {
        let column = e as u16 + 1;
        sheet.write_string_with_format(0, column, checklist.environment_key(e), &header)?;
        sheet.set_column_width(column, 14)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    // One format per state, in the order of `STATES`, made once for every cell.
    let formats: Vec<Format> = STATES
        .into_iter()
        .map(|state| status_format(state).set_align(FormatAlign::Center))
        .collect();
    for (index, item) in checklist.items.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &item.title)?;
        for &environment in &item.environments {
            let cell = Cell {
                item: index,
                environment,
            };
            let latest = run.latest(cell);
            let status = latest.map(|r| r.status);
            // A carried pass is marked as such: it was tested at an earlier commit.
            let mut glyph = match latest.and_then(|r| r.carried_from.as_ref()) {
                Some(_) => crate::status::CARRIED.glyph.to_string(),
                None => look(status).glyph.to_string(),
            };
            if let Some(severity) = latest.and_then(|r| r.severity) {
                glyph.push_str(&severity.to_string());
            }
            let format = &formats[state_index(status)];
            sheet.write_string_with_format(row, environment as u16 + 1, glyph, format)?;
        }
    }
    let legend_row = checklist.items.len() as u32 + 2;
    sheet.write_string_with_format(
        legend_row,
        0,
        format!(
            "{}  {} carried from an earlier approval  (✗ with a digit: the failure's severity; blank: does not apply; times are UTC)",
            legend(),
            crate::status::CARRIED.glyph
        ),
        &center.set_align(FormatAlign::Left),
    )?;
    Ok(())
}

fn write_summary(run: &Run, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    let checklist = run.checklist();
    let meta = run.meta();
    let bold = heading();
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 70)?;
    let verdict = run.verdict();
    let facts: [(&str, String); 11] = [
        ("run", meta.id.clone()),
        ("release", meta.release.clone()),
        (
            "commit",
            meta.commit.clone().unwrap_or_else(|| "unknown".into()),
        ),
        ("repository", meta.repository.clone().unwrap_or_default()),
        ("tester", meta.tester.clone()),
        (
            "checklist",
            format!("{} ({})", meta.checklist.title, meta.checklist.id),
        ),
        ("checklist path", meta.checklist.path.clone()),
        ("checklist sha256", meta.checklist.sha256.clone()),
        (
            "share",
            checklist
                .share_label()
                .unwrap_or_else(|| "the whole matrix".into()),
        ),
        ("started", meta.started_at.clone()),
        ("verdict", verdict.to_string()),
    ];
    for (row, (label, value)) in facts.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &bold)?;
        sheet.write_string(row as u32, 1, value)?;
    }
    let top = facts.len() as u32 + 1;
    let words: Vec<&str> = std::iter::once("environment")
        .chain(STATES.iter().map(|&state| word(state)))
        .chain(["total"])
        .collect();
    for (column, word) in words.iter().enumerate() {
        sheet.write_string_with_format(
            top,
            column as u16,
            *word,
            &bold.clone().set_border_bottom(FormatBorder::Thin),
        )?;
    }
    let rows = run
        .per_environment()
        .iter()
        .enumerate()
        .map(|(e, c)| (checklist.environment_key(e), *c))
        .chain([("all".to_string(), run.counts())]);
    for (n, (name, c)) in rows.enumerate() {
        let row = top + 1 + n as u32;
        sheet.write_string(row, 0, name)?;
        let values = STATES.iter().map(|&state| c.of(state)).chain([c.total()]);
        for (column, value) in values.enumerate() {
            sheet.write_number(row, column as u16 + 1, value as f64)?;
        }
    }
    Ok(())
}

fn write_failures(run: &Run, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name("Failures")?;
    let checklist = run.checklist();
    let columns = [
        ("section", 14.0),
        ("item", 22.0),
        ("title", 44.0),
        ("environment", 16.0),
        ("status", 10.0),
        ("severity", 9.0),
        ("note", 60.0),
        ("evidence", 40.0),
        ("evidence sha256", 30.0),
    ];
    let bold = heading().set_border_bottom(FormatBorder::Thin);
    for (column, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *name, &bold)?;
        sheet.set_column_width(column as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut row = 0;
    for cell in checklist.cells() {
        let Some(result) = run.latest(cell) else {
            continue;
        };
        if !matches!(result.status, Status::Fail | Status::Blocked) {
            continue;
        }
        row += 1;
        let item = &checklist.items[cell.item];
        sheet.write_string(row, 0, &checklist.sections[item.section].id)?;
        sheet.write_string(row, 1, &item.id)?;
        sheet.write_string(row, 2, &item.title)?;
        sheet.write_string(row, 3, checklist.environment_key(cell.environment))?;
        sheet.write_string_with_format(
            row,
            4,
            result.status.as_str(),
            &status_format(Some(result.status)),
        )?;
        if let Some(severity) = result.severity {
            sheet.write_number(row, 5, severity.level())?;
        }
        sheet.write_string_with_format(row, 6, fit(result.note.as_deref().unwrap_or("")), &wrap)?;
        let paths: Vec<&str> = result.evidence.iter().map(|e| e.path.as_str()).collect();
        let hashes: Vec<&str> = result.evidence.iter().map(|e| e.sha256.as_str()).collect();
        sheet.write_string(row, 7, fit(&paths.join(";")))?;
        sheet.write_string(row, 8, fit(&hashes.join(";")))?;
    }
    if row > 0 {
        sheet.autofilter(0, 0, row, columns.len() as u16 - 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_results_get_an_autofilter_instead_of_a_table() {
        assert!(as_table(1));
        assert!(as_table(MAX_TABLE_ROWS));
        assert!(!as_table(MAX_TABLE_ROWS + 1));
        assert!(!as_table(120_000));
    }
}
