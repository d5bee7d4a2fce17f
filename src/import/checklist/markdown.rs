//! Reading a checklist from Markdown: headings, task-list items, indented steps.

use super::*;

// Markdown.

#[derive(Debug, Default)]
pub(super) struct MarkdownChecklist {
    pub(super) title: Option<String>,
    pub(super) sections: Vec<DraftSection>,
    pub(super) skipped: Vec<SkippedRow>,
}

/// An item being read: its draft, the column of its marker, and the lines under it.
pub(super) struct OpenItem {
    pub(super) draft: Draft,
    pub(super) indent: usize,
    pub(super) lines: Vec<String>,
}

/// A list item's marker: `(indent, text after the marker)`.
pub(super) fn list_item(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let after = if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 9 {
            return None;
        }
        rest[digits..].strip_prefix(['.', ')'])?
    };
    if after.is_empty() {
        return Some((indent, ""));
    }
    after
        .strip_prefix([' ', '\t'])
        .map(|text| (indent, text.trim_start()))
}

/// The text of a task-list item (`[ ] text`, `[x] text`), when `text` after a list marker
/// is one.
pub(super) fn task_text(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("[ ]")
        .or_else(|| text.strip_prefix("[x]"))
        .or_else(|| text.strip_prefix("[X]"))?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        Some(rest.trim())
    } else {
        None
    }
}

/// `---`, `***`, `___` (with optional spaces): not a list item.
pub(super) fn is_thematic_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| compact.chars().all(|c| c.to_string() == *m))
}

/// An ATX heading: `(level, text)`.
pub(super) fn heading(line: &str) -> Option<(usize, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let text = &rest[level..];
    if !text.is_empty() && !text.starts_with([' ', '\t']) {
        return None;
    }
    let mut text = text.trim();
    // A closing sequence of `#`s, when separated by a space.
    let without = text.trim_end_matches('#');
    if without.is_empty() || without.ends_with([' ', '\t']) {
        text = without.trim();
    }
    Some((level, text.to_string()))
}

/// The opening of a fenced code block: its character and length.
pub(super) fn fence(trimmed: &str) -> Option<(char, usize)> {
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.len() - trimmed.trim_start_matches(ch).len();
    (len >= 3).then_some((ch, len))
}

/// HTML comments removed, keeping their line breaks so that line numbers hold.
pub(super) fn strip_html_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let comment_end = rest[start + 4..]
            .find("-->")
            .map_or(rest.len(), |end| start + 4 + end + 3);
        out.extend(rest[start..comment_end].chars().filter(|c| *c == '\n'));
        rest = &rest[comment_end..];
    }
    out.push_str(rest);
    out
}

/// Leading tabs as spaces, to the next multiple of 4.
pub(super) fn expand_tabs(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.char_indices();
    for (i, c) in chars.by_ref() {
        match c {
            ' ' => out.push(' '),
            '\t' => {
                let width = 4 - out.len() % 4;
                out.extend(std::iter::repeat_n(' ', width));
            }
            _ => {
                out.push_str(&line[i..]);
                return out;
            }
        }
    }
    out
}

/// `Expected: …` (or `Expect:`, `Expected result:`, as a bullet or in bold): the text.
pub(super) fn expected_line(line: &str) -> Option<String> {
    let mut text = line.trim();
    if let Some(rest) = text.strip_prefix(['-', '*', '+'])
        && rest.starts_with(' ')
    {
        text = rest.trim_start();
    }
    let text = text.trim_start_matches(['*', '_']);
    for key in ["expected result", "expected", "expect"] {
        let Some(prefix) = text.get(..key.len()) else {
            continue;
        };
        if !prefix.eq_ignore_ascii_case(key) {
            continue;
        }
        let rest = text[key.len()..].trim_start_matches(['*', '_']);
        if let Some(value) = rest.strip_prefix(':') {
            let value = value.trim_start_matches(['*', '_']).trim();
            if !value.is_empty() {
                return Some(value.to_string());
            }
        }
    }
    None
}

