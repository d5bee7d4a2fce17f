//! DESIGN.md §6: text from a checklist, a run or a sheet never reaches a terminal with its
//! control characters intact. A table of hostile strings goes through every command that
//! prints what it read, and no byte that could drive a terminal comes out.

mod common;

use common::Sandbox;

/// Strings that would clear the screen, set the title or the clipboard, ring, return the
/// cursor to overwrite a line, or reverse what a reader sees.
const HOSTILE: [&str; 7] = [
    "\u{1b}[2J\u{1b}[H cleared",
    "\u{1b}]0;pwned\u{7} titled",
    "\u{1b}]52;c;SGVsbG8=\u{7} clipboard",
    "over\rwritten",
    "\u{202e}txt.exe",
    "::error::\u{1b}[5m blinking",
    "ada\u{200b}@example.com",
];

/// Whether `bytes` hold anything a terminal acts on: C0 controls but the line feed, DEL,
/// C1 controls, and bidi overrides — once greenlight's own colours (bold, red, yellow, cyan,
/// reset) are taken out.
fn dangerous(bytes: &[u8]) -> Option<String> {
    // Characters that take no room count too: they pass one name off as another.
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    for ours in [
        "\u{1b}[0m",
        "\u{1b}[1m",
        "\u{1b}[31m",
        "\u{1b}[33m",
        "\u{1b}[36m",
    ] {
        text = text.replace(ours, "");
    }
    text.chars()
        .find(|&c| {
            (c.is_control() && c != '\n')
                || matches!(
                    c,
                    '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{200b}'
                        | '\u{200c}'
                        | '\u{2060}'
                        | '\u{feff}'
                )
        })
        .map(|c| format!("{c:?} in:\n{text}"))
}

fn checklist(hostile: &str) -> String {
    let quoted = serde_json::to_string(hostile).unwrap();
    format!(
        "id: evil\ntitle: {quoted}\nmatrix:\n  browsers: [{{id: chrome, name: {quoted}}}]\n  viewports: [{{id: phone, name: {quoted}, width: 390, height: 844}}]\nsections:\n  - id: s\n    title: {quoted}\n    items:\n      - {{id: one, title: {quoted}, steps: {quoted}}}\n"
    )
}

#[test]
fn no_command_prints_a_control_character_it_read() {
    for hostile in HOSTILE {
        let sandbox = Sandbox::new();
        let file = sandbox.write("evil.yaml", &checklist(hostile));
        let mut outputs: Vec<(String, Vec<u8>, Vec<u8>)> = Vec::new();
        // Colour forced on, as on a terminal: the styled output must not let escapes through
        // either (piped and with NO_COLOR, anstream strips them, which hides the danger).
        let cmd = || {
            let mut cmd = sandbox.cmd();
            cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
            cmd
        };
        let run_cmd = |outputs: &mut Vec<(String, Vec<u8>, Vec<u8>)>, args: &[&str]| {
            let output = cmd().args(args).output().unwrap();
            outputs.push((args.join(" "), output.stdout, output.stderr));
        };
        run_cmd(&mut outputs, &["validate", file.to_str().unwrap()]);
        // A release label and a tester are one line: those that are not are refused already.
        let one_line = !hostile.contains(['\r', '\n']);
        let label = if one_line {
            format!("1.0 {hostile}")
        } else {
            "1.0".into()
        };
        let tester = if one_line {
            format!("Eve {hostile} <eve@example.com>")
        } else {
            "Eve <eve@example.com>".into()
        };
        let start = cmd()
            .args([
                "start",
                file.to_str().unwrap(),
                "--commit",
                "unknown",
                "--release",
            ])
            .arg(label)
            .args(["--tester", &tester])
            .output()
            .unwrap();
        assert!(
            start.status.success(),
            "start refused {hostile:?}: {}",
            String::from_utf8_lossy(&start.stderr).escape_debug()
        );
        let run = String::from_utf8_lossy(&start.stdout).trim().to_string();
        outputs.push(("start".into(), start.stdout.clone(), start.stderr.clone()));
        run_cmd(
            &mut outputs,
            &[
                "record", &run, "one", "chrome", "phone", "fail", "--note", hostile,
            ],
        );
        run_cmd(&mut outputs, &["status", &run]);
        run_cmd(&mut outputs, &["runs"]);
        // JSON for scripts too: the same values, with such characters as `\uXXXX`.
        run_cmd(
            &mut outputs,
            &["validate", file.to_str().unwrap(), "--json"],
        );
        run_cmd(&mut outputs, &["status", &run, "--json"]);
        run_cmd(&mut outputs, &["runs", "--json"]);
        run_cmd(&mut outputs, &["export", &run, "--format", "json"]);
        run_cmd(&mut outputs, &["bugs", &run, "--format", "json"]);
        // An error quoting what it read: an unknown key.
        let broken = sandbox.write(
            "broken.yaml",
            &checklist(hostile).replace(
                "id: evil",
                &format!("id: evil\n{}: 1", serde_json::to_string(hostile).unwrap()),
            ),
        );
        run_cmd(&mut outputs, &["validate", broken.to_str().unwrap()]);
        run_cmd(
            &mut outputs,
            &["record", &run, "one", "chrome", hostile, "pass"],
        );
        for (command, stdout, stderr) in &outputs {
            if let Some(found) = dangerous(stdout).or_else(|| dangerous(stderr)) {
                panic!("`greenlight {command}` with {hostile:?} printed {found}");
            }
        }
        assert!(
            outputs
                .iter()
                .any(|(c, out, _)| c.starts_with("status") && !out.is_empty()),
            "status printed its report"
        );
    }
}

