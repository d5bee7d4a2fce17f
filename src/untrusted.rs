//! One rule for showing text that came from outside — a checklist, a journal, a sheet, a
//! statement, a comment — wherever it is shown (DESIGN.md §6): control characters, carriage
//! returns, line and paragraph separators, bidi overrides and characters that take no room
//! are written as escapes (`\x1b`, `\r`, `\u{202e}`, `\u{200b}`), so such text can never
//! move a terminal's cursor, set its title or clipboard, start a CI workflow command on a
//! line of its own, reorder what a reader sees, or pass one name off as another.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that reorder text or hide direction: shown escaped.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room: `ada\u{200b}@example.com` looks like `ada@example.com`.
/// The zero-width joiner is one too, but it is also what joins emoji (👩‍💻), so multi-line
/// text (notes) keeps it.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{180e}' | '\u{200b}' | '\u{200c}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// Whether `c` must be escaped; multi-line text (`keep_newlines`) keeps `\n`, and the
/// zero-width joiner of its emoji.
fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' | '\u{200d}' => !keep_newlines,
        c if c.is_control() => true,
        '\u{2028}' | '\u{2029}' => true,
        c => is_bidi_control(c) || is_invisible(c),
    }
}

fn escaped(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// `text` for one line of output: every control character, line break included, escaped.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escaped(text, false)
}

/// `text` for output that may span lines (a note): line feeds kept, the rest escaped.
pub fn multi_line(text: &str) -> Cow<'_, str> {
    escaped(text, true)
}

/// A writer for a command's report on standard output: every control character that
/// reaches it except the line feed is written escaped, so text from outside can never drive
/// the terminal, whichever field carried it. One-line fields still go through [`one_line`]
/// first, so that a line break inside one cannot start a line of its own.
pub struct Escaping<W: std::io::Write>(pub W);

impl<W: std::io::Write> std::io::Write for Escaping<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(bytes);
        self.0.write_all(multi_line(&text).as_bytes())?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// JSON for people and programs alike: what `serde_json` writes, except that every
/// character [`one_line`] would escape — bidi overrides, characters that take no room, C1
/// controls, line and paragraph separators — is written as `\uXXXX`. It is the same JSON
/// value, so a program reads no difference, but `cat`, a CI log or a pull-request comment
/// shows the escape, not a reordered line (DESIGN.md §6).
pub fn write_json_pretty<W: std::io::Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(
        writer,
        EscapingFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut serializer)
}

/// [`write_json_pretty`] into bytes.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_json_pretty(&mut bytes, value)?;
    Ok(bytes)
}

/// A pretty formatter that writes the characters a terminal or a reader could be fooled by
/// as `\uXXXX` (UTF-16, as JSON escapes are).
struct EscapingFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for EscapingFormatter<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if !needs_escape(c, false) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_move_a_cursor_start_a_line_or_reorder_text() {
        assert_eq!(one_line("plain text, ünïcode ✓"), "plain text, ünïcode ✓");
        assert!(matches!(one_line("plain"), Cow::Borrowed(_)));
        assert_eq!(
            one_line("a\nb\r\n::error::x"),
            "a\\nb\\r\\n::error::x",
            "nothing from outside starts a line"
        );
        assert_eq!(
            one_line("\x1b]0;title\x07\x1b[2J"),
            "\\x1b]0;title\\x07\\x1b[2J"
        );
        assert_eq!(one_line("tab\there"), "tab\\there");
        assert_eq!(one_line("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(one_line("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert_eq!(one_line("\u{85}next\u{2028}"), "\\u{85}next\\u{2028}");
        assert_eq!(one_line("\x7f"), "\\x7f");
        assert_eq!(multi_line("two\nlines\x1b"), "two\nlines\\x1b");
    }

    #[test]
    fn json_escapes_what_a_reader_could_be_fooled_by_and_reads_back_the_same() {
        let value =
            serde_json::json!({"title": "safe\u{202e}txt.exe", "ok": "ünï ✓ 👩\u{200d}💻", "n": 1});
        let bytes = to_json_pretty(&value).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("safe\\u202etxt.exe"), "{text}");
        assert!(text.contains("\\u200d"), "{text}");
        assert!(text.contains("ünï ✓"), "plain text stays as it is: {text}");
        assert!(!text.contains('\u{202e}'));
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, value, "the same JSON value");
        assert_eq!(
            text,
            serde_json::to_string_pretty(&value)
                .unwrap()
                .replace('\u{202e}', "\\u202e")
                .replace('\u{200d}', "\\u200d"),
            "pretty as serde_json writes it"
        );
    }

    #[test]
    fn escapes_what_takes_no_room_so_a_name_cannot_pass_for_another() {
        assert_eq!(
            one_line("ada\u{200b}@example.com"),
            "ada\\u{200b}@example.com"
        );
        for invisible in [
            '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{180e}',
        ] {
            assert_ne!(
                one_line(&format!("a{invisible}b")),
                format!("a{invisible}b")
            );
        }
        assert_eq!(
            multi_line("👩\u{200d}💻 in a note"),
            "👩\u{200d}💻 in a note"
        );
        assert_eq!(multi_line("zero\u{200b}width"), "zero\\u{200b}width");
    }
}
