//! `run|start --carry-from SIGNOFF [--dry-run]`: finds and verifies the earlier approval,
//! works out what carries to this commit (the rule is `crate::carry`'s), says so, and records
//! the carried passes into the new run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::carry::{Earlier, Plan, plan};
use crate::checklist::Checklist;
use crate::cli::CarryArgs;
use crate::git::{History, short_commit};
use crate::journal::CarriedFrom;
use crate::run::{NewResult, RunSession};
use crate::signoff::comment::SIGNOFFS_FOLDER;
use crate::signoff::envelope::{FindError, Library, Listing, Opened, find, open};
use crate::signoff::statement::{Decision, Statement};
use crate::signoff::verify::verify;
use crate::untrusted::one_line;

use super::Refusal;
use super::start::Checked;

/// The earlier approval, verified, and what it carries to this run.
pub struct Prepared {
    pub provenance: CarriedFrom,
    pub origin: PathBuf,
    pub plan: Plan,
}

/// How many items not carried are listed when a run starts (`--dry-run` lists them all).
const REASONS_SHOWN: usize = 15;

/// Finds the approval `args` names (or the newest trusted one, for `auto`), verifies it,
/// checks its commit is an ancestor of `commit`, and plans what carries to `checklist`.
pub fn prepare(
    args: &CarryArgs,
    checklist: &Checklist,
    root: Option<&Path>,
    commit: Option<&str>,
) -> Result<Checked<Prepared>> {
    let Some(given) = &args.carry_from else {
        bail!("nothing to carry from");
    };
    let (Some(root), Some(commit)) = (root, commit) else {
        bail!(
            "--carry-from needs the run to be in a git repository at a known commit: it compares \
             the earlier approval's commit with this one"
        );
    };
    let trust = super::verify::trust(args.allowed_signers.as_deref(), None)?;
    let history = History::new(root);
    let library = Library::new(vec![root.join(SIGNOFFS_FOLDER)], Some(root.to_path_buf()));
    let listing = Listing {
        allowed_signers: &trust.allowed_signers,
        now: trust.now,
    };
    let candidates: Vec<PathBuf> = if is_auto(given) {
        signoff_folders(&root.join(SIGNOFFS_FOLDER))?
    } else {
        vec![given.clone()]
    };
    let mut refusals = Vec::new();
    let mut best: Option<(Statement, String, PathBuf)> = None;
    for path in candidates {
        let shown = one_line(&path.display().to_string()).into_owned();
        let envelope = match find(&path) {
            Ok(envelope) => envelope,
            Err(FindError::Unreadable(err)) if !is_auto(given) => return Err(err),
            Err(err) => {
                refusals.push(format!("{shown}: {}", one_line(&err.to_string())));
                continue;
            }
        };
        let opened = open(envelope, &listing, &library);
        let found = match opened {
            Opened::Read(found) => found,
            refused => {
                let why = refused.refusal().unwrap_or_default();
                refusals.push(format!("{shown}: {why}"));
                continue;
            }
        };
        let sha256 = crate::fsutil::sha256_hex(&found.statement);
        let verification = verify(found, &trust);
        let failures: Vec<String> = verification
            .failures()
            .map(|(name, why)| format!("{}: {why}", name.as_str()))
            .collect();
        let Some(statement) = verification.statement.filter(|_| failures.is_empty()) else {
            refusals.push(format!(
                "{shown} does not verify ({})",
                one_line(&failures.join("; "))
            ));
            continue;
        };
        let p = &statement.predicate;
        let earlier_commit = statement.commit().unwrap_or("").to_string();
        let why_not = if p.decision != Decision::Approved {
            Some("it is a rejection, and only an approval's passes carry".to_string())
        } else if p.checklist.id != checklist.id {
            Some(format!(
                "it approves checklist `{}`, not `{}`",
                one_line(&p.checklist.id),
                checklist.id
            ))
        } else {
            match history.is_ancestor(&earlier_commit, commit) {
                Ok(true) => None,
                Ok(false) => Some(format!(
                    "its commit {} is not an ancestor of this commit {}",
                    short_commit(&earlier_commit),
                    short_commit(commit)
                )),
                Err(why) => Some(why),
            }
        };
        if let Some(why) = why_not {
            refusals.push(format!("{shown}: {}", one_line(&why)));
            continue;
        }
        let newer = best
            .as_ref()
            .is_none_or(|(kept, _, _)| kept.predicate.signed < statement.predicate.signed);
        if newer {
            best = Some((statement, sha256, path));
        }
    }
    let Some((statement, sha256, origin)) = best else {
        let what = if !is_auto(given) {
            format!(
                "cannot carry from {}",
                one_line(&given.display().to_string())
            )
        } else {
            format!(
                "no trusted approval of `{}` under {SIGNOFFS_FOLDER} to carry from",
                checklist.id
            )
        };
        let mut message = what;
        for refusal in &refusals {
            message.push_str(&format!("\n  {refusal}"));
        }
        return Ok(Err(Refusal(message)));
    };
    let changed = history
        .changed_files(statement.commit().unwrap_or(""), commit)
        .map_err(anyhow::Error::msg)?;
    let earlier = Earlier::new(&statement, &sha256, changed);
    Ok(Ok(Prepared {
        provenance: earlier.provenance(),
        plan: plan(checklist, &earlier),
        origin,
    }))
}

