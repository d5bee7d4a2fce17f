//! The cost of an XLS (BIFF) workbook, counted from its Workbook stream the way calamine's
//! `xls.rs` reads it (`parse_workbook` and the parsers it calls).
//!
//! calamine reads every sheet as it opens the workbook: each cell record into a list, after
//! reserving room for as many cells as a DIMENSIONS record declares, then a dense range
//! from the first cell to the last, and another for the formulas. It copies a shared string
//! into every cell that uses it, writes every formula out as text, and reads a sheet once
//! for each sheet record that points at it. Where a record would stop calamine with an
//! error the scan reads on, counting more rather than less.
//!
//! The stream is read with the `cfb` crate, which checks the compound file's structure;
//! calamine is then given a compound file written afresh around the same bytes, so that it
//! never follows the original's sector chains (one that loops has it read forever).

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::{Budget, Part, REMEDY};

mod sheet;

use sheet::Sheet;

/// The largest XLS file read: Excel 97-2003 sheets of checks are a few megabytes.
const MAX_XLS_BYTES: u64 = 64 << 20;
/// The most CONTINUE records one record may have: calamine keeps a list of them and takes
/// each from its front, a cost that grows with the square of their number. A shared string
/// table of the most text allowed needs 8,200.
const MAX_CONTINUES: usize = 16_384;

/// The XLS workbook at `path`, once its Workbook stream is known to be within the limits,
/// as a compound file holding only that stream, for calamine to read instead of the file.
pub fn checked_xls(path: &Path, budget: &mut Budget) -> Result<Vec<u8>> {
    let file = crate::fsutil::open_regular_file(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let size = file.metadata()?.len();
    if size > MAX_XLS_BYTES {
        bail!(
            "{}: {} MB, and an Excel 97-2003 workbook of checks is never larger than {} MB; {REMEDY}",
            path.display(),
            size >> 20,
            MAX_XLS_BYTES >> 20
        );
    }
    let mut bytes = Vec::new();
    file.take(MAX_XLS_BYTES)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let not_a_workbook = || {
        format!(
            "{} is not an Excel 97-2003 workbook, or it is damaged; {REMEDY}",
            path.display()
        )
    };
    let mut compound = cfb::CompoundFile::open(Cursor::new(bytes)).with_context(not_a_workbook)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| compound.is_stream(name))
        .with_context(|| {
            format!(
                "{} is not an Excel 97-2003 workbook (it holds no Workbook stream); {REMEDY}",
                path.display()
            )
        })?;
    let mut stream = Vec::new();
    compound
        .open_stream(name)
        .and_then(|s| s.take(MAX_XLS_BYTES).read_to_end(&mut stream))
        .with_context(not_a_workbook)?;
    drop(compound);
    scan(&stream, budget)?;
    // Version 3: calamine refuses a version 4 file whose root has no mini stream.
    let mut fresh =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    let mut copy = fresh.create_stream("/Workbook")?;
    copy.write_all(&stream)?;
    copy.flush()?;
    drop(copy);
    fresh.flush()?;
    Ok(fresh.into_inner().into_inner())
}

/// What the workbook globals hold that reading the sheets depends on.
pub(super) struct Globals {
    pub(super) biff8: bool,
    /// The most bytes of text one character of a string may become.
    pub(super) per_char: usize,
    /// The length of each shared string.
    pub(super) strings: Vec<usize>,
    sheets: Vec<(usize, String)>,
    pub(super) longest_sheet_name: usize,
    pub(super) longest_defined_name: usize,
}

/// Counts the globals, then each sheet as often as calamine reads it.
fn scan(stream: &[u8], budget: &mut Budget) -> Result<()> {
    let mut g = Globals {
        biff8: true,
        per_char: 3,
        strings: Vec::new(),
        sheets: Vec::new(),
        longest_sheet_name: "#REF".len(),
        longest_defined_name: "#REF!".len(),
    };
    let mut at = 0;
    while let Some(record) = next_record(stream, &mut at, budget, Part::Workbook)? {
        let d = record.data;
        budget.charge_work(Part::Workbook, d.len() as u64)?;
        match record.typ {
            // CodePage: single-byte and multi-byte code pages decode a byte into up to 3.
            0x0042 if d.len() >= 2 => {
                g.per_char = if matches!(u16_at(d, 0), 1200 | 1201) {
                    3
                } else {
                    6
                }
            }
            0x0809 if d.len() >= 2 => g.biff8 = biff8(d),
            0x0085 if d.len() >= 7 => {
                let name = sheet_name(d, g.biff8);
                let longest = g.per_char * usize::from(d[6]);
                g.longest_sheet_name = g.longest_sheet_name.max(longest);
                budget.charge(Part::Sheet(&name), 4, 3 * longest)?;
                g.sheets.push((u32_at(d, 0) as usize, name));
            }
            0x0018 if d.len() >= 4 => {
                let longest = g.per_char * usize::from(d[3]);
                g.longest_defined_name = g.longest_defined_name.max(longest);
                budget.charge(Part::Workbook, 1, longest + 6 * 255 + 64)?;
            }
            0x00FC => g.strings = shared_strings(&record, g.per_char, budget)?,
            0x000A => break,
            _ => {}
        }
    }
    let mut seen: HashMap<usize, (usize, usize, u64)> = HashMap::new();
    for (pos, name) in &g.sheets {
        let part = Part::Sheet(name);
        let Some(substream) = stream.get(*pos..) else {
            return Err(budget.refuse(part, "starts past the end of the workbook (it is damaged)"));
        };
        let (cells, text, work) = match seen.get(pos) {
            Some(&cost) => cost,
            None => {
                let mut sheet = Sheet::new(budget, part);
                sheet.scan(substream, &g)?;
                seen.insert(*pos, sheet.cost);
                continue;
            }
        };
        budget.charge(part, cells, text)?;
        budget.charge_work(part, work)?;
    }
    Ok(())
}

