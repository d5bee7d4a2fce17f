//! The dialogs and panels that open over a view: help, fail, note, evidence, filter and
//! sign-off. Each keeps its own state and turns an action into a [`Step`]; the app decides
//! what a finished dialog means for the run.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use crate::checklist::Severity;
use crate::signoff::statement::Decision;
use crate::tui::action::{Action, Secret};
use crate::tui::notice::Missing;

use super::picker::{Picker, PickerKind};

/// A dialog or panel over the view; `Esc` closes it.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help(HelpPanel),
    Fail(FailDialog),
    Note(NoteDialog),
    Evidence(EvidenceDialog),
    Filter(FilterField),
    Signoff(SignoffDialog),
    /// "Sign this?", naming what will be signed: the last step before a key is used.
    ConfirmSignoff(ConfirmDialog),
    /// The signing key's passphrase, asked in the walk: no other reader of the terminal.
    Passphrase(PassphraseDialog),
    Crossing(Crossing),
    Picker(Picker),
    /// A `launch` command not yet allowed: shown whole before it may run.
    ConfirmLaunch(LaunchRequest),
}

/// A browser command waiting for the tester's allowance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchRequest {
    /// The program and its arguments, as they would run.
    pub argv: Vec<String>,
    /// The allowance this would be ([`crate::launch_trust::key`]).
    pub key: String,
    /// The browser whose command it is.
    pub browser: String,
    /// The card the question was asked over, shown again once it is answered.
    pub over: Option<Crossing>,
}

/// The walk has just finished one environment and goes on in another: it waits until the
/// tester has the right browser at the right size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossing {
    /// The environment just left.
    pub from: usize,
    /// The environment the walk goes on in.
    pub to: usize,
}

/// What an action did to a dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The dialog stays open.
    Stay,
    /// The dialog closes with nothing to do.
    Close,
    /// The dialog cannot finish: something is missing.
    Refuse(Missing),
    /// The filter's text changed as it was typed.
    FilterTyped(String),
    /// An entry of a picker was chosen: an environment's or a section's index.
    Pick(PickerKind, usize),
    /// The dialog finished with what the tester entered.
    Submit(Submission),
}

/// What a finished dialog holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Submission {
    Fail {
        severity: Severity,
        note: String,
    },
    Note {
        purpose: NotePurpose,
        note: String,
    },
    Evidence {
        path: String,
    },
    Signoff {
        decision: Decision,
        comment: Option<String>,
    },
    Passphrase(Secret),
}

/// What a note field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePurpose {
    Blocked,
    Skip,
    /// Changing the note of a cell that already has a result.
    Edit,
}

pub(super) fn text_area(initial: &str) -> TextArea<'static> {
    let lines: Vec<String> = if initial.is_empty() {
        vec![String::new()]
    } else {
        initial.lines().map(str::to_string).collect()
    };
    let mut area = TextArea::new(lines);
    area.move_cursor(CursorMove::Bottom);
    area.move_cursor(CursorMove::End);
    area
}

pub(super) fn text_of(area: &TextArea<'_>) -> String {
    area.lines().join("\n").trim().to_string()
}

/// Enter, or Ctrl-J: a new line, which a one-line field refuses.
pub(super) fn is_newline(key: KeyEvent) -> bool {
    key.code == KeyCode::Enter
        || (key.code == KeyCode::Char('j') && key.modifiers == KeyModifiers::CONTROL)
}

/// A multi-line field: typed keys and new lines go in.
fn edit(area: &mut TextArea<'static>, action: Action) -> bool {
    match action {
        Action::Type(key) => {
            area.input(key);
            true
        }
        Action::Newline => {
            area.insert_newline();
            true
        }
        _ => false,
    }
}

/// Every key, listed; scrolls when the terminal is short.
#[derive(Debug, Clone, Default)]
pub struct HelpPanel {
    scroll: u16,
}

impl HelpPanel {
    /// How many lines the panel is scrolled down.
    pub fn scroll(&self) -> u16 {
        self.scroll
    }

    fn handle(&mut self, action: Action) -> Step {
        match action {
            Action::Help => return Step::Close,
            Action::Down | Action::ScrollDown => self.scroll = self.scroll.saturating_add(1),
            Action::Up | Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            _ => {}
        }
        Step::Stay
    }
}

