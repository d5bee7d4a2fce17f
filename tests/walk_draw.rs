//! Drawing the walk with ratatui's TestBackend: whole screens as snapshots, colours and
//! the cursor checked cell by cell, and sizes too small to draw.

mod common;

use common::Walk;
use greenlight::tui::draw::draw;
use greenlight::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

fn render(walk: &mut Walk, width: u16, height: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut hits = Default::default();
    terminal
        .draw(|frame| hits = draw(frame, &walk.app, walk.session.run(), theme))
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
    walk.press(common::crossterm_key::KeyEvent::new(
        common::crossterm_key::KeyCode::Char('3'),
        common::crossterm_key::KeyModifiers::ALT,
    ));
    walk.keys("Text too small");
    walk.code(common::crossterm_key::KeyCode::Enter);
    // The phone is done: the walk waits until the laptop's window is set.
    assert!(matches!(
        walk.app.overlay,
        Some(greenlight::tui::app::Overlay::Crossing(_))
    ));
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
    // Nothing the tester needs is cut: the last browser's whole name, the whole legend.
    find(&terminal, "chrome  safari");
    find(&terminal, "✓ pass  ✗ fail  ! blocked  – skip  · untested");
    find(&terminal, "blank: does not apply");
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

/// The cells of `area` of the screen, as a buffer of their own for `assert_eq!`.
fn region(terminal: &Terminal<TestBackend>, area: Rect) -> Buffer {
    let screen = terminal.backend().buffer();
    let mut out = Buffer::empty(Rect::new(0, 0, area.width, area.height));
    for y in 0..area.height {
        for x in 0..area.width {
            out[(x, y)] = screen[(area.x + x, area.y + y)].clone();
        }
    }
    out
}

#[test]
fn the_matrix_colours_each_state_and_reverses_the_cursor_cell() {
    let mut walk = recorded();
    walk.keys("m");
    assert_eq!(walk.cursor(), "text-size@chrome/laptop");
    let terminal = render(&mut walk, 120, 40, COLOR);
    // At 120 columns the item labels take 40; three rows of three 4-wide cells follow the
    // three header lines and the matrix's two heading rows.
    let (x, y) = find(&terminal, "item \\ environment");
    let body = Rect::new(x + 40, y + 1, 12, 3);
    let mut expected = Buffer::with_lines(["✓   !   ·   ", "✗3  ·   ·   ", "    ·       "]);
    let pass = Style::new().fg(Color::Green);
    let fail = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
    let blocked = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let untested = Style::new().fg(Color::DarkGray);
    let cursor = untested.add_modifier(Modifier::REVERSED);
    for (column, row, style) in [
        (0, 0, pass),
        (1, 0, blocked),
        (2, 0, untested),
        (0, 1, fail),
        (1, 1, cursor),
        (2, 1, untested),
        (1, 2, untested),
    ] {
        expected.set_style(Rect::new(column * 4, row, 4, 1), style);
    }
    assert_eq!(region(&terminal, body), expected);
}

#[test]
fn the_walk_list_colours_glyphs_and_reverses_the_cursor_row() {
    let mut walk = recorded();
    walk.keys("gh"); // no-shift in chrome/phone: a pass, under the cursor
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let buffer = terminal.backend().buffer();
    // The list's rows are " ✓ title"; the detail pane on the right shows the title alone.
    let glyph = &buffer[find(&terminal, "✓ Nothing jumps")];
    assert_eq!(glyph.fg, Color::Green);
    assert!(
        glyph.modifier.contains(Modifier::REVERSED),
        "the cursor row"
    );
    let glyph = &buffer[find(&terminal, "✗ Body text is readable")];
    assert_eq!(glyph.fg, Color::Red);
    assert!(
        !glyph.modifier.contains(Modifier::REVERSED),
        "not the cursor row"
    );
}

#[test]
fn the_fail_dialog_preselects_the_items_severity() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("j"); // text-size: severity 3 unless the tester says otherwise
    walk.keys("f");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let buffer = terminal.backend().buffer();
    let chosen = |label: &str| {
        let (x, y) = find(&terminal, label);
        buffer[(x, y)].modifier.contains(Modifier::REVERSED)
    };
    assert!(chosen(" 3 minor "));
    assert!(!chosen(" 1 blocker "));
    assert!(!chosen(" 2 major "));
    walk.code(common::crossterm_key::KeyCode::Tab);
    let terminal = render(&mut walk, 80, 24, COLOR);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(&terminal, " 1 blocker ");
    assert!(
        buffer[(x, y)].modifier.contains(Modifier::REVERSED),
        "Tab went round from minor to blocker"
    );
}

