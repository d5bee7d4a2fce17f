//! Keys as data: one table maps (mode, key) to an [`Action`], and the same table feeds the
//! footer's hints and the `?` overlay, so what is shown is what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::Action;

/// Which set of keys applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Walk,
    Matrix,
    Summary,
    Help,
    /// A text field has the keyboard (notes, evidence path, filter).
    Editing,
    /// The fail dialog while its severity has the focus.
    FailSeverity,
}

/// One binding: the keys, what they do, and what the footer says of it.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub description: &'static str,
    pub action: Action,
    /// The word the footer shows, when the footer shows this binding.
    pub hint: Option<&'static str>,
}

const fn bind(
    keys: &'static [KeyCode],
    label: &'static str,
    description: &'static str,
    action: Action,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        label,
        description,
        action,
        hint,
    }
}

use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

const MOVE: [Binding; 6] = [
    bind(
        &[Char('j'), Down],
        "j/k",
        "next / previous item",
        Action::Down,
        Some("item"),
    ),
    bind(&[Char('k'), Up], "", "", Action::Up, None),
    bind(
        &[Char('l'), Right, Tab],
        "h/l",
        "next / previous environment (also ←/→, Tab/Shift-Tab)",
        Action::NextEnvironment,
        Some("environment"),
    ),
    bind(
        &[Char('h'), Left, BackTab],
        "",
        "",
        Action::PreviousEnvironment,
        None,
    ),
    bind(
        &[Char('g'), Home],
        "g/G",
        "first / last item",
        Action::First,
        None,
    ),
    bind(&[Char('G'), End], "", "", Action::Last, None),
];

const PAGE: [Binding; 2] = [
    bind(
        &[PageDown],
        "PgDn/PgUp",
        "ten items down / up",
        Action::PageDown,
        None,
    ),
    bind(&[PageUp], "", "", Action::PageUp, None),
];

const RECORD: [Binding; 7] = [
    bind(&[Char('p')], "p", "pass", Action::Pass, Some("pass")),
    bind(
        &[Char('f')],
        "f",
        "fail: severity (1/2/3) and a note; Enter saves",
        Action::Fail,
        Some("fail"),
    ),
    bind(
        &[Char('b')],
        "b",
        "blocked: a note saying why",
        Action::Blocked,
        Some("blocked"),
    ),
    bind(
        &[Char('s')],
        "s",
        "skip: a note saying why",
        Action::Skip,
        Some("skip"),
    ),
    bind(
        &[Char('n')],
        "n",
        "edit the note of this cell",
        Action::EditNote,
        None,
    ),
    bind(
        &[Char('e')],
        "e",
        "attach an evidence file (its sha256 is taken)",
        Action::Evidence,
        None,
    ),
    bind(
        &[Char('u')],
        "u",
        "undo the last entry (kept in the history)",
        Action::Undo,
        Some("undo"),
    ),
];

const VIEWS: [Binding; 7] = [
    bind(
        &[Char('x')],
        "x",
        "open this item in this browser at this size",
        Action::Launch,
        None,
    ),
    bind(
        &[Char('/')],
        "/",
        "filter items by text",
        Action::Filter,
        Some("filter"),
    ),
    bind(
        &[Char('o')],
        "o",
        "order: by environment ↔ by item",
        Action::ToggleOrder,
        None,
    ),
    bind(
        &[Char('m')],
        "m",
        "matrix view",
        Action::Matrix,
        Some("matrix"),
    ),
    bind(
        &[Char('S')],
        "S",
        "summary view",
        Action::Summary,
        Some("summary"),
    ),
    bind(&[Char('?')], "?", "help", Action::Help, Some("help")),
    bind(
        &[Char('q')],
        "q",
        "quit (everything is already saved)",
        Action::Quit,
        Some("quit"),
    ),
];

const DECIDE: [Binding; 2] = [
    bind(
        &[Char('a')],
        "a",
        "approve the release: sign with your SSH key",
        Action::Approve,
        Some("approve"),
    ),
    bind(
        &[Char('r')],
        "r",
        "reject the release: sign with your SSH key",
        Action::Reject,
        Some("reject"),
    ),
];

const BACK: [Binding; 1] = [bind(
    &[Esc],
    "Esc",
    "back / clear the filter",
    Action::Cancel,
    Some("back"),
)];
const ENTER_CELL: [Binding; 1] = [bind(
    &[Enter],
    "Enter",
    "walk this cell",
    Action::Confirm,
    Some("walk here"),
)];
const EDITING: [Binding; 3] = [
    bind(&[Enter], "Enter", "save", Action::Confirm, Some("save")),
    bind(
        &[],
        "Alt-Enter",
        "new line",
        Action::Newline,
        Some("new line"),
    ),
    bind(&[Esc], "Esc", "cancel", Action::Cancel, Some("cancel")),
];
const SEVERITY: [Binding; 6] = [
    bind(
        &[Char('1')],
        "1/2/3",
        "severity: blocker / major / minor",
        Action::Severity(1),
        Some("severity"),
    ),
    bind(&[Char('2')], "", "", Action::Severity(2), None),
    bind(&[Char('3')], "", "", Action::Severity(3), None),
    bind(
        &[Tab],
        "Tab",
        "write a note",
        Action::FocusNote,
        Some("note"),
    ),
    bind(&[Enter], "Enter", "save", Action::Confirm, Some("save")),
    bind(&[Esc], "Esc", "cancel", Action::Cancel, Some("cancel")),
];
const CLOSE: [Binding; 4] = [
    bind(&[Esc], "Esc", "close", Action::Cancel, Some("close")),
    bind(&[Char('q')], "q", "close", Action::Cancel, None),
    bind(
        &[Char('j'), Down],
        "j/k",
        "scroll",
        Action::Down,
        Some("scroll"),
    ),
    bind(&[Char('k'), Up], "", "", Action::Up, None),
];

