//! `signoff.md`: the pull-request comment (DESIGN.md §5). Its visible part is a pure function
//! of the signed statement, and its folded part carries the statement and its signature, so
//! the comment alone can be verified — including that nobody edited what people read.
//!
//! A comment is never longer than GitHub takes ([`COMMENT_LIMIT`] characters). The statement
//! goes in as it is when it fits, else gzip + base64 (the signature stays over the plain
//! JSON, so `base64 -d | gunzip` gives back the signed bytes), else only by its sha256, with
//! the sign-off folder committed under `.greenlight/signoffs/` where `verify` and `gate` find
//! it. The visible part keeps within a budget of its own, cutting long lists with a count.

use std::io::{Read, Write};

use anyhow::{Context, Result};
use base64::Engine;

mod visible;

use visible::name;
pub use visible::{cut, escape, render_visible};

use super::statement::{NAMESPACE, Statement};
use crate::fsutil::sha256_hex;

/// The most characters GitHub takes in an issue or pull-request comment.
pub const COMMENT_LIMIT: usize = 65_536;
/// The largest statement a compressed block may inflate to: far more than a comment's
/// 65,536 characters of gzip ever hold of a real statement (JSON of cells shrinks about
/// twentyfold), far less than the thousandfold a crafted block can reach. [`render`] never
/// compresses a larger statement, so what greenlight writes it can always read.
pub const MAX_INFLATED: u64 = 8 << 20;
/// Where a statement too large for any comment is committed.
pub use crate::git::SIGNOFFS_FOLDER;

const DETAILS_OPEN: &str = "<details>\n<summary>Signed statement and how to verify it</summary>\n";
const JSON_FENCE: &str = "```json\n";
const GZIP_FENCE: &str = "```base64\n";
const SIGNATURE_FENCE: &str = "```text\n";
const FENCE_END: &str = "```\n";
const HASH_PREFIX: &str = "The signed statement is too large for a comment. Its sha256 is `";

/// How a comment carries its statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carried {
    /// The JSON itself.
    Plain,
    /// gzip then base64, as written in the comment (line breaks included).
    Gzip(String),
    /// Only its sha256: the folder is committed under [`SIGNOFFS_FOLDER`].
    ByHash(String),
}

/// The parts of a comment: what people read, what was signed (or its hash), the signature.
/// Nothing is inflated: a compressed statement is read with [`inflate`] only once its
/// signature's key is known to be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentParts {
    pub visible: String,
    pub carried: Carried,
    /// The statement's bytes when it is carried as it is; empty otherwise.
    pub statement: Vec<u8>,
    pub signature: String,
}

/// A statement block as a comment holds it, each with the signature after it: the JSON, or
/// gzip + base64 not yet inflated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    Json(Vec<u8>),
    Gzip(String),
}

/// The whole comment for a statement: the statement as it is when the comment fits, else
/// compressed, else by its hash.
pub fn render(
    statement: &Statement,
    statement_bytes: &[u8],
    signature: &str,
) -> Result<(String, Carried)> {
    let visible = render_visible(statement);
    let whole =
        |carried: &Carried| assemble(&visible, statement, statement_bytes, signature, carried);
    let plain = whole(&Carried::Plain)?;
    if plain.chars().count() <= COMMENT_LIMIT {
        return Ok((plain, Carried::Plain));
    }
    let frame = whole(&Carried::Gzip(String::new()))?;
    let room = COMMENT_LIMIT.saturating_sub(frame.chars().count());
    let inflatable = statement_bytes.len() as u64 <= MAX_INFLATED;
    if inflatable && let Some(base64) = gzip_base64_within(statement_bytes, room)? {
        let compressed = Carried::Gzip(base64);
        let gzipped = whole(&compressed)?;
        if gzipped.chars().count() <= COMMENT_LIMIT {
            return Ok((gzipped, compressed));
        }
    }
    let by_hash = Carried::ByHash(sha256_hex(statement_bytes));
    let text = whole(&by_hash)?;
    Ok((text, by_hash))
}

/// The whole comment with the statement carried as `carried` says: the visible part, then
/// the statement and signature folded away with the commands that verify them.
pub fn render_with(
    statement: &Statement,
    statement_bytes: &[u8],
    signature: &str,
    carried: &Carried,
) -> Result<String> {
    let visible = render_visible(statement);
    assemble(&visible, statement, statement_bytes, signature, carried)
}