/// A failure: its severity (preselected from the item) and a note. Every character typed
/// goes to the note — "3 tiles overlap" keeps its 3 — and the severity changes, at any time,
/// with keys that are not text (Tab, Shift-Tab, Alt-1/2/3).
#[derive(Debug, Clone)]
pub struct FailDialog {
    severity: Severity,
    note: TextArea<'static>,
}

impl FailDialog {
    /// A dialog with `severity` chosen and `draft` in the note.
    pub fn new(severity: Severity, draft: &str) -> FailDialog {
        FailDialog {
            severity,
            note: text_area(draft),
        }
    }

    /// The severity chosen.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The note field.
    pub fn note(&self) -> &TextArea<'static> {
        &self.note
    }

    fn handle(&mut self, action: Action) -> Step {
        match action {
            Action::Severity(level) => {
                self.severity = Severity::new(level.into()).unwrap_or(self.severity);
            }
            Action::NextSeverity | Action::PreviousSeverity => {
                let levels = Severity::ALL;
                let at = levels.iter().position(|&s| s == self.severity).unwrap_or(0);
                let step = if action == Action::NextSeverity {
                    1
                } else {
                    levels.len() - 1
                };
                self.severity = levels[(at + step) % levels.len()];
            }
            Action::Type(_) | Action::Newline => {
                edit(&mut self.note, action);
            }
            Action::Confirm => {
                let note = text_of(&self.note);
                if note.is_empty() {
                    return Step::Refuse(Missing::NoteForFailure);
                }
                return Step::Submit(Submission::Fail {
                    severity: self.severity,
                    note,
                });
            }
            _ => {}
        }
        Step::Stay
    }
}

/// A note: why a cell is blocked or skipped, or a changed note.
#[derive(Debug, Clone)]
pub struct NoteDialog {
    purpose: NotePurpose,
    note: TextArea<'static>,
    /// The note as saved, when editing one: closing loses nothing while the text is this.
    saved: String,
}

impl NoteDialog {
    /// A note field for `purpose`, holding `initial` (when editing, the note as saved).
    pub fn new(purpose: NotePurpose, initial: &str) -> NoteDialog {
        let saved = if purpose == NotePurpose::Edit {
            initial.trim().to_string()
        } else {
            String::new()
        };
        NoteDialog {
            purpose,
            note: text_area(initial),
            saved,
        }
    }

    /// Editing the note `saved`, with `draft` (typed earlier and not saved) in the field.
    pub fn editing(saved: &str, draft: &str) -> NoteDialog {
        NoteDialog {
            note: text_area(draft),
            ..NoteDialog::new(NotePurpose::Edit, saved)
        }
    }

    /// What the note is for.
    pub fn purpose(&self) -> NotePurpose {
        self.purpose
    }

    /// The note field.
    pub fn note(&self) -> &TextArea<'static> {
        &self.note
    }

    fn handle(&mut self, action: Action) -> Step {
        if edit(&mut self.note, action) {
            return Step::Stay;
        }
        if action != Action::Confirm {
            return Step::Stay;
        }
        let note = text_of(&self.note);
        if note.is_empty() && self.purpose != NotePurpose::Edit {
            return Step::Refuse(Missing::NoteForStatus);
        }
        Step::Submit(Submission::Note {
            purpose: self.purpose,
            note,
        })
    }
}

/// The path of a file to attach.
#[derive(Debug, Clone)]
pub struct EvidenceDialog {
    path: TextArea<'static>,
}

impl EvidenceDialog {
    /// An empty path field.
    pub fn new() -> EvidenceDialog {
        EvidenceDialog {
            path: text_area(""),
        }
    }

    /// The path field.
    pub fn path(&self) -> &TextArea<'static> {
        &self.path
    }

    fn handle(&mut self, action: Action) -> Step {
        match action {
            Action::Type(key) if !is_newline(key) => {
                self.path.input(key);
                Step::Stay
            }
            Action::Confirm => {
                let path = text_of(&self.path);
                if path.is_empty() {
                    Step::Close
                } else {
                    Step::Submit(Submission::Evidence { path })
                }
            }
            _ => Step::Stay,
        }
    }
}

impl Default for EvidenceDialog {
    fn default() -> Self {
        EvidenceDialog::new()
    }
}

/// The item filter, applied as it is typed.
#[derive(Debug, Clone)]
pub struct FilterField {
    text: TextArea<'static>,
}

