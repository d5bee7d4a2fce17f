//! What to ask GitHub's `gh` for, given the drafts of a run, the cells it passed and the
//! open issues greenlight filed before: a plan of calls, decided here without running
//! anything, so that "nothing is created twice" and "one passes comment" are plain tests.
//!
//! Every value goes to `gh` as one argument in `--flag=value` form (never through a shell),
//! so text starting with `--` is a value, not a flag.

use std::collections::HashMap;

use serde::Deserialize;

use super::Draft;

/// The label every issue greenlight files carries, and lists them by.
pub const LABEL: &str = "greenlight";

/// An open issue as `gh issue list --json number,title,body,comments` gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    pub number: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub comments: Vec<IssueComment>,
}

/// One comment on an issue.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueComment {
    #[serde(default)]
    pub body: String,
    /// Who wrote it: only greenlight's own account's markers count, since anyone who can
    /// comment on an issue can paste one.
    #[serde(default)]
    pub author: Option<Author>,
}

/// A GitHub account, as `gh` names it.
#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    #[serde(default)]
    pub login: String,
}

/// The run the calls are about.
#[derive(Debug, Clone)]
pub struct RunRef {
    pub id: String,
    pub release: String,
    pub commit: String,
}

/// One call of `gh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `gh label create` (an "already exists" answer is fine).
    Label {
        name: String,
        color: &'static str,
        description: &'static str,
    },
    /// `gh issue create` for the draft at this index.
    Create { draft: usize },
    /// `gh issue comment N`.
    Comment { number: u64, body: String },
    /// `gh issue close N`, with a comment when one is not there yet.
    Close {
        number: u64,
        comment: Option<String>,
    },
}

impl Call {
    /// The arguments after `gh`; `body_file` is where the draft's body was written.
    pub fn args(&self, drafts: &[Draft], body_file: Option<&str>) -> Vec<String> {
        match self {
            Call::Label {
                name,
                color,
                description,
            } => vec![
                "label".into(),
                "create".into(),
                format!("--color={color}"),
                format!("--description={description}"),
                "--".into(),
                name.clone(),
            ],
            Call::Create { draft } => {
                let draft = &drafts[*draft];
                vec![
                    "issue".into(),
                    "create".into(),
                    format!("--title={}", draft.title),
                    format!("--body-file={}", body_file.unwrap_or("-")),
                    format!("--label={LABEL}"),
                    format!("--label={}", draft.severity_label),
                ]
            }
            Call::Comment { number, body } => vec![
                "issue".into(),
                "comment".into(),
                number.to_string(),
                format!("--body={body}"),
            ],
            Call::Close { number, comment } => {
                let mut args = vec!["issue".into(), "close".into(), number.to_string()];
                if let Some(comment) = comment {
                    args.push(format!("--comment={comment}"));
                }
                args
            }
        }
    }
}

/// The `gh issue list` call that finds greenlight's open issues.
pub fn list_args() -> Vec<String> {
    [
        "issue",
        "list",
        "--state=open",
        "--label=greenlight",
        "--limit=1000",
        "--json=number,title,body,comments",
    ]
    .map(String::from)
    .to_vec()
}

/// The hidden line a "still fails" comment ends with, once per run.
fn still_fails_marker(run: &str) -> String {
    format!("<!-- greenlight:fails run={run} -->")
}

/// The hidden line a "passes" comment ends with, once per issue.
const PASSES_MARKER: &str = "<!-- greenlight:passes -->";

/// The last non-empty line of a text: where greenlight's hidden markers go.
fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// Whether `issue` already has a comment by `me` (the account `gh` is logged in as) ending
/// with `marker`: a marker someone else pasted must not silence greenlight.
fn marked(issue: &Issue, marker: &str, me: &str) -> bool {
    issue
        .comments
        .iter()
        .filter(|c| c.author.as_ref().is_some_and(|a| a.login == me))
        .any(|c| last_line(&c.body) == marker)
}

/// The `gh` call that names the account it is logged in as.
pub fn whoami_args() -> Vec<String> {
    ["api", "user", "--jq=.login"].map(String::from).to_vec()
}

