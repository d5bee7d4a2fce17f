//! The HTML report (DESIGN.md §4): one self-contained file a reviewer opens in any browser,
//! offline — inline CSS, images embedded as data URIs up to a budget (larger files linked by
//! name and hash), no script, a print stylesheet for A4 — with every text from the run
//! HTML-escaped. `export --format html` writes it for a run; every sign-off folder holds one
//! as `report.html`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use base64::Engine;

use crate::checklist::{Cell, Severity};
use crate::journal::{Evidence, ResultEntry};
use crate::run::Run;
use crate::signoff::statement::{Decision, Statement};
use crate::status::{STATES, Status, Tone, look};

/// What the report may load: its own inline style and embedded images, nothing else — no
/// script, no request to any server — whatever a note manages to smuggle in.
const CONTENT_POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// The most bytes of images embedded in one report; past it, files are linked.
const EMBED_BUDGET: u64 = 20 << 20;
/// The largest single image embedded.
const EMBED_ONE: u64 = 4 << 20;

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let text = crate::untrusted::multi_line(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class of a state's tone.
fn tone_class(state: Option<Status>) -> &'static str {
    match look(state).tone {
        Tone::Good => "good",
        Tone::Bad => "bad",
        Tone::Warning => "warn",
        Tone::Muted => "muted",
        Tone::Faint => "faint",
        Tone::Carried => "carried",
    }
}

