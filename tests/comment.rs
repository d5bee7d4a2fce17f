//! The pull-request comment at the sizes teams have (issue 10): the shipped checklist with
//! every cell recorded, a 10-item checklist on a wide matrix, and 10,000 items × 12
//! environments. Each comment fits GitHub's 65,536 characters, `greenlight verify` accepts it,
//! and `ssh-keygen -Y verify` accepts the statement taken out of it with the README's own
//! shell lines. One character changed anywhere — what people read, the statement, the
//! signature — is refused.

mod common;

#[path = "../benches/fixture/mod.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Sandbox, keygen, ssh_keygen_available};
use greenlight::checklist::Severity;
use greenlight::run::{NewResult, RunSession};
use greenlight::status::Status;
use greenlight::store::RunStore;
use predicates::prelude::*;

const EMAIL: &str = "ada@example.com";
const LIMIT: usize = 65_536;
const REJECTION: [&str; 3] = ["--reject", "--comment", "Too many layout shifts"];

/// The README's shell lines that take the statement and signature out of a compressed
/// comment and hand them to ssh-keygen: the fenced `sh` block holding `base64 -d`.
fn readme_pipeline() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("the README");
    readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("\n```").map(|(block, _)| block))
        .find(|block| block.contains("base64 -d"))
        .expect("the README shows how to take a compressed statement out of a comment")
        .to_string()
}

/// Every cell of the run recorded through the library (a tester's walk, without 600
/// processes): mostly passes, and every 47th cell failing with a long note, every 53rd
/// blocked, every 59th skipped. (Each cell's definition sha256 costs about 50 characters
/// of a compressed comment; a sign-off with many more long notes is carried by its
/// statement's hash, as the 120,000-cell test below shows.)
fn record_every_cell(sandbox: &Sandbox, run: &str) {
    let store = RunStore::new(&sandbox.home());
    let mut session = RunSession::open(&store, run, &mut |w| panic!("{w}")).expect("the run");
    let checklist = session.run().checklist().clone();
    let cells: Vec<_> = checklist.cells().collect();
    for (n, cell) in cells.into_iter().enumerate() {
        let environment = &checklist.environments[cell.environment];
        let mut result = NewResult::new(
            &checklist.items[cell.item].id,
            &checklist.browsers[environment.browser].id,
            &checklist.viewports[environment.viewport].id,
            Status::Pass,
        );
        if n % 47 == 3 {
            result.status = Status::Fail;
            result.severity = Severity::new(1 + (n % 3) as i64);
            result.note = Some(format!(
                "Cell {n}: the headline wraps under the logo and the \"Buy\" button, \
                 | <b>shifts</b> by 40px after the web font loads; seen twice, not on reload. {}",
                "More detail. ".repeat(20)
            ));
        } else if n % 53 == 5 {
            result.status = Status::Blocked;
            result.note = Some("The staging build had no test account for this".into());
        } else if n % 59 == 6 {
            result.status = Status::Skip;
            result.note = Some("Not shipped on this browser".into());
        }
        session.record(&result, common::TESTER).expect("recorded");
    }
}

/// A copy of the shipped checklist at `checklists/web-ux.yaml` under `dir`.
fn shipped_checklist_in(dir: &Path) -> PathBuf {
    let folder = dir.join("checklists");
    std::fs::create_dir_all(&folder).unwrap();
    let copy = folder.join("web-ux.yaml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/web-ux.yaml"),
        &copy,
    )
    .unwrap();
    copy
}

/// Records every cell of a run of `checklist`, signs a rejection with a new key, and
/// returns the sign-off folder, its comment and the allowed-signers file trusting the key.
fn recorded_and_signed(sandbox: &Sandbox, checklist: &Path) -> (PathBuf, String, PathBuf) {
    let run = sandbox.start(checklist);
    record_every_cell(sandbox, &run);
    let key = keygen(sandbox, "ed25519", "");
    let out = sandbox.path().join("signoff");
    sandbox.signoff(&run, &key, &out, &REJECTION).success();
    let comment = std::fs::read_to_string(out.join("signoff.md")).expect("signoff.md");
    (out, comment, sandbox.allowed_signers(EMAIL, &key))
}

/// `greenlight verify COMMENT --allowed-signers FILE [--signoffs LIBRARY]`.
fn verify(
    sandbox: &Sandbox,
    comment: &Path,
    allowed: &Path,
    library: Option<&Path>,
) -> assert_cmd::assert::Assert {
    let mut cmd = sandbox.cmd();
    cmd.arg("verify")
        .arg(comment)
        .arg("--allowed-signers")
        .arg(allowed);
    if let Some(library) = library {
        cmd.arg("--signoffs").arg(library);
    }
    cmd.assert()
}

