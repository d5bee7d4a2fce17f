//! `greenlight bugs` (issue #15): drafts from failed cells, and `--create` against a fake `gh`
//! on PATH that records every call and keeps issues the way GitHub does.

mod common;

use std::path::PathBuf;

use common::Sandbox;
use predicates::prelude::*;

const FAKE_GH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fake-gh");
const HOSTILE: &str = "--label=wontfix ``` </details> <b>x</b> [y](http://evil)\n<!-- greenlight:fingerprint=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -->";

/// A run of the small fixture with three failures (one with a screenshot) and the rest
/// passed or untested.
fn failing_run(sandbox: &Sandbox) -> String {
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let shot = sandbox.write("hero.png", "not really a png");
    sandbox
        .record(
            &run,
            &[
                "no-shift",
                "chrome",
                "phone",
                "fail",
                "--note",
                "Hero image pushes the headline down",
                "--evidence",
                shot.to_str().unwrap(),
            ],
        )
        .success();
    sandbox
        .record(
            &run,
            &["no-shift", "safari", "phone", "fail", "--note", HOSTILE],
        )
        .success();
    sandbox
        .record(
            &run,
            &[
                "text-size",
                "chrome",
                "laptop",
                "fail",
                "--severity",
                "3",
                "--note",
                "--help",
            ],
        )
        .success();
    sandbox
        .record(&run, &["no-shift", "chrome", "laptop", "pass"])
        .success();
    run
}

/// `greenlight ARGS` with the fake gh first on PATH.
fn with_gh(sandbox: &Sandbox, args: &[&str]) -> assert_cmd::assert::Assert {
    with_gh_env(sandbox, args, &[])
}

/// [`with_gh`] with more environment for the fake gh.
fn with_gh_env(
    sandbox: &Sandbox,
    args: &[&str],
    env: &[(&str, &str)],
) -> assert_cmd::assert::Assert {
    let path = format!("{FAKE_GH}:{}", std::env::var("PATH").unwrap_or_default());
    sandbox
        .cmd()
        .args(args)
        .env("PATH", path)
        .env("FAKE_GH_LOG", log(sandbox))
        .env("FAKE_GH_STATE", sandbox.path().join("gh-state.json"))
        .envs(env.iter().copied())
        .assert()
}

fn log(sandbox: &Sandbox) -> PathBuf {
    sandbox.path().join("gh-calls.jsonl")
}

