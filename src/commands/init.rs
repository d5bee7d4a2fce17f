//! `greenlight init`: a starter checklist, and where things live.

use anyhow::{Context, Result, bail};

use crate::cli::InitArgs;
use crate::fsutil::write_atomically;

use super::{Outcome, Workspace};

/// The checklist greenlight ships, written by `init`.
pub const STARTER_CHECKLIST: &str = include_str!("../../checklists/web-ux.yaml");

/// Writes `DIR/web-ux.yaml` and prints the config and data locations.
pub fn run(workspace: &Workspace, args: &InitArgs) -> Result<Outcome> {
    let target = args.dir.join("web-ux.yaml");
    if target.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            target.display()
        );
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    write_atomically(&target, STARTER_CHECKLIST.as_bytes())?;
    crate::output::say(format!("wrote {}", target.display()));
    crate::output::say(format!("config: {}", workspace.paths.config_file.display()));
    crate::output::say(format!("data:   {}", workspace.paths.home.display()));
    crate::output::say("");
    crate::output::say(format!("next: greenlight validate {}", target.display()));
    crate::output::say(format!(
        "      greenlight start {} --release LABEL",
        target.display()
    ));
    Ok(Outcome::Done)
}
