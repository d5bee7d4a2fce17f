//! The CI gate (DESIGN.md §5.1): which sign-offs count for a commit, judged against the
//! checklists pinned on the protected branch — never against anything a pull request can
//! change. Each statement's signature is verified over its bytes, then its signer against
//! the allowed signers; an untrusted statement is listed as not counting and nothing else
//! about it is read. The trusted approvals of exactly that commit and that checklist are
//! merged cell by cell, the worst result winning, and the verdict is recomputed from the
//! merged cells with the pinned policy: what a statement says of its own verdict and counts
//! is never believed.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::envelope::{Envelope, FindError, Library, Listing, Opened, open};
use super::statement::{Decision, Statement};
use super::verify::{CheckName, Trust, Verification, verify};
use crate::carry::Provenance;
use crate::checklist::{Cell, Checklist};
use crate::status::Status;
use crate::untrusted::one_line;
use crate::verdict::{Outcome, Reason, Verdict, judge};

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
    /// A trusted approval of this commit and a pinned checklist, whose cells are merged.
    Counts,
    /// A trusted rejection of this commit: the gate closes.
    Rejects,
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
    /// Trusted, but for another commit.
    OtherCommit(String),
    /// Trusted, for this commit, but something it carries does not verify.
    NotVerified(String),
    /// Trusted, but it followed a checklist that is not pinned (the sha256 differs).
    OtherChecklist(String),
    /// Trusted, but its cells are not cells of its share of the pinned checklist.
    BadCells(String),
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
    /// The share in words (`safari × phone — 84 cells`), or the whole matrix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// How many carried passes of the counting approvals held through this one.
    #[serde(skip_serializing_if = "is_zero")]
    pub carried_through: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Which environments one approval covered, and how many cells it gave a result.
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

/// A cell two trusted approvals disagree on: each tester and what they gave it.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub item: String,
    pub environment: String,
    pub results: Vec<(String, Status)>,
}

/// A carried cell the gate does not count, and why (it counts as untested).
#[derive(Debug, Clone, Serialize)]
pub struct Uncarried {
    pub cell: String,
    pub why: String,
}

/// The merge of the approvals of one pinned checklist, and its verdict.
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
    /// Carried passes the gate checked again and counts.
    pub carried: usize,
    /// Carried passes that do not hold at the gated commit.
    pub uncarried: Vec<Uncarried>,
    pub verdict: Verdict,
}

/// Everything the gate found, and whether it opens.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub commit: String,
    pub statements: Vec<StatementReport>,
    pub checklists: Vec<ChecklistReport>,
    pub rejected: bool,
    /// A sign-off signed by a trusted key could not be checked.
    pub unverifiable: bool,
    pub open: bool,
}

/// One trusted approval's results, by cell of the pinned checklist.
struct Approval {
    tester: String,
    email: String,
    /// The signing key's fingerprint: one key is one approver, whatever names it signs as.
    key: String,
    results: Vec<(Cell, Outcome)>,
    carried: usize,
    uncarried: Vec<Uncarried>,
}

/// Whether a statement for `signed` is about the commit `gated`: the same object name, or
/// — for a rejection, which must never be dodged by spelling the commit differently — one
/// of at least 7 hex digits that is a prefix of the other.
fn same_commit(signed: &str, gated: &str, for_a_veto: bool) -> bool {
    let (signed, gated) = (signed.to_ascii_lowercase(), gated.to_ascii_lowercase());
    if signed == gated {
        return !signed.is_empty();
    }
    let hex = |s: &str| s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit());
    for_a_veto
        && hex(&signed)
        && hex(&gated)
        && (signed.starts_with(&gated) || gated.starts_with(&signed))
}

/// One input's place in the report: judged already, or a verified approval waiting for
/// every other to be known, since a pass it carried is checked through them.
enum Slot {
    Judged(StatementReport),
    Approval {
        path: String,
        sha256: String,
        verification: Box<Verification>,
    },
}

