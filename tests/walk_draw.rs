//! Drawing the walk with ratatui's TestBackend: whole screens as snapshots, colours and
//! the cursor checked cell by cell, and sizes too small to draw.

mod common;

use common::Walk;
use greenlight::tui::draw::draw;
use greenlight::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn render(walk: &mut Walk, width: u16, height: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut hits = Default::default();
    terminal
        .draw(|frame| hits = draw(frame, &walk.app, &walk.session.run, theme))
        .unwrap();
    walk.app.hits = hits;
    terminal
}

const COLOR: Theme = Theme { color: true };

/// A run with one result of each kind, recorded once per cell so no times show.
fn recorded() -> Walk {
    let mut walk = Walk::new("small.yaml");
    walk.keys("p");
    walk.keys("f");
    walk.keys("3Text too small");
    walk.code(common::crossterm_key::KeyCode::Enter);
    walk.keys("b");
    walk.keys("no laptop here");
    walk.code(common::crossterm_key::KeyCode::Enter);
    walk
}

/// The screen cell where `text` starts. Cells hidden behind a wide character are skipped,
/// so CJK and emoji text is found as written.
fn find(terminal: &Terminal<TestBackend>, text: &str) -> (u16, u16) {
    use unicode_width::UnicodeWidthStr;
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        let mut row = String::new();
        let mut columns = Vec::new();
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            columns.extend(std::iter::repeat_n(x, symbol.len()));
            row.push_str(symbol);
            x += symbol.width().max(1) as u16;
        }
        if let Some(byte) = row.find(text) {
            return (columns[byte], y);
        }
    }
    panic!("{text:?} not on screen:\n{}", terminal.backend());
}

#[test]
fn walk_view_at_80x24() {
    let mut walk = recorded();
    let terminal = render(&mut walk, 80, 24, COLOR);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn walk_view_at_120x40() {
    let mut walk = recorded();
    walk.keys("k");
    let terminal = render(&mut walk, 120, 40, COLOR);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn matrix_view_at_80x24() {
    let mut walk = recorded();
    walk.keys("m");
    let terminal = render(&mut walk, 80, 24, COLOR);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn summary_view_at_120x40() {
    let mut walk = recorded();
    walk.keys("S");
    let terminal = render(&mut walk, 120, 40, COLOR);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn fail_dialog_and_help_at_80x24() {
    let mut walk = recorded();
    walk.keys("f");
    insta::assert_snapshot!("fail_dialog", render(&mut walk, 80, 24, COLOR).backend());
    walk.code(common::crossterm_key::KeyCode::Esc);
    walk.keys("?");
    insta::assert_snapshot!("help", render(&mut walk, 80, 24, COLOR).backend());
}

#[test]
fn a_terminal_too_small_says_what_it_needs_and_never_panics() {
    let mut walk = recorded();
    let terminal = render(&mut walk, 40, 10, COLOR);
    let (_, y) = find(&terminal, "terminal too small: need 60×16");
    assert_eq!(y, 0);
    for view in ["", "m", "S", "?"] {
        walk.keys(view);
        for (w, h) in [
            (0, 0),
            (1, 1),
            (59, 16),
            (60, 15),
            (60, 16),
            (61, 17),
            (200, 3),
            (3, 200),
        ] {
            render(&mut walk, w, h, COLOR);
        }
        walk.code(common::crossterm_key::KeyCode::Esc);
    }
}

#[test]
fn status_glyphs_are_coloured_and_the_cursor_is_reversed() {
    let mut walk = recorded();
    walk.keys("m");
    let terminal = render(&mut walk, 120, 40, COLOR);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(&terminal, "✗3");
    assert_eq!(buffer[(x, y)].fg, Color::Red);
    let (x, y) = find(&terminal, "✓ ");
    assert_eq!(buffer[(x, y)].fg, Color::Green);
    let cursor_title = &walk.session.run.checklist.items[walk.app.cursor.item].title;
    let (x, y) = find(&terminal, &cursor_title[..10]);
    assert!(buffer[(x, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn without_colour_the_glyphs_alone_tell_the_states_apart() {
    let mut walk = recorded();
    walk.keys("m");
    let terminal = render(&mut walk, 120, 40, Theme { color: false });
    let buffer = terminal.backend().buffer();
    for glyph in ["✓", "✗3", "!", "·"] {
        let (x, y) = find(&terminal, glyph);
        assert_eq!(
            buffer[(x, y)].fg,
            Color::Reset,
            "{glyph} must not rely on colour"
        );
    }
}

#[test]
fn wide_characters_and_long_titles_keep_columns_aligned() {
    let mut walk = Walk::new("wide.yaml");
    walk.keys("m");
    let terminal = render(&mut walk, 80, 24, COLOR);
    insta::assert_snapshot!(terminal.backend());
    // Every glyph column starts at the same screen column on each item row.
    let (x0, _) = find(&terminal, "item \\ environment");
    let starts: Vec<u16> = ["表示幅", "Emoji", "A very"]
        .iter()
        .map(|t| find(&terminal, t))
        .map(|(x, _)| x)
        .collect();
    assert!(starts.iter().all(|&x| x == x0), "{starts:?}");
}

#[test]
fn clicks_land_on_the_cells_drawn() {
    let mut walk = recorded();
    walk.keys("m");
    render(&mut walk, 120, 40, COLOR);
    let (rect, cell) = *walk.app.hits.targets.last().expect("cells drawn");
    walk.act(greenlight::tui::app::Action::Click {
        column: rect.x,
        row: rect.y,
    });
    assert_eq!(walk.app.cursor, cell);
}
