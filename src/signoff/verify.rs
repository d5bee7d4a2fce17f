//! Verifying a sign-off: the signature over the statement's exact bytes first, and only
//! then what the parsed statement says — the signer, the CSV's and the checklist's hashes,
//! and, for a comment, that its visible part is what the statement renders.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::allowed_signers::AllowedSigners;
use super::comment::{self, Carried};
use super::envelope::{Found, MAX_STATEMENT_BYTES, ResultsCsv};
use super::statement::{NAMESPACE, Statement};
use crate::fsutil::{sha256_hex, sha256_of_file_not_linked};
use crate::untrusted::one_line;

/// The checks `verify` makes, in the order it makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckName {
    /// The SSHSIG signature over the statement's exact bytes.
    Signature,
    /// The signed bytes are a greenlight sign-off.
    Statement,
    /// The key is the one the statement names, and trusted for its tester.
    Signer,
    /// `results.csv` is the one the statement hashes.
    ResultsCsv,
    /// The repository's checklist is the one the run followed.
    Checklist,
    /// The comment is exactly what the statement renders.
    Comment,
    /// The evidence files the statement names are in the folder, with their hashes.
    Evidence,
    /// The folder's `report.html`, which reviewers open, is the one the statement signs.
    Report,
}

impl Serialize for CheckName {
    fn serialize<S: serde::Serializer>(&self, out: S) -> std::result::Result<S::Ok, S::Error> {
        out.serialize_str(self.as_str())
    }
}

impl CheckName {
    /// The name as `verify` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Signature => "signature",
            CheckName::Statement => "statement",
            CheckName::Signer => "signer",
            CheckName::ResultsCsv => "results.csv",
            CheckName::Checklist => "checklist",
            CheckName::Comment => "comment",
            CheckName::Evidence => "evidence",
            CheckName::Report => "report.html",
        }
    }
}

/// How one check went. A check that cannot run (a file missing) fails: nothing is taken on
/// trust because it could not be looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "outcome", content = "detail")]
pub enum CheckOutcome {
    Pass(String),
    Fail(String),
}

/// One named check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: CheckName,
    #[serde(flatten)]
    pub outcome: CheckOutcome,
}

/// Every check made of one sign-off.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub path: PathBuf,
    /// Every check passed, the signature and signer checks among them.
    verified: bool,
    pub checks: Vec<Check>,
    /// The statement, once its signature verified.
    #[serde(skip)]
    pub statement: Option<Statement>,
    /// Whether the statement came inside a comment (see `Found::inside_comment`).
    #[serde(skip)]
    pub inside_comment: bool,
}

impl Verification {
    /// A sign-off that failed one check before its statement could be read: its signature
    /// could not be read, its key is not listed, or its statement cannot be found.
    pub fn failed(path: &Path, name: CheckName, why: String) -> Verification {
        Verification {
            path: path.to_path_buf(),
            verified: false,
            checks: vec![Check {
                name,
                outcome: CheckOutcome::Fail(why),
            }],
            statement: None,
            inside_comment: false,
        }
    }

    /// True when no check failed and the signature and signer checks passed.
    pub fn verified(&self) -> bool {
        self.verified
    }

    /// The signature verifies and the signer is trusted, whatever else failed: enough for a
    /// rejection to count (an edit elsewhere must not lift a veto).
    pub fn trusted(&self) -> bool {
        self.passed(CheckName::Signature) && self.passed(CheckName::Signer)
    }

