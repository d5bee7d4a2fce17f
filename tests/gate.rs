//! The CI gate as an attacker tries it (issue #9): the pull request it guards cannot change
//! the policy, a trusted key cannot make the arithmetic up, negations hold, untrusted
//! statements open no file, untrusted text never starts a log line, a veto cannot be hidden,
//! blocked and skipped cells block — and a team's shares add up.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Sandbox, ssh_keygen_available};
use predicates::prelude::*;

/// The small fixture's cells by share: Ada has Chrome on a phone, Bob Chrome on a laptop,
/// Cyd Safari (which only has a phone).
const SHARES: [(&str, &[&str], &[&str]); 3] = [
    ("ada", &["chrome"], &["phone"]),
    ("bob", &["chrome"], &["laptop"]),
    ("cyd", &["safari"], &["phone"]),
];

/// A team: three testers with their own keys, all in the allowed-signers file, and the
/// fixture pinned as the protected branch has it.
struct Team {
    sandbox: Sandbox,
    keys: Vec<PathBuf>,
    allowed: PathBuf,
    pinned: PathBuf,
    /// The commit everyone tests: the fixture committed in the sandbox's repository.
    commit: String,
}

fn email(name: &str) -> String {
    format!("{name}@example.com")
}

fn public_key(key: &Path) -> String {
    let text = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Team {
    fn new() -> Option<Team> {
        if !ssh_keygen_available() {
            return None;
        }
        let sandbox = Sandbox::new();
        let pinned = sandbox.fixture("small.yaml");
        let mut keys = Vec::new();
        let mut allowed = String::new();
        for (name, ..) in SHARES {
            let key = common::keygen(&sandbox, "ed25519", "");
            let named = sandbox.path().join(format!("id_{name}"));
            std::fs::rename(&key, &named).unwrap();
            std::fs::rename(key.with_extension("pub"), named.with_extension("pub")).unwrap();
            allowed.push_str(&format!("{} {}\n", email(name), public_key(&named)));
            keys.push(named);
        }
        let allowed = sandbox.write("allowed_signers", &allowed);
        let commit = sandbox.commit(&["small.yaml"], "the product as tested");
        Some(Team {
            sandbox,
            keys,
            allowed,
            pinned,
            commit,
        })
    }

    /// Tester `n` starts a run of `checklist` on their share, records `status` (with a note
    /// where one is needed) in every cell of it, and signs `decision`; returns the folder.
    fn sign(&self, n: usize, checklist: &Path, status: &str, decision: &[&str]) -> PathBuf {
        self.sign_at(n, checklist, status, decision, &self.commit)
    }

    /// [`Team::sign`] at another commit of the sandbox's repository.
    fn sign_at(
        &self,
        n: usize,
        checklist: &Path,
        status: &str,
        decision: &[&str],
        commit: &str,
    ) -> PathBuf {
        let (name, browsers, viewports) = SHARES[n];
        let tester = format!("{} <{}>", name.to_uppercase(), email(name));
        let output = self
            .sandbox
            .cmd()
            .arg("start")
            .arg(checklist)
            .args(["--release", "2.0", "--commit", commit, "--tester", &tester])
            .args([
                "--browsers",
                &browsers.join(","),
                "--viewports",
                &viewports.join(","),
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let run = String::from_utf8(output.stdout).unwrap().trim().to_string();
        let export = self
            .sandbox
            .cmd()
            .args(["export", &run, "--format", "json"])
            .output()
            .unwrap();
        let document: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
        for cell in document["cells"].as_array().unwrap() {
            let mut args = vec![
                cell["item"].as_str().unwrap(),
                cell["browser"].as_str().unwrap(),
                cell["viewport"].as_str().unwrap(),
                status,
            ];
            if status != "pass" {
                args.extend(["--note", "seen on staging"]);
            }
            self.sandbox.record(&run, &args).success();
        }
        let out = self.sandbox.path().join(format!("signoff-{name}-{run}"));
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

    fn approve(&self, n: usize) -> PathBuf {
        self.sign(n, &self.pinned, "pass", &["--approve"])
    }

    /// The fixture with a policy that needs two distinct approvers.
    fn needing_two(&self) -> PathBuf {
        self.sandbox.write(
            "two.yaml",
            &std::fs::read_to_string(&self.pinned).unwrap().replace(
                "require_complete: true",
                "require_complete: true\n  approvals: 2",
            ),
        )
    }

    /// `tester` passes every cell of `checklist` and approves it with tester `key`'s key,
    /// into the folder `name`.
    fn approve_whole(&self, checklist: &Path, tester: &str, key: usize, name: &str) -> PathBuf {
        let output = self
            .sandbox
            .cmd()
            .arg("start")
            .arg(checklist)
            .args([
                "--release",
                "2.0",
                "--commit",
                &self.commit,
                "--tester",
                tester,
            ])
            .output()
            .unwrap();
        let run = String::from_utf8(output.stdout).unwrap().trim().to_string();
        for cell in [
            "no-shift chrome phone",
            "no-shift chrome laptop",
            "no-shift safari phone",
            "text-size chrome phone",
            "text-size chrome laptop",
            "text-size safari phone",
        ] {
            let args: Vec<&str> = cell.split(' ').chain(["pass"]).collect();
            self.sandbox.record(&run, &args).success();
        }
        let out = self.sandbox.path().join(name);
        self.sandbox
            .cmd()
            .args(["signoff", &run, "--approve", "--key"])
            .arg(&self.keys[key])
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        out
    }

    /// `greenlight gate PATHS` for the commit, against the pinned checklist.
    fn gate(&self, paths: &[&Path]) -> assert_cmd::assert::Assert {
        self.gate_with(paths, &self.allowed)
    }

    /// `greenlight gate PATHS` for the commit against `checklist` (with `extra` flags).
    fn gate_against(
        &self,
        checklist: &Path,
        paths: &[&Path],
        extra: &[&str],
    ) -> assert_cmd::assert::Assert {
        self.sandbox
            .cmd()
            .arg("gate")
            .args(paths)
            .args(["--commit", &self.commit, "--checklist"])
            .arg(checklist)
            .arg("--allowed-signers")
            .arg(&self.allowed)
            .args(extra)
            .assert()
    }

    fn gate_with(&self, paths: &[&Path], allowed: &Path) -> assert_cmd::assert::Assert {
        self.gate_full(&self.commit, paths, allowed)
    }

    /// `greenlight gate PATHS` for `commit`, against the pinned checklist.
    fn gate_at(&self, commit: &str, paths: &[&Path]) -> assert_cmd::assert::Assert {
        self.gate_full(commit, paths, &self.allowed)
    }

    fn gate_full(
        &self,
        commit: &str,
        paths: &[&Path],
        allowed: &Path,
    ) -> assert_cmd::assert::Assert {
        self.sandbox
            .cmd()
            .arg("gate")
            .args(paths)
            .args(["--commit", commit, "--checklist"])
            .arg(&self.pinned)
            .arg("--allowed-signers")
            .arg(allowed)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
    }

    /// Rewrites `folder`'s statement with `change` and signs it again with tester `n`'s
    /// (trusted) key, as a tester with a text editor and `ssh-keygen -Y sign` could.
    fn forge(
        &self,
        folder: &Path,
        n: usize,
        change: impl FnOnce(&mut serde_json::Value),
    ) -> PathBuf {
        let json = folder.join("signoff.json");
        let mut statement: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        change(&mut statement);
        std::fs::write(&json, serde_json::to_vec_pretty(&statement).unwrap()).unwrap();
        std::fs::remove_file(folder.join("signoff.json.sig")).unwrap();
        let signed = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "greenlight-signoff", "-f"])
            .arg(&self.keys[n])
            .arg(&json)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(signed.success());
        std::fs::remove_file(folder.join("signoff.md")).unwrap();
        json
    }
}

#[test]
fn three_shares_signed_by_three_trusted_testers_open_the_gate_together() {
    let Some(team) = Team::new() else { return };
    let shares: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let all: Vec<&Path> = shares.iter().map(PathBuf::as_path).collect();
    team.gate(&all)
        .success()
        .stdout(predicate::str::contains(
            "7 of 7 cells have a result from 3 approvals",
        ))
        .stdout(predicate::str::contains(
            "covered by ADA <ada@example.com>: chrome/phone (2 cells)",
        ))
        .stdout(predicate::str::contains(
            "counts: approved by CYD <cyd@example.com>, release 2.0, safari × phone — 2 cells",
        ))
        .stdout(predicate::str::contains("verdict: passes"))
        .stdout(predicate::str::contains("gate open"))
        .stdout(predicate::str::contains("disagreement").not());
    // Any one share missing: its cells are untested, and the line says where.
    team.gate(&all[..2])
        .code(1)
        .stdout(predicate::str::contains(
            "missing: 2 cells — safari/phone (2)",
        ))
        .stdout(predicate::str::contains("2 required cells untested"));
}

#[test]
fn one_untrusted_other_commit_edited_checklist_or_rejecting_share_keeps_it_closed() {
    let Some(team) = Team::new() else { return };
    let shares: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let good = |n: usize| shares[n].as_path();
    // Untrusted: Cyd is not in this allowed-signers file.
    let without_cyd: String = std::fs::read_to_string(&team.allowed)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("cyd@"))
        .map(|l| format!("{l}\n"))
        .collect();
    let allowed = team.sandbox.write("allowed_two", &without_cyd);
    team.gate_with(&[good(0), good(1), good(2)], &allowed)
        .code(1)
        .stdout(predicate::str::contains(
            "does not count: the signer is not trusted",
        ));
    // A commit whose tree differs: results signed before the change do not hold after it
    // (the fixture's items watch the whole tree), and the gate says why.
    let before = team.approve(2);
    team.sandbox.write("app.css", "body { font-size: 18px }\n");
    let changed = team.sandbox.commit(&["app.css"], "bigger text");
    let at_changed: Vec<PathBuf> = (0..2)
        .map(|n| team.sign_at(n, &team.pinned, "pass", &["--approve"], &changed))
        .collect();
    team.gate_at(&changed, &[&at_changed[0], &at_changed[1], &before])
        .code(1)
        .stdout(predicate::str::contains(
            "does not count: approved by CYD <cyd@example.com>, but none of its 2 results holds at this commit: 2 on content that changed",
        ))
        .stdout(predicate::str::contains("app.css added"));
    // A checklist the pull request edited in its policy only: every cell was tested the
    // same way, so the results count — judged by the pinned policy, not the edited one.
    let edited = team.sandbox.write(
        "edited.yaml",
        &std::fs::read_to_string(&team.pinned)
            .unwrap()
            .replace("require_complete: true", "require_complete: false"),
    );
    let drifted = team.sign(2, &edited, "pass", &["--approve"]);
    team.gate(&[good(0), good(1), &drifted])
        .success()
        .stdout(predicate::str::contains("approved by CYD"));
    // Skipped cells it may approve under its own policy still block under the pinned one.
    let skipped = team.sign(2, &edited, "skip", &["--approve"]);
    team.gate(&[good(0), good(1), &skipped])
        .code(1)
        .stdout(predicate::str::contains("verdict: blocked"));
    // A trusted rejection.
    let rejection = team.sign(
        2,
        &team.pinned,
        "pass",
        &["--reject", "--comment", "not on my Mac"],
    );
    team.gate(&[good(0), good(1), good(2), &rejection])
        .code(1)
        .stdout(predicate::str::contains(
            "REJECTS this commit: rejected by CYD <cyd@example.com>: not on my Mac",
        ))
        .stdout(predicate::str::contains(
            "gate closed: a trusted tester rejected this commit",
        ));
}

#[test]
fn a_pull_request_cannot_relax_the_policy_or_drop_an_item_and_approve() {
    let Some(team) = Team::new() else { return };
    // The PR's checklist: no severity-1 item, and nothing required to be complete.
    let weakened = team.sandbox.write(
        "weakened.yaml",
        &std::fs::read_to_string(&team.pinned)
            .unwrap()
            .replace("require_complete: true", "require_complete: false")
            .replace("severity: 1", "severity: 3"),
    );
    let approval = team.sign(0, &weakened, "pass", &["--approve"]);
    // Only the cells whose definition is the pinned one count, under the pinned policy.
    team.gate(&[&approval])
        .code(1)
        .stdout(predicate::str::contains(
            "no-shift (1 cell, by ADA <ada@example.com>): its definition differs from the pinned checklist's",
        ))
        .stdout(predicate::str::contains("1 of 7 cells have a result"))
        .stdout(predicate::str::contains("verdict: blocked"));
}

#[test]
fn the_gate_recomputes_from_signed_cells_and_never_believes_the_statement() {
    let Some(team) = Team::new() else { return };
    // A rejection with a blocker failure, edited to "approved / passes" and signed again.
    let rejected = team.sign(
        0,
        &team.pinned,
        "fail",
        &["--reject", "--comment", "broken"],
    );
    let forged = team.forge(&rejected, 0, |s| {
        s["predicate"]["decision"] = "approved".into();
        s["predicate"]["verdict"] = serde_json::json!({"verdict": "passes", "reasons": []});
    });
    let others: Vec<PathBuf> = (1..3).map(|n| team.approve(n)).collect();
    team.gate(&[&forged, &others[0], &others[1]])
        .code(1)
        .stdout(predicate::str::contains("counts: approved by ADA"))
        .stdout(predicate::str::contains(
            "verdict: blocked: 1 blocker failure",
        ));
    // An approval with no cells at all adds nothing.
    let empty = team.forge(&team.approve(0), 0, |s| {
        s["predicate"]["cells"] = serde_json::json!([]);
    });
    team.gate(&[&empty, &others[0], &others[1]])
        .code(1)
        .stdout(predicate::str::contains("2 required cells untested"));
    // Cells that are not its share's, or twice, make the statement not count.
    let outside = team.forge(&team.approve(0), 0, |s| {
        let cells = s["predicate"]["cells"].as_array_mut().unwrap();
        let mut stray = cells[0].clone();
        stray["browser"] = "safari".into();
        cells.push(stray);
    });
    team.gate(&[&outside])
        .code(1)
        .stdout(predicate::str::contains(
            "no-shift in safari/phone is not a cell of its share",
        ));
    let twice = team.forge(&team.approve(0), 0, |s| {
        let cells = s["predicate"]["cells"].as_array_mut().unwrap();
        let copy = cells[0].clone();
        cells.push(copy);
    });
    team.gate(&[&twice])
        .code(1)
        .stdout(predicate::str::contains("is listed twice"));
}

#[test]
fn negations_in_the_allowed_signers_file_hold_as_they_do_for_ssh_keygen() {
    let Some(team) = Team::new() else { return };
    let approvals: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let all: Vec<&Path> = approvals.iter().map(PathBuf::as_path).collect();
    let lines = std::fs::read_to_string(&team.allowed).unwrap();
    for (what, changed) in [
        (
            "a negated principal",
            lines.replacen("ada@example.com ", "*@example.com,!ada@example.com ", 1),
        ),
        (
            "a negated namespace",
            lines.replacen(
                "ada@example.com ",
                "ada@example.com namespaces=\"*,!greenlight-signoff\" ",
                1,
            ),
        ),
    ] {
        let allowed = team.sandbox.write("allowed_negated", &changed);
        team.gate_with(&all, &allowed)
            .code(1)
            .stdout(predicate::str::contains("the signer is not trusted"));
        let refused = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", "ada@example.com", "-n", "greenlight-signoff", "-s"])
            .arg(approvals[0].join("signoff.json.sig"))
            .stdin(std::fs::File::open(approvals[0].join("signoff.json")).unwrap())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(!refused.success(), "ssh-keygen refuses {what} too");
    }
}

#[test]
fn an_untrusted_statement_opens_no_file_it_names_and_never_hangs_or_leaks() {
    let Some(team) = Team::new() else { return };
    let stranger = common::keygen(&team.sandbox, "ecdsa", "");
    let fifo = team.sandbox.path().join("fifo.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut outputs = Vec::new();
    for path in [
        "fifo.yaml",
        "/dev/zero",
        "/dev/stdin",
        "/etc/passwd",
        "/nonexistent",
    ] {
        let folder = team.approve(0);
        let json = folder.join("signoff.json");
        let mut statement: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        statement["predicate"]["checklist"]["path"] = path.into();
        std::fs::write(&json, serde_json::to_vec_pretty(&statement).unwrap()).unwrap();
        std::fs::remove_file(folder.join("signoff.json.sig")).unwrap();
        let signed = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "greenlight-signoff", "-f"])
            .arg(&stranger)
            .arg(&json)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(signed.success());
        for command in ["verify", "gate"] {
            let mut cmd = team.sandbox.cmd();
            cmd.arg(command).arg(&json);
            if command == "gate" {
                cmd.args(["--commit", &team.commit, "--checklist"])
                    .arg(&team.pinned);
            }
            let output = cmd
                .arg("--allowed-signers")
                .arg(&team.allowed)
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            assert_eq!(
                output.status.code(),
                Some(1),
                "{command} {path} refuses, promptly"
            );
            let text = String::from_utf8_lossy(&output.stdout).replace(path, "PATH");
            outputs.push(text.replace(&json.display().to_string(), "JSON"));
        }
    }
    // Whether the path exists, is a FIFO or a device, nothing printed tells it apart.
    for pair in outputs.chunks(2).collect::<Vec<_>>().windows(2) {
        assert_eq!(pair[0], pair[1]);
    }
    assert!(!outputs[0].contains("checklist"), "{}", outputs[0]);
    // A trusted statement naming a path outside the repository is not opened either.
    let trusted = team.forge(&team.approve(0), 0, |s| {
        s["predicate"]["checklist"]["path"] = "/dev/zero".into();
    });
    team.sandbox
        .cmd()
        .arg("verify")
        .arg(&trusted)
        .arg("--allowed-signers")
        .arg(&team.allowed)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "is not a path inside a repository, so it is not opened",
        ));
}

