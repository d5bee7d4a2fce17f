//! The XLSX workbook, read back with calamine: every sheet's cells, real numbers and
//! date-times, text never a formula; and, where LibreOffice is installed, opened by it.

mod common;

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Sandbox;

fn recorded_run(sandbox: &Sandbox) -> String {
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    sandbox
        .record(
            &run,
            &[
                "no-shift",
                "safari",
                "phone",
                "fail",
                "--severity",
                "1",
                "--note",
                "=HYPERLINK(\"http://evil\")\nline two",
            ],
        )
        .success();
    sandbox
        .record(
            &run,
            &[
                "text-size",
                "chrome",
                "laptop",
                "blocked",
                "--note",
                "no laptop",
            ],
        )
        .success();
    sandbox
        .record(
            &run,
            &[
                "text-size",
                "chrome",
                "phone",
                "skip",
                "--note",
                "-covered elsewhere",
            ],
        )
        .success();
    run
}

fn export(sandbox: &Sandbox, run: &str) -> std::path::PathBuf {
    let path = sandbox.path().join("results.xlsx");
    sandbox
        .cmd()
        .args(["export", run, "--format", "xlsx", "-o"])
        .arg(&path)
        .assert()
        .success();
    path
}

fn text(data: &Data) -> String {
    greenlight::import::table::cell_text(data)
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut archive = zip_reader(path);
    let mut out = String::new();
    archive
        .by_name(name)
        .expect(name)
        .read_to_string(&mut out)
        .unwrap();
    out
}

fn zip_reader(path: &Path) -> zip::ZipArchive<std::fs::File> {
    zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap()
}

#[test]
fn every_sheet_holds_what_the_run_recorded() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let path = export(&sandbox, &run);
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["Results", "Matrix", "Summary", "Failures"]
    );

    let results = workbook.worksheet_range("Results").unwrap();
    let rows: Vec<Vec<Data>> = results.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header, greenlight::export::LONG_COLUMNS);
    assert_eq!(rows.len(), 1 + 7);
    let pass = &rows[1];
    assert_eq!(text(&pass[5]), "no-shift");
    assert_eq!(text(&pass[11]), "pass");
    assert_eq!(pass[9], Data::Float(390.0), "sizes are numbers");
    assert!(
        matches!(pass[16], Data::DateTime(_)),
        "times are date-times: {:?}",
        pass[16]
    );
    let fail = &rows[3];
    assert_eq!(text(&fail[11]), "fail");
    assert_eq!(fail[12], Data::Float(1.0));
    assert_eq!(
        text(&fail[13]),
        "=HYPERLINK(\"http://evil\")\nline two",
        "text as written"
    );
    let untested = &rows[2];
    assert_eq!(text(&untested[11]), "untested");
    assert_eq!(untested[13], Data::Empty);
    let formulas = workbook.worksheet_formula("Results").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );

    let matrix = workbook.worksheet_range("Matrix").unwrap();
    let m: Vec<Vec<String>> = matrix
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(
        m[0][..4],
        ["item", "chrome/phone", "chrome/laptop", "safari/phone"]
    );
    assert_eq!(m[1][1..4], ["✓", "·", "✗1"]);
    assert_eq!(m[2][1..4], ["–", "!", "·"]);
    assert_eq!(
        m[3][1..4],
        ["", "·", ""],
        "blank where the item does not apply"
    );

    let summary = workbook.worksheet_range("Summary").unwrap();
    let s: Vec<Vec<String>> = summary
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    let fact = |label: &str| {
        s.iter()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert_eq!(fact("release"), "1.4.0");
    assert_eq!(fact("commit"), "0123456789abcdef0123456789abcdef01234567");
    assert_eq!(fact("checklist sha256").len(), 64);
    assert!(fact("verdict").starts_with("blocked: 1 blocker failure"));
    let all = s.iter().find(|r| r[0] == "all").unwrap();
    assert_eq!(all[1..7], ["1", "1", "1", "1", "3", "7"]);

    let failures = workbook.worksheet_range("Failures").unwrap();
    let f: Vec<Vec<String>> = failures
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(f.len(), 3, "a header, one failure and one blocked cell");
    assert_eq!(f[1][3], "safari/phone");
    assert_eq!(f[1][5], "1");
    assert_eq!(f[2][4], "blocked");
    assert_eq!(f[2][6], "no laptop");
}

