//! The matrix view: items down, environments across, one glyph per cell, headers fixed while
//! the body scrolls with the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::window_start;
use crate::checklist::Cell;
use crate::journal::Status;
use crate::run::Run;
use crate::tui::app::{App, Hits};
use crate::tui::text::{fit, pad};
use crate::tui::theme::{Theme, glyph};

/// Columns per cell: the glyph, a severity digit, two gaps (viewport ids get three letters).
const CELL: u16 = 4;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) -> Hits {
    let checklist = &run.checklist;
    let mut hits = Hits::default();
    let label_width = (area.width / 3).clamp(16, 40);
    let legend_rows = 1;
    let header_rows = 2;
    let body_height = area.height.saturating_sub(header_rows + legend_rows) as usize;
    let columns_fit = (area.width.saturating_sub(label_width) / CELL).max(1) as usize;
    let environments = checklist.environments.len();
    let first_column = window_start(app.cursor.environment, columns_fit, environments);
    let shown_columns = first_column..(first_column + columns_fit).min(environments);

    let items: Vec<usize> = (0..checklist.items.len())
        .filter(|&i| app.is_visible(i))
        .collect();
    let cursor_row = items
        .iter()
        .position(|&i| i == app.cursor.item)
        .unwrap_or(0);
    let first_row = window_start(cursor_row, body_height, items.len());

    let mut lines = Vec::with_capacity(area.height as usize);
    // Two header rows: each browser's id across its columns, then viewport ids.
    let mut browsers = vec![Span::raw(" ".repeat(label_width as usize))];
    let mut viewports = vec![Span::raw(pad("item \\ environment", label_width as usize))];
    let columns: Vec<usize> = shown_columns.clone().collect();
    for group in columns
        .chunk_by(|&a, &b| checklist.environments[a].browser == checklist.environments[b].browser)
    {
        let browser = &checklist.browsers[checklist.environments[group[0]].browser];
        let span = group.len() * CELL as usize;
        browsers.push(Span::styled(
            pad(&browser.id, span - 1) + " ",
            theme.heading(),
        ));
    }
    for &e in &columns {
        let env = checklist.environments[e];
        let style = if e == app.cursor.environment {
            theme.selected()
        } else {
            theme.heading()
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
        let label_style = if item == app.cursor.item {
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
                let mut style = theme.status(status);
                if cell == app.cursor {
                    style = style.patch(theme.selected());
                }
                Span::styled(
                    pad(&format!("{}{severity}", glyph(status)), CELL as usize),
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
    let legend: Vec<Span> = [
        (Some(Status::Pass), "pass"),
        (Some(Status::Fail), "fail (severity)"),
        (Some(Status::Blocked), "blocked"),
        (Some(Status::Skip), "skip"),
        (None, "untested"),
    ]
    .into_iter()
    .flat_map(|(status, word)| {
        [
            Span::styled(glyph(status), theme.status(status)),
            Span::raw(format!(" {word}  ")),
        ]
    })
    .chain([Span::styled(
        format!(
            "blank: does not apply · columns {}–{} of {environments}",
            shown_columns.start + 1,
            shown_columns.end
        ),
        theme.dim(),
    )])
    .collect();
    lines.push(Line::from(legend));
    frame.render_widget(Paragraph::new(lines), area);
    hits
}

/// Keeps spans within `width` columns (the browser row can overrun on narrow screens).
fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let w = span.width();
        if used + w > width {
            out.push(Span::styled(fit(&span.content, width - used), span.style));
            break;
        }
        used += w;
        out.push(span);
    }
    out
}
