//! Writing a sign-off folder (DESIGN.md §5): what `greenlight signoff` and the walk's
//! summary both do once a decision is taken and the key is unlocked — the statement, its
//! signature, `results.csv`, the comment, the report and the evidence — in one place, so the
//! command line and the walk cannot sign differently. A folder that already holds a
//! sign-off is never written over.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::comment::{self, Carried};
use super::signing::Key;
use super::statement::{Decision, FileDigest, Statement, StatementInputs};
use crate::config::Tester;
use crate::content_key::CommitKeys;
use crate::export::{Safety, write_long_csv};
use crate::fsutil::{
    open_regular_file, sha256_hex, sha256_of_regular_file, write_atomically, write_atomically_with,
};
use crate::run::{Run, now_rfc3339};
use crate::verdict::Verdict;

/// A decision about a run, checked against it: ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub decision: Decision,
    pub comment: Option<String>,
    /// The full commit the run tested.
    pub commit: String,
    pub tester: Tester,
    /// The items' content keys at that commit, or why the repository cannot say (then no
    /// cell of this sign-off can count at the gate).
    pub keys: std::result::Result<CommitKeys, String>,
}

/// Why a run cannot be signed as asked: said to the tester, never an error of the
/// environment.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// A rejection says why.
    NeedsComment,
    /// The policy blocks approval: what is missing or failed.
    PolicyBlocks(Verdict),
    /// The run was started where git could not tell its commit, and none was given.
    NoCommit,
    /// The commit given is not the one the run recorded.
    CommitMismatch { recorded: String, given: String },
    /// The commit is abbreviated and no repository here resolves it.
    ShortCommit(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NeedsComment => write!(f, "a rejection needs a comment saying why"),
            Refused::PolicyBlocks(verdict) => write!(
                f,
                "it cannot be approved: {verdict}; record the missing results, or reject it \
                 with a comment"
            ),
            Refused::NoCommit => write!(
                f,
                "the run does not know its commit (it was started outside a git repository); \
                 sign it with `greenlight signoff RUN --commit SHA`, naming the commit tested"
            ),
            Refused::CommitMismatch { recorded, given } => write!(
                f,
                "the run was started at commit {recorded}; --commit {given} does not match it"
            ),
            Refused::ShortCommit(commit) => write!(
                f,
                "commit `{commit}` is abbreviated and no repository here resolves it; sign in \
                 the repository, or give the full 40-digit id with --commit"
            ),
        }
    }
}

/// Checks `decision` against the run: a rejection needs a comment, an approval a policy
/// that passes, and the commit must be known by its full id (`repository`, where the
/// content keys are read, resolves an abbreviation).
pub fn decide(
    run: &Run,
    decision: Decision,
    comment: Option<&str>,
    commit: Option<&str>,
    repository: Option<&Path>,
) -> Result<std::result::Result<Decided, Refused>> {
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if decision == Decision::Rejected && comment.is_none() {
        return Ok(Err(Refused::NeedsComment));
    }
    let verdict = run.verdict();
    if decision == Decision::Approved && !verdict.passes() {
        return Ok(Err(Refused::PolicyBlocks(verdict)));
    }
    let full = |commit: &str| crate::git::commit_id(commit, repository);
    let commit = match (run.meta().commit.as_deref(), commit) {
        (Some(recorded), Some(given)) if full(recorded) != full(given) || full(given).is_none() => {
            return Ok(Err(Refused::CommitMismatch {
                recorded: recorded.to_string(),
                given: given.to_string(),
            }));
        }
        (Some(commit), _) | (None, Some(commit)) => match full(commit) {
            Some(full) => full,
            None => return Ok(Err(Refused::ShortCommit(commit.to_string()))),
        },
        (None, None) => return Ok(Err(Refused::NoCommit)),
    };
    let tester = Tester::parse(&run.meta().tester).context("the run's tester")?;
    let keys = match repository {
        Some(root) => crate::content_key::at_commit(root, &commit, run.checklist()),
        None => Err("it was signed outside a git repository".to_string()),
    };
    Ok(Ok(Decided {
        decision,
        comment,
        commit,
        tester,
        keys,
    }))
}

