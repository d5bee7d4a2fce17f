//! git's allowed-signers file (`gpg.ssh.allowedSignersFile`, the format `ssh-keygen -Y
//! verify -f` reads): who may sign, with which key, for which namespaces, and when.
//!
//! ssh-key has no parser for it, so this is one, written to agree with OpenSSH's own
//! (`sshsig.c`: `check_allowed_keys_line`, `parse_principals_key_and_options`,
//! `sshsigopt_parse`; `match.c`: `match_pattern_list`), not with a reading of the manual:
//! - a line is `principals [options] keytype base64 [comment]`; blank lines and lines whose
//!   first non-blank character is `#` are skipped; the principals field may be quoted;
//! - lines are tried top to bottom and the first that passes every check accepts. A line
//!   that fails any check — its principals do not match, it cannot be read, its key differs,
//!   its namespaces or validity refuse — is skipped, and later lines are still tried;
//! - principals and namespaces are pattern lists: `*`, `?`, and `!` negation, which makes
//!   that line not match; matching is case-sensitive;
//! - options are `cert-authority`, `namespaces="…"`, `valid-after="…"`, `valid-before="…"`,
//!   names in any case, values quoted; an unknown or repeated option makes the line unreadable;
//! - times are `YYYYMMDD[HHMM[SS]]`, UTC with a `Z` or `UTC` suffix and local otherwise, and
//!   both ends of the window are inclusive;
//! - a `cert-authority` line never matches a plain key (greenlight signs with plain keys).

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use ssh_key::PublicKey;
use ssh_key::public::KeyData;

/// The largest allowed-signers file read: far past any team's, small enough to hold.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// The longest pattern in a pattern list; OpenSSH refuses the whole list past it.
const MAX_PATTERN: usize = 1022;

/// One line of the file that is not blank or a comment.
#[derive(Debug, Clone)]
struct Line {
    number: usize,
    /// The principals patterns, or `None` when the field cannot be read (an unclosed quote).
    principals: Option<Vec<String>>,
    /// The rest of the line, read, or why it cannot be.
    body: Result<Body, String>,
}

/// What follows the principals on a line.
#[derive(Debug, Clone)]
struct Body {
    cert_authority: bool,
    namespaces: Option<Vec<String>>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
    key: PublicKey,
}

/// The whole file.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    lines: Vec<Line>,
}

/// Why a key is not allowed to sign for a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No line lists this key for this principal.
    NotListed,
    /// A line for this principal cannot be read, so OpenSSH skips it too.
    Unreadable { line: usize, why: String },
    /// Listed, but only as a certificate authority, which a plain key never matches.
    CertificateAuthority(usize),
    /// Listed, but not for this namespace.
    Namespace(usize),
    /// Listed, but not valid at this time.
    OutsideValidity(usize),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotListed => write!(f, "the signing key is not listed for this principal"),
            Refusal::Unreadable { line, why } => write!(
                f,
                "line {line} names this principal but cannot be read ({why}), so it is skipped, \
                 as ssh-keygen skips it"
            ),
            Refusal::CertificateAuthority(line) => write!(
                f,
                "line {line} lists the key as a cert-authority, which a plain key never matches"
            ),
            Refusal::Namespace(line) => write!(
                f,
                "line {line} lists the key, but not for the namespace `greenlight-signoff`"
            ),
            Refusal::OutsideValidity(line) => write!(
                f,
                "line {line} lists the key, but not for this time (valid-after/valid-before)"
            ),
        }
    }
}

impl AllowedSigners {
    /// Reads and parses a file (a regular file, of a sane size).
    pub fn load(path: &Path) -> Result<AllowedSigners> {
        let bytes = crate::fsutil::read_regular_file(path, MAX_FILE_BYTES)
            .with_context(|| format!("cannot read the allowed-signers file {}", path.display()))?;
        Ok(AllowedSigners::parse(&String::from_utf8_lossy(&bytes)))
    }

