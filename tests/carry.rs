//! Re-testing only what changed (issue #14, DESIGN.md §7), end to end on a small web-app
//! repository with the shipped checklist: an approval at commit A, a commit B that changes one
//! stylesheet, a run at B that carries everything else, and the gate at B.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::{Sandbox, TESTER, keygen, public_key, ssh_keygen_available};
use greenlight::checklist::Checklist;
use predicates::prelude::PredicateBooleanExt;

const EMAIL: &str = "ada@example.com";
const SKELETON_TITLE: &str =
    "Loading skeletons have the same shape as the content that replaces them";
const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/checklists/web-ux.yaml");

/// The repository, its tester's keys and who may sign.
struct WebApp {
    sandbox: Sandbox,
    repo: PathBuf,
    key: PathBuf,
    allowed: PathBuf,
}

impl WebApp {
    /// A repository with the shipped checklist and a few files of a web app, committed (A).
    fn new() -> Option<WebApp> {
        if !ssh_keygen_available() {
            return None;
        }
        let sandbox = Sandbox::new();
        let repo = sandbox.path().join("webapp");
        for (file, text) in [
            (
                "web/pages/pricing/pricing.css",
                ".plans { display: grid; }\n",
            ),
            ("web/pages/pricing/index.tsx", "export default Pricing;\n"),
            (
                "web/pages/dashboard/index.tsx",
                "export default Dashboard;\n",
            ),
            ("web/pages/features/index.tsx", "export default Features;\n"),
            ("web/pages/reports/index.tsx", "export default Reports;\n"),
            ("web/pages/settings/index.tsx", "export default Settings;\n"),
            ("web/pages/signup/index.tsx", "export default Signup;\n"),
            ("web/components/charts/line.tsx", "export const Line = 1;\n"),
            ("web/components/media/hero.tsx", "export const Hero = 1;\n"),
            ("web/components/tables/grid.tsx", "export const Grid = 1;\n"),
            (
                "web/components/forms/field.tsx",
                "export const Field = 1;\n",
            ),
            (
                "web/fonts/inter.css",
                "@font-face { font-family: Inter; }\n",
            ),
            ("web/styles/site.css", "body { margin: 0; }\n"),
            ("package.json", "{}\n"),
            ("package-lock.json", "{}\n"),
        ] {
            let path = repo.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(repo.join("checklists")).unwrap();
        std::fs::copy(SHIPPED, repo.join("checklists/web-ux.yaml")).unwrap();
        let key = keygen(&sandbox, "ed25519", "");
        let allowed = sandbox.path().join("allowed_signers");
        std::fs::write(&allowed, format!("{EMAIL} {}\n", public_key(&key))).unwrap();
        let app = WebApp {
            sandbox,
            repo,
            key,
            allowed,
        };
        app.git(&["init", "-q", "-b", "main"]);
        app.commit("A: the web app and its checklist");
        Some(app)
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Process::new("git")
            .arg("-C")
            .arg(&self.repo)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Dev")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Changes `file` and commits it; the new commit.
    fn change(&self, file: &str, text: &str) -> String {
        std::fs::write(self.repo.join(file), text).unwrap();
        self.commit(&format!("change {file}"))
    }

    /// `greenlight ARGS` in the repository.
    fn gl(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.sandbox
            .cmd()
            .current_dir(&self.repo)
            .args(args)
            .assert()
    }

    /// Starts a run of the checklist at HEAD, with `extra` flags; its id.
    fn start(&self, extra: &[&str]) -> String {
        let out = self.starting(extra).success().get_output().stdout.clone();
        String::from_utf8(out).unwrap().trim().to_string()
    }

    /// `greenlight start` of the checklist at HEAD with `extra` flags, as it ends.
    fn starting(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut args = vec![
            "start",
            "checklists/web-ux.yaml",
            "--release",
            "2.0",
            "--tester",
            TESTER,
        ];
        args.extend(extra);
        self.gl(&args)
    }

    /// Passes every cell of `run` still untested.
    fn pass_untested(&self, run: &str) {
        self.pass_untested_but(run, None);
    }

    /// Passes every cell of `run` still untested but `skipped` (`item@browser/viewport`).
    fn pass_untested_but(&self, run: &str, skipped: Option<&str>) {
        let csv = self.sandbox.path().join(format!("{run}.csv"));
        self.gl(&["export", run, "-o", csv.to_str().unwrap()])
            .success();
        let mut reader = csv::Reader::from_path(&csv).unwrap();
        let headers = reader.headers().unwrap().clone();
        let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (item, browser, viewport, status) =
            (at("item"), at("browser"), at("viewport"), at("status"));
        let mut batch = String::new();
        for row in reader.records() {
            let row = row.unwrap();
            let name = format!("{}@{}/{}", &row[item], &row[browser], &row[viewport]);
            if &row[status] == "untested" && Some(name.as_str()) != skipped {
                batch.push_str(&format!(
                    "{{\"item\":\"{}\",\"browser\":\"{}\",\"viewport\":\"{}\",\"status\":\"pass\"}}\n",
                    &row[item], &row[browser], &row[viewport]
                ));
            }
        }
        let file = self.sandbox.write(&format!("{run}.jsonl"), &batch);
        self.gl(&["record", run, "--batch", file.to_str().unwrap()])
            .success();
    }

    /// Approves `run` with `key` into `.greenlight/signoffs/NAME`.
    fn approve(&self, run: &str, name: &str, key: &Path) -> String {
        let out = format!(".greenlight/signoffs/{name}");
        self.gl(&[
            "signoff",
            run,
            "--approve",
            "--key",
            key.to_str().unwrap(),
            "-o",
            &out,
        ])
        .success();
        out
    }

    fn gate(&self, signoffs: &[&str], commit: &str, allowed: &Path) -> assert_cmd::assert::Assert {
        let mut args = vec!["gate"];
        args.extend(signoffs);
        args.extend([
            "--commit",
            commit,
            "--checklist",
            "checklists/web-ux.yaml",
            "--allowed-signers",
            allowed.to_str().unwrap(),
        ]);
        self.gl(&args)
    }

    fn untested(&self, run: &str) -> u64 {
        let out = self.gl(&["status", run, "--json"]).success();
        let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        json["counts"]["untested"]
            .as_u64()
            .expect("counts.untested")
    }

    /// An approval of everything at the current commit.
    fn approved_here(&self, name: &str, key: &Path) -> String {
        let run = self.start(&[]);
        self.pass_untested(&run);
        self.approve(&run, name, key)
    }

    fn carry_args<'a>(&'a self, from: &'a str) -> Vec<&'a str> {
        vec![
            "--carry-from",
            from,
            "--allowed-signers",
            self.allowed.to_str().unwrap(),
        ]
    }
}

/// The cells a change to the pricing page must re-test: those of items naming no paths and
/// of items whose paths name the pricing page.
fn cells_to_retest_after_pricing_change() -> usize {
    let checklist = Checklist::load(Path::new(SHIPPED)).unwrap();
    checklist
        .items
        .iter()
        .filter(|item| {
            item.paths.is_empty()
                || item
                    .paths
                    .iter()
                    .any(|p| p.starts_with("web/pages/pricing"))
        })
        .map(|item| item.environments.len())
        .sum()
}

#[test]
fn a_stylesheet_change_retests_only_what_it_can_affect_and_the_gate_checks_the_carry() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let approval_a = app.approved_here("a", &app.key.clone());
    let b = app.change(
        "web/pages/pricing/pricing.css",
        ".plans { display: flex; }\n",
    );

    let carry = app.carry_args(&approval_a);
    let mut dry = carry.clone();
    dry.push("--dry-run");
    let before = std::fs::read_dir(app.sandbox.home().join("runs"))
        .unwrap()
        .count();
    let a = app.git(&["rev-parse", "HEAD~1"]);
    app.starting(&dry)
        .success()
        .stderr(predicates::str::contains(format!(
            "font-swap-reflow (14 cells): since commit {}: web/pages/pricing/pricing.css changed",
            &a[..12]
        )))
        .stderr(predicates::str::contains(
            "cls-on-load (14 cells): it names no `paths`, so any change counts",
        ))
        .stderr(predicates::str::contains("skeletons-match").not());
    let after = std::fs::read_dir(app.sandbox.home().join("runs"))
        .unwrap()
        .count();
    assert_eq!(before, after, "--dry-run starts no run");

    let run_b = app.start(&carry);
    let to_test = cells_to_retest_after_pricing_change();
    assert_eq!(app.untested(&run_b) as usize, to_test);
    assert!(to_test < 608 / 2, "most cells carry: {to_test} to test");
    app.pass_untested(&run_b);
    let approval_b = app.approve(&run_b, "b", &app.key.clone());
    // The new statement says where each carried pass came from.
    let statement =
        std::fs::read_to_string(app.repo.join(&approval_b).join("signoff.json")).unwrap();
    assert_eq!(
        statement.matches("\"carried_from\"").count(),
        608 - to_test,
        "one provenance per carried cell"
    );
    // Each provenance names the approval's commit and tester.
    let parsed: serde_json::Value = serde_json::from_str(&statement).unwrap();
    let from = parsed["predicate"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|cell| cell.get("carried_from"))
        .expect("a carried cell");
    assert_eq!(from["commit"], app.git(&["rev-parse", "HEAD~1"]));
    assert_eq!(from["tester"], "Ada Lovelace <ada@example.com>");
    // The comment, the report and the CSV say so too.
    let folder = app.repo.join(&approval_b);
    let comment = std::fs::read_to_string(folder.join("signoff.md")).unwrap();
    let carried = format!(
        "{} of 608 cells carried: {} from the approval",
        608 - to_test,
        608 - to_test
    );
    assert!(
        comment.contains(&format!("**Carried**, re-checked by the gate: {carried}")),
        "{comment}"
    );
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("<dt>Carried</dt>") && report.contains(&carried));
    let csv = std::fs::read_to_string(folder.join("results.csv")).unwrap();
    let statement_a = std::fs::read(app.repo.join(&approval_a).join("signoff.json")).unwrap();
    let sha_a = greenlight::fsutil::sha256_hex(&statement_a);
    assert_eq!(
        csv.matches(&sha_a).count(),
        608 - to_test,
        "carried_from column"
    );

