//! Bug reports from a run's failures (issue #15): one draft per failed cell, or per failed
//! item with its environments grouped, holding every fact a developer needs — where, what
//! happened, steps, expected, how it was found, when, how bad, and the evidence — and a
//! stable fingerprint in a hidden marker, so that a tracker never gets the same report twice.
//!
//! Everything in a draft that came from the run or the checklist is untrusted (a checklist
//! arrives in a pull request): one-line text is escaped for Markdown, and free text goes into
//! fenced blocks whose fence is longer than any backtick run inside, so nothing can close
//! them, open HTML, or forge the marker.

pub mod tracker;

use serde::Serialize;

use crate::checklist::{Cell, Checklist, Severity};
use crate::journal::Evidence;
use crate::run::Run;
use crate::signoff::comment::{cut, escape};
use crate::status::Status;
use crate::untrusted::one_line;

/// How drafts are cut: one per failed cell, or one per item failing anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Grouping {
    /// One report per failed cell.
    #[default]
    Cell,
    /// One report per failed item, the environments it fails in together.
    Item,
}

/// One bug report, ready for a tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// sha256 of checklist id, item and (per cell) browser and viewport: the same failure
    /// gets the same fingerprint in every run.
    pub fingerprint: String,
    pub title: String,
    /// `severity:1` (the app does not work), `severity:2`, `severity:3` (minor).
    pub severity_label: String,
    /// The Markdown body, ending with the hidden marker.
    pub body: String,
    /// The cells it reports, `item@browser/viewport`.
    pub cells: Vec<String>,
    /// Evidence files as kept in the run folder (`evidence/SHA256.EXT`).
    pub evidence: Vec<Evidence>,
}

/// The marker a draft's body ends with: `<!-- greenlight:fingerprint=HEX -->`.
pub fn marker(fingerprint: &str) -> String {
    format!("<!-- greenlight:fingerprint={fingerprint} -->")
}

/// The fingerprint a body carries, read only from its last non-empty line, exactly as
/// [`marker`] writes it: text quoted higher up in a body can never pass for one.
pub fn fingerprint_of(body: &str) -> Option<String> {
    let last = body
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())?
        .trim();
    let hex = last
        .strip_prefix("<!-- greenlight:fingerprint=")?
        .strip_suffix(" -->")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hex.to_string())
}

/// The fingerprint of a failure: the checklist, the item and, for a cell, where.
pub fn fingerprint(checklist: &str, item: &str, place: Option<(&str, &str)>) -> String {
    let key = match place {
        Some((browser, viewport)) => format!("{checklist}\n{item}\n{browser}\n{viewport}"),
        None => format!("{checklist}\n{item}"),
    };
    crate::fsutil::sha256_hex(key.as_bytes())
}

/// The fingerprint of one cell of `checklist`.
pub fn cell_fingerprint(checklist: &Checklist, cell: Cell) -> String {
    let env = checklist.environments[cell.environment];
    fingerprint(
        &checklist.id,
        &checklist.items[cell.item].id,
        Some((
            &checklist.browsers[env.browser].id,
            &checklist.viewports[env.viewport].id,
        )),
    )
}

/// Where a draft's evidence is seen by whoever opens the issue: the files uploaded to a
/// branch of the repository, linked from the body and images shown in it. Without one, the
/// body names each file by its hash and its place in the run folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceHost {
    /// `https://github.com/OWNER/NAME/blob/BRANCH`.
    base: String,
}

impl EvidenceHost {
    /// The branch evidence files are uploaded to, apart from the code.
    pub const BRANCH: &'static str = "greenlight-evidence";

    /// The evidence branch of the GitHub repository `owner/name`.
    pub fn github(name_with_owner: &str) -> EvidenceHost {
        EvidenceHost {
            base: format!(
                "https://github.com/{name_with_owner}/blob/{}",
                EvidenceHost::BRANCH
            ),
        }
    }

    /// Where `evidence` is seen once uploaded.
    pub fn url(&self, evidence: &Evidence) -> Option<String> {
        Some(format!("{}/{}?raw=true", self.base, repo_path(evidence)?))
    }
}

/// Where an evidence file goes in the repository's evidence branch: by its hash, so a file
/// attached to several failures is uploaded once.
pub fn repo_path(evidence: &Evidence) -> Option<String> {
    Some(format!(
        ".greenlight/evidence/{}",
        crate::evidence::file_name_of(evidence)?
    ))
}

/// Whether a tracker shows `evidence` as a picture.
fn is_image(evidence: &Evidence) -> bool {
    let extension = std::path::Path::new(&evidence.path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        extension.as_deref(),
        Some("png" | "jpg" | "jpeg" | "gif" | "webp")
    )
}

