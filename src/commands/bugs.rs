//! `greenlight bugs [RUN] [--format md|json] [-o DIR] [--group item] [--create …]`: bug
//! report drafts from a run's failures, printed, written to a folder, or filed through
//! GitHub's `gh` — the plan of calls is `bugs::tracker`'s; this runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::bugs::tracker::{Call, Issue, RunRef, list_args, plan, whoami_args};
use crate::bugs::{Draft, cell_fingerprint, drafts, fingerprint};
use crate::cli::{BugsArgs, BugsFormat};
use crate::run::Run;
use crate::status::Status;
use crate::untrusted::one_line;

use super::{Outcome, Workspace, warn_to_stderr};

/// Makes the drafts of a run and does with them what the flags say.
pub fn run(workspace: &Workspace, args: &BugsArgs) -> Result<Outcome> {
    let id = workspace.store.resolve(args.run.as_deref())?;
    let run = Run::open(&workspace.store, &id, &mut warn_to_stderr)?;
    let drafts = drafts(&run, args.group);
    match &args.output {
        Some(dir) => {
            write_drafts(dir, &drafts, &run, args.format)?;
            crate::output::note(format!(
                "wrote {} draft(s) of run {id} to {}",
                drafts.len(),
                dir.display()
            ));
        }
        None if !args.create => print_drafts(&drafts, args.format)?,
        None => {}
    }
    if drafts.is_empty() && !args.create {
        crate::output::note(format!("run {id} has no failed cell: no bug to report"));
    }
    if args.create {
        file_issues(&run, &drafts, args)?;
    }
    Ok(Outcome::Done)
}

fn print_drafts(drafts: &[Draft], format: BugsFormat) -> Result<()> {
    if format == BugsFormat::Json {
        return super::print_json(&drafts);
    }
    let mut out = std::io::stdout().lock();
    for (n, draft) in drafts.iter().enumerate() {
        if n > 0 {
            writeln!(out, "\n---\n")?;
        }
        write!(out, "{}", readable(draft))?;
    }
    Ok(())
}

/// A draft as a person reads it: its title and labels, then its body.
fn readable(draft: &Draft) -> String {
    format!(
        "# {}\n\nLabels: {}, {}\n\n{}",
        draft.title,
        crate::bugs::tracker::LABEL,
        draft.severity_label,
        draft.body
    )
}

/// One file per draft (`NN-item-browser-viewport.md`, or all of them in `drafts.json`),
/// with the evidence they name copied beside them.
fn write_drafts(dir: &Path, drafts: &[Draft], run: &Run, format: BugsFormat) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    match format {
        BugsFormat::Json => {
            let json = serde_json::to_vec_pretty(drafts)?;
            crate::fsutil::write_atomically(&dir.join("drafts.json"), &json)?;
        }
        BugsFormat::Md => {
            for (n, draft) in drafts.iter().enumerate() {
                let name = format!("{:02}-{}.md", n + 1, slug(draft));
                crate::fsutil::write_atomically(&dir.join(name), readable(draft).as_bytes())?;
            }
        }
    }
    for evidence in drafts.iter().flat_map(|d| d.evidence.iter()) {
        // Only files kept inside the run folder (`evidence/SHA256.EXT`) are copied: a path
        // a journal names elsewhere is never followed.
        let inside = Path::new(&evidence.path)
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
        if !inside {
            continue;
        }
        let from = run.dir().join(&evidence.path);
        let Some(name) = Path::new(&evidence.path).file_name() else {
            continue;
        };
        let to = dir.join("evidence").join(name);
        std::fs::create_dir_all(dir.join("evidence"))?;
        if let Err(err) = std::fs::copy(&from, &to) {
            crate::output::warn(format!(
                "evidence {} is not copied: {err}",
                one_line(&from.display().to_string())
            ));
        }
    }
    Ok(())
}

/// `item-browser-viewport` of a draft's first cell, in characters safe in a file name.
fn slug(draft: &Draft) -> String {
    let first = draft.cells.first().map_or("draft", String::as_str);
    first
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect()
}

/// The fingerprints of what `run` passed: each passing cell, and each item whose every
/// cell passes (for issues filed with `--group item`).
fn passing(run: &Run) -> Vec<String> {
    let checklist = run.checklist();
    let mut passing = Vec::new();
    for (index, item) in checklist.items.iter().enumerate() {
        let mut all = true;
        for &environment in &item.environments {
            let cell = crate::checklist::Cell {
                item: index,
                environment,
            };
            if run.status(cell) == Some(Status::Pass) {
                passing.push(cell_fingerprint(checklist, cell));
            } else {
                all = false;
            }
        }
        if all {
            passing.push(fingerprint(&checklist.id, &item.id, None));
        }
    }
    passing
}