#[test]
fn results_are_a_table_with_a_frozen_header_and_coloured_statuses() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let path = export(&sandbox, &run);
    let table = zip_entry(&path, "xl/tables/table1.xml");
    assert!(table.contains("autoFilter"), "{table}");
    let sheet = zip_entry(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"state="frozen""#));
    let styles = zip_entry(&path, "xl/styles.xml");
    for fill in ["FFC6EFCE", "FFFFC7CE", "FFFFEB9C", "FFD9D9D9"] {
        assert!(styles.contains(fill), "fill {fill} for a status");
    }
    let matrix = zip_entry(&path, "xl/worksheets/sheet2.xml");
    assert!(
        matrix.contains(r#"xSplit="1""#) && matrix.contains(r#"ySplit="1""#),
        "first column and header frozen"
    );
}

#[test]
fn xlsx_needs_a_file_and_replaces_it_whole() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    sandbox
        .cmd()
        .args(["export", &run, "--format", "xlsx"])
        .assert()
        .code(2);
    let path = export(&sandbox, &run);
    let names: Vec<_> = std::fs::read_dir(sandbox.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".greenlight-"))
        .collect();
    assert!(names.is_empty(), "no temporary file left: {names:?}");
    assert!(path.is_file());
}

#[test]
fn libreoffice_opens_the_workbook_and_reads_the_same_cells() {
    let runs = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !common::tool_available(runs, "LibreOffice's soffice (Debian's libreoffice-calc)") {
        return;
    }
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let path = export(&sandbox, &run);
    let out = sandbox.path().join("converted");
    let status = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(&out)
        .arg(&path)
        .env("HOME", sandbox.path())
        .status()
        .unwrap();
    assert!(status.success());
    let converted = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(converted.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(&rows[2][11], "fail");
    assert_eq!(&rows[2][13], "=HYPERLINK(\"http://evil\")\nline two");
}

#[test]
fn a_note_longer_than_a_cell_holds_is_cut_and_says_so() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let long = "x".repeat(40_000);
    sandbox
        .record(
            &run,
            &["no-shift", "chrome", "phone", "fail", "--note", &long],
        )
        .success();
    let path = export(&sandbox, &run);
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    let results = workbook.worksheet_range("Results").unwrap();
    let note = text(results.get((1, 13)).unwrap());
    assert_eq!(note.chars().count(), 32_767);
    assert!(note.ends_with("the CSV export has all of it]"));
}

#[test]
fn a_run_past_a_sheets_rows_is_refused_with_the_way_to_export_it() {
    let sandbox = Sandbox::new();
    // 88,000 items × 12 environments: 1,056,000 cells, more than a sheet's 1,048,575 rows.
    let mut yaml = String::from(
        "id: huge\ntitle: Huge\nmatrix:\n  browsers: [{id: a}, {id: b}, {id: c}, {id: d}]\n  viewports: [{id: p, width: 1, height: 1}, {id: q, width: 2, height: 2}, {id: r, width: 3, height: 3}]\nsections:\n  - id: s\n    title: S\n    items:\n",
    );
    for n in 0..88_000 {
        yaml.push_str(&format!("      - {{id: i{n}, title: T}}\n"));
    }
    let checklist = sandbox.write("huge.yaml", &yaml);
    let run = sandbox.start(&checklist);
    let out = sandbox.path().join("huge.xlsx");
    sandbox
        .cmd()
        .args(["export", &run, "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the run has 1056000 cells and a workbook sheet holds 1048575 rows; export it as CSV",
        ));
    assert!(!out.exists(), "nothing half-written");
}