/// The bindings of a mode, in the order help lists them.
pub fn bindings(mode: Mode) -> Vec<&'static Binding> {
    let groups: &[&'static [Binding]] = match mode {
        Mode::Walk => &[&MOVE, &PAGE, &RECORD, &VIEWS, &BACK],
        Mode::Matrix => &[&MOVE, &PAGE, &ENTER_CELL, &RECORD, &VIEWS, &BACK],
        Mode::Summary => &[&DECIDE, &VIEWS, &BACK],
        Mode::Help => &[&CLOSE],
        Mode::Editing => &[&EDITING],
        Mode::FailSeverity => &[&SEVERITY],
    };
    groups.iter().flat_map(|g| g.iter()).collect()
}

/// The groups of keys the `?` overlay lists, each once.
pub fn help_sections() -> Vec<(&'static str, Vec<&'static Binding>)> {
    let labelled = |groups: &[&'static [Binding]]| -> Vec<&'static Binding> {
        groups
            .iter()
            .flat_map(|g| g.iter())
            .filter(|b| !b.label.is_empty())
            .collect()
    };
    vec![
        (
            "Walk and matrix",
            labelled(&[&MOVE, &PAGE, &ENTER_CELL, &RECORD, &VIEWS, &BACK]),
        ),
        ("Summary", labelled(&[&DECIDE])),
        ("Fail dialog", labelled(&[&SEVERITY])),
        ("Note fields", labelled(&[&EDITING])),
    ]
}

/// The action a key press means in `mode`, if any. `Ctrl-C` always quits; in a text field,
/// keys that are not bound go to the field.
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == Char('c') {
        return Some(Action::Quit);
    }
    let typing = matches!(mode, Mode::Editing | Mode::FailSeverity);
    if typing && key.code == Enter && key.modifiers.contains(KeyModifiers::ALT) {
        return Some(Action::Newline);
    }
    let found = bindings(mode)
        .into_iter()
        .find(|b| b.keys.contains(&key.code))
        .map(|b| b.action);
    match (mode, found) {
        (Mode::Editing | Mode::FailSeverity, None) => Some(Action::Type(key)),
        (_, found) => found,
    }
}

/// `key label` pairs for the footer of `mode`.
pub fn footer_hints(mode: Mode) -> Vec<(&'static str, &'static str)> {
    bindings(mode)
        .into_iter()
        .filter_map(|b| Some((b.label, b.hint?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn vim_keys_and_arrows_move_alike() {
        assert_eq!(action_for(Mode::Walk, key(Char('j'))), Some(Action::Down));
        assert_eq!(action_for(Mode::Walk, key(Down)), Some(Action::Down));
        assert_eq!(
            action_for(Mode::Walk, key(Char('h'))),
            Some(Action::PreviousEnvironment)
        );
        assert_eq!(
            action_for(Mode::Walk, key(BackTab)),
            Some(Action::PreviousEnvironment)
        );
        assert_eq!(
            action_for(Mode::Walk, key(Tab)),
            Some(Action::NextEnvironment)
        );
    }

    #[test]
    fn text_fields_take_unbound_keys_and_alt_enter_is_a_new_line() {
        assert_eq!(
            action_for(Mode::Editing, key(Char('p'))),
            Some(Action::Type(key(Char('p'))))
        );
        assert_eq!(action_for(Mode::Editing, key(Enter)), Some(Action::Confirm));
        let alt_enter = KeyEvent::new(Enter, KeyModifiers::ALT);
        assert_eq!(action_for(Mode::Editing, alt_enter), Some(Action::Newline));
        let ctrl_c = KeyEvent::new(Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Mode::Editing, ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn the_fail_dialog_takes_severity_digits_and_sends_other_text_to_the_note() {
        assert_eq!(
            action_for(Mode::FailSeverity, key(Char('1'))),
            Some(Action::Severity(1))
        );
        assert_eq!(
            action_for(Mode::FailSeverity, key(Char('x'))),
            Some(Action::Type(key(Char('x'))))
        );
    }

    #[test]
    fn footer_hints_come_from_the_same_table() {
        let hints = footer_hints(Mode::Walk);
        assert!(hints.contains(&("p", "pass")));
        assert!(hints.contains(&("f", "fail")));
        assert!(hints.contains(&("q", "quit")));
        assert!(!hints.iter().any(|(k, _)| k.is_empty()));
    }
}
