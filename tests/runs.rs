//! Starting runs, recording results, and reading them back through `status` and `runs`.

mod common;

use common::{Sandbox, TESTER};
use predicates::prelude::*;

#[test]
fn a_recorded_result_shows_in_status_with_counts_per_environment_and_the_verdict() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let run = sandbox.start(&checklist);

    let status = sandbox.status(&run);
    assert_eq!(status["run"], run.as_str());
    assert_eq!(status["release"], "1.4.0");
    assert_eq!(status["commit"], "0123456789abcdef0123456789abcdef01234567");
    assert_eq!(status["tester"], TESTER);
    assert_eq!(status["checklist"]["id"], "small");
    // 3 environments (safari/laptop excluded); no-shift and text-size in all, print-preview on laptop only.
    assert_eq!(status["total"], 3 + 3 + 1);
    assert_eq!(status["counts"]["untested"], 7);
    assert_eq!(status["verdict"], "blocked");
    assert_eq!(status["reasons"][0], "6 required cells untested");

    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success()
        .stdout(predicate::str::contains(
            "recorded #1 no-shift chrome/phone: pass",
        ));
    sandbox
        .record(
            &run,
            &[
                "no-shift",
                "chrome",
                "laptop",
                "fail",
                "--note",
                "hero image pushes text down",
            ],
        )
        .success()
        .stdout(predicate::str::contains("fail (severity 1)"));
    sandbox
        .record(
            &run,
            &[
                "text-size",
                "safari",
                "phone",
                "blocked",
                "--note",
                "no iPhone today",
            ],
        )
        .success();
    sandbox
        .record(
            &run,
            &[
                "print-preview",
                "chrome",
                "laptop",
                "skip",
                "--note",
                "printer broken",
            ],
        )
        .success();

    let status = sandbox.status(&run);
    assert_eq!(status["counts"]["pass"], 1);
    assert_eq!(status["counts"]["fail"], 1);
    assert_eq!(status["counts"]["blocked"], 1);
    assert_eq!(status["counts"]["skip"], 1);
    assert_eq!(status["counts"]["untested"], 3);
    assert_eq!(status["done"], 4);
    let chrome_laptop = status["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "chrome/laptop")
        .expect("chrome/laptop listed");
    assert_eq!(chrome_laptop["counts"]["fail"], 1);
    assert_eq!(chrome_laptop["counts"]["skip"], 1);
    assert_eq!(chrome_laptop["total"], 3);
    assert_eq!(status["verdict"], "blocked");
    // Blocked required cells block; the skipped one is print-preview, which is optional.
    assert_eq!(
        status["reasons"],
        serde_json::json!([
            "1 blocker failure",
            "3 required cells untested",
            "1 required cell blocked (text-size in safari/phone)"
        ])
    );

    sandbox
        .cmd()
        .args(["status", &run])
        .assert()
        .success()
        .stdout(predicate::str::contains("progress 4/7 cells (57%)"))
        .stdout(predicate::str::contains(
            "verdict: blocked: 1 blocker failure; 3 required cells untested",
        ));
}

#[test]
fn a_complete_run_without_blocking_failures_passes_and_the_newest_entry_counts() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    for (item, browser, viewport) in [
        ("no-shift", "chrome", "phone"),
        ("no-shift", "chrome", "laptop"),
        ("no-shift", "safari", "phone"),
        ("text-size", "chrome", "phone"),
        ("text-size", "chrome", "laptop"),
        ("text-size", "safari", "phone"),
    ] {
        sandbox
            .record(&run, &[item, browser, viewport, "pass"])
            .success();
    }
    // A minor failure does not block; print-preview is not required.
    sandbox
        .record(
            &run,
            &[
                "text-size",
                "safari",
                "phone",
                "fail",
                "--severity",
                "3",
                "--note",
                "too small",
            ],
        )
        .success();
    let status = sandbox.status(&run);
    assert_eq!(status["counts"]["pass"], 5);
    assert_eq!(status["counts"]["fail"], 1);
    assert_eq!(status["verdict"], "passes", "{status}");
    // Entering the same cell again replaces its status: the blocker failure now blocks.
    sandbox
        .record(
            &run,
            &["no-shift", "chrome", "phone", "fail", "--note", "it jumps"],
        )
        .success();
    let status = sandbox.status(&run);
    assert_eq!(status["reasons"], serde_json::json!(["1 blocker failure"]));
}

