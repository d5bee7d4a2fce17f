//! The names a source gives browsers and viewports (`Google Chrome`, `desktop`), matched to
//! the matrix's ids; names the default matrix lacks are added to it with a guessed size.

use super::*;

/// Resolves the raw `browsers`/`viewports` cells of the drafts to matrix ids, reporting
/// names the matrix does not have.
///
/// With `may_extend`, names the matrix lacks are added to it first (browsers by name,
/// viewports at a size guessed from the name); returns a line for each, to write at the top
/// of the checklist so that the guess gets checked.
pub(super) fn resolve_only(
    sections: &mut [DraftSection],
    matrix: &mut Matrix,
    skipped: &mut Vec<SkippedRow>,
    may_extend: bool,
) -> Vec<String> {
    let mut added = Vec::new();
    if may_extend {
        added = extend_matrix(sections, matrix, skipped);
    }
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
    added
}

/// Adds to `matrix` every browser and viewport the items name that it lacks; a line for each.
fn extend_matrix(
    sections: &[DraftSection],
    matrix: &mut Matrix,
    skipped: &mut Vec<SkippedRow>,
) -> Vec<String> {
    let mut added = Vec::new();
    for item in sections.iter().flat_map(|s| &s.items) {
        for (raw, is_browser) in [(&item.browsers, true), (&item.viewports, false)] {
            let Some(raw) = raw else { continue };
            let known: Vec<(String, String)> = if is_browser {
                matrix
                    .browsers
                    .iter()
                    .map(|b| (b.id.clone(), b.name.clone().unwrap_or_else(|| b.id.clone())))
                    .collect()
            } else {
                matrix
                    .viewports
                    .iter()
                    .map(|v| (v.id.clone(), v.name.clone().unwrap_or_else(|| v.id.clone())))
                    .collect()
            };
            let known: Vec<(&str, &str)> = known
                .iter()
                .map(|(i, n)| (i.as_str(), n.as_str()))
                .collect();
            let (_, unknown, _) = match_names(&raw.join(","), &known);
            for name in unknown {
                let id = slug_or(&name, "other");
                let note = if is_browser {
                    matrix.browsers.push(OutBrowser {
                        id: id.clone(),
                        name: Some(name.clone()),
                        launch: None,
                    });
                    format!("browser `{id}` ({name}) was added to the matrix: the sheet names it")
                } else {
                    let (width, height) = guessed_size(&name);
                    matrix.viewports.push(OutViewport {
                        id: id.clone(),
                        name: Some(readable(&name)),
                        width,
                        height,
                    });
                    format!(
                        "viewport `{id}` was added to the matrix at {width}×{height}: the sheet names it; the size is a guess, check it"
                    )
                };
                skipped.push(SkippedRow {
                    location: item.location.clone(),
                    reason: note.clone(),
                });
                added.push(note);
            }
        }
    }
    added
}

/// A window size for a viewport known only by its name.
pub(super) fn guessed_size(name: &str) -> (u32, u32) {
    let name = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["watch"]) {
        (198, 242)
    } else if has(&["phone", "mobile", "android", "pixel", "small"]) {
        (390, 844)
    } else if has(&["tablet", "ipad"]) {
        (820, 1180)
    } else if has(&["laptop", "notebook"]) {
        (1366, 768)
    } else if has(&["wide", "large", "4k", "tv"]) {
        (1920, 1080)
    } else {
        (1440, 900)
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