/// `gh` with `args`, the repository flag put after the two words of the subcommand.
fn gh(args: &[String], repo: Option<&str>) -> Vec<String> {
    let mut full: Vec<String> = args.iter().take(2).cloned().collect();
    if let Some(repo) = repo {
        full.push(format!("--repo={repo}"));
    }
    full.extend(args.iter().skip(2).cloned());
    full
}

/// A command line to show: `gh` and its arguments, quoted for a POSIX shell.
fn shown(args: &[String]) -> String {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| shlex::try_quote(a).map_or_else(|_| format!("{a:?}"), |q| q.into_owned()))
        .collect();
    one_line(&format!("gh {}", quoted.join(" "))).into_owned()
}

/// Runs `gh`; its output, or an error with what it said.
fn run_gh(args: &[String]) -> Result<std::process::Output> {
    Command::new("gh")
        .args(args)
        .output()
        .with_context(|| format!("cannot run {}", shown(args)))
}

/// Whether `gh` can be run at all.
fn gh_installed() -> bool {
    Command::new("gh")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

fn file_issues(run: &Run, drafts: &[Draft], args: &BugsArgs) -> Result<()> {
    let repo = args.repo.as_deref();
    let meta = run.meta();
    let run_ref = RunRef {
        id: meta.id.clone(),
        release: meta.release.clone(),
        commit: meta.commit.clone().unwrap_or_else(|| "unknown".into()),
    };
    let installed = gh_installed();
    if !installed {
        crate::output::note(
            "gh is not installed (https://cli.github.com): these are the commands it would run",
        );
    }
    // Reading what is open changes nothing, so even a dry run asks, when it can.
    let open: Vec<Issue> = if installed {
        let list = gh(&list_args(), repo);
        let out = run_gh(&list)?;
        if !out.status.success() {
            bail!(
                "{} failed: {} (is gh logged in? `gh auth status` says)",
                shown(&list),
                one_line(String::from_utf8_lossy(&out.stderr).trim())
            );
        }
        serde_json::from_slice(&out.stdout)
            .with_context(|| format!("{} did not give JSON", shown(&list)))?
    } else {
        println!("{}", shown(&gh(&list_args(), repo)));
        Vec::new()
    };
    // Only greenlight's own markers count: whose they are is the logged-in account's.
    let me = if open.is_empty() {
        String::new()
    } else {
        let whoami = whoami_args();
        let out = run_gh(&whoami)?;
        let login = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || login.is_empty() {
            bail!(
                "{} failed: {} (is gh logged in? `gh auth status` says)",
                shown(&whoami),
                one_line(String::from_utf8_lossy(&out.stderr).trim())
            );
        }
        login
    };
    let plan = plan(
        drafts,
        &passing(run),
        &open,
        &run_ref,
        args.close_fixed,
        &me,
    );
    for (index, number) in &plan.already_open {
        crate::output::note(format!(
            "already open as #{number}: {}",
            drafts[*index].title
        ));
    }
    // Printed commands must still find their body files after this process: those go into
    // the drafts' folder (-o, else ./bugs-RUN); run ones, into a temporary folder.
    let printing = args.dry_run || !installed;
    let temporary = tempfile::tempdir().context("cannot create a temporary folder")?;
    let bodies: PathBuf = if printing {
        let dir = args
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("bugs-{}", run_ref.id)));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        dir
    } else {
        temporary.path().to_path_buf()
    };
    let mut done = Vec::new();
    for call in &plan.calls {
        let body_file = match call {
            Call::Create { draft } => {
                let path = bodies.join(format!("body-{:02}.md", draft + 1));
                std::fs::write(&path, &drafts[*draft].body)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Some(path.display().to_string())
            }
            _ => None,
        };
        let call_args = gh(&call.args(drafts, body_file.as_deref()), repo);
        if printing {
            println!("{}", shown(&call_args));
            continue;
        }
        let out = run_gh(&call_args)?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        match call {
            Call::Label { .. } if !out.status.success() && stderr.contains("already exists") => {}
            _ if !out.status.success() => {
                bail!("{} failed: {}", shown(&call_args), one_line(stderr.trim()))
            }
            Call::Create { draft } => {
                let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
                crate::output::say(format!("created {url}: {}", drafts[*draft].title));
                done.push("created");
            }
            Call::Comment { number, .. } => {
                crate::output::say(format!("commented on #{number}"));
                done.push("commented");
            }
            Call::Close { number, .. } => {
                crate::output::say(format!("closed #{number}: it passes in run {}", run_ref.id));
                done.push("closed");
            }
            Call::Label { .. } => {}
        }
    }
    if printing {
        crate::output::note(format!(
            "the issue bodies are in {}",
            one_line(&bodies.display().to_string())
        ));
    } else {
        let count = |what: &str| done.iter().filter(|d| **d == what).count();
        crate::output::note(format!(
            "{} created, {} already open, {} commented, {} closed",
            count("created"),
            plan.already_open.len(),
            count("commented"),
            count("closed")
        ));
    }
    Ok(())
}
