//! `greenlight run [FILE] --release LABEL` and `greenlight resume [RUN]`: the interactive walk.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cli::{ResumeArgs, RunArgs};
use crate::tui::event_loop::{Flow, walk};

use super::{Outcome, Workspace};

/// Starts a run of the chosen checklist and walks it.
pub fn start(workspace: &Workspace, args: &RunArgs) -> Result<Outcome> {
    require_terminal()?;
    let file = match &args.file {
        Some(file) => file.clone(),
        None => choose_checklist(Path::new("checklists"))?,
    };
    match super::start::create_run(workspace, &file, &args.identity, &args.share.share())? {
        Ok(meta) => walk_run(workspace, &meta.id),
        Err(refusal) => Ok(refusal.into()),
    }
}

/// Reopens a run and walks it from its first untested cell.
pub fn resume(workspace: &Workspace, args: &ResumeArgs) -> Result<Outcome> {
    require_terminal()?;
    let id = workspace.store.resolve(args.run.as_deref())?;
    walk_run(workspace, &id)
}

fn walk_run(workspace: &Workspace, id: &str) -> Result<Outcome> {
    let mut session = super::open_for_recording(workspace, id)?;
    let tester = session.run().meta().tester.clone();
    let flow = walk(&mut session, &tester)?;
    let counts = session.run().counts();
    // The sign-off reads the run afresh; the walk's lock is no longer needed.
    drop(session);
    if let Flow::Signoff { decision, comment } = flow {
        return super::signoff::sign(
            workspace,
            super::signoff::Request {
                run: id.to_string(),
                decision,
                comment,
                key: None,
                output: None,
                commit: None,
            },
        );
    }
    println!(
        "run {id}: {}/{} cells done, everything is saved. Resume with `greenlight resume {id}`; \
         see results with `greenlight status {id}`.",
        counts.done(),
        counts.total()
    );
    Ok(Outcome::Done)
}

fn require_terminal() -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the walk needs a terminal; in scripts use `greenlight start` and `greenlight record`"
        );
    }
    Ok(())
}

/// The only checklist in `dir`, or the one the user picks when there are several.
fn choose_checklist(dir: &Path) -> Result<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "no checklist given and no {} folder here; name a file, or run `greenlight init`",
                dir.display()
            )
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();
    match files.len() {
        0 => bail!(
            "no .yaml checklist in {}; name a file, or run `greenlight init`",
            dir.display()
        ),
        1 => Ok(files.remove(0)),
        _ => pick(&files),
    }
}

fn pick(files: &[PathBuf]) -> Result<PathBuf> {
    let mut err = std::io::stderr().lock();
    writeln!(err, "Several checklists:")?;
    for (n, file) in files.iter().enumerate() {
        writeln!(err, "  {}) {}", n + 1, file.display())?;
    }
    for _ in 0..3 {
        write!(err, "Which one? [1-{}] ", files.len())?;
        err.flush()?;
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer)? == 0 {
            break;
        }
        match answer.trim().parse::<usize>() {
            Ok(n) if (1..=files.len()).contains(&n) => return Ok(files[n - 1].clone()),
            _ => writeln!(err, "type a number from 1 to {}", files.len())?,
        }
    }
    bail!("no checklist chosen; name one: greenlight run FILE --release LABEL")
}