impl OpenItem {
    /// The draft with its steps and expectation from the lines under it.
    pub(super) fn finish(self) -> Draft {
        let mut draft = self.draft;
        let margin = self
            .lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .min()
            .unwrap_or(0);
        let mut steps = Vec::new();
        let mut expect = Vec::new();
        for line in &self.lines {
            let line = line.get(margin..).unwrap_or("").trim_end();
            match expected_line(line) {
                Some(text) => expect.push(text),
                None => steps.push(line),
            }
        }
        draft.steps = text_value(&steps.join("\n"));
        draft.expect = (!expect.is_empty()).then(|| expect.join("\n"));
        draft
    }
}

pub(super) fn parse_markdown(text: &str) -> MarkdownChecklist {
    let text = strip_html_comments(text);
    let mut doc = MarkdownChecklist::default();
    let mut sections = vec![DraftSection {
        title: DEFAULT_SECTION.to_string(),
        items: Vec::new(),
        named_at: None,
    }];
    let mut open: Option<OpenItem> = None;
    let mut seen_heading = false;
    let mut seen_task = false;
    // The indent of a list item that is not a task: lines nested under it are ignored.
    let mut ignored_list: Option<usize> = None;
    // An open code fence, and whether it belongs to the open item's steps.
    let mut code: Option<((char, usize), bool)> = None;
    let close = |open: &mut Option<OpenItem>, sections: &mut Vec<DraftSection>| {
        if let Some(item) = open.take() {
            sections
                .last_mut()
                .expect("a section")
                .items
                .push(item.finish());
        }
    };

    for (n, raw) in text.lines().enumerate() {
        let number = n + 1;
        let line = expand_tabs(raw);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();

        if let Some(((ch, len), in_item)) = code {
            let closing = trimmed.len() - trimmed.trim_start_matches(ch).len();
            if closing >= len && trimmed.trim_start_matches(ch).trim().is_empty() {
                code = None;
            }
            if in_item && let Some(item) = open.as_mut() {
                item.lines.push(line.clone());
            }
            continue;
        }
        if trimmed.is_empty() {
            if let Some(item) = open.as_mut() {
                item.lines.push(String::new());
            }
            continue;
        }
        let task = list_item(&line)
            .filter(|_| !is_thematic_break(&line))
            .and_then(|(i, text)| task_text(text).map(|t| (i, t)));

        if let Some(item) = open.as_mut()
            && indent > item.indent
            && task.is_none()
        {
            if let Some(f) = fence(trimmed) {
                code = Some((f, true));
            }
            item.lines.push(line.clone());
            continue;
        }
        close(&mut open, &mut sections);

        if let Some(nested_in) = ignored_list {
            if indent > nested_in {
                continue;
            }
            ignored_list = None;
        }
        if let Some(f) = fence(trimmed) {
            code = Some((f, false));
            continue;
        }
        if let Some((level, title)) = heading(&line) {
            if title.is_empty() {
                continue;
            }
            if !seen_heading && !seen_task && level == 1 {
                doc.title = Some(title.clone());
            }
            seen_heading = true;
            sections.push(DraftSection {
                title,
                items: Vec::new(),
                named_at: None,
            });
            continue;
        }
        if let Some((marker, title)) = task {
            seen_task = true;
            if title.is_empty() {
                doc.skipped.push(SkippedRow {
                    location: format!("line {number}"),
                    reason: "task-list item has no text".to_string(),
                });
                ignored_list = Some(marker);
                continue;
            }
            open = Some(OpenItem {
                draft: Draft {
                    location: format!("line {number}"),
                    title: title.to_string(),
                    ..Draft::default()
                },
                indent: marker,
                lines: Vec::new(),
            });
            continue;
        }
        if let Some((marker, _)) = list_item(&line).filter(|_| !is_thematic_break(&line)) {
            doc.skipped.push(SkippedRow {
                location: format!("line {number}"),
                reason: "not a task-list item (`- [ ] …`); ignored".to_string(),
            });
            ignored_list = Some(marker);
        }
        // Any other text is prose around the checklist.
    }
    close(&mut open, &mut sections);
    doc.sections = sections;
    doc
}
