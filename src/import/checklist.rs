//! Checklist import from CSV, XLSX and Markdown.
//!
//! # Spreadsheets (CSV, XLSX)
//!
//! The first non-blank row is the header. Column names are matched ignoring case, spaces,
//! `_` and `-`, a trailing `:` and a trailing `(…)` remark (`Severity (1-3)` is `severity`):
//!
//! | field | accepted names |
//! | --- | --- |
//! | `section` | section, area, group, category, heading |
//! | `id` | id, item id, key, slug |
//! | `title` (required) | title, item, check, checklist item, name, summary, task, test, test case |
//! | `steps` | steps, step, how to test, instructions, description, details, procedure |
//! | `expect` | expect, expected, expected result(s), expectation, expected outcome, expected behaviour/behavior |
//! | `url` | url, link, path |
//! | `severity` | severity, sev |
//! | `required` | required, mandatory |
//! | `browsers` | browsers, browser |
//! | `viewports` | viewports, viewport, devices, device, screens, screen sizes, sizes |
//!
//! Other columns are ignored and reported once (as `row 1`, the header). Rows:
//! - a blank row is skipped silently; a row with content but no title is reported;
//! - a blank section cell continues the current section; consecutive rows with the same
//!   section form one section, in source order; rows before any section go to `Checklist`;
//!   a row whose only content is a section name starts that section (a spreadsheet's
//!   "heading row");
//! - ids are kept when given (made valid if they are not), otherwise made from the title;
//!   every id is made unique with `-2`, `-3`…, and a renamed given id is reported;
//! - `severity` is 1, 2, 3 or blocker, major, minor (any case); `required` is yes/no,
//!   true/false, y/n, 1/0 or `x`. A blank `required` cell means required, except in a column
//!   whose non-blank cells are all `x`, where blank means not required;
//! - `browsers` and `viewports` list matrix ids (or names), separated by `,`, `;` or line
//!   breaks; `all` or `*` means no restriction. Names the matrix does not have are left out
//!   and reported.
//!
//! In an XLSX workbook the checklist is the first sheet not named `matrix`; other non-empty
//! sheets are reported as not read.
//!
//! # The matrix
//!
//! `--matrix FILE` (CSV or XLSX: its `matrix` sheet, else its first), else a sheet named
//! `matrix` (any case) in the checklist's workbook, else [`default_matrix`]. Its header names
//! columns among `kind` (or `type`), `id`, `name`, `width`, `height`, `launch`, `browser`,
//! `viewport`; each row is one of:
//! - `browser`: `id`, optional `name` and `launch`;
//! - `viewport`: `id`, `width`, `height` (pixels), optional `name`;
//! - `exclude`: `browser` and/or `viewport`, or an `id` like `safari/phone` (`*` or nothing on
//!   one side means every one).
//!
//! When the sheet lists no browsers (or no viewports), the default ones are used. Any problem
//! in the matrix is an error: a wrong matrix would change what gets tested.
//!
//! # Markdown (`.md`, `.markdown`)
//!
//! - every ATX heading (`#` … `######`) starts a section titled with its text (sections are
//!   flat; headings with no items under them make no section);
//! - the first heading, when it is a `# ` heading that comes before any task, is also the
//!   checklist's title;
//! - task-list items (`- [ ] …`, `* [x] …`, `+ [ ] …`, `1. [ ] …`, `1) [ ] …`) are items,
//!   whether checked or not; a nested task-list item is an item of its own;
//! - lines under an item indented more than its marker are its steps (dedented, bullets and
//!   blank lines between them kept), except a line `Expected: …` (also `Expect:`,
//!   `Expected result:`, optionally as a bullet or in bold), which becomes its `expect`;
//! - items before any heading go to a section `Checklist`;
//! - other text, code blocks and HTML comments are ignored, except that a list item which is
//!   not a task (outside an item) is reported as `line N: not a task-list item`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::table::{Sheet, decode, read_sheets_aligned};

