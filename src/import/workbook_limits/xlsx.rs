//! The cost of the parts of an XLSX workbook calamine reads in full as it opens it: the
//! shared strings (`Xlsx::read_shared_strings`, `read_string_with_bufs`), for which it first
//! reserves room for as many strings as the `uniqueCount` of `<sst>` says, and the styles
//! (`Xlsx::read_styles`), a style for each `<xf>` with copies of the font name and number
//! format it names. The sheets are read cell by cell afterwards, and counted as they are
//! read.

use std::io::{BufRead, BufReader, Read, Seek};

use anyhow::Result;
use quick_xml::events::Event;
use quick_xml::name::QName;

use super::{Budget, MAX_CELLS, Part, raw_attr, raw_attrs, xml_reader};

type Reader<R> = quick_xml::Reader<R>;

/// Refuses an XLSX workbook whose shared strings declare, or hold, more strings or text
/// than the limits, or whose styles calamine would copy past them; `source` is the
/// workbook's zip, already size-checked.
pub fn check_xlsx<R: Read + Seek>(source: R, budget: &mut Budget) -> Result<()> {
    let Ok(mut archive) = zip::ZipArchive::new(source) else {
        return Ok(()); // calamine says what is wrong with it
    };
    // calamine reads `sharedStrings.xml` and `styles.xml` from the folder of the workbook
    // part, matching names whatever their case: every part so named is counted.
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index(index) else {
            continue;
        };
        let Ok(name) = part
            .name()
            .map(|n| n.replace('\\', "/").to_ascii_lowercase())
        else {
            continue;
        };
        if name.ends_with("sharedstrings.xml") {
            scan(xml_reader(BufReader::new(part)), budget)?;
        } else if name.ends_with("styles.xml") {
            scan_styles(xml_reader(BufReader::new(part)), budget)?;
        }
    }
    Ok(())
}

/// Counts a styles part: a style for each `<xf>`, a few cells' worth, with copies of a
/// font name and a number format, each counted as long as the longest attribute.
fn scan_styles<R: BufRead>(mut reader: Reader<R>, budget: &mut Budget) -> Result<()> {
    let (mut styles, mut longest) = (0usize, 0usize);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                styles += usize::from(e.local_name().as_ref() == "xf");
                for (_, value) in raw_attrs(e.attributes_raw()).map_while(|attr| attr) {
                    longest = longest.max(value.len());
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let text = 2usize.saturating_mul(longest).saturating_add(64);
    budget.charge(
        Part::Styles,
        styles.saturating_mul(8),
        styles.saturating_mul(text),
    )
}

/// Counts one shared strings part.
fn scan<R: BufRead>(mut reader: Reader<R>, budget: &mut Budget) -> Result<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                if let Some(count) = raw_attr(&e, "uniqueCount") {
                    check_declared(count, budget)?;
                }
                break;
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
    let (mut xml_buf, mut text_buf) = (Vec::new(), Vec::new());
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => {
                let Some(text) = scan_string(&mut reader, e.name(), &mut xml_buf, &mut text_buf)
                else {
                    return Ok(());
                };
                budget.charge(Part::SharedStrings, 1, text)?;
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "sst" => return Ok(()),
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// Refuses a `uniqueCount` past the limit: calamine reserves room for that many strings
/// before reading one. Any digits count, so a number calamine would not parse is at worst
/// refused too.
fn check_declared(count: &str, budget: &Budget) -> Result<()> {
    let digits = count.trim_start_matches(|c: char| !c.is_ascii_digit() || c == '0');
    let declared = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .try_fold(0usize, |n, d| {
            n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
        });
    if declared.is_none_or(|n| n > MAX_CELLS) {
        return Err(budget.refuse(
            Part::SharedStrings,
            &format!(
                "declare {} strings (`uniqueCount`); a workbook may hold {MAX_CELLS} cells",
                crate::untrusted::one_line(count)
            ),
        ));
    }
    Ok(())
}

/// The bytes of text in the `<si>` that `closing` ends, read as calamine reads it: the
/// text of its `<t>` elements outside phonetic runs (`<rPh>`). `None` where calamine stops
/// with an error.
fn scan_string<R: BufRead>(
    reader: &mut Reader<R>,
    closing: QName<'_>,
    xml_buf: &mut Vec<u8>,
    text_buf: &mut Vec<u8>,
) -> Option<usize> {
    let (mut text, mut phonetic) = (0usize, false);
    loop {
        xml_buf.clear();
        match reader.read_event_into(xml_buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Ok(Event::End(e)) if e.name() == closing => return Some(text),
            Ok(Event::End(e)) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Ok(Event::Start(e)) if e.local_name().as_ref() == "t" && !phonetic => loop {
                text_buf.clear();
                match reader.read_event_into(text_buf) {
                    Ok(Event::Text(t)) => text = text.saturating_add(t.len()),
                    Ok(Event::CData(t)) => text = text.saturating_add(t.len()),
                    Ok(Event::GeneralRef(_)) => text = text.saturating_add(4),
                    Ok(Event::End(end)) if end.name() == e.name() => break,
                    Ok(Event::Eof) | Err(_) => return None,
                    Ok(_) => {}
                }
            },
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}
