//! Keys as data: one table maps (mode, chord) to an [`Action`], and the same table feeds the
//! footer's hints and the `?` overlay, so what is shown is what works. A binding matches a
//! whole chord — the key and its modifiers — as gitui's `key_match` and atuin's keymap do,
//! so Ctrl-P is not `p`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Which set of keys applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Walk,
    Matrix,
    Summary,
    Help,
    /// A text field has the keyboard (notes, evidence path, filter).
    Editing,
    /// The fail dialog: its note takes every key but those that change the severity, so a
    /// note starting with a digit keeps it.
    Fail,
    /// The walk has just crossed into another environment and waits for the tester.
    Crossing,
    /// A list to pick from, filtered by what is typed.
    Picker,
    /// A yes-or-no question (may this browser command run?).
    Question,
    /// "Sign this?": the last step before the key is used.
    ConfirmSignoff,
    /// The signing key's passphrase, typed masked.
    Passphrase,
}

impl Mode {
    /// Every mode, for checks over the whole table.
    pub const ALL: [Mode; 11] = [
        Mode::Walk,
        Mode::Matrix,
        Mode::Summary,
        Mode::Help,
        Mode::Editing,
        Mode::Fail,
        Mode::Crossing,
        Mode::Picker,
        Mode::Question,
        Mode::ConfirmSignoff,
        Mode::Passphrase,
    ];

    /// Whether keys that are not bound go to a text field.
    pub fn types_text(self) -> bool {
        matches!(
            self,
            Mode::Editing | Mode::Fail | Mode::Picker | Mode::ConfirmSignoff | Mode::Passphrase
        )
    }
}

/// A key with its modifiers, as the table compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Chord {
    /// The key alone.
    pub const fn plain(code: KeyCode) -> Chord {
        Chord {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    /// The key with `modifiers` held.
    pub const fn with(code: KeyCode, modifiers: KeyModifiers) -> Chord {
        Chord { code, modifiers }
    }

    /// A key press as the table sees it. Shift is dropped where the key already says it
    /// (`G`, `?`, Shift-Tab arriving as BackTab), since terminals differ in reporting it.
    pub fn of(event: KeyEvent) -> Chord {
        let mut modifiers = event.modifiers;
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Chord {
            code: event.code,
            modifiers,
        }
    }
}

/// One binding: the chords, what they do, and what the footer says of it.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Chord],
    pub label: &'static str,
    pub description: &'static str,
    pub action: Action,
    /// The word the footer shows, when the footer shows this binding.
    pub hint: Option<&'static str>,
}

