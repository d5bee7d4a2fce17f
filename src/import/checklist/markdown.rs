//! Reading a checklist from Markdown through a CommonMark parser (pulldown-cmark, with GitHub's
//! task lists): lazy continuation lines, nesting and inline markup are the parser's business;
//! this module only decides what is a section, an item, its steps and its severity.
//!
//! The events are first gathered into a small tree of blocks (headings, paragraphs, lists and
//! their items, code), then walked: headings make a path of sections (`HTML › Best
//! practices`), task-list items (or, with `--lists`, any list item and bare `[ ]` lines)
//! become items, and whatever else an item holds becomes its steps or its `expect`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::*;

/// What the Markdown reader made.
#[derive(Debug, Default)]
pub(super) struct MarkdownChecklist {
    pub(super) title: Option<String>,
    pub(super) sections: Vec<DraftSection>,
    pub(super) skipped: Vec<SkippedRow>,
    /// Items that were ticked (`[x]`) in the source: imported like the others, counted.
    pub(super) checked: usize,
    /// List items without a checkbox that were not imported (without `--lists`).
    pub(super) plain_list_items: usize,
    /// Numbered list items among them.
    pub(super) numbered_items: usize,
    /// Bare `[ ] …` lines outside any list, not imported (without `--lists`).
    pub(super) bare_boxes: usize,
}

/// Text with its inline markup reduced to what a reader sees: emphasis and code marks gone,
/// links as their text, images (badges) set aside as their alt text.
#[derive(Debug, Default, Clone)]
struct Inline {
    text: String,
    /// The same text with code spans kept in backticks, for steps (which stay Markdown-ish).
    marked: String,
    badges: Vec<String>,
    line: usize,
}

#[derive(Debug, Clone)]
enum Block {
    Heading(usize, Inline),
    Paragraph(Inline),
    List { ordered: bool, items: Vec<ListItem> },
    Code(String),
}

#[derive(Debug, Clone, Default)]
struct ListItem {
    line: usize,
    /// `Some(checked)` for a task-list item.
    task: Option<bool>,
    blocks: Vec<Block>,
    /// Text of a tight item not yet closed into a paragraph.
    loose: Option<Inline>,
}

impl ListItem {
    fn flush(&mut self) {
        if let Some(inline) = self.loose.take()
            && !inline.text.trim().is_empty()
        {
            self.blocks.push(Block::Paragraph(inline));
        }
    }
}

/// A container being filled while the events are read.
enum Open {
    Item(ListItem),
    List {
        ordered: bool,
        items: Vec<ListItem>,
    },
    Inline(Inline, Option<usize>),
    Code(String),
    /// Content that is not a checklist's (tables, HTML, footnotes): its text is dropped.
    Ignored,
}

/// The first line of each line, to number events by their byte offset.
struct Lines(Vec<usize>);