/// Judges every statement and merges the approvals. `inputs` are what each path the gate
/// was given holds (or why it holds nothing), in order; each is read, judged and let go
/// in turn — only a verified approval's statement is kept until the merge, and a sign-off
/// whose key is not listed is never read past its signature.
pub fn judge_gate(
    inputs: impl IntoIterator<Item = (String, Result<Envelope, FindError>)>,
    commit: &str,
    pinned: &[Pinned],
    trust: &Trust,
    library: &Library,
    history: Option<&crate::git::History>,
) -> GateReport {
    let mut approvals: Vec<Vec<Approval>> = pinned.iter().map(|_| Vec::new()).collect();
    let no_provenance = Provenance::new(HashMap::new(), None, commit);
    let early = Judge {
        commit,
        pinned,
        provenance: &no_provenance,
    };
    let listing = Listing {
        allowed_signers: &trust.allowed_signers,
        now: trust.now,
    };
    let mut slots = Vec::new();
    for (path, input) in inputs {
        let slot = match input {
            Ok(envelope) => match open(envelope, &listing, library) {
                Opened::Read(found) => {
                    let sha256 = crate::fsutil::sha256_hex(&found.statement);
                    let verification = verify(found, trust);
                    let approval = verification.verified()
                        && verification
                            .statement
                            .as_ref()
                            .is_some_and(|s| s.predicate.decision == Decision::Approved);
                    if approval {
                        Slot::Approval {
                            path,
                            sha256,
                            verification: Box::new(verification),
                        }
                    } else {
                        let mut ignored: Vec<Vec<Approval>> =
                            pinned.iter().map(|_| Vec::new()).collect();
                        Slot::Judged(early.one(path, &verification, &mut ignored))
                    }
                }
                other => Slot::Judged(bare(path, unopened(other))),
            },
            Err(FindError::Unreadable(err)) => Slot::Judged(bare(
                path,
                Standing::Unreadable(one_line(&format!("{err:#}")).into_owned()),
            )),
            Err(FindError::NotASignoff(why)) => {
                Slot::Judged(bare(path, Standing::Malformed(one_line(&why).into_owned())))
            }
            Err(FindError::Malformed { why, blocks }) => {
                // Stacked blocks never count, but a trusted rejection among them still
                // vetoes, and a trusted block that cannot be checked still closes.
                let mut ignored: Vec<Vec<Approval>> = pinned.iter().map(|_| Vec::new()).collect();
                let closing = blocks.into_iter().find_map(|block| {
                    let standing = match open(block, &listing, library) {
                        Opened::Read(found) => {
                            let verification = verify(found, trust);
                            early.one(path.clone(), &verification, &mut ignored)
                        }
                        other => bare(path.clone(), unopened(other)),
                    };
                    standing.standing.closes().then_some(standing)
                });
                Slot::Judged(closing.unwrap_or_else(|| {
                    bare(
                        path.clone(),
                        Standing::Malformed(one_line(&why).into_owned()),
                    )
                }))
            }
        };
        slots.push(slot);
    }
    let given: HashMap<String, &Statement> = slots
        .iter()
        .filter_map(|slot| match slot {
            Slot::Approval {
                sha256,
                verification,
                ..
            } => Some((sha256.clone(), verification.statement.as_ref()?)),
            Slot::Judged(_) => None,
        })
        .collect();
    let provenance = Provenance::new(given, history, commit);
    let judge = Judge {
        commit,
        pinned,
        provenance: &provenance,
    };
    let mut statements: Vec<StatementReport> = Vec::with_capacity(slots.len());
    let mut deferred = Vec::new();
    for slot in &slots {
        match slot {
            Slot::Judged(report) => statements.push(report.clone()),
            Slot::Approval {
                path,
                sha256,
                verification,
            } => {
                deferred.push((statements.len(), sha256));
                statements.push(judge.one(path.clone(), verification, &mut approvals));
            }
        }
    }
    for (index, sha256) in deferred {
        statements[index].carried_through = provenance.used(sha256);
    }
    let checklists: Vec<ChecklistReport> = pinned
        .iter()
        .zip(approvals)
        .map(|(pinned, approvals)| merge(pinned, &approvals))
        .collect();
    let rejected = statements.iter().any(|s| s.standing == Standing::Rejects);
    let unverifiable = statements
        .iter()
        .any(|s| matches!(s.standing, Standing::Unverifiable(_)));
    let open = !rejected && !unverifiable && checklists.iter().all(|c| c.verdict.passes());
    GateReport {
        commit: commit.to_string(),
        statements,
        checklists,
        rejected,
        unverifiable,
        open,
    }
}

impl Standing {
    /// Whether this statement closes the gate whatever the others say.
    pub fn closes(&self) -> bool {
        matches!(self, Standing::Rejects | Standing::Unverifiable(_))
    }
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
        share: None,
        comment: None,
        carried_through: 0,
    }
}

/// What one sign-off amounts to; a counting approval's results go into `approvals`.
/// What the gate judges each statement against.
struct Judge<'a> {
    commit: &'a str,
    pinned: &'a [Pinned],
    provenance: &'a Provenance<'a>,
}

