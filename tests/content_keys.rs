//! Approvals keyed to content (issue #22, DESIGN.md §7), end to end in a real repository with
//! two testers: a pull request rebased or squash-merged stays approved, a change under one
//! item's paths (a file, a submodule commit, a link's target, `.gitattributes`) puts exactly
//! that item back, and the six ways a carried pass fooled the gate fail closed with a reason
//! that names them.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{Sandbox, public_key, ssh_keygen_available};
use predicates::prelude::*;

const CHECKLIST: &str = "checklists/site.yaml";

/// Five items, each watching its own part of the tree, on 2 browsers × 2 viewports.
const SITE: &str = r#"id: site
title: Site
version: 1
base_url: https://staging.example.com/
matrix:
  browsers:
    - id: chrome
      name: Google Chrome
    - id: safari
      name: Safari
  viewports:
    - id: phone
      name: Phone
      width: 390
      height: 844
    - id: laptop
      name: Laptop
      width: 1366
      height: 768
policy:
  block_on_severity: 1
  require_complete: true
sections:
  - id: pages
    title: Pages
    items:
      - id: pricing
        title: Pricing plans line up
        severity: 1
        paths: ["web/pricing/**"]
      - id: charts
        title: Charts keep their size
        severity: 2
        paths: ["vendor/"]
      - id: embeds
        title: Embedded widgets fit
        severity: 2
        paths: ["vendor/**"]
      - id: docs
        title: Docs pages wrap long words
        severity: 3
        paths: ["web/docs/**"]
      - id: checklist
        title: The checklist itself is readable
        severity: 3
        paths: ["checklists/**"]
"#;

/// Every cell of [`SITE`], as `item browser viewport`.
const ITEMS: [&str; 5] = ["pricing", "charts", "embeds", "docs", "checklist"];

/// A web app's repository with a submodule commit and a symbolic link, and two testers.
struct Team {
    sandbox: Sandbox,
    keys: [PathBuf; 2],
    allowed: PathBuf,
    signed: std::cell::Cell<usize>,
}

const TESTERS: [(&str, &str); 2] = [
    ("Ada Lovelace", "ada@example.com"),
    ("Bob Tester", "bob@example.com"),
];

impl Team {
    fn new() -> Option<Team> {
        if !ssh_keygen_available() {
            return None;
        }
        let sandbox = Sandbox::new();
        let keys = [
            common::keygen(&sandbox, "ed25519", ""),
            common::keygen(&sandbox, "ed25519", ""),
        ];
        let allowed = sandbox.write(
            "allowed_signers",
            &format!(
                "{} {}\n{} {}\n",
                TESTERS[0].1,
                public_key(&keys[0]),
                TESTERS[1].1,
                public_key(&keys[1])
            ),
        );
        let team = Team {
            sandbox,
            keys,
            allowed,
            signed: std::cell::Cell::new(0),
        };
        for (file, text) in [
            (CHECKLIST, SITE),
            ("web/pricing/plans.css", ".plans { display: grid }\n"),
            ("shared/theme.css", ":root { --gap: 8px }\n"),
            ("web/docs/index.md", "# Docs\n"),
            ("README.md", "# The app\n"),
        ] {
            team.write(file, text);
        }
        std::os::unix::fs::symlink("../../shared/theme.css", team.path("web/pricing/theme.css"))
            .unwrap();
        team.git(&["init", "-q", "-b", "main"]);
        team.set_submodule("1111111111111111111111111111111111111111");
        team.commit(
            &[CHECKLIST, "web/pricing", "shared", "web/docs", "README.md"],
            "the app",
        );
        Some(team)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.sandbox.path().join(file)
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.path(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn git(&self, args: &[&str]) -> String {
        self.sandbox.git(self.sandbox.path(), args)
    }

    /// Points the submodule `vendor/charts` at `commit` (a gitlink, as a bump records it).
    fn set_submodule(&self, commit: &str) {
        self.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{commit},vendor/charts"),
        ]);
    }