const STYLE: &str = "
:root { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1b1b1b; }
body { margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h1.passes { color: #006100; } h1.blocked { color: #9c0006; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .2rem .4rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.matrix td.c { text-align: center; min-width: 2.2rem; font-weight: 600; }
table.matrix th.item { min-width: 14rem; max-width: 28rem; font-weight: normal; }
.scroll { overflow-x: auto; }
table.matrix th.env { font-size: .85em; text-align: center; }
table.matrix tr.section th { background: #f0f0f0; }
.good { background: #c6efce; color: #006100; } .bad { background: #ffc7ce; color: #9c0006; }
.warn { background: #ffeb9c; color: #9c5700; } .muted { background: #d9d9d9; color: #404040; }
.faint { background: #fff; color: #808080; } .na { background: #f4f4f4; }
ul.cells li { margin-bottom: .8rem; } .note { white-space: pre-wrap; margin: .2rem 0; }
.where { color: #555; } code { font-size: .9em; overflow-wrap: anywhere; }
figure { margin: .4rem 0; } figure img { max-width: 100%; max-height: 24rem; border: 1px solid #ccc; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .3rem; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; } li, figure, tr { break-inside: avoid; }
  table.matrix { font-size: 8pt; } .scroll { overflow: visible; }
  table.matrix th.item { min-width: 10rem; }
  .good, .bad, .warn, .muted { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// What evidence the report shows: images embedded until the budget is spent.
struct Attachments<'a> {
    folder: &'a Path,
    spent: u64,
}

impl Attachments<'_> {
    /// A figure with the image inline, or a link to the kept file, with its name and hash.
    fn render(&mut self, evidence: &Evidence) -> String {
        let name = escape(evidence.name.as_deref().unwrap_or(&evidence.path));
        let short = escape(evidence.sha256.get(..16).unwrap_or(&evidence.sha256));
        let file = crate::evidence::kept_file(self.folder, evidence);
        let relative = crate::evidence::file_name_of(evidence)
            .map(|f| format!("{}/{f}", crate::evidence::FOLDER));
        let mime = match Path::new(&evidence.path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Some("image/png"),
            Some("jpg" | "jpeg") => Some("image/jpeg"),
            Some("gif") => Some("image/gif"),
            Some("webp") => Some("image/webp"),
            _ => None,
        };
        if let (Some(mime), Some(file)) = (mime, &file) {
            let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(u64::MAX);
            if size <= EMBED_ONE && self.spent + size <= EMBED_BUDGET {
                // Only a regular file, read no further than the limit, with its hash.
                let bytes = crate::fsutil::read_regular_file(file, EMBED_ONE).ok();
                let matches = bytes
                    .as_deref()
                    .is_some_and(|b| crate::fsutil::sha256_hex(b) == evidence.sha256);
                if let (Some(bytes), true) = (bytes, matches) {
                    self.spent += bytes.len() as u64;
                    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                    return format!(
                        "<figure><img alt=\"{name}\" src=\"data:{mime};base64,{data}\"><figcaption>{name} · sha256 <code>{short}…</code></figcaption></figure>"
                    );
                }
            }
        }
        match relative {
            Some(relative) => format!(
                "<p>Evidence: <a href=\"{}\">{name}</a> · sha256 <code>{short}…</code></p>",
                escape(&relative)
            ),
            None => format!("<p>Evidence: {name} · sha256 <code>{short}…</code></p>"),
        }
    }
}

/// Writes the report for `run`; with `statement`, as the sign-off it is part of (decision,
/// signer, key). Evidence files are read from `folder/evidence/`.
pub fn write_report(
    run: &Run,
    statement: Option<&Statement>,
    folder: &Path,
    out: &mut dyn Write,
) -> Result<()> {
    let checklist = run.checklist();
    let meta = run.meta();
    let verdict = run.verdict();
    let mut html = String::with_capacity(64 << 10);
    let title = format!("{} · release {}", checklist.title, meta.release);
    html.push_str(&format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_POLICY}\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&title)
    ));
    let (class, headline) = match (statement.map(|s| s.predicate.decision), verdict.passes()) {
        (Some(Decision::Approved), _) => ("passes", "✅ Approved".to_string()),
        (Some(Decision::Rejected), _) => ("blocked", "❌ Rejected".to_string()),
        (None, true) => ("passes", "The policy passes".to_string()),
        (None, false) => ("blocked", "The policy blocks approval".to_string()),
    };
    html.push_str(&format!("<h1 class=\"{class}\">{headline}</h1>\n"));
    html.push_str(&format!(
        "<p>Policy: <strong>{}</strong></p>\n",
        escape(&verdict.to_string())
    ));
    let mut facts: Vec<(&str, String)> = vec![
        ("Release", meta.release.clone()),
        (
            "Commit",
            meta.commit.clone().unwrap_or_else(|| "unknown".into()),
        ),
        (
            "Checklist",
            format!(
                "{} ({}{}) · sha256 {}",
                checklist.title,
                checklist.id,
                checklist
                    .version
                    .as_deref()
                    .map(|v| format!(" v{v}"))
                    .unwrap_or_default(),
                meta.checklist.sha256
            ),
        ),
        ("Tester", meta.tester.clone()),
        (
            "Share",
            checklist.share_label().unwrap_or_else(|| {
                format!(
                    "the whole matrix — {}",
                    crate::words::count(checklist.cell_count(), "cell")
                )
            }),
        ),
        ("Run", format!("{} · started {}", meta.id, meta.started_at)),
    ];
    if let Some(carried) = crate::carry::describe(run.carried_sources(), checklist.cell_count()) {
        facts.push(("Carried", carried));
    }
    if let Some(statement) = statement {
        let p = &statement.predicate;
        facts.push((
            "Signed",
            format!(
                "{} by {} <{}> with {} at {}",
                p.decision, p.tester.name, p.tester.email, p.tester.key, p.signed
            ),
        ));
        if let Some(comment) = &p.comment {
            facts.push(("Comment", comment.clone()));
        }
    }
    html.push_str("<dl class=\"facts\">\n");
    for (label, value) in facts {
        html.push_str(&format!("<dt>{label}</dt><dd>{}</dd>\n", escape(&value)));
    }
    html.push_str("</dl>\n");

    // Counts per environment.
    html.push_str("<h2>Counts</h2>\n<table><thead><tr><th>environment</th>");
    for state in STATES {
        let look = look(state);
        html.push_str(&format!("<th>{} {}</th>", look.glyph, look.word));
    }
    html.push_str("</tr></thead><tbody>\n");
    let counts = run.per_environment();
    for (e, c) in counts.iter().enumerate() {
        html.push_str(&format!(
            "<tr><th>{}</th>",
            escape(&checklist.environment_label(e))
        ));
        for state in STATES {
            html.push_str(&format!("<td class=\"n\">{}</td>", c.of(state)));
        }
        html.push_str("</tr>\n");
    }
    let all = run.counts();
    html.push_str("<tr><th>all</th>");
    for state in STATES {
        html.push_str(&format!(
            "<td class=\"n\"><strong>{}</strong></td>",
            all.of(state)
        ));
    }
    html.push_str("</tr></tbody></table>\n");

    // The matrix.
    html.push_str("<h2>Matrix</h2>\n<p class=\"legend\">");
    for state in STATES {
        let look = look(state);
        html.push_str(&format!(
            "<span class=\"{}\">{} {}</span>",
            tone_class(state),
            look.glyph,
            look.word
        ));
    }
    html.push_str("<span class=\"na\">blank: does not apply</span></p>\n");
    html.push_str("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>item</th>");
    for (e, environment) in checklist.environments.iter().enumerate() {
        let viewport = &checklist.viewports[environment.viewport];
        html.push_str(&format!(
            "<th class=\"env\" title=\"{}\">{}<br><small>{} {}×{}</small></th>",
            escape(&checklist.environment_key(e)),
            escape(&checklist.browsers[environment.browser].name),
            escape(&viewport.name),
            viewport.width,
            viewport.height
        ));
    }
    html.push_str("</tr></thead><tbody>\n");
    for (index, item) in checklist.items.iter().enumerate() {
        let section = &checklist.sections[item.section];
        if section.items.start == index {
            html.push_str(&format!(
                "<tr class=\"section\"><th colspan=\"{}\">{}</th></tr>\n",
                checklist.environments.len() + 1,
                escape(&section.title)
            ));
        }
        html.push_str(&format!(
            "<tr id=\"item-{}\"><th class=\"item\">{}</th>",
            escape(&item.id),
            escape(&item.title)
        ));
        for environment in 0..checklist.environments.len() {
            if !checklist.applies(index, environment) {
                html.push_str("<td class=\"na\"></td>");
                continue;
            }
            let latest = run.latest(Cell {
                item: index,
                environment,
            });
            let state = latest.map(|r| r.status);
            let severity = latest
                .filter(|r| r.status == Status::Fail)
                .and_then(|r| r.severity)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let look = look(state);
            html.push_str(&format!(
                "<td class=\"c {}\" title=\"{}: {}\" data-cell=\"{}@{}\">{}{severity}</td>",
                tone_class(state),
                escape(&checklist.environment_key(environment)),
                look.word,
                escape(&item.id),
                escape(&checklist.environment_key(environment)),
                look.glyph
            ));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");

    // Failures by severity, then blocked and skipped cells, with notes and evidence.
    let mut attachments = Attachments { folder, spent: 0 };
    let results: Vec<(Cell, &ResultEntry)> = checklist
        .cells()
        .filter_map(|cell| run.latest(cell).map(|r| (cell, r)))
        .collect();
    let mut by_heading: Vec<(String, Vec<&(Cell, &ResultEntry)>)> = Vec::new();
    for (level, label) in
        Severity::ALL
            .into_iter()
            .zip(["Blockers", "Major failures", "Minor failures"])
    {
        let cells = results
            .iter()
            .filter(|(_, r)| r.status == Status::Fail && r.severity == Some(level))
            .collect();
        by_heading.push((format!("{label} (severity {level})"), cells));
    }
    for (status, label) in [(Status::Blocked, "Blocked"), (Status::Skip, "Skipped")] {
        let cells = results.iter().filter(|(_, r)| r.status == status).collect();
        by_heading.push((label.to_string(), cells));
    }
    let mut shown_any = false;
    for (heading, cells) in by_heading {
        if cells.is_empty() {
            continue;
        }
        shown_any = true;
        html.push_str(&format!(
            "<h2>{heading} ({})</h2>\n<ul class=\"cells\">\n",
            cells.len()
        ));
        for (cell, result) in cells {
            let item = &checklist.items[cell.item];
            html.push_str(&format!(
                "<li><strong>{}</strong> <span class=\"where\">— {}</span>",
                escape(&item.title),
                escape(&checklist.environment_label(cell.environment))
            ));
            if let Some(note) = &result.note {
                html.push_str(&format!("<p class=\"note\">{}</p>", escape(note)));
            }
            for evidence in &result.evidence {
                html.push_str(&attachments.render(evidence));
            }
            html.push_str("</li>\n");
        }
        html.push_str("</ul>\n");
    }
    if !shown_any {
        html.push_str("<h2>Problems</h2>\n<p>No cell failed, is blocked or was skipped.</p>\n");
    }
    // Evidence of passing cells too, linked, so the report names every file.
    let passing: Vec<(&Cell, &Evidence)> = results
        .iter()
        .filter(|(_, r)| r.status == Status::Pass)
        .flat_map(|(cell, r)| r.evidence.iter().map(move |e| (cell, e)))
        .collect();
    if !passing.is_empty() {
        let mut seen = HashSet::new();
        html.push_str("<h2>Evidence of passing cells</h2>\n<ul>\n");
        for (cell, evidence) in passing {
            if !seen.insert(evidence.sha256.as_str()) {
                continue;
            }
            html.push_str(&format!(
                "<li>{} — {}{}</li>\n",
                escape(&checklist.items[cell.item].title),
                escape(&checklist.environment_label(cell.environment)),
                attachments.render(evidence)
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str(&format!(
        "<footer><p>Written by greenlight {} from run {}.</p></footer>\n</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&meta.id)
    ));
    out.write_all(html.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(
            escape("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("a\x1b[2J"), "a\\x1b[2J");
    }
}