/// A row or line of the source that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// `row 7` or `line 12`.
    pub location: String,
    pub reason: String,
}

/// What an import made.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The checklist, as YAML text that `Checklist::parse` accepts.
    pub yaml: String,
    pub sections: usize,
    pub items: usize,
    pub skipped: Vec<SkippedRow>,
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    /// A separate file (CSV or XLSX) describing the matrix.
    pub matrix: Option<&'a Path>,
    /// The checklist's id; derived from the file name when absent.
    pub id: Option<&'a str>,
    /// The checklist's title; derived from the file when absent.
    pub title: Option<&'a str>,
}

/// Reads `path` (CSV, XLSX or Markdown) and makes a checklist of it.
pub fn import_checklist(path: &Path, options: &ImportOptions<'_>) -> Result<Imported> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut skipped = Vec::new();
    let (mut sections, source_title, matrix) = match extension.as_str() {
        "md" | "markdown" => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let doc = parse_markdown(&decode(&bytes));
            skipped.extend(doc.skipped);
            let matrix = match options.matrix {
                Some(file) => matrix_from_file(file)?,
                None => default_matrix(),
            };
            (doc.sections, doc.title, matrix)
        }
        "csv" | "tsv" | "txt" | "xlsx" | "xlsm" | "xls" | "ods" => {
            let sheets = read_sheets_aligned(path)?;
            let (checklist_sheet, matrix_sheet) = pick_sheets(&sheets, &mut skipped)
                .with_context(|| format!("{} has no sheets", path.display()))?;
            let matrix = match (options.matrix, matrix_sheet) {
                (Some(file), _) => matrix_from_file(file)?,
                (None, Some(sheet)) => {
                    matrix_from_sheet(sheet, &format!("{} sheet `{}`", path.display(), sheet.name))?
                }
                (None, None) => default_matrix(),
            };
            let sections = parse_table(checklist_sheet, path, &mut skipped)?;
            (sections, None, matrix)
        }
        other => bail!(
            "{}: `.{other}` is not a file greenlight imports (CSV, XLSX or Markdown `.md`)",
            path.display()
        ),
    };
    resolve_only(&mut sections, &matrix, &mut skipped);
    let title = options
        .title
        .map(str::to_string)
        .or(source_title)
        .unwrap_or_else(|| readable(&stem));
    let id = match options.id {
        Some(id) if is_valid_id(id) => id.to_string(),
        Some(id) => slug_or(id, "checklist"),
        None => slug_or(&stem, "checklist"),
    };
    let (checklist, sections, items) = finish(id, title, matrix, sections, &mut skipped);
    // In the source's order: sheets first, then rows or lines by number.
    skipped.sort_by_key(|s| {
        let number = s
            .location
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse::<usize>().ok());
        (number.is_some(), number)
    });
    if items == 0 {
        bail!(
            "{}: found no checklist items{}",
            path.display(),
            if matches!(extension.as_str(), "md" | "markdown") {
                " (task-list items such as `- [ ] The page loads`)"
            } else {
                " (rows with a title)"
            }
        );
    }
    let yaml = format!(
        "# Made by `greenlight import` from {}.\n{}",
        printable(&path.file_name().unwrap_or_default().to_string_lossy()),
        serde_yaml::to_string(&checklist).context("cannot write the checklist as YAML")?
    );
    Ok(Imported {
        yaml,
        sections,
        items,
        skipped,
    })
}

// ---------------------------------------------------------------------------------------
// Output: serde types mirroring DESIGN.md §1.

#[derive(Debug, Serialize)]
struct OutChecklist {
    id: String,
    title: String,
    matrix: Matrix,
    sections: Vec<OutSection>,
}

/// A matrix, as written in the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    browsers: Vec<OutBrowser>,
    viewports: Vec<OutViewport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    exclude: Vec<OutExclusion>,
}

