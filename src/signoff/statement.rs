//! `signoff.json`: the signed statement, an in-toto Statement v1 whose predicate is
//! greenlight's sign-off. Serialised with a fixed field order, LF line ends and no floats,
//! so the same inputs always give the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checklist::{Cell, Severity, Share};
use crate::journal::{CarriedFrom, Evidence};
use crate::results::Counts;
use crate::run::Run;
use crate::status::Status;
use crate::verdict::VerdictKind;

/// `_type` of every in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// `predicateType` of a greenlight sign-off, version 1 (DESIGN.md §5). Each cell now
/// carries its definition and content key (§7); a statement written before that has
/// neither, its cells hold nowhere, and its rejection vetoes only its own commit.
pub const PREDICATE_TYPE: &str = "https://greenlight.dev/signoff/v1";
/// The SSHSIG namespace of every sign-off signature.
pub const NAMESPACE: &str = "greenlight-signoff";

/// The in-toto statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Signoff,
}

/// What the statement is about: the repository at a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    pub digest: CommitDigest,
}

/// in-toto's digest set, holding the commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitDigest {
    #[serde(rename = "gitCommit")]
    pub git_commit: String,
}

/// greenlight's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    pub tool: Tool,
    pub run: String,
    pub checklist: ChecklistFacts,
    pub release: String,
    /// The share of the matrix the run covered; absent for all of it. Its cells are the
    /// statement's cells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
    pub tester: Signer,
    pub started: String,
    pub signed: String,
    pub decision: Decision,
    pub comment: Option<String>,
    pub verdict: VerdictFacts,
    pub counts: Counts,
    pub environments: Vec<EnvironmentCounts>,
    /// Version 1 only: each item's definition. Read, never written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub definitions: BTreeMap<String, String>,
    /// The tree of the signed commit: results recorded on the gated commit's own tree win,
    /// and a rejection vetoes exactly that tree (DESIGN.md §7). Absent when the commit was
    /// not in a repository at signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    pub cells: Vec<CellFacts>,
    pub results_csv: FileDigest,
    /// The sign-off folder's `report.html`, which reviewers open: signed so that a page put
    /// in its place is caught. Absent only in statements of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_html: Option<FileDigest>,
}

/// The tool that made the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// Which checklist, by its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistFacts {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub path: String,
    pub sha256: String,
}

/// Who signed, and with which key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    pub name: String,
    pub email: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub key: String,
}

/// The policy's verdict when signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictFacts {
    pub verdict: VerdictKind,
    pub reasons: Vec<String>,
}

/// One environment's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentCounts {
    pub environment: String,
    /// `Google Chrome · Phone 390×844`, the environment for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    pub counts: Counts,
}

/// One cell's latest result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellFacts {
    pub section: String,
    pub item: String,
    pub title: String,
    pub browser: String,
    pub viewport: String,
    #[serde(with = "crate::status::or_untested")]
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub note: Option<String>,
    pub tester: Option<String>,
    pub recorded_at: Option<String>,
    pub evidence: Vec<Evidence>,
    /// It passes now and failed earlier in the run: a re-test after a fix.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed_before: bool,
    /// A pass carried from an earlier approval: not the signer's own, so the gate counts it
    /// only through the statement it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<CarriedFrom>,
    /// The sha256 of the cell's definition (`checklist::definition`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The item's content key at the signed commit (`ContentKey::as_text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_key: Option<String>,
}

/// A file named by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDigest {
    pub sha256: String,
}

/// What the signer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approved,
    Rejected,
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Decision {
    /// `approved` or `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }
}

/// Everything a statement needs beyond the run itself.
pub struct StatementInputs<'a> {
    pub run: &'a Run,
    pub commit: &'a str,
    pub decision: Decision,
    pub comment: Option<String>,
    pub tester_name: String,
    pub tester_email: String,
    pub key_fingerprint: String,
    pub signed_at: String,
    pub results_csv_sha256: String,
    /// The items' content keys at the commit, when the repository could say.
    pub keys: Option<&'a crate::content_key::CommitKeys>,
}

