//! A list to jump through in two keys: every environment, or every section, filtered by the
//! words typed, Enter to go. The app builds the entries; this keeps the typed text and the
//! selection.

use ratatui_textarea::TextArea;

use super::dialogs::{Step, is_newline, pasted_line, text_area, text_of};
use crate::tui::action::Action;

/// What a picker lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Environment,
    Section,
}

/// One line of a picker: what it says and the index (of an environment or a section) it
/// goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerEntry {
    pub label: String,
    /// Progress or counts, shown dimmed after the label; not matched against.
    pub detail: String,
    pub index: usize,
}

/// The picker's state.
#[derive(Debug, Clone)]
pub struct Picker {
    kind: PickerKind,
    query: TextArea<'static>,
    entries: Vec<PickerEntry>,
    /// Position in [`Picker::matches`].
    selected: usize,
}

impl Picker {
    /// A picker over `entries`, with the entry whose index is `current` selected.
    pub fn new(kind: PickerKind, entries: Vec<PickerEntry>, current: usize) -> Picker {
        let selected = entries.iter().position(|e| e.index == current).unwrap_or(0);
        Picker {
            kind,
            query: text_area(""),
            entries,
            selected,
        }
    }

    /// What it lists.
    pub fn kind(&self) -> PickerKind {
        self.kind
    }

    /// The field the tester types into.
    pub fn query(&self) -> &TextArea<'static> {
        &self.query
    }

    /// The entries whose label holds every typed word, ignoring case, in list order.
    pub fn matches(&self) -> Vec<&PickerEntry> {
        let query = text_of(&self.query).to_lowercase();
        let words: Vec<&str> = query.split_whitespace().collect();
        self.entries
            .iter()
            .filter(|entry| {
                let label = entry.label.to_lowercase();
                words.iter().all(|word| label.contains(word))
            })
            .collect()
    }

    /// The position of the selected entry among the matches.
    pub fn selected(&self) -> usize {
        self.selected.min(self.matches().len().saturating_sub(1))
    }

    /// Types pasted text into the query.
    pub fn paste(&mut self, text: &str) {
        self.query.insert_str(pasted_line(text));
        self.selected = 0;
    }

    pub(super) fn handle(&mut self, action: Action) -> Step {
        let count = self.matches().len();
        match action {
            Action::Type(key) if !is_newline(key) => {
                self.query.input(key);
                self.selected = 0;
            }
            Action::Down => self.selected = (self.selected() + 1).min(count.saturating_sub(1)),
            Action::Up => self.selected = self.selected().saturating_sub(1),
            Action::Confirm => {
                return match self.matches().get(self.selected()) {
                    Some(entry) => Step::Pick(self.kind, entry.index),
                    None => Step::Stay,
                };
            }
            _ => {}
        }
        Step::Stay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn entries() -> Vec<PickerEntry> {
        [
            "Chrome · Phone 390×844",
            "Safari · Phone 390×844",
            "Safari · Tablet 820×1180",
        ]
        .iter()
        .enumerate()
        .map(|(index, label)| PickerEntry {
            label: label.to_string(),
            detail: String::new(),
            index,
        })
        .collect()
    }

    fn typed(picker: &mut Picker, text: &str) {
        for c in text.chars() {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            picker.handle(Action::Type(key));
        }
    }

    #[test]
    fn every_typed_word_must_match_and_enter_goes_to_the_selected_match() {
        let mut picker = Picker::new(PickerKind::Environment, entries(), 0);
        typed(&mut picker, "SAF tab");
        let labels: Vec<_> = picker.matches().iter().map(|e| e.label.clone()).collect();
        assert_eq!(labels, ["Safari · Tablet 820×1180"]);
        assert_eq!(
            picker.handle(Action::Confirm),
            Step::Pick(PickerKind::Environment, 2)
        );
    }

    #[test]
    fn the_selection_moves_within_the_matches_and_starts_on_the_current_entry() {
        let mut picker = Picker::new(PickerKind::Environment, entries(), 1);
        assert_eq!(picker.selected(), 1);
        picker.handle(Action::Down);
        picker.handle(Action::Down);
        assert_eq!(picker.selected(), 2, "stops at the last match");
        typed(&mut picker, "phone");
        assert_eq!(picker.selected(), 0, "typing starts from the first match");
        picker.handle(Action::Down);
        assert_eq!(
            picker.handle(Action::Confirm),
            Step::Pick(PickerKind::Environment, 1)
        );
        typed(&mut picker, "nothing like this");
        assert_eq!(picker.handle(Action::Confirm), Step::Stay);
    }
}
