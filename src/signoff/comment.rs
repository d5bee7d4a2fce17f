//! `signoff.md`: the pull-request comment. Its visible part is a pure function of the signed
//! statement, and its folded part carries the statement and signature verbatim, so the
//! comment alone can be verified — including that nobody edited what people read.

use anyhow::{Context, Result, bail};

use super::statement::{CellFacts, Decision, NAMESPACE, Statement};
use crate::checklist::Severity;
use crate::status::{STATES, Status, look};

const DETAILS_OPEN: &str = "<details>\n<summary>Signed statement and how to verify it</summary>\n";
const JSON_FENCE: &str = "```json\n";
const SIGNATURE_FENCE: &str = "```text\n";
const FENCE_END: &str = "```\n";

/// The parts of a comment: what people read, and what was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentParts {
    pub visible: String,
    pub statement: Vec<u8>,
    pub signature: String,
}

/// Markdown text with nothing that could open HTML, break a table or fake the folded part.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('`', "&#96;")
        .replace("\r\n", "\n")
        .replace('\n', "<br>")
}

/// The visible part: verdict, counts per environment, failures by severity, the comment.
pub fn render_visible(statement: &Statement) -> String {
    let p = &statement.predicate;
    let commit = statement.commit().unwrap_or("unknown");
    let short = commit.get(..12).unwrap_or(commit);
    let (mark, decision) = match p.decision {
        Decision::Approved => ("✅", "Approved"),
        Decision::Rejected => ("❌", "Rejected"),
    };
    let mut out = format!(
        "## {mark} {decision}: release {} at `{short}` by {}\n\n",
        escape(&p.release),
        escape(&format!("{} <{}>", p.tester.name, p.tester.email)),
    );
    out.push_str(&format!(
        "Checklist **{}** (`{}`{}) · run `{}` · signed {} · policy: {}\n\n",
        escape(&p.checklist.title),
        escape(&p.checklist.id),
        p.checklist
            .version
            .as_deref()
            .map(|v| format!(" v{}", escape(v)))
            .unwrap_or_default(),
        escape(&p.run),
        escape(&p.signed),
        if p.verdict.reasons.is_empty() {
            "passes".to_string()
        } else {
            format!("blocked: {}", escape(&p.verdict.reasons.join("; ")))
        }
    ));
    let heading: Vec<String> = STATES
        .iter()
        .map(|&state| {
            let look = look(state);
            format!("{} {}", look.glyph, look.word)
        })
        .collect();
    out.push_str(&format!("| environment | {} |\n", heading.join(" | ")));
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    let rows = p
        .environments
        .iter()
        .map(|e| (escape(&e.environment), e.counts))
        .chain([("**all**".to_string(), p.counts)]);
    for (name, counts) in rows {
        let cells: Vec<String> = STATES.iter().map(|&s| counts.of(s).to_string()).collect();
        out.push_str(&format!("| {name} | {} |\n", cells.join(" | ")));
    }
    for (level, label) in
        Severity::ALL
            .into_iter()
            .zip(["Blockers", "Major failures", "Minor failures"])
    {
        let failures: Vec<_> = p
            .cells
            .iter()
            .filter(|c| c.status == Some(Status::Fail) && c.severity == Some(level))
            .collect();
        if failures.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {label} ({})\n\n", failures.len()));
        for cell in failures {
            out.push_str(&cell_line(cell));
        }
    }
    let blocked: Vec<_> = p
        .cells
        .iter()
        .filter(|c| c.status == Some(Status::Blocked))
        .collect();
    if !blocked.is_empty() {
        out.push_str(&format!("\n### Blocked ({})\n\n", blocked.len()));
        for cell in blocked {
            out.push_str(&cell_line(cell));
        }
    }
    if let Some(comment) = &p.comment {
        out.push_str(&format!("\n### Comment\n\n{}\n", escape(comment)));
    }
    out
}

/// `- **title** — browser/viewport: note`, one line of a list of cells.
fn cell_line(cell: &CellFacts) -> String {
    let note = cell
        .note
        .as_deref()
        .map(|n| format!(": {}", escape(n)))
        .unwrap_or_default();
    format!(
        "- **{}** — {}/{}{note}\n",
        escape(&cell.title),
        escape(&cell.browser),
        escape(&cell.viewport),
    )
}

/// The whole comment: the visible part, then the statement and signature folded away with
/// the two commands that verify them.
pub fn render(statement: &Statement, statement_bytes: &[u8], signature: &str) -> Result<String> {
    let json = std::str::from_utf8(statement_bytes).context("the statement is not UTF-8")?;
    let email = &statement.predicate.tester.email;
    let mut out = render_visible(statement);
    out.push('\n');
    out.push_str(DETAILS_OPEN);
    out.push_str("\n`signoff.json`:\n\n");
    out.push_str(JSON_FENCE);
    out.push_str(json);
    out.push_str(FENCE_END);
    out.push_str("\n`signoff.json.sig`:\n\n");
    out.push_str(SIGNATURE_FENCE);
    out.push_str(signature.trim_end());
    out.push('\n');
    out.push_str(FENCE_END);
    out.push_str(&format!(
        "\nVerify this comment, saved as `signoff.md`, against the team's allowed-signers file:\n\n\
         ```sh\ngreenlight verify signoff.md --allowed-signers allowed_signers\n```\n\n\
         or, with the two blocks above saved as `signoff.json` and `signoff.json.sig`:\n\n\
         ```sh\nssh-keygen -Y verify -f allowed_signers -I {email} -n {NAMESPACE} -s signoff.json.sig < signoff.json\n```\n\n\
         </details>\n"
    ));
    Ok(out)
}

/// Splits a comment into its parts. CRLF line ends (as a web form may give) are read as LF,
/// which is how greenlight writes the statement.
pub fn parse(markdown: &str) -> Result<CommentParts> {
    let text = markdown.replace("\r\n", "\n");
    let Some(details) = text.find(DETAILS_OPEN) else {
        bail!("this is not a greenlight sign-off comment: it has no signed statement block");
    };
    let visible = text[..details]
        .strip_suffix('\n')
        .unwrap_or(&text[..details])
        .to_string();
    let rest = &text[details..];
    let statement =
        between(rest, JSON_FENCE, FENCE_END).context("no ```json block with the statement")?;
    let after_json =
        &rest[rest.find(JSON_FENCE).unwrap_or(0) + JSON_FENCE.len() + statement.len()..];
    let signature =
        between(after_json, SIGNATURE_FENCE, FENCE_END).context("no block with the signature")?;
    Ok(CommentParts {
        visible,
        statement: statement.as_bytes().to_vec(),
        signature: signature.to_string(),
    })
}

/// The text after `open` up to (and including the newline before) the next line that is
/// exactly `close`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let body = &text[start..];
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if line == close {
            return Some(&body[..offset]);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_notes_from_opening_html_or_breaking_tables() {
        assert_eq!(
            escape("a | b <details>\n`x` & y"),
            "a \\| b &lt;details&gt;<br>&#96;x&#96; &amp; y"
        );
    }

    #[test]
    fn blocks_are_found_between_their_fences() {
        let text = "x\n```json\n{\n  \"a\": \"```\"\n}\n```\nrest";
        assert_eq!(
            between(text, JSON_FENCE, FENCE_END),
            Some("{\n  \"a\": \"```\"\n}\n")
        );
        assert_eq!(between("```json\nno end", JSON_FENCE, FENCE_END), None);
    }
}
