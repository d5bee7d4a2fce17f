//! The cost of an ODS workbook, counted from its content.xml the way calamine's `ods.rs`
//! reads it (`parse_content`, `read_table`, `read_row`, `get_datatype`, `get_range`).
//!
//! calamine keeps every cell a row element holds, a repeated cell once per repeat (empty
//! cells only when a cell follows them), then builds a dense range from the first to the
//! last row with a value, each row element as many times as it is repeated, as wide as the
//! columns with values; the same for the formulas. Empty rows after the last value and
//! empty cells after a row's last value cost nothing, so LibreOffice's usual trailing
//! `number-rows-repeated="1048553"` rows and `number-columns-repeated="1000"` cells do not.

use std::io::{BufRead, BufReader, Read, Seek};

use anyhow::Result;
use quick_xml::escape::unescape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::{Budget, Part, raw_attr, raw_attrs, xml_reader};

/// calamine's caps on the rows of a table and the cells of a row.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;

type Reader<R> = quick_xml::Reader<R>;

/// What the scan of one part of content.xml found: go on, or calamine stops with an error
/// here, having allocated no more than was counted.
enum Flow {
    Go,
    Stop,
}

/// Refuses an ODS workbook whose tables calamine would expand past the limits, or whose
/// content.xml it would read forever; `source` is the workbook's zip, already size-checked.
pub fn check_ods<R: Read + Seek>(source: R, budget: &mut Budget) -> Result<()> {
    let Ok(mut archive) = zip::ZipArchive::new(source) else {
        return Ok(()); // calamine says what is wrong with it
    };
    let Ok(part) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = xml_reader(BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name() == QName("table:table") => {
                let Some(name) = raw_attr(&e, "table:name") else {
                    continue;
                };
                let Ok(name) = unescape(name).map(|n| n.into_owned()) else {
                    return Ok(());
                };
                if let Flow::Stop = scan_table(&mut reader, &name, budget)? {
                    return Ok(());
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// The rows and columns of a table's dense range so far: from the first row element with a
/// value, counted as calamine sizes it (each element at least once), to the last.
#[derive(Default)]
struct Span {
    started: bool,
    rows_so_far: usize,
    rows: usize,
    first_column: usize,
    last_column: usize,
}

impl Span {
    /// One more row element, repeated `repeats` times, with values from column to column.
    fn add(&mut self, repeats: usize, columns: Option<(usize, usize)>) {
        let rows = repeats.max(1);
        self.rows_so_far = self.rows_so_far.saturating_add(rows);
        let Some((first, last)) = columns else {
            return;
        };
        if !self.started {
            *self = Span {
                started: true,
                rows_so_far: rows,
                rows: 0,
                first_column: first,
                last_column: last,
            };
        }
        self.first_column = self.first_column.min(first);
        self.last_column = self.last_column.max(last);
        self.rows = self.rows_so_far;
    }

    fn cells(&self) -> usize {
        match self.started {
            true => (self.rows).saturating_mul(self.last_column + 1 - self.first_column),
            false => 0,
        }
    }
}

/// Counts the table calamine's `read_table` reads next, up to its end.
fn scan_table<R: BufRead>(reader: &mut Reader<R>, name: &str, budget: &mut Budget) -> Result<Flow> {
    let (mut values, mut formulas) = (Span::default(), Span::default());
    let (mut rows, mut dense) = (0usize, 0usize);
    let (mut buf, mut row_buf, mut cell_buf) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name() == QName("table:table-row") => {
                let repeats = match raw_attr(&e, "table:number-rows-repeated") {
                    Some(v) => match unescape(v).ok().and_then(|v| v.parse::<usize>().ok()) {
                        Some(repeats) => repeats,
                        None => return Ok(Flow::Stop),
                    },
                    None => 1,
                };
                let repeats = repeats.min(MAX_ROWS.saturating_sub(rows));
                rows = rows.saturating_add(repeats);
                let Some(row) = scan_row(reader, &mut row_buf, &mut cell_buf, name, budget)? else {
                    return Ok(Flow::Stop);
                };
                values.add(repeats, row.values);
                formulas.add(repeats, row.formulas);
                let now = values.cells().saturating_add(formulas.cells());
                // The element, its cells and their formulas; its text, then once a repeat.
                budget.charge(
                    Part::Sheet(name),
                    (1 + 2 * row.cells).saturating_add(now - dense),
                    row.text.saturating_mul(repeats.saturating_add(1)),
                )?;
                dense = now;
            }
            Ok(Event::End(e)) if e.name() == QName("table:table") => return Ok(Flow::Go),
            Ok(Event::Eof) => return Err(forever(budget, name)),
            Err(_) => return Ok(Flow::Stop),
            Ok(_) => {}
        }
    }
}

/// A row element as calamine's `read_row` keeps it: the cells it holds, the columns with a
/// value and with a formula, and the bytes of text in its cells.
#[derive(Default)]
struct Row {
    cells: usize,
    values: Option<(usize, usize)>,
    formulas: Option<(usize, usize)>,
    text: usize,
}

/// `columns` widened to take in `first..=last`.
fn widen(columns: Option<(usize, usize)>, first: usize, last: usize) -> (usize, usize) {
    columns.map_or((first, last), |(a, b)| (a.min(first), b.max(last)))
}

/// Counts the row calamine's `read_row` reads next; `None` where it stops with an error.
fn scan_row<R: BufRead>(
    reader: &mut Reader<R>,
    row_buf: &mut Vec<u8>,
    cell_buf: &mut Vec<u8>,
    name: &str,
    budget: &Budget,
) -> Result<Option<Row>> {
    let mut row = Row::default();
    let mut empty = 0usize;
    loop {
        row_buf.clear();
        match reader.read_event_into(row_buf) {
            Ok(Event::Start(e))
                if e.name() == QName("table:table-cell")
                    || e.name() == QName("table:covered-table-cell") =>
            {
                let repeats = match raw_attr(&e, "table:number-columns-repeated") {
                    Some(v) => match v.parse::<usize>() {
                        Ok(repeats) => repeats,
                        Err(_) => return Ok(None),
                    },
                    None => 1,
                };
                let Some(cell) = scan_cell(reader, &e, cell_buf, name, budget)? else {
                    return Ok(None);
                };
                row.cells += empty.min(MAX_COLUMNS.saturating_sub(row.cells));
                empty = 0;
                let repeats = repeats.min(MAX_COLUMNS.saturating_sub(row.cells));
                if !cell.value && !cell.formula {
                    empty = repeats;
                } else if repeats > 0 {
                    let (first, last) = (row.cells, row.cells + repeats - 1);
                    if cell.value {
                        row.values = Some(widen(row.values, first, last));
                    }
                    if cell.formula {
                        row.formulas = Some(widen(row.formulas, first, last));
                    }
                    row.cells += repeats;
                    row.text = row.text.saturating_add(repeats.saturating_mul(cell.text));
                }
                if !cell.closed && reader.read_to_end_into(e.name(), cell_buf).is_err() {
                    return Ok(None);
                }
            }
            Ok(Event::End(e)) if e.name() == QName("table:table-row") => return Ok(Some(row)),
            // calamine stops at anything else in a row (`OdsError::Mismatch`).
            _ => return Ok(None),
        }
    }
}

/// A cell as calamine's `get_datatype` reads it: whether it has a value (even an empty
/// string) and a formula, its bytes of text, and whether its end has been read.
struct Cell {
    value: bool,
    formula: bool,
    text: usize,
    closed: bool,
}

/// Counts the cell that starts with `start`; `None` where calamine stops with an error.
fn scan_cell<R: BufRead>(
    reader: &mut Reader<R>,
    start: &BytesStart<'_>,
    buf: &mut Vec<u8>,
    name: &str,
    budget: &Budget,
) -> Result<Option<Cell>> {
    let (mut is_string, mut is_error, mut empty_string) = (false, false, false);
    let (mut value, mut text, mut formula) = (false, 0usize, 0usize);
    for attr in raw_attrs(start.attributes_raw()) {
        let Some((key, raw)) = attr else {
            return Ok(None);
        };
        match key {
            "office:value" | "office:boolean-value" if !value => value = true,
            "office:string-value" | "office:date-value" | "office:time-value" if !value => {
                let Ok(decoded) = unescape(raw) else {
                    return Ok(None);
                };
                value = true;
                text = decoded.len();
                empty_string = key == "office:string-value" && decoded.is_empty();
            }
            "office:value-type" if !value => is_string = raw == "string",
            "calcext:value-type" => is_error = raw == "error",
            "table:formula" => match unescape(raw) {
                Ok(decoded) => formula = decoded.len(),
                Err(_) => return Ok(None),
            },
            _ => {}
        }
    }
    let cell = |value, text: usize, closed| Cell {
        value,
        formula: formula > 0,
        text: text.saturating_add(formula),
        closed,
    };
    let from_content = (!value && is_string) || (is_error && empty_string);
    if !from_content {
        return Ok(Some(cell(value, text, false)));
    }
    // The value is the cell's content: its paragraphs, spaces, tabs and line breaks.
    let (mut text, mut first_paragraph) = (0usize, true);
    loop {
        buf.clear();
        match reader.read_event_into(buf) {
            Ok(Event::Text(t)) => text = text.saturating_add(t.len()),
            Ok(Event::GeneralRef(_)) => text = text.saturating_add(4),
            Ok(Event::End(e))
                if e.name() == QName("table:table-cell")
                    || e.name() == QName("table:covered-table-cell") =>
            {
                return Ok(Some(cell(true, text, true)));
            }
            Ok(Event::Start(e)) if e.name() == QName("office:annotation") => loop {
                buf.clear();
                match reader.read_event_into(buf) {
                    Ok(Event::End(e)) if e.name() == QName("office:annotation") => break,
                    Ok(Event::Eof) => return Err(forever(budget, name)),
                    Err(_) => return Ok(None),
                    Ok(_) => {}
                }
            },
            Ok(Event::Start(e)) if e.name() == QName("text:p") => {
                text += usize::from(!first_paragraph);
                first_paragraph = false;
            }
            Ok(Event::Start(e)) if e.name() == QName("text:s") => {
                // calamine parses the count as an `i32` and pushes that many spaces.
                let spaces = match raw_attr(&e, "text:c") {
                    Some(v) => match unescape(v).ok().and_then(|v| v.parse::<i32>().ok()) {
                        Some(spaces) => usize::try_from(spaces).unwrap_or(0),
                        None => return Ok(None),
                    },
                    None => 1,
                };
                text = text.saturating_add(spaces);
            }
            Ok(Event::Start(e))
                if e.name() == QName("text:tab") || e.name() == QName("text:line-break") =>
            {
                text += 1;
            }
            Ok(Event::Eof) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// The error for content.xml cut short where calamine would wait for an end tag forever.
fn forever(budget: &Budget, name: &str) -> anyhow::Error {
    budget.refuse(
        Part::Sheet(name),
        "ends before its table does (content.xml is cut short), and reading it would never finish",
    )
}
