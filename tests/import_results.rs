//! Results typed into a spreadsheet come back into the run: export, edit, import-results.

mod common;

use calamine::{Reader, Xlsx, open_workbook};
use common::{Sandbox, TESTER};
use predicates::prelude::*;

const IMPORTER: &str = "Grace Hopper <grace@example.com>";

fn export_csv(sandbox: &Sandbox, run: &str, layout: &str) -> Vec<Vec<String>> {
    let output = sandbox
        .cmd()
        .args(["export", run, "--layout", layout])
        .output()
        .unwrap();
    assert!(output.status.success());
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(output.stdout.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn write_csv(sandbox: &Sandbox, name: &str, rows: &[Vec<String>]) -> std::path::PathBuf {
    let path = sandbox.path().join(name);
    let mut writer = csv::Writer::from_path(&path).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    path
}

fn import(sandbox: &Sandbox, run: &str, file: &std::path::Path) -> assert_cmd::assert::Assert {
    sandbox
        .cmd()
        .args(["import-results", run])
        .arg(file)
        .args(["--yes", "--tester", IMPORTER])
        .assert()
}

/// The row of the long layout for a cell.
fn row_of<'a>(rows: &'a mut [Vec<String>], item: &str, env: &str) -> &'a mut Vec<String> {
    rows.iter_mut()
        .find(|r| r[5] == item && format!("{}/{}", r[7], r[8]) == env)
        .expect("the cell's row")
}

#[test]
fn a_long_csv_edited_in_a_spreadsheet_records_what_changed_as_the_importer() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let mut rows = export_csv(&sandbox, &run, "long");
    row_of(&mut rows, "no-shift", "chrome/laptop")[11] = "fail".into();
    row_of(&mut rows, "no-shift", "chrome/laptop")[12] = "2".into();
    row_of(&mut rows, "no-shift", "chrome/laptop")[13] =
        "'=menu overlaps, \"badly\"\nsecond line".into();
    row_of(&mut rows, "text-size", "safari/phone")[11] = "blocked".into();
    row_of(&mut rows, "text-size", "safari/phone")[13] = "no iPhone".into();
    let file = write_csv(&sandbox, "edited.csv", &rows);
    import(&sandbox, &run, &file)
        .success()
        .stdout(predicate::str::contains("2 results in"))
        .stdout(predicate::str::contains(
            "row 3: no-shift chrome/laptop → fail",
        ))
        .stdout(predicate::str::contains("recorded 2 results"));
    let status = sandbox.status(&run);
    assert_eq!(
        status["counts"]["pass"], 1,
        "the unchanged pass is not recorded again"
    );
    assert_eq!(status["counts"]["fail"], 1);
    assert_eq!(status["counts"]["blocked"], 1);
    let after = export_csv(&sandbox, &run, "long");
    let failed = after
        .iter()
        .find(|r| r[5] == "no-shift" && r[8] == "laptop")
        .unwrap();
    assert_eq!(failed[12], "2");
    assert_eq!(
        failed[13], "'=menu overlaps, \"badly\"\nsecond line",
        "the quote came off and went back on"
    );
    assert_eq!(failed[15], IMPORTER);
    let journal = std::fs::read_to_string(sandbox.journal(&run)).unwrap();
    assert_eq!(journal.lines().count(), 3);

    import(
        &sandbox,
        &run,
        &write_csv(&sandbox, "again.csv", &export_csv(&sandbox, &run, "long")),
    )
    .success()
    .stdout(predicate::str::contains("nothing to record"));
}

#[test]
fn rows_naming_cells_that_do_not_exist_refuse_the_whole_import() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let mut rows = export_csv(&sandbox, &run, "long");
    rows[1][11] = "pass".into();
    rows[2][5] = "no-such-item".into();
    rows[2][11] = "pass".into();
    rows[4][7] = "opera".into();
    rows[4][11] = "fail".into();
    rows[5][11] = "skip".into();
    let file = write_csv(&sandbox, "bad.csv", &rows);
    import(&sandbox, &run, &file)
        .code(1)
        .stderr(predicate::str::contains(
            "nothing was recorded: 3 rows cannot be recorded",
        ))
        .stderr(predicate::str::contains("row 3: no item `no-such-item`"))
        .stderr(predicate::str::contains("row 5: no browser `opera`"))
        .stderr(predicate::str::contains("row 6: `skip` needs a note"));
    assert!(
        !sandbox.journal(&run).exists() || std::fs::read(sandbox.journal(&run)).unwrap().is_empty()
    );
}

