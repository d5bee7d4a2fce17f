//! Verifying a sign-off: the signature over the statement's exact bytes first, and only
//! then what the parsed statement says — the signer, the CSV's and the checklist's hashes,
//! and, for a comment, that its visible part is what the statement renders.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::allowed_signers::AllowedSigners;
use super::comment;
use super::statement::{NAMESPACE, Statement};
use crate::exit::NotGood;
use crate::fsutil::sha256_hex;

/// A sign-off as found on disk, before any check.
#[derive(Debug)]
pub struct Found {
    /// What the user named.
    pub origin: PathBuf,
    pub statement: Vec<u8>,
    pub signature: String,
    pub results_csv: Option<Vec<u8>>,
    /// The whole comment (line ends made LF), when the sign-off came as (or with) one.
    pub comment: Option<String>,
}

/// Reads a sign-off folder, a `signoff.json` with its `.sig` beside it, or a comment.
pub fn find(path: &Path) -> Result<Found> {
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("cannot read {}", p.display()));
    let optional = |p: &Path| std::fs::read(p).ok();
    if path.is_dir() {
        let json = path.join("signoff.json");
        let comment = optional(&path.join("signoff.md"))
            .map(|bytes| String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
        return Ok(Found {
            origin: path.to_path_buf(),
            statement: read(&json)?,
            signature: String::from_utf8(read(&path.join("signoff.json.sig"))?)
                .context("signoff.json.sig is not text")?,
            results_csv: optional(&path.join("results.csv")),
            comment,
        });
    }
    let bytes = read(path)?;
    if path.extension().is_some_and(|ext| ext == "json") {
        let mut sig = path.as_os_str().to_owned();
        sig.push(".sig");
        let sig = PathBuf::from(sig);
        let beside = |name: &str| path.parent().map(|dir| dir.join(name));
        return Ok(Found {
            origin: path.to_path_buf(),
            statement: bytes,
            signature: String::from_utf8(read(&sig)?).context("the .sig file is not text")?,
            results_csv: beside("results.csv").and_then(|p| optional(&p)),
            comment: None,
        });
    }
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let parts =
        comment::parse(&text).map_err(|err| NotGood(format!("{}: {err:#}", path.display())))?;
    Ok(Found {
        origin: path.to_path_buf(),
        statement: parts.statement,
        signature: parts.signature,
        results_csv: None,
        comment: Some(text.replace("\r\n", "\n")),
    })
}

/// How one check went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "outcome", content = "detail")]
pub enum Outcome {
    Pass(String),
    Fail(String),
    Skipped(String),
}

/// One named check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Every check made of one sign-off.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub path: PathBuf,
    /// Every check passed (or was skipped), and the signature and signer checks passed.
    pub verified: bool,
    pub checks: Vec<Check>,
    /// The statement, once its signature verified.
    #[serde(skip)]
    pub statement: Option<Statement>,
}

impl Verification {
    /// True when no check failed and the signature and signer checks passed.
    pub fn verified(&self) -> bool {
        self.verified
    }

    /// The signature verifies and the signer is trusted, whatever else failed: enough for a
    /// rejection to count (an edit elsewhere must not lift a veto).
    pub fn trusted(&self) -> bool {
        self.passed("signature") && self.passed("signer")
    }

    /// Whether the check `name` ran and passed.
    pub fn passed(&self, name: &str) -> bool {
        self.checks
            .iter()
            .any(|c| c.name == name && matches!(c.outcome, Outcome::Pass(_)))
    }

    fn conclude(mut self) -> Verification {
        self.verified = self.all_passed();
        self
    }

    fn all_passed(&self) -> bool {
        self.trusted()
            && !self
                .checks
                .iter()
                .any(|c| matches!(c.outcome, Outcome::Fail(_)))
    }

    fn add(&mut self, name: &'static str, outcome: Outcome) {
        self.checks.push(Check { name, outcome });
    }
}

/// Whom to trust and where to look: the allowed signers, the repository, the time.
pub struct Trust {
    pub allowed_signers: AllowedSigners,
    /// The repository's top folder (or the current folder).
    pub repository: PathBuf,
    pub now: DateTime<Utc>,
}