#[derive(Debug, Clone, Serialize)]
struct OutBrowser {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    launch: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct OutViewport {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    width: u32,
    height: u32,
}

#[derive(Debug, Clone, Serialize)]
struct OutExclusion {
    #[serde(skip_serializing_if = "Option::is_none")]
    browser: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    viewport: Option<String>,
}

#[derive(Debug, Serialize)]
struct OutSection {
    id: String,
    title: String,
    items: Vec<OutItem>,
}

#[derive(Debug, Serialize)]
struct OutItem {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    only: Option<OutOnly>,
}

#[derive(Debug, Serialize)]
struct OutOnly {
    #[serde(skip_serializing_if = "Option::is_none")]
    browsers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    viewports: Option<Vec<String>>,
}

/// Chrome, Firefox, Safari and Edge by phone, tablet, laptop and wide desktop.
pub fn default_matrix() -> Matrix {
    let browser = |id: &str, name: &str, launch: Option<&str>| OutBrowser {
        id: id.into(),
        name: Some(name.into()),
        launch: launch.map(str::to_string),
    };
    let viewport = |id: &str, name: &str, width, height| OutViewport {
        id: id.into(),
        name: Some(name.into()),
        width,
        height,
    };
    Matrix {
        browsers: vec![
            browser(
                "chrome",
                "Google Chrome",
                Some("chromium --new-window --window-size={width},{height} {url}"),
            ),
            browser("firefox", "Mozilla Firefox", None),
            browser("safari", "Safari", None),
            browser("edge", "Microsoft Edge", None),
        ],
        viewports: vec![
            viewport("phone", "Phone", 390, 844),
            viewport("tablet", "Tablet", 820, 1180),
            viewport("laptop", "Laptop", 1366, 768),
            viewport("wide", "Wide desktop", 1920, 1080),
        ],
        exclude: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// What both readers produce.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Draft {
    /// `row 7` or `line 12`.
    location: String,
    id: Option<String>,
    title: String,
    steps: Option<String>,
    expect: Option<String>,
    url: Option<String>,
    severity: Option<u8>,
    required: Option<bool>,
    browsers: Option<Vec<String>>,
    viewports: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct DraftSection {
    title: String,
    items: Vec<Draft>,
    /// Where a section with no items was named, to report it; `None` to drop it silently.
    named_at: Option<String>,
}

const DEFAULT_SECTION: &str = "Checklist";

/// Turns drafts into the checklist: leaves out items the matrix leaves nothing of and empty
/// sections, and gives every section and item a valid, unique id.
fn finish(
    id: String,
    title: String,
    matrix: Matrix,
    drafts: Vec<DraftSection>,
    skipped: &mut Vec<SkippedRow>,
) -> (OutChecklist, usize, usize) {
    let mut kept = Vec::new();
    for mut section in drafts {
        section.items.retain(|item| {
            let applies = applies_somewhere(&matrix, item);
            if !applies {
                skipped.push(SkippedRow {
                    location: item.location.clone(),
                    reason: format!(
                        "`{}` is left out: its browsers and viewports are all excluded by the matrix",
                        item.title
                    ),
                });
            }
            applies
        });
        if section.items.is_empty() {
            if let Some(at) = &section.named_at {
                skipped.push(SkippedRow {
                    location: at.clone(),
                    reason: format!("section `{}` has no items; left out", section.title),
                });
            }
        } else {
            kept.push(section);
        }
    }

    let items: Vec<&Draft> = kept.iter().flat_map(|s| &s.items).collect();
    let given: Vec<Option<String>> = items
        .iter()
        .map(|item| item.id.as_deref().map(|id| slug_or(id, "item")))
        .collect();
    let ids = assign_ids(
        &items
            .iter()
            .map(|i| slug_or(&i.title, "item"))
            .collect::<Vec<_>>(),
        &given,
    );
    for (n, item) in items.iter().enumerate() {
        if let (Some(original), Some(slugged)) = (&item.id, &given[n])
            && *slugged != ids[n]
        {
            skipped.push(SkippedRow {
                location: item.location.clone(),
                reason: format!(
                    "id `{original}` is already used; this item's id is `{}`",
                    ids[n]
                ),
            });
        }
    }
    let section_ids = assign_ids(
        &kept
            .iter()
            .map(|s| slug_or(&s.title, "section"))
            .collect::<Vec<_>>(),
        &vec![None; kept.len()],
    );

    let mut ids = ids.into_iter();
    let item_count = items.len();
    let sections: Vec<OutSection> = kept
        .into_iter()
        .zip(section_ids)
        .map(|(section, id)| OutSection {
            id,
            title: section.title,
            items: section
                .items
                .into_iter()
                .map(|d| OutItem {
                    id: ids.next().expect("an id per item"),
                    title: d.title,
                    steps: d.steps,
                    expect: d.expect,
                    url: d.url,
                    severity: d.severity,
                    required: d.required,
                    only: (d.browsers.is_some() || d.viewports.is_some()).then_some(OutOnly {
                        browsers: d.browsers,
                        viewports: d.viewports,
                    }),
                })
                .collect(),
        })
        .collect();
    let section_count = sections.len();
    (
        OutChecklist {
            id,
            title,
            matrix,
            sections,
        },
        section_count,
        item_count,
    )
}

/// Whether some browser × viewport pair that the matrix keeps is one the item allows.
fn applies_somewhere(matrix: &Matrix, item: &Draft) -> bool {
    matrix.browsers.iter().any(|b| {
        matrix.viewports.iter().any(|v| {
            let allowed = item.browsers.as_ref().is_none_or(|l| l.contains(&b.id))
                && item.viewports.as_ref().is_none_or(|l| l.contains(&v.id));
            let excluded = matrix.exclude.iter().any(|x| {
                x.browser.as_ref().is_none_or(|id| *id == b.id)
                    && x.viewport.as_ref().is_none_or(|id| *id == v.id)
            });
            allowed && !excluded
        })
    })
}

/// Unique ids, in order: a given id keeps its value the first time it appears; the rest
/// (made from `bases`, or repeated given ids) take `-2`, `-3`… avoiding every given id.
fn assign_ids(bases: &[String], given: &[Option<String>]) -> Vec<String> {
    let reserved: HashSet<&str> = given.iter().flatten().map(String::as_str).collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(bases.len());
    for (base, given) in bases.iter().zip(given) {
        let id = match given {
            Some(id) if !used.contains(id) => id.clone(),
            Some(id) => unique_id(id, |c| used.contains(c) || reserved.contains(c)),
            None => unique_id(base, |c| used.contains(c) || reserved.contains(c)),
        };
        used.insert(id.clone());
        out.push(id);
    }
    out
}

/// `base`, or the first of `base-2`, `base-3`… that is not `taken`.
fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .expect("some suffix is free")
}

const SLUG_MAX: usize = 48;

/// An id made of `text`: lowercase ASCII letters and digits, everything else `-` (collapsed,
/// trimmed; apostrophes dropped; common accented letters folded), at most 48 characters cut
/// at a word where possible; `fallback` when nothing is left.
pub fn slug_or(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if matches!(c, '\'' | '’' | '`') {
            continue;
        }
        for c in fold(c).chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    if out.len() > SLUG_MAX {
        let cut = match out[..=SLUG_MAX].rfind('-') {
            Some(dash) if dash >= SLUG_MAX / 2 => dash,
            _ => SLUG_MAX,
        };
        out.truncate(cut);
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        fallback.to_string()
    } else {
        trimmed.to_string()
    }
}

/// Latin letters with accents as plain ASCII (`é` → `e`), others unchanged.
fn fold(c: char) -> String {
    let plain = match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ř' => "r",
        'ś' | 'š' => "s",
        'ť' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => return c.to_string(),
    };
    plain.to_string()
}

/// `[a-z0-9][a-z0-9_-]*`, as DESIGN.md §1 requires of ids.
fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A file stem as a title: `ux_release-checklist` → `Ux release checklist`.
fn readable(stem: &str) -> String {
    let words: Vec<&str> = stem
        .split(|c: char| c == '_' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let mut text = words.join(" ");
    if text.chars().any(char::is_alphabetic)
        && !text.chars().any(|c| c.is_alphabetic() && c.is_lowercase())
    {
        text = text.to_lowercase();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Checklist".to_string(),
    }
}

/// Text without control characters, for a one-line YAML comment.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------
// Spreadsheets.

const KNOWN_FIELDS: &str =
    "section, id, title, steps, expect, url, severity, required, browsers, viewports";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
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
fn header_key(header: &str) -> String {
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
fn field_of(header: &str) -> Option<Field> {
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
fn pick_sheets<'s>(
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

fn is_blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

fn cell(row: &[String], column: Option<usize>) -> &str {
    column
        .and_then(|c| row.get(c))
        .map_or("", |text| text.trim())
}

/// Multi-line cell text with LF line ends and no trailing spaces; `None` when blank.
fn text_value(text: &str) -> Option<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let joined = lines.join("\n");
    let joined = joined.trim_matches('\n');
    (!joined.trim().is_empty()).then(|| joined.to_string())
}

fn parse_severity(text: &str) -> Option<u8> {
    let lower = text.trim().to_lowercase();
    match lower.as_str() {
        "1" | "blocker" => Some(1),
        "2" | "major" => Some(2),
        "3" | "minor" => Some(3),
        _ => None,
    }
}

fn parse_required(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "✓" | "✔" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// The sections of a checklist sheet.
fn parse_table(
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
            draft.severity = parse_severity(severity);
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
fn resolve_only(sections: &mut [DraftSection], matrix: &Matrix, skipped: &mut Vec<SkippedRow>) {
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
fn match_names(text: &str, known: &[(&str, &str)]) -> (Vec<String>, Vec<String>, bool) {
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

// ---------------------------------------------------------------------------------------
// The matrix sheet.

fn matrix_from_file(path: &Path) -> Result<Matrix> {
    let sheets = read_sheets_aligned(path)?;
    let sheet = sheets
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case("matrix"))
        .or(sheets.first())
        .with_context(|| format!("{} has no sheets", path.display()))?;
    let origin = if sheets.len() > 1 {
        format!("{} sheet `{}`", path.display(), sheet.name)
    } else {
        path.display().to_string()
    };
    matrix_from_sheet(sheet, &origin)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MatrixField {
    Kind,
    Id,
    Name,
    Width,
    Height,
    Launch,
    Browser,
    Viewport,
}

/// A matrix sheet (see the module documentation); every problem is an error naming `origin`
/// and the row.
fn matrix_from_sheet(sheet: &Sheet, origin: &str) -> Result<Matrix> {
    let Some(header_at) = sheet.rows.iter().position(|r| !is_blank(r)) else {
        bail!("{origin} is empty: a matrix needs a header row with `kind` and `id` columns");
    };
    let mut columns = HashMap::new();
    let mut problems = Vec::new();
    for (c, name) in sheet.rows[header_at].iter().enumerate() {
        let field = match header_key(name).as_str() {
            "" => continue,
            "kind" | "type" => MatrixField::Kind,
            "id" => MatrixField::Id,
            "name" => MatrixField::Name,
            "width" => MatrixField::Width,
            "height" => MatrixField::Height,
            "launch" | "command" => MatrixField::Launch,
            "browser" => MatrixField::Browser,
            "viewport" => MatrixField::Viewport,
            _ => {
                problems.push(format!(
                    "{origin} row {}: column `{}` is not a matrix field (kind, id, name, width, height, launch, browser, viewport)",
                    header_at + 1,
                    name.trim()
                ));
                continue;
            }
        };
        columns.entry(field).or_insert(c);
    }
    if !columns.contains_key(&MatrixField::Kind) {
        problems.push(format!(
            "{origin} row {}: no `kind` column (browser, viewport or exclude)",
            header_at + 1
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    let col = |f: MatrixField| columns.get(&f).copied();
    let mut browsers: Vec<OutBrowser> = Vec::new();
    let mut viewports: Vec<OutViewport> = Vec::new();
    let mut exclusions: Vec<(usize, Option<String>, Option<String>)> = Vec::new();
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
    for (n, row) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        let at = format!("{origin} row {}", n + 1);
        if is_blank(row) {
            continue;
        }
        let kind = cell(row, col(MatrixField::Kind)).to_lowercase();
        let id = cell(row, col(MatrixField::Id));
        let name = optional(cell(row, col(MatrixField::Name)));
        let checked_id = |problems: &mut Vec<String>| -> Option<String> {
            if id.is_empty() {
                problems.push(format!("{at}: a {kind} needs an `id`"));
                None
            } else if is_valid_id(id) {
                Some(id.to_string())
            } else if is_valid_id(&id.to_lowercase()) {
                Some(id.to_lowercase())
            } else {
                problems.push(format!(
                    "{at}: id `{id}` is not valid: use lowercase letters, digits, `-` and `_`"
                ));
                None
            }
        };
        match kind.as_str() {
            "browser" | "browsers" => {
                let Some(id) = checked_id(&mut problems) else {
                    continue;
                };
                if browsers.iter().any(|b| b.id == id) {
                    problems.push(format!("{at}: browser `{id}` is listed twice"));
                    continue;
                }
                browsers.push(OutBrowser {
                    id,
                    name,
                    launch: optional(cell(row, col(MatrixField::Launch))),
                });
            }
            "viewport" | "viewports" => {
                let Some(id) = checked_id(&mut problems) else {
                    continue;
                };
                if viewports.iter().any(|v| v.id == id) {
                    problems.push(format!("{at}: viewport `{id}` is listed twice"));
                    continue;
                }
                let mut size = |field, what| {
                    let text = cell(row, col(field));
                    match text.parse::<u32>() {
                        Ok(px) if (1..=100_000).contains(&px) => Some(px),
                        _ => {
                            problems.push(format!(
                                "{at}: {what} `{text}` is not a size in pixels (1 to 100000)"
                            ));
                            None
                        }
                    }
                };
                let (Some(width), Some(height)) = (
                    size(MatrixField::Width, "width"),
                    size(MatrixField::Height, "height"),
                ) else {
                    continue;
                };
                viewports.push(OutViewport {
                    id,
                    name,
                    width,
                    height,
                });
            }
            "exclude" | "exclusion" => {
                let mut browser = cell(row, col(MatrixField::Browser)).to_string();
                let mut viewport = cell(row, col(MatrixField::Viewport)).to_string();
                if browser.is_empty() && viewport.is_empty() {
                    let (b, v) = id.split_once('/').unwrap_or((id, ""));
                    browser = b.trim().to_string();
                    viewport = v.trim().to_string();
                }
                let side =
                    |text: String| (!text.is_empty() && text != "*").then(|| text.to_lowercase());
                let (browser, viewport) = (side(browser), side(viewport));
                if browser.is_none() && viewport.is_none() {
                    problems.push(format!(
                        "{at}: an exclusion needs a `browser`, a `viewport` or both (or an id like `safari/phone`)"
                    ));
                    continue;
                }
                exclusions.push((n + 1, browser, viewport));
            }
            "" => problems.push(format!("{at}: no `kind` (browser, viewport or exclude)")),
            other => problems.push(format!(
                "{at}: kind `{other}` is not browser, viewport or exclude"
            )),
        }
    }
    let default = default_matrix();
    if browsers.is_empty() {
        browsers = default.browsers;
    }
    if viewports.is_empty() {
        viewports = default.viewports;
    }
    let mut exclude = Vec::new();
    for (row, browser, viewport) in exclusions {
        let at = format!("{origin} row {row}");
        if let Some(b) = &browser
            && !browsers.iter().any(|x| x.id == *b)
        {
            problems.push(format!(
                "{at}: excluded browser `{b}` is not in the matrix (it has {})",
                list(browsers.iter().map(|x| &x.id))
            ));
            continue;
        }
        if let Some(v) = &viewport
            && !viewports.iter().any(|x| x.id == *v)
        {
            problems.push(format!(
                "{at}: excluded viewport `{v}` is not in the matrix (it has {})",
                list(viewports.iter().map(|x| &x.id))
            ));
            continue;
        }
        exclude.push(OutExclusion { browser, viewport });
    }
    if !problems.is_empty() {
        bail!("the matrix has problems:\n{}", problems.join("\n"));
    }
    Ok(Matrix {
        browsers,
        viewports,
        exclude,
    })
}

// ---------------------------------------------------------------------------------------
// Markdown.

#[derive(Debug, Default)]
struct MarkdownChecklist {
    title: Option<String>,
    sections: Vec<DraftSection>,
    skipped: Vec<SkippedRow>,
}

/// An item being read: its draft, the column of its marker, and the lines under it.
struct OpenItem {
    draft: Draft,
    indent: usize,
    lines: Vec<String>,
}

/// A list item's marker: `(indent, text after the marker)`.
fn list_item(line: &str) -> Option<(usize, &str)> {
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
fn task_text(text: &str) -> Option<&str> {
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
fn is_thematic_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| compact.chars().all(|c| c.to_string() == *m))
}

/// An ATX heading: `(level, text)`.
fn heading(line: &str) -> Option<(usize, String)> {
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
fn fence(trimmed: &str) -> Option<(char, usize)> {
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.len() - trimmed.trim_start_matches(ch).len();
    (len >= 3).then_some((ch, len))
}

/// HTML comments removed, keeping their line breaks so that line numbers hold.
fn strip_html_comments(text: &str) -> String {
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
fn expand_tabs(line: &str) -> String {
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
fn expected_line(line: &str) -> Option<String> {
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
    fn finish(self) -> Draft {
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

fn parse_markdown(text: &str) -> MarkdownChecklist {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_words() {
        assert_eq!(slug_or("Log in with SSO", "item"), "log-in-with-sso");
        assert_eq!(slug_or("  --Café & crème!!  ", "item"), "cafe-creme");
        assert_eq!(
            slug_or("Don't break the build", "item"),
            "dont-break-the-build"
        );
        assert_eq!(slug_or("???", "item"), "item");
        assert_eq!(slug_or("", "section"), "section");
        assert_eq!(slug_or("日本語", "item"), "item");
        let long = slug_or(
            "The dashboard shows every widget without any layout shift at all",
            "item",
        );
        assert!(long.len() <= SLUG_MAX, "{long}");
        assert_eq!(long, "the-dashboard-shows-every-widget-without-any");
        let unbroken = slug_or(&"a".repeat(60), "item");
        assert_eq!(unbroken.len(), SLUG_MAX);
        assert!(is_valid_id(&long) && is_valid_id(&unbroken));
    }

    #[test]
    fn ids_are_unique_and_given_ones_win() {
        let bases: Vec<String> = ["login", "login", "login", "logout"]
            .map(String::from)
            .to_vec();
        let given = vec![None, None, Some("login-2".to_string()), None];
        // `login-2` is given later, so the second generated id skips it.
        assert_eq!(
            assign_ids(&bases, &given),
            ["login", "login-3", "login-2", "logout"]
        );
        let given = vec![Some("a".to_string()), Some("a".to_string()), None, None];
        assert_eq!(assign_ids(&bases, &given), ["a", "a-2", "login", "logout"]);
        assert_eq!(unique_id("x", |c| c == "x" || c == "x-2"), "x-3");
    }

    #[test]
    fn headers_match_synonyms() {
        assert_eq!(field_of(" Expected Result "), Some(Field::Expect));
        assert_eq!(field_of("Severity (1-3)"), Some(Field::Severity));
        assert_eq!(field_of("how_to_test"), Some(Field::Steps));
        assert_eq!(field_of("TITLE:"), Some(Field::Title));
        assert_eq!(field_of("Owner"), None);
    }

    #[test]
    fn severities_and_required_marks() {
        assert_eq!(parse_severity("Blocker"), Some(1));
        assert_eq!(parse_severity(" 3 "), Some(3));
        assert_eq!(parse_severity("critical"), None);
        assert_eq!(parse_required("X"), Some(true));
        assert_eq!(parse_required("No"), Some(false));
        assert_eq!(parse_required("maybe"), None);
    }

    #[test]
    fn markdown_lines_are_recognised() {
        assert_eq!(list_item("- [ ] a"), Some((0, "[ ] a")));
        assert_eq!(list_item("  12) [x] b"), Some((2, "[x] b")));
        assert_eq!(list_item("-no"), None);
        assert_eq!(task_text("[X] Done"), Some("Done"));
        assert_eq!(task_text("[x]Done"), None);
        assert_eq!(task_text("[ ]"), Some(""));
        assert_eq!(heading("## Login ##"), Some((2, "Login".to_string())));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("    # code"), None);
        assert!(is_thematic_break("* * *"));
        assert_eq!(
            expected_line("- **Expected:** it works"),
            Some("it works".to_string())
        );
        assert_eq!(expected_line("Expected result: ok"), Some("ok".to_string()));
        assert_eq!(expected_line("Expect nothing"), None);
        assert_eq!(strip_html_comments("a<!-- x\ny -->b\nc"), "a\nb\nc");
    }

    #[test]
    fn markdown_headings_tasks_and_steps() {
        let doc = parse_markdown(
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
             \x20 Expected: the dashboard opens\n\
             - [x] Log out\n\
             \x20 - [ ] Log out on every tab\n\
             - A plain bullet\n\
             \x20 - its child\n\
             \n\
             ## Empty\n\
             ```\n\
             - [ ] not a task: code\n\
             ```\n\
             ### Pay\n\
             * [ ] Pay by card\n",
        );
        assert_eq!(doc.title.as_deref(), Some("Release 2.0"));
        let sections: Vec<(&str, Vec<&str>)> = doc
            .sections
            .iter()
            .map(|s| {
                (
                    s.title.as_str(),
                    s.items.iter().map(|i| i.title.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            sections,
            [
                ("Checklist", vec![]),
                ("Release 2.0", vec![]),
                (
                    "Login",
                    vec!["Log in with a password", "Log out", "Log out on every tab"]
                ),
                ("Empty", vec![]),
                ("Pay", vec!["Pay by card"]),
            ]
        );
        let login = &doc.sections[2].items[0];
        assert_eq!(login.location, "line 6");
        assert_eq!(
            login.steps.as_deref(),
            Some("1. Open /login\n2. Type the password\n\n   - nested detail")
        );
        assert_eq!(login.expect.as_deref(), Some("the dashboard opens"));
        assert_eq!(doc.sections[2].items[2].location, "line 13");
        assert_eq!(
            doc.skipped,
            [SkippedRow {
                location: "line 14".into(),
                reason: "not a task-list item (`- [ ] …`); ignored".into()
            }]
        );
    }

    #[test]
    fn a_first_heading_after_tasks_is_not_the_title() {
        let doc = parse_markdown("- [ ] First\n# Later\n- [ ] Second\n");
        assert_eq!(doc.title, None);
        assert_eq!(doc.sections[0].items[0].title, "First");
        assert_eq!(doc.sections[1].title, "Later");
    }

    #[test]
    fn names_match_ids_and_display_names() {
        let known = [("chrome", "Google Chrome"), ("safari", "Safari")];
        let (ids, unknown, all) = match_names("Google Chrome; SAFARI, opera", &known);
        assert_eq!(ids, ["chrome", "safari"]);
        assert_eq!(unknown, ["opera"]);
        assert!(!all);
        assert!(match_names("all", &known).2);
    }

    #[test]
    fn readable_titles_from_file_names() {
        assert_eq!(readable("ux_release-checklist"), "Ux release checklist");
        assert_eq!(readable("RELEASE"), "Release");
        assert_eq!(readable(""), "Checklist");
    }
}
