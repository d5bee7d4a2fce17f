//! `greenlight verify PATH` and `greenlight gate PATH… --commit SHA`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::cli::{GateArgs, VerifyArgs};
use crate::exit::NotGood;
use crate::signoff::allowed_signers::AllowedSigners;
use crate::signoff::verify::{Outcome, Trust, Verification, allowed_signers_path, find, verify};

fn trust(flag: Option<&Path>) -> Result<Trust> {
    let path = allowed_signers_path(flag)?;
    let repository = crate::git::toplevel()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    Ok(Trust {
        allowed_signers: AllowedSigners::load(&path)?,
        repository,
        now: chrono::Utc::now(),
    })
}

fn check(path: &Path, trust: &Trust) -> Result<Verification> {
    Ok(verify(find(path)?, trust))
}

/// Verifies one sign-off and prints every check by name; exit 1 unless all pass.
pub fn run(args: &VerifyArgs) -> Result<()> {
    let trust = trust(args.allowed_signers.as_deref())?;
    let verification = check(&args.path, &trust)?;
    if args.json {
        super::print_json(&verification)?;
    } else {
        let mut out = std::io::stdout().lock();
        for check in &verification.checks {
            let (word, detail) = match &check.outcome {
                Outcome::Pass(d) => ("ok", d),
                Outcome::Fail(d) => ("FAILED", d),
                Outcome::Skipped(d) => ("skipped", d),
            };
            writeln!(out, "{word:<7} {:<12} {detail}", check.name)?;
        }
    }
    if verification.verified() {
        Ok(())
    } else {
        let failed: Vec<&str> = verification
            .checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Fail(_)))
            .map(|c| c.name)
            .collect();
        Err(NotGood(format!(
            "{} does not verify: {} failed",
            args.path.display(),
            failed.join(", ")
        ))
        .into())
    }
}

/// What one sign-off means for the gate, counted into `approvals` or `rejections`.
fn judge(v: &Verification, commit: &str, approvals: &mut usize, rejections: &mut usize) -> String {
    let failed: Vec<String> = v
        .checks
        .iter()
        .filter_map(|c| match &c.outcome {
            Outcome::Fail(d) => Some(format!("{}: {d}", c.name)),
            _ => None,
        })
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
    if p.decision == "rejected" {
        *rejections += 1;
        return format!("REJECTS this commit: rejected by {who}");
    }
    if !v.verified() {
        return format!("does not count: not verified ({})", failed.join("; "));
    }
    if !v.passed("checklist") {
        return format!(
            "does not count: the checklist {} is not in this repository to check against",
            p.checklist.path
        );
    }
    if p.decision != "approved" || p.verdict.verdict != "passes" {
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
pub fn gate(args: &GateArgs) -> Result<()> {
    let trust = trust(args.allowed_signers.as_deref())?;
    let mut approvals = 0;
    let mut rejections = 0;
    for path in &args.paths {
        let line = match check(path, &trust) {
            Err(err) => format!("does not count: {err:#}"),
            Ok(v) => judge(&v, &args.commit, &mut approvals, &mut rejections),
        };
        println!("{}: {line}", path.display());
    }
    if approvals > 0 && rejections == 0 {
        println!("gate: open — {approvals} approval(s) of {}", args.commit);
        return Ok(());
    }
    let why = if rejections > 0 {
        format!("{rejections} verified rejection(s) of {}", args.commit)
    } else {
        format!(
            "no verified, approved, policy-passing sign-off of {}",
            args.commit
        )
    };
    Err(NotGood(format!("gate closed: {why}")).into())
}
