//! git's allowed-signers file (`gpg.ssh.allowedSignersFile`, the format `ssh-keygen -Y
//! verify -f` reads): who may sign, with which key, for which namespaces, and when.
//!
//! ssh-key has no parser for it, so this is one, kept to what ssh-keygen documents:
//! `principals [options] keytype base64 [comment]`, principals a comma-separated list of
//! patterns (`*` and `?`), options `namespaces="…"`, `valid-after="…"`, `valid-before="…"`
//! and `cert-authority` (certificates are not supported here: such lines never match).

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::PublicKey;
use ssh_key::public::KeyData;

/// One line of the file.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    pub line: usize,
    pub principals: Vec<String>,
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<DateTime<Utc>>,
    pub valid_before: Option<DateTime<Utc>>,
    pub cert_authority: bool,
    pub key: PublicKey,
}

/// The whole file.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    pub signers: Vec<AllowedSigner>,
}

/// Why a key is not allowed to sign for a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No line lists this key for this principal.
    NotListed,
    /// Listed, but not for this namespace.
    Namespace(usize),
    /// Listed, but not valid at this time.
    OutsideValidity(usize),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotListed => write!(f, "the signing key is not listed for this principal"),
            Refusal::Namespace(line) => {
                write!(
                    f,
                    "line {line} lists the key, but not for the namespace `greenlight-signoff`"
                )
            }
            Refusal::OutsideValidity(line) => {
                write!(
                    f,
                    "line {line} lists the key, but not for this time (valid-after/valid-before)"
                )
            }
        }
    }
}

impl AllowedSigners {
    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<AllowedSigners> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the allowed-signers file {}", path.display()))?;
        AllowedSigners::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses the text of a file; blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> Result<AllowedSigners> {
        let mut signers = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            signers.push(
                parse_line(line)
                    .with_context(|| format!("line {}", n + 1))
                    .map(|mut signer| {
                        signer.line = n + 1;
                        signer
                    })?,
            );
        }
        Ok(AllowedSigners { signers })
    }

    /// Whether `key` may sign in `namespace` as `principal` at `time`.
    pub fn check(
        &self,
        principal: &str,
        key: &KeyData,
        namespace: &str,
        time: DateTime<Utc>,
    ) -> Result<usize, Refusal> {
        let mut refusal = Refusal::NotListed;
        for signer in &self.signers {
            if signer.cert_authority || signer.key.key_data() != key {
                continue;
            }
            if !list_matches(&signer.principals, principal) {
                continue;
            }
            if let Some(namespaces) = &signer.namespaces
                && !list_matches(namespaces, namespace)
            {
                refusal = Refusal::Namespace(signer.line);
                continue;
            }
            let too_early = signer.valid_after.is_some_and(|after| time < after);
            let too_late = signer.valid_before.is_some_and(|before| time > before);
            if too_early || too_late {
                refusal = Refusal::OutsideValidity(signer.line);
                continue;
            }
            return Ok(signer.line);
        }
        Err(refusal)
    }
}

fn parse_line(line: &str) -> Result<AllowedSigner> {
    let (principals, rest) = split_token(line);
    let rest = rest.trim_start();
    let (options, key_text) = if looks_like_key_type(rest) {
        ("", rest)
    } else {
        let (options, key) = split_token(rest);
        (options, key.trim_start())
    };
    if principals.is_empty() || key_text.is_empty() {
        bail!("expected `principals [options] keytype base64-key`");
    }
    let key = PublicKey::from_openssh(key_text).context("the public key cannot be read")?;
    let mut signer = AllowedSigner {
        line: 0,
        principals: unquote(principals).split(',').map(str::to_string).collect(),
        namespaces: None,
        valid_after: None,
        valid_before: None,
        cert_authority: false,
        key,
    };
    for option in split_options(options) {
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name.to_ascii_lowercase(), Some(unquote(value))),
            None => (option.to_ascii_lowercase(), None),
        };
        match (name.as_str(), value) {
            ("cert-authority", None) => signer.cert_authority = true,
            ("namespaces", Some(v)) => {
                signer.namespaces = Some(v.split(',').map(str::to_string).collect());
            }
            ("valid-after", Some(v)) => signer.valid_after = Some(parse_time(v)?),
            ("valid-before", Some(v)) => signer.valid_before = Some(parse_time(v)?),
            (other, _) => bail!("unknown option `{other}`"),
        }
    }
    Ok(signer)
}

/// The first token (a quoted string may hold spaces) and the rest.
fn split_token(text: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&text[..i], &text[i..]),
            _ => {}
        }
    }
    (text, "")
}

/// Options separated by commas outside quotes.
fn split_options(options: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in options.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < options.len() {
        out.push(&options[start..]);
    }
    out.into_iter().filter(|o| !o.is_empty()).collect()
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

fn looks_like_key_type(text: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-", "rsa-"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

/// `YYYYMMDD[HHMM[SS]][Z]`, local time unless it ends in `Z` (as ssh-keygen reads it).
fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(digits) => (digits, true),
        None => (text, false),
    };
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
        12 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M").ok(),
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok(),
        _ => None,
    }
    .with_context(|| format!("`{text}` is not a time of the form YYYYMMDD[HHMM[SS]][Z]"))?;
    if utc {
        Ok(Utc.from_utc_datetime(&naive))
    } else {
        Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .with_context(|| format!("`{text}` does not exist in the local time zone"))
    }
}