#[test]
fn text_from_a_statement_never_starts_a_log_line_or_reaches_the_terminal_raw() {
    let Some(team) = Team::new() else { return };
    let hostile =
        "Ada\ngate open: every check passed\n::error::pwned\x1b]0;owned\x07\x1b[2J\u{202e}";
    let forged = team.forge(&team.approve(0), 0, |s| {
        s["predicate"]["tester"]["name"] = hostile.into();
        s["predicate"]["release"] = "2.0\n::warning::x".into();
    });
    for command in ["verify", "gate"] {
        let mut cmd = team.sandbox.cmd();
        cmd.arg(command).arg(&forged);
        if command == "gate" {
            cmd.args(["--commit", &team.commit, "--checklist"])
                .arg(&team.pinned);
        }
        let output = cmd
            .arg("--allowed-signers")
            .arg(&team.allowed)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        for text in [&stdout, &stderr] {
            assert!(
                !text.contains('\x1b') && !text.contains('\u{202e}'),
                "{text}"
            );
            for line in text.lines() {
                assert!(!line.starts_with("::"), "a workflow command: {line}");
                assert!(
                    !line.starts_with("gate open: every"),
                    "a forged line: {line}"
                );
            }
        }
        assert!(
            stdout.contains("Ada\\ngate open: every check passed\\n::error::pwned\\x1b]0;owned"),
            "{stdout}"
        );
    }
}

