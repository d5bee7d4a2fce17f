//! The signed sign-off with real keys made by ssh-keygen: round trips, interoperability with
//! `ssh-keygen -Y` both ways, tampering, untrusted signers, the policy, and the CI gate.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Sandbox, ssh_keygen_available};
use predicates::prelude::*;

const EMAIL: &str = "ada@example.com";
/// The commit the sandbox's repository is at: what [`complete_run`] tested.
fn head(sandbox: &Sandbox) -> String {
    sandbox.git(sandbox.path(), &["rev-parse", "HEAD"])
}

fn public_key(key: &Path) -> String {
    let text = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An allowed-signers file with one line.
fn allowed(sandbox: &Sandbox, principal: &str, options: &str, key: &Path) -> PathBuf {
    let path = sandbox.path().join("allowed_signers");
    std::fs::write(
        &path,
        format!("{principal} {options} {}\n", public_key(key)),
    )
    .unwrap();
    path
}

/// A run of the small fixture with every required cell passed.
/// A run of the fixture, committed in the sandbox's repository, with every cell recorded.
fn complete_run(sandbox: &Sandbox) -> String {
    let checklist = sandbox.fixture("small.yaml");
    let commit = sandbox.commit(&["small.yaml"], "the product as tested");
    let run = sandbox.start_at(&checklist, &commit);
    for cell in [
        "no-shift chrome phone",
        "no-shift chrome laptop",
        "no-shift safari phone",
        "text-size chrome phone",
        "text-size chrome laptop",
    ] {
        let args: Vec<&str> = cell.split(' ').chain(["pass"]).collect();
        sandbox.record(&run, &args).success();
    }
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
                "a | b <details>",
            ],
        )
        .success();
    run
}

fn signoff(sandbox: &Sandbox, run: &str, key: &Path, extra: &[&str]) -> PathBuf {
    let out = sandbox
        .path()
        .join(format!("signoff-{}", extra.join("-").replace(' ', "_")));
    sandbox
        .cmd()
        .args(["signoff", run, "--key"])
        .arg(key)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    out
}

fn verify(sandbox: &Sandbox, path: &Path, allowed: &Path) -> assert_cmd::assert::Assert {
    sandbox
        .cmd()
        .arg("verify")
        .arg(path)
        .arg("--allowed-signers")
        .arg(allowed)
        .assert()
}

/// `greenlight gate PATHS --commit COMMIT --checklist small.yaml --allowed-signers FILE`
/// in the sandbox, the fixture pinned as the run's checklist.
fn gate(
    sandbox: &Sandbox,
    paths: &[&Path],
    commit: &str,
    allowed: &Path,
) -> assert_cmd::assert::Assert {
    sandbox
        .cmd()
        .arg("gate")
        .args(paths)
        .args(["--commit", commit, "--checklist"])
        .arg(sandbox.path().join("small.yaml"))
        .arg("--allowed-signers")
        .arg(allowed)
        .assert()
}

