//! What both readers produce, and how it becomes a checklist: sections, unique ids, `only`.

use super::*;

// What both readers produce.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Draft {
    /// `row 7` or `line 12`.
    pub(super) location: String,
    pub(super) id: Option<String>,
    pub(super) title: String,
    pub(super) steps: Option<String>,
    pub(super) expect: Option<String>,
    pub(super) url: Option<String>,
    pub(super) severity: Option<crate::checklist::Severity>,
    pub(super) required: Option<bool>,
    pub(super) browsers: Option<Vec<String>>,
    pub(super) viewports: Option<Vec<String>>,
    /// Results typed into a matrix-shaped sheet's cells.
    pub(super) results: Vec<CellResult>,
}

/// A result found in a sheet's cell, by the matrix ids of its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CellResult {
    pub(super) browser: String,
    pub(super) viewport: String,
    pub(super) status: crate::status::Status,
    pub(super) note: Option<String>,
    /// `row 5, column `Safari iPhone``.
    pub(super) location: String,
}

/// A result found in the source, for the item it belongs to (by its final id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundResult {
    pub item: String,
    pub browser: String,
    pub viewport: String,
    pub status: crate::status::Status,
    pub note: Option<String>,
    /// Where in the source it was typed.
    pub location: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct DraftSection {
    pub(super) title: String,
    pub(super) items: Vec<Draft>,
    /// Where a section with no items was named, to report it; `None` to drop it silently.
    pub(super) named_at: Option<String>,
}

pub(super) const DEFAULT_SECTION: &str = "Checklist";

/// Turns drafts into the checklist: leaves out items the matrix leaves nothing of and empty
/// sections, and gives every section and item a valid, unique id.
pub(super) fn finish(
    id: String,
    title: String,
    matrix: Matrix,
    drafts: Vec<DraftSection>,
    skipped: &mut Vec<SkippedRow>,
) -> (OutChecklist, usize, usize, Vec<FoundResult>) {
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
    let ids = assign_ids(&id_bases(&items), &given);
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

    let found: Vec<FoundResult> = items
        .iter()
        .zip(&ids)
        .flat_map(|(item, id)| {
            item.results.iter().map(move |r| FoundResult {
                item: id.clone(),
                browser: r.browser.clone(),
                viewport: r.viewport.clone(),
                status: r.status,
                note: r.note.clone(),
                location: r.location.clone(),
            })
        })
        .collect();
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
        found,
    )
}

/// What each item's id is made from: the label of a title written `Label: what to check`
/// (`Doctype: The Doctype is HTML5…` → `doctype`) when no other item has that label, else
/// the whole title.
pub(super) fn id_bases(items: &[&Draft]) -> Vec<String> {
    let label = |title: &str| {
        let (label, _) = title.split_once(':')?;
        let label = label.trim();
        (!label.is_empty() && label.len() <= 32 && label.split_whitespace().count() <= 4)
            .then(|| slug_or(label, "item"))
    };
    let labels: Vec<Option<String>> = items.iter().map(|i| label(&i.title)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for label in labels.iter().flatten() {
        *seen.entry(label.as_str()).or_default() += 1;
    }
    items
        .iter()
        .zip(&labels)
        .map(|(item, label)| match label {
            Some(label) if seen.get(label.as_str()) == Some(&1) => label.clone(),
            _ => slug_or(&item.title, "item"),
        })
        .collect()
}

/// Whether some browser × viewport pair that the matrix keeps is one the item allows.
pub(super) fn applies_somewhere(matrix: &Matrix, item: &Draft) -> bool {
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
pub(super) fn assign_ids(bases: &[String], given: &[Option<String>]) -> Vec<String> {
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
pub(super) fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .expect("some suffix is free")
}

/// Ids stay short enough to read and type (issue #12: at most 40, cut at a word).
pub(super) const SLUG_MAX: usize = 40;

/// An id made of `text`: lowercase ASCII letters and digits, everything else `-` (collapsed,
/// trimmed; apostrophes dropped; common accented letters folded), at most 40 characters cut
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
pub(super) fn fold(c: char) -> String {
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
pub(super) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A file stem as a title: `ux_release-checklist` → `Ux release checklist`.
pub(super) fn readable(stem: &str) -> String {
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
pub(super) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub(super) fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