#[test]
fn a_rejection_cannot_be_hidden_behind_a_stacked_block() {
    let Some(team) = Team::new() else { return };
    let approvals: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let rejection = team.sign(2, &team.pinned, "pass", &["--reject", "--comment", "wait"]);
    let rejection_md = std::fs::read_to_string(rejection.join("signoff.md")).unwrap();
    let approval_md = std::fs::read_to_string(approvals[2].join("signoff.md")).unwrap();
    // Cyd's approval's folded block, prepended inside the rejection's comment.
    let folded = |md: &str| md[md.find("<details>").unwrap()..].to_string();
    let stacked = rejection_md.replacen(
        &folded(&rejection_md),
        &format!("{}\n{}", folded(&approval_md), folded(&rejection_md)),
        1,
    );
    let comment = team.sandbox.write("stacked.md", &stacked);
    team.gate(&[&approvals[0], &approvals[1], &comment])
        .code(1)
        .stdout(predicate::str::contains(
            "REJECTS this commit: rejected by CYD",
        ));
    team.sandbox
        .cmd()
        .arg("verify")
        .arg(&comment)
        .arg("--allowed-signers")
        .arg(&team.allowed)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the comment is malformed"));
}

#[test]
fn blocked_and_skipped_required_cells_block_approval_and_the_gate() {
    let Some(team) = Team::new() else { return };
    for status in ["skip", "blocked"] {
        let sandbox = &team.sandbox;
        let run = sandbox.start(&team.pinned);
        for cell in [
            "no-shift chrome phone",
            "no-shift chrome laptop",
            "no-shift safari phone",
            "text-size chrome phone",
            "text-size chrome laptop",
            "text-size safari phone",
        ] {
            let args: Vec<&str> = cell
                .split(' ')
                .chain([status, "--note", "no device"])
                .collect();
            sandbox.record(&run, &args).success();
        }
        sandbox
            .cmd()
            .args(["signoff", &run, "--approve", "--key"])
            .arg(&team.keys[0])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "6 required cells {}",
                if status == "skip" {
                    "skipped"
                } else {
                    "blocked"
                }
            )));
    }
    // An approval forged over all-skipped cells, re-signed with a trusted key: closed.
    let skipped = team.sign(0, &team.pinned, "skip", &["--reject", "--comment", "x"]);
    let forged = team.forge(&skipped, 0, |s| {
        s["predicate"]["decision"] = "approved".into()
    });
    let others: Vec<PathBuf> = (1..3).map(|n| team.approve(n)).collect();
    team.gate(&[&forged, &others[0], &others[1]])
        .code(1)
        .stdout(predicate::str::contains("2 required cells skipped"));
}

