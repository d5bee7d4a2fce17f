//! `greenlight export [RUN] --format csv|json|xlsx [--layout long|grid] [-o FILE] [--raw]`

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};

use crate::cli::{ExportArgs, ExportFormat, Layout};
use crate::export::{Safety, write_grid_csv, write_json, write_long_csv};
use crate::fsutil::write_atomically_with;
use crate::run::Run;

use super::{Outcome, Workspace, warn_to_stderr};

/// Writes the run's results to a file (atomically) or, for text formats, to standard output.
pub fn run(workspace: &Workspace, args: &ExportArgs) -> Result<Outcome> {
    let id = workspace.store.resolve(args.run.as_deref())?;
    let run = Run::open(&workspace.store, &id, &mut warn_to_stderr)?;
    let file = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let safety = if args.raw {
        Safety::Raw
    } else {
        Safety::Spreadsheet
    };
    let text = |out: &mut dyn Write| -> Result<()> {
        match args.layout {
            Layout::Long => write_long_csv(&run, safety, out),
            Layout::Grid => write_grid_csv(&run, safety, out),
        }
    };
    match (args.format, file) {
        (ExportFormat::Xlsx, Some(path)) => crate::export::xlsx::write_workbook(&run, path)?,
        (ExportFormat::Xlsx, None) => bail!("an XLSX workbook needs a file: -o FILE.xlsx"),
        (ExportFormat::Csv, Some(path)) => write_atomically_with(path, text)?,
        (ExportFormat::Json, Some(path)) => {
            write_atomically_with(path, |out| write_json(&run, out))?
        }
        (ExportFormat::Csv, None) => to_stdout(text)?,
        (ExportFormat::Json, None) => to_stdout(|out| write_json(&run, out))?,
    }
    if let Some(path) = file {
        wrote(path);
    }
    Ok(Outcome::Done)
}

fn to_stdout(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

fn wrote(path: &Path) {
    anstream::eprintln!("wrote {}", path.display());
}
