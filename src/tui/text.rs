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
