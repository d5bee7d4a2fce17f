//! The walk's state and every transition, as plain Rust: no terminal, no drawing, no I/O.
//!
//! `App::handle` turns an [`Action`] into a new state and, when something must happen outside
//! (record a result, undo, start a browser, quit), an [`Effect`]. The event loop carries the
//! effect out against the run and reports back with `recorded`, `undone` or `failed`, so the
//! screen only shows a result once it is on disk. The cursor and its moves live in
//! [`cursor`], each dialog in [`dialogs`]; this module only dispatches between them.

pub mod cursor;
pub mod dialogs;

use ratatui::layout::Rect;

use crate::checklist::{Cell, Checklist};
use crate::journal::ResultEntry;
use crate::run::{NewResult, Run};
use crate::signoff::statement::Decision;
use crate::status::Status;
use crate::walk_order::{Order, next_untested, resume_position, sequence};

pub use super::action::{Action, Effect};
use super::keymap::Mode;
use super::notice::{Missing, Notice};
use cursor::{Cursor, Move};
pub use dialogs::{
    EvidenceDialog, FailDialog, FilterField, HelpPanel, NoteDialog, NotePurpose, Overlay,
    SignoffDialog, Step, Submission,
};

/// The screen shown under any overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Walk,
    Matrix,
    Summary,
}

/// Where things were drawn last frame, for mouse clicks.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub targets: Vec<(Rect, Cell)>,
}

/// The walk's whole state.
#[derive(Debug, Clone)]
pub struct App {
    pub view: View,
    pub order: Order,
    cursor: Cursor,
    pub overlay: Option<Overlay>,
    /// What the status line says.
    pub notice: Option<Notice>,
    pub hits: Hits,
    /// Set from the last frame: while the terminal is too small to show anything, keys other
    /// than quit are ignored, so nothing is recorded blind.
    pub screen_too_small: bool,
}

impl App {
    /// A walk over `run`, on its first untested cell in environment order.
    pub fn new(run: &Run) -> App {
        let order = Order::ByEnvironment;
        let start = resume_position(run.checklist(), run, order);
        App {
            view: View::Walk,
            order,
            cursor: Cursor::new(run.checklist(), start),
            overlay: None,
            notice: None,
            hits: Hits::default(),
            screen_too_small: false,
        }
    }

    /// The cell the cursor is on.
    pub fn cursor(&self) -> Cell {
        self.cursor.cell()
    }

    /// The applied item filter, lowercase; empty when there is none.
    pub fn filter(&self) -> &str {
        self.cursor.filter()
    }

    /// Whether `item` matches the filter.
    pub fn is_visible(&self, item: usize) -> bool {
        self.cursor.is_visible(item)
    }

