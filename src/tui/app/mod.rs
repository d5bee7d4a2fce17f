//! The walk's state and every transition, as plain Rust: no terminal, no drawing, no I/O.
//!
//! `App::handle` turns an [`Action`] into a new state and, when something must happen outside
//! (record a result, undo, start a browser, quit), an [`Effect`]. The event loop carries the
//! effect out against the run and reports back with `recorded`, `undone` or `failed`, so the
//! screen only shows a result once it is on disk. The cursor and its moves live in
//! [`cursor`], each dialog in [`dialogs`]; this module only dispatches between them.

pub mod cursor;
pub mod dialogs;
pub mod jump;
mod launch;
pub mod picker;
mod recording;
mod signing;

use std::collections::HashMap;

use ratatui::layout::Rect;

use crate::checklist::{Cell, Checklist};
use crate::run::Run;
use crate::signoff::statement::Decision;
use crate::walk_order::{Order, next_untested, resume_position, sequence};

pub use super::action::{Action, Effect};
use super::keymap::Mode;
use super::notice::Notice;
use cursor::{Cursor, Move};
pub use dialogs::{
    ConfirmDialog, Crossing, EvidenceDialog, FailDialog, FilterField, HelpPanel, LaunchRequest,
    NoteDialog, NotePurpose, Overlay, PassphraseDialog, PendingSignoff, SignoffDialog, Step,
    Submission,
};
pub use picker::{Picker, PickerEntry, PickerKind};

/// The screen shown under any overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Walk,
    Matrix,
    Summary,
}

/// What the last frame learnt of the layout: where cells were drawn, for mouse clicks, and
/// how far the details pane can scroll.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub targets: Vec<(Rect, Cell)>,
    /// Lines of the details pane below its window when it is scrolled to the top.
    pub details_overflow: u16,
}

