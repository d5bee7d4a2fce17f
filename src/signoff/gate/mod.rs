//! The CI gate (DESIGN.md §5.1, §7): which signed results count at a commit, judged against
//! the checklists pinned on the protected branch — never against anything a pull request
//! can change. Each statement's signature is verified over its bytes, then its signer
//! against the allowed signers; an untrusted statement is listed as not counting and
//! nothing else about it is read. A trusted rejection of the gated tree vetoes. Then, cell
//! by cell of each pinned checklist, the trusted results that hold at the commit (same
//! cell definition, same content key: `crate::carry`'s rule) are merged — those recorded on
//! the commit's own tree win, otherwise the worst — and the verdict is recomputed from the
//! merged cells with the pinned policy: what a statement says of its own verdict and counts
//! is never believed. No ancestry is involved, so approvals survive rebases and squash
//! merges, and the commit on the default branch and the release tag can be gated too.

mod explain;
mod merge;

use serde::Serialize;

pub use explain::{CellQuery, Explained, Explanation};

use super::envelope::{Envelope, FindError, Library, Listing, Opened, open};
use super::statement::{Decision, Statement};
use super::verify::{CheckName, Trust, Verification, verify};
use crate::carry::At;
use crate::checklist::Checklist;
use crate::content_key::Keys;
use crate::git::{History, Snapshot, short_commit};
use crate::status::Status;
use crate::untrusted::one_line;
use crate::verdict::Verdict;

/// A checklist read from the protected branch, with the sha256 of its exact bytes.
#[derive(Debug)]
pub struct Pinned {
    /// The file as the user named it.
    pub name: String,
    pub checklist: Checklist,
    pub sha256: String,
}

/// What one statement amounts to at the gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "standing", content = "why", rename_all = "kebab-case")]
pub enum Standing {
    /// A trusted approval some of whose results hold at this commit, and are merged.
    Counts,
    /// A trusted rejection of this commit's tree: the gate closes.
    Rejects,
    /// A trusted rejection of another tree: no veto here, but its results that hold here
    /// count like any other.
    RejectsElsewhere(String),
    /// A trusted approval none of whose results holds at this commit.
    Stale(String),
    /// The file could not be read.
    Unreadable(String),
    /// Not a sign-off, or a comment with other than one statement and one signature.
    Malformed(String),
    /// The signature's key is not listed, or the signer is not trusted for the tester the
    /// statement names.
    NotTrusted(String),
    /// Signed by a key the allowed signers list, but its statement cannot be found, read or
    /// matched to the signature: it cannot be checked, and the gate closes, since a veto
    /// must not be removable by deleting or editing a file (DESIGN.md §5.1).
    Unverifiable(String),
    /// Trusted, but something it carries does not verify.
    NotVerified(String),
    /// Trusted, but it followed a checklist no pinned checklist is (by id).
    OtherChecklist(String),
    /// Trusted, but its cells are not well formed (one listed twice, a failure without a
    /// note): it was not made by greenlight.
    BadCells(String),
}

impl Standing {
    /// Whether this statement closes the gate whatever the others say.
    pub fn closes(&self) -> bool {
        matches!(self, Standing::Rejects | Standing::Unverifiable(_))
    }
}

/// One line of the gate's report: a statement and what it amounts to. Text from the
/// statement is escaped (DESIGN.md §6), and given only for trusted statements.
#[derive(Debug, Clone, Serialize)]
pub struct StatementReport {
    pub path: String,
    #[serde(flatten)]
    pub standing: Standing,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tester: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The commit it signs, in full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The share in words (`safari × phone — 84 cells`), or the whole matrix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// How many of its results count at this commit.
    #[serde(skip_serializing_if = "is_zero")]
    pub holding: usize,
    /// How many of its results it carried from other statements (not its signer's own:
    /// they count only through the statement they came from).
    #[serde(skip_serializing_if = "is_zero")]
    pub carried: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Which environments one statement's counting results cover, and how many cells.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub tester: String,
    pub environments: Vec<String>,
    pub cells: usize,
}

/// Cells with no result in one environment.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    pub environment: String,
    pub cells: usize,
}

/// A cell two counting results disagree on: each tester and what they gave it.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub item: String,
    pub environment: String,
    pub results: Vec<(String, Status)>,
}

/// Trusted results of one item that do not hold at this commit, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Stale {
    pub tester: String,
    pub item: String,
    pub cells: usize,
    pub why: String,
}

/// The merge of the results of one pinned checklist, and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistReport {
    pub name: String,
    pub id: String,
    pub sha256: String,
    pub cells: usize,
    pub covered: usize,
    pub approvers: Vec<String>,
    pub coverage: Vec<Coverage>,
    pub missing: Vec<Missing>,
    pub disagreements: Vec<Disagreement>,
    /// Trusted results that do not hold here: re-test these.
    pub stale: Vec<Stale>,
    pub verdict: Verdict,
}

/// Everything the gate found, and whether it opens.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub commit: String,
    pub tree: String,
    pub statements: Vec<StatementReport>,
    pub checklists: Vec<ChecklistReport>,
    pub rejected: bool,
    /// A sign-off signed by a trusted key could not be checked.
    pub unverifiable: bool,
    pub open: bool,
    /// What `--explain` asked about one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained: Option<Explanation>,
}