    /// Commits `paths` (and whatever is staged); the new commit's id.
    fn commit(&self, paths: &[&str], message: &str) -> String {
        self.sandbox.commit(paths, message)
    }

    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// Tester `n` runs `checklist` at `commit` on a share (`--browsers chrome` …), records
    /// `status` in every cell but those `special` gives another result, and signs
    /// `decision`; returns the sign-off folder.
    fn sign(
        &self,
        n: usize,
        commit: &str,
        share: &[&str],
        special: &[(&str, &[&str])],
        decision: &[&str],
    ) -> PathBuf {
        let (name, email) = TESTERS[n];
        let output = self
            .sandbox
            .cmd()
            .args(["start", CHECKLIST, "--release", "3.0", "--commit", commit])
            .args(["--tester", &format!("{name} <{email}>")])
            .args(share)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let run = String::from_utf8(output.stdout).unwrap().trim().to_string();
        let export = self.sandbox.json(&["export", &run, "--format", "json"]);
        for cell in export["cells"].as_array().unwrap() {
            let ids = [&cell["item"], &cell["browser"], &cell["viewport"]]
                .map(|v| v.as_str().unwrap().to_string());
            let name = ids.join(" ");
            let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
            match special.iter().find(|(cell, _)| *cell == name) {
                Some((_, result)) => args.extend(*result),
                None => args.push("pass"),
            }
            self.sandbox.record(&run, &args).success();
        }
        self.signed.set(self.signed.get() + 1);
        let out = self.path(&format!(
            "out/{}-{}",
            self.signed.get(),
            name.replace(' ', "-")
        ));
        self.sandbox
            .cmd()
            .args(["signoff", &run, "--key"])
            .arg(&self.keys[n])
            .arg("-o")
            .arg(&out)
            .args(decision)
            .assert()
            .success();
        out
    }

    /// Tester `n` passes every cell of the whole matrix at `commit` and approves.
    fn approve_all(&self, n: usize, commit: &str) -> PathBuf {
        self.sign(n, commit, &[], &[], &["--approve"])
    }

    fn gate(&self, commit: &str, signoffs: &[&Path], extra: &[&str]) -> assert_cmd::assert::Assert {
        self.sandbox
            .cmd()
            .arg("gate")
            .args(signoffs)
            .args([
                "--commit",
                commit,
                "--checklist",
                CHECKLIST,
                "--allowed-signers",
            ])
            .arg(&self.allowed)
            .args(extra)
            .assert()
    }