impl Judge<'_> {
    fn one(
        &self,
        path: String,
        verification: &Verification,
        approvals: &mut [Vec<Approval>],
    ) -> StatementReport {
        let (commit, pinned) = (self.commit, self.pinned);
        let failure = |name: CheckName| {
            verification
                .failures()
                .find(|(failed, _)| *failed == name)
                .map(|(_, why)| why.to_string())
        };
        // Every sign-off judged here was signed by a listed key (see `open`). A comment
        // whose own statement does not match its signature is edited or forged — anyone can
        // post one, and removing it removes no veto — so it does not count. A file that does
        // not match (a committed folder, or the statement a comment names by hash) may be a
        // veto tampered with: it cannot be checked, and closes the gate.
        if let Some(why) = failure(CheckName::Signature) {
            if verification.inside_comment {
                return bare(
                    path,
                    Standing::NotTrusted(format!(
                        "the comment was edited or forged: {}",
                        one_line(&why)
                    )),
                );
            }
            return bare(
                path,
                Standing::Unverifiable(format!(
                    "signed by a key the allowed signers list, but the signature does not match \
                     the statement: {}",
                    one_line(&why)
                )),
            );
        }
        let Some(statement) = verification.statement.as_ref() else {
            let why = failure(CheckName::Statement).unwrap_or_default();
            return bare(path, Standing::Malformed(why));
        };
        if let Some(why) = failure(CheckName::Signer) {
            return bare(
                path,
                Standing::NotTrusted(format!("the signer is not trusted: {why}")),
            );
        }
        // Trusted from here on: what the statement says may be read (and is shown escaped).
        let p = &statement.predicate;
        let mut report = StatementReport {
            path,
            standing: Standing::Counts,
            tester: Some(one_line(&format!("{} <{}>", p.tester.name, p.tester.email)).into_owned()),
            release: Some(one_line(&p.release).into_owned()),
            share: None,
            comment: p.comment.as_deref().map(|c| one_line(c).into_owned()),
            carried_through: 0,
        };
        let statement_commit = statement.commit().unwrap_or("");
        let rejects = p.decision == Decision::Rejected;
        report.standing = if !same_commit(statement_commit, commit, rejects) {
            Standing::OtherCommit(one_line(statement_commit).into_owned())
        } else if rejects {
            Standing::Rejects
        } else if !verification.verified() {
            let failures: Vec<String> = verification
                .failures()
                .map(|(name, why)| format!("{}: {why}", name.as_str()))
                .collect();
            Standing::NotVerified(failures.join("; "))
        } else {
            match pinned
                .iter()
                .position(|pin| pin.sha256 == p.checklist.sha256)
            {
                None => Standing::OtherChecklist(one_line(&p.checklist.sha256).into_owned()),
                Some(index) => {
                    match results_of(statement, &pinned[index].checklist, self.provenance) {
                        Err(why) => Standing::BadCells(why),
                        Ok(given) => {
                            report.share = Some(given.label);
                            approvals[index].push(Approval {
                                tester: report.tester.clone().unwrap_or_default(),
                                email: p.tester.email.clone(),
                                key: p.tester.key.clone(),
                                results: given.results,
                                carried: given.carried,
                                uncarried: given.uncarried,
                            });
                            Standing::Counts
                        }
                    }
                }
            }
        };
        report
    }
}

/// What one approval gives the merge.
struct Given {
    results: Vec<(Cell, Outcome)>,
    /// The share in words.
    label: String,
    carried: usize,
    uncarried: Vec<Uncarried>,
}

/// The results a statement gives, as cells of the pinned checklist, checked to be exactly
/// cells of its share of it: none unknown, none twice, none outside the share. A carried
/// pass counts only when `provenance` finds it still holds; otherwise the cell is left
/// untested and the reason kept.
fn results_of(
    statement: &Statement,
    pinned: &Checklist,
    provenance: &Provenance<'_>,
) -> Result<Given, String> {
    let share = statement.predicate.share.clone().unwrap_or_default();
    let restricted = pinned.restrict(&share).map_err(|err| {
        format!(
            "its share does not fit the pinned checklist: {}",
            one_line(&err.to_string())
        )
    })?;
    let label = restricted.share_label().unwrap_or_else(|| {
        format!(
            "the whole matrix — {}",
            crate::words::count(restricted.cell_count(), "cell")
        )
    });
    let mut seen = HashSet::new();
    let mut results = Vec::new();
    let (mut carried, mut uncarried) = (0, Vec::new());
    for cell in &statement.predicate.cells {
        let name = || {
            one_line(&format!(
                "{} in {}/{}",
                cell.item, cell.browser, cell.viewport
            ))
            .into_owned()
        };
        // A cell of the share is a cell of the pinned checklist too, by its full indices.
        let in_share = restricted.cell_by_ids(&cell.item, &cell.browser, &cell.viewport);
        let full = pinned.cell_by_ids(&cell.item, &cell.browser, &cell.viewport);
        let (Some(_), Some(full)) = (in_share, full) else {
            return Err(format!(
                "{} is not a cell of its share of the pinned checklist",
                name()
            ));
        };
        if !seen.insert(full) {
            return Err(format!("{} is listed twice", name()));
        }
        if let Some(status) = cell.status {
            let described = cell.note.as_deref().is_some_and(|n| !n.trim().is_empty());
            if status.needs_note() && !described {
                return Err(format!("{} is {status} without a note saying why", name()));
            }
            if let Some(from) = &cell.carried_from {
                let item = &pinned.items[full.item];
                let holds = if status == Status::Pass {
                    provenance.check(item, &cell.browser, &cell.viewport, from)
                } else {
                    Err(format!("only a pass carries, and it says {status}"))
                };
                if let Err(why) = holds {
                    uncarried.push(Uncarried {
                        cell: name(),
                        why: one_line(&why).into_owned(),
                    });
                    continue;
                }
                carried += 1;
            }
            results.push((full, Outcome::new(status, cell.severity)));
        }
    }
    Ok(Given {
        results,
        label,
        carried,
        uncarried,
    })
}

