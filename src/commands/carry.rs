//! `run|start --carry-from SIGNOFF|auto [--dry-run]`: finds and verifies the earlier
//! sign-offs, works out what carries to this commit (the rule is `crate::carry`'s, the
//! gate's), says so, and records the carried passes into the new run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::carry::{At, Plan, Source, plan};
use crate::checklist::Checklist;
use crate::cli::CarryArgs;
use crate::content_key::Keys;
use crate::git::History;
use crate::run::{NewResult, RunSession};
use crate::signoff::comment::SIGNOFFS_FOLDER;
use crate::signoff::envelope::{FindError, Library, Listing, Opened, find, open};
use crate::signoff::statement::{Decision, Statement};
use crate::signoff::verify::verify;
use crate::untrusted::one_line;

use super::Refusal;
use super::start::Checked;

/// What the trusted earlier sign-offs carry to this run.
pub struct Prepared {
    pub plan: Plan,
    /// The trusted sign-offs weighed, by path (escaped).
    pub weighed: Vec<String>,
    /// The sign-offs left out, each with why (escaped: folder names come from the PR).
    pub left_out: Vec<String>,
}

/// How many items not carried are listed when a run starts (`--dry-run` lists them all).
const REASONS_SHOWN: usize = 15;

/// Finds the sign-off `args` names (or, for `auto`, every trusted one of this checklist
/// under `.greenlight/signoffs/`), verifies it, and plans what carries to `checklist` at
/// `commit`: each cell whose trusted results that hold there count a pass (DESIGN.md §7).
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
             what each item's paths select there with what the earlier sign-off tested"
        );
    };
    let trust = super::verify::trust(args.allowed_signers.as_deref(), None)?;
    let history = History::new(root);
    let library = Library::new(vec![root.join(SIGNOFFS_FOLDER)], Some(root.to_path_buf()));
    let listing = Listing {
        allowed_signers: &trust.allowed_signers,
        now: trust.now,
    };
    let auto = is_auto(given);
    let candidates: Vec<PathBuf> = if auto {
        signoff_folders(&root.join(SIGNOFFS_FOLDER))?
    } else {
        vec![given.clone()]
    };
    let mut refusals = Vec::new();
    let mut trusted: Vec<(String, String, Statement)> = Vec::new();
    for path in candidates {
        let shown = one_line(&path.display().to_string()).into_owned();
        let envelope = match find(&path) {
            Ok(envelope) => envelope,
            Err(FindError::Unreadable(err)) if !auto => return Err(err),
            Err(err) => {
                refusals.push(format!("{shown}: {}", one_line(&err.to_string())));
                continue;
            }
        };
        let found = match open(envelope, &listing, &library) {
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
        if p.checklist.id != checklist.id {
            refusals.push(format!(
                "{shown}: it signs checklist `{}`, not `{}`",
                one_line(&p.checklist.id),
                checklist.id
            ));
            continue;
        }
        // Named outright, only an approval makes sense; `auto` weighs rejections too, since
        // a failure they record on the same content stands.
        if !auto && p.decision != Decision::Approved {
            refusals.push(format!(
                "{shown}: it is a rejection, and only an approval's passes carry"
            ));
            continue;
        }
        trusted.push((shown, sha256, statement));
    }
    if !trusted
        .iter()
        .any(|(.., s)| s.predicate.decision == Decision::Approved)
    {
        let mut message = if auto {
            format!(
                "no trusted approval of `{}` under {SIGNOFFS_FOLDER} to carry from",
                checklist.id
            )
        } else {
            format!(
                "cannot carry from {}",
                one_line(&given.display().to_string())
            )
        };
        for refusal in &refusals {
            message.push_str(&format!("\n  {refusal}"));
        }
        return Ok(Err(Refusal(message)));
    }
    let snapshot = history.snapshot(commit).map_err(anyhow::Error::msg)?;
    let keys = Keys::new(&snapshot, &checklist.policy.global_paths).map_err(anyhow::Error::msg)?;
    let at = At::new(checklist, &keys);
    let sources: Vec<Source<'_>> = trusted
        .iter()
        .map(|(_, sha256, statement)| Source::new(sha256.clone(), statement))
        .collect();
    Ok(Ok(Prepared {
        plan: plan(&at, &sources, Some(&history)),
        weighed: trusted.iter().map(|(shown, ..)| shown.clone()).collect(),
        left_out: refusals,
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
    let total = checklist.cell_count();
    let carried = prepared.plan.carried.len();
    let from = crate::carry::describe(prepared.plan.carried.iter().map(|(_, f)| f), total)
        .unwrap_or_else(|| format!("0 of {total} cells carried"));
    crate::output::note(one_line(&format!(
        "{carried} carried · {} to test — {from} (weighed {})",
        total - carried,
        crate::words::count(prepared.weighed.len(), "trusted sign-off")
    )));
    for shown in &prepared.weighed {
        crate::output::note(format!("  weighed: {shown}"));
    }
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
            "  … and {} more (--dry-run lists every one)",
            reasons.len() - shown
        ));
    }
    for refusal in &prepared.left_out {
        crate::output::note(format!("  not weighed: {refusal}"));
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