    /// Parses the text of a file. Nothing is an error: a line that cannot be read is kept
    /// as such, never matches, and is listed by [`AllowedSigners::unreadable`].
    pub fn parse(text: &str) -> AllowedSigners {
        let lines = text
            .split('\n')
            .enumerate()
            .filter_map(|(n, raw)| {
                // C reads a line up to its first NUL; only spaces and tabs lead (ssh-keygen 9).
                let raw = raw.split('\0').next().unwrap_or_default();
                let line = raw.trim_start_matches([' ', '\t']);
                if line.is_empty() || line.starts_with('#') {
                    return None;
                }
                let (principals, rest) = match principals_field(line) {
                    Some((field, rest)) => (Some(split_list(&field)), rest),
                    None => (None, ""),
                };
                let body = match principals {
                    Some(_) => parse_body(rest),
                    None => Err("invalid line: the principals' quote is not closed".into()),
                };
                Some(Line {
                    number: n + 1,
                    principals,
                    body,
                })
            })
            .collect();
        AllowedSigners { lines }
    }

    /// The lines that cannot be read, with why: they never match, as in ssh-keygen.
    pub fn unreadable(&self) -> Vec<(usize, String)> {
        self.lines
            .iter()
            .filter_map(|line| {
                line.body
                    .as_ref()
                    .err()
                    .map(|why| (line.number, why.clone()))
            })
            .collect()
    }

    /// Whether some readable line lists `key` for `namespace` at `time`, for any principal:
    /// the number of the first, or why none does. This is asked of a sign-off's key before
    /// anything else about it is read (DESIGN.md §6), as `ssh-keygen -Y find-principals`
    /// looks a key up without a principal; whether the key may sign as the tester the
    /// statement names is [`AllowedSigners::check`]'s to say once the statement is read.
    pub fn lists_key(
        &self,
        key: &KeyData,
        namespace: &str,
        time: DateTime<Utc>,
    ) -> Result<usize, Refusal> {
        // A line that cannot be read lists nothing, whichever principal it meant.
        self.first_allowing(|_| true, key, namespace, time)
            .map_err(|refusal| match refusal {
                Refusal::Unreadable { .. } => Refusal::NotListed,
                other => other,
            })
    }

    /// Whether `key` may sign in `namespace` as `principal` at `time`: the number of the
    /// first line that allows it, or why none does.
    pub fn check(
        &self,
        principal: &str,
        key: &KeyData,
        namespace: &str,
        time: DateTime<Utc>,
    ) -> Result<usize, Refusal> {
        self.first_allowing(
            |principals| list_matches(principals, principal),
            key,
            namespace,
            time,
        )
    }

    /// The first line whose principals `principals_match` and that allows `key` in
    /// `namespace` at `time`, or why none does: the one rule both questions share.
    fn first_allowing(
        &self,
        principals_match: impl Fn(&[String]) -> bool,
        key: &KeyData,
        namespace: &str,
        time: DateTime<Utc>,
    ) -> Result<usize, Refusal> {
        let mut refusal = Refusal::NotListed;
        let mut note = |candidate: Refusal| {
            if refusal == Refusal::NotListed {
                refusal = candidate;
            }
        };
        for line in &self.lines {
            let Some(principals) = &line.principals else {
                continue;
            };
            if !principals_match(principals) {
                continue;
            }
            let body = match &line.body {
                Ok(body) => body,
                Err(why) => {
                    note(Refusal::Unreadable {
                        line: line.number,
                        why: why.clone(),
                    });
                    continue;
                }
            };
            if body.key.key_data() != key {
                continue;
            }
            if body.cert_authority {
                note(Refusal::CertificateAuthority(line.number));
                continue;
            }
            if let Some(namespaces) = &body.namespaces
                && !list_matches(namespaces, namespace)
            {
                note(Refusal::Namespace(line.number));
                continue;
            }
            if !within(body, time) {
                note(Refusal::OutsideValidity(line.number));
                continue;
            }
            return Ok(line.number);
        }
        Err(refusal)
    }
}

