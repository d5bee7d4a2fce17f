//! The scale check of the issue: a checklist of 10,000 items on a 12-environment matrix
//! (120,000 cells) and a run whose journal has a result for every cell.
//!
//! ```text
//! cargo run --release --example scale              # generate, then measure in a child process
//! cargo run --release --example scale -- generate DIR
//! cargo run --release --example scale -- measure DIR [REPETITIONS]
//! ```
//!
//! With no arguments it writes the fixture to a temporary folder and runs itself again as
//! `measure` on it, so that the peak memory printed is that of greenlight's own work (load,
//! open, export) and not of making the fixture. Each step is timed over 11 repetitions
//! (by default) and the median is compared with the budget. Peak memory is the kernel's
//! high-water mark of resident memory (VmHWM in /proc/self/status), reset before each step
//! where the kernel allows it so that each step's own peak shows too.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use greenlight::checklist::Checklist;
use greenlight::export::{Safety, write_long_csv};
use greenlight::fsutil::write_atomically_with;
use greenlight::run::Run;

#[path = "../benches/fixture/mod.rs"]
mod fixture;

const DEFAULT_REPETITIONS: usize = 11;
const MIB: f64 = 1024.0 * 1024.0;

const BUDGET_LOAD: Duration = Duration::from_millis(150);
const BUDGET_OPEN: Duration = Duration::from_millis(250);
const BUDGET_EXPORT: Duration = Duration::from_millis(300);
const BUDGET_PEAK_MIB: f64 = 100.0;

fn main() -> ExitCode {
    match main_inner() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("scale: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn main_inner() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => both(),
        ["generate", dir] => {
            generate(Path::new(dir))?;
            Ok(ExitCode::SUCCESS)
        }
        ["measure", dir] => measure(Path::new(dir), DEFAULT_REPETITIONS),
        ["measure", dir, reps] => measure(
            Path::new(dir),
            reps.parse().context("REPETITIONS must be a number")?,
        ),
        _ => bail!("usage: scale [generate DIR | measure DIR [REPETITIONS]]"),
    }
}

/// Generates into a temporary folder, then measures in a fresh process.
fn both() -> Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    generate(dir.path())?;
    let exe = std::env::current_exe().context("cannot find this program")?;
    let status = Command::new(exe)
        .arg("measure")
        .arg(dir.path())
        .status()
        .context("cannot start the measuring process")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(1) => ExitCode::from(1),
        _ => ExitCode::from(2),
    })
}

fn generate(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let f = fixture::generate(dir)?;
    println!(
        "fixture: {} items × {} environments = {} cells; checklist {:.1} MiB, journal {:.1} MiB \
         ({} lines); made in {:.1} s in {}",
        fixture::ITEMS,
        fixture::ENVIRONMENTS,
        fixture::CELLS,
        f.checklist_bytes as f64 / MIB,
        f.journal_bytes as f64 / MIB,
        fixture::CELLS,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}

/// Resident memory figures of this process, in bytes: (current, high-water mark).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the high-water mark to the current resident size (Linux ≥ 4.0); false if refused.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Step {
    name: &'static str,
    times: Vec<Duration>,
    peak: Option<u64>,
    budget: Option<Duration>,
}

impl Step {
    fn median(&self) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    }
}

