//! Bounded work on a checklist from anywhere (DESIGN.md §6): before it is parsed for real,
//! a YAML file is checked for nesting deeper than any checklist needs and for aliases that
//! expand it far past its own size (a "billion laughs"), so that a 28 KB file can neither
//! make a million items nor take gigabytes.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// The deepest nesting of `[`/`{` a checklist may use; real ones use three or four.
pub const MAX_FLOW_DEPTH: usize = 64;

/// How many values a document of `bytes` bytes may hold once its aliases are expanded: a
/// document without aliases holds fewer than one per two bytes, so only repetition through
/// aliases can reach this.
pub fn max_values(bytes: usize) -> u64 {
    10_000 + bytes as u64 / 2
}

/// How many bytes of text a document of `bytes` bytes may hold once its aliases are
/// expanded: an alias of a long scalar repeats all of it, so a 1 MiB scalar aliased 5,000
/// times is 5 GB from a 1 MB file. A checklist that shares a paragraph of steps among
/// thousands of items stays far below this.
pub fn max_text_bytes(bytes: usize) -> u64 {
    (16 << 20) + 8 * bytes as u64
}

/// A limit the text goes past: its message, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLimit {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Checks `source` against both limits, cheaply: a scan for flow nesting, then a walk over
/// the YAML events that keeps nothing and stops at the first value past the budget.
pub fn check(source: &str) -> Result<(), OverLimit> {
    flow_depth(source)?;
    // Only an anchor (`&name`) lets anything repeat; a text without one is read once, by
    // the real parse, and costs nothing more here.
    if !might_hold_an_anchor(source) {
        return Ok(());
    }
    let budget = max_values(source.len());
    let text_budget = max_text_bytes(source.len());
    let counting = CountValues {
        left: std::cell::Cell::new(budget),
        text_left: std::cell::Cell::new(text_budget),
    };
    let seeded =
        de::DeserializeSeed::deserialize(&counting, serde_yaml::Deserializer::from_str(source));
    let over = |err: &serde_yaml::Error, message: String| {
        let (line, column) = err.location().map_or((1, 1), |at| (at.line(), at.column()));
        Err(OverLimit {
            line,
            column,
            message,
        })
    };
    match seeded {
        Err(err) if err.to_string().contains(TOO_MANY) => over(
            &err,
            format!(
                "the YAML expands to more than {budget} values (aliases such as `*name` repeating large parts of it); a checklist never needs that: write its items out"
            ),
        ),
        Err(err) if err.to_string().contains(TOO_LONG) => over(
            &err,
            format!(
                "the text anchored here is repeated through its aliases (`*name`) past {} MB in all; a checklist never needs that: shorten it, or write it where it is needed",
                text_budget >> 20
            ),
        ),
        // Anything else wrong is for the real parse to report, with its position.
        _ => Ok(()),
    }
}

const TOO_MANY: &str = "greenlight: too many values";
const TOO_LONG: &str = "greenlight: too much text";

/// Whether `source` has an `&` directly followed by a character an anchor's name may start
/// with: every anchor does (prose such as `A&B` may too, and only costs a counting pass).
fn might_hold_an_anchor(source: &str) -> bool {
    source.as_bytes().windows(2).any(|pair| {
        pair[0] == b'&' && !pair[1].is_ascii_whitespace() && !matches!(pair[1], b',' | b']' | b'}')
    })
}

/// `[` and `{` nesting outside quotes and comments. Every character that matters is ASCII,
/// so the scan is over bytes (UTF-8 never puts an ASCII byte inside another character).
fn flow_depth(source: &str) -> Result<(), OverLimit> {
    let bytes = source.as_bytes();
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut previous = b'\n';
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            line += 1;
            line_start = at + 1;
            comment = false;
            previous = b;
            continue;
        }
        if comment {
            continue;
        }
        match quote {
            Some(q) => {
                if b == q && !(q == b'"' && previous == b'\\') {
                    quote = None;
                }
            }
            None => match b {
                b'#' if previous.is_ascii_whitespace() => comment = true,
                b'\'' | b'"'
                    if matches!(previous, b' ' | b'[' | b'{' | b',' | b':' | b'\n' | b'-') =>
                {
                    quote = Some(b)
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        let column = source[line_start..=at].chars().count();
                        return Err(OverLimit {
                            line,
                            column,
                            message: format!(
                                "brackets nested more than {MAX_FLOW_DEPTH} deep; a checklist never needs that"
                            ),
                        });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = b;
    }
    Ok(())
}

/// Deserializes any YAML, keeping nothing, and fails once more than its budget of values,
/// or of text, went by — aliases included, each time they are expanded.
struct CountValues {
    left: std::cell::Cell<u64>,
    text_left: std::cell::Cell<u64>,
}

impl CountValues {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(E::custom(TOO_MANY)),
        }
    }

    /// One scalar of `text`: a value, and its bytes against the text budget.
    fn take_text<E: de::Error>(&self, text: &str) -> Result<(), E> {
        self.take()?;
        match self.text_left.get().checked_sub(text.len() as u64) {
            Some(left) => {
                self.text_left.set(left);
                Ok(())
            }
            None => Err(E::custom(TOO_LONG)),
        }
    }
}

