//! Checklist import from CSV, XLSX and Markdown.
//!
//! # Spreadsheets (CSV, XLSX)
//!
//! The header is the row, among the first ten with text, that names the most fields (a
//! title among them); rows above it (a caption, a date) are reported and not read. Column
//! names are matched ignoring case, spaces, `_` and `-`, a trailing `:` and a trailing `(…)`
//! remark (`Severity (1-3)` is `severity`), and `TestCaseID` is `test case id`:
//!
//! | field | accepted names |
//! | --- | --- |
//! | `section` | section, area, group, category, heading, module, feature, component, page, screen, suite, functionality |
//! | `id` | id, item id, key, slug, test case id, tc id, case id, test id, ref; `item` when a title column exists too |
//! | `title` (required) | title, check, checklist item, summary, task, test, test case (title/name), test name, scenario, test scenario, item; else `name`, else `description` |
//! | `steps` | precondition, test data and steps (steps, test steps, instructions, details, procedure, actions), joined in that order; `step #` numbers the steps; a `description` beside a title comes last |
//! | `expect` | expect, expected, expected result(s), expected output, expectation, expected outcome, expected behaviour/behavior |
//! | `url` | url, link, path |
//! | `severity` | severity, sev, priority, prio, impact, importance: 1/2/3, blocker/major/minor, high/medium/low, P0–P4, critical, trivial |
//! | `required` | required, mandatory |
//! | `browsers` | browsers, browser |
//! | `viewports` | viewports, viewport, devices, device, screens, screen sizes, sizes |
//!
//! A `name` column beside a real title is left out (it is usually the author). Other columns
//! are ignored and reported once (as the header's row). Rows:
//! - a blank row is skipped silently;
//! - a row with no title and no id that has steps or an expected result goes on with the
//!   item above (a test case written one step per row); so does a row repeating the item's
//!   id and title (one row per environment, as greenlight's own export): they are merged,
//!   and counted;
//! - a row with section text starts that section (a blank section cell continues the
//!   current one); so does a row whose only text is in the id column, or alone in a first
//!   title column when most items fill more than their title (a "heading row"); section
//!   names written as ids (`checkout-flow`) are made readable; rows before any section go
//!   to `Checklist`;
//! - any other row with no title is reported;
//! - ids are kept when given (made valid if they are not), otherwise made from the title's
//!   label (`Doctype: …` → `doctype`) or the title; every id is made unique with `-2`,
//!   `-3`…, and a renamed given id is reported;
//! - `required` is yes/no, true/false, y/n, 1/0 or `x`. A blank `required` cell means
//!   required, except in a column whose non-blank cells are all `x`, where blank means not
//!   required;
//! - `browsers` and `viewports` list matrix ids (or names), separated by `,`, `;` or line
//!   breaks; `all` or `*` means no restriction. Names the matrix does not have are left out
//!   and reported.
//!
//! In an XLSX workbook the checklist is the first sheet that is not a matrix definition (a
//! sheet named `matrix` with a `kind` column); other non-empty sheets are reported as not
//! read, so greenlight's own workbook imports from its `Results` sheet.
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
//! Read with a CommonMark parser (pulldown-cmark, GitHub task lists), so a wrapped line
//! (lazy continuation), nesting and inline markup mean what they mean on GitHub:
//! - headings are sections, nested: items under `## HTML` then `### Best practices` are in
//!   the section `HTML › Best practices`; a first `# ` heading before any item is the
//!   checklist's title, not a section;
//! - task-list items (`- [ ] …`, `- [x] …`, at any depth, also under a plain bullet) are
//!   items; ticked ones are imported like the others and counted;
//! - an item's title is its first paragraph on one line with markup reduced to text (links
//!   keep their text, images are badges); a priority word or badge (High/Medium/Low, P0–P4,
//!   blocker/critical, major, minor/trivial) at its start or end, or as an image's alt text,
//!   becomes the item's severity and leaves the title;
//! - whatever else the item holds (paragraphs, plain or numbered sub-lists, code) is its
//!   steps, except lines `Expected: …` (`Expect:`, `Expected result:`), its `expect`;
//! - plain and numbered lists outside items are reported (one line per list) and, with
//!   `--lists`, imported as items, as are bare `[ ] …` lines; with no item at all the error
//!   says what the file held instead.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::table::{Sheet, decode, read_sheets};

mod draft;
mod grid;
mod markdown;
mod matrix;
mod output;
mod priority;
mod resolve;
mod sheet;
mod yaml11;

