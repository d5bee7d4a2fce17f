//! Results typed into a spreadsheet, read back as entries to record.

use anyhow::{Result, bail};

use crate::cli::ImportResultsArgs;
use crate::commands::Env;

/// Reads the sheet, shows what will change, and records it.
pub fn import(_env: &Env, args: &ImportResultsArgs) -> Result<()> {
    bail!("{}: importing results is being written", args.file.display())
}
