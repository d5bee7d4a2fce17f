//! Exports: the long and grid CSV layouts, spreadsheet safety, JSON with history, and
//! atomic files.

mod common;

use common::{Sandbox, TESTER};
use predicates::prelude::*;

fn export(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox.cmd().arg("export").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn records(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV")
}

fn recorded_run(sandbox: &Sandbox) -> String {
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let shot = sandbox.write("shot.png", "png");
    let clip = sandbox.write("clip.mp4", "mp4");
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    sandbox
        .cmd()
        .args([
            "record",
            &run,
            "no-shift",
            "safari",
            "phone",
            "fail",
            "--severity",
            "2",
        ])
        .args([
            "--note",
            "=HYPERLINK(\"http://evil\")\nsecond line, with \"quotes\"",
        ])
        .arg("--evidence")
        .arg(&shot)
        .arg("--evidence")
        .arg(&clip)
        .arg("--evidence")
        .arg(&shot)
        .assert()
        .success();
    sandbox
        .record(
            &run,
            &[
                "text-size",
                "chrome",
                "laptop",
                "skip",
                "--note",
                "-not today",
            ],
        )
        .success();
    run
}

#[test]
fn the_long_layout_has_one_row_per_cell_in_checklist_order_with_the_latest_result() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let text = export(&sandbox, &[&run, "--format", "csv"]);
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "run,release,commit,checklist,section,item,title,browser,viewport,width,height,status,severity,note,evidence,tester,recorded_at,carried_from"
    );
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let rows = records(&text);
    assert_eq!(rows.len(), 7);
    let cells: Vec<String> = rows
        .iter()
        .map(|r| format!("{}@{}/{}", &r[5], &r[7], &r[8]))
        .collect();
    assert_eq!(
        cells,
        [
            "no-shift@chrome/phone",
            "no-shift@chrome/laptop",
            "no-shift@safari/phone",
            "text-size@chrome/phone",
            "text-size@chrome/laptop",
            "text-size@safari/phone",
            "print-preview@chrome/laptop"
        ]
    );
    let pass = &rows[0];
    assert_eq!(&pass[0], run.as_str());
    assert_eq!(&pass[1], "1.4.0");
    assert_eq!(&pass[2], "0123456789abcdef0123456789abcdef01234567");
    assert_eq!(&pass[3], "small");
    assert_eq!(&pass[4], "layout");
    assert_eq!(&pass[6], "Nothing jumps around while the page loads");
    assert_eq!((&pass[9], &pass[10]), ("390", "844"));
    assert_eq!(&pass[11], "pass");
    assert_eq!(&pass[12], "", "severity only for failures");
    assert_eq!(&pass[15], TESTER);
    assert!(pass[16].ends_with('Z'), "UTC time: {}", &pass[16]);

    let fail = &rows[2];
    assert_eq!(&fail[11], "fail");
    assert_eq!(&fail[12], "2");
    // The note survives commas, quotes and newlines, and cannot run as a formula.
    assert_eq!(
        &fail[13],
        "'=HYPERLINK(\"http://evil\")\nsecond line, with \"quotes\""
    );
    let evidence: Vec<&str> = fail[14].split(';').collect();
    assert_eq!(evidence.len(), 2);
    assert!(
        evidence[0].starts_with("evidence/") && evidence[0].ends_with(".png"),
        "{evidence:?}"
    );
    assert_eq!(&rows[4][13], "'-not today");

    let untested = &rows[1];
    assert_eq!(&untested[11], "untested");
    assert_eq!(
        (&untested[12], &untested[13], &untested[15], &untested[16]),
        ("", "", "", "")
    );
}

#[test]
fn raw_writes_text_exactly_as_recorded() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let rows = records(&export(&sandbox, &[&run, "--raw"]));
    assert_eq!(
        &rows[2][13],
        "=HYPERLINK(\"http://evil\")\nsecond line, with \"quotes\""
    );
    assert_eq!(&rows[4][13], "-not today");
}

#[test]
fn the_grid_layout_has_one_row_per_item_and_a_column_per_environment() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let text = export(&sandbox, &[&run, "--layout", "grid"]);
    assert_eq!(
        text.lines().next().unwrap(),
        "section,item,title,chrome/phone,chrome/laptop,safari/phone"
    );
    let rows = records(&text);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0].iter().skip(3).collect::<Vec<_>>(),
        ["pass", "untested", "fail"]
    );
    assert_eq!(
        rows[1].iter().skip(3).collect::<Vec<_>>(),
        ["untested", "skip", "untested"]
    );
    assert_eq!(
        rows[2].iter().skip(3).collect::<Vec<_>>(),
        ["", "untested", ""],
        "blank where it does not apply"
    );
}

#[test]
fn json_holds_the_whole_run_with_history_and_undo() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    sandbox.cmd().args(["undo", &run]).assert().success();
    let document: serde_json::Value =
        serde_json::from_str(&export(&sandbox, &[&run, "--format", "json"])).unwrap();
    assert_eq!(document["run"]["id"], run.as_str());
    assert_eq!(document["run"]["checklist"]["id"], "small");
    assert_eq!(document["total"], 7);
    assert_eq!(document["cells"].as_array().unwrap().len(), 7);
    assert_eq!(
        document["cells"][4]["status"], "untested",
        "the skip was undone"
    );
    let history = document["history"].as_array().unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[3]["kind"], "undo");
    assert_eq!(history[3]["undoes"], 3);
    assert_eq!(
        history[1]["evidence"][0]["sha256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(
        document["environments"][2]["label"],
        "Safari · Phone 390×844"
    );
}

#[test]
fn an_export_to_a_file_replaces_it_whole_and_leaves_no_temporary_files() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let out_dir = sandbox.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("results.csv");
    std::fs::write(&target, "old content").unwrap();
    sandbox
        .cmd()
        .args(["export", &run, "-o"])
        .arg(&target)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written, export(&sandbox, &[&run]));
    let names: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["results.csv"]);

    sandbox
        .cmd()
        .args(["export", &run, "-o", "no/such/folder/x.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/folder"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let sandbox = Sandbox::new();
    let checklist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/web-ux.yaml");
    let run = sandbox.start(&checklist);
    // The JSON of the shipped checklist is far larger than a pipe's buffer, so the writer
    // meets the closed pipe.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' export {run} --format json | head -c 10 >/dev/null",
            assert_cmd::cargo::cargo_bin("greenlight").display()
        ))
        .env("GREENLIGHT_HOME", sandbox.home())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn the_file_name_chooses_the_format_and_a_mismatch_writes_nothing() {
    let sandbox = Sandbox::new();
    let run = recorded_run(&sandbox);
    let xlsx = sandbox.path().join("results.xlsx");
    export(&sandbox, &[&run, "-o", xlsx.to_str().unwrap()]);
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(
        bytes.starts_with(b"PK\x03\x04"),
        "an XLSX is a zip, not CSV"
    );

    let html = sandbox.path().join("report.HTML");
    export(&sandbox, &[&run, "-o", html.to_str().unwrap()]);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!doctype html>"), "{}", &text[..40]);

    let wrong = sandbox.path().join("wrong.xlsx");
    sandbox
        .cmd()
        .args(["export", &run, "--format", "csv", "-o"])
        .arg(&wrong)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--format csv does not match the file name",
        ));
    assert!(!wrong.exists(), "nothing is written on a mismatch");
}