/// The calls the fake gh got, each as its arguments.
fn calls(sandbox: &Sandbox) -> Vec<Vec<String>> {
    std::fs::read_to_string(log(sandbox))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn count(calls: &[Vec<String>], first: &str, second: &str) -> usize {
    calls
        .iter()
        .filter(|c| c.len() > 1 && c[0] == first && c[1] == second)
        .count()
}

fn python_available() -> bool {
    common::tool_available(
        common::runs("python3", &["--version"]),
        "python3, which runs the fake gh",
    )
}

#[test]
fn three_failures_make_three_drafts_holding_every_fact() {
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    let out = sandbox
        .cmd()
        .args(["bugs", &run, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let drafts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(drafts.len(), 3);
    // Worst first: the blockers, then the minor one.
    let titles: Vec<&str> = drafts
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    // A title says what fails (the tester's note), never the expectation the checklist
    // states, which reads as the opposite of a bug.
    assert_eq!(
        titles,
        [
            "Hero image pushes the headline down — Google Chrome · Phone 390×844",
            "--label=wontfix ``` </details> <b>x</b> [y](http://evil) — Safari · Phone 390×844",
            "--help — Google Chrome · Laptop 1366×768",
        ]
    );
    for draft in &drafts {
        assert!(
            !draft["title"]
                .as_str()
                .unwrap()
                .contains("Nothing jumps around"),
            "{draft}"
        );
    }
    let labels: Vec<&str> = drafts
        .iter()
        .map(|d| d["severity_label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["severity:1", "severity:1", "severity:3"]);
    let body = drafts[0]["body"].as_str().unwrap();
    for fact in [
        "URL: https://staging.example.com/dashboard",
        "Google Chrome (`chrome`) at Phone (`phone`, 390×844)",
        "Hero image pushes the headline down",
        "Open the dashboard with an empty cache.",
        "No element moves after it first appears",
        "Checklist `small`, item `no-shift`",
        "Release 1.4.0 · commit `0123456789abcdef0123456789abcdef01234567`",
        &format!("run `{run}`"),
        "Tester Ada Lovelace &lt;ada@example.com&gt;",
        "Found 20",
        "**Severity 1** (the app does not work) · found by greenlight · expected: Nothing jumps around while the page loads",
        "hero.png · sha256 `",
    ] {
        assert!(body.contains(fact), "missing {fact:?} in:\n{body}");
    }
    assert!(drafts[1]["evidence"].as_array().unwrap().is_empty());
    // By item: the two environments no-shift fails in make one report.
    let out = sandbox
        .cmd()
        .args(["bugs", &run, "--format", "json", "--group", "item"])
        .output()
        .unwrap();
    let grouped: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let cells: Vec<&serde_json::Value> = grouped.iter().map(|d| &d["cells"]).collect();
    assert_eq!(
        cells,
        [
            &serde_json::json!(["no-shift@chrome/phone", "no-shift@safari/phone"]),
            &serde_json::json!(["text-size@chrome/laptop"]),
        ]
    );
    assert_eq!(
        grouped[0]["title"],
        "Hero image pushes the headline down — Google Chrome · Phone 390×844, Safari · Phone 390×844"
    );
    assert_ne!(grouped[0]["fingerprint"], drafts[0]["fingerprint"]);
    // A grouped report says whose note is whose; a single one needs no such line.
    let grouped_body = grouped[0]["body"].as_str().unwrap();
    assert!(
        grouped_body.contains("Safari · Phone 390×844:\n\n"),
        "{grouped_body}"
    );
    assert!(!body.contains("Phone 390×844:\n"), "{body}");
    // -o writes one file per draft and copies the evidence beside them.
    let dir = sandbox.path().join("drafts");
    sandbox
        .cmd()
        .args(["bugs", &run, "-o", dir.to_str().unwrap()])
        .assert()
        .success();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "01-no-shift-chrome-phone.md",
            "02-no-shift-safari-phone.md",
            "03-text-size-chrome-laptop.md",
            "evidence"
        ]
    );
    assert_eq!(std::fs::read_dir(dir.join("evidence")).unwrap().count(), 1);
}

#[test]
fn hostile_notes_stay_inside_their_block_and_never_become_flags_or_markers() {
    if !python_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    with_gh(&sandbox, &["bugs", &run, "--create"]).success();
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("gh-state.json")).unwrap())
            .unwrap();
    let issue = state["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap().contains("Safari"))
        .expect("the Safari issue");
    let body = issue["body"].as_str().unwrap();
    // The note is inside a fence longer than its own backticks, and the body's marker is the
    // real one, not the note's.
    assert!(
        body.contains("````text\n--label=wontfix ``` </details>"),
        "{body}"
    );
    let last = body.lines().rev().find(|l| !l.is_empty()).unwrap();
    assert_ne!(
        last,
        "<!-- greenlight:fingerprint=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -->"
    );
    assert!(last.starts_with("<!-- greenlight:fingerprint="));
    // Labels are only the ones greenlight gives; every value went in `--flag=value` form.
    assert_eq!(
        issue["labels"],
        serde_json::json!(["greenlight", "severity:1"])
    );
    for call in calls(&sandbox)
        .iter()
        .filter(|c| c.len() > 1 && c[1] == "create" && c[0] == "issue")
    {
        assert!(
            call[2..]
                .iter()
                .all(|a| a.starts_with("--") && a.contains('=')),
            "{call:?}"
        );
    }
}

#[test]
fn create_files_each_failure_once_and_tells_an_issue_once_when_it_passes() {
    if !python_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    with_gh(&sandbox, &["bugs", &run, "--create"])
        .success()
        .stdout(predicate::str::contains(
            "created https://github.com/example/webapp/issues/3",
        ));
    let first = calls(&sandbox);
    assert_eq!(count(&first, "issue", "create"), 3);
    assert_eq!(
        count(&first, "label", "create"),
        3,
        "greenlight, severity:1, severity:3"
    );
    // Again: nothing is created twice, and the run is not commented on its own issues.
    with_gh(&sandbox, &["bugs", &run, "--create"])
        .success()
        .stderr(predicate::str::contains("already open as #1"));
    let second = &calls(&sandbox)[first.len()..];
    assert_eq!(count(second, "issue", "create"), 0);
    assert_eq!(count(second, "issue", "comment"), 0);

    // A later run passes the first cell: its issue hears so once, then is closed.
    let later = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&later, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let before = calls(&sandbox).len();
    with_gh(&sandbox, &["bugs", &later, "--create"])
        .success()
        .stdout(predicate::str::contains("commented on #1"));
    with_gh(&sandbox, &["bugs", &later, "--create"]).success();
    let after = &calls(&sandbox)[before..];
    let comments: Vec<&Vec<String>> = after
        .iter()
        .filter(|c| c.len() > 2 && c[0] == "issue" && c[1] == "comment")
        .collect();
    assert_eq!(comments.len(), 1, "{after:?}");
    assert_eq!(comments[0][2], "1");
    assert!(comments[0][3].starts_with(&format!("--body=Passes in run {later}")));
    with_gh(&sandbox, &["bugs", &later, "--create", "--close-fixed"])
        .success()
        .stdout(predicate::str::contains("closed #1"));
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("gh-state.json")).unwrap())
            .unwrap();
    assert_eq!(state["issues"][0]["state"], "closed");
    assert_eq!(state["issues"][1]["state"], "open");
}

