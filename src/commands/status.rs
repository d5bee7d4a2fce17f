//! `greenlight status [RUN] [--json]`

use crate::untrusted::{Escaping, one_line};
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::checklist::Share;
use crate::cli::StatusArgs;
use crate::export::EnvironmentDocument;
use crate::git::short_commit;
use crate::results::Counts;
use crate::run::Run;
use crate::status::{STATES, word};
use crate::store::{ChecklistRef, RunMeta};
use crate::verdict::{Reason, VerdictKind};

use super::{Outcome, Workspace, warn_to_stderr};

/// The status of a run as scripts read it.
#[derive(Serialize)]
pub struct StatusReport<'a> {
    pub run: &'a str,
    pub release: &'a str,
    pub commit: Option<&'a str>,
    pub checklist: &'a ChecklistRef,
    pub tester: &'a str,
    pub started_at: &'a str,
    /// The share the run covers; absent for the whole matrix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<&'a Share>,
    pub counts: Counts,
    pub total: usize,
    pub done: usize,
    pub environments: Vec<EnvironmentStatus>,
    pub verdict: VerdictKind,
    pub reasons: Vec<Reason>,
}

/// One environment's counts.
#[derive(Serialize)]
pub struct EnvironmentStatus {
    #[serde(flatten)]
    pub environment: EnvironmentDocument,
    pub counts: Counts,
    pub total: usize,
}

impl<'a> StatusReport<'a> {
    /// Computes the report for an open run.
    pub fn of(run: &'a Run) -> StatusReport<'a> {
        let (counts, per_environment) = (run.counts(), run.per_environment());
        let verdict = run.verdict();
        let meta: &RunMeta = run.meta();
        StatusReport {
            run: &meta.id,
            release: &meta.release,
            commit: meta.commit.as_deref(),
            checklist: &meta.checklist,
            tester: &meta.tester,
            started_at: &meta.started_at,
            share: meta.share.as_ref(),
            counts,
            total: counts.total(),
            done: counts.done(),
            environments: EnvironmentDocument::all(run.checklist())
                .into_iter()
                .zip(per_environment.iter().copied())
                .map(|(environment, counts)| EnvironmentStatus {
                    environment,
                    total: counts.total(),
                    counts,
                })
                .collect(),
            verdict: verdict.verdict,
            reasons: verdict.reasons,
        }
    }
}

/// Prints a run's counts and verdict.
pub fn run(workspace: &Workspace, args: &StatusArgs) -> Result<Outcome> {
    let id = workspace.store.resolve(args.run.as_deref())?;
    let run = Run::open(&workspace.store, &id, &mut warn_to_stderr)?;
    let report = StatusReport::of(&run);
    if args.json {
        super::print_json(&report)?;
        return Ok(Outcome::Done);
    }
    let mut out = Escaping(std::io::stdout().lock());
    let c = report.counts;
    writeln!(
        out,
        "{} ({})",
        one_line(&report.checklist.title),
        report.checklist.id
    )?;
    writeln!(
        out,
        "run {}  release {}  commit {}  tester {}",
        report.run,
        one_line(report.release),
        report.commit.map_or("unknown", short_commit),
        one_line(report.tester)
    )?;
    if let Some(label) = run.checklist().share_label() {
        writeln!(out, "share {label}")?;
    }
    writeln!(
        out,
        "progress {}/{} cells ({}%)",
        report.done,
        report.total,
        c.percent_done()
    )?;
    writeln!(out)?;
    let width = report
        .environments
        .iter()
        .map(|e| e.environment.key.len())
        .max()
        .unwrap_or(0)
        .max("environment".len());
    // A column per state, as wide as its word, in the order of `STATES`; then the total.
    let row = |name: &str, cells: Vec<String>| {
        let cells: Vec<String> = cells
            .iter()
            .zip(STATES.iter().map(|&s| word(s)).chain(["total"]))
            .map(|(cell, heading)| format!("{cell:>w$}", w = heading.len().max(5)))
            .collect();
        format!("{name:width$}  {}", cells.join(" "))
    };
    let headings = STATES
        .iter()
        .map(|&s| word(s).to_string())
        .chain(["total".into()]);
    writeln!(out, "{}", row("environment", headings.collect()))?;
    let numbers = |counts: &Counts| -> Vec<String> {
        STATES
            .iter()
            .map(|&s| counts.of(s))
            .chain([counts.total()])
            .map(|n| n.to_string())
            .collect()
    };
    for e in &report.environments {
        writeln!(out, "{}", row(&e.environment.key, numbers(&e.counts)))?;
    }
    writeln!(out, "{}", row("all", numbers(&c)))?;
    writeln!(out)?;
    writeln!(out, "verdict: {}", run.verdict())?;
    Ok(Outcome::Done)
}