#[test]
fn undo_withdraws_the_newest_result_and_keeps_the_history() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    sandbox
        .record(
            &run,
            &["no-shift", "chrome", "phone", "fail", "--note", "it jumps"],
        )
        .success();
    sandbox
        .cmd()
        .args(["undo", &run])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "undid #2 no-shift chrome/phone: fail",
        ));
    assert_eq!(sandbox.status(&run)["counts"]["pass"], 1);
    sandbox.cmd().args(["undo", &run]).assert().success();
    assert_eq!(sandbox.status(&run)["counts"]["untested"], 7);
    sandbox
        .cmd()
        .args(["undo", &run])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to undo"));
    let journal = std::fs::read_to_string(sandbox.journal(&run)).unwrap();
    assert_eq!(
        journal.lines().count(),
        4,
        "two results and two undos: {journal}"
    );
}

#[test]
fn record_refuses_bad_input_without_touching_the_run() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let before = std::fs::read(sandbox.journal(&run)).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["no-shfit", "chrome", "phone", "pass"],
            "no item `no-shfit` in the checklist; did you mean `no-shift`?",
        ),
        (
            &["no-shift", "opera", "phone", "pass"],
            "no browser `opera` in the checklist (it has chrome, safari)",
        ),
        (
            &["no-shift", "chrome", "watch", "pass"],
            "no viewport `watch`",
        ),
        (
            &["no-shift", "safari", "laptop", "pass"],
            "the matrix excludes safari/laptop",
        ),
        (
            &["print-preview", "chrome", "phone", "pass"],
            "item `print-preview` does not apply to chrome/phone",
        ),
        (
            &["no-shift", "chrome", "phone", "passed"],
            "status `passed` is not one of pass, fail, blocked, skip",
        ),
        (
            &["no-shift", "chrome", "phone", "fail", "--severity", "4"],
            "severity `4` is not 1, 2 or 3",
        ),
        (
            &["no-shift", "chrome", "phone", "fail", "--severity", "0"],
            "severity `0` is not 1, 2 or 3",
        ),
        (
            &["no-shift", "chrome", "phone", "fail", "--severity", "-1"],
            "severity `-1` is not 1, 2 or 3",
        ),
        (
            &[
                "no-shift",
                "chrome",
                "phone",
                "fail",
                "--severity",
                "critical",
            ],
            "severity `critical` is not 1, 2 or 3",
        ),
        (
            &["no-shift", "chrome", "phone", "pass", "--severity", "2"],
            "a severity goes only with `fail`",
        ),
        (
            &["no-shift", "chrome", "phone", "blocked"],
            "`blocked` needs a note",
        ),
        (
            &["no-shift", "chrome", "phone", "skip", "--note", "   "],
            "`skip` needs a note",
        ),
        (
            &[
                "no-shift",
                "chrome",
                "phone",
                "pass",
                "--evidence",
                "nope.png",
            ],
            "evidence nope.png cannot be read",
        ),
        (
            &["no-shift", "chrome", "phone", "pass", "--evidence", "."],
            "evidence . is not a file",
        ),
        (
            &["no-shift", "chrome", "phone", "pass", "--tester", "ada"],
            "is not of the form",
        ),
    ];
    for (args, message) in cases {
        sandbox
            .cmd()
            .args(["record", &run])
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    assert_eq!(
        std::fs::read(sandbox.journal(&run)).unwrap(),
        before,
        "a refused record changed the journal"
    );
}

