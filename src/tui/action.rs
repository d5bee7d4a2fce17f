//! What can happen in the walk ([`Action`]) and what the walk asks the world to do
//! ([`Effect`]). A leaf: the keymap produces actions, the app consumes them, and neither
//! needs the other to say what they are.

use ratatui::crossterm::event::KeyEvent;

use crate::run::NewResult;
use crate::signoff::statement::Decision;

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
    /// Take a screenshot with the configured `capture` command and attach it.
    Capture,
    Filter,
    /// Open the picker of environments, or of sections.
    PickEnvironment,
    PickSection,
    /// Go to the next (or previous) failed, blocked or skipped cell.
    NextProblem,
    PreviousProblem,
    /// Scroll the details pane.
    DetailsDown,
    DetailsUp,
    ToggleOrder,
    Matrix,
    Summary,
    Help,
    Quit,
    Cancel,
    Confirm,
    Newline,
    /// The fail dialog's severity: set to a level, or the next or previous one.
    Severity(u8),
    NextSeverity,
    PreviousSeverity,
    /// A key for the text field that has the focus.
    Type(KeyEvent),
    /// From the summary: approve or reject the release.
    Approve,
    Reject,
    /// Answers to a question: yes, and no.
    Yes,
    No,
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
    /// Remember that the tester allowed this command (its key), then start it.
    AllowLaunch {
        key: String,
        argv: Vec<String>,
    },
    /// Run the configured `capture` command and attach the file it writes to `cell`.
    Capture(crate::checklist::Cell),
    /// Sign the run off, confirmed: check the decision, read the key, sign — asking for the
    /// key's passphrase in the walk when it has one.
    Sign {
        decision: Decision,
        comment: Option<String>,
    },
    /// Unlock the signing key with this passphrase, and sign.
    Unlock {
        decision: Decision,
        comment: Option<String>,
        passphrase: Secret,
    },
    Quit,
}

/// Text that is never shown nor kept: a passphrase on its way to the key, wiped from memory
/// when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<String>);

impl Secret {
    /// Keeps `text` as a secret.
    pub fn new(text: String) -> Secret {
        Secret(zeroize::Zeroizing::new(text))
    }

    /// The text, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// How many characters it holds, for a mask.
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }

    /// Adds `text` at the end. The buffer is never grown in place (a grown `String` leaves
    /// its old copy behind, unwiped): the text moves to a new, wiped-on-drop buffer.
    pub fn push_str(&mut self, text: &str) {
        let mut grown = zeroize::Zeroizing::new(String::with_capacity(self.0.len() + text.len()));
        grown.push_str(&self.0);
        grown.push_str(text);
        self.0 = grown;
    }

    /// Removes the last character.
    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}