const fn bind(
    keys: &'static [Chord],
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

const fn key(code: KeyCode) -> Chord {
    Chord::plain(code)
}

const fn ch(c: char) -> Chord {
    Chord::plain(KeyCode::Char(c))
}

use KeyCode::{BackTab, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

const fn ctrl(c: char) -> Chord {
    Chord::with(KeyCode::Char(c), KeyModifiers::CONTROL)
}

const MOVE: [Binding; 6] = [
    bind(
        &[ch('j'), key(Down)],
        "j/k",
        "next / previous item",
        Action::Down,
        Some("item"),
    ),
    bind(&[ch('k'), key(Up)], "", "", Action::Up, None),
    bind(
        &[ch('l'), key(Right), key(Tab)],
        "h/l",
        "next / previous environment (also ←/→, Tab/Shift-Tab)",
        Action::NextEnvironment,
        Some("environment"),
    ),
    bind(
        &[ch('h'), key(Left), key(BackTab)],
        "",
        "",
        Action::PreviousEnvironment,
        None,
    ),
    bind(
        &[ch('g'), key(Home)],
        "g/G",
        "first / last item",
        Action::First,
        None,
    ),
    bind(&[ch('G'), key(End)], "", "", Action::Last, None),
];

const PAGE: [Binding; 2] = [
    bind(
        &[key(PageDown)],
        "PgDn/PgUp",
        "ten items down / up",
        Action::PageDown,
        None,
    ),
    bind(&[key(PageUp)], "", "", Action::PageUp, None),
];

const GO: [Binding; 4] = [
    bind(
        &[ch('v')],
        "v",
        "go to an environment: type to filter, Enter to go",
        Action::PickEnvironment,
        None,
    ),
    bind(
        &[ch('t')],
        "t",
        "go to a section: type to filter, Enter to go",
        Action::PickSection,
        None,
    ),
    bind(
        &[ch(']')],
        "]/[",
        "next / previous failed, blocked or skipped cell",
        Action::NextProblem,
        None,
    ),
    bind(&[ch('[')], "", "", Action::PreviousProblem, None),
];

const DETAILS: [Binding; 2] = [
    bind(
        &[ch('J'), Chord::with(Down, KeyModifiers::SHIFT)],
        "J/K",
        "scroll the details (steps, note, history) down / up",
        Action::DetailsDown,
        None,
    ),
    bind(
        &[ch('K'), Chord::with(Up, KeyModifiers::SHIFT)],
        "",
        "",
        Action::DetailsUp,
        None,
    ),
];

const RECORD: [Binding; 8] = [
    bind(&[ch('p')], "p", "pass", Action::Pass, Some("pass")),
    bind(
        &[ch('f')],
        "f",
        "fail: what went wrong (Tab changes the severity); Enter saves",
        Action::Fail,
        Some("fail"),
    ),
    bind(
        &[ch('b')],
        "b",
        "blocked: a note saying why",
        Action::Blocked,
        Some("blocked"),
    ),
    bind(
        &[ch('s')],
        "s",
        "skip: a note saying why",
        Action::Skip,
        Some("skip"),
    ),
    bind(
        &[ch('n')],
        "n",
        "edit the note of this cell",
        Action::EditNote,
        None,
    ),
    bind(
        &[ch('e')],
        "e",
        "attach an evidence file (its sha256 is taken)",
        Action::Evidence,
        None,
    ),
    bind(
        &[ch('c')],
        "c",
        "screenshot with the config's `capture` command, attached",
        Action::Capture,
        None,
    ),
    bind(
        &[ch('u')],
        "u",
        "undo the last entry (kept in the history)",
        Action::Undo,
        Some("undo"),
    ),
];

const VIEWS: [Binding; 7] = [
    bind(
        &[ch('x')],
        "x",
        "open this item in this browser at this size",
        Action::Launch,
        None,
    ),
    bind(
        &[ch('/')],
        "/",
        "filter items by text",
        Action::Filter,
        Some("filter"),
    ),
    bind(
        &[ch('o')],
        "o",
        "order: by environment ↔ by item",
        Action::ToggleOrder,
        None,
    ),
    bind(
        &[ch('m')],
        "m",
        "matrix view",
        Action::Matrix,
        Some("matrix"),
    ),
    bind(
        &[ch('S')],
        "S",
        "summary view",
        Action::Summary,
        Some("summary"),
    ),
    bind(&[ch('?')], "?", "help", Action::Help, Some("help")),
    bind(
        &[ch('q')],
        "q",
        "quit (everything is already saved)",
        Action::Quit,
        Some("quit"),
    ),
];

const DECIDE: [Binding; 2] = [
    bind(
        &[ch('a')],
        "a",
        "approve the release: sign with your SSH key",
        Action::Approve,
        Some("approve"),
    ),
    bind(
        &[ch('r')],
        "r",
        "reject the release: sign with your SSH key",
        Action::Reject,
        Some("reject"),
    ),
];

const BACK: [Binding; 1] = [bind(
    &[key(Esc)],
    "Esc",
    "back / clear the filter",
    Action::Cancel,
    Some("back"),
)];
const ENTER_CELL: [Binding; 1] = [bind(
    &[key(Enter)],
    "Enter",
    "walk this cell",
    Action::Confirm,
    Some("walk here"),
)];
const ALT_ENTER: Chord = Chord::with(Enter, KeyModifiers::ALT);
const EDITING: [Binding; 3] = [
    bind(
        &[key(Enter)],
        "Enter",
        "save",
        Action::Confirm,
        Some("save"),
    ),
    bind(
        &[ALT_ENTER],
        "Alt-Enter",
        "new line",
        Action::Newline,
        Some("new line"),
    ),
    bind(&[key(Esc)], "Esc", "cancel", Action::Cancel, Some("cancel")),
];
const fn alt(c: char) -> Chord {
    Chord::with(KeyCode::Char(c), KeyModifiers::ALT)
}

const SEVERITY: [Binding; 8] = [
    bind(
        &[key(Tab)],
        "Tab/Shift-Tab",
        "severity: the next / previous level (the note keeps every key it is typed)",
        Action::NextSeverity,
        Some("severity"),
    ),
    bind(&[key(BackTab)], "", "", Action::PreviousSeverity, None),
    bind(
        &[alt('1')],
        "Alt-1/2/3",
        "severity: blocker / major / minor",
        Action::Severity(1),
        None,
    ),
    bind(&[alt('2')], "", "", Action::Severity(2), None),
    bind(&[alt('3')], "", "", Action::Severity(3), None),
    bind(
        &[key(Enter)],
        "Enter",
        "save",
        Action::Confirm,
        Some("save"),
    ),
    bind(
        &[ALT_ENTER],
        "Alt-Enter",
        "new line",
        Action::Newline,
        Some("new line"),
    ),
    bind(&[key(Esc)], "Esc", "cancel", Action::Cancel, Some("cancel")),
];
const SUMMARY_LIST: [Binding; 4] = [
    bind(
        &[ch('j'), key(Down)],
        "j/k",
        "select the next / previous failed, blocked or skipped cell",
        Action::Down,
        Some("select"),
    ),
    bind(&[ch('k'), key(Up)], "", "", Action::Up, None),
    bind(
        &[key(Enter)],
        "Enter",
        "walk the selected cell",
        Action::Confirm,
        Some("go there"),
    ),
    bind(
        &[key(PageDown)],
        "PgDn/PgUp",
        "a page down / up",
        Action::PageDown,
        None,
    ),
];
const SUMMARY_PAGE_UP: [Binding; 1] = [bind(&[key(PageUp)], "", "", Action::PageUp, None)];
const CROSSING: [Binding; 4] = [
    bind(
        &[key(Enter), key(Esc)],
        "Enter",
        "the window is set: start testing in this environment",
        Action::Confirm,
        Some("start"),
    ),
    bind(
        &[ch('x')],
        "x",
        "open this item in this browser at this size",
        Action::Launch,
        Some("open it"),
    ),
    bind(
        &[ch('u')],
        "u",
        "undo the last entry (and go back to it)",
        Action::Undo,
        Some("undo"),
    ),
    bind(&[ch('q')], "q", "quit", Action::Quit, Some("quit")),
];
const PICKER: [Binding; 4] = [
    bind(
        &[key(Enter)],
        "Enter",
        "go to the selected entry",
        Action::Confirm,
        Some("go"),
    ),
    bind(
        &[key(Down), ctrl('n')],
        "↓/↑",
        "select the next / previous entry (also Ctrl-N/Ctrl-P)",
        Action::Down,
        Some("select"),
    ),
    bind(&[key(Up), ctrl('p')], "", "", Action::Up, None),
    bind(&[key(Esc)], "Esc", "cancel", Action::Cancel, Some("cancel")),
];

const QUESTION: [Binding; 2] = [
    bind(
        &[ch('y')],
        "y",
        "yes: allow this command for this checklist, and run it",
        Action::Yes,
        Some("allow"),
    ),
    bind(
        &[ch('n'), key(Esc)],
        "n",
        "no: do not run it",
        Action::No,
        Some("no"),
    ),
];

const CONFIRM_SIGNOFF: [Binding; 2] = [
    bind(
        &[key(Enter)],
        "yes Enter",
        "type yes and press Enter to sign with your SSH key (anything else typed goes back to the comment)",
        Action::Confirm,
        Some("sign (after typing yes)"),
    ),
    bind(
        &[key(Esc)],
        "Esc",
        "back to the comment",
        Action::Cancel,
        Some("back"),
    ),
];

const PASSPHRASE: [Binding; 3] = [
    bind(
        &[key(Enter)],
        "Enter",
        "sign with the passphrase typed",
        Action::Confirm,
        Some("sign"),
    ),
    bind(
        &[Chord::with(KeyCode::Char('u'), KeyModifiers::CONTROL)],
        "Ctrl-U",
        "clear what is typed",
        Action::Type(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        Some("clear"),
    ),
    bind(
        &[key(Esc)],
        "Esc",
        "cancel (the comment is kept)",
        Action::Cancel,
        Some("cancel"),
    ),
];

/// Keys that work in every mode.
const GLOBAL: [Binding; 1] = [bind(
    &[Chord::with(KeyCode::Char('c'), KeyModifiers::CONTROL)],
    "Ctrl-C",
    "quit from anywhere",
    Action::Quit,
    None,
)];
const CLOSE: [Binding; 4] = [
    bind(&[key(Esc)], "Esc", "close", Action::Cancel, Some("close")),
    bind(&[ch('q')], "q", "close", Action::Cancel, None),
    bind(
        &[ch('j'), key(Down)],
        "j/k",
        "scroll",
        Action::Down,
        Some("scroll"),
    ),
    bind(&[ch('k'), key(Up)], "", "", Action::Up, None),
];

/// The bindings of a mode, in the order help lists them.
pub fn bindings(mode: Mode) -> Vec<&'static Binding> {
    let groups: &[&'static [Binding]] = match mode {
        Mode::Walk => &[&MOVE, &PAGE, &RECORD, &GO, &DETAILS, &VIEWS, &BACK, &GLOBAL],
        Mode::Matrix => &[
            &MOVE,
            &PAGE,
            &ENTER_CELL,
            &RECORD,
            &GO,
            &VIEWS,
            &BACK,
            &GLOBAL,
        ],
        Mode::Summary => &[
            &DECIDE,
            &SUMMARY_LIST,
            &SUMMARY_PAGE_UP,
            &DETAILS,
            &VIEWS,
            &BACK,
            &GLOBAL,
        ],
        Mode::Help => &[&CLOSE, &GLOBAL],
        Mode::Editing => &[&EDITING, &GLOBAL],
        Mode::Fail => &[&SEVERITY, &GLOBAL],
        Mode::Crossing => &[&CROSSING, &GLOBAL],
        Mode::Picker => &[&PICKER, &GLOBAL],
        Mode::Question => &[&QUESTION, &GLOBAL],
        Mode::ConfirmSignoff => &[&CONFIRM_SIGNOFF, &GLOBAL],
        Mode::Passphrase => &[&PASSPHRASE, &GLOBAL],
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
            labelled(&[
                &MOVE,
                &PAGE,
                &ENTER_CELL,
                &RECORD,
                &GO,
                &DETAILS,
                &VIEWS,
                &BACK,
            ]),
        ),
        ("Summary", labelled(&[&DECIDE, &SUMMARY_LIST])),
        ("Signing", labelled(&[&CONFIRM_SIGNOFF])),
        (
            "On reaching another environment (by-environment order)",
            labelled(&[&CROSSING]),
        ),
        ("Pickers (v, t)", labelled(&[&PICKER])),
        ("Fail dialog", labelled(&[&SEVERITY])),
        ("Note fields", labelled(&[&EDITING])),
        ("Everywhere", labelled(&[&GLOBAL])),
    ]
}

/// The action a key press means in `mode`, if any: the binding whose chord it is. In a text
/// field, keys that are not bound go to the field.
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    let chord = Chord::of(key);
    let found = bindings(mode)
        .into_iter()
        .find(|b| b.keys.contains(&chord))
        .map(|b| b.action);
    match found {
        None if mode.types_text() => Some(Action::Type(key)),
        found => found,
    }
}