/// Whether `time` is inside a line's validity window (both ends inclusive).
fn within(body: &Body, time: DateTime<Utc>) -> bool {
    let too_early = body.valid_after.is_some_and(|after| time < after);
    let too_late = body.valid_before.is_some_and(|before| time > before);
    !too_early && !too_late
}

const WHITESPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// The principals field and what follows it. A `"` starts a quoted stretch that may hold
/// spaces and runs to the next `"` (as OpenSSH's `strdelimw`); `None` when it is not closed.
fn principals_field(line: &str) -> Option<(String, &str)> {
    let mut field = String::new();
    for (i, c) in line.char_indices() {
        match c {
            '"' => {
                let rest = &line[i + 1..];
                let close = rest.find('"')?;
                field.push_str(&rest[..close]);
                let after = i + 1 + close + 1;
                return Some((field, &line[after..]));
            }
            c if WHITESPACE.contains(&c) => return Some((field, &line[i..])),
            c => field.push(c),
        }
    }
    Some((field, ""))
}

/// A comma-separated pattern list, each pattern as written.
fn split_list(list: &str) -> Vec<String> {
    list.split(',').map(str::to_string).collect()
}

/// Options (if any) and the key, with OpenSSH's rule for telling them apart: what follows
/// the principals is a key if it reads as one, and options otherwise.
fn parse_body(rest: &str) -> Result<Body, String> {
    let rest = rest.trim_start_matches(WHITESPACE);
    if rest.is_empty() {
        return Err("invalid line: no key".into());
    }
    if let Some(key) = read_key(rest) {
        return Ok(Body {
            cert_authority: false,
            namespaces: None,
            valid_after: None,
            valid_before: None,
            key,
        });
    }
    let (options, after) = options_token(rest)?;
    let after = after.trim_start_matches(WHITESPACE);
    if after.is_empty() {
        return Err("missing key".into());
    }
    let key = read_key(after).ok_or("invalid key")?;
    let mut body = parse_options(options)?;
    body.key = key;
    Ok(body)
}

/// A public key from `type base64 [comment]`, if that is what `text` starts with.
fn read_key(text: &str) -> Option<PublicKey> {
    let mut words = text.split([' ', '\t']).filter(|w| !w.is_empty());
    let algorithm = words.next()?;
    let blob = words.next()?.trim_end_matches(WHITESPACE);
    PublicKey::from_openssh(&format!("{algorithm} {blob}")).ok()
}

/// The options token: up to the first space or tab outside quotes, where `\"` (quoted or
/// not) is skipped whole, as `sshkey_advance_past_options` does.
fn options_token(text: &str) -> Result<(&str, &str), String> {
    let bytes = text.as_bytes();
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b' ' | b'\t' if !quoted => return Ok((&text[..i], &text[i..])),
            _ => {}
        }
        i += 1;
    }
    if quoted {
        return Err("invalid options: a quote is not closed".into());
    }
    Ok((text, ""))
}