impl FilterField {
    /// A field holding the current filter.
    pub fn new(current: &str) -> FilterField {
        FilterField {
            text: text_area(current),
        }
    }

    /// The filter field.
    pub fn text(&self) -> &TextArea<'static> {
        &self.text
    }

    fn handle(&mut self, action: Action) -> Step {
        match action {
            Action::Type(key) if !is_newline(key) => {
                self.text.input(key);
                Step::FilterTyped(text_of(&self.text))
            }
            Action::Confirm => Step::Close,
            _ => Step::Stay,
        }
    }
}

/// The comment that goes with an approval or a rejection.
#[derive(Debug, Clone)]
pub struct SignoffDialog {
    decision: Decision,
    comment: TextArea<'static>,
}

impl SignoffDialog {
    /// A comment for `decision`, holding `draft` (typed earlier and not used).
    pub fn new(decision: Decision, draft: &str) -> SignoffDialog {
        SignoffDialog {
            decision,
            comment: text_area(draft),
        }
    }

    /// Approve or reject.
    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// The comment field.
    pub fn comment(&self) -> &TextArea<'static> {
        &self.comment
    }

    fn handle(&mut self, action: Action) -> Step {
        if edit(&mut self.comment, action) || action != Action::Confirm {
            return Step::Stay;
        }
        let text = text_of(&self.comment);
        if self.decision == Decision::Rejected && text.is_empty() {
            return Step::Refuse(Missing::RejectionReason);
        }
        Step::Submit(Submission::Signoff {
            decision: self.decision,
            comment: (!text.is_empty()).then_some(text),
        })
    }
}

/// A decision and its comment, on their way to being signed: kept whole through the
/// confirmation and the passphrase, and given back as a draft if signing does not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignoff {
    pub decision: Decision,
    pub comment: Option<String>,
}

/// "Sign this?": signed only when the tester types `yes` and presses Enter. No single key
/// signs, so a tester who pressed Enter meaning a new line and typed on ("Keyboard focus
/// lost…") never signs with the `y` of a word: whatever else is typed goes back to the
/// comment, where it was meant to go.
#[derive(Debug, Clone)]
pub struct ConfirmDialog {
    pub pending: PendingSignoff,
    typed: String,
}

/// What the confirmation's Enter means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `yes`: sign it.
    Sign,
    /// Anything else: back to the comment, with what was typed added to it.
    BackToComment(String),
}

impl ConfirmDialog {
    /// Asks whether to sign `pending`.
    pub fn new(pending: PendingSignoff) -> ConfirmDialog {
        ConfirmDialog {
            pending,
            typed: String::new(),
        }
    }

    /// What has been typed so far.
    pub fn typed(&self) -> &str {
        &self.typed
    }

    /// A character typed, or Backspace.
    pub fn key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.typed.push(c);
            }
            KeyCode::Backspace => {
                self.typed.pop();
            }
            _ => {}
        }
    }

    /// Enter: sign when `yes` was typed, else go back to the comment with the text.
    pub fn answer(&self) -> Answer {
        if self.typed.trim().eq_ignore_ascii_case("yes") {
            Answer::Sign
        } else {
            Answer::BackToComment(self.typed.clone())
        }
    }
}

/// The passphrase of the signing key, typed masked; after a wrong one the field empties
/// and says how many tries are left. What is typed is held only as a [`Secret`]: no
/// editor's undo history keeps a copy, `Debug` never shows it, and it is wiped when the
/// dialog closes.
#[derive(Clone)]
pub struct PassphraseDialog {
    pub pending: PendingSignoff,
    /// The key, as the tester named it (its path).
    pub key: String,
    pub tries_left: usize,
    /// Whether the last passphrase was wrong.
    pub wrong: bool,
    typed: Secret,
}

impl std::fmt::Debug for PassphraseDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassphraseDialog")
            .field("pending", &self.pending)
            .field("key", &self.key)
            .field("tries_left", &self.tries_left)
            .field("wrong", &self.wrong)
            .finish_non_exhaustive()
    }
}

impl PassphraseDialog {
    /// Asks for the passphrase of `key` to sign `pending`, `tries` times at most.
    pub fn new(pending: PendingSignoff, key: String, tries: usize) -> PassphraseDialog {
        PassphraseDialog {
            pending,
            key,
            tries_left: tries,
            wrong: false,
            typed: Secret::new(String::new()),
        }
    }

