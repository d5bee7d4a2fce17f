//! The import's budget (issue #12): a 10,000-row CSV test-case sheet, and a 10,000-item
//! Markdown checklist with wrapped lines, nested headings and priority badges, each made
//! into a checklist in well under a second (budget: 1 s) by the `greenlight` binary, as a
//! user runs it.
//!
//! ```text
//! cargo build --release && cargo run --release --example import_scale   # 5 runs each, median
//! ```
//!
//! It writes both files to a temporary folder, runs `target/release/greenlight import` on
//! each five times, prints every time and the median, and exits 1 if a median misses the
//! budget.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const ROWS: usize = 10_000;
const RUNS: usize = 5;
const BUDGET: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    match measure() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn sheet() -> String {
    let priorities = ["High", "Medium", "Low"];
    let mut csv = String::from(
        "Regression test cases,,,,,,\n\nModule,TestCaseID,Test Scenario,Precondition,Test Steps,Expected Result,Priority\n",
    );
    for i in 0..ROWS {
        csv.push_str(&format!(
            "Area {},TC-{i},Check {i} keeps the layout steady on load,Logged in,\"1. Open /page/{i}\n2. Wait\",Nothing moves,{}\n",
            i / 100,
            priorities[i % 3]
        ));
    }
    csv
}

fn markdown() -> String {
    let badges = ["high", "medium", "low"];
    let mut text = String::from("# Big checklist\n\n");
    for i in 0..ROWS {
        if i % 100 == 0 {
            text.push_str(&format!("\n## Area {}\n\n### Best practices\n\n", i / 100));
        }
        text.push_str(&format!(
            "- [ ] **Check {i}:** ![{0}][{0}_img] Page {i} keeps its layout steady while it loads and\nafter its fonts arrive.\n  - open /page/{i}\n",
            badges[i % 3]
        ));
    }
    text.push_str("\n[high_img]: h.svg\n[medium_img]: m.svg\n[low_img]: l.svg\n");
    text
}

fn time_import(binary: &Path, source: &Path, out: &Path) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let output = Command::new(binary)
        .arg("import")
        .arg(source)
        .arg("-o")
        .arg(out)
        .arg("--force")
        .output()?;
    let elapsed = start.elapsed();
    anyhow::ensure!(
        output.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(elapsed)
}

fn measure() -> anyhow::Result<bool> {
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/greenlight");
    anyhow::ensure!(
        binary.exists(),
        "{} is missing: run `cargo build --release` first",
        binary.display()
    );
    let dir = tempfile::tempdir()?;
    let mut within = true;
    for (name, text) in [("cases.csv", sheet()), ("checklist.md", markdown())] {
        let source = dir.path().join(name);
        std::fs::write(&source, text)?;
        let out = dir.path().join(format!("{name}.yaml"));
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| time_import(&binary, &source, &out))
            .collect::<anyhow::Result<_>>()?;
        times.sort();
        let median = times[RUNS / 2];
        let all: Vec<String> = times
            .iter()
            .map(|t| format!("{:.0}", t.as_secs_f64() * 1000.0))
            .collect();
        println!(
            "import {name} ({ROWS} items): median {:.0} ms (runs: {} ms), budget {} ms",
            median.as_secs_f64() * 1000.0,
            all.join(", "),
            BUDGET.as_millis()
        );
        within &= median <= BUDGET;
    }
    Ok(within)
}