/// The options of a line, as `sshsigopt_parse` reads them.
fn parse_options(options: &str) -> Result<Body, String> {
    let mut body = Body {
        cert_authority: false,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key: placeholder_key(),
    };
    let mut rest = options;
    while !rest.is_empty() {
        let (name, value, after) = next_option(rest)?;
        match name.to_ascii_lowercase().as_str() {
            "cert-authority" if value.is_none() => body.cert_authority = true,
            "namespaces" => {
                let value = value.ok_or("bad options: missing start quote")?;
                if body.namespaces.is_some() {
                    return Err("bad options: multiple \"namespaces\" clauses".into());
                }
                body.namespaces = Some(split_list(&value));
            }
            clause @ ("valid-after" | "valid-before") => {
                let value = value.ok_or("bad options: missing start quote")?;
                let time = parse_time(&value)
                    .ok_or_else(|| format!("bad options: invalid \"{clause}\" time"))?;
                let slot = if clause == "valid-after" {
                    &mut body.valid_after
                } else {
                    &mut body.valid_before
                };
                if slot.replace(time).is_some() {
                    return Err(format!("bad options: multiple \"{clause}\" clauses"));
                }
            }
            _ => return Err("bad options: unknown key option".into()),
        }
        rest = match after.strip_prefix(',') {
            Some("") => return Err("bad options: unexpected end-of-options".into()),
            Some(more) => more,
            None if after.is_empty() => "",
            None => return Err("bad options: unknown key option".into()),
        };
    }
    if let (Some(after), Some(before)) = (body.valid_after, body.valid_before)
        && before <= after
    {
        return Err("bad options: \"valid-before\" time is before \"valid-after\"".into());
    }
    Ok(body)
}

/// The first option of `text`: its name, its quoted value (unescaped) if it has one, and
/// what follows it.
fn next_option(text: &str) -> Result<(&str, Option<String>, &str), String> {
    let name_end = text.find(['=', ',']).unwrap_or(text.len());
    let name = &text[..name_end];
    let Some(after_equals) = text[name_end..].strip_prefix('=') else {
        return Ok((name, None, &text[name_end..]));
    };
    let Some(quoted) = after_equals.strip_prefix('"') else {
        return Err("bad options: missing start quote".into());
    };
    // As `opt_dequote`: `\"` is a quote inside the value, any other `\` stays as it is.
    let bytes = quoted.as_bytes();
    let mut value = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'"') => {
                value.push(b'"');
                i += 2;
            }
            b'"' => {
                let value = String::from_utf8_lossy(&value).into_owned();
                return Ok((name, Some(value), &quoted[i + 1..]));
            }
            byte => {
                value.push(byte);
                i += 1;
            }
        }
    }
    Err("bad options: missing end quote".into())
}

/// A key that stands in until the line's own is read; never compared.
fn placeholder_key() -> PublicKey {
    PublicKey::from(KeyData::Ed25519(ssh_key::public::Ed25519PublicKey([0; 32])))
}

/// `YYYYMMDD[HHMM[SS]]`, UTC when followed by `Z`/`z` or `UTC` (any case), local time
/// otherwise; `None` for anything else, and for the epoch itself (as `parse_absolute_time`).
/// Each field is read in the range glibc's `strptime` takes (day 1–31 whatever the month,
/// seconds up to 61) and the date is then normalised as `timegm`/`mktime` do, so that
/// `20990230` is 2 March 2099 for greenlight as it is for ssh-keygen.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let lower = text.to_ascii_lowercase();
    let (digits, utc) = if let Some(digits) = lower.strip_suffix("utc") {
        (digits, true)
    } else if let Some(digits) = lower.strip_suffix('z') {
        (digits, true)
    } else {
        (lower.as_str(), false)
    };
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |at: usize, len: usize, range: std::ops::RangeInclusive<i64>| {
        let value: i64 = digits.get(at..at + len)?.parse().ok()?;
        range.contains(&value).then_some(value)
    };
    let year = field(0, 4, 0..=9999)?;
    let month = field(4, 2, 1..=12)?;
    let day = field(6, 2, 1..=31)?;
    let (hour, minute, second) = match digits.len() {
        8 => (0, 0, 0),
        12 => (field(8, 2, 0..=23)?, field(10, 2, 0..=59)?, 0),
        _ => (
            field(8, 2, 0..=23)?,
            field(10, 2, 0..=59)?,
            field(12, 2, 0..=61)?,
        ),
    };
    let first = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month as u32, 1)?;
    let naive = first.and_hms_opt(0, 0, 0)?
        + chrono::Duration::days(day - 1)
        + chrono::Duration::seconds(hour * 3600 + minute * 60 + second);
    let time = if utc {
        Utc.from_utc_datetime(&naive)
    } else {
        Local
            .from_local_datetime(&naive)
            .earliest()?
            .with_timezone(&Utc)
    };
    (time.timestamp() > 0).then_some(time)
}

