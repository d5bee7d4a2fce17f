//! The checklist's policy applied to cells (DESIGN.md §1): one judgement for a run, a
//! share, and the gate's merge of several testers' approvals, so they never disagree.

use serde::{Deserialize, Serialize};

use crate::checklist::{Cell, Checklist, Severity};
use crate::status::Status;

/// What a cell's latest result says, as far as the policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// For failures; `None` means the item's own severity.
    pub severity: Option<Severity>,
}

impl Outcome {
    /// A result with `status` and, for a failure, its severity.
    pub fn new(status: Status, severity: Option<Severity>) -> Outcome {
        Outcome { status, severity }
    }
}

/// Whether the policy lets a run be approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    Passes,
    Blocked,
}

impl VerdictKind {
    /// `passes` or `blocked`.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Passes => "passes",
            VerdictKind::Blocked => "blocked",
        }
    }
}

/// How many cells a reason names before it says "and N more".
const NAMED: usize = 3;

/// One thing that keeps the policy from passing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Failures at or above the policy's severity threshold.
    BlockingFailures { count: usize, threshold: Severity },
    /// Required cells with no result, when the policy requires a complete run.
    UntestedRequired { count: usize },
    /// Required cells marked blocked, when the policy requires a complete run; the first
    /// few named (`item in browser/viewport`).
    BlockedRequired { count: usize, named: Vec<String> },
    /// Required cells skipped, when the policy requires a complete run and does not allow
    /// skipping.
    SkippedRequired { count: usize, named: Vec<String> },
    /// Fewer distinct trusted approvers than the policy asks for (the gate's merge).
    TooFewApprovers { needed: u32, have: usize },
}

fn named(count: usize, named: &[String]) -> String {
    let more = count.saturating_sub(named.len());
    let mut text = named.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::BlockingFailures { count, threshold } if *threshold == Severity::BLOCKER => {
                write!(
                    f,
                    "{}",
                    plural(*count, "blocker failure", "blocker failures")
                )
            }
            Reason::BlockingFailures { count, threshold } => write!(
                f,
                "{} of severity {} or worse",
                plural(*count, "failure", "failures"),
                threshold.level()
            ),
            Reason::UntestedRequired { count } => write!(
                f,
                "{} untested",
                plural(*count, "required cell", "required cells")
            ),
            Reason::BlockedRequired {
                count,
                named: cells,
            } => write!(
                f,
                "{} blocked ({})",
                plural(*count, "required cell", "required cells"),
                named(*count, cells)
            ),
            Reason::SkippedRequired {
                count,
                named: cells,
            } => write!(
                f,
                "{} skipped ({}); the policy does not allow skipping",
                plural(*count, "required cell", "required cells"),
                named(*count, cells)
            ),
            Reason::TooFewApprovers { needed, have } => write!(
                f,
                "the policy needs {} and has {have}",
                plural(
                    *needed as usize,
                    "trusted approver",
                    "distinct trusted approvers"
                )
            ),
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_str(self)
    }
}

/// Whether the checklist's policy lets the cells be approved, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub verdict: VerdictKind,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// The verdict for these reasons: it passes when there are none.
    pub fn from_reasons(reasons: Vec<Reason>) -> Verdict {
        Verdict {
            verdict: if reasons.is_empty() {
                VerdictKind::Passes
            } else {
                VerdictKind::Blocked
            },
            reasons,
        }
    }

    /// Whether approval is allowed.
    pub fn passes(&self) -> bool {
        self.verdict == VerdictKind::Passes
    }

    /// The reasons as the sentences people read (and statements carry).
    pub fn reason_texts(&self) -> Vec<String> {
        self.reasons.iter().map(Reason::to_string).collect()
    }

    /// Adds a reason (the gate's approver count), blocking the verdict.
    pub fn add(&mut self, reason: Reason) {
        self.reasons.push(reason);
        self.verdict = VerdictKind::Blocked;
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.passes() {
            write!(f, "passes")
        } else {
            write!(f, "blocked: {}", self.reason_texts().join("; "))
        }
    }
}

