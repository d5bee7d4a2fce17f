//! The walk's state and every transition, as plain Rust: no terminal, no drawing, no I/O.
//!
//! `App::handle` turns an [`Action`] into a new state and, when something must happen outside
//! (record a result, undo, start a browser, quit), an [`Effect`]. The event loop carries the
//! effect out against the run and reports back with `recorded`, `undone` or `failed`, so the
//! screen only shows a result once it is on disk.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui_textarea::TextArea;

use crate::checklist::{Cell, Checklist, Severity};
use crate::journal::{ResultEntry, Status};
use crate::run::{NewResult, Run};
use crate::signoff::statement::Decision;

use super::keymap::Mode;

/// Everything a key, a click or the wheel can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    NextEnvironment,
    PreviousEnvironment,
    Pass,
    Fail,
    Blocked,
    Skip,
    EditNote,
    Evidence,
    Undo,
    Launch,
    Filter,
    ToggleOrder,
    Matrix,
    Summary,
    Help,
    Quit,
    Cancel,
    Confirm,
    Newline,
    FocusNote,
    Severity(u8),
    /// A key for the text field that has the focus.
    Type(KeyEvent),
    /// From the summary: approve or reject the release.
    Approve,
    Reject,
    Click {
        column: u16,
        row: u16,
    },
    ScrollUp,
    ScrollDown,
}

/// What the event loop must do for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Record(NewResult),
    Undo,
    /// Start a browser: the program and its arguments, placeholders already filled.
    Launch(Vec<String>),
    /// Leave the walk and sign the run off.
    Signoff {
        decision: Decision,
        comment: Option<String>,
    },
    Quit,
}

/// The screen shown under any overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Walk,
    Matrix,
    Summary,
}

/// The order in which "next untested" walks the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Every item in one environment, then the next environment: set a browser up once.
    ByEnvironment,
    /// One item across every environment, then the next item.
    ByItem,
}

/// What a note field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePurpose {
    Blocked,
    Skip,
    /// Changing the note of a cell that already has a result.
    Edit,
}

/// A dialog or panel over the view; `Esc` closes it.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// Every key; scrolls when the terminal is short.
    Help {
        scroll: u16,
    },
    Fail {
        severity: Severity,
        note_focused: bool,
        note: TextArea<'static>,
    },
    Note {
        purpose: NotePurpose,
        note: TextArea<'static>,
    },
    Evidence {
        path: TextArea<'static>,
    },
    Filter {
        text: TextArea<'static>,
    },
    /// The comment that goes with an approval or a rejection.
    Signoff {
        decision: Decision,
        comment: TextArea<'static>,
    },
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
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
    pub cursor: Cell,
    pub overlay: Option<Overlay>,
    /// The applied item filter (lowercase); empty shows everything.
    pub filter: String,
    /// Per item: whether it matches the filter.
    visible: Vec<bool>,
    pub message: Option<Message>,
    pub hits: Hits,
    /// Set from the last frame: while the terminal is too small to show anything, keys other
    /// than quit are ignored, so nothing is recorded blind.
    pub screen_too_small: bool,
}

const PAGE: usize = 10;

fn text_area(initial: &str) -> TextArea<'static> {
    let lines: Vec<String> = if initial.is_empty() {
        vec![String::new()]
    } else {
        initial.lines().map(str::to_string).collect()
    };
    let mut area = TextArea::new(lines);
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

fn text_of(area: &TextArea<'_>) -> String {
    area.lines().join("\n").trim().to_string()
}