fn ssh_keygen_verify(allowed: &Path, principal: &str, dir: &Path) -> bool {
    let statement = std::fs::File::open(dir.join("signoff.json")).unwrap();
    Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", principal, "-n", "greenlight-signoff", "-s"])
        .arg(dir.join("signoff.json.sig"))
        .stdin(statement)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

#[test]
fn every_key_type_round_trips_and_interoperates_with_ssh_keygen_both_ways() {
    if !ssh_keygen_available() {
        return;
    }
    for kind in ["ed25519", "ecdsa", "ecdsa-521", "rsa"] {
        let sandbox = Sandbox::new();
        let key = common::keygen(&sandbox, kind, "");
        let allowed = allowed(&sandbox, EMAIL, "", &key);
        let run = complete_run(&sandbox);
        let dir = signoff(&sandbox, &run, &key, &["--approve", "--comment", "ship it"]);
        for name in [
            "signoff.json",
            "signoff.json.sig",
            "results.csv",
            "signoff.md",
        ] {
            assert!(dir.join(name).is_file(), "{kind}: {name} written");
        }
        verify(&sandbox, &dir, &allowed)
            .success()
            .stdout(predicate::str::is_match(r"ok +signature").unwrap())
            .stdout(predicate::str::is_match(r"ok +signer").unwrap())
            .stdout(predicate::str::is_match(r"ok +results.csv").unwrap())
            .stdout(predicate::str::is_match(r"ok +comment").unwrap());
        verify(&sandbox, &dir.join("signoff.md"), &allowed).success();
        verify(&sandbox, &dir.join("signoff.json"), &allowed).success();
        let json = sandbox
            .cmd()
            .arg("verify")
            .arg(&dir)
            .arg("--json")
            .arg("--allowed-signers")
            .arg(&allowed)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(report["verified"], true);
        assert_eq!(report["checks"][0]["name"], "signature");
        assert!(
            ssh_keygen_verify(&allowed, EMAIL, &dir),
            "{kind}: ssh-keygen -Y verify accepts greenlight's signature"
        );

        // The other way: ssh-keygen signs the same bytes, greenlight verifies.
        std::fs::remove_file(dir.join("signoff.json.sig")).unwrap();
        let status = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "greenlight-signoff", "-f"])
            .arg(&key)
            .arg(dir.join("signoff.json"))
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{kind}: ssh-keygen -Y sign");
        verify(&sandbox, &dir.join("signoff.json"), &allowed).success();
    }
}

/// The passphrase of the committed `id_ecdsa-31-encrypted*` fixture keys.
const FIXTURE_PASSPHRASE: &str = "correct horse battery staple";

/// Signs `message` (a file) with `ssh-keygen -Y sign`, the reference, into `message.sig`.
fn ssh_keygen_sign(key: &Path, message: &Path, passphrase: &str) -> bool {
    let signature = PathBuf::from(format!("{}.sig", message.display()));
    // ssh-keygen leaves an existing .sig as it is when it cannot sign (DESIGN.md §10).
    let _ = std::fs::remove_file(&signature);
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-Y", "sign", "-n", "greenlight-signoff"]);
    if !passphrase.is_empty() {
        cmd.args(["-P", passphrase]);
    }
    cmd.arg("-f").arg(key).arg(message).stderr(Stdio::null());
    cmd.status().unwrap().success() && signature.is_file()
}

#[test]
fn a_p256_key_whose_scalar_ssh_keygen_stored_short_signs_as_ssh_keygen_does() {
    // ssh-keygen writes a P-256 private scalar as an mpint: one key in 256 stores it in 31
    // bytes, one in 65,536 in 30, and ssh-key refused both (#20).
    if !ssh_keygen_available() {
        return;
    }
    for kind in ["ecdsa-31", "ecdsa-30"] {
        let sandbox = Sandbox::new();
        let key = common::keygen(&sandbox, kind, "");
        let allowed = allowed(&sandbox, EMAIL, "", &key);
        let run = complete_run(&sandbox);
        let dir = signoff(&sandbox, &run, &key, &["--approve"]);
        verify(&sandbox, &dir, &allowed)
            .success()
            .stdout(predicate::str::is_match(r"ok +signature").unwrap());
        assert!(
            ssh_keygen_verify(&allowed, EMAIL, &dir),
            "{kind}: ssh-keygen -Y verify accepts greenlight's signature"
        );
        // Side by side: ssh-keygen signs the same statement with the same file, and its
        // signature verifies for both.
        let json = dir.join("signoff.json");
        assert!(
            ssh_keygen_sign(&key, &json, ""),
            "{kind}: ssh-keygen -Y sign"
        );
        assert!(ssh_keygen_verify(&allowed, EMAIL, &dir));
        verify(&sandbox, &json, &allowed).success();
    }
}