/// OpenSSH's pattern-list matching (`match_pattern_list`): refused if any `!pattern`
/// matches, otherwise accepted if any plain pattern does. The one rule for principals and
/// namespaces alike.
fn list_matches(patterns: &[String], text: &str) -> bool {
    let negated = patterns
        .iter()
        .filter_map(|p| p.strip_prefix('!'))
        .any(|p| pattern_matches(p, text));
    !negated
        && patterns
            .iter()
            .filter(|p| !p.starts_with('!'))
            .any(|p| pattern_matches(p, text))
}

/// ssh's pattern matching: `*` any run of characters, `?` one character.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIBeBIpfUbUUFVgNb0Y3kxO7CVrt0MNKZ6HuWWQG8PtO ada@laptop";

    #[test]
    fn parses_principals_options_and_key() {
        let text = format!(
            "# team\n\nada@example.com,*@ops.example.com namespaces=\"git,greenlight-signoff\",valid-after=\"20260101\",valid-before=\"20271231235959Z\" {KEY}\nbob@example.com {KEY}\n"
        );
        let signers = AllowedSigners::parse(&text).unwrap();
        assert_eq!(signers.signers.len(), 2);
        let first = &signers.signers[0];
        assert_eq!(first.line, 3);
        assert_eq!(first.principals, ["ada@example.com", "*@ops.example.com"]);
        assert_eq!(
            first.namespaces.as_deref().unwrap(),
            ["git", "greenlight-signoff"]
        );
        assert_eq!(
            first.valid_before.unwrap().to_rfc3339(),
            "2027-12-31T23:59:59+00:00"
        );
        assert_eq!(signers.signers[1].namespaces, None);
    }

    /// What `text` says of KEY signing for `principal` in `namespace` now.
    fn check(text: &str, principal: &str, namespace: &str) -> Result<usize, Refusal> {
        let signers = AllowedSigners::parse(text).unwrap();
        let key = PublicKey::from_openssh(KEY).unwrap();
        signers.check(principal, key.key_data(), namespace, Utc::now())
    }

    #[test]
    fn checks_principal_namespace_and_validity() {
        let text = format!(
            "ada@example.com namespaces=\"git\" {KEY}\nbob@example.com valid-before=\"20200101Z\" {KEY}\n*@team.example.com {KEY}\n"
        );
        let ns = "greenlight-signoff";
        assert_eq!(
            check(&text, "ada@example.com", ns),
            Err(Refusal::Namespace(1))
        );
        assert_eq!(check(&text, "ada@example.com", "git"), Ok(1));
        assert_eq!(
            check(&text, "bob@example.com", ns),
            Err(Refusal::OutsideValidity(2))
        );
        assert_eq!(check(&text, "eve@team.example.com", ns), Ok(3));
        assert_eq!(
            check(&text, "eve@evil.example.com", ns),
            Err(Refusal::NotListed)
        );
    }

    #[test]
    fn a_negated_principal_or_namespace_refuses_as_openssh_does() {
        let ns = "greenlight-signoff";
        let text = format!("*@example.com,!ada@example.com {KEY}\n");
        assert_eq!(check(&text, "ada@example.com", ns), Err(Refusal::NotListed));
        assert_eq!(check(&text, "bob@example.com", ns), Ok(1));
        let text = format!("ada@example.com namespaces=\"*,!greenlight-signoff\" {KEY}\n");
        assert_eq!(
            check(&text, "ada@example.com", ns),
            Err(Refusal::Namespace(1))
        );
        assert_eq!(check(&text, "ada@example.com", "git"), Ok(1));
    }

    #[test]
    fn patterns_match_like_ssh() {
        assert!(pattern_matches("*@example.com", "ada@example.com"));
        assert!(pattern_matches("ad?@example.com", "ada@example.com"));
        assert!(!pattern_matches("*@example.com", "ada@example.org"));
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(!list_matches(
            &list(&["*@example.com", "!ada@example.com"]),
            "ada@example.com"
        ));
        assert!(list_matches(
            &list(&["*@example.com", "!ada@example.com"]),
            "bob@example.com"
        ));
        assert!(!list_matches(
            &list(&["*", "!greenlight-signoff"]),
            "greenlight-signoff"
        ));
        assert!(
            !list_matches(&list(&["!bob@example.com"]), "ada@example.com"),
            "no plain pattern"
        );
    }

    #[test]
    fn bad_lines_are_errors_with_their_number() {
        let err = AllowedSigners::parse("ada@example.com\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
        let err = AllowedSigners::parse(&format!("ada@example.com bogus=1 {KEY}")).unwrap_err();
        assert!(format!("{err:#}").contains("unknown option"), "{err:#}");
    }
}
