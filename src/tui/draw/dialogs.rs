//! Overlays: the help panel, and the fail, note, evidence and filter fields.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::checklist::Severity;
use crate::run::Run;
use crate::signoff::statement::Decision;
use crate::tui::app::{App, Crossing, NotePurpose, Overlay, Picker, PickerKind};
use crate::tui::keymap::help_sections;
use crate::tui::text::fit;
use crate::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, run: &Run, theme: Theme) {
    let Some(overlay) = &app.overlay else {
        return;
    };
    let checklist = run.checklist();
    let cell = app.cursor();
    let item = checklist
        .items
        .get(cell.item)
        .map_or("", |i| i.title.as_str());
    let environment = checklist.environment_label(cell.environment);
    match overlay {
        Overlay::Help(panel) => draw_help(frame, area, panel.scroll(), theme),
        Overlay::Fail(dialog) => {
            let (severity, note) = (dialog.severity(), dialog.note());
            let inner = popup(frame, area, &format!(" Fail: {item} · {environment} "), 12);
            let [choice, label, field, hint] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(1),
                Constraint::Length(1),
            ])
            .areas(inner);
            let mut spans = vec![Span::styled("Severity  ", theme.heading())];
            for level in Severity::ALL {
                let text = format!(" {} {} ", level.level(), level.label());
                let style = if level == severity {
                    theme.selected()
                } else {
                    Style::new()
                };
                spans.push(Span::styled(text, style));
                spans.push(Span::raw(" "));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), choice);
            frame.render_widget(
                Paragraph::new(Line::styled("What went wrong (required)", theme.heading())),
                label,
            );
            frame.render_widget(note, field);
            let hint_text = "Tab severity · Enter save · Alt-Enter new line · Esc cancel";
            frame.render_widget(Paragraph::new(hint_text).style(theme.dim()), hint);
        }
        Overlay::Note(dialog) => {
            let note = dialog.note();
            let title = match dialog.purpose() {
                NotePurpose::Blocked => format!(" Blocked: why? {item} · {environment} "),
                NotePurpose::Skip => format!(" Skip: why? {item} · {environment} "),
                NotePurpose::Edit => format!(" Note: {item} · {environment} "),
            };
            text_popup(
                frame,
                area,
                &title,
                note,
                "Enter save · Alt-Enter new line · Esc cancel",
                theme,
                10,
            );
        }
        Overlay::Evidence(dialog) => {
            text_popup(
                frame,
                area,
                " Attach evidence: path to a screenshot or recording ",
                dialog.path(),
                "Enter attach (its sha256 is taken) · Esc cancel",
                theme,
                5,
            );
        }
        Overlay::Signoff(dialog) => {
            let release = &run.meta().release;
            let (title, label) = match dialog.decision() {
                Decision::Approved => (
                    format!(" Approve release {release} "),
                    "Comment (optional), signed with the approval",
                ),
                Decision::Rejected => (
                    format!(" Reject release {release} "),
                    "Why (required), signed with the rejection",
                ),
            };
            let inner = popup(frame, area, &title, 9);
            let [label_area, field, hint] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(1),
                Constraint::Length(1),
            ])
            .areas(inner);
            frame.render_widget(
                Paragraph::new(Line::styled(label, theme.heading())),
                label_area,
            );
            frame.render_widget(dialog.comment(), field);
            frame.render_widget(
                Paragraph::new("Enter next: confirm · Alt-Enter new line · Esc cancel")
                    .style(theme.dim()),
                hint,
            );
        }
        Overlay::ConfirmSignoff(pending) => {
            draw_confirm_signoff(frame, area, pending, app, run, theme)
        }
        Overlay::Passphrase(dialog) => {
            let inner = popup(frame, area, " Unlock your SSH key to sign ", 7);
            let [key_line, field, status, hint] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
            ])
            .areas(inner);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("Passphrase for {}", dialog.key),
                    theme.heading(),
                )),
                key_line,
            );
            // A dot for each character typed, then the cursor, drawn as the text fields draw it;
            // a passphrase longer than the field shows its end.
            let shown = dialog
                .typed_chars()
                .min(usize::from(field.width.saturating_sub(1)));
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::raw("•".repeat(shown)),
                    Span::styled(" ", Style::new().add_modifier(Modifier::REVERSED)),
                ])),
                field,
            );
            if dialog.wrong {
                frame.render_widget(
                    Paragraph::new(format!(
                        "wrong passphrase · {}",
                        crate::words::count_of(dialog.tries_left, "more try", "more tries")
                    ))
                    .style(theme.error()),
                    status,
                );
            }
            frame.render_widget(
                Paragraph::new("Enter sign · Esc cancel (your comment is kept)").style(theme.dim()),
                hint,
            );
        }
        Overlay::Filter(field) => {
            let bottom = Rect {
                y: area.bottom().saturating_sub(2),
                height: 1,
                ..area
            };
            frame.render_widget(Clear, bottom);
            let [label, field_area] =
                Layout::horizontal([Constraint::Length(8), Constraint::Min(1)]).areas(bottom);
            frame.render_widget(Paragraph::new("filter: ").style(theme.heading()), label);
            frame.render_widget(field.text(), field_area);
        }
        Overlay::Crossing(crossing) => draw_crossing(frame, area, *crossing, run, theme),
        Overlay::Picker(picker) => draw_picker(frame, area, picker, theme),
        Overlay::ConfirmLaunch(request) => draw_launch_question(frame, area, request, run, theme),
    }
}

