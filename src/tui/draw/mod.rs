//! Drawing: a function of the app's state and the run, nothing else. Each view has its own
//! module; this one lays out the frame (header, view, status line, footer) and the overlays.

mod dialogs;
mod matrix;
mod summary;
mod walk;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Hits, View};
use super::keymap::footer_hints;
use super::strings;
use super::text::fit;
use super::theme::Theme;
use crate::git::short_commit;
use crate::run::Run;
use crate::status::{CARRIED, STATES, look};
use crate::walk_order::Order;

/// The smallest terminal the layout fits in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal the layout fits in.
pub const MIN_HEIGHT: u16 = 16;

/// Whether the layout fits in `area`.
pub fn fits(area: Rect) -> bool {
    area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT
}

/// Draws the whole screen; returns where clickable cells landed.
pub fn draw(frame: &mut Frame, app: &App, run: &Run, theme: Theme) -> Hits {
    let area = frame.area();
    if !fits(area) {
        let message = format!(
            "terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{} — enlarge it, or q to quit",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(message).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return Hits::default();
    }
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header, app, run, theme);
    let hits = match app.view {
        View::Walk => walk::draw(frame, body, app, run, theme),
        View::Matrix => matrix::draw(frame, body, app, run, theme),
        View::Summary => Hits {
            details_overflow: summary::draw(frame, body, app, run, theme),
            ..Hits::default()
        },
    };
    draw_status(frame, status, app, run, theme);
    draw_footer(frame, footer, app, theme);
    dialogs::draw(frame, area, app, run, theme);
    hits
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) {
    let meta = run.meta();
    let [title, progress, environment] = Layout::vertical([Constraint::Length(1); 3]).areas(area);
    let commit = meta
        .commit
        .as_deref()
        .map_or("unknown", |c| short_commit(c).get(..7).unwrap_or(c));
    let line = format!(
        "{} · release {} · commit {} · {}",
        run.checklist().title,
        meta.release,
        commit,
        meta.tester
    );
    let title = if app.caps_lock_suspected {
        let caps = " ⇪ Caps Lock on? ";
        let [rest, flag] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(caps.width() as u16)])
                .areas(title);
        frame.render_widget(Paragraph::new(caps).style(theme.error()), flag);
        rest
    } else {
        title
    };
    frame.render_widget(
        Paragraph::new(fit(&line, title.width as usize)).style(theme.heading()),
        title,
    );

    let counts = run.counts();
    let [gauge_area, counts_area] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)])
            .areas(progress);
    let ratio = if counts.total() == 0 {
        0.0
    } else {
        counts.done() as f64 / counts.total() as f64
    };
    let label = format!(
        "{}/{} ({}%)",
        counts.done(),
        counts.total(),
        counts.percent_done()
    );
    let gauge_style = if theme.color {
        Style::new().fg(ratatui::style::Color::Green)
    } else {
        Style::new()
    };
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(label)
            .gauge_style(gauge_style)
            .use_unicode(true),
        gauge_area,
    );
    let count_spans: Vec<Span> = STATES
        .into_iter()
        .flat_map(|state| {
            let look = look(state);
            [
                Span::styled(format!(" {} ", look.glyph), theme.status(state)),
                Span::raw(format!("{} {} ", counts.of(state), look.word)),
            ]
        })
        .collect();
    let mut count_spans = count_spans;
    if run.carried() > 0 {
        // "↻ 412 carried": the carried passes are among the passes before it.
        count_spans.push(Span::styled(
            format!(" {} ", CARRIED.glyph),
            theme.tone(CARRIED.tone),
        ));
        // The cells still to test are the untested count just before.
        count_spans.push(Span::raw(format!("{} carried ", run.carried())));
    }
    let mut counts_line = Line::from(count_spans);
    if counts_line.width() > counts_area.width as usize {
        // Glyphs alone say which count is which; the words go when there is no room.
        counts_line = Line::from(
            counts_line
                .spans
                .into_iter()
                .map(|span| match span.content.split_once(' ') {
                    Some((n, _)) if !span.content.starts_with(' ') => Span::raw(format!("{n} ")),
                    _ => span,
                })
                .collect::<Vec<_>>(),
        );
    }
    frame.render_widget(Paragraph::new(counts_line), counts_area);

    let checklist = run.checklist();
    let env = app.cursor().environment;
    let order = match app.order {
        Order::ByEnvironment => "by environment",
        Order::ByItem => "by item",
    };
    let filter = if app.filter().is_empty() {
        String::new()
    } else {
        format!(" · filter “{}”", app.filter())
    };
    let share = checklist
        .share_label()
        .map(|label| format!(" · share {label}"))
        .unwrap_or_default();
    let banner = format!(
        " {}  ({}/{}) · order {order}{filter}{share}",
        checklist.environment_label(env),
        env + 1,
        checklist.environments.len()
    );
    frame.render_widget(
        Paragraph::new(fit(&banner, area.width as usize))
            .style(theme.environment(checklist.environments[env].browser)),
        environment,
    );
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) {
    if let Some(notice) = &app.notice {
        let style = if notice.is_error() {
            theme.error()
        } else {
            Style::new()
        };
        let text = strings::notice(notice, run.checklist());
        frame.render_widget(
            Paragraph::new(fit(&text, area.width as usize)).style(style),
            area,
        );
    }
}

/// The keys that apply now, as many as fit; `q quit` and `? help` are kept last whenever
/// they apply, since one leaves and the other leads to the rest.
fn draw_footer(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let hints = footer_hints(app.mode());
    let (help, others): (Vec<_>, Vec<_>) = hints
        .into_iter()
        .partition(|(key, _)| matches!(*key, "?" | "q"));
    let width = |(key, what): &(&str, &str)| key.width() + what.width() + 3;
    let mut room = (area.width as usize).saturating_sub(help.iter().map(width).sum());
    let mut spans = Vec::new();
    for hint in others
        .iter()
        .take_while(|hint| {
            let fits = width(hint) <= room;
            room = room.saturating_sub(width(hint));
            fits
        })
        .chain(help.iter())
    {
        spans.push(Span::styled(hint.0, theme.heading()));
        spans.push(Span::raw(format!(" {}  ", hint.1)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A rectangle of at most `width`×`height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The first row to show so that `cursor` stays in a window of `height` rows out of `total`.
pub fn window_start(cursor: usize, height: usize, total: usize) -> usize {
    if total <= height {
        return 0;
    }
    cursor.saturating_sub(height / 2).min(total - height)
}