    // A's own results count where they still hold; B's carried copies add nothing.
    app.gate(&[&approval_a, &approval_b], &b, &app.allowed)
        .success()
        .stdout(predicates::str::contains(format!(
            "{}: counts: approved by Ada Lovelace <ada@example.com>, release 2.0, the whole matrix — 608 cells; {} results hold at this commit (signed at {})",
            approval_a,
            608 - to_test,
            &a[..12]
        )))
        .stdout(predicates::str::contains(format!(
            "{to_test} results hold at this commit (signed at {}); {} results it carried from earlier sign-offs count only through them",
            &b[..12],
            608 - to_test
        )));
    let json = app
        .gate(&[&approval_a, &approval_b, "--json"], &b, &app.allowed)
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(report["statements"][0]["holding"], 608 - to_test);
    assert_eq!(
        report["statements"][1]["carried"],
        608 - to_test,
        "--json says how many results B carried"
    );
    // Without the earlier approval, the carried cells are missing.
    app.gate(&[&approval_b], &b, &app.allowed)
        .code(1)
        .stdout(predicates::str::contains(
            "of 608 cells have a result from 1 approval\n  covered by Ada Lovelace <ada@example.com>: chrome/phone",
        ))
        .stdout(predicates::str::contains(format!(
            "missing: {} cells",
            608 - to_test
        )));
}