/// Whether `--carry-from auto` was given: look for the newest approval.
fn is_auto(given: &Path) -> bool {
    given.as_os_str() == "auto"
}

/// The sign-off folders under `.greenlight/signoffs/`.
fn signoff_folders(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", folder.display())),
    };
    let mut folders = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", folder.display()))?
            .path();
        if path.join("signoff.json").is_file() {
            folders.push(path);
        }
    }
    folders.sort();
    Ok(folders)
}

/// Says what carries and why the rest does not; every reason with `all`.
pub fn print_plan(prepared: &Prepared, checklist: &Checklist, all: bool) {
    let from = &prepared.provenance;
    let total = checklist.cell_count();
    let carried = prepared.plan.carried.len();
    crate::output::note(one_line(&format!(
        "{carried} carried · {} to test — from the approval {} of commit {} by {} ({})",
        total - carried,
        prepared.origin.display(),
        short_commit(&from.commit),
        from.tester,
        from.statement.get(..12).unwrap_or(&from.statement)
    )));
    let reasons = &prepared.plan.not_carried;
    let shown = if all { reasons.len() } else { REASONS_SHOWN };
    for (item, cells, why) in reasons.iter().take(shown) {
        crate::output::note(one_line(&format!(
            "  {item} ({}): {why}",
            crate::words::count(*cells, "cell")
        )));
    }
    if reasons.len() > shown {
        crate::output::note(format!(
            "  … and {} more items (--dry-run lists every one)",
            reasons.len() - shown
        ));
    }
}

/// Records the carried passes into the new run, all at once.
pub fn record(session: &mut RunSession, prepared: &Prepared, tester: &str) -> Result<()> {
    let checklist = session.run().checklist();
    let news: Vec<NewResult> = prepared
        .plan
        .carried
        .iter()
        .map(|(cell, from)| {
            let item = &checklist.items[cell.item];
            let env = checklist.environments[cell.environment];
            NewResult {
                carried_from: Some(Box::new(from.clone())),
                ..NewResult::new(
                    &item.id,
                    &checklist.browsers[env.browser].id,
                    &checklist.viewports[env.viewport].id,
                    crate::status::Status::Pass,
                )
            }
        })
        .collect();
    session.record_all(&news, tester).map_err(|(done, err)| {
        anyhow::anyhow!("cannot record the carried passes ({done} recorded): {err}")
    })?;
    Ok(())
}
