//! Evidence that travels (issue 10): a screenshot deleted from the desktop after it was
//! attached is still in the run's exports, its sign-off folder and its HTML report, and
//! `verify` checks the sign-off folder's copies by their hashes.

mod common;

#[path = "../benches/fixture/mod.rs"]
mod fixture;

use base64::Engine;
use common::{Sandbox, keygen, ssh_keygen_available};
use greenlight::fsutil::sha256_hex;
use predicates::prelude::*;

/// Starts a run of the small fixture and records a failure with a screenshot attached
/// from the sandbox, then deletes the screenshot. Returns the run and the PNG's bytes.
fn run_with_deleted_screenshot(sandbox: &Sandbox) -> (String, Vec<u8>) {
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let png = fixture::evidence_png(90);
    let shot = sandbox.path().join("Screenshot 2026-11-29 at 10.02.11.png");
    std::fs::write(&shot, &png).unwrap();
    sandbox
        .cmd()
        .args(["record", &run, "text-size", "safari", "phone", "fail"])
        .args(["--note", "Body text is 9px on the checkout page"])
        .arg("--evidence")
        .arg(&shot)
        .assert()
        .success();
    std::fs::remove_file(&shot).unwrap();
    (run, png)
}

#[test]
fn a_screenshot_deleted_after_attaching_is_still_in_exports_and_the_report() {
    let sandbox = Sandbox::new();
    let (run, png) = run_with_deleted_screenshot(&sandbox);
    let sha = sha256_hex(&png);

    let csv = sandbox
        .cmd()
        .args(["export", &run, "--format", "csv"])
        .output()
        .unwrap();
    assert!(csv.status.success());
    assert!(
        String::from_utf8_lossy(&csv.stdout).contains(&format!("evidence/{sha}.png")),
        "the CSV names the kept file"
    );

    let report = sandbox.path().join("report.html");
    sandbox
        .cmd()
        .args(["export", &run, "-o"])
        .arg(&report)
        .assert()
        .success();
    let html = std::fs::read_to_string(&report).unwrap();
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    assert!(
        html.contains(&format!("src=\"data:image/png;base64,{data}\"")),
        "the report embeds the screenshot itself"
    );
    assert!(html.contains("Screenshot 2026-11-29 at 10.02.11.png"));
}

#[test]
fn the_sign_off_folder_holds_the_evidence_and_verify_checks_it() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let (run, png) = run_with_deleted_screenshot(&sandbox);
    let sha = sha256_hex(&png);
    let key = keygen(&sandbox, "ed25519", "");
    let out = sandbox.path().join("signoff");
    sandbox
        .signoff(
            &run,
            &key,
            &out,
            &["--reject", "--comment", "Text too small"],
        )
        .success()
        .stdout(predicate::str::contains("and 1 evidence file\n"));

    let kept = out.join("evidence").join(format!("{sha}.png"));
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        png,
        "exactly the attached bytes"
    );
    assert_eq!(
        std::fs::read_dir(out.join("evidence")).unwrap().count(),
        1,
        "exactly the files the statement names"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    assert!(report.contains(&data), "report.html embeds it");
    let comment = std::fs::read_to_string(out.join("signoff.md")).unwrap();
    assert!(
        comment.contains("Screenshot 2026-11-29 at 10.02.11.png") && comment.contains(&sha[..16]),
        "the comment lists the file by name and hash"
    );

    let allowed = sandbox.allowed_signers("ada@example.com", &key);
    let verify = || {
        sandbox
            .cmd()
            .arg("verify")
            .arg(&out)
            .arg("--allowed-signers")
            .arg(&allowed)
            .assert()
    };
    verify()
        .success()
        .stdout(predicate::str::is_match(r"ok +evidence").unwrap());

    // A changed screenshot is caught.
    let mut changed = png.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    std::fs::write(&kept, &changed).unwrap();
    verify()
        .code(1)
        .stdout(predicate::str::is_match(r"FAILED +evidence").unwrap());

    // A link to an endless device, or to the runner's own files, in a folder from a pull
    // request is refused, not followed.
    std::fs::remove_file(&kept).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &kept).unwrap();
    verify().code(1).stdout(predicate::str::contains(
        "a symbolic link, which is not followed",
    ));
    // So is a device put there as it is (a FIFO would wait for a writer forever).
    std::fs::remove_file(&kept).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&kept)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    verify()
        .code(1)
        .stdout(predicate::str::contains("not a regular file"));
}

#[test]
fn signing_without_an_attached_file_writes_nothing_and_says_how_to_fix_it() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let (run, png) = run_with_deleted_screenshot(&sandbox);
    let kept = sandbox
        .run_dir(&run)
        .join("evidence")
        .join(format!("{}.png", sha256_hex(&png)));
    std::fs::remove_file(kept).unwrap();
    let key = keygen(&sandbox, "ed25519", "");
    let out = sandbox.path().join("signoff");
    sandbox
        .signoff(&run, &key, &out, &["--reject", "--comment", "x"])
        .code(2)
        .stderr(predicate::str::contains("record that cell again"));
    assert!(!out.exists(), "no half-written sign-off folder");
}