#[test]
fn the_policy_can_ask_for_several_distinct_approvers_and_disagreements_are_listed() {
    let Some(team) = Team::new() else { return };
    let pinned = team.needing_two();
    // Ada covers everything alone; the policy wants two people.
    let alone = team.approve_whole(&pinned, "ADA <ada@example.com>", 0, "alone");
    let gate = |paths: &[&Path]| team.gate_against(&pinned, paths, &[]);
    gate(&[&alone]).code(1).stdout(predicate::str::contains(
        "the policy needs 2 distinct trusted approvers and has 1",
    ));
    // Cyd fails what Ada passed: the worst result counts, and both are named.
    let cyd = team.sign(2, &pinned, "fail", &["--reject", "--comment", "x"]);
    let cyd = team.forge(&cyd, 2, |s| s["predicate"]["decision"] = "approved".into());
    gate(&[&alone, &cyd])
        .code(1)
        .stdout(predicate::str::contains(
            "disagreement: no-shift in safari/phone: pass by ADA <ada@example.com>, fail by CYD <cyd@example.com>",
        ))
        .stdout(predicate::str::contains("verdict: blocked: 1 blocker failure"));
}

#[test]
fn with_several_pinned_checklists_the_gate_opens_only_when_every_one_passes() {
    let Some(team) = Team::new() else { return };
    let deploy = team.sandbox.fixture("wide.yaml");
    let shares: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let gate = |paths: &[&Path]| {
        team.sandbox
            .cmd()
            .arg("gate")
            .args(paths)
            .args(["--commit", &team.commit, "--checklist"])
            .arg(&team.pinned)
            .arg("--checklist")
            .arg(&deploy)
            .arg("--allowed-signers")
            .arg(&team.allowed)
            .assert()
    };
    let mut paths: Vec<&Path> = shares.iter().map(PathBuf::as_path).collect();
    gate(&paths)
        .code(1)
        .stdout(predicate::str::contains("small.yaml (small, sha256"))
        .stdout(predicate::str::contains("wide.yaml (wide, sha256"))
        .stdout(predicate::str::contains(
            "0 of 12 cells have a result from 0 approvals",
        ));
    // Ada walks the whole second checklist too.
    let tester = "ADA <ada@example.com>";
    let output = team
        .sandbox
        .cmd()
        .arg("start")
        .arg(&deploy)
        .args([
            "--release",
            "2.0",
            "--commit",
            &team.commit,
            "--tester",
            tester,
        ])
        .output()
        .unwrap();
    let run = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let export = team
        .sandbox
        .cmd()
        .args(["export", &run, "--format", "json"])
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    for cell in document["cells"].as_array().unwrap() {
        let args =
            [&cell["item"], &cell["browser"], &cell["viewport"]].map(|v| v.as_str().unwrap());
        team.sandbox
            .record(&run, &[args[0], args[1], args[2], "pass"])
            .success();
    }
    let wide = team.sandbox.path().join("wide-signoff");
    team.sandbox
        .cmd()
        .args(["signoff", &run, "--approve", "--key"])
        .arg(&team.keys[0])
        .arg("-o")
        .arg(&wide)
        .assert()
        .success();
    paths.push(&wide);
    gate(&paths)
        .success()
        .stdout(predicate::str::contains("12 of 12 cells"));
}