#[test]
fn without_colour_nothing_is_coloured_and_the_glyphs_still_tell_the_states_apart() {
    let mut walk = recorded();
    walk.keys("m");
    let terminal = render(&mut walk, 120, 40, Theme { color: false });
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    let (x, y) = find(&terminal, "item \\ environment");
    let body = region(&terminal, Rect::new(x + 40, y + 1, 12, 3));
    let text: Vec<String> = (0..3)
        .map(|row| {
            (0..12)
                .map(|col| body[(col, row)].symbol().to_string())
                .collect()
        })
        .collect();
    assert_eq!(text, ["✓   !   ·   ", "✗3  ·   ·   ", "    ·       "]);
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
fn a_click_on_a_glyph_or_a_title_moves_the_cursor_there() {
    let mut walk = recorded();
    walk.keys("m");
    let terminal = render(&mut walk, 120, 40, COLOR);
    let (x, y) = find(&terminal, "✗3");
    walk.act(greenlight::tui::app::Action::Click {
        column: x + 1,
        row: y,
    });
    assert_eq!(
        walk.cursor(),
        "text-size@chrome/phone",
        "the cell showing ✗3"
    );
    let (x, y) = find(&terminal, "item \\ environment");
    walk.act(greenlight::tui::app::Action::Click {
        column: x + 40,
        row: y + 3,
    });
    assert_eq!(
        walk.cursor(),
        "text-size@chrome/phone",
        "print-preview does not apply to chrome/phone: a click there does nothing"
    );

    walk.keys("m");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let (x, y) = find(&terminal, "✓ Nothing jumps");
    walk.act(greenlight::tui::app::Action::Click {
        column: x + 3,
        row: y,
    });
    assert_eq!(
        walk.cursor(),
        "no-shift@chrome/phone",
        "a title in the walk's list"
    );
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

fn long_note(lines: usize) -> String {
    (1..=lines)
        .map(|n| format!("line {n} of what went wrong"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_details_pane_scrolls_at_80x24_and_says_there_is_more() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("f");
    walk.paste(&long_note(30));
    walk.code(common::crossterm_key::KeyCode::Enter);
    walk.keys("k");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let text = screen(&terminal);
    assert!(text.contains("line 1 of what"), "{text}");
    assert!(!text.contains("line 30 of what"), "{text}");
    let (_, hint_row) = find(&terminal, "more lines — J scrolls");
    assert_eq!(hint_row, 21, "the hint sits on the pane's last row");

    for _ in 0..20 {
        walk.keys("J");
        render(&mut walk, 80, 24, COLOR);
    }
    let terminal = render(&mut walk, 80, 24, COLOR);
    let text = screen(&terminal);
    assert!(
        text.contains("line 30 of what"),
        "the end is reachable:\n{text}"
    );
    find(&terminal, "above — K scrolls back");
    walk.keys("K");
    let terminal = render(&mut walk, 80, 24, COLOR);
    find(&terminal, "below — J/K scroll");

    walk.keys("j");
    assert_eq!(walk.app.details_scroll, 0, "another item starts at its top");
}

#[test]
fn the_summary_says_how_many_problems_are_below_and_follows_the_selection() {
    let mut walk = Walk::new("small.yaml");
    for _ in 0..7 {
        if walk.app.mode() == greenlight::tui::keymap::Mode::Crossing {
            walk.code(common::crossterm_key::KeyCode::Enter);
        }
        walk.keys("s");
        walk.paste(&long_note(3));
        walk.code(common::crossterm_key::KeyCode::Enter);
    }
    walk.keys("S");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let text = screen(&terminal);
    assert!(text.contains("Skipped (7)"), "{text}");
    let (_, hint_row) = find(&terminal, "▼ 4 more below · j/k select");
    assert_eq!(hint_row, 21, "on the list's last row");
    walk.keys("jjjj");
    let terminal = render(&mut walk, 80, 24, COLOR);
    find(&terminal, "▲ 3 above · ▼ 1 below");
    walk.keys("jj");
    let terminal = render(&mut walk, 80, 24, COLOR);
    find(&terminal, "▲ 4 above · j/k select");
    let (_, selected_row) = find(&terminal, "Print preview keeps");
    let buffer = terminal.backend().buffer();
    let reversed = (0..80).any(|x| {
        buffer[(x, selected_row)]
            .modifier
            .contains(Modifier::REVERSED)
    });
    assert!(reversed, "the selected cell is highlighted:\n{text}");
}

#[test]
fn each_browser_has_its_colour_and_the_card_names_the_new_environment() {
    let mut walk = Walk::new("small.yaml");
    // The banner is the header's third row.
    let banner_bg = |walk: &mut Walk| {
        let terminal = render(walk, 100, 30, COLOR);
        terminal.backend().buffer()[(1, 2)].bg
    };
    let chrome = banner_bg(&mut walk);
    walk.keys("v");
    walk.keys("safari");
    walk.code(common::crossterm_key::KeyCode::Enter);
    let safari = banner_bg(&mut walk);
    assert_ne!(chrome, safari);
    assert_ne!(chrome, Color::Reset);

    let mut walk = Walk::new("small.yaml");
    walk.keys("pp");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let text = screen(&terminal);
    for wanted in [
        "Done: Google Chrome · Phone 390×844",
        "Now: Google Chrome · Laptop 1366×768",
        "Set the Google Chrome window to 1366×768 (Laptop).",
        "3 cells to test here.",
        "Enter start",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing:\n{text}");
    }
    let plain = render(&mut walk, 80, 24, Theme { color: false });
    assert!(screen(&plain).contains("Now: Google Chrome · Laptop"));
}

#[test]
fn the_header_warns_when_caps_lock_seems_on() {
    let mut walk = Walk::new("small.yaml");
    walk.press(common::crossterm_key::KeyEvent::new(
        common::crossterm_key::KeyCode::Char('P'),
        common::crossterm_key::KeyModifiers::SHIFT,
    ));
    let terminal = render(&mut walk, 80, 24, COLOR);
    let (_, y) = find(&terminal, "Caps Lock on?");
    assert_eq!(y, 0);
    walk.keys("j");
    let terminal = render(&mut walk, 80, 24, COLOR);
    assert!(!screen(&terminal).contains("Caps Lock on?"));
}

#[test]
fn a_checklists_command_is_shown_whole_and_escaped_before_it_may_run() {
    let mut walk = Walk::new("small.yaml");
    walk.act(greenlight::tui::app::Action::Launch);
    let terminal = render(&mut walk, 100, 30, COLOR);
    let text = screen(&terminal);
    for wanted in [
        "Run this command?",
        "The checklist asks to start Google Chrome with this command:",
        "chromium '--window-size=390,844' https://staging.example.com/dashboard",
        "It runs on this computer, as you.",
        "y allow and run",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing:\n{text}");
    }
    // A command holding a terminal escape is shown with it escaped.
    if let Some(greenlight::tui::app::Overlay::ConfirmLaunch(request)) = &mut walk.app.overlay {
        request.argv.push("\u{1b}]0;pwned\u{7}".into());
    }
    let terminal = render(&mut walk, 100, 30, COLOR);
    assert!(
        screen(&terminal).contains("\\x1b]0;pwned\\x07"),
        "{}",
        screen(&terminal)
    );
}

#[test]
fn carried_passes_show_apart_in_the_list_the_header_and_the_summary() {
    let mut walk = Walk::new("small.yaml");
    let carried = greenlight::run::NewResult {
        carried_from: Some(Box::new(greenlight::journal::CarriedFrom {
            statement: "5f".repeat(32),
            commit: "ab".repeat(20),
            tester: "Grace <grace@example.com>".into(),
            tested_by: None,
            tested_at: None,
        })),
        ..greenlight::run::NewResult::new(
            "no-shift",
            "chrome",
            "phone",
            greenlight::status::Status::Pass,
        )
    };
    walk.session
        .record(&carried, common::TESTER)
        .expect("a carried pass is recorded");
    assert_eq!(walk.session.run().carried(), 1);
    let terminal = render(&mut walk, 120, 40, COLOR);
    let (x, y) = find(&terminal, "↻");
    assert_eq!(
        terminal.backend().buffer()[(x, y)].fg,
        Color::Cyan,
        "the header's carried count"
    );
    assert!(
        screen(&terminal).contains("· 6 untested  ↻ 1 carried"),
        "{}",
        screen(&terminal)
    );
    assert!(
        screen(&terminal)
            .contains("↻ carried from the approval 5f5f5f5f5f5f of commit abababababab by"),
        "{}",
        screen(&terminal)
    );
    // The list row of the carried cell: the same glyph, not the pass's.
    let list_row = screen(&terminal)
        .lines()
        .find(|line| {
            // Left of the divider: the list, not the details' heading.
            let (list, _) = line.split_once('│').unwrap_or((line, ""));
            list.contains("Nothing jumps around")
        })
        .expect("the item's row")
        .to_string();
    assert!(list_row.contains("↻ Nothing jumps around"), "{list_row}");
    // Testing it again replaces the carried pass with the tester's own.
    walk.keys("p");
    assert_eq!(walk.session.run().carried(), 0);
    walk.session
        .record(&carried, common::TESTER)
        .expect("carried again");
    walk.keys("S");
    let terminal = render(&mut walk, 120, 40, COLOR);
    assert!(
        screen(&terminal).contains("↻ 1 carried, among the passes"),
        "{}",
        screen(&terminal)
    );
}

#[test]
fn steps_wrapped_by_hand_flow_as_their_items_instead_of_ragged_lines() {
    let mut walk = Walk::new("wrapped.yaml");
    let terminal = render(&mut walk, 80, 24, COLOR);
    let screen: Vec<String> = terminal
        .backend()
        .buffer()
        .content
        .chunks(80)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect();
    let text = screen.join("\n");
    assert!(
        !screen.iter().any(|row| row
            .split('│')
            .nth(1)
            .is_some_and(|pane| pane.starts_with("    font-size"))),
        "a hand-wrapped line is not broken again on its own:\n{text}"
    );
    assert!(
        text.contains("1. Open /pricing and read it at normal"),
        "{text}"
    );
    assert!(!text.contains("   zooming."), "joined to its item:\n{text}");
}
