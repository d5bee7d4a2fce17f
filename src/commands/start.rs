//! `greenlight start FILE --release LABEL`

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::checklist::{Checklist, LoadError, Share};
use crate::cli::{CarryArgs, RunIdentity, StartArgs};
use crate::config::{Config, Tester};
use crate::fsutil::sha256_hex;
use crate::run::now_rfc3339;
use crate::store::{ChecklistRef, RunMeta};

use super::{Outcome, Refusal, Workspace};

/// A step's result that may be "not good" rather than an error.
pub type Checked<T> = std::result::Result<T, Refusal>;

/// Creates a run of `file` and returns its description, or why the checklist cannot be
/// run; with `--carry-from`, the earlier approval's passes that still hold are recorded
/// first (and with `--dry-run` only said: no run is created, and `None` returned). Shared
/// with the interactive `run`.
pub fn create_run(
    workspace: &Workspace,
    file: &Path,
    identity: &RunIdentity,
    share: &Share,
    carry: &CarryArgs,
) -> Result<Checked<Option<RunMeta>>> {
    let (checklist, bytes) = match Checklist::load_with_bytes(file) {
        Ok(loaded) => loaded,
        Err(LoadError::Invalid(err)) => {
            return Ok(Err(Refusal(format!(
                "cannot start a run: {} is not a valid checklist\n{err}",
                file.display()
            ))));
        }
        Err(err) => return Err(err.into()),
    };
    // A share that names what the checklist lacks, or holds no cell, is a bad flag.
    let restricted = checklist
        .restrict(share)
        .context("in --browsers, --viewports or --sections")?;
    let release = identity.release.trim();
    if release.is_empty() || release.contains(['\n', '\r']) {
        bail!("--release needs a one-line label, such as a version");
    }
    let config = Config::load(&workspace.paths.config_file)?;
    let tester = Tester::find(
        identity.tester.as_deref(),
        &config,
        &workspace.paths.config_file,
    )?;
    let place = locate(file)?;
    let commit = match &identity.commit {
        // Said outright: the run records that nobody knows the commit.
        Some(given) if given.trim() == "unknown" => None,
        Some(given) => Some(
            crate::git::commit_id(given, place.root.as_deref()).with_context(|| {
                format!(
                    "--commit `{}` is not a commit git knows here: give its full id (40 hex \
                     digits; an abbreviation is resolved only by the repository), or `unknown`",
                    crate::untrusted::one_line(given)
                )
            })?,
        ),
        None => place.root.as_deref().and_then(crate::git::head_commit),
    };
    let carried = match &carry.carry_from {
        None => None,
        Some(_) => {
            let prepared = match super::carry::prepare(
                carry,
                &restricted,
                place.root.as_deref(),
                commit.as_deref(),
            )? {
                Ok(prepared) => prepared,
                Err(refusal) => return Ok(Err(refusal)),
            };
            super::carry::print_plan(&prepared, &restricted, carry.dry_run);
            if carry.dry_run {
                return Ok(Ok(None));
            }
            Some(prepared)
        }
    };
    // Before anyone spends an afternoon: a checklist the gate will not pin wastes the run.
    if let Some(root) = &place.root
        && let Some(warning) =
            crate::preflight::checklist_not_pinned(root, &place.path, &sha256_hex(&bytes))
    {
        crate::output::warn(warning);
    }
    let meta = RunMeta {
        id: String::new(),
        release: release.to_string(),
        commit,
        repository: place.root.as_deref().and_then(crate::git::remote_url),
        tester: tester.to_string(),
        checklist: ChecklistRef {
            id: checklist.id.clone(),
            title: checklist.title.clone(),
            version: checklist.version.clone(),
            path: place.path,
            sha256: sha256_hex(&bytes),
        },
        share: (!share.is_whole()).then(|| share.clone()),
        started_at: now_rfc3339(),
        tool: format!("greenlight {}", env!("CARGO_PKG_VERSION")),
    };
    let meta = workspace.store.create(meta, &bytes, chrono::Utc::now())?;
    if let Some(prepared) = carried {
        let mut session = super::open_for_recording(workspace, &meta.id)?;
        super::carry::record(&mut session, &prepared, &meta.tester)?;
    }
    Ok(Ok(Some(meta)))
}

/// Where a checklist file is, as a run records it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    /// The top folder of the repository under test, when there is one.
    root: Option<PathBuf>,
    /// The file's path from `root` with `/` between folders (what `verify` looks up,
    /// wherever in the repository it runs); with no repository, from the current folder.
    path: String,
}

/// Finds the repository a checklist belongs to — the one its own folder is in — and its
/// path there. The file itself is not resolved, so a checklist that is a link is recorded
/// by the path the repository has for it.
fn locate(file: &Path) -> Result<Place> {
    let name = file
        .file_name()
        .with_context(|| format!("{} is not a file", file.display()))?;
    let folder = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let folder =
        std::fs::canonicalize(folder).with_context(|| format!("cannot read {}", file.display()))?;
    let Some(root) = crate::git::toplevel(Some(&folder)) else {
        if let Some(here) = crate::git::toplevel(None) {
            bail!(
                "{} is not in a git repository, while this command runs in the repository at \
                 {}: a run records its checklist by its path in the repository under test, so \
                 that `verify` and the gate can find it there; copy it into that repository \
                 (for example into checklists/) and start from there",
                file.display(),
                here.display()
            );
        }
        // No repository anywhere: the path from the current folder when the file is below
        // it (where `verify` looks, run in the same place), else the file's name.
        let here = std::env::current_dir().and_then(std::fs::canonicalize).ok();
        let below = here.and_then(|here| folder.strip_prefix(here).ok().map(Path::to_path_buf));
        let path = match below {
            Some(relative) => slash_path(&relative, name),
            None => name.to_string_lossy().into_owned(),
        };
        return Ok(Place { root: None, path });
    };
    let canonical_root = std::fs::canonicalize(&root)
        .with_context(|| format!("cannot read the repository {}", root.display()))?;
    let relative = folder.strip_prefix(&canonical_root).with_context(|| {
        format!(
            "{} is not inside its repository {}",
            file.display(),
            root.display()
        )
    })?;
    Ok(Place {
        root: Some(root),
        path: slash_path(relative, name),
    })
}

/// `folder/name` with `/` between the parts, whatever the platform.
fn slash_path(folder: &Path, name: &std::ffi::OsStr) -> String {
    folder
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .chain([name.to_string_lossy().into_owned()])
        .collect::<Vec<_>>()
        .join("/")
}

/// Starts a run and prints its id (or the whole description with `--json`).
pub fn run(workspace: &Workspace, args: &StartArgs) -> Result<Outcome> {
    let share = args.share.share();
    let meta = match create_run(workspace, &args.file, &args.identity, &share, &args.carry)? {
        Ok(Some(meta)) => meta,
        Ok(None) => return Ok(Outcome::Done),
        Err(refusal) => return Ok(refusal.into()),
    };
    if args.json {
        super::print_json(&meta)?;
        return Ok(Outcome::Done);
    }
    crate::output::say(&meta.id);
    crate::output::note(format!(
        "started run {} of {} for release {} by {} (commit {})",
        meta.id,
        meta.checklist.id,
        meta.release,
        meta.tester,
        meta.commit.as_deref().unwrap_or("unknown")
    ));
    if meta.share.is_some() {
        let run = crate::run::Run::open(&workspace.store, &meta.id, &mut super::warn_to_stderr)?;
        if let Some(label) = run.checklist().share_label() {
            crate::output::note(format!("share: {label}"));
        }
    }
    Ok(Outcome::Done)
}