/// Times `work` `reps` times (after one untimed warm-up run); `work` returns what must be
/// dropped outside the timing.
fn step<T>(
    name: &'static str,
    reps: usize,
    budget: Option<Duration>,
    mut work: impl FnMut() -> Result<T>,
) -> Result<Step> {
    let can_reset = reset_peak();
    drop(work()?);
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let started = Instant::now();
        let kept = work()?;
        times.push(started.elapsed());
        drop(kept);
    }
    Ok(Step {
        name,
        times,
        peak: can_reset.then(|| memory().1),
        budget,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn measure(dir: &Path, reps: usize) -> Result<ExitCode> {
    if reps == 0 {
        bail!("REPETITIONS must be at least 1");
    }
    let f = fixture::existing(dir)?;
    let (baseline, _) = memory();
    let export_path: PathBuf = dir.join("results.csv");
    let mut warnings = Vec::new();

    let mut steps = Vec::new();
    steps.push(step(
        "load + validate the checklist (Checklist::load)",
        reps,
        Some(BUDGET_LOAD),
        || {
            let checklist = Checklist::load(&f.checklist_path)?;
            anyhow::ensure!(checklist.cell_count() == fixture::CELLS, "wrong cell count");
            Ok(checklist)
        },
    )?);
    steps.push(step(
        "open the run (Run::open)",
        reps,
        Some(BUDGET_OPEN),
        || {
            let run = Run::open(&f.store, &f.run_id, &mut |w| warnings.push(w))?;
            anyhow::ensure!(run.entries.len() == fixture::CELLS, "wrong entry count");
            Ok(run)
        },
    )?);

    let run = Run::open(&f.store, &f.run_id, &mut |w| warnings.push(w))?;
    let mut csv_bytes = 0;
    steps.push(step(
        "CSV export to a file, as `export -o` (write_long_csv)",
        reps,
        Some(BUDGET_EXPORT),
        || {
            write_atomically_with(&export_path, |out| {
                write_long_csv(&run, Safety::Spreadsheet, out)
            })?;
            csv_bytes = std::fs::metadata(&export_path)?.len();
            Ok(())
        },
    )?);
    steps.push(step(
        "CSV export to io::sink (write_long_csv alone)",
        reps,
        None,
        || write_long_csv(&run, Safety::Spreadsheet, &mut std::io::sink()),
    )?);
    drop(run);
    steps.push(step(
        "whole `greenlight export -o`: open + CSV to a file",
        reps,
        None,
        || {
            let run = Run::open(&f.store, &f.run_id, &mut |w| warnings.push(w))?;
            write_atomically_with(&export_path, |out| {
                write_long_csv(&run, Safety::Spreadsheet, out)
            })
        },
    )?);
    if !warnings.is_empty() {
        bail!("the run gave warnings: {warnings:?}");
    }
    let rows = std::fs::read(&export_path)?
        .iter()
        .filter(|&&b| b == b'\n')
        .count();

    println!(
        "\nmedian of {reps} repetitions (after one warm-up); {} CSV rows + header, {:.1} MiB",
        fixture::CELLS,
        csv_bytes as f64 / MIB
    );
    let mut missed = 0;
    println!(
        "{:<56} {:>10} {:>10} {:>10} {:>12} {:>10}  verdict",
        "step", "median", "min", "max", "budget", "peak RSS"
    );
    for s in &steps {
        let median = s.median();
        let verdict = match s.budget {
            Some(budget) if median <= budget => "met",
            Some(_) => {
                missed += 1;
                "MISSED"
            }
            None => "",
        };
        println!(
            "{:<56} {:>10} {:>10} {:>10} {:>12} {:>10}  {verdict}",
            s.name,
            ms(median),
            ms(*s.times.iter().min().expect("at least one")),
            ms(*s.times.iter().max().expect("at least one")),
            s.budget.map_or("".into(), |b| format!("≤ {}", ms(b))),
            s.peak
                .map_or("?".into(), |p| format!("{:.1} MiB", p as f64 / MIB)),
        );
    }
    // The lines counted include the header; embedded newlines in notes add a few more.
    anyhow::ensure!(rows > fixture::CELLS, "the CSV has only {rows} lines");

    // Each step's peak was measured from a reset; without resets, VmHWM covers them all.
    let peak = steps
        .iter()
        .filter_map(|s| s.peak)
        .fold(memory().1, u64::max);
    let peak_mib = peak as f64 / MIB;
    let peak_verdict = if peak_mib <= BUDGET_PEAK_MIB {
        "met"
    } else {
        missed += 1;
        "MISSED"
    };
    println!(
        "\npeak memory (VmHWM) of the measuring process: {peak_mib:.1} MiB \
         (it started at {:.1} MiB); budget ≤ {BUDGET_PEAK_MIB:.0} MiB: {peak_verdict}",
        baseline as f64 / MIB
    );
    Ok(if missed == 0 {
        println!("all budgets met");
        ExitCode::SUCCESS
    } else {
        println!("{missed} budget(s) missed");
        ExitCode::from(1)
    })
}
