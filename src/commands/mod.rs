//! One function per subcommand. Each takes parsed arguments, does its work through the
//! library modules, and prints its result; `main` only dispatches.

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

/// What every command may need: where things live.
#[derive(Debug)]
pub struct Env {
    pub paths: Paths,
    pub store: RunStore,
}

impl Env {
    /// Finds the paths from `--home` / `GREENLIGHT_HOME` or the platform's folders.
    pub fn discover(home: Option<PathBuf>) -> Result<Env> {
        let paths = Paths::discover(home)?;
        let store = RunStore::new(&paths.home);
        Ok(Env { paths, store })
    }
}

/// Prints `value` as pretty JSON on standard output.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Passes warnings on to standard error.
pub fn warn_to_stderr(message: String) {
    crate::output::warn(message);
}