#[test]
fn without_gh_or_with_dry_run_the_commands_are_printed() {
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    sandbox
        .cmd()
        .args(["bugs", &run, "--create"])
        .env("PATH", "/nonexistent")
        .assert()
        .success()
        .stderr(predicate::str::contains("gh is not installed"))
        .stdout(predicate::str::contains("gh issue list '--state=open'"))
        .stdout(predicate::str::contains(format!(
            "gh issue create '--title=--help — Google Chrome · Laptop 1366×768' '--body-file={}/body-03.md'",
            sandbox.run_dir(&run).join("bugs").display()
        )))
        .stdout(predicate::str::contains("gh label create").count(3));
    // The printed commands' body files outlive the command, in the run's own folder: nothing
    // is left in the folder greenlight runs in (the repository under test).
    let body = std::fs::read_to_string(sandbox.run_dir(&run).join("bugs/body-03.md"))
        .expect("the body file the printed command names");
    assert!(!sandbox.path().join(format!("bugs-{run}")).exists());
    assert!(body.trim_end().ends_with(" -->"), "{body}");
    if python_available() {
        with_gh(&sandbox, &["bugs", &run, "--create", "--dry-run"])
            .success()
            .stdout(predicate::str::contains("gh issue create").count(3));
        let made = calls(&sandbox);
        assert_eq!(
            count(&made, "issue", "create"),
            0,
            "a dry run creates nothing"
        );
        assert_eq!(count(&made, "issue", "list"), 1, "it reads what is open");
    }
}

#[test]
fn a_passes_marker_pasted_by_another_account_does_not_silence_greenlight() {
    if !python_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    with_gh(&sandbox, &["bugs", &run, "--create"]).success();
    // Mallory, who may comment on issues, pastes what greenlight would say.
    let pasted = std::process::Command::new(format!("{FAKE_GH}/gh"))
        .args([
            "issue",
            "comment",
            "1",
            "--body=Passes now, trust me.\n\n<!-- greenlight:passes -->",
        ])
        .env("FAKE_GH_USER", "mallory")
        .env("FAKE_GH_LOG", log(&sandbox))
        .env("FAKE_GH_STATE", sandbox.path().join("gh-state.json"))
        .status()
        .unwrap();
    assert!(pasted.success());
    let later = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&later, &["no-shift", "chrome", "phone", "pass"])
        .success();
    with_gh(&sandbox, &["bugs", &later, "--create"])
        .success()
        .stdout(predicate::str::contains("commented on #1"));
    assert!(
        calls(&sandbox)
            .iter()
            .any(|c| c[..] == ["api", "user", "--jq=.login"]),
        "asks gh who it is"
    );
}

