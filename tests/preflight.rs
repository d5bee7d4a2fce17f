//! Warnings that save a wasted afternoon (issue #21): a pull request that edits the
//! checklist, and a key the team never listed, are said when the run starts and when it is
//! signed — not only by CI, after the work is done.

mod common;

use std::path::{Path, PathBuf};

use common::{Sandbox, TESTER, keygen, public_key, ssh_keygen_available};
use predicates::prelude::*;

/// A clone of a bare remote whose default branch has the small checklist and a team
/// allowed-signers file (`.github/allowed_signers`) that lists `listed`'s key for Ada.
fn team_clone(sandbox: &Sandbox, listed: &Path) -> PathBuf {
    let remote = sandbox.path().join("origin.git");
    let seed = sandbox.path().join("seed");
    std::fs::create_dir_all(seed.join("checklists")).unwrap();
    std::fs::create_dir_all(seed.join(".github")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.yaml"),
        seed.join("checklists/small.yaml"),
    )
    .unwrap();
    std::fs::write(
        seed.join(".github/allowed_signers"),
        format!("ada@example.com {}\n", public_key(listed)),
    )
    .unwrap();
    sandbox.git(
        sandbox.path(),
        &["init", "-q", "--bare", "-b", "main", "origin.git"],
    );
    sandbox.git(&seed, &["init", "-q", "-b", "main"]);
    sandbox.git(&seed, &["add", "-A"]);
    sandbox.git(&seed, &["commit", "-qm", "checklist"]);
    sandbox.git(&seed, &["push", "-q", remote.to_str().unwrap(), "main"]);
    let clone = sandbox.path().join("clone");
    sandbox.git(
        sandbox.path(),
        &["clone", "-q", remote.to_str().unwrap(), "clone"],
    );
    clone
}

fn start(sandbox: &Sandbox, clone: &Path) -> assert_cmd::assert::Assert {
    sandbox
        .cmd()
        .current_dir(clone)
        .args([
            "start",
            "checklists/small.yaml",
            "--release",
            "2.0",
            "--tester",
        ])
        .arg(TESTER)
        .assert()
}

/// The id of a run [`start`]ed in `clone`.
fn started(sandbox: &Sandbox, clone: &Path) -> String {
    let out = start(sandbox, clone).success().get_output().stdout.clone();
    String::from_utf8(out).unwrap().trim().to_string()
}

#[test]
fn a_pull_request_that_edits_the_checklist_is_told_before_the_work() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = keygen(&sandbox, "ed25519", "");
    let clone = team_clone(&sandbox, &key);
    start(&sandbox, &clone)
        .success()
        .stderr(predicate::str::contains("differs").not());
    // The pull request relaxes the checklist.
    let checklist = clone.join("checklists/small.yaml");
    let text = std::fs::read_to_string(&checklist).unwrap();
    std::fs::write(&checklist, text.replace("severity: 1", "severity: 3")).unwrap();
    sandbox.git(&clone, &["commit", "-qam", "relax it"]);
    let run = start(&sandbox, &clone)
        .success()
        .stderr(predicate::str::contains(
            "checklists/small.yaml differs from origin/main's copy",
        ))
        .stderr(predicate::str::contains(
            "land the checklist change there first",
        ))
        .get_output()
        .stdout
        .clone();
    let run = String::from_utf8(run).unwrap().trim().to_string();
    // A new checklist that is not on the default branch at all.
    std::fs::copy(&checklist, clone.join("checklists/new.yaml")).unwrap();
    sandbox
        .cmd()
        .current_dir(&clone)
        .args([
            "start",
            "checklists/new.yaml",
            "--release",
            "2.0",
            "--tester",
        ])
        .arg(TESTER)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "checklists/new.yaml is not on origin/main",
        ));
    // Signing it says so again, and the gate's reason names the way out.
    sandbox
        .cmd()
        .current_dir(&clone)
        .args(["signoff", &run, "--reject", "--comment", "x", "--key"])
        .arg(&key)
        .assert()
        .success()
        .stderr(predicate::str::contains("differs from origin/main's copy"));
}

#[test]
fn a_key_the_team_never_listed_is_told_when_signing_with_the_line_to_add() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let listed = keygen(&sandbox, "ed25519", "");
    let other = keygen(&sandbox, "ecdsa", "");
    let clone = team_clone(&sandbox, &listed);
    let run = started(&sandbox, &clone);
    let signoff = |key: &Path| {
        sandbox
            .cmd()
            .current_dir(&clone)
            .args(["signoff", &run, "--reject", "--comment", "not yet", "--key"])
            .arg(key)
            .assert()
            .success()
    };
    let public = public_key(&other);
    signoff(&other)
        .stderr(predicate::str::contains(
            "is not trusted for ada@example.com",
        ))
        .stderr(predicate::str::contains(".github/allowed_signers"))
        .stderr(predicate::str::contains(format!(
            "ada@example.com namespaces=\"greenlight-signoff\" {public}"
        )));
    signoff(&listed).stderr(predicate::str::contains("not trusted").not());
    // verify, with no flag and no git setting, finds the team's file where the README keeps
    // it, and the sign-off went where verify and the gate look.
    let folder = clone.join(".greenlight/signoffs").join(&run);
    assert!(folder.join("signoff.json").is_file());
    let second = clone.join(".greenlight/signoffs").join(format!("{run}-2"));
    assert!(second.join("signoff.json").is_file(), "never written over");
    sandbox
        .cmd()
        .current_dir(&clone)
        .arg("verify")
        .arg(&second)
        .assert()
        .success();
    sandbox
        .cmd()
        .current_dir(&clone)
        .arg("verify")
        .arg(&folder)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("the signer is not trusted"));
}

#[test]
fn a_key_added_only_in_the_pull_request_is_still_told_as_not_trusted() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let listed = keygen(&sandbox, "ed25519", "");
    let other = keygen(&sandbox, "ecdsa", "");
    let clone = team_clone(&sandbox, &listed);
    // The tester lists their own key in the working copy: the gate reads the default
    // branch's file, so CI will still not count it, and the warning says so.
    std::fs::write(
        clone.join(".github/allowed_signers"),
        format!(
            "ada@example.com {}\nada@example.com {}\n",
            public_key(&listed),
            public_key(&other)
        ),
    )
    .unwrap();
    let run = started(&sandbox, &clone);
    sandbox
        .cmd()
        .current_dir(&clone)
        .args(["signoff", &run, "--reject", "--comment", "not yet", "--key"])
        .arg(&other)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "is not trusted for ada@example.com by origin/main:.github/allowed_signers",
        ));
}