#[test]
fn evidence_is_recorded_with_its_hash_and_the_note_with_its_lines() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let shot = sandbox.write("shot.png", "not really a png");
    let output = sandbox
        .cmd()
        .args([
            "record",
            &run,
            "text-size",
            "chrome",
            "phone",
            "fail",
            "--json",
            "--note",
            "line one\nline two, \"quoted\"",
        ])
        .arg("--evidence")
        .arg(&shot)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let recorded: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(recorded["severity"], 3, "the item's default severity");
    assert_eq!(recorded["note"], "line one\nline two, \"quoted\"");
    let sha = sha256_of(b"not really a png");
    assert_eq!(recorded["evidence"][0]["sha256"], sha.as_str());
    // Copied into the run under its hash, with its name kept: the original can go.
    assert_eq!(
        recorded["evidence"][0]["path"],
        format!("evidence/{sha}.png")
    );
    assert_eq!(recorded["evidence"][0]["name"], "shot.png");
    std::fs::remove_file(&shot).unwrap();
    let kept = sandbox.run_dir(&run).join(format!("evidence/{sha}.png"));
    assert_eq!(std::fs::read(&kept).unwrap(), b"not really a png");
    assert_eq!(recorded["tester"], TESTER);
    // Over the configured limit, nothing is recorded and the message says how to raise it.
    std::fs::write(sandbox.home().join("config.yaml"), "evidence_max_mb: 1\n").unwrap();
    let big = sandbox.write("big.mov", &"x".repeat(1_500_000));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass", "--evidence"])
        .code(2);
    sandbox
        .cmd()
        .args([
            "record",
            &run,
            "no-shift",
            "chrome",
            "phone",
            "pass",
            "--evidence",
        ])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the 1 MB limit"))
        .stderr(predicate::str::contains("evidence_max_mb"));
    assert_eq!(sandbox.status(&run)["counts"]["pass"], 0);
}

fn sha256_of(bytes: &[u8]) -> String {
    let output = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .expect("sha256sum runs");
    String::from_utf8(output.stdout).unwrap()[..64].to_string()
}

#[test]
fn runs_are_found_by_unique_prefix_and_the_newest_is_the_default() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let first = sandbox.start(&checklist);
    let second = sandbox.start(&checklist);
    assert_ne!(first, second);
    assert!(first < second, "ids sort by time: {first} {second}");
    assert!(first.len() <= 16, "short enough to type: {first}");

    let output = sandbox.cmd().args(["status", "--json"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["run"], second.as_str(), "no RUN means the newest");

    // An exact id wins even when it is also a prefix of another (`…-2` in the same second).
    let output = sandbox
        .cmd()
        .args(["status", "--json", &first])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["run"], first.as_str());
    // A prefix both ids share and neither is (they may straddle midnight, or be `X` and
    // `X-02` when started in the same second).
    let shared: String = first
        .chars()
        .zip(second.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .take(6)
        .collect();
    sandbox
        .cmd()
        .args(["status", &shared])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("matches 2 runs"));
    sandbox
        .cmd()
        .args(["status", "999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run `999999`"));

    let output = sandbox.cmd().args(["runs", "--json"]).output().unwrap();
    let runs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 2);
    assert_eq!(runs[0]["run"], first.as_str());
    assert_eq!(runs[1]["total"], 7);
    sandbox
        .cmd()
        .arg("runs")
        .assert()
        .success()
        .stdout(predicate::str::contains(&second));
}

#[test]
fn no_runs_yet_is_explained() {
    let sandbox = Sandbox::new();
    sandbox
        .cmd()
        .arg("status")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there are no runs"))
        .stderr(predicate::str::contains("greenlight start"));
    sandbox
        .cmd()
        .arg("runs")
        .assert()
        .success()
        .stdout(predicate::str::contains("no runs yet"));
}

#[test]
fn the_tester_comes_from_the_flag_then_the_config_then_git_else_a_clear_error() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let start = |extra: &[&str]| {
        let mut cmd = sandbox.cmd();
        cmd.arg("start")
            .arg(&checklist)
            .args(["--release", "r1", "--json"])
            .args(extra);
        cmd
    };
    start(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("who is testing?"))
        .stderr(predicate::str::contains("--tester"))
        .stderr(predicate::str::contains("user.name"));

    let git_config = sandbox.write(
        "gitconfig",
        "[user]\n  name = Grace Hopper\n  email = grace@example.com\n",
    );
    let output = start(&[])
        .env("GIT_CONFIG_GLOBAL", &git_config)
        .output()
        .unwrap();
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(meta["tester"], "Grace Hopper <grace@example.com>");

    std::fs::create_dir_all(sandbox.home()).unwrap();
    std::fs::write(
        sandbox.home().join("config.yaml"),
        "tester: Alan Turing <alan@example.com>\n",
    )
    .unwrap();
    let output = start(&[])
        .env("GIT_CONFIG_GLOBAL", &git_config)
        .output()
        .unwrap();
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(meta["tester"], "Alan Turing <alan@example.com>");

    let output = start(&["--tester", TESTER]).output().unwrap();
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(meta["tester"], TESTER);

    std::fs::write(sandbox.home().join("config.yaml"), "testr: typo\n").unwrap();
    start(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("config.yaml"));
}