impl Lines {
    fn of(text: &str) -> Lines {
        Lines(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }

    /// The 1-based line of byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

/// The document as blocks.
fn blocks(text: &str) -> Vec<Block> {
    let lines = Lines::of(text);
    let options =
        Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut top: Vec<Block> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    // Inside an image, text is its alt text: a badge, not part of the title.
    let mut in_image = 0usize;

    fn push_block(top: &mut Vec<Block>, stack: &mut [Open], block: Block) {
        match stack.last_mut() {
            Some(Open::Item(item)) => {
                item.flush();
                item.blocks.push(block);
            }
            Some(Open::Ignored) => {}
            _ => top.push(block),
        }
    }
    fn inline_target(stack: &mut [Open], line: usize) -> Option<&mut Inline> {
        match stack.last_mut()? {
            Open::Inline(inline, _) => Some(inline),
            Open::Item(item) => Some(item.loose.get_or_insert_with(|| Inline {
                line,
                ..Inline::default()
            })),
            _ => None,
        }
    }

    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => stack.push(Open::Inline(
                Inline {
                    line,
                    ..Inline::default()
                },
                Some(level as usize),
            )),
            Event::Start(Tag::Paragraph) => {
                if let Some(Open::Item(item)) = stack.last_mut() {
                    item.flush();
                }
                stack.push(Open::Inline(
                    Inline {
                        line,
                        ..Inline::default()
                    },
                    None,
                ))
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph) => {
                if let Some(Open::Inline(inline, level)) = stack.pop() {
                    let block = match level {
                        Some(level) => Block::Heading(level, inline),
                        None => Block::Paragraph(inline),
                    };
                    push_block(&mut top, &mut stack, block);
                }
            }
            Event::Start(Tag::List(start)) => {
                if let Some(Open::Item(item)) = stack.last_mut() {
                    item.flush();
                }
                stack.push(Open::List {
                    ordered: start.is_some(),
                    items: Vec::new(),
                })
            }
            Event::End(TagEnd::List(_)) => {
                if let Some(Open::List { ordered, items }) = stack.pop() {
                    push_block(&mut top, &mut stack, Block::List { ordered, items });
                }
            }
            Event::Start(Tag::Item) => stack.push(Open::Item(ListItem {
                line,
                ..ListItem::default()
            })),
            Event::End(TagEnd::Item) => {
                if let Some(Open::Item(mut item)) = stack.pop() {
                    item.flush();
                    if let Some(Open::List { items, .. }) = stack.last_mut() {
                        items.push(item);
                    }
                }
            }
            Event::TaskListMarker(checked) => {
                // It comes inside the item's first paragraph when the list is loose.
                if let Some(item) = stack.iter_mut().rev().find_map(|open| match open {
                    Open::Item(item) => Some(item),
                    _ => None,
                }) {
                    item.task = Some(checked);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                if let Some(Open::Item(item)) = stack.last_mut() {
                    item.flush();
                }
                stack.push(Open::Code(String::new()))
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(Open::Code(code)) = stack.pop() {
                    push_block(&mut top, &mut stack, Block::Code(code));
                }
            }
            Event::Start(
                Tag::Table(_) | Tag::HtmlBlock | Tag::FootnoteDefinition(_) | Tag::MetadataBlock(_),
            ) => stack.push(Open::Ignored),
            Event::End(
                TagEnd::Table
                | TagEnd::HtmlBlock
                | TagEnd::FootnoteDefinition
                | TagEnd::MetadataBlock(_),
            ) => {
                stack.pop();
            }
            Event::Start(Tag::Image { .. }) => {
                in_image += 1;
                if let Some(inline) = inline_target(&mut stack, line) {
                    inline.badges.push(String::new());
                }
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(ref text) | Event::Code(ref text) => match stack.last_mut() {
                Some(Open::Code(code)) => code.push_str(text),
                _ => {
                    if let Some(inline) = inline_target(&mut stack, line) {
                        if in_image > 0 {
                            if let Some(badge) = inline.badges.last_mut() {
                                badge.push_str(text);
                            }
                        } else {
                            inline.text.push_str(text);
                            if matches!(event, Event::Code(_)) {
                                inline.marked.push_str(&format!("`{text}`"));
                            } else {
                                inline.marked.push_str(text);
                            }
                        }
                    }
                }
            },
            Event::SoftBreak | Event::HardBreak => {
                if in_image == 0
                    && let Some(inline) = inline_target(&mut stack, line)
                {
                    inline.text.push('\n');
                    inline.marked.push('\n');
                }
            }
            _ => {}
        }
    }
    top
}

/// Text on one line: line breaks (lazy continuation) become spaces, runs of spaces one.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Expected: …` (or `Expect:`, `Expected result:`): the text after the colon.
pub(super) fn expected_line(line: &str) -> Option<String> {
    let text = line.trim();
    for key in ["expected results", "expected result", "expected", "expect"] {
        let Some(prefix) = text.get(..key.len()) else {
            continue;
        };
        if !prefix.eq_ignore_ascii_case(key) {
            continue;
        }
        if let Some(value) = text[key.len()..].trim_start().strip_prefix(':') {
            let value = value.trim();
            if !value.is_empty() {
                return Some(value.to_string());
            }
        }
    }
    None
}

/// How the walk over the blocks treats lists.
#[derive(Debug, Clone, Copy)]
pub(super) struct MarkdownOptions {
    /// Plain and numbered list items, and bare `[ ]` lines, become items too.
    pub(super) lists: bool,
}

/// The walk over the blocks: the heading path, the sections made, what was left.
struct Reader {
    options: MarkdownOptions,
    doc: MarkdownChecklist,
    /// `(level, title)` of the headings above the current point, outermost first.
    path: Vec<(usize, String)>,
    /// Whether the current heading path has a section yet.
    section_open: bool,
    seen_item: bool,
    /// How many plain (not imported) list items enclose the current point.
    inside_plain_list: usize,
}

impl Reader {
    fn section_title(&self) -> String {
        if self.path.is_empty() {
            // Items right under the document's title are in a section named after it.
            return self
                .doc
                .title
                .clone()
                .unwrap_or_else(|| DEFAULT_SECTION.to_string());
        }
        self.path
            .iter()
            .map(|(_, title)| title.as_str())
            .collect::<Vec<_>>()
            .join(" › ")
    }

    fn add(&mut self, draft: Draft) {
        if !self.section_open {
            self.doc.sections.push(DraftSection {
                title: self.section_title(),
                items: Vec::new(),
                named_at: None,
            });
            self.section_open = true;
        }
        self.seen_item = true;
        self.doc
            .sections
            .last_mut()
            .expect("a section was just opened")
            .items
            .push(draft);
    }

    fn heading(&mut self, level: usize, inline: &Inline) {
        let title = one_line(&inline.text);
        if title.is_empty() {
            return;
        }
        if self.doc.title.is_none() && !self.seen_item && level == 1 && self.path.is_empty() {
            // The document's own title names the checklist, not a section.
            self.doc.title = Some(title);
            return;
        }
        self.path.retain(|(l, _)| *l < level);
        self.path.push((level, title));
        self.section_open = false;
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Heading(level, inline) => self.heading(*level, inline),
                Block::List { ordered, items } => self.list(*ordered, items),
                Block::Paragraph(inline) => self.paragraph(inline),
                Block::Code(_) => {}
            }
        }
    }

