//! `greenlight run [FILE] --release LABEL` and `greenlight resume [RUN]`: the interactive walk.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cli::{ResumeArgs, RunArgs};
use crate::signoff::statement::Decision;
use crate::tui::event_loop::{Flow, SigningSetup, WalkOptions, walk};

use super::{Outcome, Workspace};

/// Starts a run of the chosen checklist and walks it.
pub fn start(workspace: &Workspace, args: &RunArgs) -> Result<Outcome> {
    require_terminal()?;
    let file = match &args.file {
        Some(file) => file.clone(),
        None => choose_checklist(Path::new("checklists"))?,
    };
    let share = args.share.share();
    match super::start::create_run(workspace, &file, &args.identity, &share, &args.carry)? {
        Ok(Some(meta)) => walk_run(workspace, &meta.id, None, args.no_launch),
        Ok(None) => Ok(Outcome::Done),
        Err(refusal) => Ok(refusal.into()),
    }
}

/// Reopens a run and walks it from its first untested cell.
pub fn resume(workspace: &Workspace, args: &ResumeArgs) -> Result<Outcome> {
    require_terminal()?;
    let id = workspace.store.resolve(args.run.as_deref())?;
    walk_run(workspace, &id, Some(args), args.no_launch)
}

fn walk_run(
    workspace: &Workspace,
    id: &str,
    resume: Option<&ResumeArgs>,
    no_launch: bool,
) -> Result<Outcome> {
    let mut session = super::open_for_recording(workspace, id)?;
    let config = crate::config::Config::load(&workspace.paths.config_file)?;
    let start = match resume {
        Some(args) => starting_cell(session.run(), args)?,
        None => None,
    };
    let trust_file = crate::launch_trust::LaunchTrust::beside(&workspace.paths.config_file);
    let repository = crate::git::toplevel(None);
    let key = crate::signoff::signing::find_key_path(None, &config);
    let email = crate::config::Tester::parse(&session.run().meta().tester)
        .map(|t| t.email)
        .unwrap_or_default();
    // Shown in the summary, where the tester signs (`run` and `start` said the checklist's
    // already, before the run began).
    let warnings = match &key {
        Ok(path) => crate::preflight::warnings(session.run(), path, &email, repository.as_deref()),
        Err(_) => Vec::new(),
    };
    let options = WalkOptions {
        capture: config.capture,
        config_file: workspace.paths.config_file.clone(),
        start,
        launch: crate::tui::app::LaunchPolicy {
            off: no_launch || config.launch == Some(false),
            allowed: crate::launch_trust::LaunchTrust::load(&trust_file)?
                .allowed()
                .clone(),
        },
        launch_trust: Some(trust_file),
        signing: SigningSetup {
            key: Some(key.map_err(|err| format!("{err:#}"))),
            repository: repository.clone(),
        },
        warnings,
        earlier: crate::earlier::previous_run(&workspace.store, session.run())
            .map(|run| std::sync::Arc::new(crate::earlier::EarlierResults::of(&run))),
    };
    let tester = session.run().meta().tester.clone();
    let ending = walk(&mut session, &tester, &options)?;
    let flow = ending.flow;
    let counts = session.run().counts();
    for draft in &ending.unsaved_drafts {
        crate::output::note(format!("not saved (a draft you did not finish): {draft}"));
    }
    match flow {
        Flow::Signed(lines) => {
            for line in lines {
                crate::output::say(line);
            }
            return Ok(Outcome::Done);
        }
        Flow::SignThroughSshKeygen { decision, comment } => {
            // ssh-keygen may ask for a PIN or a touch: the walk's terminal is given back
            // and its reader stopped before it runs.
            let signed = super::signoff::sign_with(
                workspace,
                session.run(),
                decision,
                comment.as_deref(),
                super::signoff::Chosen::default(),
            );
            if signed.is_err() {
                // Nothing is signed: the comment typed in the walk is shown so it is not lost.
                if let Some(comment) = comment.as_deref().filter(|c| !c.trim().is_empty()) {
                    let flag = match decision {
                        Decision::Approved => "approve",
                        Decision::Rejected => "reject",
                    };
                    crate::output::note(format!(
                        "nothing is signed; the comment you typed, for `greenlight signoff {} \
                         --{flag} --comment …`:\n{comment}",
                        session.run().meta().id,
                    ));
                }
            }
            return signed;
        }
        Flow::Continue | Flow::Quit => {}
    }
    let saved = if ending.unsaved_drafts.is_empty() {
        "every result is saved"
    } else {
        "every result is saved (the draft notes above are not)"
    };
    crate::output::say(format!(
        "run {id}: {}/{} cells done, {saved}. Resume with `greenlight resume {id}`; \
         see results with `greenlight status {id}`.",
        counts.done(),
        counts.total()
    ));
    Ok(Outcome::Done)
}

/// Where `resume --browser/--viewport` starts: the first untested cell of that environment
/// (or of the first environment with that browser, or that viewport).
fn starting_cell(
    run: &crate::run::Run,
    args: &ResumeArgs,
) -> Result<Option<crate::checklist::Cell>> {
    if args.browser.is_none() && args.viewport.is_none() {
        return Ok(None);
    }
    let checklist = run.checklist();
    let known = |what: &str, given: &Option<String>, ids: Vec<&str>| -> Result<()> {
        match given {
            Some(id) if !ids.contains(&id.as_str()) => bail!(
                "this run has no {what} `{id}`; its {what}s are: {}",
                ids.join(", ")
            ),
            _ => Ok(()),
        }
    };
    known(
        "browser",
        &args.browser,
        checklist.browsers.iter().map(|b| b.id.as_str()).collect(),
    )?;
    known(
        "viewport",
        &args.viewport,
        checklist.viewports.iter().map(|v| v.id.as_str()).collect(),
    )?;
    let matches = |e: usize| {
        let env = checklist.environments[e];
        args.browser
            .as_ref()
            .is_none_or(|b| *b == checklist.browsers[env.browser].id)
            && args
                .viewport
                .as_ref()
                .is_none_or(|v| *v == checklist.viewports[env.viewport].id)
    };
    let Some(environment) = (0..checklist.environments.len()).find(|&e| matches(e)) else {
        bail!(
            "this run does not test {} at {} (excluded from the matrix or outside its share); \
             `greenlight status` lists its environments",
            args.browser.as_deref().unwrap_or("any browser"),
            args.viewport.as_deref().unwrap_or("any size")
        );
    };
    let everything = |_| true;
    let from = crate::checklist::Cell {
        item: 0,
        environment,
    };
    Ok(crate::tui::app::jump::landing_in_environment(
        run,
        from,
        environment,
        &everything,
    ))
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