#[test]
fn an_encrypted_p256_key_with_a_31_byte_scalar_signs_with_its_passphrase_asked_once() {
    if !ssh_keygen_available() {
        return;
    }
    use greenlight::signoff::signing::{Key, load_private_key};
    // aes256-ctr (ssh-keygen's default) and an AEAD cipher, whose tag is checked.
    for name in ["id_ecdsa-31-encrypted", "id_ecdsa-31-encrypted-gcm"] {
        let sandbox = Sandbox::new();
        let path = common::fixture_key(&sandbox, name);
        let asked = std::cell::Cell::new(0);
        let key = load_private_key(&path, || {
            asked.set(asked.get() + 1);
            Ok(zeroize::Zeroizing::new(FIXTURE_PASSPHRASE.to_string()))
        })
        .unwrap_or_else(|error| panic!("{name}: {error:#}"));
        assert_eq!(asked.get(), 1, "{name}: the passphrase is asked for once");
        assert!(matches!(key, Key::Private(_)));
        let public = key.public().to_openssh().unwrap();
        assert_eq!(
            public
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" "),
            public_key(&path),
            "{name}: the key read is the one in the .pub"
        );

        // Its signature is the one ssh-keygen accepts, as is ssh-keygen's own with the file.
        let message = sandbox.write("signoff.json", "{\"a\":\"statement\"}\n");
        let armored = key.sign(&std::fs::read(&message).unwrap()).unwrap();
        std::fs::write(sandbox.path().join("signoff.json.sig"), armored).unwrap();
        let allowed = allowed(&sandbox, EMAIL, "", &path);
        assert!(
            ssh_keygen_verify(&allowed, EMAIL, sandbox.path()),
            "{name}: ssh-keygen -Y verify accepts the signature"
        );
        assert!(
            ssh_keygen_sign(&path, &message, FIXTURE_PASSPHRASE),
            "{name}: ssh-keygen -Y sign with the same passphrase"
        );
        assert!(ssh_keygen_verify(&allowed, EMAIL, sandbox.path()));

        // A wrong passphrase is still called one.
        let error = load_private_key(&path, || {
            Ok(zeroize::Zeroizing::new(
                "Correct horse battery staple".to_string(),
            ))
        })
        .err()
        .unwrap_or_else(|| panic!("{name}: a wrong passphrase is refused"));
        assert_eq!(
            format!("{error:#}"),
            format!("wrong passphrase for {}", path.display())
        );
    }
}

#[test]
fn the_statement_is_an_in_toto_statement_with_what_design_lists() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "");
    let run = complete_run(&sandbox);
    let dir = signoff(&sandbox, &run, &key, &["--approve"]);
    let bytes = std::fs::read(dir.join("signoff.json")).unwrap();
    assert!(!bytes.contains(&b'\r'), "LF line ends");
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(json["subject"][0]["digest"]["gitCommit"], head(&sandbox));
    let p = &json["predicate"];
    assert_eq!(p["decision"], "approved");
    assert_eq!(p["tester"]["email"], EMAIL);
    assert!(p["tester"]["key"].as_str().unwrap().starts_with("SHA256:"));
    assert_eq!(p["checklist"]["id"], "small");
    assert_eq!(p["cells"].as_array().unwrap().len(), 7);
    assert_eq!(p["verdict"]["verdict"], "passes");
    let csv = std::fs::read(dir.join("results.csv")).unwrap();
    assert_eq!(
        p["results_csv"]["sha256"],
        greenlight::fsutil::sha256_hex(&csv)
    );
    let markdown = std::fs::read_to_string(dir.join("signoff.md")).unwrap();
    let heading = format!(
        "## ✅ Approved — the policy passes\n\n**Release** 1.4.0 · **commit** `{}` · **tester** Ada Lovelace",
        &head(&sandbox)[..12]
    );
    assert!(markdown.starts_with(&heading), "{markdown}");
    // The statement records the tested tree and, per cell, its definition and content key.
    assert_eq!(
        p["tree"],
        sandbox.git(sandbox.path(), &["rev-parse", "HEAD^{tree}"])
    );
    for cell in p["cells"].as_array().unwrap() {
        assert_eq!(cell["definition"].as_str().unwrap().len(), 64, "{cell}");
        assert_eq!(
            cell["content_key"],
            format!("tree:{}", p["tree"].as_str().unwrap()),
            "{cell}"
        );
    }
    assert!(
        markdown.contains("a \\| b &lt;details&gt;"),
        "notes are escaped"
    );
    assert!(
        markdown.contains(&String::from_utf8(bytes).unwrap()),
        "the statement is carried verbatim"
    );
}

