//! `signoff.md`: the pull-request comment. Its visible part is a pure function of the signed
//! statement, and its folded part carries the statement and signature verbatim, so the
//! comment alone can be verified — including that nobody edited what people read.

use anyhow::{Context, Result};

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

/// Markdown text with nothing that could open HTML, break a table or fake the folded part,
/// and no control character (DESIGN.md §6).
/// Links and images are defused too: a note cannot make a reader's browser fetch anything.
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
    if let Some(share) = &p.share {
        out.push_str(&format!(
            "Share of the matrix: {} ({} cells)\n\n",
            escape(&share.describe()),
            p.cells.len()
        ));
    }
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
    for (status, label) in [(Status::Blocked, "Blocked"), (Status::Skip, "Skipped")] {
        let cells: Vec<_> = p
            .cells
            .iter()
            .filter(|c| c.status == Some(status))
            .collect();
        if !cells.is_empty() {
            out.push_str(&format!("\n### {label} ({})\n\n", cells.len()));
            for cell in cells {
                out.push_str(&cell_line(cell));
            }
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

/// Why a comment holds no sign-off to verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    #[error("this is not a greenlight sign-off comment: it has no signed statement block")]
    NotASignoff,
    /// Not exactly one statement and one signature: refused, since stacked blocks could hide
    /// one statement behind another. `pairs` are the blocks found, each statement with the
    /// signature after it, so that a rejection among them can still be honoured.
    #[error("the comment is malformed: {why}")]
    Malformed {
        why: String,
        pairs: Vec<(Vec<u8>, String)>,
    },
}

/// The fenced blocks of a comment, in order: (`json` or `text`, body).
fn blocks(text: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let mut open: Option<(&'static str, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some((kind, mut body)) = open.take() {
            if line == FENCE_END {
                found.push((kind, body));
            } else {
                body.push_str(line);
                open = Some((kind, body));
            }
        } else if line == JSON_FENCE {
            open = Some(("json", String::new()));
        } else if line == SIGNATURE_FENCE {
            open = Some(("text", String::new()));
        }
    }
    found
}

/// Splits a comment into its parts: exactly one folded statement block and one signature
/// after it. CRLF line ends (as a web form may give) are read as LF, which is how greenlight
/// writes the statement.
pub fn parse(markdown: &str) -> Result<CommentParts, CommentError> {
    let text = markdown.replace("\r\n", "\n");
    let Some(details) = text.find(DETAILS_OPEN) else {
        return Err(CommentError::NotASignoff);
    };
    let visible = text[..details]
        .strip_suffix('\n')
        .unwrap_or(&text[..details])
        .to_string();
    let found = blocks(&text);
    let mut pairs = Vec::new();
    let mut pending: Option<&String> = None;
    for (kind, body) in &found {
        match (*kind, pending) {
            ("json", _) => pending = Some(body),
            ("text", Some(statement)) => {
                pairs.push((statement.as_bytes().to_vec(), body.clone()));
                pending = None;
            }
            _ => {}
        }
    }
    let statements = found.iter().filter(|(kind, _)| *kind == "json").count();
    let signatures = found.len() - statements;
    let details_blocks = text.matches(DETAILS_OPEN).count();
    if statements != 1 || signatures != 1 || pairs.len() != 1 || details_blocks != 1 {
        return Err(CommentError::Malformed {
            why: format!(
                "it holds {statements} statement blocks and {signatures} signature blocks in \
                 {details_blocks} folded parts, where a sign-off has exactly one of each"
            ),
            pairs,
        });
    }
    let (statement, signature) = pairs.remove(0);
    Ok(CommentParts {
        visible,
        statement,
        signature,
    })
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
        let text = "x\n```json\n{\n  \"a\": \"```\"\n}\n```\nrest\n```text\nsig\n```\n";
        assert_eq!(
            blocks(text),
            [
                ("json", "{\n  \"a\": \"```\"\n}\n".to_string()),
                ("text", "sig\n".to_string())
            ]
        );
        assert!(blocks("```json\nno end").is_empty());
    }

    #[test]
    fn a_comment_with_stacked_blocks_is_malformed_and_keeps_every_pair() {
        let block = |json: &str, sig: &str| {
            format!("{JSON_FENCE}{json}\n{FENCE_END}\n{SIGNATURE_FENCE}{sig}\n{FENCE_END}")
        };
        let one = format!("visible\n{DETAILS_OPEN}{}\n</details>\n", block("{}", "s1"));
        let parts = parse(&one).unwrap();
        assert_eq!(
            (parts.statement.as_slice(), parts.signature.as_str()),
            (b"{}\n".as_slice(), "s1\n")
        );
        let stacked = format!(
            "visible\n{DETAILS_OPEN}{}\n{}\n</details>\n",
            block("{\"a\":1}", "s1"),
            block("{\"b\":2}", "s2")
        );
        match parse(&stacked) {
            Err(CommentError::Malformed { pairs, .. }) => assert_eq!(pairs.len(), 2),
            other => panic!("stacked blocks must be refused: {other:?}"),
        }
        let twice = format!("{DETAILS_OPEN}{DETAILS_OPEN}{}\n", block("{}", "s"));
        assert!(matches!(parse(&twice), Err(CommentError::Malformed { .. })));
        assert_eq!(parse("just text").unwrap_err(), CommentError::NotASignoff);
    }
}
