//! Bad input never panics: random and mutated checklists and journal lines always come back
//! as a value or an error.

use greenlight::checklist::Checklist;
use greenlight::journal::parse_journal;
use greenlight::results::Results;
use proptest::prelude::*;
use std::path::Path;

const SHIPPED: &str = include_str!("../checklists/web-ux.yaml");
const SMALL: &str = include_str!("fixtures/small.yaml");
const JOURNAL: &str = concat!(
    r#"{"kind":"result","seq":1,"at":"2026-11-25T12:00:00Z","tester":"A <a@b.c>","item":"no-shift","browser":"chrome","viewport":"phone","status":"pass"}"#,
    "\n",
    r#"{"kind":"result","seq":2,"at":"2026-11-25T12:00:01Z","tester":"A <a@b.c>","item":"no-shift","browser":"chrome","viewport":"phone","status":"fail","severity":1,"note":"x","evidence":[{"path":"/a.png","sha256":"00"}]}"#,
    "\n",
    r#"{"kind":"undo","seq":3,"at":"2026-11-25T12:00:02Z","tester":"A <a@b.c>","undoes":2}"#,
    "\n",
);

/// A structural edit of some text: delete, duplicate or replace a span, or swap two lines.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragments = prop::sample::select(vec![
        ":",
        "- ",
        "  ",
        "\n",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "!!binary ",
        "? ",
        "|",
        ">",
        "'",
        "\"",
        "id: x\n",
        "severity: 7",
        "severity: -1",
        "only: {viewports: [watch]}",
        "width: 99999999999",
        "exclude: [{}]",
        "\t",
        "\u{feff}",
        "é",
        "🙂",
        "null",
        "~",
        "<<: *a",
        "9223372036854775808",
    ]);
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), fragments.prop_map(str::to_string))
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), ".{0,12}").prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn char_boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    match mutation {
        Mutation::Delete { at, len } => {
            let start = char_boundary(text, *at);
            let end = char_boundary(text, (start + len).min(text.len()));
            format!("{}{}", &text[..start], &text[end.max(start)..])
        }
        Mutation::Insert { at, text: piece } => {
            let at = char_boundary(text, *at);
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Mutation::DuplicateLine { line } if !lines.is_empty() => {
            let line = line % lines.len();
            lines.insert(line, lines[line]);
            lines.concat()
        }
        Mutation::SwapLines { a, b } if !lines.is_empty() => {
            let n = lines.len();
            lines.swap(a % n, b % n);
            lines.concat()
        }
        Mutation::Truncate { at } => text[..char_boundary(text, *at)].to_string(),
        _ => text.to_string(),
    }
}

/// Whatever loads must be a consistent checklist.
fn check_invariants(checklist: &Checklist) {
    assert!(!checklist.environments.is_empty());
    for item in &checklist.items {
        assert!(
            !item.environments.is_empty(),
            "item {} applies nowhere",
            item.id
        );
    }
    assert_eq!(checklist.cells().count(), checklist.cell_count());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_checklists_load_or_fail_with_positions(
        small in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut text = if small { SMALL } else { SHIPPED }.to_string();
        for m in &mutations {
            text = apply(&text, m);
        }
        match Checklist::parse(&text, "fuzz.yaml") {
            Ok(checklist) => check_invariants(&checklist),
            Err(err) => {
                prop_assert!(!err.problems.is_empty());
                // Every position is inside the text, or just past its end; lines end where
                // YAML says (CR, LF, CRLF, NEL, LS, PS).
                let breaks = text
                    .replace("\r\n", "\n")
                    .replace(['\r', '\u{85}', '\u{2028}', '\u{2029}'], "\n");
                let lines: Vec<&str> = breaks.split('\n').collect();
                for problem in &err.problems {
                    let at = (problem.line, problem.column);
                    let inside = lines
                        .get(problem.line.wrapping_sub(1))
                        .is_some_and(|line| (1..=line.chars().count() + 1).contains(&at.1));
                    let at_the_end = at == (lines.len() + 1, 1);
                    prop_assert!(inside || at_the_end, "{at:?} in {} lines: {err}", lines.len());
                }
            }
        }
    }

    #[test]
    fn random_text_never_panics_the_checklist_loader(text in "(?s).{0,400}") {
        let _ = Checklist::parse(&text, "random.yaml");
    }

    #[test]
    fn mutated_journals_parse_or_fail_without_panicking(
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut text = JOURNAL.to_string();
        for m in &mutations {
            text = apply(&text, m);
        }
        if let Ok(contents) = parse_journal(text.as_bytes(), Path::new("journal.jsonl")) {
            prop_assert!(contents.good_len as usize <= text.len());
            for (n, entry) in contents.entries.iter().enumerate() {
                prop_assert_eq!(entry.seq(), n as u64 + 1);
            }
            // Replaying whatever parsed never panics either: unknown cells and odd undos are
            // warnings.
            let checklist = Checklist::parse(SMALL, "small.yaml").unwrap();
            let results = Results::replay(&checklist, &contents.entries, &mut |_| {});
            let counts = results.totals();
            prop_assert_eq!(counts.total(), checklist.cell_count());
        }
    }

    #[test]
    fn random_bytes_never_panic_the_journal_reader(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_journal(&bytes, Path::new("journal.jsonl"));
    }
}
