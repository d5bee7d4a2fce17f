//! greenlight and `ssh-keygen -Y verify` never disagree on a signer: a table of
//! allowed-signers files, each checked by both, side by side (DESIGN.md §5).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use common::{Sandbox, ssh_keygen_available};
use greenlight::signoff::allowed_signers::AllowedSigners;
use ssh_key::PublicKey;

const NAMESPACE: &str = "greenlight-signoff";

/// One case: the file (`KEY` and `OTHER` stand for the signing key and another key, `⏎` for
/// a line break), the principal asked for, the time to check at (`None`: now), and whether
/// ssh-keygen accepts — written down, so that both tools changing together is caught too.
struct Case {
    file: &'static str,
    principal: &'static str,
    at: Option<&'static str>,
    accept: bool,
}

const fn case(file: &'static str, principal: &'static str, accept: bool) -> Case {
    Case {
        file,
        principal,
        at: None,
        accept,
    }
}

const fn at(file: &'static str, principal: &'static str, at: &'static str, accept: bool) -> Case {
    Case {
        file,
        principal,
        at: Some(at),
        accept,
    }
}

const A: &str = "alice@example.com";

const CASES: &[Case] = &[
    case("alice@example.com KEY", A, true),
    case("alice@example.com KEY", "Alice@Example.com", false),
    case("*@example.com KEY", "bob@example.com", true),
    case("*@example.com KEY", "bob@example.org", false),
    case("?ob@example.com KEY", "bbob@example.com", false),
    case("* KEY", "anyone@anywhere", true),
    case(
        "*@example.com,!mallory@example.com KEY",
        "mallory@example.com",
        false,
    ),
    case(
        "!mallory@example.com,*@example.com KEY",
        "bob@example.com",
        true,
    ),
    case("!mallory@example.com KEY", "bob@example.com", false),
    case(
        "\"alice@example.com,bob@example.com\" KEY",
        "bob@example.com",
        true,
    ),
    case("\"alice smith\" KEY", "alice smith", true),
    case("alice@example.com, KEY", A, true),
    case("\"\" KEY", A, false),
    case("alice@example.com OTHER", A, false),
    case(
        "alice@example.com namespaces=\"greenlight-signoff\" KEY",
        A,
        true,
    ),
    case("alice@example.com namespaces=\"git\" KEY", A, false),
    case(
        "alice@example.com namespaces=\"git,greenlight-*\" KEY",
        A,
        true,
    ),
    case(
        "alice@example.com namespaces=\"*,!greenlight-signoff\" KEY",
        A,
        false,
    ),
    case(
        "alice@example.com NAMESPACES=\"greenlight-signoff\" KEY",
        A,
        true,
    ),
    case(
        "alice@example.com namespaces=\"GREENLIGHT-SIGNOFF\" KEY",
        A,
        false,
    ),
    case("alice@example.com namespaces=\"\" KEY", A, false),
    case(
        "alice@example.com namespaces=greenlight-signoff KEY",
        A,
        false,
    ),
    case(
        "alice@example.com namespaces=\"greenlight-signoff\", KEY",
        A,
        false,
    ),
    case(
        "alice@example.com namespaces=\"a b,greenlight-signoff\" KEY",
        A,
        true,
    ),
    case("alice@example.com foo=\"bar\" KEY", A, false),
    case("alice@example.com cert-authority KEY", A, false),
    case(
        "alice@example.com Cert-Authority,namespaces=\"greenlight-signoff\" KEY",
        A,
        false,
    ),
    case("alice@example.com valid-after=\"20000101\" KEY", A, true),
    case("alice@example.com valid-after=\"29990101\" KEY", A, false),
    case("alice@example.com valid-before=\"20000101\" KEY", A, false),
    case(
        "alice@example.com VALID-AFTER=\"20000101Z\",valid-before=\"29990101\" KEY",
        A,
        true,
    ),
    case("alice@example.com valid-after=\"2024-01-01\" KEY", A, false),
    case("alice@example.com valid-after=\"19700101Z\" KEY", A, false),
    case("alice@example.com valid-after=20240101 KEY", A, false),
    at(
        "alice@example.com valid-after=\"20240101Z\" KEY",
        A,
        "20240101000000Z",
        true,
    ),
    at(
        "alice@example.com valid-after=\"20240101Z\" KEY",
        A,
        "20231231235959Z",
        false,
    ),
    at(
        "alice@example.com valid-before=\"20240101Z\" KEY",
        A,
        "20240101000000Z",
        true,
    ),
    at(
        "alice@example.com valid-before=\"20240101Z\" KEY",
        A,
        "20240101000001Z",
        false,
    ),
    at(
        "alice@example.com valid-after=\"20240101utc\" KEY",
        A,
        "20240102000000Z",
        true,
    ),
    at(
        "alice@example.com valid-after=\"202401011230z\" KEY",
        A,
        "20240101123000Z",
        true,
    ),
    at(
        "alice@example.com valid-after=\"20240101Z\",valid-before=\"20240101Z\" KEY",
        A,
        "20240101000000Z",
        false,
    ),
    // A day past the month's end rolls over into the next month (timegm's normalising):
    // 30 February 2024 is 1 March.
    at(
        "alice@example.com valid-before=\"20240230Z\" KEY",
        A,
        "20240301000000Z",
        true,
    ),
    at(
        "alice@example.com valid-before=\"20240230Z\" KEY",
        A,
        "20240301000001Z",
        false,
    ),
    at(
        "alice@example.com valid-after=\"20240231Z\" KEY",
        A,
        "20240301235959Z",
        false,
    ),
    // Local time (no suffix), read by both in this process's time zone.
    at(
        "alice@example.com valid-after=\"20240103\" KEY",
        A,
        "20240105000000Z",
        true,
    ),
    at(
        "alice@example.com valid-after=\"20240103\" KEY",
        A,
        "20240101000000Z",
        false,
    ),
    case(
        "alice@example.com namespaces=\"git\" KEY⏎alice@example.com KEY",
        A,
        true,
    ),
    case(
        "*@example.com,!alice@example.com KEY⏎alice@example.com KEY",
        A,
        true,
    ),
    case(
        "alice@example.com valid-before=\"20000101\" KEY⏎alice@example.com KEY",
        A,
        true,
    ),
    case(
        "alice@example.com foo=\"bar\" KEY⏎alice@example.com KEY",
        A,
        true,
    ),
    case(
        "alice@example.com cert-authority KEY⏎alice@example.com KEY",
        A,
        true,
    ),
    case("\"alice@example.com KEY⏎alice@example.com KEY", A, true),
    case(
        "alice@example.com ssh-ed25519 AAAAnotbase64!!⏎alice@example.com KEY",
        A,
        true,
    ),
    case("⏎# a comment⏎   ⏎\t alice@example.com KEY alice\r", A, true),
    case("   # alice@example.com KEY", A, false),
    case(
        "alice@example.com\tnamespaces=\"greenlight-signoff\"\tKEY",
        A,
        true,
    ),
];