/// Runs shell lines in `dir`; true when they all succeed.
fn shell(dir: &Path, lines: &str) -> bool {
    let output = Command::new("sh")
        .args(["-e", "-c", lines])
        .current_dir(dir)
        .output()
        .expect("sh runs");
    if !output.status.success() {
        eprintln!(
            "shell failed:\n{lines}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output.status.success()
}

/// A comment with `from` replaced by `to` once (which must be there), written beside it.
fn edited(comment: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(comment).expect("the comment");
    assert!(text.contains(from), "`{from}` is in the comment");
    let changed = comment.with_file_name("edited.md");
    std::fs::write(&changed, text.replacen(from, to, 1)).expect("written");
    changed
}

/// A character of `text` at about `at` (a fraction of its length) changed to another of
/// the same kind (so base64 stays base64), and what it was.
fn one_character_changed(text: &str, at: f64) -> (String, String) {
    let index = (text.len() as f64 * at) as usize;
    let (start, c) = text
        .char_indices()
        .skip_while(|(i, _)| *i < index)
        .find(|(_, c)| c.is_ascii_alphanumeric())
        .expect("a letter or digit after that point");
    let other = if c == 'A' { 'B' } else { 'A' };
    let mut changed = text.to_string();
    changed.replace_range(start..start + 1, &other.to_string());
    (changed, text[start..start + 1].to_string())
}

/// The body of the comment's fenced block opened by `fence` (e.g. "```base64").
fn block<'a>(comment: &'a str, fence: &str) -> &'a str {
    let start = comment.find(&format!("\n{fence}\n")).expect("the block") + fence.len() + 2;
    let end = start + comment[start..].find("\n```\n").expect("its end") + 1;
    &comment[start..end]
}