/// How bad a status is, for "the worst result wins".
fn rank(status: Status) -> u8 {
    match status {
        Status::Pass => 0,
        Status::Skip => 1,
        Status::Blocked => 2,
        Status::Fail => 3,
    }
}

/// The worse of two outcomes; between two failures, the more severe.
fn worse(a: Outcome, b: Outcome, checklist: &Checklist, cell: Cell) -> Outcome {
    if rank(a.status) != rank(b.status) {
        return if rank(a.status) > rank(b.status) {
            a
        } else {
            b
        };
    }
    let default = checklist.items[cell.item].severity;
    if b.severity.unwrap_or(default) < a.severity.unwrap_or(default) {
        b
    } else {
        a
    }
}

/// The approvals of one pinned checklist merged: worst result per cell, disagreements,
/// coverage, what is missing, and the verdict recomputed with the pinned policy.
fn merge(pinned: &Pinned, approvals: &[Approval]) -> ChecklistReport {
    let checklist = &pinned.checklist;
    let mut merged: HashMap<Cell, (Outcome, Vec<(String, Status)>)> = HashMap::new();
    let mut coverage = Vec::new();
    for approval in approvals {
        let mut environments = std::collections::BTreeSet::new();
        for &(cell, outcome) in &approval.results {
            environments.insert(cell.environment);
            let entry = merged.entry(cell).or_insert_with(|| (outcome, Vec::new()));
            entry.0 = worse(entry.0, outcome, checklist, cell);
            entry.1.push((approval.tester.clone(), outcome.status));
        }
        coverage.push(Coverage {
            tester: approval.tester.clone(),
            environments: environments
                .into_iter()
                .map(|e| checklist.environment_key(e))
                .collect(),
            cells: approval.results.len(),
        });
    }
    let carried = approvals.iter().map(|a| a.carried).sum();
    let uncarried = approvals
        .iter()
        .flat_map(|a| a.uncarried.iter().cloned())
        .collect();
    let mut missing: BTreeMap<usize, usize> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for cell in checklist.cells() {
        match merged.get(&cell) {
            None => *missing.entry(cell.environment).or_default() += 1,
            Some((_, by)) if by.iter().any(|(_, s)| *s != by[0].1) => {
                disagreements.push(Disagreement {
                    item: checklist.items[cell.item].id.clone(),
                    environment: checklist.environment_key(cell.environment),
                    results: by.clone(),
                });
            }
            Some(_) => {}
        }
    }
    let mut verdict = judge(
        checklist,
        checklist
            .cells()
            .map(|cell| (cell, merged.get(&cell).map(|(outcome, _)| *outcome))),
    );
    // Distinct approvers: neither the same key nor the same principal twice, and only
    // approvals that give a result.
    let mut approvers: Vec<String> = Vec::new();
    let (mut keys, mut emails) = (HashSet::new(), HashSet::new());
    for approval in approvals.iter().filter(|a| !a.results.is_empty()) {
        let new_key = keys.insert(approval.key.as_str());
        let new_email = emails.insert(approval.email.as_str());
        if new_key && new_email {
            approvers.push(approval.tester.clone());
        }
    }
    let needed = checklist.policy.approvals;
    if approvers.len() < needed as usize {
        verdict.add(Reason::TooFewApprovers {
            needed,
            have: approvers.len(),
        });
    }
    ChecklistReport {
        name: pinned.name.clone(),
        id: checklist.id.clone(),
        sha256: pinned.sha256.clone(),
        cells: checklist.cell_count(),
        covered: merged.len(),
        approvers,
        coverage,
        missing: missing
            .into_iter()
            .map(|(environment, cells)| Missing {
                environment: checklist.environment_key(environment),
                cells,
            })
            .collect(),
        disagreements,
        carried,
        uncarried,
        verdict,
    }
}
