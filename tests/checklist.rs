//! Loading and validating checklists: the shipped one, and every kind of mistake, each
//! reported with file:line:column.

mod common;

use common::Sandbox;
use greenlight::checklist::{Checklist, ChecklistError};
use predicates::prelude::*;

const GOOD: &str = "\
id: demo
title: Demo
matrix:
  browsers:
    - id: chrome
    - id: firefox
  viewports:
    - id: phone
      width: 390
      height: 844
    - id: wide
      width: 1920
      height: 1080
sections:
  - id: a
    title: A
    items:
      - id: one
        title: One
      - id: two
        title: Two
        only:
          viewports: [wide]
";

fn problems(source: &str) -> ChecklistError {
    Checklist::parse(source, "test.yaml").expect_err("the checklist should be refused")
}

#[test]
fn the_shipped_checklist_is_valid_and_covers_the_matrix_a_web_team_needs() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/checklists/web-ux.yaml");
    let checklist = Checklist::load(std::path::Path::new(path)).expect("web-ux.yaml is valid");
    assert!(
        checklist.items.len() >= 30,
        "{} items",
        checklist.items.len()
    );
    assert!(checklist.sections.len() >= 6);
    for browser in ["chrome", "firefox", "safari", "edge"] {
        assert!(checklist.browser_by_id(browser).is_some(), "{browser}");
    }
    assert!(checklist.viewports.len() >= 4);
    for item in &checklist.items {
        assert!(
            item.steps.is_some() && item.expect.is_some(),
            "{} lacks steps or expect",
            item.id
        );
    }
    let launchable = checklist
        .browsers
        .iter()
        .filter(|b| b.launch.is_some())
        .count();
    assert!(launchable >= 2);
}

#[test]
fn environments_and_cells_follow_the_matrix_and_only() {
    let checklist = Checklist::parse(GOOD, "good.yaml").unwrap();
    assert_eq!(checklist.environments.len(), 4);
    assert_eq!(checklist.cell_count(), 4 + 2);
    let keys: Vec<String> = checklist
        .cells()
        .map(|c| {
            format!(
                "{}@{}",
                checklist.items[c.item].id,
                checklist.environment_key(c.environment)
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "one@chrome/phone",
            "one@chrome/wide",
            "one@firefox/phone",
            "one@firefox/wide",
            "two@chrome/wide",
            "two@firefox/wide"
        ]
    );
    assert_eq!(checklist.policy.block_on_severity.level(), 1);
    assert!(checklist.policy.require_complete);
}

#[test]
fn exclusions_remove_pairs_and_a_lone_key_removes_every_pairing() {
    let source = GOOD.replace(
        "sections:",
        "  exclude:\n    - { browser: firefox, viewport: phone }\nsections:",
    );
    let checklist = Checklist::parse(&source, "x.yaml").unwrap();
    assert_eq!(checklist.environments.len(), 3);
    let firefox = checklist.browser_by_id("firefox").unwrap();
    let phone = checklist.viewport_by_id("phone").unwrap();
    assert_eq!(checklist.environment_of(firefox, phone), None);

    let source = GOOD.replace(
        "sections:",
        "  exclude:\n    - { viewport: phone }\nsections:",
    );
    let checklist = Checklist::parse(&source, "x.yaml").unwrap();
    assert_eq!(checklist.environments.len(), 2);
}

#[test]
fn an_unknown_field_names_the_field_its_position_and_what_was_expected() {
    let err = problems(&GOOD.replace("        title: Two", "        tittle: Two"));
    assert_eq!(err.problems.len(), 1);
    let problem = &err.problems[0];
    assert_eq!((problem.line, problem.column), (21, 9), "{err}");
    assert!(problem.message.contains("unknown field `tittle`"), "{err}");
    assert!(problem.message.contains("expected one of"), "{err}");
    assert!(err.to_string().starts_with("test.yaml:21:9: "), "{err}");
}

#[test]
fn a_duplicate_item_id_points_at_both_places() {
    let err = problems(&GOOD.replace("      - id: two", "      - id: one"));
    assert_eq!(err.problems.len(), 1, "{err}");
    let problem = &err.problems[0];
    assert_eq!((problem.line, problem.column), (20, 13));
    assert_eq!(
        problem.message,
        "duplicate item id `one` (first at line 18)"
    );
}

#[test]
fn every_problem_of_a_parsable_file_is_reported_in_order() {
    let source = GOOD
        .replace(
            "        title: One",
            "        title: One\n        severity: 7",
        )
        .replace("viewports: [wide]", "viewports: [wide, watch]")
        .replace("  - id: a\n", "  - id: A\n");
    let err = problems(&source);
    let messages: Vec<String> = err
        .problems
        .iter()
        .map(|p| format!("{}:{} {}", p.line, p.column, p.message))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages[0].starts_with("15:9 section id `A` is not valid"),
        "{messages:#?}"
    );
    assert!(
        messages[1].starts_with("20:19 severity 7 is not 1, 2 or 3"),
        "{messages:#?}"
    );
    assert_eq!(
        messages[2],
        "24:29 `only.viewports` names `watch`, which the matrix does not have (it has `phone`, `wide`)"
    );
}