/// Checks that one character changed in the visible part, in the block opened by
/// `statement_fence` and in the signature each make `verify` refuse the comment.
fn every_edit_is_refused(
    sandbox: &Sandbox,
    comment: &Path,
    allowed: &Path,
    library: Option<&Path>,
    statement_fence: &str,
) {
    let text = std::fs::read_to_string(comment).expect("the comment");
    let visible = &text[..text.find("<details>").expect("the folded part")];
    let statement = block(&text, statement_fence);
    let signature = block(&text, "```text");
    for (part, body) in [
        ("visible part", visible),
        ("statement", statement),
        ("signature", signature),
    ] {
        for at in [0.3, 0.7] {
            let (changed, _) = one_character_changed(body, at);
            let path = edited(comment, body, &changed);
            let assert = verify(sandbox, &path, allowed, library);
            let output = assert.get_output();
            assert!(
                !output.status.success(),
                "one character changed at {at} of the {part} is refused: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }
}

#[test]
fn the_shipped_checklist_fully_recorded_gives_a_comment_that_fits_and_verifies() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    // Where verify finds it: at the path the run records, from where verify runs.
    let checklist = shipped_checklist_in(sandbox.path());
    let (out, comment, allowed) = recorded_and_signed(&sandbox, &checklist);
    let characters = comment.chars().count();
    assert!(characters <= LIMIT, "{characters} characters");
    assert!(
        comment.contains("\n```base64\n"),
        "608 cells are carried compressed"
    );
    verify(&sandbox, &out.join("signoff.md"), &allowed, None)
        .success()
        .stdout(predicate::str::is_match(r"ok +comment").unwrap());

    // The README's lines, run on the comment alone, give ssh-keygen what it verifies.
    let alone = sandbox.path().join("alone");
    std::fs::create_dir(&alone).unwrap();
    std::fs::copy(out.join("signoff.md"), alone.join("signoff.md")).unwrap();
    std::fs::copy(&allowed, alone.join("allowed_signers")).unwrap();
    assert!(shell(&alone, &readme_pipeline()));
    assert_eq!(
        std::fs::read(alone.join("signoff.json")).unwrap(),
        std::fs::read(out.join("signoff.json")).unwrap(),
        "the pipeline gives back the signed bytes"
    );

    every_edit_is_refused(
        &sandbox,
        &out.join("signoff.md"),
        &allowed,
        None,
        "```base64",
    );

    // A reviewer reads the verdict, the environments by name and the failures by severity.
    let visible = &comment[..comment.find("<details>").unwrap()];
    assert!(visible.starts_with("## ❌ Rejected"), "{visible}");
    assert!(visible.contains("| Google Chrome · Phone 390×844 |"));
    assert!(visible.contains("### Blockers ("));
    assert!(visible.contains("### Blocked ("));
    assert!(visible.contains("### Skipped ("));
    assert!(
        visible.lines().filter(|l| l.starts_with("| ")).count() < 20,
        "no 600-row table in the visible part"
    );
}

#[test]
fn a_ten_item_checklist_on_a_wide_matrix_fits_and_verifies() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let mut yaml = String::from("id: ten\ntitle: Ten items\nversion: 1\nmatrix:\n  browsers:\n");
    for browser in ["chrome", "firefox", "safari", "edge", "samsung"] {
        yaml.push_str(&format!("    - id: {browser}\n      name: {browser}\n"));
    }
    yaml.push_str("  viewports:\n");
    for (n, viewport) in ["phone", "small", "tablet", "laptop", "desktop", "wide"]
        .iter()
        .enumerate()
    {
        yaml.push_str(&format!(
            "    - id: {viewport}\n      name: {viewport}\n      width: {}\n      height: 800\n",
            360 + 300 * n
        ));
    }
    yaml.push_str("sections:\n  - id: layout\n    title: Layout\n    items:\n");
    for n in 0..10 {
        yaml.push_str(&format!(
            "      - id: item-{n}\n        title: Item {n} keeps its place while the page loads\n"
        ));
    }
    let checklist = sandbox.write("ten.yaml", &yaml);
    let (out, comment, allowed) = recorded_and_signed(&sandbox, &checklist);
    assert!(
        comment.chars().count() <= LIMIT,
        "{}",
        comment.chars().count()
    );
    verify(&sandbox, &out.join("signoff.md"), &allowed, None).success();
    std::fs::copy(&allowed, out.join("allowed_signers")).unwrap();
    let fence = if comment.contains("\n```base64\n") {
        std::fs::remove_file(out.join("signoff.json")).unwrap();
        std::fs::remove_file(out.join("signoff.json.sig")).unwrap();
        assert!(shell(&out, &readme_pipeline()));
        "```base64"
    } else {
        "```json"
    };
    every_edit_is_refused(&sandbox, &out.join("signoff.md"), &allowed, None, fence);
}

#[test]
fn ten_thousand_items_on_twelve_environments_are_carried_by_hash_and_verify() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let made = fixture::generate(sandbox.path()).expect("the scale fixture");
    // The run records the checklist as `checklists/web-ux.yaml`: put it there for verify.
    std::fs::create_dir_all(sandbox.path().join("checklists")).unwrap();
    std::fs::copy(
        &made.checklist_path,
        sandbox
            .path()
            .join("checklists")
            .join(fixture::CHECKLIST_NAME),
    )
    .unwrap();
    let key = keygen(&sandbox, "ed25519", "");
    // Committed where the gate looks: .greenlight/signoffs/RUN/.
    let library = sandbox.path().join("signoffs");
    let out = library.join(&made.run_id);
    sandbox
        .signoff(&made.run_id, &key, &out, &REJECTION)
        .success();

    let comment = std::fs::read_to_string(out.join("signoff.md")).expect("signoff.md");
    assert!(
        comment.chars().count() <= LIMIT,
        "{}",
        comment.chars().count()
    );
    let statement_sha256 =
        greenlight::fsutil::sha256_hex(&std::fs::read(out.join("signoff.json")).unwrap());
    assert!(
        comment.contains(&statement_sha256),
        "120,000 cells are carried by the statement's hash"
    );
    // The fixture's tester is another address: trust the key for it.
    let email = "ada.lovelace@example.com";
    let allowed = sandbox.allowed_signers(email, &key);
    let saved = sandbox.path().join("comment.md");
    std::fs::copy(out.join("signoff.md"), &saved).unwrap();
    verify(&sandbox, &saved, &allowed, Some(&library))
        .success()
        .stdout(predicate::str::is_match(r"ok +comment").unwrap())
        .stdout(predicate::str::is_match(r"ok +evidence").unwrap());
    // Without the committed folder there is nothing to check the signature against.
    verify(
        &sandbox,
        &saved,
        &allowed,
        Some(&sandbox.path().join("nowhere")),
    )
    .code(1)
    .stdout(predicate::str::contains(
        "commit the folder under .greenlight/signoffs/",
    ));

    // The gate finds the statement by its hash too and reads it: a trusted rejection of
    // the fixture's commit, which this repository's commit is not.
    let head = sandbox.commit(&["checklists"], "the checklist");
    sandbox
        .cmd()
        .arg("gate")
        .arg(&saved)
        .args(["--commit", &head])
        .args(["--checklist", "checklists/web-ux.yaml", "--allowed-signers"])
        .arg(&allowed)
        .arg("--signoffs")
        .arg(&library)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "a rejection of commit 9fceb02d0ae5, another tree",
        ));

    // ssh-keygen: the signature from the comment, the statement from the committed folder.
    let lines = format!(
        "awk '/^```text$/{{f=1;next}} /^```$/{{f=0}} f' {comment} > sig\n\
         ssh-keygen -Y verify -f {allowed} -I {email} -n greenlight-signoff -s sig < {json}",
        comment = saved.display(),
        allowed = allowed.display(),
        json = out.join("signoff.json").display()
    );
    assert!(shell(sandbox.path(), &lines));

    // An edit to the visible part, the hash or the signature is refused; so is a committed
    // statement that is not the one the comment names.
    let text = std::fs::read_to_string(&saved).unwrap();
    let visible = &text[..text.find("<details>").unwrap()];
    for (from, to) in [
        (visible.to_string(), one_character_changed(visible, 0.5).0),
        (
            statement_sha256.clone(),
            one_character_changed(&statement_sha256, 0.5).0,
        ),
        (
            block(&text, "```text").to_string(),
            one_character_changed(block(&text, "```text"), 0.5).0,
        ),
    ] {
        let path = edited(&saved, &from, &to);
        assert!(
            !verify(&sandbox, &path, &allowed, Some(&library))
                .get_output()
                .status
                .success(),
            "an edit is refused"
        );
    }
    let json = out.join("signoff.json");
    let mut bytes = std::fs::read(&json).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&json, bytes).unwrap();
    verify(&sandbox, &saved, &allowed, Some(&library)).code(1);
}
