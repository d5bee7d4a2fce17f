//! `greenlight verify PATH` and `greenlight gate PATH… --commit SHA --checklist FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::checklist::{Checklist, LoadError};
use crate::cli::{GateArgs, VerifyArgs};
use crate::fsutil::sha256_hex;
use crate::git::short_commit;
use crate::signoff::allowed_signers::AllowedSigners;
use crate::signoff::comment::escape;
use crate::signoff::envelope::{FindError, Library, Listing, Opened, find, open};
use crate::signoff::gate::{
    CellQuery, Explanation, GateReport, Gated, Pinned, Standing, StatementReport, judge_gate,
};
use crate::signoff::verify::{
    CheckName, CheckOutcome, Trust, Verification, allowed_signers_path, verify,
};
use crate::untrusted::one_line;

use super::Outcome;

/// The allowed signers (with a warning for each line ssh-keygen would skip too) and the
/// time; `repository` is where `verify` finds the checklist a statement names.
pub(super) fn trust(flag: Option<&Path>, repository: Option<PathBuf>) -> Result<Trust> {
    let path = allowed_signers_path(flag)?;
    let allowed_signers = AllowedSigners::load(&path)?;
    for (line, why) in allowed_signers.unreadable() {
        crate::output::warn(format!(
            "{} line {line} is skipped, as ssh-keygen skips it: {why}",
            path.display()
        ));
    }
    Ok(Trust {
        allowed_signers,
        repository,
        now: chrono::Utc::now(),
    })
}

/// The folders to look up a statement by its hash in: those given, else this repository's
/// `.greenlight/signoffs`; and this repository's history, where a folder deleted since it
/// was committed is still found.
fn library(given: &[PathBuf]) -> Library {
    let root = crate::git::toplevel(None);
    let folders = if given.is_empty() {
        let top = root.clone().unwrap_or_else(|| PathBuf::from("."));
        vec![top.join(crate::signoff::comment::SIGNOFFS_FOLDER)]
    } else {
        given.to_vec()
    };
    Library::new(folders, root)
}