#[test]
fn one_key_is_one_approver_whatever_principals_it_signs_as() {
    let Some(team) = Team::new() else { return };
    let pinned = team.needing_two();
    // Ada's key may sign for any @example.com address: she signs twice, as two people.
    let ada_key = public_key(&team.keys[0]);
    let allowed = team
        .sandbox
        .write("wild", &format!("*@example.com {ada_key}\n"));
    let folders: Vec<PathBuf> = ["Ada <ada@example.com>", "Ada Again <ada.work@example.com>"]
        .iter()
        .enumerate()
        .map(|(n, tester)| team.approve_whole(&pinned, tester, 0, &format!("as-{n}")))
        .collect();
    team.sandbox
        .cmd()
        .arg("gate")
        .args(&folders)
        .args(["--commit", &team.commit, "--checklist"])
        .arg(&pinned)
        .arg("--allowed-signers")
        .arg(&allowed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the policy needs 2 distinct trusted approvers and has 1",
        ));
}

#[test]
fn a_rejection_signed_for_a_short_spelling_of_the_commit_still_vetoes() {
    let Some(team) = Team::new() else { return };
    let approvals: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let rejection = team.sign(1, &team.pinned, "pass", &["--reject", "--comment", "no"]);
    let short = team.forge(&rejection, 1, |s| {
        s["subject"][0]["digest"]["gitCommit"] = team.commit[..7].into();
    });
    let paths: Vec<&Path> = approvals
        .iter()
        .map(PathBuf::as_path)
        .chain([short.as_path()])
        .collect();
    team.gate(&paths)
        .code(1)
        .stdout(predicate::str::contains("REJECTS this commit"));
    // A rejection of an older version names no tree: the short spelling alone vetoes.
    let rejection = team.sign(1, &team.pinned, "pass", &["--reject", "--comment", "no"]);
    let treeless = team.forge(&rejection, 1, |s| {
        s["subject"][0]["digest"]["gitCommit"] = team.commit[..7].into();
        s["predicate"].as_object_mut().unwrap().remove("tree");
    });
    team.gate(&[&approvals[0], &approvals[1], &approvals[2], &treeless])
        .code(1)
        .stdout(predicate::str::contains("REJECTS this commit"));
    team.sandbox
        .cmd()
        .arg("gate")
        .arg(&approvals[0])
        .args(["--commit", "", "--checklist"])
        .arg(&team.pinned)
        .arg("--allowed-signers")
        .arg(&team.allowed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`` is not a commit"));
}

#[test]
fn an_outsiders_namespace_or_broken_statement_cannot_write_lines_to_the_log_either() {
    let Some(team) = Team::new() else { return };
    let outsider = common::keygen(&team.sandbox, "ecdsa", "");
    let folder = team.approve(0);
    let json = folder.join("signoff.json");
    std::fs::remove_file(folder.join("signoff.json.sig")).unwrap();
    std::fs::remove_file(folder.join("signoff.md")).unwrap();
    let namespace = "x\n::error::forged\ngate open: yes\n\x1b]0;owned\x07";
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", namespace, "-f"])
        .arg(&outsider)
        .arg(&json)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(signed.success());
    let broken = team.sandbox.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("signoff.json"),
        "{\"predicate\": {\"decision\": \"x\\n::warning::injected\\n\\u001b[2J\"}}\n",
    )
    .unwrap();
    let sign_broken = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "greenlight-signoff", "-f"])
        .arg(&outsider)
        .arg(broken.join("signoff.json"))
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(sign_broken.success());
    let summary = team.sandbox.path().join("summary.md");
    for target in [&folder, &broken] {
        for command in ["verify", "gate"] {
            let mut cmd = team.sandbox.cmd();
            cmd.arg(command).arg(target);
            if command == "gate" {
                cmd.args(["--commit", &team.commit, "--checklist"])
                    .arg(&team.pinned)
                    .arg("--summary")
                    .arg(&summary);
            }
            let output = cmd
                .arg("--allowed-signers")
                .arg(&team.allowed)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1));
            for text in [output.stdout, output.stderr] {
                let text = String::from_utf8(text).unwrap();
                assert!(!text.contains('\x1b'), "{text}");
                for line in text.lines() {
                    assert!(
                        !line.starts_with("::") && !line.starts_with("gate open"),
                        "{line}"
                    );
                }
            }
        }
    }
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(!summary.contains('\x1b'), "{summary}");
    for line in summary.lines() {
        assert!(!line.starts_with("::"), "{line}");
        assert!(
            line.is_empty()
                || line.starts_with('|')
                || line.starts_with('#')
                || line.starts_with("**"),
            "{line}"
        );
    }
}

