//! `greenlight bugs [RUN] [--format md|json] [-o DIR] [--group item] [--create …]`: bug
//! report drafts from a run's failures, printed, written to a folder, or filed through
//! GitHub's `gh` — the plan of calls is `bugs::tracker`'s; this runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::bugs::tracker::{Call, Issue, RunRef, list_args, plan, whoami_args};
use crate::bugs::{Draft, EvidenceHost, cell_fingerprint, drafts, fingerprint};
use crate::cli::{BugsArgs, BugsFormat};
use crate::run::Run;
use crate::status::Status;
use crate::untrusted::one_line;

use super::{Outcome, Workspace, warn_to_stderr};

/// Makes the drafts of a run and does with them what the flags say.
pub fn run(workspace: &Workspace, args: &BugsArgs) -> Result<Outcome> {
    let id = workspace.store.resolve(args.run.as_deref())?;
    let run = Run::open(&workspace.store, &id, &mut warn_to_stderr)?;
    let drafts = drafts(&run, args.group, None);
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
        file_issues(&run, args)?;
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
            let json = crate::untrusted::to_json_pretty(drafts)?;
            crate::fsutil::write_atomically(&dir.join("drafts.json"), &json)?;
        }
        BugsFormat::Md => {
            for (n, draft) in drafts.iter().enumerate() {
                let name = format!("{:02}-{}.md", n + 1, slug(draft));
                crate::fsutil::write_atomically(&dir.join(name), readable(draft).as_bytes())?;
            }
        }
    }
    let mut copied = std::collections::HashSet::new();
    for evidence in drafts.iter().flat_map(|d| d.evidence.iter()) {
        // Only files kept inside the run folder (`evidence/SHA256.EXT`), not linked and
        // with their hash, are copied: a path a journal names elsewhere is never followed.
        let Some(name) = crate::evidence::file_name_of(evidence) else {
            continue;
        };
        if !copied.insert(name.clone()) {
            continue;
        }
        match crate::evidence::read_kept(run.dir(), evidence, crate::evidence::MAX_KEPT_BYTES) {
            Ok(bytes) => {
                std::fs::create_dir_all(dir.join("evidence"))?;
                crate::fsutil::write_atomically(&dir.join("evidence").join(name), &bytes)?;
            }
            Err(why) => crate::output::warn(format!("evidence is not copied: {}", one_line(&why))),
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

/// The GitHub repository issues are filed in, as `gh repo view` names it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    name_with_owner: String,
    default_branch_ref: Option<BranchRef>,
    /// `PUBLIC`, `PRIVATE` or `INTERNAL`: who will see the uploaded evidence.
    #[serde(default)]
    visibility: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct BranchRef {
    name: String,
}

/// The repository `gh` files in (`--repo`, else the current folder's), asked of `gh`; when
/// it cannot be asked (no gh), the one given, or a placeholder in the printed commands.
fn target(repo: Option<&str>, installed: bool) -> Result<Target> {
    if !installed {
        return Ok(Target {
            name_with_owner: repo.unwrap_or("OWNER/NAME").to_string(),
            default_branch_ref: None,
            visibility: None,
        });
    }
    let mut args: Vec<String> = vec!["repo".into(), "view".into()];
    args.extend(repo.map(str::to_string));
    args.push("--json=nameWithOwner,defaultBranchRef,visibility".into());
    let out = run_gh(&args)?;
    if !out.status.success() {
        bail!(
            "{} failed: {} (run it in the repository's folder, or pass --repo OWNER/NAME)",
            shown(&args),
            one_line(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    serde_json::from_slice(&out.stdout)
        .with_context(|| format!("{} did not give JSON", shown(&args)))
}

/// The largest evidence file uploaded (GitHub's contents API takes up to 100 MB); a larger
/// one is named in the report, by its hash, and not uploaded.
const MAX_UPLOAD: u64 = 50 << 20;

/// Uploads the drafts' evidence files to the repository's evidence branch (made from the
/// default branch's head when it is not there), so that whoever opens an issue sees the
/// screenshot; a file already there (same hash, same path) is left as it is. Printed, not
/// run, when `printing`.
fn share_evidence(
    target: &Target,
    drafts: &[Draft],
    run: &Run,
    bodies: &Path,
    printing: bool,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let files: Vec<(&crate::journal::Evidence, String)> = drafts
        .iter()
        .flat_map(|d| d.evidence.iter())
        .filter_map(|e| Some((e, crate::bugs::repo_path(e)?)))
        .filter(|(_, path)| seen.insert(path.clone()))
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let repo = &target.name_with_owner;
    let branch = EvidenceHost::BRANCH;
    if target.visibility.as_deref() == Some("PUBLIC") {
        crate::output::note(format!(
            "{} is public: the {} go to its `{branch}` branch, where anyone \
             can see them, as anyone can read the issues",
            one_line(repo),
            crate::words::count_of(files.len(), "evidence file", "evidence files")
        ));
    }
    let exists = [
        "api".to_string(),
        format!("repos/{repo}/branches/{branch}"),
        "--silent".into(),
    ];
    let missing = if printing {
        true
    } else {
        !run_gh(&exists)?.status.success()
    };
    if missing {
        let default = target
            .default_branch_ref
            .as_ref()
            .map_or("main", |b| b.name.as_str());
        let head = [
            "api".to_string(),
            format!("repos/{repo}/git/ref/heads/{default}"),
            "--jq=.object.sha".into(),
        ];
        let sha = if printing {
            println!("{}", shown(&head));
            "SHA".to_string()
        } else {
            let out = run_gh(&head)?;
            if !out.status.success() {
                bail!(
                    "{} failed: {}",
                    shown(&head),
                    one_line(String::from_utf8_lossy(&out.stderr).trim())
                );
            }
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        let create = [
            "api".to_string(),
            "--method=POST".into(),
            format!("repos/{repo}/git/refs"),
            format!("--raw-field=ref=refs/heads/{branch}"),
            format!("--raw-field=sha={sha}"),
        ];
        gh_step(&create, printing, |_| false)?;
    }
    for (n, (evidence, path)) in files.iter().enumerate() {
        let bytes = match crate::evidence::read_kept(run.dir(), evidence, MAX_UPLOAD) {
            Ok(bytes) => bytes,
            Err(why) => {
                crate::output::warn(format!(
                    "evidence is not uploaded ({}; at most {} MB go up): the report names it \
                     by its hash",
                    one_line(&why),
                    MAX_UPLOAD >> 20
                ));
                continue;
            }
        };
        let request = serde_json::json!({
            "message": format!("greenlight evidence {}", evidence.sha256),
            "branch": branch,
            "content": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes),
        });
        let input = bodies.join(format!("evidence-{:02}.json", n + 1));
        std::fs::write(&input, serde_json::to_vec(&request)?)
            .with_context(|| format!("cannot write {}", input.display()))?;
        let upload = [
            "api".to_string(),
            "--method=PUT".into(),
            format!("repos/{repo}/contents/{path}"),
            format!("--input={}", input.display()),
            "--silent".into(),
        ];
        // Already there: GitHub wants the old file's sha to replace it, and it is the same.
        gh_step(&upload, printing, |stderr| stderr.contains("\"sha\""))?;
    }
    Ok(())
}

/// Runs one `gh` call (or prints it); a failure `tolerated` recognises is fine.
fn gh_step(args: &[String], printing: bool, tolerated: impl Fn(&str) -> bool) -> Result<()> {
    if printing {
        println!("{}", shown(args));
        return Ok(());
    }
    let out = run_gh(args)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && !tolerated(&stderr) {
        bail!("{} failed: {}", shown(args), one_line(stderr.trim()));
    }
    Ok(())
}

fn file_issues(run: &Run, args: &BugsArgs) -> Result<()> {
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
    let target = target(repo, installed)?;
    // The drafts link their evidence to the repository's evidence branch, where it is
    // uploaded below: a developer opening the issue sees the screenshot.
    let drafts = &drafts(
        run,
        args.group,
        Some(&EvidenceHost::github(&target.name_with_owner)),
    );
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
    // the drafts' folder (-o, else the run's own folder, never the repository under test);
    // run ones, into a temporary folder.
    let printing = args.dry_run || !installed;
    let temporary = tempfile::tempdir().context("cannot create a temporary folder")?;
    let bodies: PathBuf = if printing {
        let dir = args
            .output
            .clone()
            .unwrap_or_else(|| run.dir().join("bugs"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        dir
    } else {
        temporary.path().to_path_buf()
    };
    let creating = plan.calls.iter().any(|c| matches!(c, Call::Create { .. }));
    if creating {
        share_evidence(&target, drafts, run, &bodies, printing)?;
    }
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
