//! Signing the run off from the summary, as states: the comment, a confirmation that names
//! what will be signed, the key's passphrase asked in the walk (three tries), and what
//! happens when signing is refused — the comment is never lost, and while a refusal is on
//! screen typed characters do nothing (Esc or Enter dismisses it), so a comment typed on
//! cannot turn into commands.

use super::dialogs::{Answer, ConfirmDialog};
use super::{App, Effect, Overlay, PassphraseDialog, PendingSignoff, SignoffDialog, View};
use crate::tui::action::{Action, Secret};
use crate::tui::notice::Notice;

impl App {
    /// The comment is written: ask, naming the decision, the release and the commit,
    /// before anything is signed.
    pub(super) fn confirm_signoff(&mut self, pending: PendingSignoff) {
        self.overlay = Some(Overlay::ConfirmSignoff(ConfirmDialog::new(pending)));
    }

    /// The answer to "sign this?": `yes` and Enter signs; Enter after anything else, or Esc,
    /// goes back to the comment with what was typed added to it.
    pub(super) fn handle_confirm_signoff(&mut self, action: Action) -> Option<Effect> {
        let Some(Overlay::ConfirmSignoff(mut dialog)) = self.overlay.take() else {
            return None;
        };
        let back = |app: &mut App, pending: PendingSignoff, typed: &str| {
            let mut text = pending.comment.unwrap_or_default();
            if !typed.trim().is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(typed.trim_start());
            }
            app.overlay = Some(Overlay::Signoff(SignoffDialog::new(
                pending.decision,
                &text,
            )));
        };
        match action {
            Action::Type(key) => {
                dialog.key(key);
                self.overlay = Some(Overlay::ConfirmSignoff(dialog));
                None
            }
            Action::Confirm => match dialog.answer() {
                Answer::Sign => Some(Effect::Sign {
                    decision: dialog.pending.decision,
                    comment: dialog.pending.comment,
                }),
                Answer::BackToComment(typed) => {
                    back(self, dialog.pending, &typed);
                    None
                }
            },
            Action::Cancel => {
                let typed = dialog.typed().to_string();
                back(self, dialog.pending, &typed);
                None
            }
            _ => {
                self.overlay = Some(Overlay::ConfirmSignoff(dialog));
                None
            }
        }
    }

    /// The key has a passphrase: ask for it here, `tries` times at most.
    pub fn ask_passphrase(&mut self, pending: PendingSignoff, key: String, tries: usize) {
        self.overlay = Some(Overlay::Passphrase(PassphraseDialog::new(
            pending, key, tries,
        )));
    }

    pub(super) fn passphrase_typed(&mut self, passphrase: Secret) -> Option<Effect> {
        let Some(Overlay::Passphrase(dialog)) = &self.overlay else {
            return None;
        };
        Some(Effect::Unlock {
            decision: dialog.pending.decision,
            comment: dialog.pending.comment.clone(),
            passphrase,
        })
    }

    /// The passphrase was wrong: ask again while tries are left; after the last, nothing is
    /// signed and the comment is kept for the next try.
    pub fn wrong_passphrase(&mut self) {
        let Some(Overlay::Passphrase(dialog)) = &mut self.overlay else {
            return;
        };
        dialog.wrong_passphrase();
        if dialog.tries_left == 0 {
            let pending = dialog.pending.clone();
            self.sign_refused(pending, Notice::PassphraseGaveUp);
        }
    }

    /// Signing did not happen: the overlay closes, the comment is kept as the draft of its
    /// decision, and the summary says why — holding the next letters until it is read.
    pub fn sign_refused(&mut self, pending: PendingSignoff, why: Notice) {
        self.overlay = None;
        if let Some(comment) = pending.comment {
            self.comment_draft = Some((pending.decision, comment));
        }
        self.view = View::Summary;
        self.notice = Some(why);
    }

    /// Whether the status line shows a refusal that holds typed characters.
    pub(super) fn refusal_holds_letters(&self) -> bool {
        self.overlay.is_none()
            && self.view == View::Summary
            && self.notice.as_ref().is_some_and(Notice::holds_letters)
    }
}
