//! YAML that every reader reads the same. `serde_yaml` writes YAML 1.2, where `yes`, `no`,
//! `on`, `off`, `1_000`, `1:20` and `2001-12-14` are plain strings; a YAML 1.1 reader
//! (PyYAML, Ruby's Psych, many CI tools) reads them as booleans, numbers and dates. Every
//! plain scalar a 1.1 reader would not read as a string is single-quoted here, which both
//! versions read as the same string.

/// Whether a YAML 1.1 reader resolves the plain scalar `text` to something other than a
/// string (PyYAML's implicit resolvers: bool, null, int, float, timestamp, merge, value).
pub(super) fn special_in_yaml11(text: &str) -> bool {
    const WORDS: [&str; 26] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
    ];
    if text.is_empty() || WORDS.contains(&text) || text == "<<" || text == "=" {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits_or = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == '_' || extra.contains(&c))
    };
    // Integers: binary, octal, decimal, hexadecimal, base 60; floats with `.`, exponents,
    // base 60, infinities and NaN.
    let number = unsigned
        .strip_prefix("0b")
        .is_some_and(|s| !s.is_empty() && s.chars().all(|c| matches!(c, '0' | '1' | '_')))
        || unsigned
            .strip_prefix("0x")
            .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit() || c == '_'))
        || (digits_or(unsigned, &[':']) && unsigned.starts_with(|c: char| c.is_ascii_digit()))
        || is_float(unsigned)
        || matches!(
            unsigned,
            ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
        );
    number || is_timestamp(text)
}

/// `[0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?` or base 60 with a fraction, as YAML 1.1.
fn is_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        e.strip_prefix(['-', '+'])
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
    });
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    exponent_ok
        && whole
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == ':')
        && fraction
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == '.')
        && (whole.chars().any(|c| c.is_ascii_digit())
            || fraction.chars().any(|c| c.is_ascii_digit()))
}

/// `YYYY-M-D`, optionally followed by a time, as YAML 1.1's timestamp.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 8
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && text[5..]
            .split(|c: char| !c.is_ascii_digit())
            .take(2)
            .all(|part| !part.is_empty() && part.len() <= 2)
}

/// `yaml` (as `serde_yaml` writes it) with every plain scalar that YAML 1.1 would not read
/// as a string single-quoted. Block scalars (`|`, `>`) are strings in both and left alone.
pub(super) fn quote_for_yaml11(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len());
    // The indent of the key whose block scalar is being read.
    let mut block: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(key_indent) = block {
            if line.trim().is_empty() || indent > key_indent {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block = None;
        }
        let (head, key, value) = split_value(line);
        if value.starts_with(['|', '>']) {
            block = Some(indent);
        }
        // Only the checklist's text fields and its lists of ids hold strings; `width`,
        // `severity` or `required` are numbers and booleans on purpose.
        let holds_text = key.is_none_or(|key| STRING_KEYS.contains(&key));
        if holds_text
            && !value.is_empty()
            && !value.starts_with(['\'', '"', '|', '>', '[', '{', '&', '*', '!'])
            && special_in_yaml11(value)
        {
            out.push_str(head);
            out.push('\'');
            out.push_str(value);
            out.push('\'');
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The keys of a written checklist whose values are text.
const STRING_KEYS: [&str; 9] = [
    "id", "title", "steps", "expect", "url", "name", "launch", "browser", "viewport",
];

/// A line as its head (indent, `- ` markers and `key: `), its key (`None` for a bare list
/// entry) and its scalar value, if any.
fn split_value(line: &str) -> (&str, Option<&str>, &str) {
    let mut at = line.len() - line.trim_start().len();
    while line[at..].starts_with("- ") {
        at += 2;
    }
    let rest = &line[at..];
    if let Some(colon) = rest.find(": ")
        && rest[..colon]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        let key = &rest[..colon];
        at += colon + 2;
        return (&line[..at], Some(key), &line[at..]);
    }
    if rest.ends_with(':') {
        return (line, Some(""), "");
    }
    (&line[..at], None, &line[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_specials_are_recognised_and_ordinary_text_is_not() {
        for special in [
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "~",
            "null",
            "",
            "1_000",
            "0b101",
            "0x1F",
            "017",
            "1:20",
            "1.5",
            ".5",
            "1.",
            "1.0e+3",
            "+1",
            "1__0",
            "-.inf",
            ".NaN",
            "2001-12-14",
            "2001-12-14 21:59:43.10 -5",
            "<<",
            "=",
        ] {
            assert!(special_in_yaml11(special), "{special:?}");
        }
        for plain in [
            "yesterday",
            "Nope",
            "x-default",
            "1-0",
            "v1.2",
            "e3",
            "2001-12",
            "Check 1",
            "a:b",
            "12 items",
            "0xZZ",
            "…",
        ] {
            assert!(!special_in_yaml11(plain), "{plain:?}");
        }
    }

    #[test]
    fn only_plain_values_are_quoted_never_keys_or_block_text() {
        let yaml = "id: yes\ntitle: No\nitems:\n- id: on\n  steps: |-\n    yes\n    no\n  expect: '1.0'\n  severity: 2\n  required: false\n  only:\n    browsers:\n    - off\nviewports:\n- id: 1_0\n  width: 390\n";
        assert_eq!(
            quote_for_yaml11(yaml),
            "id: 'yes'\ntitle: 'No'\nitems:\n- id: 'on'\n  steps: |-\n    yes\n    no\n  expect: '1.0'\n  severity: 2\n  required: false\n  only:\n    browsers:\n    - 'off'\nviewports:\n- id: '1_0'\n  width: 390\n"
        );
    }
}