#[test]
fn an_empty_matrix_and_an_item_with_no_environment_are_refused() {
    let source = GOOD.replace(
        "sections:",
        "  exclude:\n    - { viewport: phone }\n    - { viewport: wide }\nsections:",
    );
    let err = problems(&source);
    assert!(err.to_string().contains("the matrix is empty"), "{err}");

    let source = GOOD.replace(
        "sections:",
        "  exclude:\n    - { viewport: wide }\nsections:",
    );
    let err = problems(&source);
    assert_eq!(err.problems.len(), 1, "{err}");
    assert!(
        err.problems[0]
            .message
            .contains("item `two` applies to no environment"),
        "{err}"
    );
    assert_eq!(err.problems[0].line, 22);

    let err = problems(
        &GOOD
            .replace("    - id: firefox\n", "")
            .replace("    - id: chrome\n", "    []\n"),
    );
    assert_eq!(
        (err.problems[0].line, err.problems[0].column),
        (5, 5),
        "at the empty list: {err}"
    );
    assert!(
        err.problems[0]
            .message
            .contains("`matrix.browsers` is empty"),
        "{err}"
    );
}

#[test]
fn missing_required_fields_and_bad_types_are_reported_with_positions() {
    let err = problems(&GOOD.replace("title: Demo\n", ""));
    assert!(err.to_string().contains("missing field `title`"), "{err}");
    let err = problems(&GOOD.replace("width: 390", "width: wide"));
    assert!(
        err.to_string()
            .contains("test.yaml:9:14: matrix.viewports[0].width: invalid type"),
        "{err}"
    );
    let err = problems(&GOOD.replace("width: 390", "width: 0"));
    assert!(
        err.to_string().contains("width 0 is not a size in pixels"),
        "{err}"
    );
    let err = problems("");
    assert!(err.to_string().contains("empty"), "{err}");
    let err = problems("title: T\nid: [unclosed\n");
    assert_eq!(
        (err.problems[0].line, err.problems[0].column),
        (2, 5),
        "the position of the value at fault: {err}"
    );
}

#[test]
fn item_urls_are_joined_to_base_url() {
    let source = GOOD
        .replace(
            "title: Demo\n",
            "title: Demo\nbase_url: https://staging.example.com/\n",
        )
        .replace(
            "        title: One\n",
            "        title: One\n        url: /dashboard\n",
        )
        .replace(
            "        title: Two\n",
            "        title: Two\n        url: https://other.example.com/x\n",
        );
    let checklist = Checklist::parse(&source, "x.yaml").unwrap();
    assert_eq!(
        checklist.item_url(0).as_deref(),
        Some("https://staging.example.com/dashboard")
    );
    assert_eq!(
        checklist.item_url(1).as_deref(),
        Some("https://other.example.com/x")
    );
}

