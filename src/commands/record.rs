//! `greenlight record RUN ITEM BROWSER VIEWPORT STATUS` and `--batch`, and `greenlight undo`.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::checklist::Severity;
use crate::cli::{RecordArgs, UndoArgs};
use crate::config::Tester;
use crate::journal::ResultEntry;
use crate::run::{NewResult, RunSession};
use crate::status::Status;

use super::{Outcome, Workspace};

fn open(workspace: &Workspace, run: Option<&str>) -> Result<RunSession> {
    let id = workspace.store.resolve(run)?;
    super::open_for_recording(workspace, &id)
}

fn tester_for(session: &RunSession, flag: Option<&str>) -> Result<String> {
    match flag {
        Some(text) => Ok(Tester::parse(text).context("in --tester")?.to_string()),
        None => Ok(session.run().meta().tester.clone()),
    }
}

/// One line of `--batch` input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchLine {
    item: String,
    browser: String,
    viewport: String,
    status: Status,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    evidence: Vec<PathBuf>,
}

/// Records one result, or every line of a batch, each flushed before it is acknowledged.
pub fn run(workspace: &Workspace, args: &RecordArgs) -> Result<Outcome> {
    let mut session = open(workspace, Some(&args.run))?;
    let tester = tester_for(&session, args.tester.as_deref())?;
    if let Some(path) = &args.batch {
        record_batch(&mut session, &tester, path, args.json)?;
        return Ok(Outcome::Done);
    }
    // clap requires all four unless --batch is given.
    let (Some(item), Some(browser), Some(viewport), Some(status)) =
        (&args.item, &args.browser, &args.viewport, args.status)
    else {
        bail!("record needs ITEM BROWSER VIEWPORT STATUS, or --batch FILE");
    };
    let new = NewResult {
        severity: args.severity,
        note: args.note.clone(),
        evidence: args.evidence.clone(),
        ..NewResult::new(item, browser, viewport, status)
    };
    let id = session.run().meta().id.clone();
    let recorded = session
        .record(&new, &tester)
        .with_context(|| format!("nothing recorded in run {id}"))?;
    acknowledge(&recorded, args.json)?;
    Ok(Outcome::Done)
}

fn acknowledge(recorded: &ResultEntry, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, recorded)?;
        writeln!(out)?;
    } else {
        let severity = recorded
            .severity
            .map(|s| format!(" (severity {s})"))
            .unwrap_or_default();
        writeln!(
            out,
            "recorded #{} {} {}/{}: {}{severity}",
            recorded.seq,
            recorded.item,
            recorded.browser,
            recorded.viewport,
            recorded.status.as_str()
        )?;
    }
    out.flush()?;
    Ok(())
}

fn record_batch(session: &mut RunSession, tester: &str, path: &PathBuf, json: bool) -> Result<()> {
    let input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
        ))
    };
    for (number, line) in input.lines().enumerate() {
        let number = number + 1;
        let line = line.with_context(|| format!("cannot read batch line {number}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: BatchLine = serde_json::from_str(&line).with_context(|| {
            format!(
                "batch line {number} is not a result; it and the lines after it were not recorded"
            )
        })?;
        let new = NewResult {
            severity: parsed.severity,
            note: parsed.note,
            evidence: parsed.evidence,
            ..NewResult::new(
                &parsed.item,
                &parsed.browser,
                &parsed.viewport,
                parsed.status,
            )
        };
        let recorded = session.record(&new, tester).with_context(|| {
            format!("batch line {number} was refused; it and the lines after it were not recorded")
        })?;
        acknowledge(&recorded, json)?;
    }
    Ok(())
}

/// Withdraws the newest result that still counts.
pub fn undo(workspace: &Workspace, args: &UndoArgs) -> Result<Outcome> {
    let mut session = open(workspace, args.run.as_deref())?;
    let tester = tester_for(&session, args.tester.as_deref())?;
    let undone = session.undo(&tester)?;
    crate::output::say(format!(
        "undid #{} {} {}/{}: {}",
        undone.seq,
        undone.item,
        undone.browser,
        undone.viewport,
        undone.status.as_str()
    ));
    Ok(Outcome::Done)
}
