//! `greenlight export [RUN] --format csv|json [--layout long|grid] [-o FILE] [--raw]`

use std::io::Write;

use anyhow::Result;

use crate::cli::{ExportArgs, ExportFormat, Layout};
use crate::export::{Safety, write_grid_csv, write_json, write_long_csv};
use crate::fsutil::write_atomically_with;
use crate::run::Run;

use super::{Env, warn_to_stderr};

/// Writes the run's results to a file (atomically) or to standard output.
pub fn run(env: &Env, args: &ExportArgs) -> Result<()> {
    let id = env.store.resolve(args.run.as_deref())?;
    let run = Run::open(&env.store, &id, &mut warn_to_stderr)?;
    let safety = if args.raw {
        Safety::Raw
    } else {
        Safety::Spreadsheet
    };
    let write = |out: &mut dyn Write| -> Result<()> {
        match (args.format, args.layout) {
            (ExportFormat::Csv, Layout::Long) => write_long_csv(&run, safety, out),
            (ExportFormat::Csv, Layout::Grid) => write_grid_csv(&run, safety, out),
            (ExportFormat::Json, _) => write_json(&run, out),
            (ExportFormat::Xlsx, _) => unreachable!("written above"),
        }
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomically_with(path, write)?;
            anstream::eprintln!("wrote {}", path.display());
            Ok(())
        }
        _ => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}