/// Whether a BOF record starts a BIFF8 stream, as calamine's `parse_bof` decides.
fn biff8(d: &[u8]) -> bool {
    let kind = if d.len() >= 4 { u16_at(d, 2) } else { 0 };
    match u16_at(d, 0) {
        0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
        0 => kind != 0x1000,
        _ => true,
    }
}

/// A sheet's name, for messages: decoded as UTF-16 or Latin-1, not by the code page.
fn sheet_name(d: &[u8], biff8: bool) -> String {
    let chars = usize::from(d[6]);
    let (wide, text) = match biff8 {
        true => (
            d.get(7).is_some_and(|flags| flags & 1 != 0),
            d.get(8..).unwrap_or(&[]),
        ),
        false => (false, &d[7..]),
    };
    let name: String = match wide {
        true => char::decode_utf16(
            text.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]])),
        )
        .take(chars)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect(),
        false => text.iter().take(chars).map(|&b| char::from(b)).collect(),
    };
    name.replace('\0', "")
}

/// The lengths of the strings of a shared string table (SST) record, read as calamine's
/// `parse_sst` reads them, across the CONTINUE records after it; each counted as a cell.
fn shared_strings(record: &Record<'_>, per_char: usize, budget: &mut Budget) -> Result<Vec<usize>> {
    let mut lengths = Vec::new();
    let Some(data) = record.data.get(8..) else {
        return Ok(lengths);
    };
    let mut r = Pieces {
        data,
        rest: record.continues,
    };
    while !r.data.is_empty() || r.next() {
        if r.data.is_empty() {
            lengths.push(0);
            budget.charge(Part::SharedStrings, 1, 0)?;
            continue;
        }
        let Some(chars) = r.string() else {
            break;
        };
        lengths.push(per_char * chars);
        budget.charge(Part::SharedStrings, 1, per_char * chars)?;
    }
    Ok(lengths)
}

/// A record's data and the CONTINUE records after it, read through as calamine's `Record`.
struct Pieces<'a> {
    data: &'a [u8],
    rest: &'a [u8],
}

impl Pieces<'_> {
    /// Moves on to the next CONTINUE record's data.
    fn next(&mut self) -> bool {
        let Some(len) = self.rest.get(2..4).map(|l| usize::from(u16_at(l, 0))) else {
            return false;
        };
        let (data, rest) = self.rest[4..].split_at(len.min(self.rest.len() - 4));
        (self.data, self.rest) = (data, rest);
        true
    }

    /// Skips `len` bytes, as `Record::skip`.
    fn skip(&mut self, mut len: usize) -> bool {
        while len > 0 {
            if self.data.is_empty() && !self.next() {
                return false;
            }
            let step = len.min(self.data.len());
            self.data = &self.data[step..];
            len -= step;
        }
        true
    }

    /// Reads one string as `read_rich_extended_string`, giving its number of characters.
    fn string(&mut self) -> Option<usize> {
        let chars = usize::from(u16_at(self.data.get(..2)?, 0));
        let flags = *self.data.get(2)?;
        self.data = &self.data[3..];
        let runs = match flags & 0x8 {
            0 => 0,
            _ => usize::from(u16_at(self.take(2)?, 0)),
        };
        let extra = match flags & 0x4 {
            0 => 0,
            _ => i32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize,
        };
        let (mut wide, mut left) = (flags & 1 != 0, chars);
        while left > 0 {
            let read = if wide {
                self.data.len() / 2
            } else {
                self.data.len()
            }
            .min(left);
            self.data = &self.data[if wide { 2 * read } else { read }..];
            left -= read;
            if left > 0 {
                if !self.next() {
                    return None;
                }
                wide = self.take(1)?[0] & 1 != 0;
            }
        }
        (self.skip(runs * 4) && self.skip(extra)).then_some(chars)
    }

    fn take(&mut self, len: usize) -> Option<&[u8]> {
        let (taken, data) = (self.data.get(..len)?, self.data.get(len..)?);
        self.data = data;
        Some(taken)
    }
}

/// One record, as calamine's `RecordIter` gives it: its type, its data and the CONTINUE
/// records after it.
pub(super) struct Record<'a> {
    pub(super) typ: u16,
    pub(super) data: &'a [u8],
    continues: &'a [u8],
}

/// The record at `*at`, moving past it; `None` at the end of the stream, or where calamine
/// stops with an error (a record longer than what is left).
pub(super) fn next_record<'a>(
    stream: &'a [u8],
    at: &mut usize,
    budget: &Budget,
    part: Part<'_>,
) -> Result<Option<Record<'a>>> {
    let rest = &stream[*at..];
    let header = |at: usize| (u16_at(rest, at), usize::from(u16_at(rest, at + 2)));
    if rest.len() < 4 || rest.len() < header(0).1 + 4 {
        return Ok(None);
    }
    let (typ, len) = header(0);
    let mut end = 4 + len;
    let mut continues = 0;
    while rest.len() - end > 4 && header(end).0 == 0x003C {
        let len = header(end).1;
        if rest.len() - end < len + 4 {
            return Ok(None);
        }
        end += 4 + len;
        continues += 1;
        if continues > MAX_CONTINUES {
            return Err(budget.refuse(
                part,
                &format!("has a record continued more than {MAX_CONTINUES} times"),
            ));
        }
    }
    *at += end;
    Ok(Some(Record {
        typ,
        data: &rest[4..4 + len],
        continues: &rest[4 + len..end],
    }))
}

pub(super) fn u16_at(d: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([d[at], d[at + 1]])
}

pub(super) fn u32_at(d: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]])
}