/// How the tester would name `key`, which does nothing in `mode` (`Z`, `Ctrl-K`, `F5`);
/// `None` where nothing needs saying: in a text field every key is text, and a modifier
/// pressed alone is no key.
pub fn describe_unbound(mode: Mode, key: KeyEvent) -> Option<String> {
    if mode.types_text() || action_for(mode, key).is_some() {
        return None;
    }
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) if c.is_control() => return None,
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Modifier(_) | KeyCode::CapsLock | KeyCode::NumLock | KeyCode::Null => {
            return None;
        }
        code => code.to_string(),
    };
    let mut prefix = String::new();
    for (modifier, word) in [
        (KeyModifiers::CONTROL, "Ctrl-"),
        (KeyModifiers::ALT, "Alt-"),
        (KeyModifiers::SUPER, "Super-"),
    ] {
        if key.modifiers.contains(modifier) {
            prefix.push_str(word);
        }
    }
    Some(prefix + &name)
}

/// Whether `key` looks typed with Caps Lock on: an upper-case letter that does nothing in
/// `mode` while its lower case does something.
pub fn looks_like_caps_lock(mode: Mode, key: KeyEvent) -> bool {
    let KeyCode::Char(c) = key.code else {
        return false;
    };
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER);
    let lower = KeyEvent::new(KeyCode::Char(c.to_ascii_lowercase()), KeyModifiers::NONE);
    plain
        && c.is_ascii_uppercase()
        && !mode.types_text()
        && action_for(mode, key).is_none()
        && action_for(mode, lower).is_some()
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

    fn chord(c: char, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), modifiers)
    }

    #[test]
    fn vim_keys_and_arrows_move_alike() {
        assert_eq!(
            action_for(Mode::Walk, key(KeyCode::Char('j'))),
            Some(Action::Down)
        );
        assert_eq!(action_for(Mode::Walk, key(Down)), Some(Action::Down));
        assert_eq!(
            action_for(Mode::Walk, key(KeyCode::Char('h'))),
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
    fn a_binding_matches_the_whole_chord_not_only_the_key() {
        for modifiers in [
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
            KeyModifiers::SUPER,
        ] {
            for c in ['p', 'f', 'b', 's', 'u', 'q', 'j'] {
                assert_eq!(
                    action_for(Mode::Walk, chord(c, modifiers)),
                    None,
                    "{modifiers:?}-{c} must do nothing"
                );
            }
        }
        assert_eq!(
            action_for(Mode::Walk, chord('p', KeyModifiers::NONE)),
            Some(Action::Pass)
        );
        // Terminals report Shift with the capital they send; the capital is the binding.
        assert_eq!(
            action_for(Mode::Walk, chord('G', KeyModifiers::SHIFT)),
            Some(Action::Last)
        );
        assert_eq!(
            action_for(Mode::Walk, chord('S', KeyModifiers::SHIFT)),
            Some(Action::Summary)
        );
        assert_eq!(
            action_for(Mode::Walk, KeyEvent::new(BackTab, KeyModifiers::SHIFT)),
            Some(Action::PreviousEnvironment)
        );
        assert_eq!(
            action_for(Mode::Walk, KeyEvent::new(Enter, KeyModifiers::ALT)),
            None
        );
    }

    #[test]
    fn no_chord_is_bound_twice_in_a_mode() {
        for mode in Mode::ALL {
            let chords: Vec<(Chord, Action)> = bindings(mode)
                .into_iter()
                .flat_map(|b| b.keys.iter().map(move |&k| (k, b.action)))
                .collect();
            for (i, (a, first)) in chords.iter().enumerate() {
                for (b, second) in &chords[i + 1..] {
                    assert!(
                        a != b,
                        "{mode:?}: {a:?} is bound to both {first:?} and {second:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn text_fields_take_unbound_keys_and_alt_enter_is_a_new_line() {
        assert_eq!(
            action_for(Mode::Editing, key(KeyCode::Char('p'))),
            Some(Action::Type(key(KeyCode::Char('p'))))
        );
        let ctrl_u = chord('u', KeyModifiers::CONTROL);
        assert_eq!(
            action_for(Mode::Editing, ctrl_u),
            Some(Action::Type(ctrl_u)),
            "the field's own editing keys reach it"
        );
        assert_eq!(action_for(Mode::Editing, key(Enter)), Some(Action::Confirm));
        let alt_enter = KeyEvent::new(Enter, KeyModifiers::ALT);
        assert_eq!(action_for(Mode::Editing, alt_enter), Some(Action::Newline));
        assert_eq!(action_for(Mode::Fail, alt_enter), Some(Action::Newline));
    }

    #[test]
    fn unbound_keys_are_named_as_a_tester_would_and_caps_lock_is_suspected_only_for_letters() {
        let shift = |c| chord(c, KeyModifiers::SHIFT);
        assert_eq!(describe_unbound(Mode::Walk, shift('Z')), Some("Z".into()));
        assert_eq!(
            describe_unbound(Mode::Walk, chord('k', KeyModifiers::CONTROL)),
            Some("Ctrl-k".into())
        );
        assert_eq!(
            describe_unbound(Mode::Walk, key(KeyCode::F(5))),
            Some("F5".into())
        );
        assert_eq!(
            describe_unbound(Mode::Walk, key(KeyCode::Char('p'))),
            None,
            "bound"
        );
        assert_eq!(describe_unbound(Mode::Editing, shift('Z')), None, "text");
        assert_eq!(
            describe_unbound(
                Mode::Walk,
                key(KeyCode::Modifier(
                    ratatui::crossterm::event::ModifierKeyCode::LeftShift
                ))
            ),
            None
        );

        assert!(looks_like_caps_lock(Mode::Walk, shift('P')), "p passes");
        assert!(
            !looks_like_caps_lock(Mode::Walk, shift('S')),
            "S is the summary"
        );
        assert!(
            !looks_like_caps_lock(Mode::Walk, shift('Z')),
            "z means nothing either"
        );
        assert!(!looks_like_caps_lock(Mode::Walk, key(KeyCode::Char('p'))));
        assert!(!looks_like_caps_lock(Mode::Editing, shift('P')));
    }

    #[test]
    fn ctrl_c_quits_in_every_mode() {
        let ctrl_c = chord('c', KeyModifiers::CONTROL);
        for mode in Mode::ALL {
            assert_eq!(action_for(mode, ctrl_c), Some(Action::Quit), "{mode:?}");
        }
    }

    #[test]
    fn the_fail_dialog_sends_every_character_to_the_note_and_changes_severity_by_other_keys() {
        for c in ['1', '2', '3', 'x'] {
            assert_eq!(
                action_for(Mode::Fail, key(KeyCode::Char(c))),
                Some(Action::Type(key(KeyCode::Char(c)))),
                "{c} is text"
            );
        }
        assert_eq!(action_for(Mode::Fail, key(Tab)), Some(Action::NextSeverity));
        assert_eq!(
            action_for(Mode::Fail, key(BackTab)),
            Some(Action::PreviousSeverity)
        );
        assert_eq!(
            action_for(Mode::Fail, chord('1', KeyModifiers::ALT)),
            Some(Action::Severity(1))
        );
    }

    #[test]
    fn every_footer_hint_names_a_key_that_does_what_the_hint_says() {
        for mode in Mode::ALL {
            for binding in bindings(mode).into_iter().filter(|b| b.hint.is_some()) {
                let first = binding.keys.first().expect("a hinted binding has a key");
                let event = KeyEvent::new(first.code, first.modifiers);
                assert_eq!(
                    action_for(mode, event),
                    Some(binding.action),
                    "{mode:?}: the footer shows `{}` for {:?}",
                    binding.label,
                    binding.action
                );
            }
        }
    }
}