/// The drafts for every failed cell of `run`, worst severity first, then in checklist order;
/// with `host`, their evidence is linked to (and pictures shown from) it.
pub fn drafts(run: &Run, grouping: Grouping, host: Option<&EvidenceHost>) -> Vec<Draft> {
    let checklist = run.checklist();
    let failed: Vec<Cell> = checklist
        .cells()
        .filter(|&cell| run.status(cell) == Some(Status::Fail))
        .collect();
    let mut drafts: Vec<(Severity, Draft)> = match grouping {
        Grouping::Cell => failed
            .iter()
            .map(|&cell| draft(run, &[cell], true, host))
            .collect(),
        Grouping::Item => {
            let mut by_item: Vec<(usize, Vec<Cell>)> = Vec::new();
            for &cell in &failed {
                match by_item.last_mut() {
                    Some((item, cells)) if *item == cell.item => cells.push(cell),
                    _ => by_item.push((cell.item, vec![cell])),
                }
            }
            by_item
                .iter()
                .map(|(_, cells)| draft(run, cells, false, host))
                .collect()
        }
    };
    drafts.sort_by_key(|(severity, _)| *severity);
    drafts.into_iter().map(|(_, draft)| draft).collect()
}

/// The most characters of one note, steps or expectation put in a report: GitHub takes no
/// body over 65,536 characters, and a report of 14 environments holds 14 notes.
const TEXT_LIMIT: usize = 3_000;
/// The most characters of a title (GitHub takes 256).
const TITLE_LIMIT: usize = 200;

/// A fenced block holding `text` as it is (cut to [`TEXT_LIMIT`]): the fence is longer than
/// any run of backticks in it, so the text cannot close it.
fn fenced(text: &str) -> String {
    let text = cut(text, TEXT_LIMIT);
    let text = text.as_str();
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let text = crate::untrusted::multi_line(text);
    format!("{fence}text\n{}\n{fence}\n", text.trim_end())
}

