//! `greenlight runs [--json]`

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::RunsArgs;
use crate::run::Run;

use super::{Env, warn_to_stderr};

#[derive(Serialize)]
struct RunLine {
    run: String,
    started_at: String,
    checklist: String,
    release: String,
    tester: String,
    done: usize,
    total: usize,
    verdict: &'static str,
}

/// Lists every run, oldest first, with its progress and verdict.
pub fn run(env: &Env, args: &RunsArgs) -> Result<()> {
    let mut lines = Vec::new();
    for id in env.store.ids()? {
        let run = match Run::open(&env.store, &id, &mut warn_to_stderr) {
            Ok(run) => run,
            Err(err) => {
                crate::output::warn(format!("run {id} cannot be read: {err:#}"));
                continue;
            }
        };
        let counts = run.results.totals();
        lines.push(RunLine {
            verdict: run.results.verdict(&run.checklist, &run.entries).verdict,
            run: run.meta.id,
            started_at: run.meta.started_at,
            checklist: run.meta.checklist.id,
            release: run.meta.release,
            tester: run.meta.tester,
            done: counts.done(),
            total: counts.total(),
        });
    }
    if args.json {
        return super::print_json(&lines);
    }
    let mut out = std::io::stdout().lock();
    if lines.is_empty() {
        writeln!(
            out,
            "no runs yet; start one with `greenlight start FILE --release LABEL`"
        )?;
        return Ok(());
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
            l.checklist,
            l.release,
            format!("{}/{}", l.done, l.total),
            l.verdict,
            l.tester
        )?;
    }
    Ok(())
}