/// The comment `folder`'s statement would have if it were too large for a comment: the
/// signature and the statement's sha256 only.
fn by_hash_comment(folder: &Path) -> String {
    use greenlight::signoff::comment::{Carried, render_with};
    let bytes = std::fs::read(folder.join("signoff.json")).unwrap();
    let statement = serde_json::from_slice(&bytes).unwrap();
    let signature = std::fs::read_to_string(folder.join("signoff.json.sig")).unwrap();
    let sha256 = greenlight::fsutil::sha256_hex(&bytes);
    render_with(&statement, &bytes, &signature, &Carried::ByHash(sha256)).unwrap()
}

#[test]
fn a_trusted_veto_carried_by_hash_holds_when_its_folder_is_deleted() {
    let Some(team) = Team::new() else { return };
    let approvals: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let rejection = team.sign(
        1,
        &team.pinned,
        "pass",
        &["--reject", "--comment", "the menu hides the price"],
    );
    // The pull request's repository: Bob's rejection travels by its hash, its folder
    // committed where the gate looks.
    let repo = team.sandbox.path().to_path_buf();
    let committed = repo.join(".greenlight/signoffs/bob");
    std::fs::create_dir_all(&committed).unwrap();
    for entry in std::fs::read_dir(&rejection).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), committed.join(entry.file_name())).unwrap();
        }
    }
    let git = |args: &[&str]| team.sandbox.git(&repo, args);
    git(&["add", ".greenlight"]);
    git(&["commit", "-qm", "Bob's sign-off"]);
    let comment = team
        .sandbox
        .write("bob-rejects.md", &by_hash_comment(&rejection));
    let gated = std::cell::RefCell::new(team.commit.clone());
    let gate = |paths: &[&Path], allowed: &Path| {
        team.sandbox
            .cmd()
            .current_dir(&repo)
            .arg("gate")
            .args(paths)
            .args(["--commit", gated.borrow().as_str(), "--checklist"])
            .arg(&team.pinned)
            .arg("--allowed-signers")
            .arg(allowed)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
    };
    let all = [
        approvals[0].as_path(),
        approvals[1].as_path(),
        approvals[2].as_path(),
        comment.as_path(),
    ];
    gate(&all[..3], &team.allowed)
        .success()
        .stdout(predicate::str::contains("gate open"));
    gate(&all, &team.allowed)
        .code(1)
        .stdout(predicate::str::contains(
            "REJECTS this commit: rejected by BOB",
        ));
    // Committed, the folder changes no tested tree: the head vetoed as the tested commit.
    *gated.borrow_mut() = git(&["rev-parse", "HEAD"]);
    gate(&all, &team.allowed)
        .code(1)
        .stdout(predicate::str::contains(
            "REJECTS this commit: rejected by BOB",
        ));
    // The pull request's author deletes the folder, which changes no tested file: the
    // statement is still in the history, and the veto holds.
    git(&["rm", "-rq", ".greenlight"]);
    git(&["commit", "-qm", "drop the sign-off folder"]);
    assert!(!committed.exists());
    *gated.borrow_mut() = git(&["rev-parse", "HEAD"]);
    gate(&all, &team.allowed)
        .code(1)
        .stdout(predicate::str::contains(
            "REJECTS this commit: rejected by BOB",
        ));
    // Rewritten out of the history too (or never committed): nothing can be checked, and a
    // trusted signature over a statement nobody can read closes the gate.
    git(&["checkout", "-q", "--orphan", "clean"]);
    git(&["commit", "-qm", "history without the folder"]);
    git(&["branch", "-D", "main"]);
    // The tested files are all there, in a commit of their own: the approvals hold on it.
    *gated.borrow_mut() = git(&["rev-parse", "HEAD"]);
    gate(&all[..3], &team.allowed)
        .success()
        .stdout(predicate::str::contains("gate open"));
    git(&["reflog", "expire", "--expire=now", "--all"]);
    git(&["gc", "-q", "--prune=now"]);
    gate(&all, &team.allowed)
        .code(1)
        .stdout(predicate::str::contains(
            "CLOSES the gate: a trusted sign-off cannot be checked",
        ))
        .stdout(predicate::str::contains("no sign-off folder"))
        .stdout(predicate::str::contains(
            "gate closed: a sign-off signed by a trusted key",
        ));
    // The same comment signed by a key nobody trusts is not read at all, and closes
    // nothing: an outsider's comment cannot hold a release.
    let without_bob: String = std::fs::read_to_string(&team.allowed)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("bob@"))
        .map(|l| format!("{l}\n"))
        .collect();
    let allowed = team.sandbox.write("allowed_without_bob", &without_bob);
    gate(&all, &allowed)
        .code(1)
        .stdout(predicate::str::contains(
            "bob-rejects.md: does not count: the signer is not trusted",
        ))
        .stdout(predicate::str::contains("nothing else about it was read"))
        .stdout(predicate::str::contains("CLOSES").not());
}

/// `comment` with its statement block replaced by a compressed block of `bytes`.
fn with_compressed_statement(comment: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut encoder = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    let base64 = base64::engine::general_purpose::STANDARD.encode(encoder.finish().unwrap());
    let lines: Vec<&str> = base64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let start = comment.find("```json\n").expect("a plain statement block");
    let end = start + comment[start..].find("\n```\n").unwrap() + 5;
    format!(
        "{}```base64\n{}\n```\n{}",
        &comment[..start],
        lines.join("\n"),
        &comment[end..]
    )
}