/// The question before a checklist's command runs for the first time: the command whole,
/// what it means, and the two answers.
fn draw_launch_question(
    frame: &mut Frame,
    area: Rect,
    request: &crate::tui::app::LaunchRequest,
    run: &Run,
    theme: Theme,
) {
    let command = shlex::try_join(request.argv.iter().map(String::as_str))
        .unwrap_or_else(|_| request.argv.join(" "));
    let sha = &run.meta().checklist.sha256;
    let lines = vec![
        Line::raw(format!(
            "The checklist asks to start {} with this command:",
            crate::untrusted::one_line(&request.browser)
        )),
        Line::raw(""),
        Line::styled(
            crate::untrusted::one_line(&command).into_owned(),
            theme.heading(),
        ),
        Line::raw(""),
        Line::raw(format!(
            "It runs on this computer, as you. Allowed once, it is remembered for this checklist \
             (sha256 {}…) and asks again if the checklist or the command changes.",
            sha.get(..12).unwrap_or(sha)
        )),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.heading()),
            Span::raw(" allow and run   "),
            Span::styled("n", theme.heading()),
            Span::raw(" no"),
        ]),
    ];
    let inner = popup(frame, area, " Run this command? ", lines.len() as u16 + 4);
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        inner,
    );
}

/// The card that stops the walk on reaching another environment: what to set up, in the
/// browser's colour, and how to go on.
fn draw_crossing(frame: &mut Frame, area: Rect, crossing: Crossing, run: &Run, theme: Theme) {
    let checklist = run.checklist();
    let (from, to) = (
        checklist.environments[crossing.from],
        checklist.environments[crossing.to],
    );
    let browser = &checklist.browsers[to.browser];
    let viewport = &checklist.viewports[to.viewport];
    let counts = &run.per_environment()[crossing.to];
    let todo = counts.total() - counts.done();
    let what = if from.browser != to.browser {
        format!(
            "Switch to {} and set its window to {}×{}.",
            browser.name, viewport.width, viewport.height
        )
    } else {
        format!(
            "Set the {} window to {}×{} ({}).",
            browser.name, viewport.width, viewport.height, viewport.name
        )
    };
    let lines = vec![
        Line::styled(
            format!("Done: {}", checklist.environment_label(crossing.from)),
            theme.dim(),
        ),
        Line::raw(""),
        Line::styled(
            format!("Now: {}", checklist.environment_label(crossing.to)),
            theme.browser(to.browser),
        ),
        Line::raw(what),
        Line::raw(format!(
            "{todo} cell{} to test here.",
            if todo == 1 { "" } else { "s" }
        )),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Enter", theme.heading()),
            Span::raw(" start   "),
            Span::styled("x", theme.heading()),
            Span::raw(" open it there   "),
            Span::styled("u", theme.heading()),
            Span::raw(" undo the last result"),
        ]),
    ];
    let width = lines
        .iter()
        .map(|l| l.width() as u16 + 4)
        .max()
        .unwrap_or(40)
        .max(44);
    let popup = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.browser(to.browser))
                    .title(" Another environment "),
            ),
        popup,
    );
}