#[test]
fn the_screenshot_reaches_the_issue_through_the_repositorys_evidence_branch() {
    if !python_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    with_gh(&sandbox, &["bugs", &run, "--create"]).success();
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("gh-state.json")).unwrap())
            .unwrap();
    let sha = greenlight::fsutil::sha256_hex(b"not really a png");
    let path = format!(".greenlight/evidence/{sha}.png");
    assert_eq!(
        state["files"][&path], "not really a png",
        "uploaded as it is"
    );
    assert_eq!(
        state["branches"],
        serde_json::json!(["main", "greenlight-evidence"])
    );
    let body = state["issues"][0]["body"].as_str().unwrap();
    assert!(
        body.contains(&format!(
            "![hero.png](https://github.com/example/webapp/blob/greenlight-evidence/{path}?raw=true)"
        )),
        "the picture is shown in the issue:\n{body}"
    );
    // A later run filing a new failure with the same screenshot: the branch is there and
    // the file too; neither is made again, and nothing fails.
    let later = sandbox.start(&sandbox.fixture("small.yaml"));
    let shot = sandbox.path().join("hero.png");
    sandbox
        .record(
            &later,
            &[
                "text-size",
                "safari",
                "phone",
                "fail",
                "--note",
                "Body text 9px",
                "--evidence",
                shot.to_str().unwrap(),
            ],
        )
        .success();
    let before = calls(&sandbox).len();
    with_gh(&sandbox, &["bugs", &later, "--create"]).success();
    let after = &calls(&sandbox)[before..];
    assert_eq!(
        after
            .iter()
            .filter(|c| c.iter().any(|a| a.ends_with("/git/refs")))
            .count(),
        0,
        "{after:?}"
    );
}

#[test]
fn evidence_goes_up_only_as_it_was_attached_and_never_through_a_link() {
    if !python_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    let sha = greenlight::fsutil::sha256_hex(b"not really a png");
    let kept = sandbox
        .run_dir(&run)
        .join("evidence")
        .join(format!("{sha}.png"));
    // The kept file replaced by a link to a file with the very same bytes: a link in a run
    // folder is never followed, whatever it points at.
    let elsewhere = sandbox.write("elsewhere.png", "not really a png");
    std::fs::remove_file(&kept).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &kept).unwrap();
    let linked = with_gh(&sandbox, &["bugs", &run, "--create"]).success();
    let stderr = String::from_utf8_lossy(&linked.get_output().stderr).to_string();
    assert!(stderr.contains("is not uploaded"), "{stderr}");
    let uploads = |sandbox: &Sandbox| {
        calls(sandbox)
            .iter()
            .filter(|c| c.iter().any(|a| a == "--method=PUT"))
            .count()
    };
    assert_eq!(uploads(&sandbox), 0);
    // -o copies nothing through the link either.
    let drafts = sandbox.path().join("drafts");
    let out = sandbox
        .cmd()
        .args(["bugs", &run, "-o", drafts.to_str().unwrap()])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("is not copied"));
    assert!(!drafts.join("evidence").join(format!("{sha}.png")).exists());

    // A kept file changed after it was attached is not what the tester saw: not uploaded.
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    let kept = sandbox
        .run_dir(&run)
        .join("evidence")
        .join(format!("{sha}.png"));
    std::fs::write(&kept, "something else").unwrap();
    let changed = with_gh(&sandbox, &["bugs", &run, "--create"]).success();
    let stderr = String::from_utf8_lossy(&changed.get_output().stderr).to_string();
    assert!(stderr.contains("does not match its sha256"), "{stderr}");
    assert_eq!(uploads(&sandbox), 0);
}

#[test]
fn a_public_repository_is_named_before_evidence_goes_up_to_it() {
    if !python_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let run = failing_run(&sandbox);
    let public = with_gh_env(
        &sandbox,
        &["bugs", &run, "--create"],
        &[("FAKE_GH_VISIBILITY", "PUBLIC")],
    )
    .success();
    let stderr = String::from_utf8_lossy(&public.get_output().stderr).to_string();
    assert!(
        stderr.contains("example/webapp is public") && stderr.contains("1 evidence file go"),
        "{stderr}"
    );
    let private = failing_run(&sandbox);
    let quiet = with_gh(&sandbox, &["bugs", &private, "--create"]).success();
    assert!(!String::from_utf8_lossy(&quiet.get_output().stderr).contains("is public"));
}
