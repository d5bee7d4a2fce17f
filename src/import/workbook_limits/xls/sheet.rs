//! The cost of one sheet of an XLS workbook, counted from its records the way calamine's
//! `parse_workbook` reads them: cells into a list and then a dense range, formulas written
//! out as text (`parse_formula`) into another.

use anyhow::Result;

use super::{Globals, next_record, u16_at, u32_at};
use crate::import::workbook_limits::{Budget, Part};

/// The longest name of a function calamine writes into a formula.
const MAX_FUNCTION_NAME: usize = 20;
/// The longest error text calamine writes for a formula it cannot read.
const MAX_FORMULA_ERROR: usize = 160;

/// A sheet being counted: what it has cost so far (cells, text, work), charged to the
/// budget as it goes, and the span of its values and of its formulas.
pub(super) struct Sheet<'a, 'b> {
    budget: &'a mut Budget,
    part: Part<'b>,
    pub(super) cost: (usize, usize, u64),
    values: Area,
    formulas: Area,
    formula_at: (u32, u32),
}

/// The rows and columns from the first cell to the last, as `Range::from_sparse` spans them.
#[derive(Default)]
struct Area(Option<(u32, u32, u32, u32)>);

impl Area {
    fn add(&mut self, (row, column): (u32, u32)) {
        let (top, bottom, left, right) = self.0.unwrap_or((row, row, column, column));
        self.0 = Some((
            top.min(row),
            bottom.max(row),
            left.min(column),
            right.max(column),
        ));
    }

    fn cells(&self) -> usize {
        self.0.map_or(0, |(top, bottom, left, right)| {
            ((bottom - top) as usize + 1).saturating_mul((right - left) as usize + 1)
        })
    }
}

impl<'a, 'b> Sheet<'a, 'b> {
    pub(super) fn new(budget: &'a mut Budget, part: Part<'b>) -> Self {
        Sheet {
            budget,
            part,
            cost: (0, 0, 0),
            values: Area::default(),
            formulas: Area::default(),
            formula_at: (0, 0),
        }
    }

    fn charge(&mut self, cells: usize, text: usize, work: u64) -> Result<()> {
        self.cost.0 = self.cost.0.saturating_add(cells);
        self.cost.1 = self.cost.1.saturating_add(text);
        self.cost.2 = self.cost.2.saturating_add(work);
        self.budget.charge(self.part, cells, text)?;
        self.budget.charge_work(self.part, work)
    }

    /// Counts the sheet whose records start `stream`, up to its EOF record, skipping the
    /// substreams (charts) nested in it.
    pub(super) fn scan(&mut self, stream: &[u8], g: &Globals) -> Result<()> {
        let (mut started, mut depth, mut at) = (false, 0usize, 0);
        while let Some(r) = next_record(stream, &mut at, self.budget, self.part)? {
            self.charge(0, 0, 4 + r.data.len() as u64)?;
            match (depth, r.typ) {
                (0, 0x000A) => break,
                (0, 0x0809) if !started => started = true,
                (_, 0x0809) => depth += 1,
                (1.., 0x000A) => depth -= 1,
                (1.., _) => {}
                (0, typ) => self.record(typ, r.data, g)?,
            }
        }
        let dense = self.values.cells().saturating_add(self.formulas.cells());
        self.charge(dense, 0, 0)
    }

    /// Counts one record of the sheet itself.
    fn record(&mut self, typ: u16, d: &[u8], g: &Globals) -> Result<()> {
        let position = || (u32::from(u16_at(d, 0)), u32::from(u16_at(d, 2)));
        let text = match typ {
            0x0200 => return self.charge(dimensions(d), 0, 0),
            0x0203 if d.len() >= 14 => 0,
            0x0205 if d.len() >= 8 => 0,
            0x027E if d.len() >= 10 => 0,
            0x0204 | 0x00D6 if d.len() >= 6 => string_text(&d[6..], g),
            0x00FD if d.len() >= 10 => match g.strings.get(u32_at(d, 6) as usize) {
                Some(&len) => len,
                None => return Ok(()),
            },
            // The text of the formula before it.
            0x0207 => {
                self.values.add(self.formula_at);
                return self.charge(1, string_text(d, g), 0);
            }
            0x00BD if d.len() >= 6 => {
                let (row, first) = position();
                let count = (d.len() - 6) / 6;
                if count > 0 {
                    self.values.add((row, first));
                    self.values.add((row, first + count as u32 - 1));
                }
                return self.charge(count, 0, 0);
            }
            0x00E5 if d.len() >= 2 => return self.charge(usize::from(u16_at(d, 0)), 0, 0),
            0x0006 if d.len() >= 20 => {
                self.formula_at = position();
                self.formulas.add(self.formula_at);
                // A value, unless a String record follows with it.
                if d[12..14] != [0xFF, 0xFF] || d[6] != 0 {
                    self.values.add(self.formula_at);
                    self.charge(1, 0, 0)?;
                }
                let (text, work) = formula_cost(&d[20..], g);
                return self.charge(1, text, work);
            }
            _ => return Ok(()),
        };
        self.values.add(position());
        self.charge(1, text, 0)
    }
}

