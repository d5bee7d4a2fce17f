//! What reading a workbook may cost, checked before calamine reads it (DESIGN.md §6).
//!
//! calamine reads a whole ODS or XLS workbook as it opens it, expanding repeated rows and
//! cells, and the span between a sheet's first and last cell, into dense ranges; and it
//! reserves memory for counts the file declares (an XLSX `uniqueCount`, an XLS DIMENSIONS
//! record). A file of a few hundred bytes can ask for gigabytes, or, cut short in the right
//! place, keep it reading forever. The scans here read the same parts the way calamine will
//! and count what it would allocate, erring towards counting more, so that such a file is
//! refused with a clear error before calamine allocates anything. The limits are for the
//! whole workbook; a sheet of checks never comes near them.

mod ods;
mod xls;
mod xlsx;

use std::path::Path;

use anyhow::{Result, bail};

pub use ods::check_ods;
pub use xls::checked_xls;
pub use xlsx::check_xlsx;

/// The most cells reading one workbook may hold, calamine's and greenlight's together.
pub const MAX_CELLS: usize = 2_000_000;
/// The most bytes of text reading one workbook may hold (and the largest CSV file read).
pub const MAX_TEXT: usize = 64 << 20;
/// The most bytes calamine may move or scan for an XLS workbook's formulas and sheets: a few
/// seconds' work. Formula text is built by inserting into the middle of a string, so a
/// formula made to grow costs the square of its length.
const MAX_WORK: u64 = 1 << 33;
/// The most a part of a zip workbook (a sheet's XML, the shared strings) may hold unpacked,
/// and all of them together: a spreadsheet of checks is a few megabytes.
const MAX_UNPACKED_PART: u64 = 256 << 20;
const MAX_UNPACKED_TOTAL: u64 = 512 << 20;

/// The first bytes of a compound file (an XLS workbook, or an encrypted one of any kind),
/// which a zip workbook must not start with.
const COMPOUND_FILE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What to do about a workbook refused here, ending every message.
const REMEDY: &str = "save it again, or export the sheet as CSV";

/// What reading one workbook has cost so far, counted against the limits: the scans
/// charge it for what calamine will allocate, and the import for its own rows.
pub struct Budget {
    file: String,
    cells: usize,
    text: usize,
    work: u64,
}

impl Budget {
    /// An empty budget for the workbook at `path` (named in the errors).
    pub fn new(path: &Path) -> Budget {
        Budget {
            file: path.display().to_string(),
            cells: 0,
            text: 0,
            work: 0,
        }
    }

    /// Counts `cells` more cells and `text` more bytes of text, read for `part` of the
    /// workbook, and refuses the workbook once past the limits.
    pub fn charge(&mut self, part: Part<'_>, cells: usize, text: usize) -> Result<()> {
        self.cells = self.cells.saturating_add(cells);
        self.text = self.text.saturating_add(text);
        if self.cells > MAX_CELLS || self.text > MAX_TEXT {
            bail!(
                "{}: reading {} takes more than {MAX_CELLS} cells or {} MB of text (the limits \
                 for a whole workbook); a workbook of checks is never that big — {REMEDY}",
                self.file,
                part,
                MAX_TEXT >> 20
            );
        }
        Ok(())
    }

    /// Counts `work` more bytes moved or scanned for `part`, refusing past [`MAX_WORK`].
    fn charge_work(&mut self, part: Part<'_>, work: u64) -> Result<()> {
        self.work = self.work.saturating_add(work);
        if self.work > MAX_WORK {
            bail!(
                "{}: reading {} means copying more than {} GB (formulas that grow as they are \
                 read, or sheets that share their records); a workbook of checks never needs \
                 that — {REMEDY}",
                self.file,
                part,
                MAX_WORK >> 30
            );
        }
        Ok(())
    }

    /// The error for a workbook whose `part` is `wrong` (a phrase such as "ends before its
    /// table does").
    fn refuse(&self, part: Part<'_>, wrong: &str) -> anyhow::Error {
        anyhow::anyhow!("{}: {part} {wrong} — {REMEDY}", self.file)
    }
}

