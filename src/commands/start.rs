//! `greenlight start FILE --release LABEL`

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::checklist::Checklist;
use crate::cli::{RunIdentity, StartArgs};
use crate::config::{Config, Tester};
use crate::exit::NotGood;
use crate::fsutil::sha256_hex;
use crate::run::now_rfc3339;
use crate::store::{ChecklistRef, RunMeta};

use super::Env;

/// Creates a run of `file` and returns its description. Shared with the interactive `run`.
pub fn create_run(env: &Env, file: &Path, identity: &RunIdentity) -> Result<RunMeta> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let checklist = Checklist::from_bytes(&bytes, &file.display().to_string()).map_err(|err| {
        NotGood(format!(
            "cannot start a run: {} is not a valid checklist\n{err}",
            file.display()
        ))
    })?;
    let release = identity.release.trim();
    if release.is_empty() || release.contains(['\n', '\r']) {
        bail!("--release needs a one-line label, such as a version");
    }
    let config = Config::load(&env.paths.config_file)?;
    let tester = Tester::find(identity.tester.as_deref(), &config, &env.paths.config_file)?;
    let commit = match &identity.commit {
        Some(commit) if commit.trim().is_empty() => bail!("--commit is empty"),
        Some(commit) => Some(commit.trim().to_string()),
        None => crate::git::head_commit(),
    };
    let meta = RunMeta {
        id: String::new(),
        release: release.to_string(),
        commit,
        repository: crate::git::remote_url(),
        tester: tester.to_string(),
        checklist: ChecklistRef {
            id: checklist.id.clone(),
            title: checklist.title.clone(),
            version: checklist.version.clone(),
            path: file.display().to_string(),
            sha256: sha256_hex(&bytes),
        },
        started_at: now_rfc3339(),
        tool: format!("greenlight {}", env!("CARGO_PKG_VERSION")),
    };
    env.store.create(meta, &bytes, chrono::Utc::now())
}

/// Starts a run and prints its id (or the whole description with `--json`).
pub fn run(env: &Env, args: &StartArgs) -> Result<()> {
    let meta = create_run(env, &args.file, &args.identity)?;
    if args.json {
        return super::print_json(&meta);
    }
    println!("{}", meta.id);
    anstream::eprintln!(
        "started run {} of {} for release {} by {} (commit {})",
        meta.id,
        meta.checklist.id,
        meta.release,
        meta.tester,
        meta.commit.as_deref().unwrap_or("unknown")
    );
    Ok(())
}
