//! The matrix view: items down, environments across, one glyph per cell, headers fixed while
//! the body scrolls with the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::window_start;
use crate::checklist::Cell;
use crate::run::Run;
use crate::status::{CARRIED, STATES, Status, look};
use crate::tui::app::{App, Hits};
use crate::tui::text::{fit, fit_spans, pad};
use crate::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

/// Columns per cell: the glyph, a severity digit, two gaps (viewport ids get three letters).
const CELL: u16 = 4;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) -> Hits {
    let checklist = run.checklist();
    let cursor = app.cursor();
    let mut hits = Hits::default();
    let label_width = (area.width / 3).clamp(16, 40);
    let header_rows = 2;
    let columns_fit = (area.width.saturating_sub(label_width) / CELL).max(1) as usize;
    let environments = checklist.environments.len();
    let first_column = window_start(cursor.environment, columns_fit, environments);
    let shown_columns = first_column..(first_column + columns_fit).min(environments);
    let legend = legend(theme, &shown_columns, environments, area.width as usize);
    let body_height = area
        .height
        .saturating_sub(header_rows + legend.len() as u16) as usize;

    let items: Vec<usize> = (0..checklist.items.len())
        .filter(|&i| app.is_visible(i))
        .collect();
    let cursor_row = items.iter().position(|&i| i == cursor.item).unwrap_or(0);
    let first_row = window_start(cursor_row, body_height, items.len());

    let mut lines = Vec::with_capacity(area.height as usize);
    // Two header rows: each browser's id across its columns, then viewport ids.
    let mut browsers = vec![Span::raw(" ".repeat(label_width as usize))];
    let mut viewports = vec![Span::raw(pad("item \\ environment", label_width as usize))];
    let columns: Vec<usize> = shown_columns.clone().collect();
    let groups: Vec<&[usize]> = columns
        .chunk_by(|&a, &b| checklist.environments[a].browser == checklist.environments[b].browser)
        .collect();
    for (n, group) in groups.iter().enumerate() {
        let browser_index = checklist.environments[group[0]].browser;
        let browser = &checklist.browsers[browser_index];
        // The last browser's name may run on past its columns into the free space on the
        // right; the others stop where the next browser starts.
        let span = group.len() * CELL as usize;
        let room = if n + 1 == groups.len() {
            span.max(browser.id.width() + 1)
        } else {
            span
        };
        browsers.push(Span::styled(
            pad(&browser.id, room - 1) + " ",
            theme.browser(browser_index),
        ));
    }
    for &e in &columns {
        let env = checklist.environments[e];
        let style = if e == cursor.environment {
            theme.selected()
        } else {
            theme.browser(env.browser)
        };
        let id: String = checklist.viewports[env.viewport]
            .id
            .chars()
            .take(CELL as usize - 1)
            .collect();
        viewports.push(Span::styled(pad(&id, CELL as usize), style));
    }
    lines.push(Line::from(fit_spans(browsers, area.width as usize)));
    lines.push(Line::from(viewports));

    for (offset, &item) in items.iter().skip(first_row).take(body_height).enumerate() {
        let y = area.y + header_rows + offset as u16;
        let label_style = if item == cursor.item {
            theme.selected()
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(
            pad(&checklist.items[item].title, label_width as usize - 1) + " ",
            label_style,
        )];
        for (column, e) in shown_columns.clone().enumerate() {
            let cell = Cell {
                item,
                environment: e,
            };
            let text = if checklist.applies(item, e) {
                let result = run.latest(cell);
                let status = result.map(|r| r.status);
                let severity = match result {
                    Some(r) if r.status == Status::Fail => {
                        r.severity.map(|s| s.to_string()).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                let x = area.x + label_width + column as u16 * CELL;
                hits.targets.push((Rect::new(x, y, CELL, 1), cell));
                let shown = if run.is_carried(cell) {
                    CARRIED
                } else {
                    look(status)
                };
                let mut style = theme.tone(shown.tone);
                if cell == cursor {
                    style = style.patch(theme.selected());
                }
                Span::styled(
                    pad(&format!("{}{severity}", shown.glyph), CELL as usize),
                    style,
                )
            } else {
                Span::raw(" ".repeat(CELL as usize))
            };
            spans.push(text);
        }
        lines.push(Line::from(spans));
    }
    while lines.len() < (header_rows as usize + body_height) {
        lines.push(Line::raw(""));
    }
    lines.extend(legend);
    frame.render_widget(Paragraph::new(lines), area);
    hits
}

/// The legend under the matrix: every state's glyph, then what a blank means and which
/// columns are shown when not all are. One line when it fits, two when it does not.
fn legend(
    theme: Theme,
    shown: &std::ops::Range<usize>,
    environments: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let states: Vec<Span> = STATES
        .into_iter()
        .flat_map(|state| {
            let look = look(state);
            [
                Span::styled(look.glyph, theme.status(state)),
                Span::raw(format!(" {}  ", look.word)),
            ]
        })
        .collect();
    let mut rest = String::from("✗2: severity · blank: does not apply");
    if shown.len() < environments {
        rest.push_str(&format!(
            " · columns {}–{} of {environments}",
            shown.start + 1,
            shown.end
        ));
    }
    let states = Line::from(states);
    if states.width() + rest.width() <= width {
        let mut spans = states.spans;
        spans.push(Span::styled(rest, theme.dim()));
        return vec![Line::from(spans)];
    }
    vec![states, Line::styled(fit(&rest, width), theme.dim())]
}
