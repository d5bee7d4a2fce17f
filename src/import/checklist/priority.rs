//! Priority as people write it — High/Medium/Low, P0–P4, blocker, critical, minor — in a
//! sheet's column, a Markdown badge, or at either end of a title, read as a severity.

/// A priority word or badge as a severity: High/Medium/Low, P0–P4, blocker/critical,
/// major, minor/trivial.
pub(super) fn priority_severity(word: &str) -> Option<crate::checklist::Severity> {
    use crate::checklist::Severity;
    let word = word
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    let word = word
        .strip_prefix("priority")
        .map(|rest| rest.trim_start_matches([':', ' ', '-', '_']))
        .unwrap_or(&word);
    match word {
        "high" | "p0" | "p1" | "critical" | "blocker" | "must" => Some(Severity::BLOCKER),
        "medium" | "med" | "p2" | "major" | "should" => Some(Severity::MAJOR),
        "low" | "p3" | "p4" | "minor" | "trivial" | "could" => Some(Severity::MINOR),
        _ => None,
    }
}

/// A title with a priority marker taken off its start (`P1:`, `[High]`, `(minor)`) or end
/// (`(P2)`, `— low`), and the severity it named.
pub(super) fn take_priority(title: &str) -> (String, Option<crate::checklist::Severity>) {
    let title = title.trim();
    // At the start: a bracketed word, or a word and a colon.
    let leading = if let Some(rest) = title.strip_prefix(['[', '(']) {
        rest.split_once([']', ')'])
    } else if title.to_ascii_lowercase().starts_with("priority:") {
        title["priority:".len()..].split_once(':')
    } else {
        title
            .split_once(':')
            .filter(|(word, _)| !word.contains(' ') || word.to_lowercase().starts_with("priority"))
    };
    if let Some((word, rest)) = leading
        && let Some(severity) = priority_severity(word)
    {
        return (
            rest.trim_start_matches([' ', '-', '–', '—', ':'])
                .trim()
                .to_string(),
            Some(severity),
        );
    }
    // At the end: a bracketed word, or a word after a dash.
    let trailing = if let Some(rest) = title.strip_suffix([']', ')']) {
        rest.rfind(['[', '('])
            .map(|open| (&title[..open], &rest[open + 1..]))
    } else {
        title
            .rfind([' ', '—', '–'])
            .map(|at| (&title[..at], &title[at..]))
            .filter(|(head, _)| head.trim_end().ends_with(['-', '—', '–', '|']))
    };
    if let Some((head, word)) = trailing
        && let Some(severity) = priority_severity(word)
    {
        let head = head
            .trim_end()
            .trim_end_matches(['-', '—', '–', '|', ':'])
            .trim_end();
        if !head.is_empty() {
            return (head.to_string(), Some(severity));
        }
    }
    (title.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_words_at_either_end_become_the_severity() {
        use crate::checklist::Severity;
        for (text, title, severity) in [
            (
                "P1: Checkout works",
                "Checkout works",
                Some(Severity::BLOCKER),
            ),
            (
                "[Medium] Footer links",
                "Footer links",
                Some(Severity::MAJOR),
            ),
            (
                "(low) Favicon shows",
                "Favicon shows",
                Some(Severity::MINOR),
            ),
            ("Menu closes (P3)", "Menu closes", Some(Severity::MINOR)),
            (
                "Prices are right — blocker",
                "Prices are right",
                Some(Severity::BLOCKER),
            ),
            ("Priority: high: Login", "Login", Some(Severity::BLOCKER)),
            ("Note: the highlights", "Note: the highlights", None),
            ("Works at high zoom", "Works at high zoom", None),
        ] {
            assert_eq!(take_priority(text), (title.to_string(), severity), "{text}");
        }
    }
}