/// Verifies what [`find`] read.
pub fn verify(found: Found, context: &Trust) -> Verification {
    let mut v = Verification {
        path: found.origin.clone(),
        verified: false,
        checks: Vec::new(),
        statement: None,
    };
    let key = match check_signature(&found) {
        Ok(key) => {
            v.add(
                "signature",
                Outcome::Pass(format!(
                    "valid SSHSIG ({NAMESPACE}) by {}",
                    key.fingerprint(HashAlg::Sha256)
                )),
            );
            key
        }
        Err(err) => {
            v.add("signature", Outcome::Fail(format!("{err:#}")));
            return v.conclude();
        }
    };
    let statement: Statement = match serde_json::from_slice(&found.statement) {
        Ok(statement) => statement,
        Err(err) => {
            v.add(
                "statement",
                Outcome::Fail(format!(
                    "the signed bytes are not a greenlight sign-off: {err}"
                )),
            );
            return v.conclude();
        }
    };
    let tester = &statement.predicate.tester;
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    v.add(
        "signer",
        if tester.key != fingerprint {
            Outcome::Fail(format!(
                "the statement names key {} but was signed with {fingerprint}",
                tester.key
            ))
        } else {
            match context.allowed_signers.check(
                &tester.email,
                key.key_data(),
                NAMESPACE,
                context.now,
            ) {
                Ok(line) => Outcome::Pass(format!(
                    "{} <{}>, allowed by line {line} of the allowed-signers file",
                    tester.name, tester.email
                )),
                Err(refusal) => {
                    Outcome::Fail(format!("{} <{}>: {refusal}", tester.name, tester.email))
                }
            }
        },
    );
    v.add(
        "results.csv",
        match &found.results_csv {
            None => Outcome::Skipped("no results.csv beside it".into()),
            Some(bytes) if sha256_hex(bytes) == statement.predicate.results_csv.sha256 => {
                Outcome::Pass("matches its sha256".into())
            }
            Some(_) => {
                Outcome::Fail("results.csv does not match the sha256 in the statement".into())
            }
        },
    );
    let checklist_path = context.repository.join(&statement.predicate.checklist.path);
    v.add(
        "checklist",
        match std::fs::read(&checklist_path) {
            Err(_) => Outcome::Skipped(format!(
                "{} is not in this repository",
                statement.predicate.checklist.path
            )),
            Ok(bytes) if sha256_hex(&bytes) == statement.predicate.checklist.sha256 => {
                Outcome::Pass(format!(
                    "{} matches its sha256",
                    statement.predicate.checklist.path
                ))
            }
            Ok(_) => Outcome::Fail(format!(
                "{} differs from the checklist the run followed (its sha256 differs)",
                statement.predicate.checklist.path
            )),
        },
    );
    if let Some(visible) = &found.comment {
        // The whole comment is rendered again from what was verified: an edit anywhere,
        // folded part included, or text added around it, is caught.
        let expected =
            comment::render(&statement, &found.statement, &found.signature).unwrap_or_default();
        v.add(
            "comment",
            if expected.trim_end() == visible.trim_end() {
                Outcome::Pass("the comment is exactly what the signed statement renders".into())
            } else {
                Outcome::Fail(format!(
                    "the comment was edited (first difference at line {})",
                    first_difference(&expected, visible)
                ))
            },
        );
    }
    v.statement = Some(statement);
    v.conclude()
}

fn check_signature(found: &Found) -> Result<PublicKey> {
    let signature = SshSig::from_pem(found.signature.trim())
        .context("the signature is not an armored SSH signature")?;
    if signature.namespace() != NAMESPACE {
        bail!(
            "the signature is for namespace `{}`, not `{NAMESPACE}`",
            signature.namespace()
        );
    }
    let key = PublicKey::from(signature.public_key().clone());
    key.verify(NAMESPACE, &found.statement, &signature)
        .context("the signature does not match the statement's bytes (changed after signing?)")?;
    Ok(key)
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

/// The allowed-signers file: the one given, else git's `gpg.ssh.allowedSignersFile`.
pub fn allowed_signers_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    crate::git::config_value("gpg.ssh.allowedSignersFile")
        .map(PathBuf::from)
        .context(
            "no allowed-signers file: pass --allowed-signers FILE, or set git's gpg.ssh.allowedSignersFile \
             (keep it on your protected default branch)",
        )
}
