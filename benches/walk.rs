//! The walk's speed on the scale fixture (10,000 items × 12 environments, a result in every
//! cell), against the budgets on the 2-core reference machine:
//!
//! | benchmark | what | budget |
//! | --- | --- | --- |
//! | `draw_walk_200x60` | one frame of the walk view into a 200×60 buffer | ≤ 4 ms |
//! | `draw_matrix_200x60` | one frame of the matrix view | ≤ 4 ms |
//! | `key_to_frame/move` | `j`: the transition and the next frame | ≤ 16 ms |
//! | `key_to_frame/pass` | `p`: the entry appended and fsynced, the search for the next untested cell (all 120,000 have results: the worst case), the next frame | ≤ 16 ms |
//! | `launch_to_first_frame` | lock and read the run, replay 120,000 entries, first frame | ≤ 200 ms |
//!
//! Run with `cargo bench --bench walk`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use greenlight::run::RunSession;
use greenlight::tui::app::{Action, App};
use greenlight::tui::draw::draw;
use greenlight::tui::event_loop::{WalkOptions, carry_out};
use greenlight::tui::keymap::Mode;
use greenlight::tui::theme::Theme;

mod fixture;

const THEME: Theme = Theme { color: true };

fn frame(terminal: &mut Terminal<TestBackend>, app: &mut App, session: &RunSession) {
    let mut hits = Default::default();
    terminal
        .draw(|f| hits = draw(f, app, session.run(), THEME))
        .expect("a frame");
    app.hits = hits;
}

fn walk(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let f = fixture::generate(dir.path()).expect("the fixture is written");
    let mut group = c.benchmark_group("walk");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));

    group.bench_function("launch_to_first_frame", |b| {
        b.iter(|| {
            let session = RunSession::open(&f.store, &f.run_id, &mut |_| {}).expect("opens");
            let mut app = App::new(session.run());
            let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a terminal");
            frame(&mut terminal, &mut app, &session);
            black_box(terminal);
        })
    });

    let mut session = RunSession::open(&f.store, &f.run_id, &mut |_| {}).expect("opens");
    let mut app = App::new(session.run());
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a terminal");
    // Somewhere in the middle, so both views scroll.
    for _ in 0..5 {
        app.handle(session.run(), Action::PageDown);
    }
    app.handle(session.run(), Action::NextEnvironment);

    group.bench_function("draw_walk_200x60", |b| {
        b.iter(|| frame(&mut terminal, &mut app, &session))
    });
    app.handle(session.run(), Action::Matrix);
    group.bench_function("draw_matrix_200x60", |b| {
        b.iter(|| frame(&mut terminal, &mut app, &session))
    });
    app.handle(session.run(), Action::Matrix);
    group.bench_function("key_to_frame/move", |b| {
        b.iter(|| {
            app.handle(session.run(), Action::Down);
            frame(&mut terminal, &mut app, &session);
        })
    });
    let tester = fixture::TESTER.to_string();
    let options = WalkOptions::default();
    group.bench_function("key_to_frame/pass", |b| {
        b.iter(|| {
            // Past an environment's last cell the walk waits on the crossing card.
            let action = if app.mode() == Mode::Crossing {
                Action::Confirm
            } else {
                Action::Pass
            };
            if let Some(effect) = app.handle(session.run(), action) {
                carry_out(effect, &mut session, &mut app, &tester, &options);
            }
            frame(&mut terminal, &mut app, &session);
        })
    });
    group.finish();
}

criterion_group!(benches, walk);
criterion_main!(benches);