impl App {
    /// A walk over `run`, on its first untested cell in environment order.
    pub fn new(run: &Run) -> App {
        let checklist = &run.checklist;
        let first = checklist.cells().next().unwrap_or(Cell {
            item: 0,
            environment: 0,
        });
        let mut app = App {
            view: View::Walk,
            order: Order::ByEnvironment,
            cursor: first,
            overlay: None,
            filter: String::new(),
            visible: vec![true; checklist.items.len()],
            message: None,
            hits: Hits::default(),
            screen_too_small: false,
        };
        let start = app.sequence(checklist).next();
        if let Some(cell) = start.filter(|&c| run.results.status(&run.entries, c).is_some()) {
            app.cursor = cell;
            if let Some(untested) = app.next_untested(run) {
                app.cursor = untested;
            }
        } else if let Some(cell) = start {
            app.cursor = cell;
        }
        app
    }

    /// The keys that apply now.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Mode::Help,
            Some(Overlay::Fail {
                note_focused: false,
                ..
            }) => Mode::FailSeverity,
            Some(_) => Mode::Editing,
            None => match self.view {
                View::Walk => Mode::Walk,
                View::Matrix => Mode::Matrix,
                View::Summary => Mode::Summary,
            },
        }
    }

    /// Whether `item` matches the filter.
    pub fn is_visible(&self, item: usize) -> bool {
        self.visible.get(item).copied().unwrap_or(false)
    }

    /// Items that match the filter and apply to `environment`, in order.
    pub fn navigable<'a>(
        &'a self,
        checklist: &'a Checklist,
        environment: usize,
    ) -> impl DoubleEndedIterator<Item = usize> + 'a {
        (0..checklist.items.len())
            .filter(move |&i| self.is_visible(i) && checklist.applies(i, environment))
    }

    /// Every visible cell in the current order, starting at the first.
    fn sequence<'a>(&'a self, checklist: &'a Checklist) -> impl Iterator<Item = Cell> + 'a {
        let items = checklist.items.len();
        let environments = checklist.environments.len();
        (0..items * environments)
            .map(move |k| self.decode(k, items, environments))
            .filter(move |c| self.is_visible(c.item) && checklist.applies(c.item, c.environment))
    }

    fn decode(&self, k: usize, items: usize, environments: usize) -> Cell {
        match self.order {
            Order::ByEnvironment => Cell {
                environment: k / items,
                item: k % items,
            },
            Order::ByItem => Cell {
                item: k / environments,
                environment: k % environments,
            },
        }
    }

    fn encode(&self, cell: Cell, items: usize, environments: usize) -> usize {
        match self.order {
            Order::ByEnvironment => cell.environment * items + cell.item,
            Order::ByItem => cell.item * environments + cell.environment,
        }
    }

    /// The next untested visible cell after the cursor in the current order, wrapping round.
    /// Environments (or items, in item order) with nothing untested are skipped whole.
    pub fn next_untested(&self, run: &Run) -> Option<Cell> {
        let checklist = &run.checklist;
        let items = checklist.items.len();
        let environments = checklist.environments.len();
        let (majors, minors) = match self.order {
            Order::ByEnvironment => (environments, items),
            Order::ByItem => (items, environments),
        };
        if majors == 0 || minors == 0 {
            return None;
        }
        let start = self.encode(self.cursor, items, environments);
        let (start_major, start_minor) = (start / minors, start % minors);
        for step in 0..=majors {
            let major = (start_major + step) % majors;
            let has_untested = match self.order {
                Order::ByEnvironment => run.results.untested_in_environment(major) > 0,
                Order::ByItem => run.results.untested_in_item(major) > 0,
            };
            if !has_untested {
                continue;
            }
            // The cursor's own major is searched after the cursor first, and before it last.
            let range = match step {
                0 => start_minor + 1..minors,
                s if s == majors => 0..start_minor + 1,
                _ => 0..minors,
            };
            let found = range
                .map(|minor| self.decode(major * minors + minor, items, environments))
                .find(|&c| {
                    self.is_visible(c.item)
                        && checklist.applies(c.item, c.environment)
                        && run.results.status(&run.entries, c).is_none()
                });
            if found.is_some() {
                return found;
            }
        }
        None
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
        self.message = None;
        let checklist = &run.checklist;
        match action {
            Action::Down | Action::ScrollDown => self.move_item(checklist, 1),
            Action::Up | Action::ScrollUp => self.move_item(checklist, -1),
            Action::PageDown => self.move_item(checklist, PAGE as isize),
            Action::PageUp => self.move_item(checklist, -(PAGE as isize)),
            Action::First => {
                let first = self.navigable(checklist, self.cursor.environment).next();
                self.cursor.item = first.unwrap_or(self.cursor.item);
            }
            Action::Last => {
                let last = self
                    .navigable(checklist, self.cursor.environment)
                    .next_back();
                self.cursor.item = last.unwrap_or(self.cursor.item);
            }
            Action::NextEnvironment => self.move_environment(checklist, 1),
            Action::PreviousEnvironment => self.move_environment(checklist, -1),
            Action::Pass => return self.record_now(run, Status::Pass),
            Action::Fail => {
                self.overlay = self.on_a_cell(checklist).then(|| Overlay::Fail {
                    severity: checklist.items[self.cursor.item].severity,
                    note_focused: false,
                    note: text_area(""),
                });
            }
            Action::Blocked | Action::Skip => {
                let purpose = if action == Action::Blocked {
                    NotePurpose::Blocked
                } else {
                    NotePurpose::Skip
                };
                self.overlay = self.on_a_cell(checklist).then(|| Overlay::Note {
                    purpose,
                    note: text_area(""),
                });
            }
            Action::EditNote => match run.latest(self.cursor) {
                Some(result) => {
                    self.overlay = Some(Overlay::Note {
                        purpose: NotePurpose::Edit,
                        note: text_area(result.note.as_deref().unwrap_or("")),
                    });
                }
                None => self.error("this cell has no result yet: enter one first, then its note"),
            },
            Action::Evidence => match run.latest(self.cursor) {
                Some(_) => {
                    self.overlay = Some(Overlay::Evidence {
                        path: text_area(""),
                    });
                }
                None => {
                    self.error("this cell has no result yet: enter one first, then attach evidence")
                }
            },
            Action::Undo => return Some(Effect::Undo),
            Action::Launch => return self.launch(checklist),
            Action::Filter => {
                self.overlay = Some(Overlay::Filter {
                    text: text_area(&self.filter),
                });
            }
            Action::ToggleOrder => {
                self.order = match self.order {
                    Order::ByEnvironment => Order::ByItem,
                    Order::ByItem => Order::ByEnvironment,
                };
                self.info(match self.order {
                    Order::ByEnvironment => {
                        "order: by environment (every item, then the next browser and size)"
                    }
                    Order::ByItem => {
                        "order: by item (one item in every environment, then the next item)"
                    }
                });
            }
            Action::Matrix => {
                self.view = if self.view == View::Matrix {
                    View::Walk
                } else {
                    View::Matrix
                };
            }
            Action::Summary => {
                self.view = if self.view == View::Summary {
                    View::Walk
                } else {
                    View::Summary
                };
            }
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Approve | Action::Reject if self.view == View::Summary => {
                let decision = if action == Action::Approve {
                    Decision::Approved
                } else {
                    Decision::Rejected
                };
                let verdict = run.results.verdict(checklist, &run.entries);
                if decision == Decision::Approved && !verdict.passes() {
                    self.error(format!("cannot approve: {verdict}"));
                } else {
                    self.overlay = Some(Overlay::Signoff {
                        decision,
                        comment: text_area(""),
                    });
                }
            }
            Action::Confirm if self.view == View::Matrix => self.view = View::Walk,
            Action::Cancel => {
                if self.view != View::Walk {
                    self.view = View::Walk;
                } else if !self.filter.is_empty() {
                    self.set_filter(checklist, String::new());
                }
            }
            Action::Click { column, row } => self.click(checklist, column, row),
            _ => {}
        }
        None
    }

    fn handle_overlay(&mut self, run: &Run, action: Action) -> Option<Effect> {
        let checklist = &run.checklist;
        let cursor = self.cursor;
        let overlay = self.overlay.as_mut()?;
        if action == Action::Cancel {
            if matches!(overlay, Overlay::Filter { .. }) {
                self.set_filter(checklist, String::new());
            }
            self.overlay = None;
            return None;
        }
        match overlay {
            Overlay::Help { scroll } => {
                match action {
                    Action::Help => self.overlay = None,
                    Action::Down | Action::ScrollDown => *scroll = scroll.saturating_add(1),
                    Action::Up | Action::ScrollUp => *scroll = scroll.saturating_sub(1),
                    _ => {}
                }
                None
            }
            Overlay::Fail {
                severity,
                note_focused,
                note,
            } => match action {
                Action::Severity(level) => {
                    *severity = Severity::new(level.into()).unwrap_or(*severity);
                    None
                }
                Action::FocusNote => {
                    *note_focused = true;
                    None
                }
                Action::Newline => {
                    *note_focused = true;
                    note.insert_newline();
                    None
                }
                Action::Type(key) => {
                    *note_focused = true;
                    note.input(key);
                    None
                }
                Action::Confirm => {
                    let new = NewResult {
                        severity: Some(severity.level().into()),
                        note: Some(text_of(note)),
                        ..self.new_result(checklist, cursor, Status::Fail)
                    };
                    Some(Effect::Record(new))
                }
                _ => None,
            },
            Overlay::Note { purpose, note } => match action {
                Action::Type(key) => {
                    note.input(key);
                    None
                }
                Action::Newline => {
                    note.insert_newline();
                    None
                }
                Action::Confirm => {
                    let text = text_of(note);
                    let purpose = *purpose;
                    self.note_effect(run, purpose, text)
                }
                _ => None,
            },
            Overlay::Evidence { path } => match action {
                Action::Type(key) if !is_newline(key) => {
                    path.input(key);
                    None
                }
                Action::Confirm => {
                    let path = text_of(path);
                    if path.is_empty() {
                        self.overlay = None;
                        return None;
                    }
                    let latest = run.latest(cursor)?;
                    Some(Effect::Record(NewResult {
                        evidence: vec![expand_home(&path)],
                        ..self.repeat(latest)
                    }))
                }
                _ => None,
            },
            Overlay::Signoff { decision, comment } => match action {
                Action::Type(key) => {
                    comment.input(key);
                    None
                }
                Action::Newline => {
                    comment.insert_newline();
                    None
                }
                Action::Confirm => {
                    let text = text_of(comment);
                    let decision = *decision;
                    if decision == Decision::Rejected && text.is_empty() {
                        self.error("a rejection needs a comment saying why (Esc cancels)");
                        return None;
                    }
                    Some(Effect::Signoff {
                        decision,
                        comment: (!text.is_empty()).then_some(text),
                    })
                }
                _ => None,
            },
            Overlay::Filter { text } => match action {
                Action::Type(key) if !is_newline(key) => {
                    text.input(key);
                    let filter = text_of(text);
                    self.set_filter(checklist, filter);
                    None
                }
                Action::Confirm => {
                    self.overlay = None;
                    None
                }
                _ => None,
            },
        }
    }

    fn note_effect(&mut self, run: &Run, purpose: NotePurpose, text: String) -> Option<Effect> {
        let checklist = &run.checklist;
        match purpose {
            NotePurpose::Blocked | NotePurpose::Skip => {
                if text.is_empty() {
                    self.error("a note is required: say why (Esc cancels)");
                    return None;
                }
                let status = if purpose == NotePurpose::Blocked {
                    Status::Blocked
                } else {
                    Status::Skip
                };
                Some(Effect::Record(NewResult {
                    note: Some(text),
                    ..self.new_result(checklist, self.cursor, status)
                }))
            }
            NotePurpose::Edit => {
                let latest = run.latest(self.cursor)?;
                if latest.status.needs_note() && text.is_empty() {
                    self.error("a blocked or skipped cell needs a note (Esc cancels)");
                    return None;
                }
                Some(Effect::Record(NewResult {
                    note: Some(text),
                    ..self.repeat(latest)
                }))
            }
        }
    }

    /// A new entry for the cursor's cell that repeats `latest` (to change its note or add
    /// evidence).
    fn repeat(&self, latest: &ResultEntry) -> NewResult {
        NewResult {
            item: latest.item.clone(),
            browser: latest.browser.clone(),
            viewport: latest.viewport.clone(),
            status: latest.status.as_str().to_string(),
            severity: latest.severity.map(i64::from),
            note: latest.note.clone(),
            evidence: Vec::new(),
            kept_evidence: latest.evidence.clone(),
        }
    }

    fn new_result(&self, checklist: &Checklist, cell: Cell, status: Status) -> NewResult {
        let env = checklist.environments[cell.environment];
        NewResult {
            item: checklist.items[cell.item].id.clone(),
            browser: checklist.browsers[env.browser].id.clone(),
            viewport: checklist.viewports[env.viewport].id.clone(),
            status: status.as_str().to_string(),
            ..NewResult::default()
        }
    }

    fn record_now(&mut self, run: &Run, status: Status) -> Option<Effect> {
        if !self.on_a_cell(&run.checklist) {
            return None;
        }
        Some(Effect::Record(self.new_result(
            &run.checklist,
            self.cursor,
            status,
        )))
    }

    /// Whether the cursor is on a cell (the filter may hide every item).
    fn on_a_cell(&mut self, checklist: &Checklist) -> bool {
        let ok = self.is_visible(self.cursor.item)
            && checklist.applies(self.cursor.item, self.cursor.environment);
        if !ok {
            self.error("no cell here: the filter hides every item of this environment");
        }
        ok
    }

    /// The result of a [`Effect::Record`] is on disk: close the dialog, say so, and go to the
    /// next untested cell.
    pub fn recorded(&mut self, run: &Run, entry: &ResultEntry) {
        // A changed note or new evidence stays on its cell: the tester is still looking at it.
        let edit = match self.overlay.take() {
            Some(Overlay::Note {
                purpose: NotePurpose::Edit,
                ..
            }) => Some("note saved"),
            Some(Overlay::Evidence { .. }) => Some("evidence attached (its sha256 is recorded)"),
            _ => None,
        };
        if let Some(what) = edit {
            self.info(format!(
                "{what}: {} in {}",
                entry.item,
                run.checklist.environment_label(self.cursor.environment)
            ));
            return;
        }
        let severity = entry
            .severity
            .map(|s| format!(" (severity {s})"))
            .unwrap_or_default();
        let what = format!(
            "recorded {}{severity}: {} in {}",
            entry.status.as_str(),
            entry.item,
            run.checklist.environment_label(self.cursor.environment)
        );
        match self.next_untested(run) {
            Some(next) => {
                self.cursor = next;
                self.info(what);
            }
            None => self.info(format!(
                "{what} · every cell has a result: S for the summary"
            )),
        }
    }

    /// An [`Effect::Undo`] is on disk: go to the cell that was undone.
    pub fn undone(&mut self, run: &Run, entry: &ResultEntry) {
        if let Ok(cell) = crate::results::cell_of(&run.checklist, entry) {
            self.cursor = cell;
            if !self.is_visible(cell.item) {
                self.set_filter(&run.checklist, String::new());
            }
        }
        self.info(format!(
            "undid {} of {} in {}/{} (kept in the history)",
            entry.status.as_str(),
            entry.item,
            entry.browser,
            entry.viewport
        ));
    }

    /// An effect failed; nothing was recorded. Any dialog stays open with what was typed.
    pub fn failed(&mut self, error: &anyhow::Error) {
        self.error(format!("not recorded: {error:#}"));
    }

    /// A plain message for the status line.
    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: false,
        });
    }

    /// An error for the status line.
    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: true,
        });
    }

    fn move_item(&mut self, checklist: &Checklist, delta: isize) {
        let items: Vec<usize> = self.navigable(checklist, self.cursor.environment).collect();
        if items.is_empty() {
            return;
        }
        let here = items
            .binary_search(&self.cursor.item)
            .unwrap_or_else(|insert| insert.min(items.len() - 1));
        let target = here.saturating_add_signed(delta).min(items.len() - 1);
        self.cursor.item = items[target];
    }

    fn move_environment(&mut self, checklist: &Checklist, delta: isize) {
        let count = checklist.environments.len();
        let mut environment = self.cursor.environment;
        loop {
            let Some(next) = environment.checked_add_signed(delta).filter(|&e| e < count) else {
                return;
            };
            environment = next;
            if checklist.applies(self.cursor.item, environment) {
                self.cursor.environment = environment;
                return;
            }
            // The item does not apply there: land on the nearest item that does, in the
            // very next environment, rather than skip environments the user asked for.
            if let Some(item) = self.nearest_item(checklist, environment) {
                self.cursor = Cell { item, environment };
                return;
            }
        }
    }

    fn nearest_item(&self, checklist: &Checklist, environment: usize) -> Option<usize> {
        let items: Vec<usize> = self.navigable(checklist, environment).collect();
        items
            .iter()
            .copied()
            .min_by_key(|&i| i.abs_diff(self.cursor.item))
    }

    /// Applies a filter and keeps the cursor on a visible item when there is one.
    fn set_filter(&mut self, checklist: &Checklist, filter: String) {
        self.filter = filter.to_lowercase();
        let needle = self.filter.as_str();
        self.visible = checklist
            .items
            .iter()
            .map(|item| {
                needle.is_empty()
                    || item.title.to_lowercase().contains(needle)
                    || item.id.contains(needle)
                    || checklist.sections[item.section]
                        .title
                        .to_lowercase()
                        .contains(needle)
            })
            .collect();
        if !self.is_visible(self.cursor.item) {
            // The nearest match in this environment first: the browser is set up already.
            match self.nearest_item(checklist, self.cursor.environment) {
                Some(item) => self.cursor.item = item,
                None => {
                    let first = self.sequence(checklist).next();
                    self.cursor = first.unwrap_or(self.cursor);
                }
            }
        }
    }

    fn launch(&mut self, checklist: &Checklist) -> Option<Effect> {
        let env = checklist.environments[self.cursor.environment];
        let browser = &checklist.browsers[env.browser];
        let viewport = &checklist.viewports[env.viewport];
        let Some(template) = &browser.launch else {
            self.error(format!(
                "{} has no `launch` command in the checklist; open it by hand",
                browser.name
            ));
            return None;
        };
        let url = checklist
            .item_url(self.cursor.item)
            .or_else(|| checklist.base_url.clone());
        let Some(url) = url else {
            self.error("this item has no url and the checklist no base_url");
            return None;
        };
        let Some(words) = shlex::split(template).filter(|w| !w.is_empty()) else {
            self.error(format!(
                "{}'s `launch` command has unbalanced quotes",
                browser.name
            ));
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

    fn click(&mut self, checklist: &Checklist, column: u16, row: u16) {
        let target = self
            .hits
            .targets
            .iter()
            .find(|(rect, _)| rect.contains(Position::new(column, row)))
            .map(|(_, cell)| *cell);
        if let Some(cell) = target
            && checklist.applies(cell.item, cell.environment)
        {
            self.cursor = cell;
        }
    }
}

fn is_newline(key: KeyEvent) -> bool {
    key.code == KeyCode::Enter
        || (key.code == KeyCode::Char('j') && key.modifiers == KeyModifiers::CONTROL)
}

/// `~/x` as the shell would read it.
fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}
