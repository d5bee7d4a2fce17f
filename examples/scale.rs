//! The scale check of the issue: a checklist of 10,000 items on a 12-environment matrix
//! (120,000 cells) and a run whose journal has a result for every cell, against the budgets
//! load + validate ≤ 150 ms, open the run ≤ 250 ms, CSV export ≤ 300 ms, peak memory ≤ 100 MB.
//!
//! ```text
//! cargo run --release --example scale                      # generate in a temp folder, measure
//! cargo run --release --example scale -- generate DIR      # only write the fixture to DIR
//! cargo run --release --example scale -- measure DIR [N]   # measure a fixture written before
//! ```
//!
//! Every measurement runs in a child process of its own (this program started again), so the
//! memory spent making the fixture never counts:
//! - **cold**: N fresh processes (11 by default) each do the flow once, as the commands do:
//!   `Checklist::load` (what `validate` does), then `Run::open` and a CSV export to a file
//!   written the way `export -o` writes it. Their medians are what a user waits for, and
//!   the largest high-water mark of resident memory (VmHWM) among them is the peak.
//! - **warm**: one process repeats each step N times after a warm-up, as the criterion bench
//!   (`cargo bench --bench core`) does; allocator and page cache are warm there.
//!
//! Budgets are judged on the cold medians, the slower of the two. The exit code is 0 when
//! every budget is met, 1 when one is missed, 2 on an error.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use greenlight::checklist::Checklist;
use greenlight::export::{Safety, write_long_csv};
use greenlight::fsutil::write_atomically_with;
use greenlight::run::Run;

#[path = "../benches/fixture/mod.rs"]
mod fixture;

const DEFAULT_REPETITIONS: usize = 11;
const MIB: f64 = 1024.0 * 1024.0;
const BUDGET_PEAK: u64 = 100 * 1024 * 1024;

/// The steps, in the order they run, with their budgets.
const STEPS: [(&str, Option<u64>); 4] = [
    ("load + validate the checklist", Some(150)),
    ("open the run (120,000 records)", Some(250)),
    ("CSV export to a file (120,000 rows)", Some(300)),
    ("CSV export to io::sink (no file)", None),
];

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
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let count = |text: &str| -> Result<usize> {
        let n: usize = text.parse().context("N must be a number of repetitions")?;
        ensure!(n > 0, "N must be at least 1");
        Ok(n)
    };
    match args.as_slice() {
        [] => generate_and_measure(DEFAULT_REPETITIONS),
        [n] if n.parse::<usize>().is_ok() => generate_and_measure(count(n)?),
        ["generate", dir] => {
            generate(Path::new(dir))?;
            Ok(ExitCode::SUCCESS)
        }
        ["measure", dir] => measure(Path::new(dir), DEFAULT_REPETITIONS),
        ["measure", dir, n] => measure(Path::new(dir), count(n)?),
        // The children `measure` starts.
        ["cold", dir] => cold(Path::new(dir)).map(|()| ExitCode::SUCCESS),
        ["warm", dir, n] => warm(Path::new(dir), count(n)?).map(|()| ExitCode::SUCCESS),
        _ => bail!("usage: scale [N] | scale generate DIR | scale measure DIR [N]"),
    }
}

fn generate_and_measure(reps: usize) -> Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    generate(dir.path())?;
    measure(dir.path(), reps)
}