/// The commit the gate judges: its tree, and the repository to say what changed.
pub struct Gated<'a> {
    pub snapshot: &'a Snapshot,
    pub history: Option<&'a History>,
}

/// A trusted statement kept for the veto and the merge.
struct Kept {
    /// Its line in the report.
    report: usize,
    sha256: String,
    statement: Statement,
    /// A block of a comment holding several, or a rejection that does not verify: only its
    /// veto is looked at.
    vetoes_only: bool,
}

/// Judges every statement and merges the results that hold at the gated commit. `inputs`
/// are what each path the gate was given holds (or why it holds nothing), in order; each is
/// read, judged and let go in turn — only a trusted statement is kept, and a sign-off whose
/// key is not listed is never read past its signature. `explain` asks why one cell's
/// results count or not.
pub fn judge_gate(
    inputs: impl IntoIterator<Item = (String, Result<Envelope, FindError>)>,
    gated: &Gated<'_>,
    pinned: &[Pinned],
    trust: &Trust,
    library: &Library,
    explain: Option<&CellQuery>,
) -> Result<GateReport, String> {
    let listing = Listing {
        allowed_signers: &trust.allowed_signers,
        now: trust.now,
    };
    let mut statements: Vec<StatementReport> = Vec::new();
    let mut kept: Vec<Kept> = Vec::new();
    for (path, input) in inputs {
        let index = statements.len();
        let report = match input {
            Ok(envelope) => match open(envelope, &listing, library) {
                Opened::Read(found) => {
                    let sha256 = crate::fsutil::sha256_hex(&found.statement);
                    let verification = verify(found, trust);
                    let (report, statement) = judge_one(path, &verification);
                    // A rejection that does not verify still vetoes, but none of its
                    // results is merged.
                    let vetoes_only = !verification.verified();
                    kept.extend(statement.map(|statement| Kept {
                        report: index,
                        sha256,
                        statement,
                        vetoes_only,
                    }));
                    report
                }
                other => bare(path, unopened(other)),
            },
            Err(FindError::Unreadable(err)) => bare(
                path,
                Standing::Unreadable(one_line(&format!("{err:#}")).into_owned()),
            ),
            Err(FindError::NotASignoff(why)) => {
                bare(path, Standing::Malformed(one_line(&why).into_owned()))
            }
            Err(FindError::Malformed { why, blocks }) => {
                // Stacked blocks never count, but a trusted rejection among them still
                // vetoes, and a trusted block that cannot be checked still closes.
                let mut report = bare(
                    path.clone(),
                    Standing::Malformed(one_line(&why).into_owned()),
                );
                for block in blocks {
                    match open(block, &listing, library) {
                        Opened::Read(found) => {
                            let sha256 = crate::fsutil::sha256_hex(&found.statement);
                            let verification = verify(found, trust);
                            let (judged, statement) = judge_one(path.clone(), &verification);
                            let rejection = statement
                                .as_ref()
                                .is_some_and(|s| s.predicate.decision == Decision::Rejected);
                            if judged.standing.closes() {
                                report = judged;
                            } else if rejection {
                                // Named, so that a veto says whose it is.
                                report = StatementReport {
                                    standing: report.standing,
                                    ..judged
                                };
                            }
                            kept.extend(
                                statement
                                    .filter(|s| s.predicate.decision == Decision::Rejected)
                                    .map(|statement| Kept {
                                        report: index,
                                        sha256,
                                        statement,
                                        vetoes_only: true,
                                    }),
                            );
                        }
                        other => {
                            let standing = unopened(other);
                            if standing.closes() {
                                report = bare(path.clone(), standing);
                            }
                        }
                    }
                }
                report
            }
        };
        statements.push(report);
    }
    let keys: Vec<Keys<'_>> = pinned
        .iter()
        .map(|pin| {
            Keys::new(gated.snapshot, &pin.checklist.policy.global_paths)
                .map_err(|why| format!("{}: {why}", pin.name))
        })
        .collect::<Result<_, _>>()?;
    let ats: Vec<At<'_>> = pinned
        .iter()
        .zip(&keys)
        .map(|(pin, keys)| At::new(&pin.checklist, keys))
        .collect();
    for k in kept
        .iter()
        .filter(|k| k.statement.predicate.decision == Decision::Rejected)
    {
        if vetoes(&k.statement, gated.snapshot) {
            statements[k.report].standing = Standing::Rejects;
        }
    }
    let (checklists, tallies) = merge::merge(&ats, pinned, &kept, gated.history);
    for (k, tally) in kept.iter().zip(&tallies) {
        let report = &mut statements[k.report];
        report.holding = tally.holding;
        report.carried = tally.carried;
        if k.vetoes_only || report.standing == Standing::Rejects {
            continue;
        }
        if k.statement.predicate.decision == Decision::Rejected {
            report.standing = Standing::RejectsElsewhere(format!(
                "a rejection of commit {}, another tree: {} of its results hold here and count",
                short_commit(k.statement.commit().unwrap_or("")),
                tally.holding
            ));
            continue;
        }
        report.share = tally.share.clone();
        report.standing = if let Some(why) = &tally.bad {
            Standing::BadCells(why.clone())
        } else if !tally.pinned {
            Standing::OtherChecklist(one_line(&k.statement.predicate.checklist.id).into_owned())
        } else if tally.holding > 0 {
            Standing::Counts
        } else {
            Standing::Stale(tally.stale_summary())
        };
    }
    let explained = explain
        .map(|query| explain::explain(query, &ats, &kept, &statements, gated.history))
        .transpose()?;
    let rejected = statements.iter().any(|s| s.standing == Standing::Rejects);
    let unverifiable = statements
        .iter()
        .any(|s| matches!(s.standing, Standing::Unverifiable(_)));
    let open = !rejected && !unverifiable && checklists.iter().all(|c| c.verdict.passes());
    Ok(GateReport {
        commit: gated.snapshot.commit.clone(),
        tree: gated.snapshot.tree.clone(),
        statements,
        checklists,
        rejected,
        unverifiable,
        open,
        explained,
    })
}