#[test]
fn comments_that_inflate_are_refused_unread_or_bounded_and_judged_one_at_a_time() {
    let Some(team) = Team::new() else { return };
    let approvals: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    // 46 MiB of zeros: about 46 KB of gzip, a comment GitHub takes.
    let zeros = vec![0u8; 46 << 20];
    let ada = std::fs::read_to_string(approvals[0].join("signoff.md")).unwrap();
    let bomb = with_compressed_statement(&ada, &zeros);
    assert!(bomb.chars().count() <= 65_536, "{}", bomb.chars().count());
    let mut paths: Vec<PathBuf> = approvals.clone();
    for n in 0..40 {
        paths.push(team.sandbox.write(&format!("bomb-{n}.md"), &bomb));
    }
    let gate = |allowed: &Path| {
        // Under a 1 GB address-space limit: forty inflated statements held at once would
        // not fit (the gate used to take 2.7 GB here).
        let mut command = format!(
            "ulimit -v 1000000; exec '{}' gate",
            assert_cmd::cargo::cargo_bin("greenlight").display()
        );
        for path in &paths {
            command.push_str(&format!(" '{}'", path.display()));
        }
        command.push_str(&format!(
            " --commit {} --checklist '{}' --allowed-signers '{}'",
            team.commit,
            team.pinned.display(),
            allowed.display()
        ));
        let output = Command::new("bash")
            .args(["-c", &command])
            .current_dir(team.sandbox.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // Ada's key is trusted: each block is inflated no further than a comment can hold of a
    // real statement, and, as a comment anyone could have posted, it does not count — it
    // removes no veto, and it holds nothing closed.
    let (code, out, err) = gate(&team.allowed);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        out.matches("does not count: the comment is broken or forged: the compressed statement inflates past 8 MiB")
            .count(),
        40,
        "{out}"
    );
    // An outsider's key: not one block is inflated, and the three approvals open the gate.
    let outsider = team.sandbox.path().join("id_outsider");
    let made = common::keygen(&team.sandbox, "ecdsa", "");
    std::fs::rename(&made, &outsider).unwrap();
    std::fs::rename(made.with_extension("pub"), outsider.with_extension("pub")).unwrap();
    let message = team.sandbox.path().join("message");
    std::fs::copy(approvals[0].join("signoff.json"), &message).unwrap();
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "greenlight-signoff", "-f"])
        .arg(&outsider)
        .arg(&message)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(signed.success());
    let outsider_sig = std::fs::read_to_string(message.with_extension("sig")).unwrap();
    let ada_sig = std::fs::read_to_string(approvals[0].join("signoff.json.sig")).unwrap();
    let foreign = bomb.replacen(ada_sig.trim_end(), outsider_sig.trim_end(), 1);
    assert_ne!(foreign, bomb);
    for path in &paths[3..] {
        std::fs::write(path, &foreign).unwrap();
    }
    let (code, out, err) = gate(&team.allowed);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        out.matches("does not count: the signer is not trusted")
            .count(),
        40,
        "{out}"
    );
    assert!(!out.contains("inflates"), "nothing inflated: {out}");
}

#[test]
fn the_same_checklist_pinned_twice_is_judged_once() {
    let Some(team) = Team::new() else { return };
    let shares: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let copy = team.sandbox.write(
        "again.yaml",
        &std::fs::read_to_string(&team.pinned).unwrap(),
    );
    team.sandbox
        .cmd()
        .arg("gate")
        .args(&shares)
        .args(["--commit", &team.commit, "--checklist"])
        .arg(&team.pinned)
        .arg("--checklist")
        .arg(&copy)
        .arg("--allowed-signers")
        .arg(&team.allowed)
        .assert()
        .success()
        .stderr(predicate::str::contains("is the same checklist as"))
        .stdout(predicate::str::contains("gate open"));
}

#[test]
fn the_gate_takes_who_may_sign_only_from_its_flag_and_follows_no_link() {
    let Some(team) = Team::new() else { return };
    let shares: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    // git's configuration names an allowed-signers file by a relative path: in CI that is
    // the pull request's own copy. The gate never reads it.
    let repo = team.sandbox.path().to_path_buf();
    team.sandbox.git(
        &repo,
        &["config", "gpg.ssh.allowedSignersFile", "allowed_signers"],
    );
    team.sandbox
        .cmd()
        .current_dir(&repo)
        .arg("gate")
        .args(&shares)
        .args(["--commit", &team.commit, "--checklist"])
        .arg(&team.pinned)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--allowed-signers"));
    let help = team
        .sandbox
        .cmd()
        .args(["gate", "--help"])
        .assert()
        .success();
    let help = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
    assert!(help.contains("--commit \"$tested\""), "{help}");
    assert!(!help.contains("--commit \"$GITHUB_SHA\""), "{help}");

    // A pull request commits `.greenlight/signoffs` as a link to the runner's own files: the
    // gate lists none of them, and a folder given through a link is refused.
    let outside = team.sandbox.path().join("runner-secrets");
    std::fs::create_dir_all(outside.join("aws-credentials")).unwrap();
    std::fs::create_dir_all(repo.join(".greenlight")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join(".greenlight/signoffs")).unwrap();
    let linked = repo.join("linked-signoff");
    std::os::unix::fs::symlink(&shares[0], &linked).unwrap();
    let comment = by_hash_comment(&shares[1]);
    let comment = team.sandbox.write("by-hash.md", &comment);
    team.sandbox
        .cmd()
        .current_dir(&repo)
        .arg("gate")
        .arg(&linked)
        .arg(&comment)
        .args(["--commit", &team.commit, "--checklist"])
        .arg(&team.pinned)
        .arg("--allowed-signers")
        .arg(&team.allowed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("is a symbolic link"))
        .stdout(predicate::str::contains("aws-credentials").not());
}

