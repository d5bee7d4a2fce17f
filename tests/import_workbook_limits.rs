//! `greenlight import` of workbooks made to cost far more than their size (#20): each is
//! refused with one clear error, quickly, within a gigabyte of memory, before calamine
//! allocates what it asks for; and ordinary workbooks of each kind still import.
//!
//! The workbooks are built here, byte by byte where no writer makes them.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Sandbox;

/// What the end of every refusal says to do.
const REMEDY: &str = "save it again, or export the sheet as CSV";

/// `greenlight import SOURCE` run with at most 1 GB of address space, as a shell's
/// `ulimit -v` sets it (a reader that asked for more would abort), and killed after a
/// minute (one that read forever would still be running): its exit code and standard error.
fn import_bounded(sandbox: &Sandbox, source: &Path) -> (Option<i32>, String) {
    let stderr = sandbox.path().join("stderr.txt");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 1048576; exec "$0" import "$1" -o "$2""#)
        .arg(assert_cmd::cargo::cargo_bin("greenlight"))
        .arg(source)
        .arg(sandbox.path().join("out.yaml"))
        .env("GREENLIGHT_HOME", sandbox.home())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("sh runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("importing {} still ran after a minute", source.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code(), std::fs::read_to_string(stderr).unwrap())
}

/// Imports `source`, which must be refused (exit 2) with a message holding each of `says`
/// and the remedy.
fn assert_refused(sandbox: &Sandbox, source: &Path, says: &[&str]) {
    let (code, stderr) = import_bounded(sandbox, source);
    assert_eq!(code, Some(2), "{stderr}");
    for needle in says.iter().chain([&REMEDY]) {
        assert!(stderr.contains(needle), "no `{needle}` in:\n{stderr}");
    }
}

/// Imports `source`, which must succeed; the checklist written.
fn assert_imports(sandbox: &Sandbox, source: &Path) -> String {
    let (code, stderr) = import_bounded(sandbox, source);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::read_to_string(sandbox.path().join("out.yaml")).unwrap()
}

/// A zip of `parts` (name, content) at `path`, the first stored, the rest deflated.
fn zip(path: &Path, parts: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (index, (name, content)) in parts.iter().enumerate() {
        let method = match index {
            0 => zip::CompressionMethod::Stored,
            _ => zip::CompressionMethod::Deflated,
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(*name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap();
}

/// An ODS workbook at `sandbox/name` whose spreadsheet body is `tables`.
fn ods(sandbox: &Sandbox, name: &str, tables: &str) -> PathBuf {
    let path = sandbox.path().join(name);
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip(
        &path,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
    );
    path
}

/// A string cell of an ODS table.
fn ods_text(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

#[test]
fn an_ods_of_repeated_rows_of_repeated_values_is_refused_before_it_is_expanded() {
    let sandbox = Sandbox::new();
    let source = ods(
        &sandbox,
        "bomb.ods",
        r#"<table:table table:name="Checks"><table:table-row table:number-rows-repeated="20000"><table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/></table:table-row></table:table>"#,
    );
    assert!(
        std::fs::metadata(&source).unwrap().len() < 2000,
        "a tiny file"
    );
    assert_refused(
        &sandbox,
        &source,
        &["bomb.ods", "sheet `Checks`", "more than 2000000 cells"],
    );
}

#[test]
fn an_ods_cut_short_inside_a_table_is_refused_not_read_forever() {
    let sandbox = Sandbox::new();
    let source = ods(
        &sandbox,
        "cut.ods",
        &format!(
            r#"<table:table table:name="Checks"><table:table-row>{}</table:table-row>"#,
            ods_text("title")
        ),
    );
    assert_refused(
        &sandbox,
        &source,
        &["cut.ods", "sheet `Checks`", "never finish"],
    );
}

#[test]
fn an_ods_with_libreoffice_trailing_rows_and_cells_still_imports() {
    let sandbox = Sandbox::new();
    // As LibreOffice saves a sheet: a column spec for the whole width, each row ending in
    // styled empty cells to column AMJ, an empty row between items, and empty rows to the
    // last of the sheet's 1,048,576.
    let row = |cells: &[&str]| {
        let cells: String = cells.iter().map(|c| ods_text(c)).collect();
        format!(
            r#"<table:table-row table:style-name="ro1">{cells}<table:table-cell table:style-name="ce1" table:number-columns-repeated="1000"/></table:table-row>"#
        )
    };
    let mut table = String::from(
        r#"<table:table table:name="Checks"><table:table-column table:number-columns-repeated="1024"/>"#,
    );
    table += &row(&["title", "steps"]);
    for n in 1..=3000 {
        table += &row(&[&format!("Check {n} works"), &format!("Do {n}")]);
        if n % 1000 == 0 {
            table += r#"<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        }
    }
    table += r#"<table:table-row table:style-name="ro1" table:number-rows-repeated="1045569"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;
    let source = ods(&sandbox, "checks.ods", &table);
    let yaml = assert_imports(&sandbox, &source);
    assert!(yaml.contains("title: Check 1 works"), "{yaml}");
    assert!(yaml.contains("title: Check 3000 works"), "{yaml}");
}

// XLS: a BIFF8 Workbook stream in a compound file.

fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut record = kind.to_le_bytes().to_vec();
    record.extend((data.len() as u16).to_le_bytes());
    record.extend(data);
    record
}

/// BOF of the globals (`kind` 5) or of a worksheet (`kind` 0x10), BIFF8.
fn bof(kind: u16) -> Vec<u8> {
    let mut data = vec![0x00, 0x06];
    data.extend(kind.to_le_bytes());
    data.extend([0xBB, 0x0D, 0xCC, 0x07, 0, 0, 0, 0, 0x06, 0, 0, 0]);
    record(0x0809, &data)
}

fn eof() -> Vec<u8> {
    record(0x000A, &[])
}

fn cell_data(row: u16, column: u16) -> Vec<u8> {
    [row.to_le_bytes(), column.to_le_bytes(), [0, 0]].concat()
}

fn label(row: u16, column: u16, text: &str) -> Vec<u8> {
    let mut data = cell_data(row, column);
    data.extend((text.len() as u16).to_le_bytes());
    data.push(0);
    data.extend(text.as_bytes());
    record(0x0204, &data)
}

fn number(row: u16, column: u16, value: f64) -> Vec<u8> {
    record(
        0x0203,
        &[cell_data(row, column), value.to_le_bytes().to_vec()].concat(),
    )
}

/// A header and one check, as the first rows of a sheet.
fn checks() -> Vec<u8> {
    [label(0, 0, "title"), label(1, 0, "The page loads")].concat()
}

/// A Workbook stream: globals holding `globals` and a sheet record for each of `sheets`,
/// or for the first of them under each of `names` when given.
fn workbook(globals: &[u8], sheets: &[Vec<u8>], names: Option<&[String]>) -> Vec<u8> {
    let own: Vec<String> = (0..sheets.len()).map(|n| format!("S{n}")).collect();
    let names = names.unwrap_or(&own);
    let bound_sheet = |pos: u32, name: &str| {
        let data = [
            pos.to_le_bytes().as_slice(),
            &[0, 0, name.len() as u8, 0],
            name.as_bytes(),
        ]
        .concat();
        record(0x0085, &data)
    };
    let globals_len: usize = bof(5).len()
        + globals.len()
        + names.iter().map(|n| bound_sheet(0, n).len()).sum::<usize>()
        + eof().len();
    let substreams: Vec<Vec<u8>> = sheets
        .iter()
        .map(|records| [bof(0x10), records.clone(), eof()].concat())
        .collect();
    let mut starts = Vec::new();
    let mut at = globals_len;
    for substream in &substreams {
        starts.push(at as u32);
        at += substream.len();
    }
    let mut stream = [bof(5), globals.to_vec()].concat();
    for (n, name) in names.iter().enumerate() {
        let start = if names.len() == sheets.len() {
            starts[n]
        } else {
            starts[0]
        };
        stream.extend(bound_sheet(start, name));
    }
    stream.extend(eof());
    stream.extend(substreams.concat());
    stream
}

/// An XLS file at `sandbox/name` holding `stream` as its Workbook stream.
fn xls(sandbox: &Sandbox, name: &str, stream: &[u8]) -> PathBuf {
    let path = sandbox.path().join(name);
    let file = std::fs::File::create(&path).unwrap();
    let mut compound = cfb::CompoundFile::create_with_version(cfb::Version::V3, file).unwrap();
    compound
        .create_stream("/Workbook")
        .unwrap()
        .write_all(stream)
        .unwrap();
    compound.flush().unwrap();
    path
}

#[test]
fn an_xls_workbook_imports() {
    let sandbox = Sandbox::new();
    let sheet = [
        record(0x0200, &[0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 2, 0, 0, 0]),
        checks(),
        label(2, 0, "The menu opens"),
        number(2, 1, 3.0),
    ]
    .concat();
    let source = xls(&sandbox, "checks.xls", &workbook(&[], &[sheet], None));
    let yaml = assert_imports(&sandbox, &source);
    assert!(yaml.contains("title: The page loads"), "{yaml}");
    assert!(yaml.contains("title: The menu opens"), "{yaml}");
}

#[test]
fn an_xls_sheet_declaring_four_billion_rows_is_refused() {
    let sandbox = Sandbox::new();
    // DIMENSIONS: rows 0 to 4,294,967,294, column A.
    let dimensions = record(
        0x0200,
        &[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0],
    );
    let sheet = [dimensions, checks()].concat();
    let source = xls(&sandbox, "rows.xls", &workbook(&[], &[sheet], None));
    assert_refused(
        &sandbox,
        &source,
        &["rows.xls", "sheet `S0`", "more than 2000000 cells"],
    );
}

#[test]
fn xls_sheets_spanning_a1_to_iv65536_are_refused() {
    let sandbox = Sandbox::new();
    // Three cells make a dense range of 16,777,216 cells on each sheet: one sheet alone is
    // half a gigabyte in calamine.
    let sheet = [checks(), number(65535, 255, 1.0)].concat();
    let source = xls(
        &sandbox,
        "wide.xls",
        &workbook(&[], &[sheet.clone(), sheet], None),
    );
    assert_refused(
        &sandbox,
        &source,
        &["wide.xls", "sheet `S0`", "2000000 cells"],
    );
    // Or a sheet of a million cells, read once for each of a hundred sheet records that
    // name it.
    let names: Vec<String> = (0..100).map(|n| format!("Copy {n}")).collect();
    let sheet = [checks(), number(999, 999, 1.0)].concat();
    let source = xls(
        &sandbox,
        "copies.xls",
        &workbook(&[], &[sheet], Some(&names)),
    );
    assert_refused(
        &sandbox,
        &source,
        &["copies.xls", "sheet `Copy 1`", "2000000 cells"],
    );
}

#[test]
fn an_xls_copying_one_long_shared_string_into_many_cells_is_refused() {
    let sandbox = Sandbox::new();
    // A shared string of 8,000 characters, and 100,000 cells that each hold a copy of it.
    let mut sst = [1u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    sst.extend(8000u16.to_le_bytes());
    sst.push(0);
    sst.extend([b'x'; 8000]);
    let cells: Vec<u8> = (0..100_000u32)
        .flat_map(|n| {
            let data = [
                cell_data(2 + (n / 200) as u16, (n % 200) as u16),
                0u32.to_le_bytes().to_vec(),
            ];
            record(0x00FD, &data.concat())
        })
        .collect();
    let sheet = [checks(), cells].concat();
    let source = xls(
        &sandbox,
        "shared.xls",
        &workbook(&record(0x00FC, &sst), &[sheet], None),
    );
    assert_refused(
        &sandbox,
        &source,
        &["shared.xls", "sheet `S0`", "64 MB of text"],
    );
}

#[test]
fn an_xls_formula_that_grows_as_it_is_read_is_refused_not_read_for_hours() {
    let sandbox = Sandbox::new();
    // The number 1, then 16,000 tokens that each put 255 spaces before it: calamine
    // inserts them one at a time at the front of a text that grows to 4 MB.
    let mut tokens = vec![0x1E, 1, 0];
    for _ in 0..16_000 {
        tokens.extend([0x19, 0x40, 0x00, 0xFF]);
    }
    let mut formula = cell_data(2, 0);
    formula.extend(1.0f64.to_le_bytes());
    formula.extend([0; 6]);
    formula.extend((tokens.len() as u16).to_le_bytes());
    formula.extend(tokens);
    let sheet = [checks(), record(0x0006, &formula)].concat();
    let source = xls(&sandbox, "formula.xls", &workbook(&[], &[sheet], None));
    assert_refused(
        &sandbox,
        &source,
        &["formula.xls", "sheet `S0`", "copying more than"],
    );
}

/// A compound file whose directory's sector chain leads back to itself: calamine's reader
/// follows it for ever, holding a copy of each turn.
fn looping_compound_file() -> Vec<u8> {
    let mut header = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    header.extend([0; 16]);
    for value in [0x3E_u16, 3, 0xFFFE, 9, 6, 0] {
        header.extend(value.to_le_bytes());
    }
    header.extend([0; 4]);
    // No directory sectors counted, one FAT sector, the directory at sector 1, …
    for value in [0_u32, 1, 1, 0, 4096, 0xFFFF_FFFE, 0, 0xFFFF_FFFE, 0] {
        header.extend(value.to_le_bytes());
    }
    // … and the FAT at sector 0.
    header.extend(0_u32.to_le_bytes());
    header.resize(512, 0xFF);
    let mut fat = Vec::new();
    for value in [0xFFFF_FFFD_u32, 1] {
        fat.extend(value.to_le_bytes());
    }
    fat.resize(512, 0xFF);
    [header, fat, vec![0; 512]].concat()
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("loop.xls");
    std::fs::write(&source, looping_compound_file()).unwrap();
    assert_refused(
        &sandbox,
        &source,
        &["loop.xls is not an Excel 97-2003 workbook"],
    );
}

// XLSX

/// An XLSX workbook of one sheet at `sandbox/name`, with `sheet` inside its `<worksheet>`
/// and the shared strings and styles parts given.
fn xlsx(
    sandbox: &Sandbox,
    name: &str,
    sheet: &str,
    shared_strings: Option<&str>,
    styles: Option<&str>,
) -> PathBuf {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let path = sandbox.path().join(name);
    let types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;
    let rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Checks" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let workbook_rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(r#"<?xml version="1.0"?><worksheet xmlns="{MAIN}">{sheet}</worksheet>"#);
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(strings) = shared_strings {
        parts.push(("xl/sharedStrings.xml", strings.as_bytes()));
    }
    if let Some(styles) = styles {
        parts.push(("xl/styles.xml", styles.as_bytes()));
    }
    zip(&path, &parts);
    path
}

/// A sheet of a header and one check, in shared strings 0 and 1.
const SHARED_CHECKS: &str = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>"#;

#[test]
fn an_xlsx_declaring_a_hundred_billion_shared_strings_is_refused() {
    let sandbox = Sandbox::new();
    let strings = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="99999999999"><si><t>title</t></si><si><t>The page loads</t></si></sst>"#;
    let source = xlsx(&sandbox, "count.xlsx", SHARED_CHECKS, Some(strings), None);
    assert_refused(
        &sandbox,
        &source,
        &[
            "count.xlsx",
            "shared strings declare 99999999999 strings",
            "2000000",
        ],
    );
}

#[test]
fn an_xlsx_of_three_million_shared_strings_is_refused() {
    let sandbox = Sandbox::new();
    let strings = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>title</t></si><si><t>The page loads</t></si>{}</sst>"#,
        "<si/>".repeat(3_000_000)
    );
    let source = xlsx(
        &sandbox,
        "strings.xlsx",
        SHARED_CHECKS,
        Some(&strings),
        None,
    );
    assert_refused(
        &sandbox,
        &source,
        &[
            "strings.xlsx",
            "its shared strings",
            "more than 2000000 cells",
        ],
    );
}

#[test]
fn an_xlsx_copying_a_long_number_format_into_many_styles_is_refused() {
    let sandbox = Sandbox::new();
    // A number format of a million characters, and 5,000 styles that each hold a copy.
    let styles = format!(
        r#"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="{}"/></numFmts><cellXfs>{}</cellXfs></styleSheet>"#,
        "0".repeat(1 << 20),
        r#"<xf numFmtId="164"/>"#.repeat(5000)
    );
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row></sheetData>"#;
    let source = xlsx(&sandbox, "styles.xlsx", sheet, None, Some(&styles));
    assert!(
        std::fs::metadata(&source).unwrap().len() < 10_000,
        "a tiny file"
    );
    assert_refused(
        &sandbox,
        &source,
        &["styles.xlsx", "its styles", "64 MB of text"],
    );
}

#[test]
fn an_xlsx_of_cells_far_to_the_right_is_refused_before_its_rows_are_padded() {
    let sandbox = Sandbox::new();
    // Each cell at column XFD becomes a row of 16,384 cells: 5,000 of them, 82 million.
    let mut sheet = String::from(
        r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>"#,
    );
    for row in 2..5002 {
        sheet += &format!(r#"<row r="{row}"><c r="XFD{row}"><v>1</v></c></row>"#);
    }
    sheet += "</sheetData>";
    let source = xlsx(&sandbox, "far.xlsx", &sheet, None, None);
    assert_refused(
        &sandbox,
        &source,
        &["far.xlsx", "sheet `Checks`", "2000000 cells"],
    );
}

#[test]
fn an_xlsx_that_is_also_a_compound_file_is_refused() {
    let sandbox = Sandbox::new();
    // calamine looks into an XLSX as a compound file first (for a password): one whose
    // sector chain loops, with an ordinary workbook after it, where zip readers look.
    let workbook = xlsx(
        &sandbox,
        "inner.xlsx",
        r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row></sheetData>"#,
        None,
        None,
    );
    let source = sandbox.path().join("both.xlsx");
    std::fs::write(
        &source,
        [looping_compound_file(), std::fs::read(workbook).unwrap()].concat(),
    )
    .unwrap();
    assert_refused(&sandbox, &source, &["both.xlsx", "not a zip archive"]);
}