/// Where a run's sign-off goes when no folder is named: `.greenlight/signoffs/RUN/` of the
/// repository, where `verify` and the gate look (`signoff-RUN/` outside one); a folder that
/// already holds a sign-off (a rejection signed earlier) is never reused: `RUN-2/`, …
pub fn default_folder(run_id: &str, repository: Option<&Path>) -> PathBuf {
    let (parent, stem) = match repository {
        Some(root) => (root.join(comment::SIGNOFFS_FOLDER), run_id.to_string()),
        None => (PathBuf::new(), format!("signoff-{run_id}")),
    };
    (1..)
        .map(|n| match n {
            1 => parent.join(&stem),
            n => parent.join(format!("{stem}-{n}")),
        })
        .find(|dir| !holds_a_signoff(dir))
        .unwrap_or_else(|| parent.join(stem))
}

/// Whether `dir` already holds a signed sign-off.
fn holds_a_signoff(dir: &Path) -> bool {
    ["signoff.json", "signoff.json.sig"]
        .iter()
        .any(|name| dir.join(name).symlink_metadata().is_ok())
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    pub dir: PathBuf,
    pub decided: Decided,
    pub fingerprint: String,
    pub evidence_files: usize,
    /// How the comment carries the statement: by its hash only means the folder must be
    /// committed for the comment to be checked.
    pub carried: Carried,
}

/// Signs `decided` for `run` with `key` into `dir`: refused when `dir` already holds a
/// sign-off, and nothing written when an evidence file is missing or changed.
pub fn write(run: &Run, decided: &Decided, key: &Key, dir: &Path) -> Result<Written> {
    if holds_a_signoff(dir) {
        bail!(
            "{} already holds a sign-off, which is never written over; name another folder \
             with -o",
            dir.display()
        );
    }
    let mut results_csv = Vec::new();
    write_long_csv(run, Safety::Spreadsheet, &mut results_csv)?;
    let mut statement = Statement::new(StatementInputs {
        run,
        commit: &decided.commit,
        decision: decided.decision,
        comment: decided.comment.clone(),
        tester_name: decided.tester.name.clone(),
        tester_email: decided.tester.email.clone(),
        key_fingerprint: key.fingerprint(),
        signed_at: now_rfc3339(),
        results_csv_sha256: sha256_hex(&results_csv),
        keys: decided.keys.as_ref().ok(),
    });
    let evidence = evidence_to_copy(run, &statement, dir)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    copy_evidence(&evidence)?;
    // The report embeds the copied screenshots; the statement signs the report's bytes, so
    // a page put in its place is caught (its own fields are all set by now).
    let mut report = Vec::new();
    crate::export::html::write_report(run, Some(&statement), dir, &mut report)?;
    statement.predicate.report_html = Some(FileDigest {
        sha256: sha256_hex(&report),
    });
    let statement_bytes = statement.to_bytes()?;
    let signature = key.sign(&statement_bytes)?;
    let (markdown, carried) = comment::render(&statement, &statement_bytes, &signature)?;
    write_atomically(&dir.join("results.csv"), &results_csv)?;
    write_atomically(&dir.join("report.html"), &report)?;
    write_atomically(&dir.join("signoff.json"), &statement_bytes)?;
    write_atomically(&dir.join("signoff.json.sig"), signature.as_bytes())?;
    write_atomically(&dir.join("signoff.md"), markdown.as_bytes())?;
    Ok(Written {
        dir: dir.to_path_buf(),
        decided: decided.clone(),
        fingerprint: key.fingerprint(),
        evidence_files: evidence.len(),
        carried,
    })
}