    /// Whether the check `name` ran and passed.
    pub fn passed(&self, name: CheckName) -> bool {
        self.checks
            .iter()
            .any(|c| c.name == name && matches!(c.outcome, CheckOutcome::Pass(_)))
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = (CheckName, &str)> {
        self.checks.iter().filter_map(|c| match &c.outcome {
            CheckOutcome::Fail(detail) => Some((c.name, detail.as_str())),
            CheckOutcome::Pass(_) => None,
        })
    }

    fn conclude(mut self) -> Verification {
        self.verified = self.all_passed();
        self
    }

    fn all_passed(&self) -> bool {
        self.trusted() && self.failures().next().is_none()
    }

    fn add(&mut self, name: CheckName, outcome: CheckOutcome) {
        self.checks.push(Check { name, outcome });
    }
}

/// Whom to trust and where to look: the allowed signers, the repository, the time.
pub struct Trust {
    pub allowed_signers: AllowedSigners,
    /// The repository whose checklist a trusted statement is checked against; `None` when
    /// the caller pins the checklist itself (the gate), so no path from a statement is
    /// ever opened.
    pub repository: Option<PathBuf>,
    pub now: DateTime<Utc>,
}

/// The largest checklist `verify` reads from the repository.
const MAX_CHECKLIST_BYTES: u64 = 64 << 20;

/// The checklist a trusted statement names, read from `repository` — only when its path
/// is relative and stays inside (no `..`, no root), and only a regular file of sane size.
fn repository_checklist(repository: &Path, path: &str) -> Result<Vec<u8>, String> {
    let relative = Path::new(path);
    let inside = !path.is_empty()
        && relative
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
    if !inside {
        return Err(format!(
            "`{}` is not a path inside a repository, so it is not opened",
            one_line(path)
        ));
    }
    crate::fsutil::read_regular_file(&repository.join(relative), MAX_CHECKLIST_BYTES).map_err(
        |err| {
            format!(
                "{} cannot be read in the repository at {} ({err}); run verify inside the \
                 repository the run was started in",
                one_line(path),
                repository.display()
            )
        },
    )
}

/// Verifies what [`find`] read.
pub fn verify(found: Found, context: &Trust) -> Verification {
    let mut v = Verification {
        path: found.origin.clone(),
        verified: false,
        checks: Vec::new(),
        statement: None,
        inside_comment: found.inside_comment,
    };
    // Hashing the statement for its signature and parsing it are each about half the work on
    // a large sign-off: they run side by side, and the parse is used only once the
    // signature has passed.
    let (signature, csv, parsed) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| (check_signature(&found), csv_digest(&found.results_csv)));
        let parsed = serde_json::from_slice::<Statement>(&found.statement);
        let (signature, csv) = hashing.join().unwrap_or_else(|_| {
            let stopped = "the check stopped unexpectedly";
            (
                Err(anyhow::anyhow!(stopped)),
                Some(Err(stopped.to_string())),
            )
        });
        (signature, csv, parsed)
    });
    let key = match signature {
        Ok(key) => {
            v.add(
                CheckName::Signature,
                CheckOutcome::Pass(format!(
                    "valid SSHSIG ({NAMESPACE}) by {}",
                    key.fingerprint(HashAlg::Sha256)
                )),
            );
            key
        }
        Err(err) => {
            v.add(CheckName::Signature, CheckOutcome::Fail(format!("{err:#}")));
            return v.conclude();
        }
    };
    let statement: Statement = match parsed {
        Ok(statement) => statement,
        Err(err) => {
            v.add(
                CheckName::Statement,
                CheckOutcome::Fail(format!(
                    "the signed bytes are not a greenlight sign-off: {}",
                    one_line(&err.to_string())
                )),
            );
            return v.conclude();
        }
    };
    let tester = &statement.predicate.tester;
    let who = one_line(&format!("{} <{}>", tester.name, tester.email)).into_owned();
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let signer = if tester.key != fingerprint {
        CheckOutcome::Fail(format!(
            "the statement names key {} but was signed with {fingerprint}",
            one_line(&tester.key)
        ))
    } else {
        match context
            .allowed_signers
            .check(&tester.email, key.key_data(), NAMESPACE, context.now)
        {
            Ok(line) => CheckOutcome::Pass(format!(
                "{who}, allowed by line {line} of the allowed-signers file"
            )),
            // Of an untrusted statement only the principal it claims is shown.
            Err(refusal) => CheckOutcome::Fail(format!(
                "key {fingerprint} for {}: {refusal}",
                one_line(&tester.email)
            )),
        }
    };
    let trusted = matches!(signer, CheckOutcome::Pass(_));
    v.add(CheckName::Signer, signer);
    if !trusted {
        // Nothing else about an untrusted statement is read, and no file it names opened.
        v.statement = Some(statement);
        return v.conclude();
    }
    match csv {
        None => {}
        Some(Err(why)) => v.add(
            CheckName::ResultsCsv,
            CheckOutcome::Fail(format!("{why}; the statement names its sha256")),
        ),
        Some(Ok(sha256)) => v.add(
            CheckName::ResultsCsv,
            if sha256 == statement.predicate.results_csv.sha256 {
                CheckOutcome::Pass("matches its sha256".into())
            } else {
                CheckOutcome::Fail("results.csv does not match the sha256 in the statement".into())
            },
        ),
    }
    if let Some(repository) = &context.repository {
        let path = &statement.predicate.checklist.path;
        v.add(
            CheckName::Checklist,
            match repository_checklist(repository, path) {
                Err(why) => CheckOutcome::Fail(why),
                Ok(bytes) if sha256_hex(&bytes) == statement.predicate.checklist.sha256 => {
                    CheckOutcome::Pass(format!("{} matches its sha256", one_line(path)))
                }
                Ok(_) => CheckOutcome::Fail(format!(
                    "{} differs from the checklist the run followed (its sha256 differs)",
                    one_line(path)
                )),
            },
        );
    }
    if let Some(folder) = &found.folder {
        // Each file once, however many cells name it.
        let mut seen = std::collections::HashSet::new();
        let named: Vec<&crate::journal::Evidence> = statement
            .predicate
            .cells
            .iter()
            .flat_map(|cell| cell.evidence.iter())
            .filter(|e| seen.insert((e.sha256.as_str(), crate::evidence::file_name_of(e))))
            .collect();
        if !named.is_empty() {
            let problems: Vec<String> = named
                .iter()
                .filter_map(|e| {
                    crate::evidence::check(folder, e, crate::evidence::MAX_KEPT_BYTES).err()
                })
                .collect();
            v.add(
                CheckName::Evidence,
                match problems.first() {
                    None => CheckOutcome::Pass(format!(
                        "{} files in evidence/ match their sha256",
                        named.len()
                    )),
                    Some(first) => CheckOutcome::Fail(format!(
                        "{} of {} files do not match: {first}",
                        problems.len(),
                        named.len()
                    )),
                },
            );
        }
    }
    if let Some(folder) = &found.folder {
        v.add(CheckName::Report, check_report(folder, &statement));
    }
    if let Some(comment) = &found.comment {
        v.add(
            CheckName::Comment,
            check_comment(comment, &statement, &found),
        );
    }
    v.statement = Some(statement);
    v.conclude()
}