/// What was decided for each draft and passing cell, for people.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub calls: Vec<Call>,
    /// Drafts already open: (draft index, issue number).
    pub already_open: Vec<(usize, u64)>,
}

/// The calls that file `drafts`, never twice, and tell the open issues of the cells that
/// `passing` names (fingerprints of cells this run passed) that they pass now — once, or by
/// closing them with `close_fixed`. `me` is the account greenlight's comments are posted
/// as: only its markers count.
pub fn plan(
    drafts: &[Draft],
    passing: &[String],
    open: &[Issue],
    run: &RunRef,
    close_fixed: bool,
    me: &str,
) -> Plan {
    let by_fingerprint: HashMap<String, &Issue> = open
        .iter()
        .filter_map(|issue| Some((super::fingerprint_of(&issue.body)?, issue)))
        .collect();
    let mut plan = Plan::default();
    let mut labels: Vec<&str> = Vec::new();
    for (index, draft) in drafts.iter().enumerate() {
        match by_fingerprint.get(&draft.fingerprint) {
            Some(issue) => {
                plan.already_open.push((index, issue.number));
                let marker = still_fails_marker(&run.id);
                let filed_from_this_run = issue.body.contains(&format!("run `{}`", run.id));
                if !filed_from_this_run && !marked(issue, &marker, me) {
                    plan.calls.push(Call::Comment {
                        number: issue.number,
                        body: format!(
                            "Still fails in run {} (release {}, commit {}).\n\n{marker}",
                            run.id, run.release, run.commit
                        ),
                    });
                }
            }
            None => {
                for label in [LABEL, draft.severity_label.as_str()] {
                    if !labels.contains(&label) {
                        labels.push(label);
                    }
                }
                plan.calls.push(Call::Create { draft: index });
            }
        }
    }
    let label_calls: Vec<Call> = labels
        .iter()
        .map(|&name| Call::Label {
            name: name.to_string(),
            color: label_color(name),
            description: label_description(name),
        })
        .collect();
    plan.calls.splice(0..0, label_calls);
    for fingerprint in passing {
        let Some(issue) = by_fingerprint.get(fingerprint) else {
            continue;
        };
        let said = marked(issue, PASSES_MARKER, me);
        let text = format!(
            "Passes in run {} at commit {} (release {}).\n\n{PASSES_MARKER}",
            run.id, run.commit, run.release
        );
        if close_fixed {
            plan.calls.push(Call::Close {
                number: issue.number,
                comment: (!said).then_some(text),
            });
        } else if !said {
            plan.calls.push(Call::Comment {
                number: issue.number,
                body: text,
            });
        }
    }
    plan
}

fn label_color(name: &str) -> &'static str {
    match name {
        "severity:1" => "B60205",
        "severity:2" => "D93F0B",
        "severity:3" => "FBCA04",
        _ => "0E8A16",
    }
}