    /// How many characters are typed, shown as that many dots.
    pub fn typed_chars(&self) -> usize {
        self.typed.chars()
    }

    /// The passphrase was wrong: one try fewer, and an empty field.
    pub fn wrong_passphrase(&mut self) {
        self.tries_left = self.tries_left.saturating_sub(1);
        self.wrong = true;
        self.typed = Secret::new(String::new());
    }

    fn handle(&mut self, action: Action) -> Step {
        match action {
            Action::Type(key) if !is_newline(key) => {
                let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
                match key.code {
                    KeyCode::Char(c) if plain => self.typed.push_str(c.encode_utf8(&mut [0; 4])),
                    KeyCode::Backspace => self.typed.pop(),
                    KeyCode::Char('u') if key.modifiers == KeyModifiers::CONTROL => {
                        self.typed = Secret::new(String::new());
                    }
                    _ => {}
                }
                Step::Stay
            }
            Action::Confirm if !self.typed.is_empty() => Step::Submit(Submission::Passphrase(
                std::mem::replace(&mut self.typed, Secret::new(String::new())),
            )),
            _ => Step::Stay,
        }
    }

    /// A pasted passphrase (a password manager may add a line end), added to what is typed.
    fn paste(&mut self, text: &str) {
        let line = Secret::new(pasted(text));
        self.typed
            .push_str(line.expose().trim_end_matches(['\n', '\r']));
    }
}

/// Pasted text as a field takes it: line ends made `\n`, tabs kept, every other control
/// character (an escape sequence in a copied terminal log) dropped.
fn pasted(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// Pasted text for a one-line field: its lines joined by spaces, ends trimmed.
pub(super) fn pasted_line(text: &str) -> String {
    pasted(text)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Overlay {
    /// Pasted text, all of it, for the field that has the focus — never read as keys. `None`
    /// when this overlay has no text field.
    pub fn paste(&mut self, text: &str) -> Option<Step> {
        match self {
            Overlay::Help(_)
            | Overlay::Crossing(_)
            | Overlay::ConfirmLaunch(_)
            | Overlay::ConfirmSignoff(_) => return None,
            Overlay::Passphrase(dialog) => dialog.paste(text),
            Overlay::Picker(picker) => picker.paste(text),
            Overlay::Fail(dialog) => {
                dialog.note.insert_str(pasted(text));
            }
            Overlay::Note(dialog) => {
                dialog.note.insert_str(pasted(text));
            }
            Overlay::Signoff(dialog) => {
                dialog.comment.insert_str(pasted(text));
            }
            Overlay::Evidence(dialog) => {
                dialog.path.insert_str(pasted_line(text));
            }
            Overlay::Filter(field) => {
                field.text.insert_str(pasted_line(text));
                return Some(Step::FilterTyped(text_of(&field.text)));
            }
        }
        Some(Step::Stay)
    }

    /// What `action` does to this dialog. `Cancel` is the app's to handle, since what it
    /// undoes (a filter) lies outside the dialog.
    pub fn handle(&mut self, action: Action) -> Step {
        match self {
            Overlay::Help(panel) => panel.handle(action),
            Overlay::Fail(dialog) => dialog.handle(action),
            Overlay::Note(dialog) => dialog.handle(action),
            Overlay::Evidence(dialog) => dialog.handle(action),
            Overlay::Filter(field) => field.handle(action),
            Overlay::Signoff(dialog) => dialog.handle(action),
            Overlay::Picker(picker) => picker.handle(action),
            Overlay::Passphrase(dialog) => dialog.handle(action),
            Overlay::Crossing(_) | Overlay::ConfirmLaunch(_) | Overlay::ConfirmSignoff(_) => {
                Step::Stay
            }
        }
    }

    /// Text typed into a note or comment that has not been saved: what closing the dialog
    /// now would throw away.
    pub fn unsaved_text(&self) -> Option<String> {
        let text = match self {
            Overlay::Fail(dialog) => text_of(&dialog.note),
            Overlay::Note(dialog) if text_of(&dialog.note) == dialog.saved => String::new(),
            Overlay::Note(dialog) => text_of(&dialog.note),
            Overlay::Signoff(dialog) => text_of(&dialog.comment),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }
}