    /// Bare `[ ] text` lines outside a list: items with `--lists`, counted otherwise.
    fn paragraph(&mut self, inline: &Inline) {
        for (n, line) in inline.text.lines().enumerate() {
            let line = line.trim();
            let rest = ["[ ]", "[x]", "[X]"]
                .iter()
                .find_map(|b| line.strip_prefix(b).map(|rest| (rest, *b != "[ ]")));
            let Some((title, checked)) = rest.filter(|(t, _)| t.starts_with(' ')) else {
                continue;
            };
            if self.options.lists {
                let draft = self.draft(title, &inline.badges, inline.line + n, checked);
                self.add(draft);
            } else {
                self.doc.bare_boxes += 1;
            }
        }
    }

    fn draft(&mut self, text: &str, badges: &[String], line: usize, checked: bool) -> Draft {
        let (title, mut severity) = take_priority(&one_line(text));
        for badge in badges {
            severity = severity.or_else(|| priority_severity(badge));
        }
        if checked {
            self.doc.checked += 1;
        }
        Draft {
            location: format!("line {line}"),
            title,
            severity,
            ..Draft::default()
        }
    }

    fn list(&mut self, ordered: bool, items: &[ListItem]) {
        let mut plain = 0;
        for item in items {
            if item.task.is_some() || self.options.lists {
                self.item(item);
                continue;
            }
            // A plain list item: not an item, but task items nested in it are.
            plain += 1;
            self.inside_plain_list += 1;
            self.blocks(&item.blocks);
            self.inside_plain_list -= 1;
        }
        // A list inside a plain list was told of with it.
        if plain == 0 || self.inside_plain_list > 0 {
            return;
        }
        self.doc.plain_list_items += plain;
        if ordered {
            self.doc.numbered_items += plain;
        }
        let first = items
            .iter()
            .find(|i| i.task.is_none())
            .map_or(0, |i| i.line);
        self.doc.skipped.push(SkippedRow {
            location: format!("line {first}"),
            reason: format!(
                "a {} list of {plain} item{} without checkboxes; not imported (--lists imports them)",
                if ordered { "numbered" } else { "bulleted" },
                if plain == 1 { "" } else { "s" }
            ),
        });
    }

