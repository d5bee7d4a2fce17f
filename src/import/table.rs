//! Reading a sheet of text cells from CSV (any common encoding) or XLSX, for both imports.

use std::path::Path;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader};

use super::workbook_limits::{self, Budget, MAX_TEXT, Part};

/// One sheet: rows of text cells, the first being the header.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// A cell as text: whole numbers without `.0`, dates as RFC 3339.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| {
                t.and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            })
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Bytes as text, whatever the common encoding.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// `,` unless the header line has more `;` (as spreadsheets in many locales write).
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// The sheets of a CSV (one) or XLSX (each worksheet) file, positioned as a spreadsheet
/// shows them: row `n` of a sheet
/// (0-based) is the file's row `n + 1` and cell `c` its column `c + 1`. XLSX sheets whose
/// data starts below or right of A1 are padded, and blank CSV lines (which CSV readers
/// skip) are kept as empty rows, so that row numbers in messages are the ones the user sees.
pub fn read_sheets(path: &Path) -> Result<Vec<Sheet>> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path),
        "csv" | "tsv" | "txt" => Ok(vec![read_csv(path)?]),
        other => bail!(
            "{}: `.{other}` is not a spreadsheet greenlight reads (CSV or XLSX)",
            path.display()
        ),
    }
}

/// The sheets of a workbook, each read within the limits of [`workbook_limits`]: the parts
/// calamine reads in full as it opens the workbook are counted first, and the cells
/// greenlight keeps are counted as they are read.
fn read_workbook(path: &Path) -> Result<Vec<Sheet>> {
    use calamine::{Ods, Xls, Xlsx};
    use std::io::{BufReader, Cursor};
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut budget = Budget::new(path);
    let cannot_open = || format!("cannot open {}", path.display());
    if extension == "xls" {
        let workbook = workbook_limits::checked_xls(path, &mut budget)?;
        let workbook = Xls::new(Cursor::new(workbook)).with_context(cannot_open)?;
        return read_ranges(workbook, path, &mut budget);
    }
    // One opening of the file for every reading of it: what is checked is what is read.
    let file = crate::fsutil::open_regular_file(path).with_context(cannot_open)?;
    workbook_limits::check_unpacked_sizes(&file, path)?;
    if extension == "ods" {
        workbook_limits::check_ods(BufReader::new(&file), &mut budget)?;
        let workbook = Ods::new(BufReader::new(file)).with_context(cannot_open)?;
        return read_ranges(workbook, path, &mut budget);
    }
    workbook_limits::check_xlsx(BufReader::new(&file), &mut budget)?;
    let workbook = Xlsx::new(BufReader::new(file)).with_context(cannot_open)?;
    read_xlsx(workbook, path, &mut budget)
}

/// The sheets of an XLS or ODS workbook, which calamine has read in full.
fn read_ranges<R: Reader<RS>, RS: std::io::Read + std::io::Seek>(
    mut workbook: R,
    path: &Path,
    budget: &mut Budget,
) -> Result<Vec<Sheet>>
where
    R::Error: std::error::Error + Send + Sync + 'static,
{
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .with_context(|| format!("cannot read sheet `{name}` of {}", path.display()))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (row, column, cell) in range.used_cells() {
            let value = cell_text(cell);
            budget.charge(Part::Sheet(&name), 1, value.len())?;
            cells.push((top + row as u32, left + column as u32, value));
        }
        let rows = rows_of(cells, budget, &name)?;
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// An XLSX workbook read cell by cell, so that a sheet's declared size (a cell at
/// XFD1048576) costs nothing and its real content is bounded.
fn read_xlsx<RS: std::io::Read + std::io::Seek>(
    mut workbook: calamine::Xlsx<RS>,
    path: &Path,
    budget: &mut Budget,
) -> Result<Vec<Sheet>> {
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let mut reader = workbook
            .worksheet_cells_reader(&name)
            .with_context(|| format!("cannot read sheet `{name}` of {}", path.display()))?;
        let mut cells: Vec<(u32, u32, String)> = Vec::new();
        while let Some(cell) = reader
            .next_cell()
            .with_context(|| format!("cannot read sheet `{name}` of {}", path.display()))?
        {
            let (row, column) = cell.get_position();
            let value = cell_text(&Data::from(cell.get_value().clone()));
            if value.is_empty() {
                continue;
            }
            budget.charge(Part::Sheet(&name), 1, value.len())?;
            cells.push((row, column, value));
        }
        let rows = rows_of(cells, budget, &name)?;
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// Rows as a spreadsheet shows them, from cells with their row and column: row `n` of the
/// result is the sheet's row `n + 1`, padded on the left, so row and column numbers hold.
/// Empty cells are left out; the padding is charged to `budget` (a cell alone at XFD is
/// 16,384 of them).
fn rows_of(
    mut cells: Vec<(u32, u32, String)>,
    budget: &mut Budget,
    sheet: &str,
) -> Result<Vec<Vec<String>>> {
    cells.retain(|(_, _, value)| !value.is_empty());
    cells.sort_by_key(|&(row, column, _)| (row, column));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (row, column, value) in cells {
        let (row, column) = (row as usize, column as usize);
        if rows.len() <= row {
            budget.charge(Part::Sheet(sheet), row + 1 - rows.len(), 0)?;
            rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut rows[row];
        if cells.len() <= column {
            // The empty cells before this one, which was counted as it was read.
            budget.charge(Part::Sheet(sheet), column - cells.len(), 0)?;
            cells.resize(column + 1, String::new());
        }
        cells[column] = value;
    }
    Ok(rows)
}

/// A CSV file as one sheet. UTF-8 (with or without BOM) and UTF-16 with BOM are read as
/// such; anything else that is not UTF-8 is read as Windows-1252, what spreadsheets on
/// Windows write.
fn read_csv(path: &Path) -> Result<Sheet> {
    let bytes = crate::fsutil::read_regular_file(path, MAX_TEXT as u64)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let text = decode(&bytes);
    let delimiter = if path.extension().is_some_and(|e| e == "tsv") {
        b'\t'
    } else {
        sniff_delimiter(text.trim_start_matches(['\r', '\n']))
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    // The line the next record starts on when no blank line comes first.
    let mut next_line = 1;
    for record in reader.records() {
        let record = record.with_context(|| {
            format!(
                "{}: row {} is not valid CSV",
                path.display(),
                rows.len() + 1
            )
        })?;
        let line = record.position().map_or(next_line, |p| p.line());
        while next_line < line {
            rows.push(Vec::new());
            next_line += 1;
        }
        let newlines: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        next_line = line + newlines as u64 + 1;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Sheet {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_utf16_and_windows_1252() {
        assert_eq!(decode("café".as_bytes()), "café");
        assert_eq!(decode(b"\xef\xbb\xbfcaf\xc3\xa9"), "café");
        assert_eq!(decode(b"caf\xe9"), "café");
        assert_eq!(decode(b"\xff\xfec\x00a\x00"), "ca");
    }

    #[test]
    fn semicolons_are_the_delimiter_when_the_header_says_so() {
        assert_eq!(sniff_delimiter("title;steps;expect\na,b;c"), b';');
        assert_eq!(sniff_delimiter("title,steps\n"), b',');
    }
}
