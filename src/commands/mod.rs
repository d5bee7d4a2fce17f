//! One function per subcommand. Each takes parsed arguments, does its work through the
//! library modules, prints its result, and returns how it came out; `main` only dispatches
//! and turns the [`Outcome`] into an exit code.

pub mod bugs;
pub mod carry;
pub mod export;
pub mod import;
pub mod init;
pub mod record;
pub mod runs;
pub mod signoff;
pub mod start;
pub mod status;
pub mod validate;
pub mod verify;
pub mod walk;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::config::Paths;
use crate::store::RunStore;

/// Where greenlight keeps things on this machine: what every command that touches runs or
/// the config needs.
#[derive(Debug)]
pub struct Workspace {
    pub paths: Paths,
    pub store: RunStore,
}

impl Workspace {
    /// Finds the paths from `--home` / `GREENLIGHT_HOME` or the platform's folders.
    pub fn discover(home: Option<PathBuf>) -> Result<Workspace> {
        let paths = Paths::discover(home)?;
        let store = RunStore::new(&paths.home);
        Ok(Workspace { paths, store })
    }
}

/// How a command that ran to its end came out. Errors of use or of the environment (a bad
/// flag, an unreadable file, a run in use) travel as `Err` instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked, or what it checked is good.
    Done,
    /// What it checked is not good — an invalid checklist, a failed verification, a closed
    /// gate — and why, in one sentence.
    NotGood(String),
}

/// What a step shared by several commands found not good; the command returns it as
/// [`Outcome::NotGood`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl From<Refusal> for Outcome {
    fn from(refusal: Refusal) -> Outcome {
        Outcome::NotGood(refusal.0)
    }
}

/// Opens run `id` for recording, locked, with the config's evidence limit.
pub fn open_for_recording(workspace: &Workspace, id: &str) -> Result<crate::run::RunSession> {
    let config = crate::config::Config::load(&workspace.paths.config_file)?;
    let mut session = crate::run::RunSession::open(&workspace.store, id, &mut warn_to_stderr)?;
    session.set_evidence_limit(config.evidence_limit());
    Ok(session)
}

/// Prints `value` as pretty JSON on standard output.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    crate::untrusted::write_json_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Passes warnings on to standard error.
pub fn warn_to_stderr(message: String) {
    crate::output::warn(message);
}