/// Whether browsers may be started, and which commands the tester has allowed
/// ([`crate::launch_trust`]); the event loop fills it from the config.
#[derive(Debug, Clone, Default)]
pub struct LaunchPolicy {
    /// `--no-launch` or `launch: false` in the config.
    pub off: bool,
    /// Keys of the allowed commands.
    pub allowed: std::collections::HashSet<String>,
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
    /// How far the details pane is scrolled; back to the top on another cell.
    pub details_scroll: u16,
    /// The selected line of the summary's list of failed, blocked and skipped cells.
    pub summary_selected: usize,
    /// Whether keys suggest Caps Lock is on: an upper-case letter bound only in lower case.
    pub caps_lock_suspected: bool,
    /// Notes typed and not saved, per cell, offered again when a dialog opens there.
    drafts: HashMap<Cell, String>,
    /// A sign-off comment typed and not used, with the decision it was for.
    comment_draft: Option<(Decision, String)>,
    /// Whether `x` may start browsers, and the commands the tester has allowed.
    pub launch_policy: LaunchPolicy,
    /// Screenshots taken before the cell had a result: attached with its next one.
    pending_evidence: Vec<(Cell, std::path::PathBuf)>,
    /// A screenshot is being attached to a result the cell has: the cursor stays.
    attaching_capture: bool,
    /// What the summary warns of before anyone signs: the checklist the gate will not pin,
    /// a key the team's allowed signers do not list.
    pub warnings: Vec<String>,
    /// What the previous run of this checklist found, shown beside each cell and offered
    /// when it fails again.
    pub earlier: Option<std::sync::Arc<crate::earlier::EarlierResults>>,
    /// A `p` on a cell that already has a result, waiting for a second `p`: a reflex key
    /// after attaching evidence, or after the last cell, must not pass a failure or record a
    /// result twice.
    overwrite_armed: Option<Cell>,
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
            details_scroll: 0,
            summary_selected: 0,
            caps_lock_suspected: false,
            drafts: HashMap::new(),
            comment_draft: None,
            pending_evidence: Vec::new(),
            attaching_capture: false,
            launch_policy: LaunchPolicy::default(),
            warnings: Vec::new(),
            earlier: None,
            overwrite_armed: None,
        }
    }

    /// A walk over `run` that starts on `start` rather than where it would resume.
    pub fn starting_at(run: &Run, start: Cell) -> App {
        let mut app = App::new(run);
        app.cursor.go_to(start);
        app
    }

    /// Notes typed and never saved, for the tester to hear about on leaving.
    pub fn drafts(&self) -> impl Iterator<Item = (Cell, &str)> {
        self.drafts
            .iter()
            .map(|(cell, text)| (*cell, text.as_str()))
    }

    /// The sign-off comment typed and not signed, with the decision it was typed for.
    pub fn comment_draft(&self) -> Option<(Decision, &str)> {
        self.comment_draft
            .as_ref()
            .map(|(decision, text)| (*decision, text.as_str()))
            .filter(|(_, text)| !text.trim().is_empty())
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
            Some(Overlay::Crossing(_)) => Mode::Crossing,
            Some(Overlay::ConfirmLaunch(_)) => Mode::Question,
            Some(Overlay::ConfirmSignoff(_)) => Mode::ConfirmSignoff,
            Some(Overlay::Picker(_)) => Mode::Picker,
            Some(Overlay::Fail(_)) => Mode::Fail,
            Some(Overlay::Passphrase(_)) => Mode::Passphrase,
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
            // Ctrl-C in a note with text: the first one keeps the text as a draft and
            // closes the dialog; only the next one quits.
            if self.keep_draft() {
                self.notice = Some(Notice::DraftKept { quitting: true });
                return None;
            }
            return Some(Effect::Quit);
        }
        if self.screen_too_small {
            return None;
        }
        if self.overlay.is_some() {
            return self.handle_overlay(run, action);
        }
        self.notice = None;
        // A second `p` must come right after the first, on the same cell.
        let armed = self.overwrite_armed.take();
        let before = self.cursor();
        let effect = self.handle_view(run, action, armed);
        if self.cursor() != before {
            self.details_scroll = 0;
        }
        effect
    }

    /// Every key press, before its action: keeps the Caps Lock guess current (a lower-case
    /// letter clears it) and says so when the key does nothing here. Returns whether the key
    /// was used up here, so that it must not be looked up as an action: while a refusal is
    /// on the summary, typed characters do nothing (the tester typing on must not open
    /// Reject with the `r` of "after") and Esc or Enter only dismisses it.
    pub fn key_pressed(&mut self, key: ratatui::crossterm::event::KeyEvent) -> bool {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        if self.refusal_holds_letters() {
            let plain = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Char(_) if plain => return true,
                KeyCode::Esc | KeyCode::Enter => {
                    self.notice = None;
                    return true;
                }
                _ => {}
            }
        }
        let mode = self.mode();
        if let KeyCode::Char(c) = key.code
            && c.is_ascii_lowercase()
            && !mode.types_text()
        {
            self.caps_lock_suspected = false;
        }
        let Some(text) = super::keymap::describe_unbound(mode, key) else {
            return false;
        };
        self.caps_lock_suspected = super::keymap::looks_like_caps_lock(mode, key);
        self.notice = Some(Notice::Unbound {
            key: text,
            caps_lock: self.caps_lock_suspected,
            crossing: match &self.overlay {
                Some(Overlay::Crossing(crossing)) => Some(crossing.to),
                _ => None,
            },
        });
        false
    }

    /// Keeps the open dialog's unsaved text as a draft and closes it; whether there was any.
    fn keep_draft(&mut self) -> bool {
        if let Some(
            Overlay::ConfirmSignoff(dialogs::ConfirmDialog { pending, .. })
            | Overlay::Passphrase(PassphraseDialog { pending, .. }),
        ) = &self.overlay
        {
            let pending = pending.clone();
            self.overlay = None;
            return match pending.comment {
                Some(comment) => {
                    self.comment_draft = Some((pending.decision, comment));
                    true
                }
                None => false,
            };
        }
        let Some(text) = self.overlay.as_ref().and_then(Overlay::unsaved_text) else {
            return false;
        };
        if let Some(Overlay::Signoff(dialog)) = &self.overlay {
            self.comment_draft = Some((dialog.decision(), text));
        } else {
            self.drafts.insert(self.cursor(), text);
        }
        self.overlay = None;
        true
    }

    /// The draft kept for the cursor's cell, if any, taken out to go into a dialog.
    fn take_draft(&mut self) -> String {
        self.drafts.remove(&self.cursor()).unwrap_or_default()
    }

    fn handle_view(&mut self, run: &Run, action: Action, armed: Option<Cell>) -> Option<Effect> {
        let checklist = run.checklist();
        if self.view == View::Summary && self.handle_summary_list(run, action) {
            return None;
        }
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
            Action::Pass => return self.pass(run, armed),
            Action::Fail => {
                let draft = self.take_draft();
                let (severity, note) = match self.failed_before(run) {
                    Some((severity, note)) if draft.is_empty() => (severity, note),
                    _ => (checklist.items[self.cursor().item].severity, draft),
                };
                self.open_on_a_cell(checklist, Overlay::Fail(FailDialog::new(severity, &note)));
            }
            Action::Blocked | Action::Skip => {
                let purpose = if action == Action::Blocked {
                    NotePurpose::Blocked
                } else {
                    NotePurpose::Skip
                };
                let draft = self.take_draft();
                self.open_on_a_cell(checklist, Overlay::Note(NoteDialog::new(purpose, &draft)));
            }
            Action::EditNote => match run.latest(self.cursor()) {
                Some(result) => {
                    let saved = result.note.as_deref().unwrap_or("");
                    let draft = self.take_draft();
                    let dialog = if draft.is_empty() {
                        NoteDialog::new(NotePurpose::Edit, saved)
                    } else {
                        NoteDialog::editing(saved, &draft)
                    };
                    self.overlay = Some(Overlay::Note(dialog));
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
            Action::Launch => return self.launch(run),
            Action::Capture => {
                if self.cursor.on_a_cell(checklist) {
                    return Some(Effect::Capture(self.cursor()));
                }
                self.notice = Some(Notice::NoCellHere);
            }
            Action::PickEnvironment => {
                let entries = jump::environment_entries(run);
                let current = self.cursor().environment;
                self.overlay = Some(Overlay::Picker(Picker::new(
                    PickerKind::Environment,
                    entries,
                    current,
                )));
            }
            Action::PickSection => {
                let entries = jump::section_entries(checklist);
                let current = checklist.items[self.cursor().item].section;
                self.overlay = Some(Overlay::Picker(Picker::new(
                    PickerKind::Section,
                    entries,
                    current,
                )));
            }
            Action::NextProblem | Action::PreviousProblem => {
                let visible = |item| self.cursor.is_visible(item);
                let forward = action == Action::NextProblem;
                match jump::next_problem(run, self.order, self.cursor(), &visible, forward) {
                    Some(cell) => self.cursor.go_to(cell),
                    None => self.notice = Some(Notice::NoProblems),
                }
            }
            Action::DetailsDown if self.view != View::Matrix => {
                let most = self.hits.details_overflow;
                self.details_scroll = self.details_scroll.saturating_add(3).min(most);
            }
            Action::DetailsUp if self.view != View::Matrix => {
                self.details_scroll = self.details_scroll.saturating_sub(3);
            }
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
                    let draft = match self.comment_draft.take() {
                        Some((kept_for, text)) if kept_for == decision => text,
                        other => {
                            self.comment_draft = other;
                            String::new()
                        }
                    };
                    self.overlay = Some(Overlay::Signoff(SignoffDialog::new(decision, &draft)));
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
        self.summary_selected = 0;
        self.details_scroll = 0;
    }

    /// The summary's list: j/k select a failed, blocked or skipped cell, Enter walks it.
    /// Whether the action was the list's.
    fn handle_summary_list(&mut self, run: &Run, action: Action) -> bool {
        const PAGE: usize = 10;
        let list_keys = matches!(
            action,
            Action::Down
                | Action::ScrollDown
                | Action::Up
                | Action::ScrollUp
                | Action::PageDown
                | Action::PageUp
                | Action::Confirm
        );
        if !list_keys {
            return false;
        }
        // Listed once per key, and only for the list's own keys.
        let problems = jump::problems(run);
        let last = problems.len().saturating_sub(1);
        let selected = self.summary_selected.min(last);
        // Another entry is read from its first line.
        self.details_scroll = 0;
        self.summary_selected = match action {
            Action::Down | Action::ScrollDown => (selected + 1).min(last),
            Action::Up | Action::ScrollUp => selected.saturating_sub(1),
            Action::PageDown => (selected + PAGE).min(last),
            Action::PageUp => selected.saturating_sub(PAGE),
            _ => {
                match problems.get(selected) {
                    Some(&(_, cell)) => self.go_to_cell(run.checklist(), cell),
                    None => self.notice = Some(Notice::NoProblems),
                }
                selected
            }
        };
        true
    }

    /// Walks `cell`, clearing a filter that hides it.
    fn go_to_cell(&mut self, checklist: &Checklist, cell: Cell) {
        if !self.is_visible(cell.item) {
            self.set_filter(checklist, "");
        }
        self.cursor.go_to(cell);
        self.view = View::Walk;
        self.details_scroll = 0;
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
        if let Overlay::Crossing(_) = overlay {
            return self.handle_crossing(run, action);
        }
        if let Overlay::ConfirmSignoff(_) = overlay {
            return self.handle_confirm_signoff(action);
        }
        if let Overlay::ConfirmLaunch(request) = overlay {
            let request = request.clone();
            self.overlay = request.over.map(Overlay::Crossing);
            if action == Action::Yes {
                return Some(Effect::AllowLaunch {
                    key: request.key,
                    argv: request.argv,
                });
            }
            self.notice = Some(Notice::LaunchDeclined {
                browser: request.browser,
            });
            return None;
        }
        if action == Action::Cancel {
            if matches!(overlay, Overlay::Filter(_)) {
                self.set_filter(checklist, "");
            }
            if self.keep_draft() {
                self.notice = Some(Notice::DraftKept { quitting: false });
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

    /// The card shown on reaching another environment: Enter (or Esc) starts, `x` opens the
    /// browser, `u` undoes the last result; anything else waits.
    fn handle_crossing(&mut self, run: &Run, action: Action) -> Option<Effect> {
        match action {
            Action::Confirm | Action::Cancel => {
                self.overlay = None;
                self.notice = None;
                None
            }
            Action::Launch => self.launch(run),
            Action::Undo => {
                self.overlay = None;
                Some(Effect::Undo)
            }
            _ => None,
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
            Step::Pick(kind, index) => {
                self.overlay = None;
                let visible = |item| self.cursor.is_visible(item);
                let from = self.cursor();
                let landing = match kind {
                    PickerKind::Environment => {
                        jump::landing_in_environment(run, from, index, &visible)
                    }
                    PickerKind::Section => jump::landing_in_section(run, from, index, &visible),
                };
                match landing {
                    Some(cell) => self.go_to_cell(checklist, cell),
                    None => self.notice = Some(Notice::NoCellHere),
                }
                None
            }
            Step::Submit(submission) => self.submit(run, submission),
        }
    }

    /// Applies a filter; the cursor stays on a visible cell when there is one.
    fn set_filter(&mut self, checklist: &Checklist, filter: &str) {
        let order = self.order;
        self.cursor.set_filter(checklist, filter, |cursor| {
            let visible = |item| cursor.is_visible(item);
            sequence(checklist, order, &visible).next()
        });
    }
}
