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
    let format = format_of(args.format, file)?;
    match (format, file) {
        (ExportFormat::Xlsx, Some(path)) => crate::export::xlsx::write_workbook(&run, path)?,
        (ExportFormat::Xlsx, None) => bail!("an XLSX workbook needs a file: -o FILE.xlsx"),
        (ExportFormat::Csv, Some(path)) => write_atomically_with(path, text)?,
        (ExportFormat::Json, Some(path)) => {
            write_atomically_with(path, |out| write_json(&run, out))?
        }
        (ExportFormat::Html, Some(path)) => write_atomically_with(path, |out| {
            crate::export::html::write_report(&run, None, run.dir(), out)
        })?,
        (ExportFormat::Html, None) => {
            to_stdout(|out| crate::export::html::write_report(&run, None, run.dir(), out))?
        }
        (ExportFormat::Csv, None) => to_stdout(text)?,
        (ExportFormat::Json, None) => to_stdout(|out| write_json(&run, out))?,
    }
    if let Some(path) = file {
        wrote(path);
    }
    Ok(Outcome::Done)
}

/// The format asked for, or the one `-o`'s extension names; a file whose extension names
/// another format is refused, so a `.xlsx` never holds CSV.
fn format_of(asked: Option<ExportFormat>, file: Option<&Path>) -> Result<ExportFormat> {
    let named = file
        .and_then(|path| path.extension())
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase)
        .and_then(|ext| match ext.as_str() {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            "xlsx" => Some(ExportFormat::Xlsx),
            "html" | "htm" => Some(ExportFormat::Html),
            _ => None,
        });
    match (asked, named) {
        (Some(asked), Some(named)) if asked != named => bail!(
            "--format {} does not match the file name {}: name it .{}, or leave --format out",
            format_name(asked),
            file.map(|p| p.display().to_string()).unwrap_or_default(),
            format_name(asked)
        ),
        (Some(asked), _) => Ok(asked),
        (None, Some(named)) => Ok(named),
        (None, None) => Ok(ExportFormat::Csv),
    }
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
        ExportFormat::Xlsx => "xlsx",
        ExportFormat::Html => "html",
    }
}

fn to_stdout(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

fn wrote(path: &Path) {
    crate::output::note(format!("wrote {}", path.display()));
}