    /// A list item that becomes a checklist item: its first paragraph is the title, nested
    /// task items are items of their own (after it), everything else is its steps, except
    /// `Expected: …` lines.
    fn item(&mut self, item: &ListItem) {
        let (first, rest) = match item.blocks.split_first() {
            Some((Block::Paragraph(inline), rest)) => (Some(inline), rest),
            _ => (None, item.blocks.as_slice()),
        };
        let text = first.map_or("", |i| i.text.as_str());
        let badges = first.map_or(&[][..], |i| i.badges.as_slice());
        if one_line(text).is_empty() {
            self.doc.skipped.push(SkippedRow {
                location: format!("line {}", item.line),
                reason: "task-list item has no text".to_string(),
            });
            return;
        }
        let mut draft = self.draft(text, badges, item.line, item.task == Some(true));
        let mut steps = Vec::new();
        let mut expect = Vec::new();
        let mut nested = Vec::new();
        for block in rest {
            steps_of(block, 0, &mut steps, &mut expect, &mut nested);
        }
        draft.steps = text_value(steps.join("\n").trim_matches('\n'));
        draft.expect = (!expect.is_empty()).then(|| expect.join("\n"));
        self.add(draft);
        for list in nested {
            if let Block::List { ordered, items } = list {
                self.list(ordered, &items);
            }
        }
    }
}

/// The lines `block` adds to an item's steps (`Expected: …` lines go to `expect`); lists of
/// task items are set aside in `nested` to become items of their own.
fn steps_of(
    block: &Block,
    depth: usize,
    steps: &mut Vec<String>,
    expect: &mut Vec<String>,
    nested: &mut Vec<Block>,
) {
    let indent = "   ".repeat(depth);
    match block {
        Block::Paragraph(inline) | Block::Heading(_, inline) => {
            for line in inline.marked.lines() {
                match expected_line(line) {
                    Some(text) => expect.push(text),
                    None => steps.push(format!("{indent}{}", line.trim())),
                }
            }
        }
        Block::Code(code) => {
            // Fenced again, so that the steps read as the source did.
            steps.push(format!("{indent}```"));
            steps.extend(code.trim_end().lines().map(|l| format!("{indent}{l}")));
            steps.push(format!("{indent}```"));
        }
        Block::List { ordered, items } => {
            if depth == 0 && items.iter().any(|i| i.task.is_some()) {
                nested.push(block.clone());
                return;
            }
            for (n, item) in items.iter().enumerate() {
                let marker = if *ordered {
                    format!("{}. ", n + 1)
                } else {
                    "- ".to_string()
                };
                let mut first = true;
                for inner in &item.blocks {
                    if let (true, Block::Paragraph(inline)) = (first, inner) {
                        let text = one_line(&inline.marked);
                        match expected_line(&text) {
                            Some(value) => expect.push(value),
                            None => steps.push(format!("{indent}{marker}{text}")),
                        }
                    } else {
                        steps_of(inner, depth + 1, steps, expect, nested);
                    }
                    first = false;
                }
            }
        }
    }
}

/// Reads a Markdown checklist.
pub(super) fn parse_markdown(text: &str, options: MarkdownOptions) -> MarkdownChecklist {
    let mut reader = Reader {
        options,
        doc: MarkdownChecklist::default(),
        path: Vec::new(),
        section_open: false,
        seen_item: false,
        inside_plain_list: 0,
    };
    reader.blocks(&blocks(text));
    reader.doc
}