impl<'de> de::DeserializeSeed<'de> for &CountValues {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &CountValues {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.take()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.take()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.take()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.take()
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.take_text(text)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.take()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.take()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.take()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.take()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        self.take()?;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine levels of nine aliases each: 9⁹ values from under a kilobyte.
    fn laughs() -> String {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..9 {
            let refs = vec![format!("*a{}", level - 1); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn an_alias_bomb_stops_at_its_budget_quickly() {
        let bomb = laughs();
        let started = std::time::Instant::now();
        let err = check(&bomb).unwrap_err();
        assert!(err.message.contains("expands to more than"), "{err:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn an_alias_of_a_long_text_is_charged_for_every_byte_it_repeats() {
        // One 1 MiB scalar aliased 5,000 times: few values, 5 GB of text.
        let long = "x".repeat(1 << 20);
        let mut bomb = format!("a: &big {long}\nb:\n");
        for _ in 0..5_000 {
            bomb.push_str("  - *big\n");
        }
        assert!(
            5_003 < max_values(bomb.len()),
            "few values: the value count lets it by"
        );
        let err = check(&bomb).unwrap_err();
        assert!(
            err.message.contains("repeated through its aliases"),
            "{err:?}"
        );
        assert_eq!(
            (err.line, err.column),
            (1, 4),
            "names the anchored text: {err:?}"
        );
        // The same text written once, or aliased a few times, passes.
        let mut fine = format!("a: &big {}\nb:\n", "x".repeat(10_000));
        for _ in 0..100 {
            fine.push_str("  - *big\n");
        }
        assert!(check(&fine).is_ok());
    }

    #[test]
    fn deep_brackets_are_refused_but_brackets_in_text_are_not() {
        let deep = format!("x: {}{}", "[".repeat(100), "]".repeat(100));
        let err = check(&deep).unwrap_err();
        assert_eq!((err.line, err.column), (1, 4 + MAX_FLOW_DEPTH));
        let later = format!("a: 1\nbé: 2\nx: {}", "[".repeat(100));
        let err = check(&later).unwrap_err();
        assert_eq!(
            (err.line, err.column),
            (3, 4 + MAX_FLOW_DEPTH),
            "lines counted, columns in characters"
        );
        assert!(check("title: \"[[[[ not nesting ]]]]\"\nnote: '{{{{'\n# [[[[[[\n").is_ok());
    }

    #[test]
    fn without_an_anchor_there_is_no_counting_pass() {
        assert!(!might_hold_an_anchor(
            "title: Terms & conditions\nx: [a, b]\n"
        ));
        assert!(might_hold_an_anchor("x: &a [1]\ny: *a\n"));
    }

    #[test]
    fn a_checklist_that_uses_anchors_sparingly_passes() {
        // 2,000 items sharing one `only` through an alias: what anchors are for.
        let mut text = String::from(
            "id: t\ntitle: T\nmatrix: {browsers: [{id: a}], viewports: [{id: p, width: 1, height: 1}]}\nsections:\n  - id: s\n    title: S\n    items:\n      - {id: i0, title: T, only: &phones {viewports: [p]}}\n",
        );
        for n in 1..2000 {
            text.push_str(&format!("      - {{id: i{n}, title: T, only: *phones}}\n"));
        }
        assert!(check(&text).is_ok());
        assert_eq!(max_values(1_000), 10_500, "the budget grows with the text");
        // Other mistakes are the real parse's to report, with their positions.
        assert!(check("a: &x [1]\nb: *x\nc: [unclosed\n").is_ok());
        assert!(check("a: *nowhere\nb: &x 1\n").is_ok());
    }

    #[test]
    fn a_real_checklist_passes() {
        let shipped = include_str!("../../checklists/web-ux.yaml");
        assert!(check(shipped).is_ok());
    }
}
