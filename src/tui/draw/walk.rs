//! The walk view: the items of the current environment on the left, the current item in
//! detail on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::window_start;
use crate::checklist::Cell;
use crate::run::Run;
use crate::status::{CARRIED, look};
use crate::tui::app::{App, Hits};
use crate::tui::text::{fit, pad};
use crate::tui::theme::Theme;

/// A row of the item list: a section heading or an item.
enum Row {
    Section(usize),
    Item(usize),
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) -> Hits {
    let list_width = (area.width * 2 / 5).clamp(28, 60);
    let [list_area, detail_area] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(20)]).areas(area);
    let mut hits = draw_list(frame, list_area, app, run, theme);
    hits.details_overflow = draw_detail(frame, detail_area, app, run, theme);
    hits
}

/// Rows of visible items and their section headings; only the window is materialised.
fn rows(app: &App, run: &Run) -> (Vec<Row>, usize) {
    let checklist = run.checklist();
    let cursor = app.cursor();
    let mut rows = Vec::new();
    let mut cursor_row = 0;
    for (s, section) in checklist.sections.iter().enumerate() {
        let mut heading = false;
        for item in section.items.clone() {
            if !app.is_visible(item) {
                continue;
            }
            if !heading {
                rows.push(Row::Section(s));
                heading = true;
            }
            if item == cursor.item {
                cursor_row = rows.len();
            }
            rows.push(Row::Item(item));
        }
    }
    (rows, cursor_row)
}