/// `1 thing` or `2 things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The policy's verdict on `cells` of `checklist`, each with its latest outcome (`None`:
/// untested). Failures at or above `block_on_severity` block; when `require_complete` is
/// set, required cells that are untested or blocked block, and so do skipped ones unless
/// `allow_skip` is set.
pub fn judge(
    checklist: &Checklist,
    cells: impl Iterator<Item = (Cell, Option<Outcome>)>,
) -> Verdict {
    let policy = &checklist.policy;
    let threshold = policy.block_on_severity;
    let mut blocking = 0;
    let mut untested = 0;
    let mut blocked = (0, Vec::new());
    let mut skipped = (0, Vec::new());
    let note = |(count, names): &mut (usize, Vec<String>), cell: Cell| {
        *count += 1;
        if names.len() < NAMED {
            names.push(format!(
                "{} in {}",
                checklist.items[cell.item].id,
                checklist.environment_key(cell.environment)
            ));
        }
    };
    for (cell, outcome) in cells {
        let item = &checklist.items[cell.item];
        match outcome {
            Some(Outcome {
                status: Status::Fail,
                severity,
            }) if severity.unwrap_or(item.severity).at_least(threshold) => blocking += 1,
            Some(Outcome {
                status: Status::Blocked,
                ..
            }) if item.required => note(&mut blocked, cell),
            Some(Outcome {
                status: Status::Skip,
                ..
            }) if item.required && !policy.allow_skip => note(&mut skipped, cell),
            None if item.required => untested += 1,
            _ => {}
        }
    }
    let mut reasons = Vec::new();
    if blocking > 0 {
        reasons.push(Reason::BlockingFailures {
            count: blocking,
            threshold,
        });
    }
    if policy.require_complete {
        if untested > 0 {
            reasons.push(Reason::UntestedRequired { count: untested });
        }
        if blocked.0 > 0 {
            reasons.push(Reason::BlockedRequired {
                count: blocked.0,
                named: blocked.1,
            });
        }
        if skipped.0 > 0 {
            reasons.push(Reason::SkippedRequired {
                count: skipped.0,
                named: skipped.1,
            });
        }
    }
    Verdict::from_reasons(reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two browsers × one viewport, items `a` (severity 2) and `b` (optional), `policy`;
    /// its cells in order are a in x, a in y, b in x, b in y.
    fn checklist(policy: &str) -> Checklist {
        let yaml = format!(
            "id: t\ntitle: T\nmatrix:\n  browsers: [{{id: x}}, {{id: y}}]\n  viewports: [{{id: p, width: 1, height: 1}}]\n{policy}sections:\n  - id: s\n    title: S\n    items:\n      - {{id: a, title: A}}\n      - {{id: b, title: B, required: false}}\n"
        );
        Checklist::parse(&yaml, "t.yaml").unwrap()
    }

    fn judge_all(checklist: &Checklist, outcomes: &[Option<Outcome>]) -> Vec<String> {
        let cells = checklist.cells().zip(outcomes.iter().copied());
        judge(checklist, cells).reason_texts()
    }

    const PASS: Option<Outcome> = Some(Outcome {
        status: Status::Pass,
        severity: None,
    });
    const fn some(status: Status) -> Option<Outcome> {
        Some(Outcome {
            status,
            severity: None,
        })
    }

    #[test]
    fn blocked_and_skipped_required_cells_block_unless_the_policy_says_otherwise() {
        let strict = checklist("");
        assert!(
            judge_all(&strict, &[PASS, PASS, None, None]).is_empty(),
            "b is optional"
        );
        assert_eq!(
            judge_all(
                &strict,
                &[some(Status::Blocked), some(Status::Skip), PASS, None]
            ),
            [
                "1 required cell blocked (a in x/p)",
                "1 required cell skipped (a in y/p); the policy does not allow skipping"
            ]
        );
        assert_eq!(
            judge_all(
                &strict,
                &[PASS, PASS, some(Status::Blocked), some(Status::Skip)]
            ),
            Vec::<String>::new(),
            "optional cells never block"
        );
        let skipping = checklist("policy: {allow_skip: true}\n");
        assert!(judge_all(&skipping, &[some(Status::Skip), PASS, PASS, None]).is_empty());
        let lenient = checklist("policy: {require_complete: false}\n");
        assert!(
            judge_all(
                &lenient,
                &[some(Status::Blocked), None, some(Status::Skip), None]
            )
            .is_empty()
        );
    }

    #[test]
    fn failures_block_at_the_threshold_with_their_own_severity_or_the_items() {
        let strict = checklist("");
        let fail = |severity| {
            Some(Outcome {
                status: Status::Fail,
                severity,
            })
        };
        assert!(
            judge_all(&strict, &[fail(None), PASS, PASS, PASS]).is_empty(),
            "a is major"
        );
        assert_eq!(
            judge_all(&strict, &[fail(Some(Severity::BLOCKER)), PASS, PASS, PASS]),
            ["1 blocker failure"]
        );
        let major = checklist("policy: {block_on_severity: 2}\n");
        assert_eq!(
            judge_all(
                &major,
                &[fail(None), PASS, fail(Some(Severity::MINOR)), PASS]
            ),
            ["1 failure of severity 2 or worse"]
        );
    }

    #[test]
    fn the_verdict_word_is_the_one_files_carry() {
        for kind in [VerdictKind::Passes, VerdictKind::Blocked] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(VerdictKind::Blocked.as_str(), "blocked");
    }

    #[test]
    fn a_reason_names_a_few_cells_and_counts_the_rest() {
        let reason = Reason::BlockedRequired {
            count: 5,
            named: vec!["a in x/p".into(), "b in x/p".into(), "c in x/p".into()],
        };
        assert_eq!(
            reason.to_string(),
            "5 required cells blocked (a in x/p, b in x/p, c in x/p and 2 more)"
        );
        let mut verdict = Verdict::from_reasons(vec![]);
        assert!(verdict.passes());
        verdict.add(Reason::TooFewApprovers { needed: 2, have: 1 });
        assert_eq!(
            verdict.to_string(),
            "blocked: the policy needs 2 distinct trusted approvers and has 1"
        );
    }
}
