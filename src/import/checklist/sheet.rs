//! Reading a checklist from a spreadsheet (CSV or XLSX): header synonyms and rows.

use super::*;

// Spreadsheets.

pub(super) const KNOWN_FIELDS: &str = "section (module, feature, area), id (test case id), title (test case, scenario), \
     steps (test steps), precondition, test data, expect (expected result), url, severity (priority), \
     required, browsers, viewports";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Field {
    Section,
    Id,
    Title,
    /// `name`: the title only when nothing better names the check (it is often the author).
    Name,
    /// `description`: the title when there is none, else the first part of the steps.
    Description,
    Precondition,
    TestData,
    StepNumber,
    Steps,
    Expect,
    Url,
    Severity,
    Required,
    Browsers,
    Viewports,
    /// `item`: the title, unless a `title` column exists too (then it is the id, as in
    /// greenlight's own export).
    Item,
}

/// A header cell as a key: lowercase, `_`/`-` as spaces, spaces collapsed, without a
/// trailing `:`, `*` or `(…)` remark; `TestCaseID` split at its capitals.
pub(super) fn header_key(header: &str) -> String {
    let mut spaced = String::new();
    let mut previous_lower = false;
    for c in header.trim().chars() {
        if c.is_uppercase() && previous_lower {
            spaced.push(' ');
        }
        previous_lower = c.is_lowercase();
        spaced.push(c);
    }
    let mut text = spaced.to_lowercase();
    if text.ends_with(')')
        && let Some(open) = text.rfind('(')
    {
        text.truncate(open);
    }
    let text = text.trim().trim_end_matches([':', '*', '.']);
    text.split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a header names, by the synonyms in the module documentation.
pub(super) fn field_of(header: &str) -> Option<Field> {
    Some(match header_key(header).as_str() {
        "section" | "area" | "group" | "category" | "heading" | "module" | "feature"
        | "component" | "page" | "screen" | "suite" | "test suite" | "functionality" => {
            Field::Section
        }
        "id" | "item id" | "key" | "slug" | "test case id" | "testcase id" | "tc id" | "tc"
        | "case id" | "test id" | "ref" => Field::Id,
        "item" => Field::Item,
        "title" | "check" | "checklist item" | "summary" | "task" | "test" | "test case"
        | "test case title" | "test case name" | "test name" | "test title" | "scenario"
        | "test scenario" => Field::Title,
        "name" => Field::Name,
        "description" | "test description" | "test case description" => Field::Description,
        "precondition" | "preconditions" | "pre condition" | "pre conditions" | "prerequisite"
        | "prerequisites" | "pre requisites" | "setup" => Field::Precondition,
        "test data" | "data" | "input data" => Field::TestData,
        "step #" | "step no" | "step number" | "step nr" => Field::StepNumber,
        "steps" | "step" | "test steps" | "test step" | "how to test" | "instructions"
        | "details" | "procedure" | "actions" | "action" | "step description" => Field::Steps,
        "expect" | "expected" | "expected result" | "expected results" | "expectation"
        | "expected outcome" | "expected output" | "expected behaviour" | "expected behavior" => {
            Field::Expect
        }
        "url" | "link" | "path" => Field::Url,
        "severity" | "sev" | "priority" | "prio" | "impact" | "importance" => Field::Severity,
        "required" | "mandatory" => Field::Required,
        "browsers" | "browser" => Field::Browsers,
        "viewports" | "viewport" | "devices" | "device" | "screens" | "screen sizes" | "sizes" => {
            Field::Viewports
        }
        _ => return None,
    })
}

/// The columns of a header row: each field's column (the first that names it), the title
/// decided by meaning, and the names that are not fields.
#[derive(Debug, Default)]
pub(super) struct Columns {
    of: HashMap<Field, usize>,
    ignored: Vec<String>,
}

/// A field named on the command line (`--columns "Scenario=title,Owner=ignore"`).
pub(super) fn field_named(name: &str) -> Option<Option<Field>> {
    Some(Some(match header_key(name).as_str() {
        "section" => Field::Section,
        "id" => Field::Id,
        "title" => Field::Title,
        "steps" => Field::Steps,
        "precondition" => Field::Precondition,
        "test data" => Field::TestData,
        "step number" => Field::StepNumber,
        "expect" => Field::Expect,
        "url" => Field::Url,
        "severity" => Field::Severity,
        "required" => Field::Required,
        "browsers" => Field::Browsers,
        "viewports" => Field::Viewports,
        "ignore" => return Some(None),
        _ => return None,
    }))
}

/// Columns mapped by hand: a header (as [`header_key`] reads it) and its field, or `None`
/// to ignore it.
pub(super) type ColumnMap = [(String, Option<Field>)];

impl Columns {
    pub(super) fn read(header: &[String], by_hand: &ColumnMap) -> Columns {
        let mut columns = Columns::default();
        for (c, name) in header.iter().enumerate() {
            if name.trim().is_empty() {
                continue;
            }
            let mapped = by_hand
                .iter()
                .find(|(key, _)| *key == header_key(name))
                .map(|(_, field)| *field);
            match mapped.unwrap_or_else(|| field_of(name)) {
                Some(field) if !columns.of.contains_key(&field) => {
                    columns.of.insert(field, c);
                }
                Some(_) => columns
                    .ignored
                    .push(format!("{} (a second one)", name.trim())),
                None => columns.ignored.push(name.trim().to_string()),
            }
        }
        // The title by meaning: a title column, else `item`, else `name`, else `description`.
        let has_title = columns.of.contains_key(&Field::Title);
        if let Some(item) = columns.of.remove(&Field::Item) {
            let field = if has_title { Field::Id } else { Field::Title };
            columns.of.entry(field).or_insert(item);
        }
        for weak in [Field::Name, Field::Description] {
            if !columns.of.contains_key(&Field::Title)
                && let Some(c) = columns.of.remove(&weak)
            {
                columns.of.insert(Field::Title, c);
            }
        }
        if let Some(c) = columns.of.remove(&Field::Name) {
            columns
                .ignored
                .push(format!("{} (not the title)", header[c].trim()));
        }
        columns
    }

    pub(super) fn get(&self, field: Field) -> Option<usize> {
        self.of.get(&field).copied()
    }

    /// How many fields the header names; a title counts double, since it is required.
    fn score(&self) -> usize {
        self.of.len() + usize::from(self.of.contains_key(&Field::Title))
    }
}

/// The header: among the first rows, the one that names the most fields and a title. Rows
/// above it (a caption, a date) are not read, and said so.
fn find_header(rows: &[Vec<String>], by_hand: &ColumnMap) -> Option<(usize, Columns)> {
    const LOOK_AT: usize = 10;
    rows.iter()
        .enumerate()
        .filter(|(_, row)| !is_blank(row))
        .take(LOOK_AT)
        .map(|(n, row)| (n, Columns::read(row, by_hand)))
        .filter(|(_, columns)| columns.get(Field::Title).is_some())
        .max_by_key(|(n, columns)| (columns.score(), std::cmp::Reverse(*n)))
}

/// The checklist sheet (the first not named `matrix`) and the matrix sheet, if any.
pub(super) fn pick_sheets<'s>(
    sheets: &'s [Sheet],
    skipped: &mut Vec<SkippedRow>,
) -> Option<(&'s Sheet, Option<&'s Sheet>)> {
    // A sheet named `matrix` defines the matrix only when it says what each row is (a
    // `kind` column); greenlight's own export has a `Matrix` sheet of results instead.
    let is_matrix = |s: &Sheet| {
        s.name.trim().eq_ignore_ascii_case("matrix")
            && s.rows.iter().find(|r| !is_blank(r)).is_some_and(|header| {
                header
                    .iter()
                    .any(|h| matches!(header_key(h).as_str(), "kind" | "type"))
            })
    };
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

/// What reading a sheet's rows counted and found besides its items.
#[derive(Debug, Default, Clone)]
pub(super) struct SheetCounts {
    /// Rows that continued the item above (a test case written one step per row).
    pub(super) merged: usize,
    /// Columns that name environments (`Chrome Desktop`): the sheet is the matrix.
    pub(super) environments: Vec<EnvironmentColumn>,
}

/// The sections of a checklist sheet.
pub(super) fn parse_table(
    sheet: &Sheet,
    path: &Path,
    skipped: &mut Vec<SkippedRow>,
    counts: &mut SheetCounts,
    by_hand: &ColumnMap,
) -> Result<Vec<DraftSection>> {
    let Some(first) = sheet.rows.iter().position(|r| !is_blank(r)) else {
        bail!(
            "{} is empty: it needs a header row with a `title` column",
            path.display()
        );
    };
    let Some((header_at, columns)) = find_header(&sheet.rows, by_hand) else {
        let header = &sheet.rows[first];
        bail!(
            "{} row {}: no column names the checks; the first row with text has {}. Name the column \
             holding each check's text `title` (or test case, scenario, check)",
            path.display(),
            first + 1,
            list(header.iter().map(|h| h.trim()).filter(|h| !h.is_empty()))
        );
    };
    for (n, row) in sheet.rows[..header_at].iter().enumerate() {
        if !is_blank(row) {
            skipped.push(SkippedRow {
                location: format!("row {}", n + 1),
                reason: "above the header (a caption?); not read".to_string(),
            });
        }
    }
    let header_row = format!("row {}", header_at + 1);
    let mut columns = columns;
    let environments = environment_columns(&sheet.rows[header_at]);
    columns
        .ignored
        .retain(|name| !environments.iter().any(|e| e.header == *name));
    let columns = columns;
    if !columns.ignored.is_empty() {
        skipped.push(SkippedRow {
            location: header_row,
            reason: if columns.ignored.len() == 1 {
                format!(
                    "column {} is not a checklist field and is ignored (known: {KNOWN_FIELDS})",
                    list(&columns.ignored)
                )
            } else {
                format!(
                    "columns {} are not checklist fields and are ignored (known: {KNOWN_FIELDS})",
                    list(&columns.ignored)
                )
            },
        });
    }
    let col = |f: Field| columns.get(f);
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
    // The columns whose text makes up the steps, in reading order, with their labels.
    let step_parts: Vec<(Option<&str>, usize)> = [
        (Some("Precondition"), col(Field::Precondition)),
        (Some("Test data"), col(Field::TestData)),
        (None, col(Field::Steps)),
    ]
    .into_iter()
    .chain(
        // A description beside a real title is the first part of the steps.
        (col(Field::Title) != col(Field::Description)).then_some((None, col(Field::Description))),
    )
    .filter_map(|(label, c)| Some((label, c?)))
    .collect();
    let steps_of = |row: &[String]| -> Vec<String> {
        let number = cell(row, col(Field::StepNumber));
        step_parts
            .iter()
            .filter_map(|&(label, c)| {
                let text = text_value(cell(row, Some(c)))?;
                Some(match (label, number.is_empty()) {
                    (Some(label), _) => format!("{label}: {text}"),
                    (None, false) if Some(c) == col(Field::Steps) => {
                        format!("{}. {text}", number.trim_end_matches('.'))
                    }
                    _ => text,
                })
            })
            .collect()
    };

    // Whether most rows with a title fill more than it: then a title alone is a heading.
    let titled: Vec<&Vec<String>> = body
        .iter()
        .filter(|r| !cell(r, col(Field::Title)).is_empty())
        .collect();
    let richer = titled
        .iter()
        .filter(|r| r.iter().filter(|c| !c.trim().is_empty()).count() > 1)
        .count();
    let titles_say_more = richer * 2 > titled.len();

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
        let id = cell(row, col(Field::Id));
        let filled: Vec<usize> = (0..row.len())
            .filter(|&c| !row[c].trim().is_empty())
            .collect();
        // A heading row: text in the section column, or one cell alone in the id column, or
        // alone in the title column when it is the first and the sheet's items fill more
        // than their title.
        let lone = match filled.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        let heading_row = lone.is_some_and(|only| {
            (Some(only) == col(Field::Id) && title.is_empty())
                || (Some(only) == col(Field::Title) && only == 0 && titles_say_more)
        });
        let heading = if !section_text.is_empty() {
            Some(section_text)
        } else if heading_row {
            lone.map(|only| row[only].trim())
        } else {
            None
        };
        if let Some(heading) = heading
            && current_section.as_deref() != Some(heading)
        {
            current_section = Some(heading.to_string());
            // A section named by its id (`checkout-flow`, as greenlight's export has it)
            // is titled the way a person would write it.
            let title = if is_valid_id(heading) {
                readable(heading)
            } else {
                heading.to_string()
            };
            sections.push(DraftSection {
                title,
                items: Vec::new(),
                named_at: Some(location.clone()),
            });
        }
        if heading_row {
            continue;
        }
        let expect = text_value(cell(row, col(Field::Expect)));
        let steps = steps_of(row);
        let previous = sections.last_mut().and_then(|s| s.items.last_mut());
        // A row with no title that goes on with the item above (one step per row), or a
        // row repeating its id (one row per environment, as greenlight's own export).
        let continues = match previous {
            Some(ref item) if title.is_empty() && id.is_empty() => {
                !steps.is_empty() || expect.is_some()
            }
            Some(ref item) => {
                !id.is_empty() && item.id.as_deref() == Some(id) && item.title == one_line_of(title)
            }
            None => false,
        };
        if continues && let Some(item) = previous {
            merge_row(item, steps, expect, row, &columns);
            counts.merged += 1;
            continue;
        }
        if title.is_empty() {
            if section_text.is_empty() || filled.len() > 1 {
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
            id: Some(id).filter(|t| !t.is_empty()).map(str::to_string),
            title: one_line_of(title),
            steps: text_value(&steps.join("\n")),
            expect,
            url: Some(cell(row, col(Field::Url)))
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            ..Draft::default()
        };
        let severity = cell(row, col(Field::Severity));
        if !severity.is_empty() {
            draft.severity = severity
                .parse()
                .ok()
                .or_else(|| priority_severity(severity));
            if draft.severity.is_none() {
                skipped.push(SkippedRow {
                    location: location.clone(),
                    reason: format!(
                        "severity `{severity}` is not 1, 2, 3, blocker, major, minor or a priority \
                         (high, medium, low, P1–P3); using 2 (major)"
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
        draft.browsers = names_in(row, col(Field::Browsers));
        draft.viewports = names_in(row, col(Field::Viewports));
        for environment in &environments {
            let text = cell(row, Some(environment.column));
            if text.is_empty() {
                continue;
            }
            match result_of(text) {
                Some((status, note)) => draft.results.push(CellResult {
                    browser: environment.browser.clone(),
                    viewport: environment.viewport.clone(),
                    status,
                    note,
                    location: format!("{location}, column `{}`", environment.header),
                }),
                None => skipped.push(SkippedRow {
                    location: location.clone(),
                    reason: format!(
                        "column `{}`: `{text}` is not a result (pass, fail, blocked, skip, n/a); not brought in",
                        environment.header
                    ),
                }),
            }
        }
        sections.last_mut().expect("a section").items.push(draft);
    }
    counts.environments = environments;
    Ok(sections)
}

/// A title on one line.
fn one_line_of(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The raw text of a `browsers` or `viewports` cell, to resolve against the matrix later.
fn names_in(row: &[String], column: Option<usize>) -> Option<Vec<String>> {
    Some(cell(row, column))
        .filter(|t| !t.is_empty())
        .map(|t| vec![t.to_string()])
}

/// Adds a continuation row to the item above: its steps and expectation after the item's,
/// its browsers and viewports to the item's.
fn merge_row(
    item: &mut Draft,
    steps: Vec<String>,
    expect: Option<String>,
    row: &[String],
    columns: &Columns,
) {
    let join = |into: &mut Option<String>, more: Option<String>| {
        if let Some(more) = more
            && into
                .as_deref()
                .is_none_or(|text| !text.lines().any(|l| l == more))
        {
            *into = Some(match into.take() {
                Some(text) => format!("{text}\n{more}"),
                None => more,
            });
        }
    };
    join(&mut item.steps, text_value(&steps.join("\n")));
    join(&mut item.expect, expect);
    for (field, names) in [
        (
            &mut item.browsers,
            names_in(row, columns.get(Field::Browsers)),
        ),
        (
            &mut item.viewports,
            names_in(row, columns.get(Field::Viewports)),
        ),
    ] {
        if let (Some(list), Some(more)) = (field.as_mut(), names) {
            list.extend(more);
        }
    }
}