#[test]
fn an_edited_item_is_not_carried() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let approval_a = app.approved_here("a", &app.key.clone());
    let path = app.repo.join("checklists/web-ux.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // skeletons-match names paths (the dashboard's) that no commit touches: only its
    // definition changes.
    let edited = text.replacen(
        SKELETON_TITLE,
        "Loading skeletons match the final layout",
        1,
    );
    assert_ne!(text, edited, "the shipped checklist still has this title");
    std::fs::write(&path, edited).unwrap();
    app.commit("reword skeletons-match");
    let mut args = app.carry_args(&approval_a);
    args.push("--dry-run");
    app.starting(&args)
        .success()
        .stderr(predicates::str::contains(
            "skeletons-match (14 cells): its definition changed",
        ));
}

#[test]
fn an_approval_of_a_commit_rebased_away_still_carries_what_did_not_change() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let approval_a = app.approved_here("a", &app.key.clone());
    let a = app.git(&["rev-parse", "HEAD"]);
    // The approved commit is rewritten (a rebase): no ancestry joins it to what follows.
    app.git(&["commit", "-q", "--amend", "-m", "A, reworded"]);
    app.change("web/pages/dashboard/index.tsx", "export default Dash;\n");
    let mut args = app.carry_args(&approval_a);
    args.push("--dry-run");
    app.starting(&args)
        .success()
        .stderr(predicates::str::contains(format!(
            "skeletons-match (14 cells): since commit {}: web/pages/dashboard/index.tsx changed",
            &a[..12]
        )))
        .stderr(predicates::str::contains("font-swap-reflow").not())
        .stderr(predicates::str::contains("of 608 cells carried"));
}

