//! The summary view: counts per status and environment, failures by severity with their
//! notes, and the policy's verdict with its reasons.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::checklist::Severity;
use crate::run::Run;
use crate::status::{CARRIED, STATES, Status, look};
use crate::tui::app::App;
use crate::tui::app::jump::{self, ProblemGroup};
use crate::tui::text::{fit, pad};
use crate::tui::theme::Theme;

/// Draws the summary with the app's selected failed, blocked or skipped cell highlighted
/// (scrolled within when its note is taller than the list), and the app's warnings — what
/// would make the gate ignore a sign-off — under the verdict. Returns how many lines of the
/// selected entry do not fit, for J/K to scroll through.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) -> u16 {
    let (selected, warnings) = (app.summary_selected, app.warnings.as_slice());
    let checklist = run.checklist();
    let (counts, per_environment) = (run.counts(), run.per_environment());
    let verdict = run.verdict();
    let mut left: Vec<Line> = Vec::new();
    let verdict_style = if verdict.passes() {
        theme.status(Some(Status::Pass))
    } else {
        theme.status(Some(Status::Fail))
    };
    // The verdict wraps onto up to three lines: its reasons are what one approves on.
    let verdict = Paragraph::new(format!("Verdict: {verdict}"))
        .style(verdict_style)
        .wrap(Wrap { trim: false });
    let verdict_height = verdict.line_count(area.width).clamp(1, 3) as u16;
    let warning = Paragraph::new(
        warnings
            .iter()
            .map(|w| Line::styled(format!("⚠ {w}"), theme.error()))
            .collect::<Vec<_>>(),
    )
    .wrap(Wrap { trim: false });
    let warning_height = if warnings.is_empty() {
        0
    } else {
        (warning.line_count(area.width) as u16).min(area.height / 3)
    };
    let [verdict_area, warning_area, _, area] = Layout::vertical([
        Constraint::Length(verdict_height),
        Constraint::Length(warning_height),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(verdict, verdict_area);
    frame.render_widget(warning, warning_area);
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
    // The totals first, so that they show however many environments there are.
    left.push(Line::styled(row("all", numbers(&counts)), theme.heading()));
    if run.carried() > 0 {
        // Carried passes are among the passes counted above.
        left.push(Line::styled(
            format!(
                "{} {} carried, among the passes",
                CARRIED.glyph,
                run.carried()
            ),
            theme.tone(CARRIED.tone),
        ));
    }
    let rows_left = (area.height as usize).saturating_sub(left.len());
    let environments = per_environment.len();
    let shown = if environments <= rows_left {
        environments
    } else {
        rows_left.saturating_sub(1)
    };
    for (e, c) in per_environment.iter().enumerate().take(shown) {
        left.push(Line::raw(row(&checklist.environment_key(e), numbers(c))));
    }
    if shown < environments {
        left.push(Line::styled(
            format!("… {} more (m: the matrix)", environments - shown),
            theme.dim(),
        ));
    }

    let problems = jump::problems(run);
    let selected = selected.min(problems.len().saturating_sub(1));
    let mut right: Vec<Line> = Vec::new();
    // The line each problem starts on, to keep the selected one in view.
    let mut starts = Vec::with_capacity(problems.len());
    let mut next = problems.iter().enumerate().peekable();
    // Only the groups that have cells, so that the cells themselves get the room.
    let count_of = |group| problems.iter().filter(|(g, _)| *g == group).count();
    if problems.is_empty() {
        right.push(Line::styled(
            "Nothing failed, blocked or skipped.",
            theme.heading(),
        ));
    }
    for group in ProblemGroup::all().filter(|&group| count_of(group) > 0) {
        right.push(Line::styled(
            format!("{} ({})", group_title(group), count_of(group)),
            theme.heading(),
        ));
        while let Some((n, &(_, cell))) = next.next_if(|(_, (g, _))| *g == group) {
            starts.push(right.len());
            let result = run.latest(cell);
            let status = result.map(|r| r.status);
            let mut line = Line::from(vec![
                Span::styled(format!(" {} ", look(status).glyph), theme.status(status)),
                // The environment first: a long title may be cut at the edge.
                Span::raw(format!(
                    "{}  {}",
                    checklist.environment_key(cell.environment),
                    checklist.items[cell.item].title
                )),
            ]);
            if n == selected {
                line = line.style(theme.selected());
            }
            right.push(line);
            if let Some(note) = result.and_then(|r| r.note.as_deref()) {
                right.extend(
                    note.lines()
                        .map(|l| Line::styled(format!("     {l}"), theme.dim())),
                );
            }
        }
        right.push(Line::raw(""));
    }

    let [left_area, right_area] = Layout::horizontal([
        Constraint::Length((key_width + 28) as u16),
        Constraint::Min(20),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(left), left_area);
    draw_list(
        frame,
        right_area,
        right,
        &starts,
        (selected, app.details_scroll),
        theme,
    )
}

/// The list of failed, blocked and skipped cells, scrolled so that the selected one shows —
/// from its first line, or `scroll` lines into it when it is taller than the list — with a
/// line saying what is above and below: the screen one approves from hides nothing without
/// saying so, and every line of a long note can be reached. Returns how many lines of the
/// selected entry do not fit.
fn draw_list(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    starts: &[usize],
    (selected, scroll): (usize, u16),
    theme: Theme,
) -> u16 {
    // Each line wraps on its own, so the row each line starts on is a running sum.
    let mut row_of_line = Vec::with_capacity(lines.len() + 1);
    let mut rows = 0;
    for line in &lines {
        row_of_line.push(rows);
        rows += Paragraph::new(line.clone())
            .wrap(Wrap { trim: false })
            .line_count(area.width);
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let height = area.height as usize;
    if rows <= height {
        frame.render_widget(paragraph, area);
        return 0;
    }
    let window = height.saturating_sub(1);
    let here = starts.get(selected).map_or(0, |&line| row_of_line[line]);
    // The selected entry runs to the next one (or the end).
    let end = starts
        .get(selected + 1)
        .map_or(rows, |&line| row_of_line[line]);
    let overflow = (end - here).saturating_sub(window);
    let first = if overflow > 0 {
        here + (scroll as usize).min(overflow)
    } else {
        super::window_start(here, window, rows)
    };
    let above = starts.iter().filter(|&&s| row_of_line[s] < first).count();
    let below = starts
        .iter()
        .filter(|&&s| row_of_line[s] >= first + window)
        .count();
    let width = area.width as usize;
    let [list_area, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(
        paragraph.scroll((first.min(u16::MAX as usize) as u16, 0)),
        list_area,
    );
    let inside = overflow.saturating_sub((scroll as usize).min(overflow));
    let hint = match (above, below, inside) {
        (_, _, lines) if lines > 0 => format!(
            "▼ {lines} more line{} of this one — J scrolls · j/k select",
            if lines == 1 { "" } else { "s" }
        ),
        (0, 0, _) => "▲ scrolled to its end — K scrolls back · j/k select".to_string(),
        (0, _, _) => format!("▼ {below} more below · j/k select · Enter walks it"),
        (_, 0, _) => format!("▲ {above} above · j/k select · Enter walks it"),
        _ => format!("▲ {above} above · ▼ {below} below · j/k · Enter"),
    };
    frame.render_widget(
        Paragraph::new(fit(&hint, width)).style(theme.heading()),
        hint_area,
    );
    overflow.min(u16::MAX as usize) as u16
}

fn group_title(group: ProblemGroup) -> &'static str {
    match group {
        ProblemGroup::Failed(level) if level == Severity::BLOCKER => "Blockers",
        ProblemGroup::Failed(level) if level == Severity::MAJOR => "Major",
        ProblemGroup::Failed(_) => "Minor",
        ProblemGroup::Blocked => "Blocked",
        ProblemGroup::Skipped => "Skipped",
    }
}
