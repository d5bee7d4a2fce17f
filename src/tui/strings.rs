//! Every sentence the walk's status line says, in one place (gitui's `strings.rs`): the
//! state holds a [`Notice`]; this turns it into words when the screen is drawn.

use crate::checklist::Checklist;
use crate::tui::notice::{Missing, Notice};
use crate::walk_order::Order;

/// The status line's text for `notice`.
pub fn notice(notice: &Notice, checklist: &Checklist) -> String {
    let place = |item: &str, environment: usize| {
        format!("{item} in {}", checklist.environment_label(environment))
    };
    match notice {
        Notice::Recorded {
            status,
            severity,
            item,
            environment,
            every_cell_done,
        } => {
            let severity = severity
                .map(|s| format!(" (severity {s})"))
                .unwrap_or_default();
            let done = if *every_cell_done {
                " · every cell has a result: S for the summary"
            } else {
                ""
            };
            format!(
                "recorded {status}{severity}: {}{done}",
                place(item, *environment)
            )
        }
        Notice::NoteSaved { item, environment } => {
            format!("note saved: {}", place(item, *environment))
        }
        Notice::EvidenceAttached { item, environment } => format!(
            "evidence attached (its sha256 is recorded): {}",
            place(item, *environment)
        ),
        Notice::Undone {
            status,
            item,
            environment,
        } => format!(
            "undid {status} of {} (kept in the history)",
            place(item, *environment)
        ),
        Notice::OrderChanged(Order::ByEnvironment) => {
            "order: by environment (every item, then the next browser and size)".into()
        }
        Notice::OrderChanged(Order::ByItem) => {
            "order: by item (one item in every environment, then the next item)".into()
        }
        Notice::Launched(argv) => format!("started {}", argv.join(" ")),
        Notice::NotRecorded(error) => format!("not recorded: {error}"),
        Notice::UndoFailed(error) => error.clone(),
        Notice::LaunchFailed { program, error } => {
            format!("could not start `{program}`: {error}")
        }
        Notice::NoResultYet {
            for_evidence: false,
        } => "this cell has no result yet: enter one first, then its note".into(),
        Notice::NoResultYet { for_evidence: true } => {
            "this cell has no result yet: enter one first, then attach evidence".into()
        }
        Notice::NoCellHere => {
            "no cell here: the filter hides every item of this environment".into()
        }
        Notice::Needs(Missing::NoteForFailure) => {
            "a failure needs a note saying what went wrong, so it can be fixed (Esc cancels)".into()
        }
        Notice::Needs(Missing::NoteForStatus) => "a note is required: say why (Esc cancels)".into(),
        Notice::Needs(Missing::NoteOnEdit) => {
            "a failed, blocked or skipped cell needs a note (Esc cancels)".into()
        }
        Notice::Needs(Missing::RejectionReason) => {
            "a rejection needs a comment saying why (Esc cancels)".into()
        }
        Notice::CannotApprove(verdict) => {
            format!("cannot approve: {verdict} · Esc or Enter to go on")
        }
        Notice::NoLaunchCommand { browser } => {
            format!("{browser} has no `launch` command in the checklist; open it by hand")
        }
        Notice::NoUrl => "this item has no url and the checklist no base_url".into(),
        Notice::UnbalancedQuotes { browser } => {
            format!("{browser}'s `launch` command has unbalanced quotes")
        }
        Notice::PasteIgnored => {
            "the paste was ignored: open a note first (f fail, b blocked, s skip, n note)".into()
        }
        Notice::DraftKept { quitting: false } => {
            "not saved; the text is kept as a draft: the same key on this cell brings it back"
                .into()
        }
        Notice::DraftKept { quitting: true } => {
            "the note is kept as a draft (not saved); Ctrl-C again quits".into()
        }
        Notice::Unbound {
            key,
            crossing: Some(environment),
            ..
        } => format!(
            "`{key}` does nothing yet: set up {}, then Enter to start (x opens it)",
            checklist.environment_label(*environment)
        ),
        Notice::Unbound {
            key,
            caps_lock: true,
            ..
        } => format!(
            "`{key}` does nothing here — is Caps Lock on? (`{}` would) · ? for help",
            key.to_lowercase()
        ),
        Notice::Unbound { key, .. } => format!("`{key}` does nothing here — ? for help"),
        Notice::NoProblems => "no failed, blocked or skipped cell to go to".into(),
        Notice::NoCaptureCommand { config_file } => format!(
            "no screenshot command: add e.g. `capture: \"gnome-screenshot -a -f {{file}}\"` to {config_file} (README: Screenshots)"
        ),
        Notice::CaptureFailed(error) => format!("no screenshot attached: {error}"),
        Notice::LaunchOff => {
            "starting browsers is off (--no-launch, or `launch: false` in the config)".into()
        }
        Notice::LaunchDeclined { browser } => {
            format!("not started: {browser}'s command was not allowed (x asks again)")
        }
        Notice::SignRefused(why) => {
            format!("not signed: {why} · your comment is kept · Esc or Enter to go on")
        }
        Notice::AlreadyRecorded { status, note } => format!(
            "this cell is already {status}{} · p again records a pass over it",
            note.as_deref()
                .map(|n| format!(": {}", crate::tui::text::fit(n, 60)))
                .unwrap_or_default()
        ),
        Notice::PassphraseGaveUp => "not signed: three wrong passphrases · your comment is kept \
             (a or r to try again) · Esc or Enter to go on"
            .into(),
        Notice::CaptureHeld => {
            "screenshot taken: it is attached with the result you enter for this cell".into()
        }
    }
}