/// What a written sign-off says, line by line — what was signed, where, and what to do
/// with the folder next: the same words after `greenlight signoff` and after the walk.
pub fn said(written: &Written, run: &Run) -> Vec<String> {
    let dir = written.dir.display();
    let mut lines = vec![
        format!(
            "{} release {} at commit {} by {}, signed with {}",
            written.decided.decision.as_str(),
            run.meta().release,
            written.decided.commit,
            written.decided.tester,
            written.fingerprint
        ),
        format!(
            "wrote {dir}/{{signoff.json, signoff.json.sig, results.csv, signoff.md, report.html}}{}",
            match written.evidence_files {
                0 => String::new(),
                1 => " and 1 evidence file".to_string(),
                n => format!(" and {n} evidence files"),
            }
        ),
        format!("post it on the pull request: gh pr comment NUMBER --body-file {dir}/signoff.md"),
    ];
    if let Err(why) = &written.decided.keys {
        lines.push(format!(
            "warning: no cell of this sign-off can count at the gate: the content keys of commit \
             {} could not be read ({why}); sign in a clone that has the commit",
            crate::git::short_commit(&written.decided.commit)
        ));
    }
    if matches!(written.carried, Carried::ByHash(_)) {
        lines.push(format!(
            "the statement is too large for a comment, which carries its sha256: commit this \
             folder under {}/ in the pull request, where verify and gate find it",
            comment::SIGNOFFS_FOLDER
        ));
    }
    lines
}

/// Where each file the statement names is copied from — the run folder, or, for a run made
/// before evidence was copied, where it was attached — and to under `dir/evidence/`, each
/// checked against its hash before anything is written.
fn evidence_to_copy(
    run: &Run,
    statement: &Statement,
    dir: &Path,
) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut copies = Vec::new();
    let mut seen = HashSet::new();
    for evidence in statement
        .predicate
        .cells
        .iter()
        .flat_map(|c| c.evidence.iter())
    {
        let Some(target) = crate::evidence::kept_file(dir, evidence) else {
            bail!(
                "the evidence {} has no sha256 to file it under",
                evidence.path
            );
        };
        if !seen.insert(target.clone()) {
            continue;
        }
        // A run made before evidence was copied names the file where it was attached.
        let attached = Some(PathBuf::from(&evidence.path)).filter(|p| p.is_absolute());
        let source = crate::evidence::kept_file(run.dir(), evidence)
            .filter(|kept| kept.is_file() || attached.is_none())
            .or(attached)
            .unwrap_or_else(|| run.dir().join(&evidence.path));
        let sha256 = sha256_of_regular_file(&source, crate::evidence::MAX_KEPT_BYTES)
            .with_context(|| {
                format!(
                    "the evidence {} of run {} is missing from {}; record that cell again with \
                 the file (`e` in the walk, or record --evidence FILE), or without it",
                    evidence.name.as_deref().unwrap_or(&evidence.path),
                    run.meta().id,
                    source.display()
                )
            })?;
        if sha256 != evidence.sha256 {
            bail!(
                "{} no longer has the sha256 it was attached with; record that cell again \
                 with the file as it should be",
                source.display()
            );
        }
        copies.push((source, target));
    }
    Ok(copies)
}

/// Copies the evidence files found by [`evidence_to_copy`] into place.
fn copy_evidence(copies: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (source, target) in copies {
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        write_atomically_with(target, |out| {
            let mut file = open_regular_file(source)?;
            std::io::copy(&mut file, out)?;
            Ok(())
        })
        .with_context(|| format!("cannot copy {}", source.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_folder_is_never_one_already_signed() {
        let repo = tempfile::tempdir().unwrap();
        let first = default_folder("r1", Some(repo.path()));
        assert_eq!(first, repo.path().join(".greenlight/signoffs/r1"));
        std::fs::create_dir_all(&first).unwrap();
        assert_eq!(
            default_folder("r1", Some(repo.path())),
            first,
            "an empty folder is free"
        );
        std::fs::write(first.join("signoff.json.sig"), "x").unwrap();
        let second = default_folder("r1", Some(repo.path()));
        assert_eq!(second, repo.path().join(".greenlight/signoffs/r1-2"));
        std::fs::create_dir_all(&second).unwrap();
        std::fs::write(second.join("signoff.json"), "x").unwrap();
        assert_eq!(
            default_folder("r1", Some(repo.path())),
            repo.path().join(".greenlight/signoffs/r1-3")
        );
        assert_eq!(default_folder("r1", None), PathBuf::from("signoff-r1"));
    }
}