/// The comment from its visible part and how it carries the statement.
fn assemble(
    visible: &str,
    statement: &Statement,
    statement_bytes: &[u8],
    signature: &str,
    carried: &Carried,
) -> Result<String> {
    let email = &statement.predicate.tester.email;
    let mut out = visible.to_string();
    out.push('\n');
    out.push_str(DETAILS_OPEN);
    let commands = match carried {
        Carried::Plain => {
            let json =
                std::str::from_utf8(statement_bytes).context("the statement is not UTF-8")?;
            out.push_str("\n`signoff.json`:\n\n");
            out.push_str(JSON_FENCE);
            out.push_str(json);
            out.push_str(FENCE_END);
            "or, with the two blocks above saved as `signoff.json` and `signoff.json.sig`:"
                .to_string()
        }
        Carried::Gzip(base64) => {
            out.push_str("\n`signoff.json`, compressed with gzip and encoded with base64:\n\n");
            out.push_str(GZIP_FENCE);
            out.push_str(base64);
            out.push_str(FENCE_END);
            "or, with the blocks above saved as `signoff.json.gz.b64` and `signoff.json.sig`, \
             `base64 -d signoff.json.gz.b64 | gunzip > signoff.json` and then:"
                .to_string()
        }
        Carried::ByHash(sha256) => {
            out.push_str(&format!(
                "\n{HASH_PREFIX}{sha256}`; the sign-off folder is committed as \
                 `{SIGNOFFS_FOLDER}/{}/`, where `greenlight verify` and `greenlight gate` \
                 find it by that hash.\n",
                name(&statement.predicate.run)
            ));
            format!(
                "or, in that folder (`{SIGNOFFS_FOLDER}/{}/`):",
                name(&statement.predicate.run)
            )
        }
    };
    out.push_str("\n`signoff.json.sig`:\n\n");
    out.push_str(SIGNATURE_FENCE);
    out.push_str(signature.trim_end());
    out.push('\n');
    out.push_str(FENCE_END);
    out.push_str(&format!(
        "\nVerify this comment, saved as `signoff.md`, against the team's allowed-signers file:\n\n\
         ```sh\ngreenlight verify signoff.md --allowed-signers allowed_signers\n```\n\n\
         {commands}\n\n\
         ```sh\nssh-keygen -Y verify -f allowed_signers -I {} -n {NAMESPACE} -s signoff.json.sig < signoff.json\n```\n\n\
         </details>\n",
        name(email)
    ));
    Ok(out)
}

/// gzip (at a fixed level, no name, no time) then base64 in lines of 76, or `None` as soon
/// as it is clear the text would pass `room` characters: a statement of 100,000 cells is
/// not compressed in full only to find it does not fit.
fn gzip_base64_within(bytes: &[u8], room: usize) -> Result<Option<String>> {
    // 4 base64 characters per 3 bytes, plus a line break per 76.
    let fits = |compressed: usize| compressed.div_ceil(3) * 4 * 77 / 76 <= room;
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    for chunk in bytes.chunks(64 << 10) {
        encoder
            .write_all(chunk)
            .context("cannot compress the statement")?;
        if !fits(encoder.get_ref().len()) {
            return Ok(None);
        }
    }
    let compressed = encoder.finish().context("cannot compress the statement")?;
    if !fits(compressed.len()) {
        return Ok(None);
    }
    let text = base64::engine::general_purpose::STANDARD.encode(compressed);
    let mut lines = String::with_capacity(text.len() + text.len() / 76 + 1);
    for chunk in text.as_bytes().chunks(76) {
        lines.push_str(&String::from_utf8_lossy(chunk));
        lines.push('\n');
    }
    Ok(Some(lines))
}

/// The statement a compressed block holds, inflated no further than [`MAX_INFLATED`]. Only
/// a block whose signature's key is trusted is ever inflated (DESIGN.md §6).
pub fn inflate(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compressed = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|err| format!("the compressed statement is not base64: {err}"))?;
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut inflated)
        .map_err(|err| format!("the compressed statement is not gzip: {err}"))?;
    if inflated.len() as u64 > MAX_INFLATED {
        return Err(format!(
            "the compressed statement inflates past {} MiB, more than a comment can hold of a real one",
            MAX_INFLATED >> 20
        ));
    }
    Ok(inflated)
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
        pairs: Vec<(Held, String)>,
    },
}

/// The fenced blocks of a comment, in order: (`json`, `base64` or `text`, body).
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
        } else if line == GZIP_FENCE {
            open = Some(("base64", String::new()));
        } else if line == SIGNATURE_FENCE {
            open = Some(("text", String::new()));
        }
    }
    found
}

/// The sha256 a hash-only comment names, when it names one.
fn named_hash(text: &str) -> Option<String> {
    let start = text.find(HASH_PREFIX)? + HASH_PREFIX.len();
    let rest = &text[start..];
    let hash = &rest[..rest.find('`')?];
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hash.to_string())
}