#[test]
fn a_carry_from_an_approval_the_gate_does_not_trust_counts_as_untested() {
    let Some(app) = WebApp::new() else {
        return;
    };
    // A is signed with a key the team trusted then; the gate's allowed signers no longer
    // hold it.
    let old_key = keygen(&app.sandbox, "ecdsa", "");
    let both = app.sandbox.path().join("allowed_both");
    std::fs::write(
        &both,
        format!(
            "{EMAIL} {}\n{EMAIL} {}\n",
            public_key(&app.key),
            public_key(&old_key)
        ),
    )
    .unwrap();
    let run_a = app.start(&[]);
    app.pass_untested(&run_a);
    let approval_a = app.approve(&run_a, "a", &old_key);
    let b = app.change("web/pages/pricing/pricing.css", "/* b */\n");
    let mut args = vec!["--carry-from", approval_a.as_str(), "--allowed-signers"];
    args.push(both.to_str().unwrap());
    let run_b = app.start(&args);
    app.pass_untested(&run_b);
    let approval_b = app.approve(&run_b, "b", &app.key.clone());
    app.gate(&[&approval_a, &approval_b], &b, &both).success();
    app.gate(&[&approval_a, &approval_b], &b, &app.allowed)
        .code(1)
        .stdout(predicates::str::contains(
            "carried from earlier sign-offs count only through them",
        ))
        .stdout(predicates::str::contains(format!(
            "missing: {} cells",
            608 - cells_to_retest_after_pricing_change()
        )));
}

#[test]
fn a_carry_from_a_trusted_approval_that_does_not_verify_counts_as_untested() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let approval_a = app.approved_here("a", &app.key.clone());
    let b = app.change("web/pages/pricing/pricing.css", "/* b */\n");
    let run_b = app.start(&app.carry_args(&approval_a));
    app.pass_untested(&run_b);
    let approval_b = app.approve(&run_b, "b", &app.key.clone());
    app.gate(&[&approval_a, &approval_b], &b, &app.allowed)
        .success();
    // A's signature and signer still hold, but its folder no longer verifies (its
    // results.csv changed): nothing carried through it counts.
    let csv = app.repo.join(&approval_a).join("results.csv");
    let mut bytes = std::fs::read(&csv).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(&csv, bytes).unwrap();
    app.gate(&[&approval_a, &approval_b], &b, &app.allowed)
        .code(1)
        .stdout(predicates::str::contains(
            "carried from earlier sign-offs count only through them",
        ))
        .stdout(predicates::str::contains(format!(
            "missing: {} cells",
            608 - cells_to_retest_after_pricing_change()
        )));
}

#[test]
fn exports_show_who_tested_a_carried_cell_and_when_not_the_carry() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let approval_a = app.approved_here("a", &app.key.clone());
    // A's own record of one cell that will carry: who and when.
    let rows = |csv: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let a_csv = std::fs::read_to_string(app.repo.join(&approval_a).join("results.csv")).unwrap();
    let a_rows = rows(&a_csv);
    let find = |rows: &[csv::StringRecord], item: &str| {
        rows.iter()
            .find(|r| &r[5] == item && &r[7] == "chrome" && &r[8] == "phone")
            .cloned()
            .unwrap()
    };
    let original = find(&a_rows, "font-swap-reflow");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    app.change("web/pages/dashboard/index.tsx", "export default Dash;\n");
    let run_b = app
        .starting(&[
            "--carry-from",
            &approval_a,
            "--allowed-signers",
            app.allowed.to_str().unwrap(),
        ])
        .success()
        .get_output()
        .stdout
        .clone();
    let run_b = String::from_utf8(run_b).unwrap().trim().to_string();
    let out = app
        .sandbox
        .cmd()
        .args(["export", &run_b, "--format", "csv"])
        .output()
        .unwrap();
    let b_rows = rows(&String::from_utf8(out.stdout).unwrap());
    let carried = find(&b_rows, "font-swap-reflow");
    assert!(!carried[17].is_empty(), "carried_from is set: {carried:?}");
    assert_eq!(
        (&carried[15], &carried[16]),
        (&original[15], &original[16]),
        "the tester and time of the approval's own result"
    );
    // JSON says so in words; the workbook's matrix marks it ↻.
    let json = app.sandbox.json(&["export", &run_b, "--format", "json"]);
    let cell = json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["item"] == "font-swap-reflow" && c["browser"] == "chrome" && c["viewport"] == "phone"
        })
        .unwrap();
    assert_eq!(cell["carried"], true);
    assert_eq!(cell["tested_at"], original[16].to_string());
    let workbook = app.sandbox.path().join("b.xlsx");
    app.sandbox
        .cmd()
        .args(["export", &run_b, "-o", workbook.to_str().unwrap()])
        .assert()
        .success();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&workbook).unwrap();
    let matrix = book.worksheet_range("Matrix").unwrap();
    let glyphs: Vec<String> = matrix.rows().flatten().map(|c| c.to_string()).collect();
    assert!(glyphs.iter().any(|g| g == "↻"), "{glyphs:?}");
    assert!(glyphs.iter().any(|g| g.contains("times are UTC")));
}