#[test]
fn the_commit_comes_from_the_flag_else_git_else_it_is_unknown() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let start = || {
        let mut cmd = sandbox.cmd();
        cmd.arg("start")
            .arg(&checklist)
            .args(["--release", "r1", "--json", "--tester", TESTER]);
        cmd
    };
    let meta: serde_json::Value =
        serde_json::from_slice(&start().output().unwrap().stdout).unwrap();
    assert_eq!(
        meta["commit"],
        serde_json::Value::Null,
        "outside a repository"
    );

    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(sandbox.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}");
        String::from_utf8(status.stdout).unwrap().trim().to_string()
    };
    git(&["init", "-q"]);
    git(&["add", "small.yaml"]);
    git(&["commit", "-qm", "checklist"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://example.com/team/app.git",
    ]);
    let head = git(&["rev-parse", "HEAD"]);
    let meta: serde_json::Value =
        serde_json::from_slice(&start().output().unwrap().stdout).unwrap();
    assert_eq!(meta["commit"], head.as_str());
    assert_eq!(meta["repository"], "https://example.com/team/app.git");

    let unknown = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
    let meta: serde_json::Value =
        serde_json::from_slice(&start().args(["--commit", unknown]).output().unwrap().stdout)
            .unwrap();
    assert_eq!(
        meta["commit"],
        unknown.to_ascii_lowercase(),
        "a full id git does not know (not fetched yet) is kept"
    );
    // An abbreviation git cannot resolve is refused: a prefix can be brute-forced.
    start()
        .args(["--commit", "5eedbee"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give its full id"));
    // One git knows is resolved to its full name; a branch name is a commit too.
    let meta: serde_json::Value = serde_json::from_slice(
        &start()
            .args(["--commit", &head[..7]])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(meta["commit"], head.as_str());
    for bad in ["abc12", "main\n::error::x", "not a sha", ""] {
        start()
            .args(["--commit", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a commit"));
    }
}

#[test]
fn a_run_keeps_the_checklist_it_started_with() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let run = sandbox.start(&checklist);
    std::fs::write(&checklist, "garbage: [").unwrap();
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    assert_eq!(sandbox.status(&run)["counts"]["pass"], 1);

    std::fs::write(
        sandbox.run_dir(&run).join("checklist.yaml"),
        "id: changed\n",
    )
    .unwrap();
    sandbox
        .cmd()
        .args(["status", &run])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no longer matches the checklist the run started with",
        ));
}

#[test]
fn start_refuses_an_invalid_checklist_and_names_the_problem() {
    let sandbox = Sandbox::new();
    let bad = sandbox.write(
        "bad.yaml",
        "id: x\ntitle: X\nmatrix: {browsers: [], viewports: []}\nsections: []\n",
    );
    sandbox
        .cmd()
        .arg("start")
        .arg(&bad)
        .args(["--release", "r", "--tester", TESTER])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not a valid checklist"))
        .stderr(predicate::str::contains("bad.yaml:3:"));
    assert!(
        !sandbox.home().join("runs").exists()
            || std::fs::read_dir(sandbox.home().join("runs"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn commit_is_a_hex_object_name_or_said_to_be_unknown() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    for bad in ["abc1234\nFAKE LINE", "main; rm -rf", "xyz", "abc12"] {
        sandbox
            .cmd()
            .arg("start")
            .arg(&checklist)
            .args(["--release", "1", "--tester", TESTER, "--commit", bad])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("is not a commit"));
    }
    let started = sandbox.json(&[
        "start",
        checklist.to_str().unwrap(),
        "--release",
        "1",
        "--tester",
        TESTER,
        "--commit",
        "unknown",
        "--json",
    ]);
    assert!(started["commit"].is_null(), "{started}");
}
