//! Scale benchmarks (the budgets, on the 2-core reference machine):
//!
//! | benchmark | what | budget |
//! | --- | --- | --- |
//! | `load_validate_10k_items` | `Checklist::load` of a 10,000-item, 12-environment file | ≤ 150 ms |
//! | `open_run_120k_records` | `Run::open` of a run whose journal has 120,000 results | ≤ 250 ms |
//! | `csv_export_120k_rows` | `write_long_csv` of that run (120,000 rows) | ≤ 300 ms |
//!
//! Run with `cargo bench --bench core`. Peak memory is measured by
//! `cargo run --release --example scale`, which also prints the medians of the same steps.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use greenlight::checklist::Checklist;
use greenlight::export::{Safety, write_long_csv};
use greenlight::run::Run;

mod fixture;

fn open(f: &fixture::Fixture) -> Run {
    let mut warnings = Vec::new();
    let run = Run::open(&f.store, &f.run_id, &mut |w| warnings.push(w)).expect("the run opens");
    assert!(warnings.is_empty(), "{warnings:?}");
    run
}

fn scale(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let f = fixture::generate(dir.path()).expect("the fixture is written");

    // The fixture is what the issue asks for; check once, outside the timings.
    let checklist = Checklist::load(&f.checklist_path).expect("the fixture checklist is valid");
    assert_eq!(checklist.items.len(), fixture::ITEMS);
    assert_eq!(checklist.environments.len(), fixture::ENVIRONMENTS);
    assert_eq!(checklist.cell_count(), fixture::CELLS);
    let run = open(&f);
    assert_eq!(run.entries.len(), fixture::CELLS);
    assert!(run.checklist.cells().all(|cell| run.latest(cell).is_some()));
    drop(checklist);

    let mut group = c.benchmark_group("scale");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));

    group.bench_function("load_validate_10k_items", |b| {
        b.iter(|| Checklist::load(black_box(&f.checklist_path)).expect("valid"))
    });
    group.bench_function("open_run_120k_records", |b| b.iter(|| open(black_box(&f))));
    let mut out = Vec::with_capacity(64 << 20);
    group.bench_function("csv_export_120k_rows", |b| {
        b.iter(|| {
            out.clear();
            write_long_csv(black_box(&run), Safety::Spreadsheet, &mut out).expect("written");
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