/// The cells calamine reserves room for on reading a DIMENSIONS record: its arithmetic in
/// `parse_dimensions` and `parse_workbook`, wrapping where a release build wraps.
fn dimensions(d: &[u8]) -> usize {
    let (first_row, last_row, mut first_column, last_column) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0)),
            u32::from(u16_at(d, 2)),
            u16_at(d, 4),
            u16_at(d, 6),
        ),
        14 | 16 => (u32_at(d, 0), u32_at(d, 4), u16_at(d, 8), u16_at(d, 10)),
        _ => return 0,
    };
    if 0xFF < first_column || last_column < first_column {
        first_column = 0;
    }
    let (first_column, last_column) = (u32::from(first_column), u32::from(last_column));
    let (end_row, end_column) = match last_row >= 1 && last_column >= 1 {
        true => (last_row - 1, last_column - 1),
        false => (first_row, first_column),
    };
    let rows = end_row.wrapping_sub(first_row).wrapping_add(1) as usize;
    let columns = end_column.wrapping_sub(first_column).wrapping_add(1) as usize;
    rows.saturating_mul(columns)
}

/// The bytes calamine's `parse_string` may hold for the string `d` starts with.
fn string_text(d: &[u8], g: &Globals) -> usize {
    match d.len() >= 2 {
        true => g.per_char * usize::from(u16_at(d, 0)),
        false => 0,
    }
}