#[test]
fn the_grid_layout_comes_back_too() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let mut rows = export_csv(&sandbox, &run, "grid");
    assert_eq!(
        rows[0],
        [
            "section",
            "item",
            "title",
            "chrome/phone",
            "chrome/laptop",
            "safari/phone"
        ]
    );
    rows[1][3] = "pass".into();
    rows[2][4] = "PASS".into();
    rows[3][4] = "fail".into();
    // A grid holds statuses only, and a failure needs a note saying what went wrong.
    import(&sandbox, &run, &write_csv(&sandbox, "grid.csv", &rows))
        .code(1)
        .stderr(predicate::str::contains(
            "row 4: `fail` needs a note saying what went wrong",
        ));
    assert_eq!(
        sandbox.status(&run)["counts"]["pass"],
        0,
        "nothing recorded"
    );
    rows[3][4] = "".into();
    import(&sandbox, &run, &write_csv(&sandbox, "grid.csv", &rows)).success();
    let status = sandbox.status(&run);
    assert_eq!(
        (
            status["counts"]["pass"].as_u64(),
            status["counts"]["fail"].as_u64()
        ),
        (Some(2), Some(0))
    );
}

#[test]
fn an_exported_workbook_edited_and_saved_comes_back() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let exported = sandbox.path().join("out.xlsx");
    sandbox
        .cmd()
        .args(["export", &run, "--format", "xlsx", "-o"])
        .arg(&exported)
        .assert()
        .success();
    let mut workbook: Xlsx<_> = open_workbook(&exported).unwrap();
    let range = workbook.worksheet_range("Results").unwrap();
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(greenlight::import::table::cell_text).collect())
        .collect();
    rows[1][11] = "fail".into();
    rows[1][12] = "blocker".into();
    rows[1][13] = "logo overlaps".into();
    let edited = sandbox.path().join("edited.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Results").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    book.save(&edited).unwrap();
    import(&sandbox, &run, &edited).success();
    let after = export_csv(&sandbox, &run, "long");
    assert_eq!(
        (
            after[1][11].as_str(),
            after[1][12].as_str(),
            after[1][13].as_str()
        ),
        ("fail", "1", "logo overlaps")
    );
}

#[test]
fn without_yes_and_without_a_terminal_it_asks_for_yes() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let mut rows = export_csv(&sandbox, &run, "long");
    rows[1][11] = "pass".into();
    let file = write_csv(&sandbox, "e.csv", &rows);
    sandbox
        .cmd()
        .args(["import-results", &run])
        .arg(&file)
        .args(["--tester", TESTER])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(sandbox.status(&run)["counts"]["pass"], 0);
}

#[test]
fn what_a_sheet_cannot_hold_is_kept_and_rows_from_another_run_or_twice_the_same_cell_are_refused() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let shot = sandbox.write("shot.png", "png");
    sandbox
        .cmd()
        .args([
            "record",
            &run,
            "text-size",
            "chrome",
            "phone",
            "fail",
            "--severity",
            "1",
            "--note",
            "crash",
            "--evidence",
        ])
        .arg(&shot)
        .assert()
        .success();
    // An unedited grid says "fail" with no severity and no evidence: nothing changes.
    let grid = export_csv(&sandbox, &run, "grid");
    import(&sandbox, &run, &write_csv(&sandbox, "grid.csv", &grid))
        .success()
        .stdout(predicate::str::contains("nothing to record"));
    // A new note on the long layout keeps the severity left blank and the evidence.
    let mut rows = export_csv(&sandbox, &run, "long");
    let row = row_of(&mut rows, "text-size", "chrome/phone");
    row[12] = String::new();
    row[13] = "crash on submit".into();
    import(&sandbox, &run, &write_csv(&sandbox, "note.csv", &rows)).success();
    let status = sandbox.status(&run);
    assert_eq!(status["reasons"][0], "1 blocker failure");
    let document = sandbox
        .cmd()
        .args(["export", &run, "--format", "json"])
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&document.stdout).unwrap();
    let last = document["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["note"], "crash on submit");
    assert_eq!(last["severity"], 1);
    assert_eq!(last["evidence"].as_array().unwrap().len(), 1);

    let mut rows = export_csv(&sandbox, &run, "long");
    rows[1][0] = "261124-090000".into();
    rows[1][11] = "pass".into();
    let duplicate = rows[2].clone();
    rows.push(duplicate.clone());
    rows[2][11] = "pass".into();
    let last = rows.len() - 1;
    rows[last][11] = "pass".into();
    import(&sandbox, &run, &write_csv(&sandbox, "mixed.csv", &rows))
        .code(1)
        .stderr(predicate::str::contains(
            "row 2: comes from run 261124-090000",
        ))
        .stderr(predicate::str::contains(format!(
            "row {}: no-shift chrome/laptop is also on row 3",
            last + 1
        )));
}
