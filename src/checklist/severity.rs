//! How bad a failure is, in the levels a release team already uses: the one place where a
//! severity is read from a number or a word and written back.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 1 blocker, 2 major, 3 minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity(u8);

/// The words for each level, in order.
const LABELS: [&str; 3] = ["blocker", "major", "minor"];

impl Severity {
    /// A major feature does not work.
    pub const BLOCKER: Severity = Severity(1);
    /// A feature does not work properly; the default.
    pub const MAJOR: Severity = Severity(2);
    /// It works, something is off.
    pub const MINOR: Severity = Severity(3);
    /// Every level, worst first.
    pub const ALL: [Severity; 3] = [Severity::BLOCKER, Severity::MAJOR, Severity::MINOR];

    /// The severity for `level`, when it is 1, 2 or 3.
    pub fn new(level: i64) -> Option<Severity> {
        match level {
            1..=3 => Some(Severity(level as u8)),
            _ => None,
        }
    }

    /// 1, 2 or 3.
    pub fn level(self) -> u8 {
        self.0
    }

    /// `blocker`, `major` or `minor`.
    pub fn label(self) -> &'static str {
        LABELS[usize::from(self.0) - 1]
    }

    /// Whether a failure of this severity is at least as bad as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self.0 <= threshold.0
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Text that is not a severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("severity `{0}` is not 1, 2 or 3 (1 blocker, 2 major, 3 minor)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    /// `1`, `2`, `3`, or `blocker`, `major`, `minor` in any case, around any spaces.
    fn from_str(text: &str) -> Result<Severity, UnknownSeverity> {
        let wanted = text.trim();
        let by_label = Severity::ALL
            .into_iter()
            .find(|s| s.label().eq_ignore_ascii_case(wanted));
        by_label
            .or_else(|| wanted.parse().ok().and_then(Severity::new))
            .ok_or_else(|| UnknownSeverity(text.to_string()))
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for Severity {
    /// A level (`2`) or, by the same rule as the command line, a word (`"major"`, `"2"`).
    fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Severity, D::Error> {
        struct Level;
        impl serde::de::Visitor<'_> for Level {
            type Value = Severity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("1, 2 or 3 (or blocker, major, minor)")
            }
            fn visit_i64<E: serde::de::Error>(self, level: i64) -> Result<Severity, E> {
                Severity::new(level).ok_or_else(|| E::custom(UnknownSeverity(level.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, level: u64) -> Result<Severity, E> {
                i64::try_from(level)
                    .ok()
                    .and_then(Severity::new)
                    .ok_or_else(|| E::custom(UnknownSeverity(level.to_string())))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Severity, E> {
                text.parse().map_err(E::custom)
            }
        }
        input.deserialize_any(Level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_and_words_and_refuses_the_rest() {
        assert_eq!("1".parse(), Ok(Severity::BLOCKER));
        assert_eq!(" Major ".parse(), Ok(Severity::MAJOR));
        assert_eq!("MINOR".parse(), Ok(Severity::MINOR));
        for bad in ["0", "4", "-1", "critical", "", "1.5", "２"] {
            assert!(bad.parse::<Severity>().is_err(), "{bad}");
        }
        assert_eq!(Severity::new(0), None);
        assert_eq!(Severity::new(4), None);
        assert_eq!(Severity::new(3).map(Severity::label), Some("minor"));
    }

    #[test]
    fn serialises_as_its_number_and_refuses_other_numbers() {
        assert_eq!(serde_json::to_string(&Severity::MINOR).unwrap(), "3");
        assert_eq!(
            serde_json::from_str::<Severity>("1").unwrap(),
            Severity::BLOCKER
        );
        assert_eq!(
            serde_json::from_str::<Severity>("\"Major\"").unwrap(),
            Severity::MAJOR
        );
        for bad in ["0", "4", "\"critical\"", "2.5", "null"] {
            assert!(serde_json::from_str::<Severity>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_lower_level_is_worse() {
        assert!(Severity::BLOCKER.at_least(Severity::MAJOR));
        assert!(Severity::MAJOR.at_least(Severity::MAJOR));
        assert!(!Severity::MINOR.at_least(Severity::MAJOR));
    }
}