    /// The gate's report as JSON, whatever its verdict.
    fn report(&self, commit: &str, signoffs: &[&Path]) -> serde_json::Value {
        let output = self
            .gate(commit, signoffs, &["--json"])
            .get_output()
            .clone();
        serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
            panic!(
                "{err}: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }
}

/// A change to make, named, and the items it must put back.
type Case<'a> = (&'a str, &'a dyn Fn(), &'a [&'a str]);

/// Copies a sign-off folder (files and `evidence/`) to where it is committed.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The items whose signed results do not hold, by the report.
fn stale_items(report: &serde_json::Value) -> BTreeSet<String> {
    report["checklists"][0]["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["item"].as_str().unwrap().to_string())
        .collect()
}

fn is_open(report: &serde_json::Value) -> bool {
    report["open"].as_bool().unwrap()
}

#[test]
fn a_rebased_or_squashed_pull_request_stays_approved_and_a_change_puts_back_only_its_item() {
    let Some(team) = Team::new() else { return };
    let base = team.head();
    // The pull request: a pricing fix, approved by Ada at its head.
    team.git(&["checkout", "-q", "-b", "pr"]);
    team.write(
        "web/pricing/plans.css",
        ".plans { display: grid; gap: 1rem }\n",
    );
    let head = team.commit(&["web/pricing"], "pricing: gap between plans");
    let approval = team.approve_all(0, &head);
    assert!(is_open(&team.report(&head, &[&approval])));

    // main moves on with a commit that touches no item's paths; the PR is rebased on it.
    team.git(&["checkout", "-q", "main"]);
    team.write("README.md", "# The app\n\nNow with docs.\n");
    team.commit(&["README.md"], "README");
    team.git(&["checkout", "-q", "pr"]);
    team.git(&["rebase", "-q", "main"]);
    let rebased = team.head();
    assert_ne!(rebased, head);
    assert_ne!(team.git(&["merge-base", &rebased, &head]), head);
    team.gate(&rebased, &[&approval], &[])
        .success()
        .stdout(predicate::str::contains("20 results hold at this commit"));

    // Squash-merged: the commit on the default branch is gated open by the PR's approval.
    team.git(&["checkout", "-q", "main"]);
    team.git(&["merge", "-q", "--squash", "pr"]);
    let squashed = team.commit(&[], "Pricing: gap between plans (#12)");
    assert_ne!(squashed, rebased);
    team.gate(&squashed, &[&approval], &[]).success();
    // The sign-off folder committed afterwards changes nothing either.
    copy_folder(&approval, &team.path(".greenlight/signoffs/ada"));
    let with_folder = team.commit(&[".greenlight"], "the sign-off");
    team.gate(&with_folder, &[&approval], &[]).success();

    // Each change puts back exactly the items that watch it.
    let cases: [Case<'_>; 5] = [
        (
            "a file under pricing's paths",
            &|| team.write("web/pricing/plans.css", ".plans { display: flex }\n"),
            &["pricing"],
        ),
        (
            "the submodule commit under vendor/",
            &|| team.set_submodule("2222222222222222222222222222222222222222"),
            &["charts", "embeds"],
        ),
        (
            "the target of a link under web/pricing",
            &|| team.write("shared/theme.css", ":root { --gap: 4px }\n"),
            &["pricing"],
        ),
        (
            "a new .gitattributes",
            &|| team.write(".gitattributes", "*.css eol=crlf\n"),
            &ITEMS,
        ),
        (
            "the README, which no item watches",
            &|| team.write("README.md", "# The app\n\nFaster.\n"),
            &[],
        ),
    ];
    for (what, change, expected) in cases {
        team.git(&["checkout", "-q", &with_folder]);
        change();
        let changed = team.commit(
            &["web", "shared", "README.md", ".gitattributes"]
                .into_iter()
                .filter(|p| team.path(p).exists())
                .collect::<Vec<_>>(),
            what,
        );
        let report = team.report(&changed, &[&approval]);
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(stale_items(&report), expected, "{what}: {report:#}");
        assert_eq!(is_open(&report), expected.is_empty(), "{what}");
        let missing: u64 = report["checklists"][0]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["cells"].as_u64().unwrap())
            .sum();
        assert_eq!(missing as usize, 4 * expected.len(), "{what}");
    }
    assert_ne!(base, head);
}

#[test]
fn a_pass_of_another_checklist_does_not_count_when_the_pinned_one_is_restored() {
    let Some(team) = Team::new() else { return };
    // A PR commit points the checklist at another site and makes the phone a desktop.
    let other_site = SITE
        .replace(
            "https://staging.example.com/",
            "https://elsewhere.example.net/",
        )
        .replace(
            "width: 390\n      height: 844",
            "width: 1920\n      height: 1080",
        );
    team.write(CHECKLIST, &other_site);
    let edited = team.commit(&[CHECKLIST], "checklist: test elsewhere");
    let approval = team.approve_all(0, &edited);
    // The next commit restores it: the tested content is the same again, but nothing was
    // tested against the pinned checklist.
    team.write(CHECKLIST, SITE);
    let restored = team.commit(&[CHECKLIST], "checklist: restored");
    let report = team.report(&restored, &[&approval]);
    assert!(!is_open(&report), "{report:#}");
    assert_eq!(report["checklists"][0]["covered"], 0, "{report:#}");
    team.gate(
        &restored,
        &[&approval],
        &["--explain", "pricing", "chrome", "phone"],
    )
    .code(1)
    .stdout(predicate::str::contains(
        "base_url: \"https://elsewhere.example.net/\" → \"https://staging.example.com/\"",
    ))
    .stdout(predicate::str::contains("viewport.width: 1920 → 390"));

    // Only a viewport's size changed: the phone cells go back, the laptop cells hold
    // (except the checklist item's, whose watched file changed).
    team.write(CHECKLIST, &SITE.replace("width: 390", "width: 412"));
    let resized = team.commit(&[CHECKLIST], "phone: 412 wide");
    let approval = team.approve_all(1, &resized);
    team.write(CHECKLIST, SITE);
    let back = team.commit(&[CHECKLIST], "phone: 390 again");
    let report = team.report(&back, &[&approval]);
    let held: Vec<String> = report["checklists"][0]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["environments"].as_array().unwrap().clone())
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert_eq!(held, ["chrome/laptop", "safari/laptop"], "{report:#}");
    assert_eq!(report["checklists"][0]["covered"], 8, "{report:#}");
}

#[test]
fn a_glob_that_selects_nothing_never_holds() {
    let Some(team) = Team::new() else { return };
    let approval = team.approve_all(0, &team.head());
    // The docs folder is renamed: `web/docs/**` selects nothing, whatever it held before.
    team.git(&["mv", "web/docs", "web/handbook"]);
    let renamed = team.commit(&[], "docs → handbook");
    team.gate(&renamed, &[&approval], &[])
        .code(1)
        .stdout(predicate::str::contains(
            "docs (4 cells, by Ada Lovelace <ada@example.com>): `web/docs/**` selects no file at this commit",
        ));
    let report = team.report(&renamed, &[&approval]);
    assert_eq!(stale_items(&report), BTreeSet::from(["docs".to_string()]));
}

#[test]
fn a_newer_failure_on_the_same_content_is_not_masked_by_an_older_pass() {
    let Some(team) = Team::new() else { return };
    let first = team.head();
    let approval = team.approve_all(0, &first);
    // Bob tests a later commit (the README changed) and finds a blocker in pricing.
    team.write("README.md", "# The app\n\nv2\n");
    let later = team.commit(&["README.md"], "README v2");
    let rejection = team.sign(
        1,
        &later,
        &[],
        &[(
            "pricing chrome phone",
            &[
                "fail",
                "--severity",
                "1",
                "--note",
                "plans overlap the footer",
            ],
        )],
        &["--reject", "--comment", "plans overlap"],
    );
    // The gated commit is a third tree, with the same pricing content as both.
    team.write("README.md", "# The app\n\nv3\n");
    let gated = team.commit(&["README.md"], "README v3");
    assert!(is_open(&team.report(&gated, &[&approval])));
    team.gate(&gated, &[&approval, &rejection], &[])
        .code(1)
        .stdout(predicate::str::contains("a rejection of commit"))
        .stdout(predicate::str::contains(
            "disagreement: pricing in chrome/phone: pass by Ada Lovelace <ada@example.com>, fail by Bob Tester <bob@example.com>",
        ))
        .stdout(predicate::str::contains("verdict: blocked: 1 blocker failure"));
    // The order the sign-offs are given in does not matter.
    team.gate(&gated, &[&rejection, &approval], &[])
        .code(1)
        .stdout(predicate::str::contains(
            "verdict: blocked: 1 blocker failure",
        ));
    // A rejection's passes fill no cell: alone it covers only what it found wrong.
    let alone = team.report(&gated, &[&rejection]);
    assert_eq!(alone["checklists"][0]["covered"], 1, "{alone:#}");
    // On the rejection's own tree it is a veto.
    team.gate(&later, &[&approval, &rejection], &[])
        .code(1)
        .stdout(predicate::str::contains("REJECTS this commit"));
}

#[test]
fn carry_from_auto_takes_the_testers_own_share_and_says_why_for_the_rest() {
    let Some(team) = Team::new() else { return };
    let first = team.head();
    // Ada tests Safari, Bob Chrome.
    team.sign(0, &first, &["--browsers", "safari"], &[], &["--approve"]);
    let bobs = team.sign(1, &first, &["--browsers", "chrome"], &[], &["--approve"]);
    // Both folders are committed where `auto` looks.
    for (n, folder) in std::fs::read_dir(team.path("out")).unwrap().enumerate() {
        let folder = folder.unwrap().path();
        copy_folder(&folder, &team.path(&format!(".greenlight/signoffs/{n}")));
    }
    team.commit(&[".greenlight"], "sign-offs");
    team.write("web/pricing/plans.css", ".plans { display: flex }\n");
    let changed = team.commit(&["web/pricing"], "pricing: flex");
    let output = team
        .sandbox
        .cmd()
        .args(["start", CHECKLIST, "--release", "3.1", "--commit", &changed])
        .args([
            "--tester",
            "Bob Tester <bob@example.com>",
            "--browsers",
            "chrome",
        ])
        .args(["--carry-from", "auto", "--allowed-signers"])
        .arg(&team.allowed)
        .arg("--dry-run")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    // Bob's 8 cells of the four other items carry; pricing's two Chrome cells are his to test.
    assert!(said.contains("8 carried · 2 to test"), "{said}");
    assert!(
        said.contains("pricing (2 cells): since commit")
            && said.contains("web/pricing/plans.css changed"),
        "{said}"
    );
    assert!(
        !said.contains("safari"),
        "Ada's share is not a reason here: {said}"
    );
    assert!(!said.contains("no trusted sign-off has a result"), "{said}");
    drop(bobs);
}

#[test]
fn the_gate_explains_one_cell_and_refuses_an_abbreviation_git_cannot_resolve() {
    let Some(team) = Team::new() else { return };
    let first = team.head();
    let approval = team.approve_all(0, &first);
    team.write("web/pricing/plans.css", ".plans { display: flex }\n");
    let changed = team.commit(&["web/pricing"], "pricing: flex");
    team.gate(&changed, &[&approval], &["--explain", "pricing", "chrome", "phone"])
        .code(1)
        .stdout(predicate::str::contains(
            "explain pricing in chrome/phone (checklist site): untested: no trusted result holds here",
        ))
        .stdout(predicate::str::contains(format!(
            "pass by Ada Lovelace <ada@example.com> at {} — since commit {}: web/pricing/plans.css changed",
            &first[..12],
            &first[..12]
        )));
    team.gate(
        &changed,
        &[&approval],
        &["--explain", "docs", "chrome", "phone"],
    )
    .code(1)
    .stdout(predicate::str::contains(
        "explain docs in chrome/phone (checklist site): pass counts",
    ))
    .stdout(predicate::str::contains("counts "))
    .stdout(predicate::str::contains(
        "holds: same definition, and the content its paths select is the same as at commit",
    ));
    team.gate(
        &changed,
        &[&approval],
        &["--explain", "nope", "chrome", "phone"],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "no pinned checklist has a cell `nope`",
    ));
    // An abbreviation git cannot resolve is never taken as written.
    team.gate("5eedbee", &[&approval], &[])
        .code(2)
        .stderr(predicate::str::contains("5eedbee"));
    // One it can resolve is the commit it names.
    team.gate(&changed[..10], &[&approval], &[]).code(1);
}

#[test]
fn going_back_to_an_approved_tree_does_not_escape_a_later_failure() {
    let Some(team) = Team::new() else { return };
    let first = team.head();
    let approval = team.approve_all(0, &first);
    // Bob tests the next commit and finds a blocker in pricing, whose content is unchanged.
    team.write("README.md", "# The app\n\nv2\n");
    let later = team.commit(&["README.md"], "README v2");
    let rejection = team.sign(
        1,
        &later,
        &[],
        &[(
            "pricing chrome phone",
            &[
                "fail",
                "--severity",
                "1",
                "--note",
                "plans overlap the footer",
            ],
        )],
        &["--reject", "--comment", "plans overlap"],
    );
    // The author goes back to the approved tree: Ada's pass is on it, but Bob's failure was
    // found after it, on the same content.
    team.git(&["revert", "--no-edit", "HEAD"]);
    let back = team.head();
    assert_eq!(
        team.git(&["rev-parse", &format!("{back}^{{tree}}")]),
        team.git(&["rev-parse", &format!("{first}^{{tree}}")])
    );
    team.gate(&back, &[&approval, &rejection], &[])
        .code(1)
        .stdout(predicate::str::contains(
            "verdict: blocked: 1 blocker failure",
        ));
    team.gate(
        &back,
        &[&approval, &rejection],
        &["--explain", "pricing", "chrome", "phone"],
    )
    .code(1)
    .stdout(predicate::str::contains(
        "explain pricing in chrome/phone (checklist site): fail counts",
    ));
    // Someone tests that tree again, after the failure: the new pass settles it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let retest = team.approve_all(0, &back);
    team.gate(&back, &[&approval, &rejection, &retest], &[])
        .success()
        .stdout(predicate::function(|out: &str| {
            out.matches("covered by Ada Lovelace <ada@example.com>: chrome/phone")
                .count()
                == 1
                && out.contains("(20 cells)")
        }));
}