/// Verifies one sign-off and prints every check by name; not good unless all pass.
pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let repository = crate::git::toplevel(None).unwrap_or_else(|| PathBuf::from("."));
    let trust = trust(args.allowed_signers.as_deref(), Some(repository))?;
    let envelope = match find(&args.path) {
        Ok(envelope) => envelope,
        Err(FindError::NotASignoff(why) | FindError::Malformed { why, .. }) => {
            return Ok(Outcome::NotGood(why));
        }
        Err(FindError::Unreadable(err)) => return Err(err),
    };
    let listing = Listing {
        allowed_signers: &trust.allowed_signers,
        now: trust.now,
    };
    let opened = open(envelope, &listing, &library(&args.signoffs));
    let why = opened.refusal().unwrap_or_default();
    let verification = match opened {
        Opened::Read(found) => verify(found, &trust),
        Opened::NotSigned(_) => Verification::failed(&args.path, CheckName::Signature, why),
        Opened::Broken(_) => Verification::failed(&args.path, CheckName::Statement, why),
        Opened::Unlisted { .. } => Verification::failed(&args.path, CheckName::Signer, why),
        Opened::Unreadable { .. } => Verification::failed(&args.path, CheckName::Statement, why),
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
            let line = format!("{word:<7} {:<12} {detail}", check.name.as_str());
            writeln!(out, "{}", one_line(&line))?;
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

/// Reads a pinned checklist: an unreadable or invalid one is an error of the CI set-up.
fn pinned(path: &Path) -> Result<Pinned> {
    let (checklist, bytes) = Checklist::load_with_bytes(path).map_err(|err| match err {
        LoadError::Invalid(invalid) => {
            anyhow::anyhow!(
                "the pinned checklist {} is not valid:\n{invalid}",
                path.display()
            )
        }
        other => other.into(),
    })?;
    Ok(Pinned {
        name: path.display().to_string(),
        checklist,
        sha256: sha256_hex(&bytes),
    })
}

/// Opens only when the trusted approvals of the commit, merged, pass every pinned
/// checklist's policy and no trusted rejection of it exists (DESIGN.md §5.1).
pub fn gate(args: &GateArgs) -> Result<Outcome> {
    let Some(root) = crate::git::toplevel(None) else {
        bail!(
            "the gate runs in a clone of the repository: it reads the gated commit's tree to \
             know which signed results still hold there"
        );
    };
    let history = crate::git::History::new(&root);
    let snapshot = history
        .snapshot(&args.commit)
        .map_err(|why| anyhow::anyhow!("--commit {}: {why}", one_line(&args.commit)))?;
    let mut pinned: Vec<Pinned> = Vec::new();
    for path in &args.checklist {
        let next = self::pinned(path)?;
        match pinned.iter().find(|earlier| earlier.sha256 == next.sha256) {
            // The same bytes twice: one checklist, judged once.
            Some(earlier) => crate::output::warn(format!(
                "--checklist {} is the same checklist as {} (same sha256): it is judged once",
                next.name, earlier.name
            )),
            None => pinned.push(next),
        }
    }
    // No repository: the gate never opens a checklist a statement names.
    let trust = trust(Some(&args.allowed_signers), None)?;
    let library = library(&args.signoffs);
    // Read one at a time, as the gate judges them.
    let inputs = args
        .paths
        .iter()
        .map(|path| (path.display().to_string(), find(path)));
    let query = args.explain.as_ref().map(|ids| CellQuery {
        item: ids.first().cloned().unwrap_or_default(),
        browser: ids.get(1).cloned().unwrap_or_default(),
        viewport: ids.get(2).cloned().unwrap_or_default(),
    });
    let gated = Gated {
        snapshot: &snapshot,
        history: Some(&history),
    };
    let report = judge_gate(inputs, &gated, &pinned, &trust, &library, query.as_ref())
        .map_err(anyhow::Error::msg)?;
    if args.json {
        super::print_json(&report)?;
    } else {
        print_report(&report)?;
    }
    if let Some(path) = &args.summary {
        append_summary(path, &report)?;
    }
    if report.open {
        return Ok(Outcome::Done);
    }
    if report.statements.is_empty() {
        return Ok(Outcome::NotGood(format!(
            "gate closed for {}: no sign-offs yet",
            report.commit
        )));
    }
    Ok(Outcome::NotGood(format!(
        "gate closed for {}",
        report.commit
    )))
}

/// What one statement line says after its path.
fn standing_text(statement: &StatementReport) -> String {
    let tester = statement.tester.as_deref().unwrap_or("?");
    match &statement.standing {
        Standing::Counts => format!(
            "counts: approved by {tester}, release {}, {}; {} hold at this commit{}{}",
            statement.release.as_deref().unwrap_or("?"),
            statement.share.as_deref().unwrap_or("?"),
            crate::words::count(statement.holding, "result"),
            match statement.commit.as_deref() {
                Some(commit) => format!(" (signed at {})", short_commit(commit)),
                None => String::new(),
            },
            match statement.carried {
                0 => String::new(),
                n => format!(
                    "; {} it carried from earlier sign-offs count only through them",
                    crate::words::count(n, "result")
                ),
            }
        ),
        Standing::Rejects => format!(
            "REJECTS this commit: rejected by {tester}{}",
            statement
                .comment
                .as_deref()
                .map(|c| format!(": {c}"))
                .unwrap_or_default()
        ),
        Standing::Unreadable(why) => format!("does not count: cannot be read ({why})"),
        Standing::Malformed(why) => format!("does not count: {why}"),
        Standing::NotTrusted(why) => format!("does not count: {why}"),
        Standing::Unverifiable(why) => {
            format!("CLOSES the gate: a trusted sign-off cannot be checked: {why}")
        }
        Standing::RejectsElsewhere(why) => format!("rejected by {tester}: {why}"),
        Standing::Stale(why) => format!("does not count: approved by {tester}, but {why}"),
        Standing::NotVerified(why) => {
            format!("does not count: signed by {tester}, but it does not verify ({why})")
        }
        Standing::OtherChecklist(id) => {
            format!("does not count: signed by {tester} for checklist `{id}`, which is not pinned")
        }
        Standing::BadCells(why) => format!("does not count: signed by {tester}, but {why}"),
    }
}

/// How many stale items the report lists one by one.
const STALE_SHOWN: usize = 20;

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// The report for people: one line per statement, then each checklist's merge. Every
/// line goes out through the escaping rule, whatever it holds: text from a statement can
/// never start a line of its own in a CI log.
fn print_report(report: &GateReport) -> Result<()> {
    let mut out = LineWriter(std::io::stdout().lock());
    for statement in &report.statements {
        out.line(format!("{}: {}", statement.path, standing_text(statement)))?;
    }
    for checklist in &report.checklists {
        out.line(format!(
            "checklist {} ({}, sha256 {}): {} of {} have a result from {}",
            checklist.name,
            checklist.id,
            short(&checklist.sha256),
            checklist.covered,
            crate::words::count(checklist.cells, "cell"),
            crate::words::count(checklist.coverage.len(), "approval")
        ))?;
        for coverage in &checklist.coverage {
            out.line(format!(
                "  covered by {}: {} ({})",
                coverage.tester,
                coverage.environments.join(", "),
                crate::words::count(coverage.cells, "cell")
            ))?;
        }
        if !checklist.missing.is_empty() {
            let missing: Vec<String> = checklist
                .missing
                .iter()
                .map(|m| format!("{} ({})", m.environment, m.cells))
                .collect();
            let total: usize = checklist.missing.iter().map(|m| m.cells).sum();
            out.line(format!("  missing: {total} cells — {}", missing.join(", ")))?;
        }
        for disagreement in &checklist.disagreements {
            let results: Vec<String> = disagreement
                .results
                .iter()
                .map(|(tester, status)| format!("{status} by {tester}"))
                .collect();
            out.line(format!(
                "  disagreement: {} in {}: {}",
                disagreement.item,
                disagreement.environment,
                results.join(", ")
            ))?;
        }
        if !checklist.stale.is_empty() {
            let cells: usize = checklist.stale.iter().map(|s| s.cells).sum();
            out.line(format!(
                "  to test again: {} whose signed results do not hold at this commit",
                crate::words::count(cells, "cell")
            ))?;
            for stale in checklist.stale.iter().take(STALE_SHOWN) {
                out.line(format!(
                    "    {} ({}, by {}): {}",
                    stale.item,
                    crate::words::count(stale.cells, "cell"),
                    stale.tester,
                    stale.why
                ))?;
            }
            if checklist.stale.len() > STALE_SHOWN {
                out.line(format!(
                    "    … and {} more (--json lists every one)",
                    checklist.stale.len() - STALE_SHOWN
                ))?;
            }
        }
        out.line(format!("  verdict: {}", checklist.verdict))?;
    }
    if let Some(explained) = &report.explained {
        print_explanation(&mut out, explained)?;
    }
    let decision = if report.open {
        "open: the trusted approvals of this commit pass every pinned checklist".to_string()
    } else if report.statements.is_empty() {
        "closed: no sign-offs yet — testers sign with `greenlight signoff` and post the \
         comment on the pull request"
            .to_string()
    } else if report.rejected {
        "closed: a trusted tester rejected this commit".to_string()
    } else if report.unverifiable {
        "closed: a sign-off signed by a trusted key cannot be checked (its statement is \
         missing or does not match its signature); commit its sign-off folder, or have the \
         comment removed"
            .to_string()
    } else {
        "closed: the trusted approvals of this commit do not pass every pinned checklist"
            .to_string()
    };
    out.line(format!("gate {decision} ({})", report.commit))
}

/// `--explain`: the cell's definition and key here, its result, and each trusted
/// statement's result for it with why it counts or not.
fn print_explanation<W: Write>(out: &mut LineWriter<W>, explained: &Explanation) -> Result<()> {
    out.line(format!(
        "explain {} in {}/{} (checklist {}): {}",
        explained.item,
        explained.browser,
        explained.viewport,
        explained.checklist,
        explained
            .result
            .map_or("untested: no trusted result holds here".to_string(), |s| {
                format!("{s} counts")
            })
    ))?;
    out.line(format!(
        "  here: definition {}, content key {}",
        short(&explained.definition),
        explained.content_key
    ))?;
    if explained.statements.is_empty() {
        out.line("  no trusted statement given has a result for this cell".to_string())?;
    }
    for line in &explained.statements {
        out.line(format!(
            "  {} {}: {} by {} at {} — {}",
            if line.counts { "counts" } else { "no" },
            line.path,
            line.status
                .map_or("untested".to_string(), |s| s.to_string()),
            line.tester,
            short_commit(&line.commit),
            line.why
        ))?;
    }
    Ok(())
}

/// Standard output a line at a time, each line escaped (DESIGN.md §6).
struct LineWriter<W: Write>(W);

impl<W: Write> LineWriter<W> {
    fn line(&mut self, text: String) -> Result<()> {
        writeln!(self.0, "{}", one_line(&text))?;
        Ok(())
    }
}

/// Appends the report as Markdown, for a CI job summary.
fn append_summary(path: &Path, report: &GateReport) -> Result<()> {
    let cell = |text: &str| escape(text);
    let mut md = format!(
        "## greenlight gate: {} for `{}`\n\n",
        if report.open {
            "✅ open"
        } else {
            "❌ closed"
        },
        cell(&report.commit)
    );
    if report.statements.is_empty() {
        md.push_str(
            "No sign-offs yet: each tester signs with `greenlight signoff` and posts the \
             comment on this pull request.\n",
        );
    } else {
        md.push_str("| sign-off | standing |\n| --- | --- |\n");
    }
    for statement in &report.statements {
        md.push_str(&format!(
            "| {} | {} |\n",
            cell(&statement.path),
            cell(&standing_text(statement))
        ));
    }
    for checklist in &report.checklists {
        md.push_str(&format!(
            "\n**{}** (`{}`): {} of {} cells have a result; verdict: {}\n",
            cell(&checklist.name),
            cell(&checklist.id),
            checklist.covered,
            checklist.cells,
            cell(&checklist.verdict.to_string())
        ));
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the summary file {}", path.display()))?;
    file.write_all(md.as_bytes())
        .with_context(|| format!("cannot write the summary file {}", path.display()))?;
    Ok(())
}