#[test]
fn validate_prints_counts_for_a_good_file_and_exits_1_for_a_bad_one() {
    let sandbox = Sandbox::new();
    let good = sandbox.write("good.yaml", GOOD);
    let bad = sandbox.write("bad.yaml", &GOOD.replace("title: Two", "tittle: Two"));
    sandbox
        .cmd()
        .arg("validate")
        .arg(&good)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Demo (demo): 1 section, 2 items, 4 environments, 6 cells",
        ));
    sandbox
        .cmd()
        .arg("validate")
        .arg(&good)
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "bad.yaml:21:9: sections[0].items[1]: unknown field `tittle`",
        ))
        .stderr(predicate::str::contains("1 checklist file is not valid"));
    let output = sandbox
        .cmd()
        .args(["validate", "--json"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reports[0]["valid"], false);
    assert_eq!(reports[0]["problems"][0]["line"], 21);
    sandbox
        .cmd()
        .args(["validate", "missing.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read missing.yaml: no such file",
        ));
}

#[test]
fn a_version_is_kept_as_written_and_shape_errors_name_what_was_expected() {
    let checklist = Checklist::parse(
        &GOOD.replace("title: Demo\n", "title: Demo\nversion: 1.10\n"),
        "v.yaml",
    )
    .unwrap();
    assert_eq!(checklist.version.as_deref(), Some("1.10"));
    let checklist = Checklist::parse(
        &GOOD.replace("title: Demo\n", "title: Demo\nversion: 3\n"),
        "v.yaml",
    )
    .unwrap();
    assert_eq!(checklist.version.as_deref(), Some("3"));
    let err = problems(&GOOD.replace("matrix:\n", "matrix: 5\nx:\n"));
    let text = err.to_string();
    assert!(
        text.contains("expected a matrix (a mapping with `browsers` and `viewports`)"),
        "{text}"
    );
    assert!(!text.contains("Raw"), "{text}");
}

/// A section of 1,000 aliases of one item, repeated by 1,000 aliases of the section: a
/// million items from an 18 KB file.
fn alias_bomb() -> String {
    let mut text = String::from(
        "id: bomb\ntitle: Bomb\nmatrix: {browsers: [{id: c}], viewports: [{id: p, width: 1, height: 1}]}\nsections:\n  - &s\n    id: s\n    title: S\n    items:\n      - &i {id: i, title: T}\n",
    );
    for _ in 0..999 {
        text.push_str("      - *i\n");
    }
    for _ in 0..999 {
        text.push_str("  - *s\n");
    }
    text
}

#[test]
fn an_alias_bomb_is_refused_at_once_with_one_clear_error() {
    let sandbox = Sandbox::new();
    let bomb = sandbox.write("bomb.yaml", &alias_bomb());
    let started = std::time::Instant::now();
    let output = sandbox.cmd().arg("validate").arg(&bomb).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the YAML expands to more than"), "{stderr}");
    assert!(
        stderr.lines().count() <= 3,
        "one error, not one per item: {} lines",
        stderr.lines().count()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let deep = sandbox.write(
        "deep.yaml",
        &format!(
            "id: deep\ntitle: {}{}\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    );
    let output = sandbox.cmd().arg("validate").arg(&deep).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("brackets nested more than 64 deep"),
        "{stderr}"
    );
}

#[test]
fn a_long_text_aliased_thousands_of_times_is_refused_within_a_gigabyte() {
    let sandbox = Sandbox::new();
    // One 1 MiB scalar, aliased 5,000 times as items' steps: a 1.2 MB file, 5 GB of text.
    let mut text = format!(
        "id: bomb\ntitle: Bomb\nmatrix: {{browsers: [{{id: c}}], viewports: [{{id: p, width: 1, height: 1}}]}}\nsections:\n  - id: s\n    title: S\n    items:\n      - {{id: i0, title: T, steps: &steps {}}}\n",
        "x".repeat(1 << 20)
    );
    for n in 1..5_000 {
        text.push_str(&format!("      - {{id: i{n}, title: T, steps: *steps}}\n"));
    }
    let bomb = sandbox.write("bomb.yaml", &text);
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1000000; exec '{}' validate '{}'",
            assert_cmd::cargo::cargo_bin("greenlight").display(),
            bomb.display()
        ))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bomb.yaml:8:") && stderr.contains("repeated through its aliases"),
        "names the anchored text's line: {stderr}"
    );
}