mod through_the_library {
    use super::dangerous;
    use greenlight::run::{NewResult, RunSession};
    use greenlight::signoff::comment::render_visible;
    use greenlight::signoff::statement::{Decision, Statement, StatementInputs};
    use greenlight::status::Status;
    use greenlight::store::{ChecklistRef, RunMeta, RunStore};
    use proptest::prelude::*;

    /// Text from a hostile alphabet: escapes, C0 and C1 controls, bidi, line breaks, and the
    /// characters Markdown and HTML give meaning to.
    fn hostile() -> impl Strategy<Value = String> {
        let alphabet = prop::sample::select(vec![
            'a', ' ', '\u{1b}', '\u{7}', '\r', '\n', '\t', '\u{0}', '\u{85}', '\u{9b}', '\u{202e}',
            '\u{2066}', '\u{2028}', '[', ']', '(', ')', '<', '>', '|', '`', '*', '=', '#', ':',
        ]);
        prop::collection::vec(alphabet, 1..40).prop_map(|chars| chars.into_iter().collect())
    }

    /// A run of a one-item checklist titled `text`, its one cell failed with `text` as note.
    fn run_with(dir: &std::path::Path, text: &str) -> RunSession {
        // A YAML double-quoted string: JSON's escapes, and the C1 controls and line
        // separators (which a YAML file may not hold raw) as escapes too.
        // A title must have text: a letter goes first.
        let quoted: String = serde_json::to_string(&format!("T{text}"))
            .unwrap()
            .chars()
            .map(|c| match c {
                '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            })
            .collect();
        let yaml = format!(
            "id: h\ntitle: {quoted}\nmatrix:\n  browsers: [{{id: c, name: {quoted}}}]\n  viewports: [{{id: p, width: 1, height: 1}}]\nsections:\n  - id: s\n    title: {quoted}\n    items:\n      - {{id: i, title: {quoted}}}\n"
        );
        let checklist = greenlight::checklist::Checklist::parse(&yaml, "h.yaml").unwrap();
        let store = RunStore::new(dir);
        let meta = RunMeta {
            id: String::new(),
            release: "1.0".into(),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            repository: None,
            tester: "Ada <ada@example.com>".into(),
            checklist: ChecklistRef {
                id: checklist.id.clone(),
                title: checklist.title.clone(),
                version: None,
                path: "h.yaml".into(),
                sha256: greenlight::fsutil::sha256_hex(yaml.as_bytes()),
            },
            share: None,
            started_at: "2026-11-29T12:00:00Z".into(),
            tool: "test".into(),
        };
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z")
            .unwrap()
            .into();
        let meta = store.create(meta, yaml.as_bytes(), now).unwrap();
        let mut session = RunSession::open(&store, &meta.id, &mut |_| {}).unwrap();
        let note = if text.trim().is_empty() { "x" } else { text };
        session
            .record(
                &NewResult {
                    note: Some(note.to_string()),
                    ..NewResult::new("i", "c", "p", Status::Fail)
                },
                "Ada <ada@example.com>",
            )
            .unwrap();
        session
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn the_comment_and_the_report_hold_no_raw_control_character(text in hostile()) {
            let dir = tempfile::tempdir().unwrap();
            let session = run_with(dir.path(), &text);
            let statement = Statement::new(StatementInputs {
                run: session.run(),
                commit: "0123456789abcdef0123456789abcdef01234567",
                decision: Decision::Rejected,
                comment: Some(text.clone()),
                tester_name: text.clone(),
                tester_email: "ada@example.com".into(),
                key_fingerprint: "SHA256:x".into(),
                signed_at: "2026-11-29T12:00:00Z".into(),
                results_csv_sha256: "0".repeat(64),
                keys: None,
            });
            let comment = render_visible(&statement);
            prop_assert!(dangerous(comment.as_bytes()).is_none(), "comment: {:?}", dangerous(comment.as_bytes()));
            let mut report = Vec::new();
            greenlight::export::html::write_report(session.run(), Some(&statement), dir.path(), &mut report).unwrap();
            prop_assert!(dangerous(&report).is_none(), "report: {:?}", dangerous(&report));
        }
    }
}