fn generate(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let f = fixture::generate(dir)?;
    println!(
        "fixture: {} items × {} environments = {} cells; checklist {}, journal {} \
         ({} results); written in {:.1} s to {}",
        fixture::ITEMS,
        fixture::ENVIRONMENTS,
        fixture::CELLS,
        mib(f.checklist_bytes as u64),
        mib(f.journal_bytes),
        fixture::CELLS,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// This process's high-water mark of resident memory (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb * 1024)
}

/// The steps themselves, shared by the cold and the warm children.
struct Flow {
    f: fixture::Fixture,
    csv_path: std::path::PathBuf,
}

impl Flow {
    fn new(dir: &Path) -> Result<Flow> {
        Ok(Flow {
            f: fixture::existing(dir)?,
            csv_path: dir.join("results.csv"),
        })
    }

    fn load(&self) -> Result<Checklist> {
        let checklist = Checklist::load(&self.f.checklist_path)?;
        ensure!(checklist.cell_count() == fixture::CELLS, "wrong cell count");
        Ok(checklist)
    }

    fn open(&self) -> Result<Run> {
        let mut warnings = Vec::new();
        let run = Run::open(&self.f.store, &self.f.run_id, &mut |w| warnings.push(w))?;
        ensure!(warnings.is_empty(), "the run gave warnings: {warnings:?}");
        ensure!(run.entries().len() == fixture::CELLS, "wrong entry count");
        Ok(run)
    }

    /// As `greenlight export -o FILE` writes: a temporary file, flushed, renamed into place.
    fn export(&self, run: &Run) -> Result<()> {
        write_atomically_with(&self.csv_path, |out| {
            write_long_csv(run, Safety::Spreadsheet, out)
        })
    }

    fn export_to_sink(&self, run: &Run) -> Result<()> {
        write_long_csv(run, Safety::Spreadsheet, &mut std::io::sink())
    }
}

fn timed<T>(work: impl FnOnce() -> Result<T>) -> Result<(T, Duration)> {
    let started = Instant::now();
    let made = work()?;
    Ok((made, started.elapsed()))
}

/// Child: the flow once in this fresh process. Prints `cold T1 T2 T3 T4 PEAK` (ns, bytes).
fn cold(dir: &Path) -> Result<()> {
    let flow = Flow::new(dir)?;
    let (checklist, load) = timed(|| flow.load())?;
    drop(checklist);
    let (run, open) = timed(|| flow.open())?;
    let ((), export) = timed(|| flow.export(&run))?;
    let ((), sink) = timed(|| flow.export_to_sink(&run))?;
    drop(run);
    let rows = csv::Reader::from_path(&flow.csv_path)?.records().count();
    ensure!(
        rows == fixture::CELLS,
        "the CSV has {rows} rows, not {}",
        fixture::CELLS
    );
    println!(
        "cold {} {} {} {} {}",
        load.as_nanos(),
        open.as_nanos(),
        export.as_nanos(),
        sink.as_nanos(),
        peak_rss()
    );
    Ok(())
}

/// Child: each step `reps` times after one warm-up. Prints `warm STEP T…` (ns) per step.
fn warm(dir: &Path, reps: usize) -> Result<()> {
    let flow = Flow::new(dir)?;
    let mut lines = Vec::new();
    let mut repeat = |step: usize, work: &mut dyn FnMut() -> Result<Duration>| -> Result<()> {
        work()?;
        let times = (0..reps)
            .map(|_| work().map(|d| d.as_nanos().to_string()))
            .collect::<Result<Vec<_>>>()?;
        lines.push(format!("warm {step} {}", times.join(" ")));
        Ok(())
    };
    repeat(0, &mut || {
        let (checklist, took) = timed(|| flow.load())?;
        drop(checklist);
        Ok(took)
    })?;
    repeat(1, &mut || {
        let (run, took) = timed(|| flow.open())?;
        drop(run);
        Ok(took)
    })?;
    let run = flow.open()?;
    repeat(2, &mut || Ok(timed(|| flow.export(&run))?.1))?;
    repeat(3, &mut || Ok(timed(|| flow.export_to_sink(&run))?.1))?;
    for line in lines {
        println!("{line}");
    }
    Ok(())
}

/// Runs this program as a child with `args` and returns the lines it printed.
fn child(args: &[&std::ffi::OsStr]) -> Result<String> {
    let exe = std::env::current_exe().context("cannot find this program")?;
    let output = Command::new(exe)
        .args(args)
        .output()
        .context("cannot start a measuring process")?;
    if !output.status.success() {
        bail!(
            "a measuring process failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

fn numbers(line: &str, tag: &str) -> Result<Vec<u64>> {
    line.strip_prefix(tag)
        .with_context(|| format!("unexpected output from a child: {line}"))?
        .split_whitespace()
        .map(|n| n.parse().context("a number"))
        .collect()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn measure(dir: &Path, reps: usize) -> Result<ExitCode> {
    fixture::existing(dir)?;
    let dir_arg = dir.as_os_str();

    let mut cold_times: Vec<Vec<Duration>> = vec![Vec::new(); STEPS.len()];
    let mut peaks = Vec::new();
    for _ in 0..reps {
        let out = child(&["cold".as_ref(), dir_arg])?;
        let values = numbers(out.trim(), "cold ")?;
        ensure!(values.len() == STEPS.len() + 1, "unexpected output: {out}");
        for (step, &ns) in values[..STEPS.len()].iter().enumerate() {
            cold_times[step].push(Duration::from_nanos(ns));
        }
        peaks.push(values[STEPS.len()]);
    }
    let reps_text = reps.to_string();
    let out = child(&["warm".as_ref(), dir_arg, reps_text.as_ref()])?;
    let mut warm_times: Vec<Vec<Duration>> = vec![Vec::new(); STEPS.len()];
    for line in out.lines() {
        let values = numbers(line, "warm ")?;
        let step = *values.first().context("a step number")? as usize;
        ensure!(step < STEPS.len(), "unexpected output: {line}");
        warm_times[step] = values[1..]
            .iter()
            .map(|&ns| Duration::from_nanos(ns))
            .collect();
    }

    println!(
        "\nmedians; cold: {reps} fresh processes, each doing the flow once; \
         warm: {reps} repetitions in one process after a warm-up\n"
    );
    println!(
        "{:<38} {:>10} {:>10} {:>10} {:>10}  verdict (on cold)",
        "step", "budget", "cold", "cold max", "warm"
    );
    let mut missed = 0;
    for (step, (name, budget)) in STEPS.iter().enumerate() {
        let cold = median(cold_times[step].clone());
        let verdict = match budget {
            Some(limit) if cold <= Duration::from_millis(*limit) => "met",
            Some(_) => {
                missed += 1;
                "MISSED"
            }
            None => "",
        };
        println!(
            "{name:<38} {:>10} {:>10} {:>10} {:>10}  {verdict}",
            budget.map_or(String::new(), |b| format!("≤ {b} ms")),
            ms(cold),
            ms(*cold_times[step].iter().max().expect("at least one")),
            ms(median(warm_times[step].clone())),
        );
    }
    peaks.sort();
    let peak = peaks.last().copied().unwrap_or(0);
    let peak_verdict = if peak <= BUDGET_PEAK {
        "met"
    } else {
        missed += 1;
        "MISSED"
    };
    println!(
        "{:<38} {:>10} {:>10} {:>10} {:>10}  {peak_verdict}",
        "peak memory (VmHWM of the flow)",
        "≤ 100 MiB",
        mib(peaks[peaks.len() / 2]),
        mib(peak),
        "",
    );
    Ok(if missed == 0 {
        println!("\nall budgets met");
        ExitCode::SUCCESS
    } else {
        println!("\n{missed} budget(s) missed");
        ExitCode::from(1)
    })
}