impl Statement {
    /// The statement for a run and a decision.
    pub fn new(inputs: StatementInputs<'_>) -> Statement {
        let run = inputs.run;
        let checklist = run.checklist();
        let meta = run.meta();
        let verdict = run.verdict();
        let definitions = crate::checklist::definition::Definitions::new(checklist);
        let cells = checklist
            .cells()
            .map(|cell| CellFacts {
                definition: Some(definitions.sha256(cell)),
                content_key: inputs
                    .keys
                    .and_then(|keys| keys.items.get(cell.item))
                    .map(crate::content_key::ContentKey::as_text),
                ..cell_facts(run, cell)
            })
            .collect();
        Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: vec![Subject {
                name: meta
                    .repository
                    .clone()
                    .unwrap_or_else(|| format!("checklist:{}", checklist.id)),
                digest: CommitDigest {
                    git_commit: inputs.commit.to_string(),
                },
            }],
            predicate_type: PREDICATE_TYPE.into(),
            predicate: Signoff {
                tool: Tool {
                    name: "greenlight".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                },
                run: meta.id.clone(),
                checklist: ChecklistFacts {
                    id: meta.checklist.id.clone(),
                    title: meta.checklist.title.clone(),
                    version: meta.checklist.version.clone(),
                    path: meta.checklist.path.clone(),
                    sha256: meta.checklist.sha256.clone(),
                },
                release: meta.release.clone(),
                share: meta.share.clone(),
                tester: Signer {
                    name: inputs.tester_name,
                    email: inputs.tester_email,
                    key: inputs.key_fingerprint,
                },
                started: meta.started_at.clone(),
                signed: inputs.signed_at,
                decision: inputs.decision,
                comment: inputs.comment,
                verdict: VerdictFacts {
                    verdict: verdict.verdict,
                    reasons: verdict.reason_texts(),
                },
                counts: run.counts(),
                environments: run
                    .per_environment()
                    .iter()
                    .enumerate()
                    .map(|(e, counts)| EnvironmentCounts {
                        environment: checklist.environment_key(e),
                        label: checklist.environment_label(e),
                        counts: *counts,
                    })
                    .collect(),
                definitions: BTreeMap::new(),
                tree: inputs.keys.map(|keys| keys.tree.clone()),
                cells,
                results_csv: FileDigest {
                    sha256: inputs.results_csv_sha256,
                },
                report_html: None,
            },
        }
    }

    /// The exact bytes of `signoff.json`: pretty JSON, LF line ends, a final newline.
    pub fn to_bytes(&self) -> serde_json::Result<Vec<u8>> {
        // Bidi overrides and the like from a hostile checklist are written escaped: the same
        // JSON value, but the comment that carries it cannot be reordered (DESIGN.md §6).
        let mut bytes = crate::untrusted::to_json_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// The commit the statement is about.
    pub fn commit(&self) -> Option<&str> {
        self.subject.first().map(|s| s.digest.git_commit.as_str())
    }
}

fn cell_facts(run: &Run, cell: Cell) -> CellFacts {
    let checklist = run.checklist();
    let item = &checklist.items[cell.item];
    let env = checklist.environments[cell.environment];
    let latest = run.latest(cell);
    CellFacts {
        section: checklist.sections[item.section].id.clone(),
        item: item.id.clone(),
        title: item.title.clone(),
        browser: checklist.browsers[env.browser].id.clone(),
        viewport: checklist.viewports[env.viewport].id.clone(),
        status: latest.map(|r| r.status),
        severity: latest.and_then(|r| r.severity),
        note: latest.and_then(|r| r.note.clone()),
        tester: latest.map(|r| r.tester.clone()),
        recorded_at: latest.map(|r| r.at.clone()),
        evidence: latest.map(|r| r.evidence.clone()).unwrap_or_default(),
        // A re-test: it passes now, and failed earlier in this run (a result not undone).
        failed_before: latest.is_some_and(|r| r.status == Status::Pass)
            && run
                .history(cell)
                .iter()
                .any(|(r, undone)| !undone && r.status == Status::Fail),
        carried_from: latest.and_then(|r| r.carried_from.as_deref().cloned()),
        definition: None,
        content_key: None,
    }
}
