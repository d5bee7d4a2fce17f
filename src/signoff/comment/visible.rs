//! The comment's visible part: the verdict, the release and tester, a table per environment,
//! failures by severity, blocked and skipped cells, re-tests, carried passes and evidence — a
//! pure function of the signed statement, written within a budget and escaped so that nothing
//! in it can open HTML, break a table or fake the folded part (DESIGN.md §6).

use std::collections::HashMap;

use crate::checklist::Severity;
use crate::results::Counts;
use crate::signoff::statement::{CellFacts, Decision, EnvironmentCounts, Statement};
use crate::status::{STATES, Status, look};

/// The most characters of the visible part: what is left is for the statement.
const VISIBLE_BUDGET: usize = 36_000;
/// The most characters of one note shown.
const NOTE_LIMIT: usize = 400;
/// The most characters of a name shown: a title, a label, a release, a tester.
const NAME_LIMIT: usize = 200;

/// Markdown text with nothing that could open HTML, break a table, fake the folded part or
/// start a link or image, and no control character (DESIGN.md §6).
pub fn escape(text: &str) -> String {
    crate::untrusted::multi_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('`', "&#96;")
        .replace('[', "&#91;")
        .replace(']', "&#93;")
        .replace("\r\n", "\n")
        .replace('\n', "<br>")
}

/// A name from the statement, cut and escaped for the visible part.
pub(super) fn name(text: &str) -> String {
    escape(&cut(text, NAME_LIMIT))
}

/// `text` cut to `limit` characters, ending in `…` when cut.
pub fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let kept: String = text.chars().take(limit).collect();
    format!("{kept}…")
}

/// The visible part, written within a budget: once it is spent, each list says how many of
/// its lines are left out. Lines are made only while there is room, so a statement of
/// 100,000 cells costs no more than one of 100.
struct Visible {
    out: String,
    /// Characters in `out`.
    chars: usize,
    /// Environment key → label, for cells.
    labels: HashMap<String, String>,
}

impl Visible {
    fn push(&mut self, text: &str) {
        self.chars += text.chars().count();
        self.out.push_str(text);
    }

    fn room(&self) -> bool {
        self.chars < VISIBLE_BUDGET
    }

    /// A heading and a line for each of `items`, as many as the budget allows, then how
    /// many are left out.
    fn list<T>(&mut self, heading: &str, items: Vec<T>, line: impl Fn(&Self, T) -> String) {
        if items.is_empty() {
            return;
        }
        let total = items.len();
        self.push(&format!("\n{heading} ({total})\n\n"));
        for (shown, item) in items.into_iter().enumerate() {
            if !self.room() {
                self.push(&format!(
                    "- … and {} more: see `report.html` or `results.csv` in the sign-off folder\n",
                    total - shown
                ));
                return;
            }
            let text = line(self, item);
            self.push(&text);
        }
    }

    /// `Google Chrome · Phone 390×844` for a cell, or its `browser/viewport` key.
    fn place(&self, cell: &CellFacts) -> String {
        let key = format!("{}/{}", cell.browser, cell.viewport);
        name(self.labels.get(&key).map_or(&key, |label| label))
    }

    /// `- **title** — environment: note`.
    fn cell_line(&self, cell: &CellFacts) -> String {
        let note = cell
            .note
            .as_deref()
            .map(|n| format!(": {}", escape(&cut(n, NOTE_LIMIT))))
            .unwrap_or_default();
        format!("- **{}** — {}{note}\n", name(&cell.title), self.place(cell))
    }
}

