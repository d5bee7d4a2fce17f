//! `greenlight record RUN ITEM BROWSER VIEWPORT STATUS` and `--batch`, and `greenlight undo`.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::cli::{RecordArgs, UndoArgs};
use crate::config::Tester;
use crate::journal::ResultEntry;
use crate::run::{NewResult, RunSession};

use super::{Env, warn_to_stderr};

fn open(env: &Env, run: Option<&str>) -> Result<RunSession> {
    let id = env.store.resolve(run)?;
    RunSession::open(&env.store, &id, &mut warn_to_stderr)
}

fn tester_for(session: &RunSession, flag: Option<&str>) -> Result<String> {
    match flag {
        Some(text) => Ok(Tester::parse(text).context("in --tester")?.to_string()),
        None => Ok(session.run.meta.tester.clone()),
    }
}

/// One line of `--batch` input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchLine {
    item: String,
    browser: String,
    viewport: String,
    status: String,
    #[serde(default)]
    severity: Option<i64>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    evidence: Vec<PathBuf>,
}

/// Records one result, or every line of a batch, each flushed before it is acknowledged.
pub fn run(env: &Env, args: &RecordArgs) -> Result<()> {
    let mut session = open(env, Some(&args.run))?;
    let tester = tester_for(&session, args.tester.as_deref())?;
    match &args.batch {
        Some(path) => record_batch(&mut session, &tester, path, args.json),
        None => {
            let new = NewResult {
                item: args.item.clone().unwrap_or_default(),
                browser: args.browser.clone().unwrap_or_default(),
                viewport: args.viewport.clone().unwrap_or_default(),
                status: args.status.clone().unwrap_or_default(),
                severity: args.severity,
                note: args.note.clone(),
                evidence: args.evidence.clone(),
                kept_evidence: Vec::new(),
            };
            let id = session.run.meta.id.clone();
            let recorded = session
                .record(&new, &tester)
                .with_context(|| format!("nothing recorded in run {id}"))?;
            acknowledge(recorded, args.json)
        }
    }
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
            item: parsed.item,
            browser: parsed.browser,
            viewport: parsed.viewport,
            status: parsed.status,
            severity: parsed.severity,
            note: parsed.note,
            evidence: parsed.evidence,
            kept_evidence: Vec::new(),
        };
        let recorded = session.record(&new, tester).with_context(|| {
            format!("batch line {number} was refused; it and the lines after it were not recorded")
        })?;
        acknowledge(recorded, json)?;
    }
    Ok(())
}

/// Withdraws the newest result that still counts.
pub fn undo(env: &Env, args: &UndoArgs) -> Result<()> {
    let mut session = open(env, args.run.as_deref())?;
    let tester = tester_for(&session, args.tester.as_deref())?;
    let undone = session.undo(&tester)?;
    println!(
        "undid #{} {} {}/{}: {}",
        undone.seq,
        undone.item,
        undone.browser,
        undone.viewport,
        undone.status.as_str()
    );
    Ok(())
}
