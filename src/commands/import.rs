//! `greenlight import FILE -o OUT` and `greenlight import-results RUN FILE`.

use anyhow::{Context, Result, bail};

use crate::checklist::Checklist;
use crate::cli::ImportArgs;
use crate::exit::NotGood;
use crate::fsutil::write_atomically;
use crate::import::checklist::{ImportOptions, import_checklist};

/// Makes a checklist from a spreadsheet or Markdown file, checks it, and writes it.
pub fn checklist(args: &ImportArgs) -> Result<()> {
    if args.output.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            args.output.display()
        );
    }
    let stem = args
        .output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let imported = import_checklist(
        &args.file,
        &ImportOptions {
            matrix: args.matrix.as_deref(),
            id: args.id.as_deref().or(stem.as_deref()),
            title: args.title.as_deref(),
        },
    )?;
    for skipped in &imported.skipped {
        crate::output::warn(format!(
            "{} {}: {}",
            args.file.display(),
            skipped.location,
            skipped.reason
        ));
    }
    Checklist::parse(&imported.yaml, &args.output.display().to_string()).map_err(|err| {
        NotGood(format!(
            "the checklist made from {} is not valid; nothing was written\n{err}",
            args.file.display()
        ))
    })?;
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    write_atomically(&args.output, imported.yaml.as_bytes())?;
    println!(
        "wrote {}: {} sections, {} items from {}{}",
        args.output.display(),
        imported.sections,
        imported.items,
        args.file.display(),
        match imported.skipped.len() {
            0 => String::new(),
            1 => "; 1 row skipped (see the warning above)".to_string(),
            n => format!("; {n} rows skipped (see the warnings above)"),
        }
    );
    Ok(())
}

/// Records the results of a spreadsheet that differ from the run's.
pub fn results(env: &super::Env, args: &crate::cli::ImportResultsArgs) -> Result<()> {
    crate::import::results::import(env, args)
}
