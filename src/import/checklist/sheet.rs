//! Reading a checklist from a spreadsheet (CSV or XLSX): header synonyms and rows.

use super::*;

// Spreadsheets.

pub(super) const KNOWN_FIELDS: &str =
    "section, id, title, steps, expect, url, severity, required, browsers, viewports";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Field {
    Section,
    Id,
    Title,
    Steps,
    Expect,
    Url,
    Severity,
    Required,
    Browsers,
    Viewports,
}

/// A header cell as a key: lowercase, `_`/`-` as spaces, spaces collapsed, without a
/// trailing `:`, `*` or `(…)` remark.
pub(super) fn header_key(header: &str) -> String {
    let mut text = header.trim().to_lowercase();
    if text.ends_with(')')
        && let Some(open) = text.rfind('(')
    {
        text.truncate(open);
    }
    let text = text.trim().trim_end_matches([':', '*']);
    text.split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a header names, by the synonyms in the module documentation.
pub(super) fn field_of(header: &str) -> Option<Field> {
    Some(match header_key(header).as_str() {
        "section" | "area" | "group" | "category" | "heading" => Field::Section,
        "id" | "item id" | "key" | "slug" => Field::Id,
        "title" | "item" | "check" | "checklist item" | "name" | "summary" | "task" | "test"
        | "test case" => Field::Title,
        "steps" | "step" | "how to test" | "instructions" | "description" | "details"
        | "procedure" => Field::Steps,
        "expect" | "expected" | "expected result" | "expected results" | "expectation"
        | "expected outcome" | "expected behaviour" | "expected behavior" => Field::Expect,
        "url" | "link" | "path" => Field::Url,
        "severity" | "sev" => Field::Severity,
        "required" | "mandatory" => Field::Required,
        "browsers" | "browser" => Field::Browsers,
        "viewports" | "viewport" | "devices" | "device" | "screens" | "screen sizes" | "sizes" => {
            Field::Viewports
        }
        _ => return None,
    })
}

/// The checklist sheet (the first not named `matrix`) and the matrix sheet, if any.
pub(super) fn pick_sheets<'s>(
    sheets: &'s [Sheet],
    skipped: &mut Vec<SkippedRow>,
) -> Option<(&'s Sheet, Option<&'s Sheet>)> {
    let is_matrix = |s: &Sheet| s.name.trim().eq_ignore_ascii_case("matrix");
    let matrix = if sheets.len() > 1 {
        sheets.iter().find(|s| is_matrix(s))
    } else {
        None
    };
    let checklist = sheets
        .iter()
        .find(|s| !(matrix.is_some() && is_matrix(s)))?;
    for sheet in sheets {
        let used = std::ptr::eq(sheet, checklist) || matrix.is_some_and(|m| std::ptr::eq(sheet, m));
        if !used && sheet.rows.iter().any(|r| !is_blank(r)) {
            skipped.push(SkippedRow {
                location: format!("sheet `{}`", sheet.name),
                reason: format!(
                    "not read: the checklist is sheet `{}`{}",
                    checklist.name,
                    if matrix.is_some() {
                        " and the matrix is sheet `matrix`"
                    } else {
                        ""
                    }
                ),
            });
        }
    }
    Some((checklist, matrix))
}

pub(super) fn is_blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

pub(super) fn cell(row: &[String], column: Option<usize>) -> &str {
    column
        .and_then(|c| row.get(c))
        .map_or("", |text| text.trim())
}

/// Multi-line cell text with LF line ends and no trailing spaces; `None` when blank.
pub(super) fn text_value(text: &str) -> Option<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let joined = lines.join("\n");
    let joined = joined.trim_matches('\n');
    (!joined.trim().is_empty()).then(|| joined.to_string())
}