fn label_description(name: &str) -> &'static str {
    match name {
        "severity:1" => "The app does not work",
        "severity:2" => "A feature does not work properly",
        "severity:3" => "Minor",
        _ => "Found by a greenlight checklist run",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(fingerprint: &str, severity: u8) -> Draft {
        Draft {
            fingerprint: fingerprint.repeat(64),
            title: format!("--title-injection {fingerprint}"),
            severity_label: format!("severity:{severity}"),
            body: format!(
                "run `r1`\n\n{}\n",
                super::super::marker(&fingerprint.repeat(64))
            ),
            cells: vec![],
            evidence: vec![],
        }
    }

    /// The account greenlight posts as in these tests.
    const ME: &str = "release-bot";

    /// An open issue with comments by `ME`.
    fn issue(number: u64, fingerprint: &str, comments: &[&str]) -> Issue {
        issue_by(number, fingerprint, comments, ME)
    }

    fn issue_by(number: u64, fingerprint: &str, comments: &[&str], author: &str) -> Issue {
        Issue {
            number,
            title: String::new(),
            body: format!("filed\n{}\n", super::super::marker(&fingerprint.repeat(64))),
            comments: comments
                .iter()
                .map(|body| IssueComment {
                    body: body.to_string(),
                    author: Some(Author {
                        login: author.into(),
                    }),
                })
                .collect(),
        }
    }

    fn run(id: &str) -> RunRef {
        RunRef {
            id: id.into(),
            release: "2.0".into(),
            commit: "abc".into(),
        }
    }

    #[test]
    fn new_failures_are_created_with_their_labels_once() {
        let drafts = [draft("a", 1), draft("b", 3), draft("c", 1)];
        let first = plan(&drafts, &[], &[issue(7, "b", &[])], &run("r2"), false, ME);
        let creates: Vec<&Call> = first
            .calls
            .iter()
            .filter(|c| matches!(c, Call::Create { .. }))
            .collect();
        assert_eq!(
            creates,
            [&Call::Create { draft: 0 }, &Call::Create { draft: 2 }]
        );
        let labels: Vec<&str> = first
            .calls
            .iter()
            .filter_map(|c| match c {
                Call::Label { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(labels, ["greenlight", "severity:1"]);
        assert_eq!(first.already_open, [(1, 7)]);
        // The open one gets one "still fails" comment for this run, and no more.
        let comment = first
            .calls
            .iter()
            .find_map(|c| match c {
                Call::Comment { number: 7, body } => Some(body.clone()),
                _ => None,
            })
            .expect("a still-fails comment");
        let again = plan(
            &drafts,
            &[],
            &[issue(7, "b", &[&comment])],
            &run("r2"),
            false,
            ME,
        );
        assert!(
            !again
                .calls
                .iter()
                .any(|c| matches!(c, Call::Comment { .. }))
        );
    }

    #[test]
    fn a_passing_cell_gets_one_comment_and_close_fixed_closes_it() {
        let passing = ["a".repeat(64)];
        let first = plan(&[], &passing, &[issue(3, "a", &[])], &run("r3"), false, ME);
        let Call::Comment { number: 3, body } = &first.calls[0] else {
            panic!("{:?}", first.calls)
        };
        assert_eq!(first.calls.len(), 1);
        let commented = issue(3, "a", &[body]);
        let second = plan(
            &[],
            &passing,
            std::slice::from_ref(&commented),
            &run("r3"),
            false,
            ME,
        );
        assert!(second.calls.is_empty(), "{:?}", second.calls);
        let closing = plan(&[], &passing, &[commented], &run("r3"), true, ME);
        assert_eq!(
            closing.calls,
            [Call::Close {
                number: 3,
                comment: None
            }]
        );
    }

    #[test]
    fn a_marker_pasted_by_someone_else_silences_nothing() {
        let passing = ["a".repeat(64)];
        let ours = plan(&[], &passing, &[issue(3, "a", &[])], &run("r3"), false, ME);
        let Call::Comment { body, .. } = &ours.calls[0] else {
            panic!("{:?}", ours.calls)
        };
        // Mallory pastes the very comment greenlight would post, markers and all.
        let pasted = issue_by(3, "a", &[body], "mallory");
        let still = plan(&[], &passing, &[pasted], &run("r3"), false, ME);
        assert_eq!(still.calls.len(), 1, "greenlight still says it passes");
        let drafts = [draft("b", 1)];
        let fails = plan(&drafts, &[], &[issue(7, "b", &[])], &run("r2"), false, ME);
        let Some(Call::Comment { body, .. }) = fails.calls.last() else {
            panic!("{:?}", fails.calls)
        };
        let pasted = issue_by(7, "b", &[body], "mallory");
        let again = plan(&drafts, &[], &[pasted], &run("r2"), false, ME);
        assert!(
            again
                .calls
                .iter()
                .any(|c| matches!(c, Call::Comment { .. })),
            "{:?}",
            again.calls
        );
    }

    #[test]
    fn values_are_never_flags() {
        let drafts = [draft("a", 2)];
        let args = Call::Create { draft: 0 }.args(&drafts, Some("/tmp/a.md"));
        assert!(args.contains(&"--title=--title-injection a".to_string()));
        assert!(
            args.iter()
                .skip(2)
                .all(|a| a.starts_with("--") && a.contains('='))
        );
        let label = Call::Label {
            name: "--delete".into(),
            color: "000000",
            description: "x",
        }
        .args(&drafts, None);
        assert_eq!(
            label[label.len() - 2..],
            ["--".to_string(), "--delete".into()]
        );
    }
}
