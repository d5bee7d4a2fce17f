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