/// The words of a title that say what fails: the first line of the tester's note, cut at a
/// word; the checklist's own title says what should hold, which reads as the opposite of a
/// bug, so it is used only when there is no note.
fn what_fails(note: Option<&str>, item_title: &str) -> String {
    const LIMIT: usize = 100;
    let line = note
        .and_then(|n| n.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("");
    if line.is_empty() {
        return format!("Fails: {item_title}");
    }
    if line.chars().count() <= LIMIT {
        return line.to_string();
    }
    let kept: String = line.chars().take(LIMIT).collect();
    let at_word = kept
        .rfind(' ')
        .filter(|&at| at > LIMIT / 2)
        .unwrap_or(kept.len());
    format!("{}…", kept[..at_word].trim_end())
}

/// One draft for `cells` (all of one item); `per_cell` puts the place in the fingerprint.
fn draft(
    run: &Run,
    cells: &[Cell],
    per_cell: bool,
    host: Option<&EvidenceHost>,
) -> (Severity, Draft) {
    let checklist = run.checklist();
    let meta = run.meta();
    let first = cells[0];
    let item = &checklist.items[first.item];
    let latest = |cell: Cell| run.latest(cell);
    let severity = cells
        .iter()
        .filter_map(|&cell| latest(cell).and_then(|r| r.severity))
        .min()
        .unwrap_or(item.severity);
    let places: Vec<String> = cells
        .iter()
        .map(|&cell| checklist.environment_label(cell.environment))
        .collect();
    let note = latest(first).and_then(|r| r.note.as_deref());
    let title = one_line(&cut(
        &format!("{} — {}", what_fails(note, &item.title), places.join(", ")),
        TITLE_LIMIT,
    ))
    .into_owned();
    let fingerprint = if per_cell {
        cell_fingerprint(checklist, first)
    } else {
        fingerprint(&checklist.id, &item.id, None)
    };
    let mut body = String::new();
    body.push_str(&format!(
        "**Severity {}** ({}) · found by greenlight · expected: {}\n\n",
        severity.level(),
        level_words(severity),
        escape(&item.title)
    ));
    body.push_str("### Where\n\n");
    if let Some(url) = checklist.item_url(first.item) {
        body.push_str(&format!("- URL: {}\n", escape(&url)));
    }
    for &cell in cells {
        let env = checklist.environments[cell.environment];
        let viewport = &checklist.viewports[env.viewport];
        body.push_str(&format!(
            "- {} (`{}`) at {} (`{}`, {}×{})\n",
            escape(&checklist.browsers[env.browser].name),
            escape(&checklist.browsers[env.browser].id),
            escape(&viewport.name),
            escape(&viewport.id),
            viewport.width,
            viewport.height
        ));
    }
    body.push_str("\n### What happened\n\n");
    let mut evidence = Vec::new();
    for &cell in cells {
        let Some(result) = latest(cell) else { continue };
        if cells.len() > 1 {
            body.push_str(&format!(
                "{}:\n\n",
                escape(&checklist.environment_label(cell.environment))
            ));
        }
        body.push_str(&fenced(result.note.as_deref().unwrap_or("(no note)")));
        body.push('\n');
        evidence.extend(result.evidence.iter().cloned());
    }
    body.push_str("### Steps to reproduce\n\n");
    body.push_str(&fenced(
        item.steps
            .as_deref()
            .unwrap_or("(the checklist gives no steps)"),
    ));
    body.push_str("\n### Expected\n\n");
    body.push_str(&fenced(
        item.expect
            .as_deref()
            .unwrap_or("(the checklist says nothing more than the title)"),
    ));
    let found: Vec<&str> = cells
        .iter()
        .filter_map(|&cell| latest(cell).map(|r| r.at.as_str()))
        .collect();
    let testers: Vec<String> = {
        let mut testers: Vec<String> = cells
            .iter()
            .filter_map(|&cell| latest(cell).map(|r| r.tester.clone()))
            .collect();
        testers.dedup();
        testers
    };
    body.push_str("\n### How it was found\n\n");
    body.push_str(&format!(
        "- Checklist `{}`, item `{}` ({})\n- Release {} · commit `{}` · run `{}`\n- Tester {}\n- Found {}\n",
        escape(&checklist.id),
        escape(&item.id),
        escape(&checklist.sections[item.section].title),
        escape(&meta.release),
        escape(meta.commit.as_deref().unwrap_or("unknown")),
        escape(&meta.id),
        escape(&testers.join(", ")),
        escape(&found.join(", "))
    ));
    if !evidence.is_empty() {
        body.push_str("\n### Evidence\n\n");
        for e in &evidence {
            let name = escape(e.name.as_deref().unwrap_or(&e.path));
            match host.and_then(|host| host.url(e)) {
                Some(url) if is_image(e) => body.push_str(&format!(
                    "![{name}]({url})\n\n{name} · sha256 `{}`\n\n",
                    escape(&e.sha256)
                )),
                Some(url) => body.push_str(&format!(
                    "- [{name}]({url}) · sha256 `{}`\n",
                    escape(&e.sha256)
                )),
                None => body.push_str(&format!(
                    "- {name} · sha256 `{}` (in the run folder: `{}`)\n",
                    escape(&e.sha256),
                    escape(&e.path)
                )),
            }
        }
    }
    body.push('\n');
    body.push_str(&marker(&fingerprint));
    body.push('\n');
    let cells = cells
        .iter()
        .map(|&cell| {
            let env = checklist.environments[cell.environment];
            format!(
                "{}@{}/{}",
                item.id, checklist.browsers[env.browser].id, checklist.viewports[env.viewport].id
            )
        })
        .collect();
    let draft = Draft {
        fingerprint,
        title,
        severity_label: severity_label(severity),
        body,
        cells,
        evidence,
    };
    (severity, draft)
}

/// `severity:1` for a blocker: the label a tracker files it under.
pub fn severity_label(severity: Severity) -> String {
    format!("severity:{}", severity.level())
}

/// What a level means, as the teams of the seed projects put it.
pub fn level_words(severity: Severity) -> &'static str {
    match severity.level() {
        1 => "the app does not work",
        2 => "a feature does not work properly",
        _ => "minor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_is_longer_than_any_backticks_inside() {
        let block = fenced("a ```` b\n```\n--> <!-- x");
        assert!(block.starts_with("`````text\n"), "{block}");
        assert!(block.ends_with("\n`````\n"), "{block}");
        assert_eq!(fenced("plain"), "```text\nplain\n```\n");
    }

    #[test]
    fn long_text_is_cut_so_a_report_fits_github() {
        let block = fenced(&"x".repeat(10_000));
        assert!(block.chars().count() < TEXT_LIMIT + 20, "{}", block.len());
        assert!(block.contains("x…\n"));
    }

    #[test]
    fn only_the_last_line_carries_a_fingerprint() {
        let hex = "a".repeat(64);
        let body = format!("text\n{}\n\n", marker(&hex));
        assert_eq!(fingerprint_of(&body), Some(hex.clone()));
        let forged = format!("{}\nmore text after it\n", marker(&hex));
        assert_eq!(fingerprint_of(&forged), None);
        assert_eq!(fingerprint_of("<!-- greenlight:fingerprint=zz -->"), None);
        // Both rules: 64 digits, and hex ones.
        assert_eq!(fingerprint_of(&marker(&"g".repeat(64))), None);
        assert_eq!(fingerprint_of(&marker(&"a".repeat(63))), None);
    }

    #[test]
    fn fingerprints_are_stable_and_tell_places_apart() {
        let a = fingerprint("web-ux", "hero", Some(("safari", "phone")));
        assert_eq!(a, fingerprint("web-ux", "hero", Some(("safari", "phone"))));
        assert_ne!(a, fingerprint("web-ux", "hero", Some(("chrome", "phone"))));
        assert_ne!(a, fingerprint("web-ux", "hero", None));
        // The separator keeps `a\nb` + `c` apart from `a` + `b\nc`-like joins of ids.
        assert_ne!(
            fingerprint("x", "ab", Some(("c", "d"))),
            fingerprint("x", "a", Some(("bc", "d")))
        );
    }
}
