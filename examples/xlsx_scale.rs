//! The XLSX export on the scale fixture (10,000 items × 12 environments = 120,000 cells,
//! a result in every cell), against issue #5's budget: ≤ 3 s and ≤ 300 MB peak memory.
//!
//! `cargo run --release --example xlsx_scale` writes the fixture, then runs 5 fresh
//! processes that each open the run and write the workbook once, and prints the medians of
//! the export's time and of the process's peak memory (VmHWM, which includes the open run).
//! Exit 0 when both budgets are met, 1 when one is missed.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use greenlight::export::xlsx::write_workbook;
use greenlight::run::Run;

#[path = "../benches/fixture/mod.rs"]
mod fixture;

const REPETITIONS: usize = 5;
const BUDGET: Duration = Duration::from_secs(3);
const BUDGET_PEAK_MB: f64 = 300.0;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, dir] = args.as_slice()
        && mode == "measure"
    {
        return measure(Path::new(dir));
    }
    let dir = tempfile::tempdir().context("a temporary folder")?;
    fixture::generate(dir.path())?;
    let exe = std::env::current_exe()?;
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..REPETITIONS {
        let output = Command::new(&exe).arg("measure").arg(dir.path()).output()?;
        if !output.status.success() {
            bail!("{}", String::from_utf8_lossy(&output.stderr));
        }
        let text = String::from_utf8(output.stdout)?;
        let mut numbers = text.split_whitespace().map(|n| n.parse::<f64>());
        times.push(numbers.next().context("a time")??);
        peaks.push(numbers.next().context("a peak")??);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (time, peak) = (median(times), median(peaks));
    println!(
        "XLSX export of {} cells: median {time:.0} ms (budget {} ms), peak memory {peak:.1} MiB (budget {BUDGET_PEAK_MB} MB), {REPETITIONS} fresh processes",
        fixture::CELLS,
        BUDGET.as_millis()
    );
    let met = time <= BUDGET.as_millis() as f64 && peak <= BUDGET_PEAK_MB;
    println!(
        "{}",
        if met {
            "budgets met"
        } else {
            "a budget is missed"
        }
    );
    Ok(if met {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn measure(dir: &Path) -> Result<ExitCode> {
    let f = fixture::existing(dir)?;
    let run = Run::open(&f.store, &f.run_id, &mut |_| {})?;
    let out = dir.join("results.xlsx");
    let started = Instant::now();
    write_workbook(&run, &out)?;
    let elapsed = started.elapsed();
    println!(
        "{} {:.1}",
        elapsed.as_millis(),
        peak_rss() as f64 / 1024.0 / 1024.0
    );
    Ok(ExitCode::SUCCESS)
}

fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
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
