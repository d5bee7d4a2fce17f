//! A whole team, end to end, in a real git repository (the README's example): the protected
//! branch holds the checklist and the allowed signers; a pull request changes the product;
//! three testers each walk a share of the matrix at the pull request's commit and post their
//! signed comments; CI pins checklist and signers from the protected branch and gates.

mod common;

use std::path::Path;

use common::{Sandbox, ssh_keygen_available};
use predicates::prelude::*;

const TESTERS: [(&str, &str, &str); 3] = [
    (
        "Ada Lovelace",
        "ada@example.com",
        "--browsers=chrome --viewports=phone",
    ),
    (
        "Bob Tanner",
        "bob@example.com",
        "--browsers=chrome --viewports=laptop",
    ),
    ("Cyd Moreau", "cyd@example.com", "--browsers=safari"),
];

fn public_key(key: &Path) -> String {
    let text = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn three_testers_sign_their_shares_and_ci_gates_the_pull_request_from_the_protected_branch() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let root = sandbox.path();
    let origin = root.join("origin.git");
    let work = root.join("work");
    sandbox.git(root, &["init", "-q", "--bare", "-b", "main", "origin.git"]);
    sandbox.git(root, &["clone", "-q", "origin.git", "work"]);
    // The protected branch: the product, the checklist and who may sign.
    std::fs::create_dir_all(work.join("checklists")).unwrap();
    std::fs::create_dir_all(work.join(".github")).unwrap();
    std::fs::create_dir_all(work.join("web")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.yaml"),
        work.join("checklists/small.yaml"),
    )
    .unwrap();
    std::fs::write(work.join("web/app.css"), "body { font-size: 16px }\n").unwrap();
    let mut allowed = String::new();
    let mut keys = Vec::new();
    for (n, (_, email, _)) in TESTERS.iter().enumerate() {
        let key = common::keygen(&sandbox, "ed25519", "");
        let named = root.join(format!("id_tester{n}"));
        std::fs::rename(&key, &named).unwrap();
        std::fs::rename(key.with_extension("pub"), named.with_extension("pub")).unwrap();
        allowed.push_str(&format!(
            "{email} namespaces=\"greenlight-signoff\" {}\n",
            public_key(&named)
        ));
        keys.push(named);
    }
    std::fs::write(work.join(".github/allowed_signers"), &allowed).unwrap();
    std::fs::write(work.join(".gitattributes"), ".greenlight/** -text\n").unwrap();
    sandbox.git(&work, &["add", "."]);
    sandbox.git(&work, &["commit", "-q", "-m", "checklist and signers"]);
    sandbox.git(&work, &["push", "-q", "origin", "main"]);

    // The pull request changes the product — and tries to let a stranger sign for it.
    sandbox.git(&work, &["checkout", "-q", "-b", "pr"]);
    std::fs::write(work.join("web/app.css"), "body { font-size: 17px }\n").unwrap();
    let stranger = common::keygen(&sandbox, "ecdsa", "");
    std::fs::write(
        work.join(".github/allowed_signers"),
        format!("{allowed}eve@example.com {}\n", public_key(&stranger)),
    )
    .unwrap();
    sandbox.git(&work, &["commit", "-q", "-am", "bigger text, and eve"]);
    sandbox.git(&work, &["push", "-q", "origin", "pr"]);
    let head = sandbox.git(&work, &["rev-parse", "HEAD"]);

    // Each tester walks their share at the pull request's commit and posts the comment.
    let comments = root.join("comments");
    std::fs::create_dir_all(&comments).unwrap();
    let sign = |name: &str, email: &str, share: &str, key: &Path, out: &str| {
        let output = sandbox
            .cmd()
            .current_dir(&work)
            .args([
                "start",
                "checklists/small.yaml",
                "--release",
                "2.0",
                "--json",
            ])
            .arg(format!("--tester={name} <{email}>"))
            .args(share.split(' '))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            meta["commit"],
            head.as_str(),
            "the run is at the pull request's commit"
        );
        let run = meta["id"].as_str().unwrap().to_string();
        let export = sandbox
            .cmd()
            .args(["export", &run, "--format", "json"])
            .output()
            .unwrap();
        let document: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
        for cell in document["cells"].as_array().unwrap() {
            sandbox
                .record(
                    &run,
                    &[
                        cell["item"].as_str().unwrap(),
                        cell["browser"].as_str().unwrap(),
                        cell["viewport"].as_str().unwrap(),
                        "pass",
                    ],
                )
                .success();
        }
        let folder = root.join(out);
        sandbox
            .cmd()
            .current_dir(&work)
            .args(["signoff", &run, "--approve", "--key"])
            .arg(key)
            .arg("-o")
            .arg(&folder)
            .assert()
            .success();
        std::fs::copy(
            folder.join("signoff.md"),
            comments.join(format!("{out}.md")),
        )
        .unwrap();
    };
    for (n, (name, email, share)) in TESTERS.iter().enumerate() {
        sign(name, email, share, &keys[n], &format!("tester{n}"));
    }
    sign(
        "Eve",
        "eve@example.com",
        "--browsers=safari",
        &stranger,
        "eve",
    );

    // CI: checklist and signers from the protected branch, never from the pull request.
    let ci = |comment_names: &[&str]| {
        let pinned = root.join("pinned.yaml");
        let signers = root.join("allowed_signers");
        std::fs::write(
            &pinned,
            sandbox.git(&work, &["show", "origin/main:checklists/small.yaml"]) + "\n",
        )
        .unwrap();
        std::fs::write(
            &signers,
            sandbox.git(&work, &["show", "origin/main:.github/allowed_signers"]) + "\n",
        )
        .unwrap();
        let mut cmd = sandbox.cmd();
        cmd.current_dir(&work).arg("gate");
        for name in comment_names {
            cmd.arg(comments.join(format!("{name}.md")));
        }
        cmd.args(["--commit", &head, "--checklist"])
            .arg(&pinned)
            .arg("--allowed-signers")
            .arg(&signers)
            .arg("--summary")
            .arg(root.join("summary.md"))
            .assert()
    };
    ci(&["tester0", "tester1", "tester2", "eve"])
        .success()
        .stdout(predicate::str::contains(
            "eve.md: does not count: the signer is not trusted",
        ))
        .stdout(predicate::str::contains(
            "7 of 7 cells have a result from 3 approvals",
        ))
        .stdout(predicate::str::contains("gate open"));
    // Eve's share does not stand in for Cyd's.
    ci(&["tester0", "tester1", "eve"])
        .code(1)
        .stdout(predicate::str::contains(
            "missing: 2 cells — safari/phone (2)",
        ));
    let summary = std::fs::read_to_string(root.join("summary.md")).unwrap();
    assert!(summary.contains("## greenlight gate: ✅ open"), "{summary}");
    assert!(
        summary.contains("## greenlight gate: ❌ closed"),
        "{summary}"
    );
    assert!(origin.is_dir());
}