/// A sandbox with an Ed25519 key, an allowed-signers file listing it for the tester, and a
/// complete run: what most sign-off tests start from. `None` when ssh-keygen is missing.
struct Signer {
    sandbox: Sandbox,
    key: PathBuf,
    allowed: PathBuf,
    run: String,
}

impl Signer {
    fn new() -> Option<Signer> {
        if !ssh_keygen_available() {
            return None;
        }
        let sandbox = Sandbox::new();
        let key = common::keygen(&sandbox, "ed25519", "");
        let allowed = allowed(&sandbox, EMAIL, "", &key);
        let run = complete_run(&sandbox);
        Some(Signer {
            sandbox,
            key,
            allowed,
            run,
        })
    }
}

/// Flips one byte of `file` at `at` (to another printable byte).
fn flip(file: &Path, at: usize) {
    let mut bytes = std::fs::read(file).unwrap();
    let at = at % bytes.len();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn tampering_with_any_part_is_caught() {
    let Some(Signer {
        sandbox,
        key,
        allowed,
        run,
    }) = Signer::new()
    else {
        return;
    };
    let original = signoff(&sandbox, &run, &key, &["--approve"]);
    let copy = |name: &str| {
        let dir = sandbox.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for file in [
            "signoff.json",
            "signoff.json.sig",
            "results.csv",
            "signoff.md",
        ] {
            std::fs::copy(original.join(file), dir.join(file)).unwrap();
        }
        dir
    };
    let statement_len = std::fs::metadata(original.join("signoff.json"))
        .unwrap()
        .len() as usize;
    for at in (0..statement_len).step_by(statement_len / 25) {
        let dir = copy("json");
        flip(&dir.join("signoff.json"), at);
        verify(&sandbox, &dir.join("signoff.json"), &allowed).code(1);
    }
    // Inside the base64 body of the armored signature.
    for at in [40, 120, 200] {
        let dir = copy("sig");
        flip(&dir.join("signoff.json.sig"), at);
        verify(&sandbox, &dir, &allowed)
            .code(1)
            .stdout(predicate::str::is_match(r"FAILED +signature").unwrap());
    }
    let dir = copy("csv");
    flip(&dir.join("results.csv"), 300);
    verify(&sandbox, &dir, &allowed)
        .code(1)
        .stdout(predicate::str::is_match(r"FAILED +results.csv").unwrap());

    let dir = copy("md");
    let markdown = std::fs::read_to_string(dir.join("signoff.md")).unwrap();
    let edited = markdown.replacen(
        "| Safari · Phone 390×844 | 1 | 1 |",
        "| Safari · Phone 390×844 | 2 | 0 |",
        1,
    );
    assert_ne!(edited, markdown, "the table row to edit is there");
    std::fs::write(dir.join("signoff.md"), &edited).unwrap();
    verify(&sandbox, &dir.join("signoff.md"), &allowed)
        .code(1)
        .stdout(predicate::str::is_match(r"FAILED +comment").unwrap())
        .stderr(predicate::str::contains("comment failed"));
    let edited = markdown.replacen("a \\| b", "all fine", 1);
    std::fs::write(dir.join("signoff.md"), &edited).unwrap();
    verify(&sandbox, &dir.join("signoff.md"), &allowed).code(1);
}

#[test]
fn the_files_a_reviewer_opens_are_checked_too() {
    let Some(Signer {
        sandbox,
        key,
        allowed,
        run,
    }) = Signer::new()
    else {
        return;
    };
    let folder = signoff(&sandbox, &run, &key, &["--approve"]);
    verify(&sandbox, &folder, &allowed)
        .success()
        .stdout(predicate::str::is_match(r"ok +report.html +matches its sha256").unwrap())
        .stdout(predicate::str::is_match(r"ok +comment").unwrap());
    let report = std::fs::read(folder.join("report.html")).unwrap();
    let markdown = std::fs::read(folder.join("signoff.md")).unwrap();
    // A page put in the report's place, as a pull request could commit it.
    std::fs::write(
        folder.join("report.html"),
        "<h1>✅ Approved</h1><script>location='https://evil.example'</script>",
    )
    .unwrap();
    verify(&sandbox, &folder, &allowed).code(1).stdout(
        predicate::str::is_match(
            r"FAILED +report.html +report.html is not the report that was signed",
        )
        .unwrap(),
    );
    std::fs::write(folder.join("report.html"), &report).unwrap();
    // A comment that is not a sign-off comment at all fails, rather than going unchecked.
    std::fs::write(
        folder.join("signoff.md"),
        "# ✅ Approved\n\nAll good, merge it.\n",
    )
    .unwrap();
    verify(&sandbox, &folder, &allowed).code(1).stdout(
        predicate::str::is_match(r"FAILED +comment +.*is not its sign-off comment").unwrap(),
    );
    std::fs::remove_file(folder.join("signoff.md")).unwrap();
    verify(&sandbox, &folder, &allowed)
        .code(1)
        .stdout(predicate::str::is_match(r"FAILED +comment +cannot read").unwrap());
    std::fs::write(folder.join("signoff.md"), &markdown).unwrap();
    verify(&sandbox, &folder, &allowed).success();
}

#[test]
fn only_the_listed_key_for_the_testers_email_in_its_window_and_namespace_is_trusted() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "");
    let other = common::keygen(&sandbox, "ecdsa", "");
    let run = complete_run(&sandbox);
    let dir = signoff(&sandbox, &run, &key, &["--approve"]);
    let refused = |allowed: PathBuf, why: &str| {
        verify(&sandbox, &dir, &allowed)
            .code(1)
            .stdout(predicate::str::contains(why.to_string()));
    };
    refused(allowed(&sandbox, EMAIL, "", &other), "not listed");
    refused(allowed(&sandbox, "eve@example.com", "", &key), "not listed");
    refused(
        allowed(&sandbox, EMAIL, "namespaces=\"git\"", &key),
        "namespace",
    );
    refused(
        allowed(&sandbox, EMAIL, "valid-before=\"20200101Z\"", &key),
        "valid-after/valid-before",
    );
    refused(
        allowed(&sandbox, EMAIL, "valid-after=\"20990101Z\"", &key),
        "valid-after/valid-before",
    );
    let wildcard = allowed(
        &sandbox,
        "*@example.com",
        "namespaces=\"git,greenlight-signoff\"",
        &key,
    );
    verify(&sandbox, &dir, &wildcard).success();
    assert!(!ssh_keygen_verify(
        &allowed(&sandbox, EMAIL, "", &other),
        EMAIL,
        &dir
    ));
}