/// Whether the trusted rejection `statement` vetoes the gated commit: it was signed on the
/// same tree, or for the same commit — by the full id, or, for a statement of an older
/// version that names it abbreviated, by a prefix of at least 7 digits, so that a veto is
/// never dodged by spelling the commit differently.
fn vetoes(statement: &Statement, gated: &Snapshot) -> bool {
    if statement.predicate.tree.as_deref() == Some(gated.tree.as_str()) {
        return true;
    }
    let signed = statement.commit().unwrap_or("").to_ascii_lowercase();
    let hex = signed.len() >= 7 && signed.bytes().all(|b| b.is_ascii_hexdigit());
    hex && gated.commit.to_ascii_lowercase().starts_with(&signed)
}

/// What one sign-off amounts to before the merge, and its statement when it is trusted (a
/// rejection) or trusted and verified (an approval).
fn judge_one(path: String, verification: &Verification) -> (StatementReport, Option<Statement>) {
    let failure = |name: CheckName| {
        verification
            .failures()
            .find(|(failed, _)| *failed == name)
            .map(|(_, why)| why.to_string())
    };
    // Every sign-off judged here was signed by a listed key (see `open`). A comment whose
    // own statement does not match its signature is edited or forged — anyone can post
    // one, and removing it removes no veto — so it does not count. A file that does not
    // match (a committed folder, or the statement a comment names by hash) may be a veto
    // tampered with: it cannot be checked, and closes the gate.
    if let Some(why) = failure(CheckName::Signature) {
        let standing = if verification.inside_comment {
            Standing::NotTrusted(format!(
                "the comment was edited or forged: {}",
                one_line(&why)
            ))
        } else {
            Standing::Unverifiable(format!(
                "signed by a key the allowed signers list, but the signature does not match \
                 the statement: {}",
                one_line(&why)
            ))
        };
        return (bare(path, standing), None);
    }
    let Some(statement) = verification.statement.as_ref() else {
        let why = failure(CheckName::Statement).unwrap_or_default();
        return (bare(path, Standing::Malformed(why)), None);
    };
    if let Some(why) = failure(CheckName::Signer) {
        return (
            bare(
                path,
                Standing::NotTrusted(format!("the signer is not trusted: {why}")),
            ),
            None,
        );
    }
    // Trusted from here on: what the statement says may be read (and is shown escaped).
    let p = &statement.predicate;
    let mut report = StatementReport {
        path,
        standing: Standing::Counts,
        tester: Some(one_line(&format!("{} <{}>", p.tester.name, p.tester.email)).into_owned()),
        release: Some(one_line(&p.release).into_owned()),
        commit: statement.commit().map(|c| one_line(c).into_owned()),
        share: None,
        comment: p.comment.as_deref().map(|c| one_line(c).into_owned()),
        holding: 0,
        carried: 0,
    };
    // A rejection counts once its signer is trusted: an edit elsewhere must not lift a veto.
    if p.decision == Decision::Approved && !verification.verified() {
        let failures: Vec<String> = verification
            .failures()
            .map(|(name, why)| format!("{}: {why}", name.as_str()))
            .collect();
        report.standing = Standing::NotVerified(failures.join("; "));
        return (report, None);
    }
    (report, Some(statement.clone()))
}

/// What a sign-off whose statement was not read amounts to.
fn unopened(opened: Opened) -> Standing {
    let why = opened.refusal().unwrap_or_default();
    match opened {
        Opened::Unreadable { .. } => Standing::Unverifiable(why),
        Opened::Unlisted { .. } => Standing::NotTrusted(why),
        Opened::NotSigned(_) | Opened::Broken(_) | Opened::Read(_) => Standing::Malformed(why),
    }
}

fn bare(path: String, standing: Standing) -> StatementReport {
    StatementReport {
        path,
        standing,
        tester: None,
        release: None,
        commit: None,
        share: None,
        comment: None,
        holding: 0,
        carried: 0,
    }
}