/// OpenSSH's `match_pattern_list`: refused if any `!pattern` matches, otherwise accepted
/// if any plain pattern does; a pattern longer than OpenSSH allows refuses the whole list.
/// The one rule for principals and namespaces alike.
fn list_matches(patterns: &[String], text: &str) -> bool {
    if patterns.iter().any(|p| p.len() > MAX_PATTERN) {
        return false;
    }
    let mut positive = false;
    for pattern in patterns {
        match pattern.strip_prefix('!') {
            Some(negated) if pattern_matches(negated, text) => return false,
            Some(_) => {}
            None => positive |= pattern_matches(pattern, text),
        }
    }
    positive
}

/// ssh's pattern matching, byte by byte as OpenSSH's C does: `*` any run of bytes, `?` one
/// byte, the rest literal.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    // Iterative matching with one back-tracking point: linear in practice, never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((star_pi, star_ti)) => {
                    pi = star_pi + 1;
                    ti = star_ti + 1;
                    star = Some((star_pi, star_ti + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIBeBIpfUbUUFVgNb0Y3kxO7CVrt0MNKZ6HuWWQG8PtO ada@laptop";

    /// What `text` says of KEY signing for `principal` in `namespace` now.
    fn check(text: &str, principal: &str, namespace: &str) -> Result<usize, Refusal> {
        let key = PublicKey::from_openssh(KEY).unwrap();
        AllowedSigners::parse(text).check(principal, key.key_data(), namespace, Utc::now())
    }

    const NS: &str = "greenlight-signoff";

    #[test]
    fn reads_principals_options_and_key() {
        let text = format!(
            "# team\n\nada@example.com,*@ops.example.com namespaces=\"git,greenlight-signoff\",valid-after=\"20260101\",valid-before=\"20271231235959Z\" {KEY}\nbob@example.com {KEY}\n"
        );
        let signers = AllowedSigners::parse(&text);
        assert_eq!(signers.lines.len(), 2);
        let first = &signers.lines[0];
        assert_eq!(first.number, 3);
        assert_eq!(
            first.principals.as_deref().unwrap(),
            ["ada@example.com", "*@ops.example.com"]
        );
        let body = first.body.as_ref().unwrap();
        assert_eq!(
            body.namespaces.as_deref().unwrap(),
            ["git", "greenlight-signoff"]
        );
        assert_eq!(
            body.valid_before.unwrap().to_rfc3339(),
            "2027-12-31T23:59:59+00:00"
        );
        assert!(signers.unreadable().is_empty());
    }

    #[test]
    fn checks_principal_namespace_and_validity() {
        let text = format!(
            "ada@example.com namespaces=\"git\" {KEY}\nbob@example.com valid-before=\"20200101Z\" {KEY}\n*@team.example.com {KEY}\n"
        );
        assert_eq!(
            check(&text, "ada@example.com", NS),
            Err(Refusal::Namespace(1))
        );
        assert_eq!(check(&text, "ada@example.com", "git"), Ok(1));
        assert_eq!(
            check(&text, "bob@example.com", NS),
            Err(Refusal::OutsideValidity(2))
        );
        assert_eq!(check(&text, "eve@team.example.com", NS), Ok(3));
        assert_eq!(
            check(&text, "eve@evil.example.com", NS),
            Err(Refusal::NotListed)
        );
    }

    #[test]
    fn a_negated_principal_or_namespace_refuses_that_line_as_openssh_does() {
        let text = format!("*@example.com,!ada@example.com {KEY}\n");
        assert_eq!(check(&text, "ada@example.com", NS), Err(Refusal::NotListed));
        assert_eq!(check(&text, "bob@example.com", NS), Ok(1));
        let text = format!("ada@example.com namespaces=\"*,!greenlight-signoff\" {KEY}\n");
        assert_eq!(
            check(&text, "ada@example.com", NS),
            Err(Refusal::Namespace(1))
        );
        assert_eq!(check(&text, "ada@example.com", "git"), Ok(1));
        // A negation only disqualifies its own line: a later line may still allow.
        let text = format!("*@example.com,!ada@example.com {KEY}\nada@example.com {KEY}\n");
        assert_eq!(check(&text, "ada@example.com", NS), Ok(2));
    }

    #[test]
    fn an_unreadable_line_is_skipped_and_later_lines_still_count() {
        let text = format!("ada@example.com bogus=\"1\" {KEY}\nada@example.com {KEY}\n");
        assert_eq!(check(&text, "ada@example.com", NS), Ok(2));
        let text = format!("ada@example.com namespaces=greenlight-signoff {KEY}\n");
        assert_eq!(
            check(&text, "ada@example.com", NS),
            Err(Refusal::Unreadable {
                line: 1,
                why: "bad options: missing start quote".into()
            })
        );
        let signers = AllowedSigners::parse("\"ada@example.com ssh-ed25519 AAAA\n");
        assert_eq!(signers.unreadable().len(), 1);
    }

    #[test]
    fn patterns_match_like_ssh() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(pattern_matches("*@example.com", "ada@example.com"));
        assert!(pattern_matches("ad?@example.com", "ada@example.com"));
        assert!(!pattern_matches("*@example.com", "ada@example.org"));
        assert!(
            !pattern_matches("Ada@example.com", "ada@example.com"),
            "case counts"
        );
        assert!(pattern_matches("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!pattern_matches("*a*b*c", "xxaxxbxxcxx"));
        assert!(pattern_matches("", ""));
        assert!(!pattern_matches("?", ""));
        assert!(!list_matches(
            &list(&["*@example.com", "!ada@example.com"]),
            "ada@example.com"
        ));
        assert!(list_matches(
            &list(&["!mallory@example.com", "*@example.com"]),
            "bob@example.com"
        ));
        assert!(!list_matches(
            &list(&["!bob@example.com"]),
            "ada@example.com"
        ));
        assert!(list_matches(
            &list(&["ada@example.com", ""]),
            "ada@example.com"
        ));
        let long = "x".repeat(MAX_PATTERN + 1);
        assert!(!list_matches(
            &list(&["ada@example.com", &long]),
            "ada@example.com"
        ));
    }

    #[test]
    fn times_read_as_ssh_keygen_reads_them() {
        let utc = |text| parse_time(text).map(|t| t.to_rfc3339());
        assert_eq!(
            utc("20240101Z").as_deref(),
            Some("2024-01-01T00:00:00+00:00")
        );
        assert_eq!(
            utc("20240101utc").as_deref(),
            Some("2024-01-01T00:00:00+00:00")
        );
        assert_eq!(
            utc("202401011230z").as_deref(),
            Some("2024-01-01T12:30:00+00:00")
        );
        assert_eq!(
            utc("20240101123456Z").as_deref(),
            Some("2024-01-01T12:34:56+00:00")
        );
        // Days past the month's end roll over, as timegm rolls them.
        assert_eq!(
            utc("20990230Z").as_deref(),
            Some("2099-03-02T00:00:00+00:00")
        );
        assert_eq!(
            utc("20240131235961Z").as_deref(),
            Some("2024-02-01T00:00:01+00:00")
        );
        for bad in [
            "2024-01-01",
            "20240132Z",
            "20240100Z",
            "202401012400Z",
            "19700101Z",
            "19000101Z",
            "2024010",
            "20241301Z",
            "20240101x",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
