//! `greenlight verify PATH` and `greenlight gate PATH… --commit SHA`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::verdict::VerdictKind;

use crate::cli::{GateArgs, VerifyArgs};
use crate::signoff::allowed_signers::AllowedSigners;
use crate::signoff::statement::Decision;
use crate::signoff::verify::{
    CheckOutcome, FindError, Trust, Verification, allowed_signers_path, find, verify,
};

use super::Outcome;

fn trust(flag: Option<&Path>) -> Result<Trust> {
    let path = allowed_signers_path(flag)?;
    let repository = crate::git::toplevel(None).unwrap_or_else(|| std::path::PathBuf::from("."));
    Ok(Trust {
        allowed_signers: AllowedSigners::load(&path)?,
        repository,
        now: chrono::Utc::now(),
    })
}

/// Verifies one sign-off and prints every check by name; not good unless all pass.
pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let trust = trust(args.allowed_signers.as_deref())?;
    let verification = match find(&args.path) {
        Ok(found) => verify(found, &trust),
        Err(FindError::NotASignoff(why)) => return Ok(Outcome::NotGood(why)),
        Err(FindError::Unreadable(err)) => return Err(err),
    };
    if args.json {
        super::print_json(&verification)?;
    } else {
        let mut out = std::io::stdout().lock();
        for check in &verification.checks {
            let (word, detail) = match &check.outcome {
                CheckOutcome::Pass(d) => ("ok", d),
                CheckOutcome::Fail(d) => ("FAILED", d),
            };
            writeln!(out, "{word:<7} {:<12} {detail}", check.name.as_str())?;
        }
    }
    if verification.verified() {
        return Ok(Outcome::Done);
    }
    let failed: Vec<&str> = verification
        .failures()
        .map(|(name, _)| name.as_str())
        .collect();
    Ok(Outcome::NotGood(format!(
        "{} does not verify: {} failed",
        args.path.display(),
        failed.join(", ")
    )))
}

/// What one sign-off means for the gate, counted into `approvals` or `rejections`.
fn judge(v: &Verification, commit: &str, approvals: &mut usize, rejections: &mut usize) -> String {
    let failed: Vec<String> = v
        .failures()
        .map(|(name, detail)| format!("{}: {detail}", name.as_str()))
        .collect();
    let Some(s) = v.statement.as_ref().filter(|_| v.trusted()) else {
        return format!("does not count: not verified ({})", failed.join("; "));
    };
    let p = &s.predicate;
    let who = format!("{} <{}>", p.tester.name, p.tester.email);
    if s.commit() != Some(commit) {
        return format!(
            "does not count: {} by {who} for commit {}, not {commit}",
            p.decision,
            s.commit().unwrap_or("unknown")
        );
    }
    // A trusted rejection of this commit vetoes, even if something around it was edited.
    if p.decision == Decision::Rejected {
        *rejections += 1;
        return format!("REJECTS this commit: rejected by {who}");
    }
    if !v.verified() {
        return format!("does not count: not verified ({})", failed.join("; "));
    }
    if p.decision != Decision::Approved || p.verdict.verdict != VerdictKind::Passes {
        return format!(
            "does not count: the policy did not pass ({})",
            p.verdict.reasons.join("; ")
        );
    }
    *approvals += 1;
    format!("counts: approved by {who}, release {}", p.release)
}

/// Succeeds only if some sign-off verifies, approves, passes its policy and names exactly
/// this commit, and no verified sign-off of this commit rejects it.
pub fn gate(args: &GateArgs) -> Result<Outcome> {
    let trust = trust(args.allowed_signers.as_deref())?;
    let mut approvals = 0;
    let mut rejections = 0;
    for path in &args.paths {
        let line = match find(path) {
            Err(err) => format!("does not count: {err:#}"),
            Ok(found) => judge(
                &verify(found, &trust),
                &args.commit,
                &mut approvals,
                &mut rejections,
            ),
        };
        println!("{}: {line}", path.display());
    }
    if approvals > 0 && rejections == 0 {
        println!("gate: open — {approvals} approval(s) of {}", args.commit);
        return Ok(Outcome::Done);
    }
    let why = if rejections > 0 {
        format!("{rejections} verified rejection(s) of {}", args.commit)
    } else {
        format!(
            "no verified, approved, policy-passing sign-off of {}",
            args.commit
        )
    };
    Ok(Outcome::NotGood(format!("gate closed: {why}")))
}