/// What a Markdown file with no items held instead, as advice.
pub(super) fn nothing_found(doc: &MarkdownChecklist) -> String {
    let mut found = Vec::new();
    if doc.numbered_items > 0 {
        found.push(format!("{} numbered steps", doc.numbered_items));
    }
    let bullets = doc.plain_list_items - doc.numbered_items;
    if bullets > 0 {
        found.push(format!("{bullets} bullet points"));
    }
    if doc.bare_boxes > 0 {
        found.push(format!("{} `[ ]` lines outside a list", doc.bare_boxes));
    }
    if found.is_empty() {
        "no task-list items (`- [ ] The page loads`) and no lists".to_string()
    } else {
        format!(
            "no task-list items; {} — use --lists to import them as items",
            found.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> MarkdownChecklist {
        parse_markdown(text, MarkdownOptions { lists: false })
    }

    fn titles(doc: &MarkdownChecklist) -> Vec<(String, Vec<String>)> {
        doc.sections
            .iter()
            .map(|s| {
                (
                    s.title.clone(),
                    s.items.iter().map(|i| i.title.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn headings_nest_tasks_nest_and_the_rest_of_an_item_is_its_steps() {
        let doc = read(
            "# Release 2.0\n\
             \n\
             Intro text is ignored.\n\
             \n\
             ## Login\n\
             - [ ] Log in with a password\n\
             \x20 1. Open /login\n\
             \x20 2. Type the password\n\
             \n\
             \x20    - nested detail\n\
             \n\
             \x20 Expected: the dashboard opens\n\
             - [x] Log out\n\
             \x20 - [ ] Log out on every tab\n\
             - A plain bullet\n\
             \x20 - [ ] A task under a plain bullet\n\
             \n\
             ```\n\
             - [ ] not a task: code\n\
             ```\n\
             ### Pay\n\
             * [ ] Pay by card\n",
        );
        assert_eq!(doc.title.as_deref(), Some("Release 2.0"));
        assert_eq!(
            titles(&doc),
            [
                (
                    "Login".to_string(),
                    vec![
                        "Log in with a password".to_string(),
                        "Log out".to_string(),
                        "Log out on every tab".to_string(),
                        "A task under a plain bullet".to_string()
                    ]
                ),
                ("Login › Pay".to_string(), vec!["Pay by card".to_string()]),
            ]
        );
        let login = &doc.sections[0].items[0];
        assert_eq!(login.location, "line 6");
        assert_eq!(
            login.steps.as_deref(),
            Some("1. Open /login\n2. Type the password\n   - nested detail")
        );
        assert_eq!(login.expect.as_deref(), Some("the dashboard opens"));
        assert_eq!(doc.sections[0].items[2].location, "line 14");
        assert_eq!(doc.checked, 1);
        assert_eq!(
            doc.skipped,
            [SkippedRow {
                location: "line 15".into(),
                reason: "a bulleted list of 1 item without checkboxes; not imported (--lists imports them)"
                    .into()
            }]
        );
    }

    #[test]
    fn a_wrapped_line_is_one_title_and_markup_is_plain_text() {
        let doc = read(
            "- [ ] **Doctype:** The Doctype is HTML5 and is at the top of all your\n\
             HTML pages, see [the spec](https://html.spec.whatwg.org) `<!doctype html>`\n\
             - [ ] ![High][high_img] Charset: the charset (UTF-8) is declared\n\
             \x20 correctly.\n\
             \n\
             [high_img]: https://example.com/high.svg\n",
        );
        let items = &doc.sections[0].items;
        assert_eq!(
            items[0].title,
            "Doctype: The Doctype is HTML5 and is at the top of all your HTML pages, see the spec <!doctype html>"
        );
        assert_eq!(items[0].steps, None);
        assert_eq!(
            items[1].title,
            "Charset: the charset (UTF-8) is declared correctly."
        );
        assert_eq!(items[1].severity, Some(crate::checklist::Severity::BLOCKER));
    }

    #[test]
    fn without_tasks_the_error_says_what_there_was_and_lists_imports_it() {
        let text =
            "# Releasing\n\n1. Bump the version\n2. Tag it\n3. Publish\n\n[ ] Tell the team\n";
        let doc = read(text);
        assert!(doc.sections.iter().all(|s| s.items.is_empty()));
        assert_eq!(
            nothing_found(&doc),
            "no task-list items; 3 numbered steps, 1 `[ ]` lines outside a list — use --lists to import them as items"
        );
        let doc = parse_markdown(text, MarkdownOptions { lists: true });
        assert_eq!(
            titles(&doc),
            [(
                "Releasing".to_string(),
                vec![
                    "Bump the version".to_string(),
                    "Tag it".to_string(),
                    "Publish".to_string(),
                    "Tell the team".to_string()
                ]
            )]
        );
    }

    #[test]
    fn a_first_heading_after_tasks_is_not_the_title() {
        let doc = read("- [ ] First\n# Later\n- [ ] Second\n");
        assert_eq!(doc.title, None);
        assert_eq!(doc.sections[0].items[0].title, "First");
        assert_eq!(doc.sections[1].title, "Later");
    }
}