/// The part of a workbook a cost is for, as the errors name it.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    /// A sheet, by its name.
    Sheet(&'a str),
    /// A workbook's shared strings.
    SharedStrings,
    /// An XLSX workbook's styles.
    Styles,
    /// What the workbook holds outside its sheets.
    Workbook,
}

impl std::fmt::Display for Part<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Part::Sheet(name) => write!(f, "sheet `{}`", crate::untrusted::one_line(name)),
            Part::SharedStrings => f.write_str("its shared strings"),
            Part::Styles => f.write_str("its styles"),
            Part::Workbook => f.write_str("the workbook"),
        }
    }
}

/// Refuses a zip (XLSX, ODS) whose parts unpack past the limits, before anything is
/// inflated: a 1 MB file can hold gigabytes. A compound file (an XLS, or an encrypted
/// workbook) with a zip at its end is refused too: calamine looks into an XLSX as a compound
/// file first, and a compound file can make it read forever.
pub fn check_unpacked_sizes(file: &std::fs::File, path: &Path) -> Result<()> {
    use anyhow::Context;
    use std::io::{Read, Seek};
    let mut reader = std::io::BufReader::new(file);
    let mut magic = [0u8; 8];
    let read = reader.read(&mut magic)?;
    if read == magic.len() && magic == COMPOUND_FILE_MAGIC {
        bail!(
            "{} is an Excel 97-2003 or password-protected workbook, not a zip archive; {REMEDY}",
            path.display()
        );
    }
    reader.rewind()?;
    let mut archive = zip::ZipArchive::new(reader)
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

/// The value of attribute `key` of `element` as calamine finds it (`RawAttributes::raw_attr`
/// in calamine's `attrs.rs`): the first attribute of that exact name, `None` when it is
/// missing or when a malformed attribute comes first (calamine then stops with an error).
fn raw_attr<'a>(element: &'a quick_xml::events::BytesStart<'_>, key: &str) -> Option<&'a str> {
    raw_attrs(element.attributes_raw())
        .map_while(|attr| attr)
        .find(|(name, _)| *name == key)
        .map(|(_, value)| value)
}

/// The attributes in `raw` as calamine splits them: `name="value"` or `name='value'`, with
/// `None` for a malformed one (after which calamine reads no further).
fn raw_attrs(raw: &str) -> impl Iterator<Item = Option<(&str, &str)>> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let trimmed = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if trimmed.is_empty() {
            return None;
        }
        let Some((name, after)) = trimmed.split_once('=') else {
            rest = "";
            return Some(None);
        };
        let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            rest = "";
            return Some(None);
        };
        let value = &after[1..];
        let (value, next) = value.split_once(quote).unwrap_or((value, ""));
        rest = next;
        Some(Some((
            name.trim_end_matches(|c: char| c.is_ascii_whitespace()),
            value,
        )))
    })
}

/// An XML reader set up as calamine sets up its own, so both see the same events.
fn xml_reader<R: std::io::BufRead>(source: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(source);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

#[cfg(test)]
mod tests {
    use super::raw_attrs;

    #[test]
    fn attributes_are_split_as_calamine_splits_them() {
        let attrs: Vec<_> = raw_attrs(r#" a="1" b='2 "x"'  c = "3" d"#).collect();
        assert_eq!(
            attrs,
            [
                Some(("a", "1")),
                Some(("b", r#"2 "x""#)),
                Some(("c", "3")),
                None
            ]
        );
        // The first of a name is the one taken; a malformed one before it hides it.
        let element = quick_xml::events::BytesStart::from_content(r#"c n="1" n="2""#, 1);
        assert_eq!(super::raw_attr(&element, "n"), Some("1"));
        let element = quick_xml::events::BytesStart::from_content(r#"c m=x n="2""#, 1);
        assert_eq!(super::raw_attr(&element, "n"), None);
    }
}
