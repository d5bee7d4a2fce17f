//! Results going to the run and coming back: what a finished dialog or a key asks the journal
//! to record, a screenshot to attach, and what the walk does once an entry is on disk (or is
//! not).

use crate::checklist::{Cell, Checklist};
use crate::journal::ResultEntry;
use crate::run::{NewResult, Run};
use crate::status::Status;
use crate::walk_order::Order;

use super::{App, Crossing, Effect, NotePurpose, Overlay, Submission};
use crate::tui::notice::{Missing, Notice};

impl App {
    /// What a finished dialog asks of the run. The dialog stays open until the result is on
    /// disk (`recorded`), so nothing typed is lost if writing fails.
    pub(super) fn submit(&mut self, run: &Run, submission: Submission) -> Option<Effect> {
        let cell = self.cursor();
        match submission {
            Submission::Fail { severity, note } => Some(Effect::Record(NewResult {
                severity: Some(severity),
                note: Some(note),
                ..self.new_result(run.checklist(), cell, Status::Fail)
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
                    ..self.new_result(run.checklist(), cell, status)
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
                self.confirm_signoff(super::PendingSignoff { decision, comment });
                None
            }
            Submission::Passphrase(passphrase) => self.passphrase_typed(passphrase),
        }
    }

    /// `p`: a pass. On a cell that already has a result of this run (not one carried from an
    /// earlier approval, which `p` tests again), the first `p` only says what the cell holds
    /// and a second `p` right after records the pass: a reflex key after attaching evidence
    /// to a failure, or after the last cell, must not pass the failure or record twice.
    pub(super) fn pass(&mut self, run: &Run, armed: Option<Cell>) -> Option<Effect> {
        if !self.cursor.on_a_cell(run.checklist()) {
            self.notice = Some(Notice::NoCellHere);
            return None;
        }
        let cell = self.cursor();
        if let Some(latest) = run.latest(cell)
            && latest.carried_from.is_none()
            && armed != Some(cell)
        {
            self.overwrite_armed = Some(cell);
            self.notice = Some(Notice::AlreadyRecorded {
                status: latest.status,
                note: latest.note.clone(),
            });
            return None;
        }
        Some(Effect::Record(self.new_result(
            run.checklist(),
            cell,
            Status::Pass,
        )))
    }

    /// The severity and note the cursor's cell failed with before — in this run (a failure
    /// it still holds, or one undone) or in the previous run of the checklist — offered when
    /// it fails again.
    pub(super) fn failed_before(&self, run: &Run) -> Option<(crate::checklist::Severity, String)> {
        let cell = self.cursor();
        let default = run.checklist().items.get(cell.item)?.severity;
        let this_run = run
            .history(cell)
            .into_iter()
            .rev()
            .map(|(result, _)| result)
            .find(|r| r.status == Status::Fail)
            .map(|r| (r.severity, r.note.clone()));
        let earlier = || {
            let earlier = self.earlier.as_ref()?.of_cell(run.checklist(), cell)?;
            (earlier.status == Status::Fail).then(|| (earlier.severity, earlier.note.clone()))
        };
        let (severity, note) = this_run.or_else(earlier)?;
        Some((severity.unwrap_or(default), note?))
    }

    /// A new result for `cell` with `status`, carrying any screenshot taken for it before it
    /// had a result.
    fn new_result(&self, checklist: &Checklist, cell: Cell, status: Status) -> NewResult {
        NewResult {
            evidence: self
                .pending_evidence
                .iter()
                .filter(|(c, _)| *c == cell)
                .map(|(_, path)| path.clone())
                .collect(),
            ..new_result(checklist, cell, status)
        }
    }

    /// A screenshot was written to `path` for `cell`: attached to its result now, or to the
    /// next one it gets.
    pub fn captured(&mut self, run: &Run, cell: Cell, path: std::path::PathBuf) -> Option<Effect> {
        match run.latest(cell) {
            Some(latest) => {
                self.attaching_capture = true;
                Some(Effect::Record(NewResult {
                    evidence: vec![path],
                    ..NewResult::repeating(latest)
                }))
            }
            None => {
                self.pending_evidence.push((cell, path));
                self.notice = Some(Notice::CaptureHeld);
                None
            }
        }
    }

    /// The result of a [`Effect::Record`] is on disk: close the dialog, say so, and go to the
    /// next untested cell.
    pub fn recorded(&mut self, run: &Run, entry: &ResultEntry) {
        let environment = self.cursor().environment;
        let item = entry.item.clone();
        let cell = crate::results::cell_of(run.checklist(), entry).ok();
        self.pending_evidence.retain(|(c, _)| Some(*c) != cell);
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
            None if self.attaching_capture => {
                self.attaching_capture = false;
                self.notice = Some(Notice::EvidenceAttached { item, environment });
                return;
            }
            _ => {}
        }
        let next = self.next_untested(run);
        if let Some(next) = next {
            self.cursor.go_to(next);
            self.details_scroll = 0;
            if self.order == Order::ByEnvironment && next.environment != environment {
                self.overlay = Some(Overlay::Crossing(Crossing {
                    from: environment,
                    to: next.environment,
                }));
            }
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
        self.attaching_capture = false;
        self.notice = Some(Notice::NotRecorded(crate::output::one_line(error)));
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