/// Splits a comment into its parts: exactly one folded statement (plain, compressed or by
/// hash) and one signature after it. CRLF line ends (as a web form may give) are read as
/// LF, which is how greenlight writes the statement.
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
    let held = |kind: &str, body: &str| match kind {
        "json" => Held::Json(body.as_bytes().to_vec()),
        _ => Held::Gzip(body.to_string()),
    };
    let mut pairs = Vec::new();
    let mut pending: Option<(&str, &String)> = None;
    for (kind, body) in &found {
        match (*kind, pending) {
            ("json" | "base64", _) => pending = Some((kind, body)),
            ("text", Some((statement_kind, statement))) => {
                pairs.push((held(statement_kind, statement), body.clone()));
                pending = None;
            }
            _ => {}
        }
    }
    let statements = found.iter().filter(|(kind, _)| *kind != "text").count();
    let signatures = found.len() - statements;
    let hashes = text.matches(HASH_PREFIX).count();
    let details_blocks = text.matches(DETAILS_OPEN).count();
    let malformed = |why: String, pairs| Err(CommentError::Malformed { why, pairs });
    if details_blocks != 1 || signatures != 1 || statements + hashes != 1 {
        return malformed(
            format!(
                "it holds {} statements and {signatures} signature blocks in \
                 {details_blocks} folded parts, where a sign-off has exactly one of each",
                statements + hashes
            ),
            pairs,
        );
    }
    let signature = found
        .iter()
        .find(|(kind, _)| *kind == "text")
        .map(|(_, body)| body.clone())
        .unwrap_or_default();
    let (carried, statement) = match found.iter().find(|(kind, _)| *kind != "text") {
        Some(("json", body)) => (Carried::Plain, body.as_bytes().to_vec()),
        Some((_, body)) => (Carried::Gzip(body.clone()), Vec::new()),
        None => match named_hash(&text) {
            Some(hash) => (Carried::ByHash(hash), Vec::new()),
            None => return malformed("the statement's sha256 cannot be read".into(), pairs),
        },
    };
    Ok(CommentParts {
        visible,
        carried,
        statement,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_notes_from_opening_html_links_or_breaking_tables() {
        assert_eq!(
            escape("a | b <details>\n`x` & y ![i](http://t/x.png)"),
            "a \\| b &lt;details&gt;<br>&#96;x&#96; &amp; y !&#91;i&#93;(http://t/x.png)"
        );
        assert_eq!(escape("\x1b]0;x\x07"), "\\x1b&#93;0;x\\x07");
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
    fn compressed_statements_round_trip_and_inflate_within_bounds() {
        let statement = "{\"a\": \"".to_string() + &"x".repeat(100_000) + "\"}\n";
        let packed = gzip_base64_within(statement.as_bytes(), 2_000)
            .unwrap()
            .expect("100,000 x compress to less than 2,000 characters");
        assert!(packed.len() < 2_000, "{}", packed.len());
        assert_eq!(
            gzip_base64_within(statement.as_bytes(), 100).unwrap(),
            None,
            "nor to 100"
        );
        assert!(packed.lines().all(|l| l.len() <= 76));
        assert_eq!(inflate(&packed).unwrap(), statement.as_bytes());
        assert!(inflate("not base64!").is_err());
        // A small block that would inflate past the bound is refused, not inflated.
        let bomb = {
            let mut encoder =
                flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..(MAX_INFLATED >> 20) + 1 {
                encoder.write_all(&zeros).unwrap();
            }
            base64::engine::general_purpose::STANDARD.encode(encoder.finish().unwrap())
        };
        assert!(bomb.len() < 1 << 20, "a small comment: {}", bomb.len());
        assert!(inflate(&bomb).unwrap_err().contains("inflates past"));
    }

    /// A statement as a hostile or enormous checklist would make it: thousands of
    /// environments with long labels, long titles, notes of characters that escaping
    /// lengthens, evidence on every failure.
    fn enormous_statement(environments: usize, cells: usize, long: usize) -> Statement {
        // Names in the thousands of cells and environments are long enough to be cut; the
        // statement's own fields are longer still.
        let short = long.min(2_000);
        const STATUSES: [&str; 4] = ["fail", "blocked", "skip", "pass"];
        let text = |c: char| c.to_string().repeat(long);
        let cell_text = |c: char| c.to_string().repeat(short);
        let counts =
            serde_json::json!({"pass": 0, "fail": 1, "blocked": 0, "skip": 0, "untested": 0});
        let statement = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": text('s'), "digest": {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}}],
            "predicateType": "https://greenlight.dev/signoff/v1",
            "predicate": {
                "tool": {"name": "greenlight", "version": "0"},
                "run": text('r'),
                "checklist": {"id": text('i'), "title": text('<'), "version": text('v'),
                              "path": "x.yaml", "sha256": "0".repeat(64)},
                "release": text('&'),
                "share": {"browsers": [text('b')], "viewports": [text('v')]},
                "tester": {"name": text('|'), "email": text('e'), "key": "SHA256:x"},
                "started": "2026-01-01T00:00:00Z",
                "signed": text('t'),
                "decision": "rejected",
                "comment": text('<'),
                "verdict": {"verdict": "blocked", "reasons": vec![text('>'); 50]},
                "counts": counts,
                "environments": (0..environments).map(|n| serde_json::json!({
                    "environment": format!("b{n}/v"), "label": cell_text('['), "counts": counts
                })).collect::<Vec<_>>(),
                "cells": (0..cells).map(|n| serde_json::json!({
                    "section": "s", "item": format!("i{n}"), "title": cell_text('`'),
                    "browser": format!("b{}", n % environments.max(1)), "viewport": "v",
                    "status": STATUSES[n % 4],
                    "severity": if n % 4 == 0 { Some(1 + n % 3) } else { None },
                    "note": cell_text('&'), "tester": "t", "recorded_at": "t",
                    "evidence": [{"path": format!("evidence/{}.png", "a".repeat(64)),
                                  "sha256": "a".repeat(64), "name": cell_text('<')}],
                    "failed_before": n % 4 == 3
                })).collect::<Vec<_>>(),
                "results_csv": {"sha256": "0".repeat(64)}
            }
        });
        serde_json::from_value(statement).expect("a statement")
    }

    #[test]
    fn every_comment_fits_whatever_the_statement_holds() {
        // An RSA-4096 signature is about 1,100 characters: take more.
        let signature = format!(
            "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
            "A".repeat(2_000)
        );
        // (environments, cells, length of names, how the statement is carried)
        let cases = [
            (2, 10, 10, "plain"),
            (12, 400, 30, "gzip"),
            (12, 20_000, 30, "hash"),
            (5_000, 2_000, 30_000, "hash"),
        ];
        for (environments, cells, long, form) in cases {
            let statement = enormous_statement(environments, cells, long);
            let bytes = statement.to_bytes().unwrap();
            let (text, carried) = render(&statement, &bytes, &signature).unwrap();
            let carried_as = match &carried {
                Carried::Plain => "plain",
                Carried::Gzip(_) => "gzip",
                Carried::ByHash(_) => "hash",
            };
            assert_eq!(
                carried_as, form,
                "{environments} environments, {cells} cells"
            );
            assert!(
                text.chars().count() <= COMMENT_LIMIT,
                "{environments} environments, {cells} cells, names of {long}: {} characters",
                text.chars().count()
            );
            let parts = parse(&text).unwrap();
            assert_eq!(parts.carried, carried);
            assert_eq!(parts.visible, render_visible(&statement));
            if cells > 10 {
                assert!(
                    parts.visible.contains("more: see `report.html`"),
                    "long lists are cut with a count"
                );
            }
            match carried {
                Carried::ByHash(hash) => assert_eq!(hash, sha256_hex(&bytes)),
                Carried::Gzip(base64) => {
                    assert!(parts.statement.is_empty(), "nothing is inflated on parsing");
                    assert_eq!(inflate(&base64).unwrap(), bytes);
                }
                Carried::Plain => assert_eq!(parts.statement, bytes),
            }
        }
    }

    #[test]
    fn a_comment_with_stacked_blocks_is_malformed_and_keeps_every_pair() {
        let block = |json: &str, sig: &str| {
            format!("{JSON_FENCE}{json}\n{FENCE_END}\n{SIGNATURE_FENCE}{sig}\n{FENCE_END}")
        };
        let one = format!("visible\n{DETAILS_OPEN}{}\n</details>\n", block("{}", "s1"));
        let parts = parse(&one).unwrap();
        assert_eq!(
            (
                parts.statement.as_slice(),
                parts.signature.as_str(),
                &parts.carried
            ),
            (b"{}\n".as_slice(), "s1\n", &Carried::Plain)
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
        let hash_and_json = format!(
            "{DETAILS_OPEN}{HASH_PREFIX}{}`\n{}\n",
            "a".repeat(64),
            block("{}", "s")
        );
        assert!(matches!(
            parse(&hash_and_json),
            Err(CommentError::Malformed { .. })
        ));
        assert_eq!(parse("just text").unwrap_err(), CommentError::NotASignoff);
    }
}