#[test]
fn approval_follows_the_policy_and_rejection_needs_a_reason() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "");
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(
            &run,
            &["no-shift", "chrome", "phone", "fail", "--note", "it jumps"],
        )
        .success();
    sandbox
        .cmd()
        .args(["signoff", &run, "--approve", "--key"])
        .arg(&key)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot be approved: blocked: 1 blocker failure; 5 required cells untested",
        ));
    sandbox
        .cmd()
        .args(["signoff", &run, "--reject", "--key"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --comment"));
    sandbox
        .cmd()
        .args(["signoff", &run, "--key"])
        .arg(&key)
        .assert()
        .code(2);
    let dir = signoff(
        &sandbox,
        &run,
        &key,
        &["--reject", "--comment", "hero image broken on phones"],
    );
    let markdown = std::fs::read_to_string(dir.join("signoff.md")).unwrap();
    assert!(markdown.starts_with("## ❌ Rejected"), "{markdown}");
    assert!(markdown.contains("hero image broken on phones"));
}

#[test]
fn the_gate_opens_only_for_a_verified_approval_of_that_content() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "");
    let stranger = common::keygen(&sandbox, "ecdsa", "");
    let allowed = allowed(&sandbox, EMAIL, "", &key);
    let run = complete_run(&sandbox);
    let approval = signoff(&sandbox, &run, &key, &["--approve"]);
    let gate = |paths: &[&Path], commit: &str| gate(&sandbox, paths, commit, &allowed);
    gate(&[&approval], &head(&sandbox))
        .success()
        .stdout(predicate::str::contains("counts: approved by Ada Lovelace"));
    let tested = head(&sandbox);
    // Another commit with the same files (a rebase, a merge commit): the approval holds.
    let same = sandbox.commit(&[], "an empty merge");
    gate(&[&approval], &same).success();
    // A commit that changed what the items watch (here the whole tree): it does not.
    sandbox.write("app.css", "h1 { font-size: 3rem }\n");
    let changed = sandbox.commit(&["app.css"], "bigger headings");
    gate(&[&approval], &changed)
        .code(1)
        .stdout(predicate::str::contains(
            "none of its 6 results holds at this commit: 6 on content that changed",
        ))
        .stdout(predicate::str::contains(format!(
            "since commit {}: app.css added",
            &tested[..12]
        )));
    let forged = signoff(
        &sandbox,
        &run,
        &stranger,
        &["--approve", "--comment", "forged"],
    );
    gate(&[&forged], &tested)
        .code(1)
        .stdout(predicate::str::contains("the signer is not trusted"));
    let rejection = signoff(&sandbox, &run, &key, &["--reject", "--comment", "wait"]);
    gate(&[&approval, &rejection], &tested)
        .code(1)
        .stdout(predicate::str::contains("REJECTS this commit"));
    // Its veto holds on every commit with the same tree, and on no other.
    gate(&[&approval, &rejection], &same)
        .code(1)
        .stdout(predicate::str::contains("REJECTS this commit"));
    gate(&[&approval, &forged], &tested).success();
}

