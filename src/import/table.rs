//! Reading a sheet of text cells from CSV (any common encoding) or XLSX, for both imports.

use std::path::Path;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, open_workbook_auto};

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

/// The most a part of a workbook (a sheet's XML, the shared strings) may hold unpacked, and
/// all of them together: a spreadsheet of checks is a few megabytes (DESIGN.md §6).
const MAX_UNPACKED_PART: u64 = 256 << 20;
const MAX_UNPACKED_TOTAL: u64 = 512 << 20;
/// The most cells, and text, read from one sheet.
const MAX_CELLS: usize = 2_000_000;
const MAX_TEXT: usize = 64 << 20;

/// Refuses a zip (XLSX, ODS) whose parts unpack past the limits, before anything is
/// inflated: a 1 MB file can hold gigabytes.
fn check_unpacked_sizes(path: &Path) -> Result<()> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a workbook (not a zip archive)", path.display()))?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .with_context(|| format!("cannot read the contents of {}", path.display()))?;
        let size = entry.size();
        total = total.saturating_add(size);
        if size > MAX_UNPACKED_PART || total > MAX_UNPACKED_TOTAL {
            bail!(
                "{}: its part `{}` unpacks to {} MB (the limits are {} MB a part, {} MB in all); \
                 a sheet of checks is never that big — save it again, or export it as CSV",
                path.display(),
                crate::untrusted::one_line(
                    &entry.name().map(|n| n.into_owned()).unwrap_or_default()
                ),
                size >> 20,
                MAX_UNPACKED_PART >> 20,
                MAX_UNPACKED_TOTAL >> 20
            );
        }
    }
    Ok(())
}

fn read_workbook(path: &Path) -> Result<Vec<Sheet>> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if extension != "xls" {
        check_unpacked_sizes(path)?;
    }
    if matches!(extension.as_str(), "xlsx" | "xlsm") {
        return read_xlsx(path);
    }
    let mut workbook =
        open_workbook_auto(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names().to_vec() {
        let range = workbook
            .worksheet_range(&name)
            .with_context(|| format!("cannot read sheet `{name}` of {}", path.display()))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); top as usize];
        rows.extend(range.rows().map(|row| {
            std::iter::repeat_n(String::new(), left as usize)
                .chain(row.iter().map(cell_text))
                .collect()
        }));
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// An XLSX workbook read cell by cell, so that a sheet's declared size (a cell at
/// XFD1048576) costs nothing and its real content is bounded.
fn read_xlsx(path: &Path) -> Result<Vec<Sheet>> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut workbook: Xlsx<_> =
        open_workbook(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names().to_vec() {
        let mut reader = workbook
            .worksheet_cells_reader(&name)
            .with_context(|| format!("cannot read sheet `{name}` of {}", path.display()))?;
        let mut cells: Vec<(u32, u32, String)> = Vec::new();
        let mut text = 0usize;
        while let Some(cell) = reader
            .next_cell()
            .with_context(|| format!("cannot read sheet `{name}` of {}", path.display()))?
        {
            let (row, column) = cell.get_position();
            let value = cell_text(&Data::from(cell.get_value().clone()));
            if value.is_empty() {
                continue;
            }
            text += value.len();
            if cells.len() >= MAX_CELLS || text > MAX_TEXT {
                bail!(
                    "{} sheet `{}`: more than {MAX_CELLS} cells or {} MB of text; a sheet of checks \
                     is never that big",
                    path.display(),
                    crate::untrusted::one_line(&name),
                    MAX_TEXT >> 20
                );
            }
            cells.push((row, column, value));
        }
        sheets.push(Sheet {
            name,
            rows: rows_of(cells),
        });
    }
    Ok(sheets)
}

/// Rows as a spreadsheet shows them, from cells that are not empty: row `n` of the result
/// is the sheet's row `n + 1`, padded on the left, so row and column numbers hold.
fn rows_of(mut cells: Vec<(u32, u32, String)>) -> Vec<Vec<String>> {
    cells.sort_by_key(|&(row, column, _)| (row, column));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (row, column, value) in cells {
        let (row, column) = (row as usize, column as usize);
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = value;
    }
    rows
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
