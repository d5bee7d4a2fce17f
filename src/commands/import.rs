//! `greenlight import FILE -o OUT` and `greenlight import-results RUN FILE`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};

use crate::checklist::Checklist;
use crate::cli::{ImportArgs, ImportResultsArgs};
use crate::config::{Config, Tester};
use crate::fsutil::write_atomically;
use crate::import::checklist::{FoundResult, ImportOptions, import_checklist};
use crate::import::results::{changes, results_of};
use crate::import::table::read_sheets;

use super::{Outcome, Workspace};

/// Makes a checklist from a spreadsheet or Markdown file, checks it, and writes it; with
/// `--results-into-run`, starts a run of it holding the results the sheet had.
pub fn checklist(
    args: &ImportArgs,
    workspace: impl FnOnce() -> Result<Workspace>,
) -> Result<Outcome> {
    if args.release.is_some() && !args.results_into_run {
        bail!("--release goes with --results-into-run (a run needs results to start with)");
    }
    if args.output.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            args.output.display()
        );
    }
    let stem = args
        .output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let imported = import_checklist(
        &args.file,
        &ImportOptions {
            matrix: args.matrix.as_deref(),
            id: args.id.as_deref().or(stem.as_deref()),
            title: args.title.as_deref(),
            lists: args.lists,
            columns: &args.columns,
        },
    )?;
    for skipped in &imported.skipped {
        crate::output::warn(format!(
            "{} {}: {}",
            args.file.display(),
            skipped.location,
            skipped.reason
        ));
    }
    if let Err(err) = Checklist::parse(&imported.yaml, &args.output.display().to_string()) {
        return Ok(Outcome::NotGood(format!(
            "the checklist made from {} is not valid; nothing was written\n{err}",
            args.file.display()
        )));
    }
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    write_atomically(&args.output, imported.yaml.as_bytes())?;
    let checked = match imported.checked {
        0 => String::new(),
        n => format!(" ({n} ticked in the source: imported as untested)"),
    };
    let merged = match imported.merged {
        0 => String::new(),
        1 => " (1 row merged into the item above it)".to_string(),
        n => format!(" ({n} rows merged into the items above them)"),
    };
    let found = match imported.results.len() {
        0 => String::new(),
        n if args.results_into_run => format!("; {n} results typed in it follow"),
        n => format!(
            "; it holds {n} results: --results-into-run --release LABEL records them in a new run"
        ),
    };
    crate::output::say(format!(
        "wrote {}: {} sections, {} items{checked}{merged} from {}{}{found}",
        args.output.display(),
        imported.sections,
        imported.items,
        args.file.display(),
        match imported.skipped.len() {
            0 => String::new(),
            1 => "; see the note above".to_string(),
            n => format!("; see the {n} notes above"),
        }
    ));
    if args.results_into_run {
        return results_into_run(&workspace()?, args, &imported.results);
    }
    Ok(Outcome::Done)
}

/// Starts a run of the checklist just written and records the sheet's results in it.
fn results_into_run(
    workspace: &Workspace,
    args: &ImportArgs,
    results: &[FoundResult],
) -> Result<Outcome> {
    if results.is_empty() {
        return Ok(Outcome::NotGood(format!(
            "{} holds no results (a column per environment, such as `Chrome Desktop`, with pass, fail, blocked or skip in its cells); no run was started",
            args.file.display()
        )));
    }
    let identity = crate::cli::RunIdentity {
        release: args.release.clone().unwrap_or_default(),
        commit: args.commit.clone(),
        tester: args.tester.clone(),
    };
    let meta = match super::start::create_run(
        workspace,
        &args.output,
        &identity,
        &crate::checklist::Share::default(),
        &crate::cli::CarryArgs::default(),
    )? {
        Ok(Some(meta)) => meta,
        Ok(None) => return Ok(Outcome::Done),
        Err(refusal) => return Ok(refusal.into()),
    };
    let mut session = super::open_for_recording(workspace, &meta.id)?;
    let source = args.file.display().to_string();
    let news: Vec<crate::run::NewResult> = results
        .iter()
        .map(|found| {
            // A failure needs a description; the sheet's cell says only that it failed.
            let note = found.note.clone().or_else(|| {
                found.status.needs_note().then(|| {
                    format!(
                        "marked {} in {source} ({}), with no description",
                        found.status, found.location
                    )
                })
            });
            crate::run::NewResult {
                note,
                ..crate::run::NewResult::new(
                    &found.item,
                    &found.browser,
                    &found.viewport,
                    found.status,
                )
            }
        })
        .collect();
    if let Err((done, err)) = session.record_all(&news, &meta.tester) {
        return Err(anyhow::Error::new(err)
            .context(format!("{source} {}: not recorded", results[done].location)));
    }
    crate::output::say(format!(
        "started run {} for release {} and recorded the {} results from {source}; `greenlight resume {}` walks the rest",
        meta.id,
        meta.release,
        results.len(),
        meta.id
    ));
    Ok(Outcome::Done)
}

/// `greenlight import-results RUN FILE`: show what differs from the run, ask, record.
pub fn results(workspace: &Workspace, args: &ImportResultsArgs) -> Result<Outcome> {
    let id = workspace.store.resolve(Some(&args.run))?;
    let config = Config::load(&workspace.paths.config_file)?;
    let tester = Tester::find(
        args.tester.as_deref(),
        &config,
        &workspace.paths.config_file,
    )?
    .to_string();
    let sheets = read_sheets(&args.file)?;
    let sheet = sheets
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case("results"))
        .or_else(|| sheets.first())
        .with_context(|| format!("{} has no sheet", args.file.display()))?;
    let mut session = super::open_for_recording(workspace, &id)?;
    let rows = results_of(sheet, session.run().checklist())
        .with_context(|| format!("in {}", args.file.display()))?;
    let changes = match changes(session.run(), rows) {
        Ok(changes) => changes,
        Err(refused) => return Ok(Outcome::NotGood(refused.to_string())),
    };
    if changes.is_empty() {
        crate::output::say(format!(
            "nothing to record: {} agrees with run {id}",
            args.file.display()
        ));
        return Ok(Outcome::Done);
    }
    crate::output::say(format!(
        "{} results in {} differ from run {id}:",
        changes.len(),
        args.file.display()
    ));
    for change in &changes {
        let r = &change.result;
        let note = r
            .note
            .as_deref()
            .map(|n| format!(" — {}", n.replace('\n', " ")))
            .unwrap_or_default();
        crate::output::say(format!(
            "  row {}: {} {}/{} → {}{note}",
            change.row, r.item, r.browser, r.viewport, r.status
        ));
    }
    if !args.yes && !confirm(changes.len(), &tester)? {
        crate::output::say("nothing recorded");
        return Ok(Outcome::Done);
    }
    let news: Vec<_> = changes.iter().map(|c| c.result.clone()).collect();
    if let Err((done, err)) = session.record_all(&news, &tester) {
        return Err(anyhow::Error::new(err).context(format!(
            "row {}: not recorded; the {done} rows before it are recorded",
            changes[done].row
        )));
    }
    crate::output::say(format!(
        "recorded {} results in run {id} as {tester}",
        changes.len()
    ));
    Ok(Outcome::Done)
}

fn confirm(count: usize, tester: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "{count} results would be recorded; pass --yes to record them without a terminal to ask on"
        );
    }
    print!("record them as {tester}? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