/// A picker: the typed query on top, the matches below with the selection highlighted and
/// kept in view.
fn draw_picker(frame: &mut Frame, area: Rect, picker: &Picker, theme: Theme) {
    let matches = picker.matches();
    let title = match picker.kind() {
        PickerKind::Environment => " Go to an environment · type to filter · Enter go · Esc ",
        PickerKind::Section => " Go to a section · type to filter · Enter go · Esc ",
    };
    let height = (matches.len() as u16 + 4).clamp(6, area.height.saturating_sub(2).max(6));
    let inner = popup(frame, area, title, height);
    let [query_area, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let [prompt, field] =
        Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(query_area);
    frame.render_widget(Paragraph::new("> ").style(theme.heading()), prompt);
    frame.render_widget(picker.query(), field);
    let rows = list_area.height as usize;
    let selected = picker.selected();
    let start = super::window_start(selected, rows, matches.len());
    let width = list_area.width as usize;
    let mut lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(n, entry)| {
            let detail = format!("  {}", entry.detail);
            let label = fit(&entry.label, width.saturating_sub(detail.width()));
            let line = Line::from(vec![
                Span::raw(label.clone()),
                Span::raw(" ".repeat(width.saturating_sub(label.width() + detail.width()))),
                Span::styled(detail, theme.dim()),
            ]);
            if n == selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    if matches.is_empty() {
        lines.push(Line::styled("nothing matches (Esc cancels)", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// Clears a bordered box of 72 × `height` centred in `area`, titled `title`; returns its
/// inside.
/// "Sign this?", naming the decision, the release, the commit, who signs, with which key,
/// and the comment: what will be signed, before anything is.
fn draw_confirm_signoff(
    frame: &mut Frame,
    area: Rect,
    dialog: &crate::tui::app::ConfirmDialog,
    app: &App,
    run: &crate::run::Run,
    theme: Theme,
) {
    let pending = &dialog.pending;
    let meta = run.meta();
    let (word, style) = match pending.decision {
        Decision::Approved => ("APPROVE", theme.heading()),
        Decision::Rejected => ("REJECT", theme.error()),
    };
    let commit = meta.commit.as_deref().unwrap_or("unknown");
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{word} "), style),
            Span::raw(format!("release {}", meta.release)),
        ]),
        Line::raw(format!("at commit {commit}")),
        Line::raw(format!("as {}", meta.tester)),
    ];
    if let Some(comment) = &pending.comment {
        lines.push(Line::raw(format!(
            "comment: {}",
            comment.replace('\n', " ")
        )));
    }
    for warning in &app.warnings {
        lines.push(Line::styled(format!("⚠ {warning}"), theme.error()));
    }
    let inner = popup(frame, area, " Sign this? ", 11);
    let [text, answer, hint] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        text,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("Type yes to sign: ", theme.heading()),
            Span::raw(format!("{}▏", dialog.typed())),
        ])),
        answer,
    );
    frame.render_widget(
        Paragraph::new("yes Enter signs with your SSH key · Esc back to the comment")
            .style(theme.dim()),
        hint,
    );
}

fn popup(frame: &mut Frame, area: Rect, title: &str, height: u16) -> Rect {
    let popup = centered(area, 72, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(title, popup.width.saturating_sub(2) as usize));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    inner
}

fn text_popup(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    field: &ratatui_textarea::TextArea<'_>,
    hint: &str,
    theme: Theme,
    height: u16,
) {
    let inner = popup(frame, area, title, height);
    let [field_area, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(field, field_area);
    frame.render_widget(Paragraph::new(hint).style(theme.dim()), hint_area);
}

fn draw_help(frame: &mut Frame, area: Rect, scroll: u16, theme: Theme) {
    let mut lines = Vec::new();
    for (title, keys) in help_sections() {
        lines.push(Line::styled(title, theme.heading()));
        for binding in keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", binding.label), theme.heading()),
                Span::raw(binding.description),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(
        "  mouse: click an item or cell; the wheel scrolls",
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, 78, height);
    // Scrolling stops once the last line is in view.
    let room = height.saturating_sub(2);
    let scroll = scroll.min((lines.len() as u16).saturating_sub(room));
    let title = if (lines.len() as u16) > room {
        " Keys · j/k scroll · Esc closes "
    } else {
        " Keys · Esc closes "
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        popup,
    );
}