#[test]
fn two_distinct_approvers_open_a_gate_that_needs_two() {
    let Some(team) = Team::new() else { return };
    let pinned = team.needing_two();
    // Ada and Bob each pass the whole matrix and approve it.
    let ada = team.approve_whole(&pinned, "ADA <ada@example.com>", 0, "whole-ada");
    let bob = team.approve_whole(&pinned, "BOB <bob@example.com>", 1, "whole-bob");
    let gate = |paths: &[&Path]| team.gate_against(&pinned, paths, &["--json"]);
    let opened = gate(&[&ada, &bob]).success();
    let report: serde_json::Value = serde_json::from_slice(&opened.get_output().stdout).unwrap();
    assert_eq!(report["open"], true);
    assert_eq!(
        report["checklists"][0]["disagreements"],
        serde_json::json!([]),
        "two passes agree"
    );
    assert!(
        report["statements"][0].get("carried_through").is_none(),
        "nothing carried through it: not said"
    );
    assert_eq!(
        report["checklists"][0]["approvers"],
        serde_json::json!(["ADA <ada@example.com>", "BOB <bob@example.com>"])
    );
    // Ada's approval given twice is still one approver.
    gate(&[&ada, &ada]).code(1);
}

#[test]
fn a_pull_request_nobody_has_signed_yet_closes_the_gate_with_a_summary() {
    let Some(team) = Team::new() else { return };
    let summary = team.sandbox.path().join("summary.md");
    team.sandbox
        .cmd()
        .arg("gate")
        .args(["--commit", &team.commit, "--checklist"])
        .arg(&team.pinned)
        .arg("--allowed-signers")
        .arg(&team.allowed)
        .arg("--summary")
        .arg(&summary)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("closed: no sign-offs yet"))
        .stderr(predicate::str::contains("no sign-offs yet"));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.contains("❌ closed"), "{written}");
    assert!(written.contains("No sign-offs yet"), "{written}");
}

#[test]
fn the_worst_result_wins_whichever_approval_comes_first() {
    let Some(team) = Team::new() else { return };
    let pinned = team.needing_two();
    let passing = team.approve_whole(&pinned, "ADA <ada@example.com>", 0, "passing");
    // Cyd fails no-shift in Safari on a phone, as a blocker, and approves anyway (re-signed
    // by hand: greenlight would refuse): the failure must win in either order.
    let failing = team.sign(2, &pinned, "fail", &["--reject", "--comment", "x"]);
    let failing = team.forge(&failing, 2, |s| {
        s["predicate"]["decision"] = "approved".into()
    });
    let gate = |paths: &[&Path]| team.gate_against(&pinned, paths, &[]);
    for order in [[&passing, &failing], [&failing, &passing]] {
        let paths: Vec<&Path> = order.iter().map(|p| p.as_path()).collect();
        gate(&paths)
            .code(1)
            .stdout(predicate::str::contains("have a result from 2 approvals"))
            .stdout(predicate::str::contains(
                "verdict: blocked: 1 blocker failure",
            ));
    }
    // Between two failures the more severe wins: a major one from Ada, a blocker from Cyd.
    let major = team.approve_whole(&pinned, "ADA <ada@example.com>", 0, "major");
    let major = team.forge(&major, 0, |s| {
        for cell in s["predicate"]["cells"].as_array_mut().unwrap() {
            if cell["item"] == "no-shift" && cell["browser"] == "safari" {
                cell["status"] = "fail".into();
                cell["severity"] = 2.into();
                cell["note"] = "minor jump".into();
            }
        }
    });
    for order in [[&major, &failing], [&failing, &major]] {
        let paths: Vec<&Path> = order.iter().map(|p| p.as_path()).collect();
        gate(&paths)
            .code(1)
            .stdout(predicate::str::contains("have a result from 2 approvals"))
            .stdout(predicate::str::contains(
                "verdict: blocked: 1 blocker failure",
            ));
    }
}

#[test]
fn an_edited_comment_counts_for_nothing_but_an_edited_committed_veto_closes() {
    let Some(team) = Team::new() else { return };
    let approvals: Vec<PathBuf> = (0..3).map(|n| team.approve(n)).collect();
    let mut paths: Vec<&Path> = approvals.iter().map(PathBuf::as_path).collect();
    // Anyone can copy a trusted tester's comment and change a byte of its statement: such a
    // comment proves nothing and removes nothing, so it neither counts nor closes the gate.
    let ada = std::fs::read_to_string(approvals[0].join("signoff.md")).unwrap();
    let forged = ada.replacen(
        "\"decision\": \"approved\"",
        "\"decision\": \"rejected\"",
        1,
    );
    assert_ne!(forged, ada);
    let forged = team.sandbox.write("forged.md", &forged);
    paths.push(&forged);
    team.gate(&paths).success().stdout(predicate::str::contains(
        "forged.md: does not count: the comment was edited or forged: the signature by SHA256:",
    ));
    // A rejection committed as a folder, edited into an approval by the pull request's
    // author: the file no longer matches its trusted signature, and the gate closes.
    let rejection = team.sign(1, &team.pinned, "pass", &["--reject", "--comment", "wait"]);
    let json = rejection.join("signoff.json");
    let text = std::fs::read_to_string(&json).unwrap();
    std::fs::write(
        &json,
        text.replacen(
            "\"decision\": \"rejected\"",
            "\"decision\": \"approved\"",
            1,
        ),
    )
    .unwrap();
    let mut paths: Vec<&Path> = approvals.iter().map(PathBuf::as_path).collect();
    paths.push(&rejection);
    team.gate(&paths)
        .code(1)
        .stdout(predicate::str::contains(
            "CLOSES the gate: a trusted sign-off cannot be checked: signed by a key the allowed signers list, but the signature does not match",
        ));
}