/// Whether a folder's `report.html` is the one the statement signs: a reviewer opens it
/// from the pull request, so a page put in its place must not pass.
fn check_report(folder: &Path, statement: &Statement) -> CheckOutcome {
    let Some(signed) = &statement.predicate.report_html else {
        return CheckOutcome::Fail(
            "the statement does not sign its report.html (made by an older greenlight); sign \
             the run again"
                .into(),
        );
    };
    let path = folder.join("report.html");
    match sha256_of_file_not_linked(&path, MAX_STATEMENT_BYTES) {
        Err(err) => CheckOutcome::Fail(format!("cannot read {}: {err}", path.display())),
        Ok(sha256) if sha256 == signed.sha256 => CheckOutcome::Pass("matches its sha256".into()),
        Ok(_) => CheckOutcome::Fail(
            "report.html is not the report that was signed (its sha256 differs)".into(),
        ),
    }
}

/// Whether the comment is exactly what the verified statement renders: an edit anywhere,
/// folded part included, or text added around it, is caught. A compressed block is taken
/// as found, once it has inflated to exactly the signed bytes.
fn check_comment(
    comment: &Result<(String, Carried), String>,
    statement: &Statement,
    found: &Found,
) -> CheckOutcome {
    let (visible, carried) = match comment {
        Ok(comment) => comment,
        Err(why) => return CheckOutcome::Fail(why.clone()),
    };
    let expected = comment::render_with(statement, &found.statement, &found.signature, carried)
        .unwrap_or_default();
    if expected.trim_end() == visible.trim_end() {
        CheckOutcome::Pass("the comment is exactly what the signed statement renders".into())
    } else {
        CheckOutcome::Fail(format!(
            "the comment was edited (first difference at line {})",
            first_difference(&expected, visible)
        ))
    }
}

/// The sha256 of the `results.csv` that goes with a statement, when it has one.
fn csv_digest(csv: &ResultsCsv) -> Option<Result<String, String>> {
    match csv {
        ResultsCsv::NotCarried => None,
        ResultsCsv::Missing(why) => Some(Err(why.clone())),
        ResultsCsv::Beside(path) => Some(
            sha256_of_file_not_linked(path, MAX_STATEMENT_BYTES)
                .map_err(|err| format!("cannot read {}: {err}", path.display())),
        ),
    }
}

fn check_signature(found: &Found) -> Result<PublicKey> {
    let signature = SshSig::from_pem(found.signature.trim())
        .context("the signature is not an armored SSH signature")?;
    if signature.namespace() != NAMESPACE {
        bail!(
            "the signature is for namespace `{}`, not `{NAMESPACE}`",
            one_line(signature.namespace())
        );
    }
    let key = PublicKey::from(signature.public_key().clone());
    key.verify(NAMESPACE, &found.statement, &signature)
        .with_context(|| {
            format!(
                "the signature by {} does not match the statement's bytes (changed after signing?)",
                key.fingerprint(HashAlg::Sha256)
            )
        })?;
    Ok(key)
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

/// Where the README tells teams to keep their allowed-signers file, in the repository.
pub const TEAM_ALLOWED_SIGNERS: &str = ".github/allowed_signers";

/// The allowed-signers file for commands other than the gate: the one given, else git's
/// `gpg.ssh.allowedSignersFile`, else the repository's `.github/allowed_signers`. (The gate
/// takes it only from its flag.)
pub fn allowed_signers_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    find_allowed_signers(crate::git::toplevel(None).as_deref()).context(
        "no allowed-signers file: pass --allowed-signers FILE, set git's \
         gpg.ssh.allowedSignersFile, or keep the team's as .github/allowed_signers (on your \
         protected default branch)",
    )
}

/// git's `gpg.ssh.allowedSignersFile`, else `.github/allowed_signers` in `repository`
/// when it is there.
pub fn find_allowed_signers(repository: Option<&Path>) -> Option<PathBuf> {
    crate::git::config_value("gpg.ssh.allowedSignersFile")
        .map(PathBuf::from)
        .or_else(|| {
            let team = repository?.join(TEAM_ALLOWED_SIGNERS);
            team.is_file().then_some(team)
        })
}
