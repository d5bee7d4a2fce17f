//! The summary view: counts per status and environment, failures by severity with their
//! notes, and the policy's verdict with its reasons.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::checklist::Severity;
use crate::run::Run;
use crate::status::{STATES, Status, look};
use crate::tui::text::pad;
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, run: &Run, theme: Theme) {
    let checklist = run.checklist();
    let (counts, per_environment) = (run.counts(), run.per_environment());
    let verdict = run.verdict();
    let mut left: Vec<Line> = Vec::new();
    let verdict_style = if verdict.passes() {
        theme.status(Some(Status::Pass))
    } else {
        theme.status(Some(Status::Fail))
    };
    let [verdict_area, _, area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(format!("Verdict: {verdict}")).style(verdict_style),
        verdict_area,
    );
    let key_width = (0..checklist.environments.len())
        .map(|e| checklist.environment_key(e).len())
        .max()
        .unwrap_or(0)
        .max(11);
    // One row per environment, a column per state in the order of `STATES`.
    let row = |name: &str, cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|c| format!("{c:>4}")).collect();
        format!("{}  {}", pad(name, key_width), cells.join(" "))
    };
    let glyphs = STATES.iter().map(|&s| look(s).glyph.to_string()).collect();
    left.push(Line::styled(row("environment", glyphs), theme.heading()));
    let numbers =
        |c: &crate::results::Counts| STATES.iter().map(|&s| c.of(s).to_string()).collect();
    for (e, c) in per_environment.iter().enumerate() {
        left.push(Line::raw(row(&checklist.environment_key(e), numbers(c))));
    }
    left.push(Line::styled(row("all", numbers(&counts)), theme.heading()));

    let mut right: Vec<Line> = Vec::new();
    for (level, label) in Severity::ALL
        .into_iter()
        .zip(["Blockers", "Major", "Minor"])
    {
        let failures: Vec<_> = checklist
            .cells()
            .filter_map(|cell| run.latest(cell).map(|r| (cell, r)))
            .filter(|(_, r)| r.status == Status::Fail && r.severity == Some(level))
            .collect();
        right.push(Line::styled(
            format!("{label} ({})", failures.len()),
            theme.heading(),
        ));
        for (cell, result) in failures {
            right.push(Line::from(vec![
                Span::styled(
                    format!(" {} ", look(Some(Status::Fail)).glyph),
                    theme.status(Some(Status::Fail)),
                ),
                Span::raw(format!(
                    "{} — {}",
                    checklist.items[cell.item].title,
                    checklist.environment_key(cell.environment)
                )),
            ]));
            if let Some(note) = &result.note {
                right.extend(
                    note.lines()
                        .map(|l| Line::styled(format!("     {l}"), theme.dim())),
                );
            }
        }
        right.push(Line::raw(""));
    }
    let blocked: Vec<_> = checklist
        .cells()
        .filter_map(|cell| run.latest(cell).map(|r| (cell, r)))
        .filter(|(_, r)| r.status == Status::Blocked)
        .collect();
    right.push(Line::styled(
        format!("Blocked ({})", blocked.len()),
        theme.heading(),
    ));
    for (cell, result) in blocked {
        right.push(Line::raw(format!(
            " {} {} — {}: {}",
            look(Some(Status::Blocked)).glyph,
            checklist.items[cell.item].title,
            checklist.environment_key(cell.environment),
            result.note.as_deref().unwrap_or("")
        )));
    }

    let [left_area, right_area] = Layout::horizontal([
        Constraint::Length((key_width + 28) as u16),
        Constraint::Min(20),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(left), left_area);
    frame.render_widget(Paragraph::new(right).wrap(Wrap { trim: false }), right_area);
}