fn draw_list(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) -> Hits {
    let checklist = run.checklist();
    let block = Block::default().borders(Borders::RIGHT);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (rows, cursor_row) = rows(app, run);
    let height = inner.height as usize;
    let start = window_start(cursor_row, height, rows.len());
    let width = inner.width as usize;
    let mut hits = Hits::default();
    let environment = app.cursor().environment;
    let mut lines = Vec::with_capacity(height);
    for (offset, row) in rows.iter().skip(start).take(height).enumerate() {
        let line = match *row {
            Row::Section(s) => {
                Line::styled(fit(&checklist.sections[s].title, width), theme.heading())
            }
            Row::Item(item) => {
                let cell = Cell { item, environment };
                let applies = checklist.applies(item, environment);
                let status = applies.then(|| run.status(cell)).flatten();
                let shown = if run.is_carried(cell) {
                    CARRIED
                } else {
                    look(status)
                };
                let mark = if applies { shown.glyph } else { " " };
                let title = pad(&checklist.items[item].title, width.saturating_sub(4));
                let mut line = Line::from(vec![
                    Span::raw(" "),
                    Span::styled(mark, theme.tone(shown.tone)),
                    Span::raw(" "),
                    Span::raw(title),
                ]);
                if !applies {
                    line = line.style(theme.dim());
                } else {
                    hits.targets.push((
                        Rect::new(inner.x, inner.y + offset as u16, inner.width, 1),
                        cell,
                    ));
                }
                if item == app.cursor().item {
                    line = line.style(theme.selected());
                }
                line
            }
        };
        lines.push(line);
    }
    if rows.is_empty() {
        lines.push(Line::styled(
            "no item matches the filter (Esc clears it)",
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    hits
}

/// The current item in full; scrolls (J/K) when it does not fit, with a line saying what is
/// above and below. Returns how many lines do not fit.
fn draw_detail(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) -> u16 {
    let checklist = run.checklist();
    let cell = app.cursor();
    let Some(item) = checklist.items.get(cell.item) else {
        return 0;
    };
    let inner = area.inner(ratatui::layout::Margin::new(1, 0));
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(item.title.clone(), theme.heading()));
    lines.push(Line::styled(
        format!(
            "{} · {} · severity if it fails: {} {}{}",
            checklist.sections[item.section].title,
            item.id,
            item.severity,
            item.severity.label(),
            if item.required { "" } else { " · optional" }
        ),
        theme.dim(),
    ));
    if let Some(url) = checklist.item_url(cell.item) {
        lines.push(Line::from(vec![
            Span::styled("URL  ", theme.heading()),
            Span::raw(url),
        ]));
    }
    lines.push(Line::raw(""));
    for (label, text) in [("Steps", &item.steps), ("Expected", &item.expect)] {
        if let Some(text) = text {
            lines.push(Line::styled(label, theme.heading()));
            lines.extend(crate::tui::text::reflow(text).into_iter().map(Line::raw));
            lines.push(Line::raw(""));
        }
    }
    let applies = checklist.applies(cell.item, cell.environment);
    if !applies {
        lines.push(Line::styled(
            "This item does not apply to this environment.",
            theme.dim(),
        ));
    } else {
        let latest = run.latest(cell);
        let status = latest.map(|r| r.status);
        let look = look(status);
        let mut result = vec![
            Span::styled("Result  ", theme.heading()),
            Span::styled(
                format!("{} {}", look.glyph, look.word),
                theme.status(status),
            ),
        ];
        if let Some(severity) = latest.and_then(|r| r.severity) {
            result.push(Span::raw(format!(" · severity {severity}")));
        }
        lines.push(Line::from(result));
        if let Some(from) = latest.and_then(|r| r.carried_from.as_ref()) {
            lines.push(Line::styled(
                format!(
                    "  {} carried from the approval {} of commit {} by {} — p tests it again",
                    CARRIED.glyph,
                    from.statement.get(..12).unwrap_or(&from.statement),
                    crate::git::short_commit(&from.commit),
                    from.tester
                ),
                theme.tone(CARRIED.tone),
            ));
        }
        if let Some(note) = latest.and_then(|r| r.note.as_deref()) {
            lines.extend(note.lines().map(|l| Line::raw(format!("  {l}"))));
        }
        // What the previous run found here: a re-test after a fix sees what failed.
        if let Some(earlier) = app
            .earlier
            .as_ref()
            .and_then(|earlier| Some((earlier, earlier.of_cell(checklist, cell)?)))
        {
            let (run_before, result) = earlier;
            let before = crate::status::look(Some(result.status));
            let severity = result
                .severity
                .map(|s| format!(" · severity {s}"))
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled("Before  ", theme.heading()),
                Span::styled(
                    format!("{} {}", before.glyph, before.word),
                    theme.status(Some(result.status)),
                ),
                Span::styled(
                    format!(
                        "{severity} · release {} ({}, run {})",
                        run_before.release, result.at, run_before.run
                    ),
                    theme.dim(),
                ),
            ]));
            if let Some(note) = &result.note {
                lines.extend(
                    note.lines()
                        .map(|l| Line::styled(format!("  {l}"), theme.dim())),
                );
            }
        }
        for evidence in latest.map(|r| r.evidence.as_slice()).unwrap_or_default() {
            lines.push(Line::styled(
                format!(
                    "  evidence {} (sha256 {}…)",
                    evidence.path,
                    evidence.sha256.get(..12).unwrap_or(&evidence.sha256)
                ),
                theme.dim(),
            ));
        }
        if run.has_history(cell) {
            let history = history_of(run, cell);
            lines.push(Line::raw(""));
            lines.push(Line::styled("History", theme.heading()));
            for line in history {
                lines.push(Line::styled(line, theme.dim()));
            }
        }
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = paragraph.line_count(inner.width);
    let height = inner.height as usize;
    if total <= height {
        frame.render_widget(paragraph, inner);
        return 0;
    }
    // One row goes to the hint; the rest shows a window of the text.
    let window = height.saturating_sub(1);
    let overflow = total - window;
    let scroll = (app.details_scroll as usize).min(overflow);
    let [text_area, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(paragraph.scroll((scroll as u16, 0)), text_area);
    let below = overflow - scroll;
    let hint = match (scroll, below) {
        (0, _) => format!("▼ {below} more line{} — J scrolls", plural(below)),
        (_, 0) => format!("▲ {scroll} line{} above — K scrolls back", plural(scroll)),
        _ => format!("▲ {scroll} above · ▼ {below} below — J/K scroll"),
    };
    frame.render_widget(
        Paragraph::new(fit(&hint, inner.width as usize)).style(theme.heading()),
        hint_area,
    );
    overflow.min(u16::MAX as usize) as u16
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The newest entries shown in a cell's history; older ones are counted, not drawn, so a
/// cell re-tested many times costs the same to draw.
const HISTORY_SHOWN: usize = 20;

/// The newest entries for `cell`, oldest first, one line each, after a line counting any
/// older ones.
fn history_of(run: &Run, cell: Cell) -> Vec<String> {
    let history = run.history(cell);
    let older = history.len().saturating_sub(HISTORY_SHOWN);
    let counted = (older > 0).then(|| {
        format!("  … {older} earlier entries (all of them: greenlight export --format json)")
    });
    counted
        .into_iter()
        .chain(history.into_iter().skip(older).map(|(r, undone)| {
            let undone = if undone { " (undone)" } else { "" };
            let note = r
                .note
                .as_deref()
                .map(|n| format!(" — {}", fit(n, 60)))
                .unwrap_or_default();
            format!(
                "  #{} {} {}{undone} by {}{note}",
                r.seq, r.at, r.status, r.tester
            )
        }))
        .collect()
}