#[test]
fn validate_warns_of_globs_that_name_no_file_in_the_repository() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let small = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small.yaml"
    ))
    .unwrap();
    let with_paths = small
        .replacen(
            "        url: /dashboard\n",
            "        url: /dashboard\n        paths: [\"web/pages/dashbaord/**\"]\n",
            1,
        )
        .replacen(
            "        title: Body text is readable\n",
            "        title: Body text is readable\n        paths: [\"web/styles/*.css\"]\n",
            1,
        );
    assert_ne!(small, with_paths);
    std::fs::write(app.repo.join("checklists/small.yaml"), &with_paths).unwrap();
    let line = with_paths
        .lines()
        .position(|l| l.contains("dashbaord"))
        .unwrap()
        + 1;
    app.gl(&["validate", "checklists/small.yaml"])
        .success()
        .stderr(predicates::str::contains(format!(
            "line {line}: item `no-shift`: its `paths` match no file"
        )))
        .stderr(predicates::str::contains("text-size").not());
}

#[test]
fn only_the_cells_the_approval_passed_carry() {
    let Some(app) = WebApp::new() else {
        return;
    };
    // skeletons-match is not required: the approval leaves one of its cells untested.
    let run = app.start(&[]);
    app.pass_untested_but(&run, Some("skeletons-match@chrome/phone"));
    let approval_a = app.approve(&run, "a", &app.key.clone());
    app.change("web/pages/pricing/pricing.css", "/* b */\n");
    let mut args = app.carry_args(&approval_a);
    args.push("--dry-run");
    app.starting(&args)
        .success()
        .stderr(predicates::str::contains(
            "skeletons-match (1 cell): no trusted sign-off has a result for it",
        ));
}

#[test]
fn folder_names_from_a_pull_request_never_start_a_line_of_the_ci_log() {
    let Some(app) = WebApp::new() else {
        return;
    };
    let approval = app.approved_here("a", &app.key.clone());
    // The pull request names its sign-off folders to print workflow commands.
    let evil = ".greenlight/signoffs/x\n::error title=Deploy::approved";
    std::fs::rename(app.repo.join(&approval), app.repo.join(evil)).unwrap();
    let broken = app
        .repo
        .join(".greenlight/signoffs/y\n::warning::merge it\n");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("signoff.json"), "{}").unwrap();
    std::fs::write(broken.join("signoff.json.sig"), "not a signature").unwrap();
    app.change("web/pages/pricing/pricing.css", ".plans { gap: 1rem; }\n");
    let mut args = app.carry_args("auto");
    args.push("--dry-run");
    for output in [
        app.starting(&args).success().get_output().clone(),
        app.starting(&app.carry_args(evil)).get_output().clone(),
        app.starting(&app.carry_args(broken.to_str().unwrap()))
            .get_output()
            .clone(),
    ] {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            text.contains("\\n::"),
            "the names are there, escaped: {text}"
        );
        for line in text.lines() {
            assert!(
                !line.trim_start().starts_with("::"),
                "a line starts a workflow command: {line:?} in\n{text}"
            );
        }
    }
}