/// The most text calamine's `parse_formula` can make of a formula's tokens (or of the error
/// it writes instead), and the bytes it moves doing so: it inserts into, and splits, the
/// text it has so far. Each token is taken to make the longest text it can.
fn formula_cost(rgce: &[u8], g: &Globals) -> (usize, u64) {
    let Some(tokens) = rgce
        .get(..2)
        .and_then(|cce| rgce.get(2..2 + usize::from(u16_at(cce, 0))))
    else {
        return (MAX_FORMULA_ERROR, 0);
    };
    let (sheet, name) = (g.longest_sheet_name, g.longest_defined_name);
    let (ref_len, area_len) = if g.biff8 { (4, 8) } else { (3, 6) };
    let (mut t, mut len, mut work, mut depth) = (tokens, 0usize, 0u64, 0usize);
    while let Some((&ptg, rest)) = t.split_first() {
        t = rest;
        let byte = |i: usize| t.get(i).copied();
        // (operand bytes, text added, times the text so far is moved, operands pushed)
        let (size, add, moves, push): (usize, usize, usize, isize) = match ptg {
            0x3A | 0x5A | 0x7A => (6, sheet + 12, 0, 1),
            0x3B | 0x5B | 0x7B => (10, sheet + 24, 0, 1),
            0x3C | 0x5C | 0x7C => (6, sheet + 6, 0, 1),
            0x3D | 0x5D | 0x7D => (10, sheet + 6, 0, 1),
            0x01 => (4, 0, 0, 1),
            0x03..=0x11 if depth > 0 => (0, 2, 2, -1),
            0x12 | 0x13 | 0x15 if depth > 0 => (0, 2, 1, 0),
            0x14 => (0, 1, 0, 0),
            0x16 => (0, 0, 0, 1),
            0x17 => {
                let Some(chars) = byte(0).map(usize::from) else {
                    break;
                };
                let bytes = match (g.biff8, byte(1)) {
                    (false, _) => 1 + chars,
                    (true, Some(flags)) => 2 + chars * (1 + usize::from(flags & 1)),
                    (true, None) => break,
                };
                (bytes, 2 + g.per_char * chars, 0, 1)
            }
            0x18 => (5, 0, 0, 0),
            0x19 => match (byte(0), byte(2)) {
                (Some(0x01 | 0x02 | 0x08 | 0x20 | 0x21), _) => (3, 0, 0, 0),
                (Some(0x04), _) => match t.get(1..3) {
                    Some(n) => (3 + 2 * (usize::from(u16_at(n, 0)) + 1), 0, 0, 0),
                    None => break,
                },
                (Some(0x10), _) if depth > 0 => (3, 5, 2, 0),
                (Some(0x40 | 0x41), Some(spaces)) if depth > 0 => {
                    (3, usize::from(spaces), usize::from(spaces), 0)
                }
                _ => break,
            },
            0x1C => (1, 13, 0, 1),
            0x1D => (1, 5, 0, 1),
            0x1E => (2, 5, 0, 1),
            0x1F => match t.get(..8) {
                Some(v) => (
                    8,
                    format!("{}", f64::from_le_bytes(v.try_into().unwrap_or_default())).len(),
                    0,
                    1,
                ),
                None => break,
            },
            0x20 | 0x40 | 0x60 => (7, 10, 0, 1),
            // A function of a fixed number of arguments, each of them on the stack.
            0x21 | 0x41 | 0x61 => (2, MAX_FUNCTION_NAME + 2 + depth, 2, 1),
            0x22 | 0x42 | 0x62 => match byte(0).map(usize::from) {
                Some(args) if args <= depth => {
                    (3, MAX_FUNCTION_NAME + 2 + args, 2, 1 - args as isize)
                }
                _ => break,
            },
            0x23 | 0x43 | 0x63 => (4, name, 0, 1),
            0x24 | 0x44 | 0x64 => (ref_len, 12, 0, 1),
            0x25 | 0x45 | 0x65 => (area_len, 24, 0, 1),
            0x2A | 0x4A | 0x6A => (ref_len, 5, 0, 1),
            0x2B | 0x4B | 0x6B => (area_len, 5, 0, 1),
            0x39 | 0x59 => (6, 10, 0, 1),
            _ => break,
        };
        let Some(rest) = t.get(size..) else { break };
        t = rest;
        work = work.saturating_add((moves as u64).saturating_mul(len as u64) + add as u64);
        len = len.saturating_add(add);
        depth = depth.saturating_add_signed(push);
    }
    // The text starts with room for as many bytes as the tokens take.
    (len.max(rgce.len()).saturating_add(MAX_FORMULA_ERROR), work)
}

#[cfg(test)]
mod tests {
    use super::dimensions;

    /// A BIFF8 DIMENSIONS record: first row, last row + 1, first column, last column + 1.
    fn record(first_row: u32, rows_end: u32, first_column: u16, columns_end: u16) -> Vec<u8> {
        [
            first_row.to_le_bytes().as_slice(),
            &rows_end.to_le_bytes(),
            &first_column.to_le_bytes(),
            &columns_end.to_le_bytes(),
            &[0, 0],
        ]
        .concat()
    }

    #[test]
    fn dimensions_are_counted_with_calamines_arithmetic_wrapping_included() {
        assert_eq!(dimensions(&record(0, 10, 0, 4)), 40);
        // An empty sheet: one cell.
        assert_eq!(dimensions(&record(0, 0, 0, 0)), 1);
        // Rows 5 to 4: the count wraps to nothing.
        assert_eq!(dimensions(&record(5, 5, 0, 1)), 0);
        // Rows 7 to 2: it wraps to four billion, as does a last row of four billion.
        assert_eq!(dimensions(&record(7, 3, 0, 1)), (u32::MAX - 3) as usize);
        assert_eq!(dimensions(&record(0, u32::MAX, 0, 1)), u32::MAX as usize);
        // A first column past IV, or after the last, is taken as A.
        assert_eq!(dimensions(&record(0, 1, 300, 2)), 2);
        // A record of another length is an error in calamine: nothing reserved.
        assert_eq!(dimensions(&[0; 12]), 0);
    }
}
