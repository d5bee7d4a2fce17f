//! What the status line has to say, as data: transitions set a [`Notice`], and
//! `strings` words it when the screen is drawn.

use crate::checklist::Severity;
use crate::status::Status;
use crate::verdict::Verdict;
use crate::walk_order::Order;

/// Why a field cannot be saved as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A failure needs a note saying what went wrong.
    NoteForFailure,
    /// A blocked or skipped cell needs a note saying why.
    NoteForStatus,
    /// A note being edited on a blocked or skipped cell cannot be emptied.
    NoteOnEdit,
    /// A rejection needs a comment saying why.
    RejectionReason,
}

/// Something the walk tells the tester.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A result is on disk; the cursor moved on, or every cell has a result now.
    Recorded {
        status: Status,
        severity: Option<Severity>,
        item: String,
        environment: usize,
        every_cell_done: bool,
    },
    /// A note was changed on the cursor's cell.
    NoteSaved { item: String, environment: usize },
    /// Evidence was attached to the cursor's cell.
    EvidenceAttached { item: String, environment: usize },
    /// The newest result was withdrawn.
    Undone {
        status: Status,
        item: String,
        environment: usize,
    },
    /// The walk's order changed.
    OrderChanged(Order),
    /// A browser was started.
    Launched(Vec<String>),
    /// Writing to the journal failed; nothing was recorded.
    NotRecorded(String),
    /// Undo failed.
    UndoFailed(String),
    /// A browser could not be started.
    LaunchFailed { program: String, error: String },
    /// The cursor's cell has no result yet to add a note or evidence to.
    NoResultYet { for_evidence: bool },
    /// The filter hides every item of this environment.
    NoCellHere,
    /// A field cannot be saved without text.
    Needs(Missing),
    /// The policy does not let the run be approved.
    CannotApprove(Verdict),
    /// The browser has no `launch` command.
    NoLaunchCommand { browser: String },
    /// Neither the item nor the checklist has a URL to open.
    NoUrl,
    /// The browser's `launch` command cannot be split into words.
    UnbalancedQuotes { browser: String },
    /// Text was pasted where there is no field to take it.
    PasteIgnored,
    /// A dialog was closed with text in it: the text is kept for that cell (or for the
    /// sign-off); `quitting` when Ctrl-C closed it, so the next one quits.
    DraftKept { quitting: bool },
    /// A key that does nothing here, as the tester would name it; `caps_lock` when its
    /// lower case does something; `crossing` when the walk waits on a new environment.
    Unbound {
        key: String,
        caps_lock: bool,
        crossing: Option<usize>,
    },
    /// `]`/`[` or the summary's Enter found no failed, blocked or skipped cell.
    NoProblems,
    /// The config has no `capture` command.
    NoCaptureCommand { config_file: String },
    /// The `capture` command failed or wrote nothing.
    CaptureFailed(String),
    /// A screenshot was taken for a cell with no result: it goes with the next one.
    CaptureHeld,
    /// Starting browsers is turned off (`--no-launch`, `launch: false`).
    LaunchOff,
    /// The tester did not allow a browser's command.
    LaunchDeclined { browser: String },
    /// Signing did not happen: why (the decision cannot be taken, the key cannot be read or
    /// used, the folder cannot be written). The comment is kept.
    SignRefused(String),
    /// Three wrong passphrases: nothing was signed; the comment is kept.
    PassphraseGaveUp,
    /// `p` on a cell that has a result already: what it holds; `p` again records the pass.
    AlreadyRecorded {
        status: Status,
        note: Option<String>,
    },
}

impl Notice {
    /// Whether this is a refusal of the summary's that holds typed characters until Esc or
    /// Enter: the tester who goes on typing the comment must not sign a rejection with it.
    pub fn holds_letters(&self) -> bool {
        matches!(
            self,
            Notice::CannotApprove(_) | Notice::SignRefused(_) | Notice::PassphraseGaveUp
        )
    }

    /// Whether the notice reports something that went wrong or was refused.
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            Notice::Recorded { .. }
                | Notice::NoteSaved { .. }
                | Notice::EvidenceAttached { .. }
                | Notice::Undone { .. }
                | Notice::OrderChanged(_)
                | Notice::Launched(_)
                | Notice::DraftKept { .. }
                | Notice::CaptureHeld
        )
    }
}
