//! `greenlight runs [--json]`

use crate::untrusted::{Escaping, one_line};
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::RunsArgs;
use crate::run::Run;
use crate::verdict::VerdictKind;

use super::{Outcome, Workspace, warn_to_stderr};

#[derive(Serialize)]
struct RunLine {
    run: String,
    started_at: String,
    checklist: String,
    release: String,
    tester: String,
    done: usize,
    total: usize,
    verdict: VerdictKind,
}

/// Lists every run, oldest first, with its progress and verdict.
pub fn run(workspace: &Workspace, args: &RunsArgs) -> Result<Outcome> {
    let mut lines = Vec::new();
    for id in workspace.store.ids()? {
        let run = match Run::open(&workspace.store, &id, &mut warn_to_stderr) {
            Ok(run) => run,
            Err(err) => {
                crate::output::warn(format!("run {id} cannot be read: {err:#}"));
                continue;
            }
        };
        let counts = run.counts();
        let meta = run.meta().clone();
        lines.push(RunLine {
            verdict: run.verdict().verdict,
            run: meta.id,
            started_at: meta.started_at,
            checklist: meta.checklist.id,
            release: meta.release,
            tester: meta.tester,
            done: counts.done(),
            total: counts.total(),
        });
    }
    if args.json {
        super::print_json(&lines)?;
        return Ok(Outcome::Done);
    }
    let mut out = Escaping(std::io::stdout().lock());
    if lines.is_empty() {
        writeln!(
            out,
            "no runs yet; start one with `greenlight start FILE --release LABEL`"
        )?;
        return Ok(Outcome::Done);
    }
    writeln!(
        out,
        "{:<16} {:<20} {:<16} {:<12} {:>11}  {:<8} tester",
        "run", "started", "checklist", "release", "done", "verdict"
    )?;
    for l in &lines {
        writeln!(
            out,
            "{:<16} {:<20} {:<16} {:<12} {:>11}  {:<8} {}",
            l.run,
            l.started_at,
            one_line(&l.checklist),
            one_line(&l.release),
            format!("{}/{}", l.done, l.total),
            l.verdict.as_str(),
            one_line(&l.tester)
        )?;
    }
    Ok(Outcome::Done)
}
