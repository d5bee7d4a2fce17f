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

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};

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
    drop(checklist);
    let run = open(&f);
    assert_eq!(run.entries().len(), fixture::CELLS);
    assert!(
        run.checklist()
            .cells()
            .all(|cell| run.latest(cell).is_some())
    );
    drop(run);

    let mut group = c.benchmark_group("scale");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));

    // What a step makes is dropped outside the timing (`PerIteration`): freeing 120,000
    // entries takes ~20 ms that no budget is about, and only one result is alive at a time.
    group.bench_function("load_validate_10k_items", |b| {
        b.iter_batched(
            || (),
            |()| Checklist::load(black_box(&f.checklist_path)).expect("valid"),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("open_run_120k_records", |b| {
        b.iter_batched(|| (), |()| open(black_box(&f)), BatchSize::PerIteration)
    });
    // Opened only now, so that the steps above run with the heap as a fresh command has it.
    let run = open(&f);
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