    /// The keys that apply now.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Some(Overlay::Help(_)) => Mode::Help,
            Some(Overlay::Fail(dialog)) if !dialog.note_focused() => Mode::FailSeverity,
            Some(_) => Mode::Editing,
            None => match self.view {
                View::Walk => Mode::Walk,
                View::Matrix => Mode::Matrix,
                View::Summary => Mode::Summary,
            },
        }
    }

    /// The next untested visible cell after the cursor in the current order.
    pub fn next_untested(&self, run: &Run) -> Option<Cell> {
        let visible = |item| self.cursor.is_visible(item);
        next_untested(run.checklist(), run, self.order, self.cursor(), &visible)
    }

    /// Applies one action; returns what the event loop must do, if anything.
    pub fn handle(&mut self, run: &Run, action: Action) -> Option<Effect> {
        if action == Action::Quit {
            return Some(Effect::Quit);
        }
        if self.screen_too_small {
            return None;
        }
        if self.overlay.is_some() {
            return self.handle_overlay(run, action);
        }
        self.notice = None;
        let checklist = run.checklist();
        let step = |m| Some(m);
        let moved = match action {
            Action::Down | Action::ScrollDown => step(Move::Items(1)),
            Action::Up | Action::ScrollUp => step(Move::Items(-1)),
            Action::PageDown => step(Move::PageDown),
            Action::PageUp => step(Move::PageUp),
            Action::First => step(Move::FirstItem),
            Action::Last => step(Move::LastItem),
            Action::NextEnvironment => step(Move::Environments(1)),
            Action::PreviousEnvironment => step(Move::Environments(-1)),
            _ => None,
        };
        if let Some(m) = moved {
            self.cursor.apply(checklist, m);
            return None;
        }
        match action {
            Action::Pass => return self.record_now(run, Status::Pass),
            Action::Fail => {
                let severity = checklist.items[self.cursor().item].severity;
                self.open_on_a_cell(checklist, Overlay::Fail(FailDialog::new(severity)));
            }
            Action::Blocked => self.open_on_a_cell(
                checklist,
                Overlay::Note(NoteDialog::new(NotePurpose::Blocked, "")),
            ),
            Action::Skip => self.open_on_a_cell(
                checklist,
                Overlay::Note(NoteDialog::new(NotePurpose::Skip, "")),
            ),
            Action::EditNote => match run.latest(self.cursor()) {
                Some(result) => {
                    let note = result.note.as_deref().unwrap_or("");
                    self.overlay = Some(Overlay::Note(NoteDialog::new(NotePurpose::Edit, note)));
                }
                None => {
                    self.notice = Some(Notice::NoResultYet {
                        for_evidence: false,
                    })
                }
            },
            Action::Evidence => match run.latest(self.cursor()) {
                Some(_) => self.overlay = Some(Overlay::Evidence(EvidenceDialog::new())),
                None => self.notice = Some(Notice::NoResultYet { for_evidence: true }),
            },
            Action::Undo => return Some(Effect::Undo),
            Action::Launch => return self.launch(checklist),
            Action::Filter => {
                self.overlay = Some(Overlay::Filter(FilterField::new(self.filter())));
            }
            Action::ToggleOrder => {
                self.order = self.order.toggled();
                self.notice = Some(Notice::OrderChanged(self.order));
            }
            Action::Matrix => self.toggle_view(View::Matrix),
            Action::Summary => self.toggle_view(View::Summary),
            Action::Help => self.overlay = Some(Overlay::Help(HelpPanel::default())),
            Action::Approve | Action::Reject if self.view == View::Summary => {
                let decision = if action == Action::Approve {
                    Decision::Approved
                } else {
                    Decision::Rejected
                };
                let verdict = run.verdict();
                if decision == Decision::Approved && !verdict.passes() {
                    self.notice = Some(Notice::CannotApprove(verdict));
                } else {
                    self.overlay = Some(Overlay::Signoff(SignoffDialog::new(decision)));
                }
            }
            Action::Confirm if self.view == View::Matrix => self.view = View::Walk,
            Action::Cancel => {
                if self.view != View::Walk {
                    self.view = View::Walk;
                } else if !self.filter().is_empty() {
                    self.set_filter(checklist, "");
                }
            }
            Action::Click { column, row } => {
                self.cursor
                    .click(checklist, &self.hits.targets, column, row);
            }
            _ => {}
        }
        None
    }

    fn toggle_view(&mut self, view: View) {
        self.view = if self.view == view { View::Walk } else { view };
    }

    /// Opens `overlay` when the cursor is on a cell; says why not otherwise.
    fn open_on_a_cell(&mut self, checklist: &Checklist, overlay: Overlay) {
        if self.cursor.on_a_cell(checklist) {
            self.overlay = Some(overlay);
        } else {
            self.notice = Some(Notice::NoCellHere);
        }
    }

    fn handle_overlay(&mut self, run: &Run, action: Action) -> Option<Effect> {
        let checklist = run.checklist();
        let overlay = self.overlay.as_mut()?;
        if action == Action::Cancel {
            if matches!(overlay, Overlay::Filter(_)) {
                self.set_filter(checklist, "");
            }
            self.overlay = None;
            return None;
        }
        let step = overlay.handle(action);
        self.apply(run, step)
    }

    /// Text pasted into the terminal (bracketed paste): all of it goes to the field that has
    /// the focus; with no field open it does nothing, and the status line says so — a paste
    /// is never read as keys.
    pub fn paste(&mut self, run: &Run, text: &str) -> Option<Effect> {
        if self.screen_too_small {
            return None;
        }
        match self
            .overlay
            .as_mut()
            .and_then(|overlay| overlay.paste(text))
        {
            Some(step) => self.apply(run, step),
            None => {
                self.notice = Some(Notice::PasteIgnored);
                None
            }
        }
    }

    /// What a dialog's step means for the walk.
    fn apply(&mut self, run: &Run, step: Step) -> Option<Effect> {
        let checklist = run.checklist();
        match step {
            Step::Stay => None,
            Step::Close => {
                self.overlay = None;
                None
            }
            Step::Refuse(missing) => {
                self.notice = Some(Notice::Needs(missing));
                None
            }
            Step::FilterTyped(text) => {
                self.set_filter(checklist, &text);
                None
            }
            Step::Submit(submission) => self.submit(run, submission),
        }
    }

    /// What a finished dialog asks of the run. The dialog stays open until the result is on
    /// disk (`recorded`), so nothing typed is lost if writing fails.
    fn submit(&mut self, run: &Run, submission: Submission) -> Option<Effect> {
        let cell = self.cursor();
        match submission {
            Submission::Fail { severity, note } => Some(Effect::Record(NewResult {
                severity: Some(severity),
                note: Some(note),
                ..new_result(run.checklist(), cell, Status::Fail)
            })),
            Submission::Note {
                purpose: purpose @ (NotePurpose::Blocked | NotePurpose::Skip),
                note,
            } => {
                let status = if purpose == NotePurpose::Blocked {
                    Status::Blocked
                } else {
                    Status::Skip
                };
                Some(Effect::Record(NewResult {
                    note: Some(note),
                    ..new_result(run.checklist(), cell, status)
                }))
            }
            Submission::Note {
                purpose: NotePurpose::Edit,
                note,
            } => {
                let latest = run.latest(cell)?;
                if latest.status.needs_note() && note.is_empty() {
                    self.notice = Some(Notice::Needs(Missing::NoteOnEdit));
                    return None;
                }
                Some(Effect::Record(NewResult {
                    note: Some(note),
                    ..NewResult::repeating(latest)
                }))
            }
            Submission::Evidence { path } => {
                let latest = run.latest(cell)?;
                Some(Effect::Record(NewResult {
                    evidence: vec![crate::evidence::dropped_path(&path)],
                    ..NewResult::repeating(latest)
                }))
            }
            Submission::Signoff { decision, comment } => {
                Some(Effect::Signoff { decision, comment })
            }
        }
    }

    fn record_now(&mut self, run: &Run, status: Status) -> Option<Effect> {
        if !self.cursor.on_a_cell(run.checklist()) {
            self.notice = Some(Notice::NoCellHere);
            return None;
        }
        Some(Effect::Record(new_result(
            run.checklist(),
            self.cursor(),
            status,
        )))
    }

    /// The result of a [`Effect::Record`] is on disk: close the dialog, say so, and go to the
    /// next untested cell.
    pub fn recorded(&mut self, run: &Run, entry: &ResultEntry) {
        let environment = self.cursor().environment;
        let item = entry.item.clone();
        // A changed note or new evidence stays on its cell: the tester is still looking at it.
        match self.overlay.take() {
            Some(Overlay::Note(dialog)) if dialog.purpose() == NotePurpose::Edit => {
                self.notice = Some(Notice::NoteSaved { item, environment });
                return;
            }
            Some(Overlay::Evidence(_)) => {
                self.notice = Some(Notice::EvidenceAttached { item, environment });
                return;
            }
            _ => {}
        }
        let next = self.next_untested(run);
        if let Some(next) = next {
            self.cursor.go_to(next);
        }
        self.notice = Some(Notice::Recorded {
            status: entry.status,
            severity: entry.severity,
            item,
            environment,
            every_cell_done: next.is_none(),
        });
    }

    /// An [`Effect::Undo`] is on disk: go to the cell that was undone.
    pub fn undone(&mut self, run: &Run, entry: &ResultEntry) {
        // An undone entry was recorded in this run, so it names one of its cells.
        let cell = crate::results::cell_of(run.checklist(), entry).ok();
        if let Some(cell) = cell {
            self.cursor.go_to(cell);
            if !self.is_visible(cell.item) {
                self.set_filter(run.checklist(), "");
            }
        }
        self.notice = Some(Notice::Undone {
            status: entry.status,
            item: entry.item.clone(),
            environment: cell.map_or(self.cursor().environment, |c| c.environment),
        });
    }

    /// An effect failed; nothing was recorded. Any dialog stays open with what was typed.
    pub fn failed(&mut self, error: &dyn std::error::Error) {
        self.notice = Some(Notice::NotRecorded(crate::output::one_line(error)));
    }

    /// Applies a filter; the cursor stays on a visible cell when there is one.
    fn set_filter(&mut self, checklist: &Checklist, filter: &str) {
        let order = self.order;
        self.cursor.set_filter(checklist, filter, |cursor| {
            let visible = |item| cursor.is_visible(item);
            sequence(checklist, order, &visible).next()
        });
    }

    fn launch(&mut self, checklist: &Checklist) -> Option<Effect> {
        let cell = self.cursor();
        let env = checklist.environments[cell.environment];
        let browser = &checklist.browsers[env.browser];
        let viewport = &checklist.viewports[env.viewport];
        let Some(template) = &browser.launch else {
            self.notice = Some(Notice::NoLaunchCommand {
                browser: browser.name.clone(),
            });
            return None;
        };
        let Some(url) = checklist
            .item_url(cell.item)
            .or_else(|| checklist.base_url.clone())
        else {
            self.notice = Some(Notice::NoUrl);
            return None;
        };
        let Some(words) = shlex::split(template).filter(|w| !w.is_empty()) else {
            self.notice = Some(Notice::UnbalancedQuotes {
                browser: browser.name.clone(),
            });
            return None;
        };
        let argv = words
            .into_iter()
            .map(|w| {
                w.replace("{url}", &url)
                    .replace("{width}", &viewport.width.to_string())
                    .replace("{height}", &viewport.height.to_string())
            })
            .collect();
        Some(Effect::Launch(argv))
    }
}

/// A new result for `cell` with `status` and nothing else.
fn new_result(checklist: &Checklist, cell: Cell, status: Status) -> NewResult {
    let env = checklist.environments[cell.environment];
    NewResult::new(
        &checklist.items[cell.item].id,
        &checklist.browsers[env.browser].id,
        &checklist.viewports[env.viewport].id,
        status,
    )
}