pub(super) fn parse_required(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "✓" | "✔" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// The sections of a checklist sheet.
pub(super) fn parse_table(
    sheet: &Sheet,
    path: &Path,
    skipped: &mut Vec<SkippedRow>,
) -> Result<Vec<DraftSection>> {
    let Some(header_at) = sheet.rows.iter().position(|r| !is_blank(r)) else {
        bail!(
            "{} is empty: it needs a header row with a `title` column",
            path.display()
        );
    };
    let header = &sheet.rows[header_at];
    let mut columns: HashMap<Field, usize> = HashMap::new();
    let mut ignored = Vec::new();
    for (c, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            continue;
        }
        match field_of(name) {
            Some(field) if !columns.contains_key(&field) => {
                columns.insert(field, c);
            }
            Some(_) => ignored.push(format!("{} (a second one)", name.trim())),
            None => ignored.push(name.trim().to_string()),
        }
    }
    let header_row = format!("row {}", header_at + 1);
    if !columns.contains_key(&Field::Title) {
        bail!(
            "{} {header_row}: no `title` column; the header has {}. Name the column holding each check's text `title`",
            path.display(),
            list(header.iter().map(|h| h.trim()).filter(|h| !h.is_empty()))
        );
    }
    if !ignored.is_empty() {
        skipped.push(SkippedRow {
            location: header_row,
            reason: if ignored.len() == 1 {
                format!(
                    "column {} is not a checklist field and is ignored (known: {KNOWN_FIELDS})",
                    list(&ignored)
                )
            } else {
                format!(
                    "columns {} are not checklist fields and are ignored (known: {KNOWN_FIELDS})",
                    list(&ignored)
                )
            },
        });
    }
    let col = |f: Field| columns.get(&f).copied();
    let body = &sheet.rows[header_at + 1..];
    // A `required` column marked only with `x` means blank = not required.
    let blank_required = match col(Field::Required) {
        Some(c) => {
            let marks: Vec<&str> = body
                .iter()
                .map(|r| cell(r, Some(c)))
                .filter(|t| !t.is_empty())
                .collect();
            if !marks.is_empty() && marks.iter().all(|t| t.eq_ignore_ascii_case("x")) {
                Some(false)
            } else {
                None
            }
        }
        None => None,
    };

    let mut sections: Vec<DraftSection> = Vec::new();
    let mut current_section: Option<String> = None;
    for (n, row) in body.iter().enumerate() {
        let number = header_at + n + 2;
        let location = format!("row {number}");
        if is_blank(row) {
            continue;
        }
        let section_text = cell(row, col(Field::Section));
        let title = cell(row, col(Field::Title));
        if !section_text.is_empty() && current_section.as_deref() != Some(section_text) {
            current_section = Some(section_text.to_string());
            sections.push(DraftSection {
                title: section_text.to_string(),
                items: Vec::new(),
                named_at: Some(location.clone()),
            });
        }
        if title.is_empty() {
            let only_section = row
                .iter()
                .enumerate()
                .all(|(c, text)| Some(c) == col(Field::Section) || text.trim().is_empty());
            if !only_section {
                skipped.push(SkippedRow {
                    location,
                    reason: "no title; skipped".to_string(),
                });
            }
            continue;
        }
        if sections.is_empty() {
            sections.push(DraftSection {
                title: DEFAULT_SECTION.to_string(),
                items: Vec::new(),
                named_at: None,
            });
        }
        let mut draft = Draft {
            location: location.clone(),
            id: Some(cell(row, col(Field::Id)))
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            title: title.split_whitespace().collect::<Vec<_>>().join(" "),
            steps: text_value(cell(row, col(Field::Steps))),
            expect: text_value(cell(row, col(Field::Expect))),
            url: Some(cell(row, col(Field::Url)))
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            ..Draft::default()
        };
        let severity = cell(row, col(Field::Severity));
        if !severity.is_empty() {
            draft.severity = severity.parse().ok();
            if draft.severity.is_none() {
                skipped.push(SkippedRow {
                    location: location.clone(),
                    reason: format!(
                        "severity `{severity}` is not 1, 2, 3, blocker, major or minor; using 2 (major)"
                    ),
                });
            }
        }
        let required = cell(row, col(Field::Required));
        draft.required = if required.is_empty() {
            blank_required
        } else {
            let value = parse_required(required);
            if value.is_none() {
                skipped.push(SkippedRow {
                    location: location.clone(),
                    reason: format!(
                        "required `{required}` is not yes, no, true, false, 1, 0 or x; the item is required"
                    ),
                });
            }
            value
        };
        draft.browsers = Some(cell(row, col(Field::Browsers)))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .map(|t| vec![t]);
        draft.viewports = Some(cell(row, col(Field::Viewports)))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .map(|t| vec![t]);
        sections.last_mut().expect("a section").items.push(draft);
    }
    Ok(sections)
}

/// Resolves the raw `browsers`/`viewports` cells of the drafts to matrix ids, reporting
/// names the matrix does not have.
pub(super) fn resolve_only(
    sections: &mut [DraftSection],
    matrix: &Matrix,
    skipped: &mut Vec<SkippedRow>,
) {
    let browsers: Vec<(&str, &str)> = matrix
        .browsers
        .iter()
        .map(|b| (b.id.as_str(), b.name.as_deref().unwrap_or(&b.id)))
        .collect();
    let viewports: Vec<(&str, &str)> = matrix
        .viewports
        .iter()
        .map(|v| (v.id.as_str(), v.name.as_deref().unwrap_or(&v.id)))
        .collect();
    for item in sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        for (field, known, what) in [
            (&mut item.browsers, &browsers, "browser"),
            (&mut item.viewports, &viewports, "viewport"),
        ] {
            let Some(raw) = field.take() else { continue };
            let (ids, unknown, all) = match_names(&raw.join(","), known);
            if !unknown.is_empty() {
                skipped.push(SkippedRow {
                    location: item.location.clone(),
                    reason: format!(
                        "{what}{} {} {} not in the matrix (it has {}); left out{}",
                        if unknown.len() == 1 { "" } else { "s" },
                        list(&unknown),
                        if unknown.len() == 1 { "is" } else { "are" },
                        list(known.iter().map(|(id, _)| id)),
                        if ids.is_empty() && !all {
                            format!(", so `{}` is tested in every {what}", item.title)
                        } else {
                            String::new()
                        }
                    ),
                });
            }
            *field = (!all && !ids.is_empty()).then_some(ids);
        }
    }
}

/// The ids named in `text` (ids or names, any case, separated by `,`, `;` or line breaks),
/// the names not found, and whether `all` or `*` was named.
pub(super) fn match_names(text: &str, known: &[(&str, &str)]) -> (Vec<String>, Vec<String>, bool) {
    let mut ids: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    let mut all = false;
    for name in text
        .split([',', ';', '\n', '\r'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if name == "*" || name.eq_ignore_ascii_case("all") {
            all = true;
            continue;
        }
        let found = known.iter().find(|(id, display)| {
            id.eq_ignore_ascii_case(name)
                || display.eq_ignore_ascii_case(name)
                || slug_or(name, "") == *id
        });
        match found {
            Some((id, _)) if !ids.iter().any(|i| i == id) => ids.push(id.to_string()),
            Some(_) => {}
            None => unknown.push(name.to_string()),
        }
    }
    (ids, unknown, all)
}