fn public_key(path: &Path) -> String {
    let text = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A time written `YYYYMMDDhhmmssZ`.
fn utc(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text.trim_end_matches('Z'), "%Y%m%d%H%M%S")
        .expect("a time in the table");
    Utc.from_utc_datetime(&naive)
}

#[test]
fn greenlight_and_ssh_keygen_agree_on_every_line_of_the_table() {
    if !ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "");
    let other = common::keygen(&sandbox, "ecdsa", "");
    let message = sandbox.write("msg", "a statement");
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(&key)
        .arg(&message)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(signed.success());
    let signature = message.with_extension("sig");
    std::fs::rename(sandbox.path().join("msg.sig"), &signature).unwrap();
    let signing_key = PublicKey::from_openssh(&public_key(&key)).unwrap();
    let allowed = sandbox.path().join("allowed_signers");
    let mut disagreements = Vec::new();
    assert!(CASES.len() >= 20);
    for (n, case) in CASES.iter().enumerate() {
        let text = case
            .file
            .replace("KEY", &public_key(&key))
            .replace("OTHER", &public_key(&other))
            .replace('⏎', "\n");
        std::fs::write(&allowed, &text).unwrap();
        let mut command = Command::new("ssh-keygen");
        command
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", case.principal, "-n", NAMESPACE, "-s"])
            .arg(&signature)
            .stdin(std::fs::File::open(&message).unwrap())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(at) = case.at {
            command.arg(format!("-Overify-time={at}"));
        }
        let openssh = command.status().unwrap().success();
        let time = case.at.map_or_else(Utc::now, utc);
        let ours = AllowedSigners::parse(&text)
            .check(case.principal, signing_key.key_data(), NAMESPACE, time)
            .is_ok();
        if openssh != case.accept || ours != case.accept {
            disagreements.push(format!(
                "case {n} {:?} as {:?}: table {}, ssh-keygen {openssh}, greenlight {ours}",
                case.file, case.principal, case.accept
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
