//! Sheets laid out as the matrix itself: a row per check and a column per environment
//! (`Chrome Desktop`, `Safari iPhone`, …), the results typed in the cells. The columns make
//! the matrix, and the results can be brought into a run.

use crate::status::Status;

use super::*;

/// Browser words a column name may start or end with, and the id each means.
const BROWSERS: [(&str, &str); 11] = [
    ("chrome", "chrome"),
    ("chromium", "chrome"),
    ("firefox", "firefox"),
    ("safari", "safari"),
    ("edge", "edge"),
    ("opera", "opera"),
    ("samsung", "samsung"),
    ("brave", "brave"),
    ("webkit", "webkit"),
    ("ie", "ie"),
    ("ie11", "ie"),
];

/// Device words, each a viewport id.
const DEVICES: [&str; 13] = [
    "desktop", "laptop", "phone", "mobile", "iphone", "android", "tablet", "ipad", "wide", "small",
    "large", "watch", "pixel",
];

/// A column that names an environment: the browser's id and the viewport's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EnvironmentColumn {
    pub(super) column: usize,
    pub(super) header: String,
    pub(super) browser: String,
    pub(super) viewport: String,
}

/// `Chrome Desktop`, `Safari - iPhone`, `Firefox (Android)`: a browser word and a device word
/// in either order, and nothing else.
pub(super) fn environment_of(header: &str) -> Option<(String, String)> {
    let words: Vec<String> = header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let [a, b] = words.as_slice() else {
        return None;
    };
    let browser = |w: &str| {
        BROWSERS
            .iter()
            .find(|(word, _)| *word == w)
            .map(|(_, id)| *id)
    };
    let device = |w: &str| DEVICES.contains(&w);
    match (browser(a), browser(b)) {
        (Some(id), None) if device(b) => Some((id.to_string(), b.clone())),
        (None, Some(id)) if device(a) => Some((id.to_string(), a.clone())),
        _ => None,
    }
}

/// The environment columns of a header, when there are at least two (one could be chance).
pub(super) fn environment_columns(header: &[String]) -> Vec<EnvironmentColumn> {
    let found: Vec<EnvironmentColumn> = header
        .iter()
        .enumerate()
        .filter_map(|(column, name)| {
            let (browser, viewport) = environment_of(name)?;
            Some(EnvironmentColumn {
                column,
                header: name.trim().to_string(),
                browser,
                viewport,
            })
        })
        .collect();
    if found.len() >= 2 { found } else { Vec::new() }
}

/// The matrix the environment columns make: their browsers and viewports in order, sizes
/// guessed from the device, and every pair the sheet has no column for excluded.
pub(super) fn matrix_of(columns: &[EnvironmentColumn]) -> Matrix {
    let default = default_matrix();
    let mut browsers: Vec<OutBrowser> = Vec::new();
    let mut viewports: Vec<OutViewport> = Vec::new();
    for column in columns {
        if !browsers.iter().any(|b| b.id == column.browser) {
            let known = default.browsers.iter().find(|b| b.id == column.browser);
            browsers.push(OutBrowser {
                id: column.browser.clone(),
                name: Some(
                    known
                        .and_then(|b| b.name.clone())
                        .unwrap_or_else(|| readable(&column.browser)),
                ),
                launch: known.and_then(|b| b.launch.clone()),
            });
        }
        if !viewports.iter().any(|v| v.id == column.viewport) {
            let (width, height) = guessed_size(&column.viewport);
            viewports.push(OutViewport {
                id: column.viewport.clone(),
                name: Some(readable(&column.viewport)),
                width,
                height,
            });
        }
    }
    let mut exclude = Vec::new();
    for browser in &browsers {
        for viewport in &viewports {
            let present = columns
                .iter()
                .any(|c| c.browser == browser.id && c.viewport == viewport.id);
            if !present {
                exclude.push(OutExclusion {
                    browser: Some(browser.id.clone()),
                    viewport: Some(viewport.id.clone()),
                });
            }
        }
    }
    Matrix {
        browsers,
        viewports,
        exclude,
        is_default: false,
    }
}

/// A result typed into a cell: a status word first (`pass`, `ok`, `✓`, `fail`, `✗`,
/// `blocked`, `skip`, `n/a`…), then, after a separator, a note (`fail - menu overlaps`).
/// `None` for text that names no status.
pub(super) fn result_of(text: &str) -> Option<(Status, Option<String>)> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '✓' | '✔' | '✗' | '✘' | '/')))
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(split);
    let status = match word.to_lowercase().as_str() {
        "pass" | "passed" | "ok" | "okay" | "✓" | "✔" | "yes" | "y" | "good" | "works" | "done" => {
            Status::Pass
        }
        "fail" | "failed" | "✗" | "✘" | "no" | "nok" | "ko" | "broken" | "bug" | "issue" => {
            Status::Fail
        }
        "blocked" | "block" => Status::Blocked,
        "skip" | "skipped" | "n/a" | "na" => Status::Skip,
        _ => return None,
    };
    let note = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | ','))
        .trim();
    Some((status, (!note.is_empty()).then(|| note.to_string())))
}
