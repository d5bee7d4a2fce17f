//! What a cell can be — a [`Status`] entered by a tester, or untested — and the one table
//! that says how each state looks wherever it is shown: the walk, the XLSX workbook, the
//! pull-request comment. Every medium takes its glyph and word from [`look`] and maps the
//! [`Tone`] to its own colours, so a state never looks one way in one place and another
//! way elsewhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The outcome of checking one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Pass,
    Fail,
    Blocked,
    Skip,
}

impl Status {
    /// Every status, in the order reports list them.
    pub const ALL: [Status; 4] = [Status::Pass, Status::Fail, Status::Blocked, Status::Skip];

    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        look(Some(self)).word
    }

    /// Whether a note must explain this status: a failure nobody described cannot be
    /// fixed, and a blocked or skipped cell needs its reason (DESIGN.md §2).
    pub fn needs_note(self) -> bool {
        self != Status::Pass
    }

    /// Whether the cell is one to come back to — failed, blocked or skipped — as the
    /// summary lists them and `]` finds them.
    pub fn wants_another_look(self) -> bool {
        self != Status::Pass
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that is not a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status `{0}` is not one of pass, fail, blocked, skip")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;

    /// `pass`, `fail`, `blocked` or `skip`, in any case, around any spaces.
    fn from_str(word: &str) -> Result<Status, UnknownStatus> {
        let wanted = word.trim();
        Status::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownStatus(word.to_string()))
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    /// Read with the same rule as the command line ([`Status::from_str`]).
    fn deserialize<D: serde::Deserializer<'de>>(input: D) -> Result<Status, D::Error> {
        struct Word;
        impl serde::de::Visitor<'_> for Word {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one of pass, fail, blocked, skip")
            }
            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<Status, E> {
                word.parse().map_err(E::custom)
            }
        }
        input.deserialize_str(Word)
    }
}

/// The colour family of a state; each medium (terminal, workbook) picks its own shades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Warning,
    Muted,
    Faint,
    /// A pass carried from an earlier approval.
    Carried,
}

/// How one state is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// One character that tells the state apart without colour.
    pub glyph: &'static str,
    /// The word for it in files, tables and messages.
    pub word: &'static str,
    pub tone: Tone,
}

/// Every state a cell can show, in the order legends and counts list them; `None` is
/// untested.
pub const STATES: [Option<Status>; 5] = [
    Some(Status::Pass),
    Some(Status::Fail),
    Some(Status::Blocked),
    Some(Status::Skip),
    None,
];

/// Where `state` stands in [`STATES`]: for tables made once per state.
pub fn state_index(state: Option<Status>) -> usize {
    match state {
        Some(Status::Pass) => 0,
        Some(Status::Fail) => 1,
        Some(Status::Blocked) => 2,
        Some(Status::Skip) => 3,
        None => 4,
    }
}

/// The word for a cell with no result.
pub const UNTESTED: &str = "untested";

/// How `state` is shown: `✓` pass, `✗` fail, `!` blocked, `–` skip, `·` untested.
pub fn look(state: Option<Status>) -> Look {
    let (glyph, word, tone) = match state {
        Some(Status::Pass) => ("✓", "pass", Tone::Good),
        Some(Status::Fail) => ("✗", "fail", Tone::Bad),
        Some(Status::Blocked) => ("!", "blocked", Tone::Warning),
        Some(Status::Skip) => ("–", "skip", Tone::Muted),
        None => ("·", UNTESTED, Tone::Faint),
    };
    Look { glyph, word, tone }
}

/// How a pass carried from an earlier approval is shown (DESIGN.md §7): apart from the
/// passes tested in this run, which it counts among.
pub const CARRIED: Look = Look {
    glyph: "↻",
    word: "carried",
    tone: Tone::Carried,
};

/// `state`'s word: a status, or `untested`.
pub fn word(state: Option<Status>) -> &'static str {
    look(state).word
}

/// The legend every matrix shows: `✓ pass  ✗ fail  …  · untested`.
pub fn legend() -> String {
    STATES
        .iter()
        .map(|&state| {
            let look = look(state);
            format!("{} {}", look.glyph, look.word)
        })
        .collect::<Vec<_>>()
        .join("  ")
}

/// Serialises a cell's state as its word, `untested` for none, and reads it back.
pub mod or_untested {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Status, UNTESTED};

    /// Writes the state's word.
    pub fn serialize<S: Serializer>(state: &Option<Status>, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_str(super::word(*state))
    }

    /// Reads a status word or `untested`.
    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Option<Status>, D::Error> {
        let word = String::deserialize(input)?;
        if word.trim().eq_ignore_ascii_case(UNTESTED) {
            return Ok(None);
        }
        word.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_its_own_glyph_and_word() {
        let looks: Vec<Look> = STATES.iter().map(|&s| look(s)).collect();
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[i + 1..] {
                assert_ne!(a.glyph, b.glyph);
                assert_ne!(a.word, b.word);
                assert_ne!(a.tone, b.tone);
            }
        }
        for (index, state) in STATES.iter().enumerate() {
            assert_eq!(state_index(*state), index);
        }
        assert_eq!(legend(), "✓ pass  ✗ fail  ! blocked  – skip  · untested");
    }

    #[test]
    fn statuses_parse_from_their_words_in_any_case() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
            assert_eq!(
                format!(" {} ", status.as_str().to_uppercase()).parse::<Status>(),
                Ok(status)
            );
        }
        assert!("passed".parse::<Status>().is_err());
        assert!("untested".parse::<Status>().is_err());
        assert!("".parse::<Status>().is_err());
    }

    #[test]
    fn untested_round_trips_through_serde() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Cell {
            #[serde(with = "or_untested")]
            status: Option<Status>,
        }
        for status in STATES {
            let json = serde_json::to_string(&Cell { status }).unwrap();
            assert_eq!(json, format!("{{\"status\":\"{}\"}}", word(status)));
            assert_eq!(
                serde_json::from_str::<Cell>(&json).unwrap(),
                Cell { status }
            );
        }
        assert!(serde_json::from_str::<Cell>(r#"{"status":"maybe"}"#).is_err());
    }
}