// The parts share one namespace: each sees the others' items through `use super::*`.
pub use draft::FoundResult;
use {draft::*, grid::*, markdown::*, matrix::*, output::*, priority::*, resolve::*, sheet::*};

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
    /// Items that were ticked in the source (`[x]`); imported, their tick not kept.
    pub checked: usize,
    /// Sheet rows that went on with the item above (a test case one step per row, or one
    /// row per environment) and were merged into it.
    pub merged: usize,
    /// Results typed into a matrix-shaped sheet, to bring into a run.
    pub results: Vec<FoundResult>,
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
    /// Markdown: plain and numbered list items and bare `[ ]` lines become items too.
    pub lists: bool,
    /// Sheets: columns mapped by hand, `Header=field` pairs (`field` may be `ignore`).
    pub columns: &'a [String],
}

/// `--columns` pairs as a map, or an error naming the pair that is not one.
fn column_map(pairs: &[String]) -> Result<Vec<(String, Option<sheet::Field>)>> {
    pairs
        .iter()
        .map(|pair| {
            let Some((header, field)) = pair.split_once('=') else {
                bail!("--columns `{pair}`: write it as HEADER=FIELD, such as `Scenario=title`");
            };
            let Some(field) = field_named(field) else {
                bail!(
                    "--columns `{pair}`: `{}` is not a field (section, id, title, steps, precondition, \
                     test data, step number, expect, url, severity, required, browsers, viewports, ignore)",
                    field.trim()
                );
            };
            Ok((header_key(header), field))
        })
        .collect()
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
    let mut checked = 0;
    let mut counts = SheetCounts::default();
    // Lines for the top of the YAML: what a person should check.
    let mut notes: Vec<String> = Vec::new();
    let (mut sections, source_title, mut matrix) = match extension.as_str() {
        "md" | "markdown" => {
            let bytes = crate::fsutil::read_regular_file(path, 64 << 20)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let doc = parse_markdown(
                &decode(&bytes),
                MarkdownOptions {
                    lists: options.lists,
                },
            );
            if doc.sections.iter().all(|s| s.items.is_empty()) {
                bail!("{}: {}", path.display(), nothing_found(&doc));
            }
            checked = doc.checked;
            skipped.extend(doc.skipped);
            let matrix = match options.matrix {
                Some(file) => matrix_from_file(file)?,
                None => default_matrix(),
            };
            (doc.sections, doc.title, matrix)
        }
        "csv" | "tsv" | "txt" | "xlsx" | "xlsm" | "xls" | "ods" => {
            let sheets = read_sheets(path)?;
            let (checklist_sheet, matrix_sheet) = pick_sheets(&sheets, &mut skipped)
                .with_context(|| format!("{} has no sheets", path.display()))?;
            let matrix = match (options.matrix, matrix_sheet) {
                (Some(file), _) => matrix_from_file(file)?,
                (None, Some(sheet)) => {
                    matrix_from_sheet(sheet, &format!("{} sheet `{}`", path.display(), sheet.name))?
                }
                (None, None) => default_matrix(),
            };
            let by_hand = column_map(options.columns)?;
            let sections = parse_table(checklist_sheet, path, &mut skipped, &mut counts, &by_hand)?;
            // Columns named for environments are the matrix, unless one was given.
            let matrix = if !counts.environments.is_empty() && matrix.is_default {
                let headers: Vec<&str> = counts
                    .environments
                    .iter()
                    .map(|e| e.header.as_str())
                    .collect();
                notes.push(format!(
                    "The matrix was made from the sheet's columns ({}); window sizes are guesses: check them.",
                    headers.join(", ")
                ));
                matrix_of(&counts.environments)
            } else {
                matrix
            };
            (sections, None, matrix)
        }
        other => bail!(
            "{}: `.{other}` is not a file greenlight imports (CSV, XLSX or Markdown `.md`)",
            path.display()
        ),
    };
    // The default matrix is only a guess: browsers and sizes the source names are added to
    // it. A matrix the user gave is the truth, and names it lacks are left out.
    let may_extend = options.matrix.is_none() && matrix.is_default;
    notes.extend(resolve_only(
        &mut sections,
        &mut matrix,
        &mut skipped,
        may_extend,
    ));
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
    let (checklist, sections, items, results) = finish(id, title, matrix, sections, &mut skipped);
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
    let added: String = notes
        .iter()
        .map(|note| format!("# {}\n", printable(note)))
        .collect();
    let yaml = format!(
        "# Made by `greenlight import` from {}.\n{added}{}",
        printable(&path.file_name().unwrap_or_default().to_string_lossy()),
        yaml11::quote_for_yaml11(
            &serde_yaml::to_string(&checklist).context("cannot write the checklist as YAML")?
        )
    );
    Ok(Imported {
        yaml,
        sections,
        items,
        skipped,
        checked,
        merged: counts.merged,
        results,
    })
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
        assert_eq!(long, "the-dashboard-shows-every-widget-without");
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
    fn required_marks() {
        assert_eq!(parse_required("X"), Some(true));
        assert_eq!(parse_required("No"), Some(false));
        assert_eq!(parse_required("maybe"), None);
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