/// The visible part: the verdict first; release, commit, share and tester; a table per
/// environment; failures by severity, blocked and skipped cells with their reasons,
/// re-tests, evidence and the comment — long lists cut with a count.
pub fn render_visible(statement: &Statement) -> String {
    let p = &statement.predicate;
    let commit = statement.commit().unwrap_or("unknown");
    let short = commit.get(..12).unwrap_or(commit);
    let (mark, decision) = match p.decision {
        Decision::Approved => ("✅", "Approved"),
        Decision::Rejected => ("❌", "Rejected"),
    };
    let policy = if p.verdict.reasons.is_empty() {
        "the policy passes"
    } else {
        "the policy blocks approval"
    };
    let mut visible = Visible {
        out: String::new(),
        chars: 0,
        labels: p
            .environments
            .iter()
            .filter(|e| !e.label.is_empty())
            .map(|e| (e.environment.clone(), e.label.clone()))
            .collect(),
    };
    visible.push(&format!("## {mark} {decision} — {policy}\n\n"));
    if !p.verdict.reasons.is_empty() {
        visible.push(&format!(
            "**Why it blocks:** {}\n\n",
            escape(&cut(&p.verdict.reasons.join("; "), NOTE_LIMIT))
        ));
    }
    let share = match &p.share {
        Some(share) => format!(
            "{} ({})",
            name(&share.describe()),
            crate::words::count(p.cells.len(), "cell")
        ),
        None => format!(
            "the whole matrix ({})",
            crate::words::count(p.cells.len(), "cell")
        ),
    };
    visible.push(&format!(
        "**Release** {} · **commit** `{short}` · **tester** {} · **share** {share}\n\n",
        name(&p.release),
        name(&format!("{} <{}>", p.tester.name, p.tester.email)),
    ));
    visible.push(&format!(
        "Checklist **{}** (`{}`{}) · run `{}` · signed {} with key `{}`\n\n",
        name(&p.checklist.title),
        name(&p.checklist.id),
        p.checklist
            .version
            .as_deref()
            .map(|v| format!(" v{}", name(v)))
            .unwrap_or_default(),
        name(&p.run),
        name(&p.signed),
        name(&p.tester.key),
    ));
    // Anyone can post a comment shaped like this one: say who decides.
    visible.push(
        "<sub>Whether this key may sign for this tester is decided by the CI gate against the \
         team's allowed-signers file on the protected branch, not by this comment.</sub>\n\n",
    );
    if let Some(comment) = &p.comment {
        visible.push(&format!("> {}\n\n", escape(&cut(comment, 4 * NOTE_LIMIT))));
    }
    environment_table(&mut visible, &p.environments, &p.counts);
    visible.push(&carried_line(&p.cells));
    let cells_where = |keep: &dyn Fn(&CellFacts) -> bool| -> Vec<&CellFacts> {
        p.cells.iter().filter(|c| keep(c)).collect()
    };
    for (level, label) in
        Severity::ALL
            .into_iter()
            .zip(["### Blockers", "### Major failures", "### Minor failures"])
    {
        let failed = cells_where(&|c| c.status == Some(Status::Fail) && c.severity == Some(level));
        visible.list(label, failed, Visible::cell_line);
    }
    for (status, label) in [
        (Status::Blocked, "### Blocked"),
        (Status::Skip, "### Skipped"),
    ] {
        visible.list(
            label,
            cells_where(&|c| c.status == Some(status)),
            Visible::cell_line,
        );
    }
    visible.list(
        "### Re-tested: failed earlier in this run, pass now",
        cells_where(&|c| c.failed_before),
        |visible, c| format!("- **{}** — {}\n", name(&c.title), visible.place(c)),
    );
    let evidence: Vec<_> = p
        .cells
        .iter()
        .flat_map(|cell| cell.evidence.iter().map(move |e| (cell, e)))
        .collect();
    visible.list(
        "### Evidence, in the sign-off folder",
        evidence,
        |visible, (cell, e)| {
            format!(
                "- **{}** sha256 `{}` — {}, {}\n",
                escape(&cut(e.name.as_deref().unwrap_or(&e.path), 80)),
                escape(e.sha256.get(..16).unwrap_or(&e.sha256)),
                name(&cell.title),
                visible.place(cell)
            )
        },
    );
    visible.out
}

/// How many passes were carried from earlier approvals, and from which (DESIGN.md §7);
/// empty when none were.
fn carried_line(cells: &[CellFacts]) -> String {
    let carried = cells.iter().filter_map(|c| c.carried_from.as_ref());
    match crate::carry::describe(carried, cells.len()) {
        Some(text) => format!("\n**Carried**, re-checked by the gate: {}\n", escape(&text)),
        None => String::new(),
    }
}

/// The table of counts: a row per environment (by its label), as many as the budget
/// allows, and one for all of them.
fn environment_table(visible: &mut Visible, environments: &[EnvironmentCounts], all: &Counts) {
    let heading: Vec<String> = STATES
        .iter()
        .map(|&state| {
            let look = look(state);
            format!("{} {}", look.glyph, look.word)
        })
        .collect();
    visible.push(&format!("| environment | {} |\n", heading.join(" | ")));
    visible.push(&format!("| --- |{}\n", " ---: |".repeat(STATES.len())));
    let row = |title: &str, counts: &Counts| {
        let cells: Vec<String> = STATES.iter().map(|&s| counts.of(s).to_string()).collect();
        format!("| {title} | {} |\n", cells.join(" | "))
    };
    for (shown, environment) in environments.iter().enumerate() {
        if !visible.room() {
            visible.push(&format!(
                "| … and {} more environments: see `report.html` |{}\n",
                environments.len() - shown,
                " |".repeat(STATES.len())
            ));
            break;
        }
        let label = if environment.label.is_empty() {
            &environment.environment
        } else {
            &environment.label
        };
        visible.push(&row(&name(label), &environment.counts));
    }
    visible.push(&row("**all**", all));
}
