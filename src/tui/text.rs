//! Fitting text into cells: cut with `…` by display width, so wide characters (CJK, emoji)
//! never push a column out of line.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` cut to at most `width` columns, ending in `…` when cut. Line breaks become spaces.
pub fn fit(text: &str, width: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.width() <= width {
        return flat;
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Text a checklist's author wrapped by hand (a YAML block with a line break every 70
/// columns) as the paragraphs and list items it means, so the pane can wrap it to its own
/// width instead of breaking it twice into ragged lines: a blank line ends a paragraph, a
/// line that starts a list item (`-`, `*`, `+`, `•`, `1.`, `1)`) starts a line of its own,
/// and any other line continues the one before it.
pub fn reflow(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut open = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            if open {
                lines.push(String::new());
            }
            open = false;
            continue;
        }
        match lines.last_mut() {
            Some(last) if open && !starts_list_item(line) => {
                last.push(' ');
                last.push_str(line.trim_start());
            }
            _ => lines.push(line.to_string()),
        }
        open = true;
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Whether `line` starts a list item: a bullet, or a number followed by `.` or `)`.
fn starts_list_item(line: &str) -> bool {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix(['-', '*', '+', '•']) {
        return rest.starts_with(' ');
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
}

/// `text` fitted to exactly `width` columns: cut with `…` or padded with spaces.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = fit(text, width);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// Spans cut to at most `width` columns in all, the one that crosses the edge ending in `…`.
pub fn fit_spans(
    spans: Vec<ratatui::text::Span<'static>>,
    width: usize,
) -> Vec<ratatui::text::Span<'static>> {
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let w = span.width();
        if used + w > width {
            out.push(ratatui::text::Span::styled(
                fit(&span.content, width - used),
                span.style,
            ));
            break;
        }
        used += w;
        out.push(span);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_wrapped_steps_read_as_their_items_and_paragraphs() {
        let steps = "1. Open /pricing and read it at normal distance without\n   zooming.\n2. Inspect body text, footnotes, table cells and form\n   hints. Check the computed\n   font-size in DevTools.\n\nThen write down\nwhat you saw.\n- one\n- two\n";
        assert_eq!(
            reflow(steps),
            [
                "1. Open /pricing and read it at normal distance without zooming.",
                "2. Inspect body text, footnotes, table cells and form hints. Check the computed font-size in DevTools.",
                "",
                "Then write down what you saw.",
                "- one",
                "- two",
            ]
        );
        assert_eq!(reflow("one line"), ["one line"]);
        assert_eq!(
            reflow("-5 degrees\nis cold"),
            ["-5 degrees is cold"],
            "not a bullet"
        );
        assert!(reflow("\n\n").is_empty());
    }

    #[test]
    fn cuts_by_display_width_with_an_ellipsis() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("a long title", 6), "a lon…");
        assert_eq!(fit("表示幅のテスト", 5), "表示…");
        assert_eq!(fit("表示幅のテスト", 5).width(), 5);
        assert_eq!(fit("🙂🙂🙂", 4).width(), 3);
        assert_eq!(fit("two\nlines", 20), "two lines");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn pads_to_the_exact_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("表示幅", 5).width(), 5);
    }
}