#[test]
fn a_key_in_ssh_agent_signs_through_ssh_keygen_when_given_as_pub() {
    if !ssh_keygen_available() {
        return;
    }
    if !common::tool_available(
        Command::new("ssh-agent").arg("-h").output().is_ok(),
        "ssh-agent (Debian's openssh-client)",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "");
    let socket = sandbox.path().join("agent.sock");
    let mut agent = Command::new("ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(&socket)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The agent creates its socket once it listens; a loaded machine may take a while.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !socket.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "ssh-agent made no socket in 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let added = Command::new("ssh-add")
        .arg(&key)
        .env("SSH_AUTH_SOCK", &socket)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(added.success(), "ssh-add");
    // Only the public half is left where greenlight looks.
    let public = sandbox.path().join("only.pub");
    std::fs::copy(key.with_extension("pub"), &public).unwrap();
    let allowed = allowed(&sandbox, EMAIL, "", &key);
    let run = complete_run(&sandbox);
    let out = sandbox.path().join("agent-signoff");
    sandbox
        .cmd()
        .env("SSH_AUTH_SOCK", &socket)
        .args(["signoff", &run, "--approve", "--key"])
        .arg(&public)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    agent.kill().unwrap();
    agent.wait().unwrap();
    verify(&sandbox, &out, &allowed).success();
    assert!(ssh_keygen_verify(&allowed, EMAIL, &out));
}

#[test]
fn text_added_anywhere_in_a_comment_is_caught_and_an_edited_rejection_still_vetoes() {
    let Some(Signer {
        sandbox,
        key,
        allowed,
        run,
    }) = Signer::new()
    else {
        return;
    };
    let approval = signoff(&sandbox, &run, &key, &["--approve"]);
    let rejection = signoff(
        &sandbox,
        &run,
        &key,
        &["--reject", "--comment", "checkout broken"],
    );
    let markdown = std::fs::read_to_string(rejection.join("signoff.md")).unwrap();
    for edited in [
        markdown.replacen(
            "<summary>Signed statement and how to verify it</summary>\n",
            "<summary>Signed statement and how to verify it</summary>\n</details>\n## ✅ Approved\n<details>\n",
            1,
        ),
        format!("{markdown}\n## ✅ Approved after all\n"),
        markdown.replacen("checkout broken", "checkout fine", 1),
    ] {
        std::fs::write(rejection.join("signoff.md"), &edited).unwrap();
        verify(&sandbox, &rejection.join("signoff.md"), &allowed)
            .code(1)
            .stdout(predicate::str::is_match(r"FAILED +comment").unwrap());
        // The rejection is still signed by a trusted key for this commit: it still vetoes.
        gate(&sandbox, &[&approval, &rejection], &head(&sandbox), &allowed)
            .code(1)
            .stdout(predicate::str::contains("REJECTS this commit"));
    }
    std::fs::write(rejection.join("signoff.md"), "not a sign-off").unwrap();
    verify(&sandbox, &rejection.join("signoff.md"), &allowed).code(1);
}

#[test]
fn a_sign_off_folder_with_a_changed_or_missing_results_csv_does_not_verify_or_open_the_gate() {
    let Some(Signer {
        sandbox,
        key,
        allowed,
        run,
    }) = Signer::new()
    else {
        return;
    };
    let approval = signoff(&sandbox, &run, &key, &["--approve"]);
    verify(&sandbox, &approval, &allowed)
        .success()
        .stdout(predicate::str::is_match(r"ok +results.csv +matches its sha256").unwrap());
    // One byte changed in the CSV, which the statement names by its sha256.
    let csv_path = approval.join("results.csv");
    let mut csv = std::fs::read(&csv_path).unwrap();
    let last = csv.len() - 2;
    csv[last] ^= 1;
    std::fs::write(&csv_path, &csv).unwrap();
    verify(&sandbox, &approval, &allowed).code(1).stdout(
        predicate::str::is_match(r"FAILED +results.csv +results.csv does not match").unwrap(),
    );
    std::fs::remove_file(approval.join("results.csv")).unwrap();
    verify(&sandbox, &approval, &allowed)
        .code(1)
        .stdout(predicate::str::is_match(r"FAILED +results.csv +cannot read").unwrap());
    verify(&sandbox, &approval.join("signoff.json"), &allowed)
        .code(1)
        .stdout(predicate::str::is_match(r"FAILED +results.csv").unwrap());
    gate(&sandbox, &[&approval], &head(&sandbox), &allowed)
        .code(1)
        .stdout(predicate::str::contains("does not count"));
    // A comment never carries the CSV: verifying one does not ask for it.
    verify(&sandbox, &approval.join("signoff.md"), &allowed)
        .success()
        .stdout(predicate::str::contains("results.csv").not());
}

#[test]
fn a_run_started_in_a_subfolder_records_the_checklist_from_the_repository_root() {
    let Some(signer) = Signer::new() else {
        return;
    };
    let sandbox = &signer.sandbox;
    let root = sandbox.path();
    std::fs::create_dir_all(root.join("checklists")).unwrap();
    std::fs::create_dir_all(root.join("web/pages")).unwrap();
    std::fs::copy(root.join("small.yaml"), root.join("checklists/small.yaml")).unwrap();
    sandbox.git(root, &["init", "-q"]);
    sandbox.git(root, &["add", "checklists/small.yaml"]);
    sandbox.git(root, &["commit", "-q", "-m", "checklist"]);
    let head = sandbox.git(root, &["rev-parse", "HEAD"]);
    let subfolder = root.join("web/pages");
    let output = sandbox
        .cmd()
        .current_dir(&subfolder)
        .args([
            "start",
            "../../checklists/small.yaml",
            "--release",
            "2.0",
            "--json",
        ])
        .args(["--tester", common::TESTER])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(meta["checklist"]["path"], "checklists/small.yaml");
    assert_eq!(
        meta["commit"],
        head.as_str(),
        "the commit of the checklist's repository"
    );
    let run = meta["id"].as_str().unwrap().to_string();
    for cell in [
        "no-shift chrome phone",
        "no-shift chrome laptop",
        "no-shift safari phone",
        "text-size chrome phone",
        "text-size chrome laptop",
        "text-size safari phone",
    ] {
        let args: Vec<&str> = cell.split(' ').chain(["pass"]).collect();
        sandbox.record(&run, &args).success();
    }
    let approval = signoff(sandbox, &run, &signer.key, &["--approve"]);
    for place in [root.to_path_buf(), subfolder.clone()] {
        sandbox
            .cmd()
            .current_dir(&place)
            .arg("verify")
            .arg(&approval)
            .arg("--allowed-signers")
            .arg(&signer.allowed)
            .assert()
            .success()
            .stdout(predicate::str::is_match(r"ok +checklist +checklists/small.yaml").unwrap());
        sandbox
            .cmd()
            .current_dir(&place)
            .arg("gate")
            .arg(&approval)
            .args(["--commit", &head, "--checklist"])
            .arg(root.join("checklists/small.yaml"))
            .arg("--allowed-signers")
            .arg(&signer.allowed)
            .assert()
            .success();
    }
    // A link in the repository is recorded by its path there, even when it points away.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("small.yaml"), elsewhere.path().join("small.yaml")).unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("small.yaml"),
        root.join("checklists/linked.yaml"),
    )
    .unwrap();
    let output = sandbox
        .cmd()
        .current_dir(&subfolder)
        .args([
            "start",
            "../../checklists/linked.yaml",
            "--release",
            "2.0",
            "--json",
        ])
        .args(["--tester", common::TESTER])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(meta["checklist"]["path"], "checklists/linked.yaml");
    // A checklist in no repository, while the command runs in one, is refused, with the fix.
    sandbox
        .cmd()
        .current_dir(&subfolder)
        .arg("start")
        .arg(elsewhere.path().join("small.yaml"))
        .args(["--release", "2.0", "--tester", common::TESTER])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not in a git repository"))
        .stderr(predicate::str::contains("copy it into that repository"));
}

#[test]
fn the_gate_recomputes_the_verdict_instead_of_believing_the_statements_own() {
    let Some(Signer {
        sandbox,
        key,
        allowed,
        run,
    }) = Signer::new()
    else {
        return;
    };
    let approval = signoff(&sandbox, &run, &key, &["--approve"]);
    let json = approval.join("signoff.json");
    let text = std::fs::read_to_string(&json).unwrap();
    let blocked = text.replacen(
        "\"verdict\": \"passes\",\n      \"reasons\": []",
        "\"verdict\": \"blocked\",\n      \"reasons\": [\"1 blocker failure\"]",
        1,
    );
    assert_ne!(blocked, text, "the verdict to edit is there");
    std::fs::write(&json, blocked).unwrap();
    // Re-signed with the trusted key, as a tester editing their own statement could.
    std::fs::remove_file(approval.join("signoff.json.sig")).unwrap();
    let status = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "greenlight-signoff", "-f"])
        .arg(&key)
        .arg(&json)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    verify(&sandbox, &json, &allowed).success();
    // The cells pass the pinned policy, whatever the statement says of itself.
    gate(&sandbox, &[&json], &head(&sandbox), &allowed)
        .success()
        .stdout(predicate::str::contains("verdict: passes"));
}
