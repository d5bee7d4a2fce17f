//! The gate's merge: the trusted results that hold at the gated commit, cell by cell of
//! each pinned checklist (`crate::carry`'s rule), the verdict recomputed from them with the
//! pinned policy, and what does not hold, with why.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{ChecklistReport, Coverage, Disagreement, Kept, Missing, Pinned, Stale};
use crate::carry::{At, Holding, Holds, counting};
use crate::checklist::{Cell, Checklist};
use crate::git::{History, short_commit};
use crate::signoff::statement::{Decision, Statement};
use crate::status::Status;
use crate::untrusted::one_line;
use crate::verdict::{Outcome, Reason, judge};

/// How many stale items are said with the file or field that changed (reading another
/// commit's tree or checklist); the rest say only that they changed.
const DETAILED: usize = 40;

/// What one kept statement amounted to in the merge.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Its results that count at the commit.
    pub holding: usize,
    /// Its carried results (not its signer's own).
    pub carried: usize,
    /// Its cells are not well formed.
    pub bad: Option<String>,
    /// A pinned checklist has its checklist's id.
    pub pinned: bool,
    /// Its share in words.
    pub share: Option<String>,
    /// How many of its results do not hold, by why.
    stale: BTreeMap<Holds, usize>,
}

impl Tally {
    /// Why none of its results hold, in words.
    pub fn stale_summary(&self) -> String {
        let total: usize = self.stale.values().sum();
        if total == 0 {
            return if self.carried > 0 {
                format!(
                    "its {} results were carried from other sign-offs, and count only through them",
                    self.carried
                )
            } else {
                "it records no result".to_string()
            };
        }
        let parts: Vec<String> = self
            .stale
            .iter()
            .map(|(held, n)| format!("{n} {}", held_words(held)))
            .collect();
        format!(
            "none of its {} holds at this commit: {}",
            crate::words::count(total, "result"),
            parts.join(", ")
        )
    }
}

/// A reason a result does not hold, as the summary counts it.
fn held_words(held: &Holds) -> &'static str {
    match held {
        Holds::Content => "on content that changed",
        Holds::Definition => "for cells defined differently now",
        Holds::NoKey => "without a content key",
        Holds::NothingHere => "for items whose globs select nothing here",
        Holds::Yes | Holds::Carried | Holds::Untested | Holds::NotACell => "other",
    }
}

/// Merges the `kept` statements' results at each pinned checklist (`ats[i]` is
/// `pinned[i]` at the gated commit): a report per checklist, and a tally per statement.
pub(super) fn merge(
    ats: &[At<'_>],
    pinned: &[Pinned],
    kept: &[Kept],
    history: Option<&History>,
) -> (Vec<ChecklistReport>, Vec<Tally>) {
    let mut tallies: Vec<Tally> = kept.iter().map(|_| Tally::default()).collect();
    let reports = ats
        .iter()
        .zip(pinned)
        .map(|(at, pin)| merge_one(at, pin, kept, &mut tallies, history))
        .collect();
    (reports, tallies)
}

/// Why `statement`'s cells could not have been written by greenlight, if they could not.
fn badly_formed(statement: &Statement) -> Option<String> {
    let mut seen = HashSet::new();
    for cell in &statement.predicate.cells {
        let name = || {
            one_line(&format!(
                "{} in {}/{}",
                cell.item, cell.browser, cell.viewport
            ))
            .into_owned()
        };
        if !seen.insert((&cell.item, &cell.browser, &cell.viewport)) {
            return Some(format!("{} is listed twice", name()));
        }
        if let Some(status) = cell.status {
            let described = cell.note.as_deref().is_some_and(|n| !n.trim().is_empty());
            if status.needs_note() && !described {
                return Some(format!("{} is {status} without a note saying why", name()));
            }
        }
    }
    None
}

/// The first cell `statement` lists outside its own share — greenlight never writes one —
/// judged by the share's browser and viewport ids and, for items the pinned checklist has,
/// their section.
fn outside_share(statement: &Statement, checklist: &Checklist) -> Option<String> {
    let share = statement.predicate.share.as_ref()?;
    let within = |ids: &Option<Vec<String>>, id: &str| {
        ids.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id))
    };
    statement.predicate.cells.iter().find_map(|cell| {
        let section = checklist
            .items
            .iter()
            .find(|item| item.id == cell.item)
            .map(|item| checklist.sections[item.section].id.as_str());
        let inside = within(&share.browsers, &cell.browser)
            && within(&share.viewports, &cell.viewport)
            && section.is_none_or(|section| within(&share.sections, section));
        (!inside).then(|| {
            one_line(&format!(
                "{} in {}/{} is not a cell of its share",
                cell.item, cell.browser, cell.viewport
            ))
            .into_owned()
        })
    })
}

fn tester_of(statement: &Statement) -> String {
    let t = &statement.predicate.tester;
    one_line(&format!("{} <{}>", t.name, t.email)).into_owned()
}

fn merge_one(
    at: &At<'_>,
    pin: &Pinned,
    kept: &[Kept],
    tallies: &mut [Tally],
    history: Option<&History>,
) -> ChecklistReport {
    let checklist = at.checklist;
    let mut holding: HashMap<Cell, Vec<Holding>> = HashMap::new();
    let mut stale: BTreeMap<(usize, usize, Holds), usize> = BTreeMap::new();
    for (k, kept) in kept.iter().enumerate() {
        let statement = &kept.statement;
        if kept.vetoes_only || statement.predicate.checklist.id != checklist.id {
            continue;
        }
        let tally = &mut tallies[k];
        tally.pinned = true;
        if let Some(why) = badly_formed(statement).or_else(|| outside_share(statement, checklist)) {
            tally.bad = Some(why);
            continue;
        }
        let share = statement.predicate.share.clone().unwrap_or_default();
        tally.share = checklist.restrict(&share).ok().map(|restricted| {
            restricted.share_label().unwrap_or_else(|| {
                format!(
                    "the whole matrix — {}",
                    crate::words::count(restricted.cell_count(), "cell")
                )
            })
        });
        let on_tree = at.on_tree(statement);
        let rejection = statement.predicate.decision == Decision::Rejected;
        for facts in &statement.predicate.cells {
            // A rejection's passes fill no cell (approvals do, DESIGN.md §5.1 step 4); what
            // it found wrong counts wherever it holds.
            if rejection && facts.status == Some(Status::Pass) {
                continue;
            }
            let Some(cell) = checklist.cell_by_ids(&facts.item, &facts.browser, &facts.viewport)
            else {
                continue;
            };
            match at.holds(cell, facts) {
                Holds::Yes => holding.entry(cell).or_default().push(Holding {
                    source: k,
                    outcome: Outcome::new(facts.status.unwrap_or(Status::Pass), facts.severity),
                    on_tree,
                    recorded: crate::carry::recorded_at(facts),
                }),
                Holds::Carried => tally.carried += 1,
                Holds::Untested | Holds::NotACell => {}
                other => {
                    *tally.stale.entry(other.clone()).or_default() += 1;
                    *stale.entry((k, cell.item, other)).or_default() += 1;
                }
            }
        }
    }
    let mut merged: HashMap<Cell, Outcome> = HashMap::new();
    let mut disagreements = Vec::new();
    let mut covered_by: BTreeMap<usize, (BTreeSet<usize>, HashSet<Cell>)> = BTreeMap::new();
    let mut passed: BTreeSet<usize> = BTreeSet::new();
    for cell in checklist.cells() {
        let Some(results) = holding.get(&cell) else {
            continue;
        };
        let item = &checklist.items[cell.item];
        let Some((group, worst)) = counting(results, item) else {
            continue;
        };
        merged.insert(cell, worst);
        for h in &group {
            tallies[h.source].holding += 1;
            let entry = covered_by.entry(h.source).or_default();
            entry.0.insert(cell.environment);
            entry.1.insert(cell);
            let approval = kept[h.source].statement.predicate.decision == Decision::Approved;
            if approval && h.outcome.status == Status::Pass {
                passed.insert(h.source);
            }
        }
        if group
            .iter()
            .any(|h| h.outcome.status != group[0].outcome.status)
        {
            disagreements.push(Disagreement {
                item: item.id.clone(),
                environment: checklist.environment_key(cell.environment),
                results: group
                    .iter()
                    .map(|h| (tester_of(&kept[h.source].statement), h.outcome.status))
                    .collect(),
            });
        }
    }
    // One line per tester, whatever the number of their statements that count.
    let mut by_tester: Vec<(String, BTreeSet<usize>, HashSet<Cell>)> = Vec::new();
    for (&k, (environments, cells)) in &covered_by {
        let tester = tester_of(&kept[k].statement);
        match by_tester.iter_mut().find(|(t, ..)| *t == tester) {
            Some((_, all, covered)) => {
                all.extend(environments);
                covered.extend(cells);
            }
            None => by_tester.push((tester, environments.clone(), cells.clone())),
        }
    }
    let coverage = by_tester
        .into_iter()
        .map(|(tester, environments, cells)| Coverage {
            tester,
            environments: environments
                .iter()
                .map(|&e| checklist.environment_key(e))
                .collect(),
            cells: cells.len(),
        })
        .collect();
    let mut missing: BTreeMap<usize, usize> = BTreeMap::new();
    for cell in checklist.cells().filter(|c| !merged.contains_key(c)) {
        *missing.entry(cell.environment).or_default() += 1;
    }
    let mut verdict = judge(
        checklist,
        checklist
            .cells()
            .map(|cell| (cell, merged.get(&cell).copied())),
    );
    // Distinct approvers: an approval counts when a pass of its counts here; neither the
    // same key nor the same principal twice.
    let mut approvers: Vec<String> = Vec::new();
    let (mut keys, mut emails) = (HashSet::new(), HashSet::new());
    for &k in &passed {
        let tester = &kept[k].statement.predicate.tester;
        let new_key = keys.insert(tester.key.as_str());
        let new_email = emails.insert(tester.email.as_str());
        if new_key && new_email {
            approvers.push(tester_of(&kept[k].statement));
        }
    }
    let needed = checklist.policy.approvals;
    if approvers.len() < needed as usize {
        verdict.add(Reason::TooFewApprovers {
            needed,
            have: approvers.len(),
        });
    }
    ChecklistReport {
        name: pin.name.clone(),
        id: checklist.id.clone(),
        sha256: pin.sha256.clone(),
        cells: checklist.cell_count(),
        covered: merged.len(),
        approvers,
        coverage,
        missing: missing
            .into_iter()
            .map(|(environment, cells)| Missing {
                environment: checklist.environment_key(environment),
                cells,
            })
            .collect(),
        disagreements,
        stale: stale_list(at, kept, stale, history),
        verdict,
    }
}

/// The results that do not hold, by statement and item, each with why: the file or field
/// that changed for the first [`DETAILED`].
fn stale_list(
    at: &At<'_>,
    kept: &[Kept],
    stale: BTreeMap<(usize, usize, Holds), usize>,
    history: Option<&History>,
) -> Vec<Stale> {
    let checklist = at.checklist;
    let mut said: HashMap<(usize, String), String> = HashMap::new();
    stale
        .into_iter()
        .enumerate()
        .map(|(n, ((k, item_index, held), cells))| {
            let statement = &kept[k].statement;
            let item = &checklist.items[item_index];
            let commit = statement.commit().unwrap_or("").to_string();
            let detailed = n < DETAILED;
            let why = match held {
                Holds::Content if detailed => said
                    .entry((item_index, commit.clone()))
                    .or_insert_with(|| at.content_change(history, &commit, item))
                    .clone(),
                Holds::Content => {
                    format!("its content changed since commit {}", short_commit(&commit))
                }
                Holds::Definition if detailed => {
                    let cell = Cell {
                        item: item_index,
                        environment: item.environments.first().copied().unwrap_or(0),
                    };
                    at.definition_change(history, statement, cell)
                }
                Holds::Definition => "its definition differs from the pinned checklist's".into(),
                Holds::NothingHere => at.why_nothing(item),
                _ => "signed without content keys (outside a repository, or by an older \
                      greenlight): test and sign again"
                    .into(),
            };
            Stale {
                tester: tester_of(statement),
                item: item.id.clone(),
                cells,
                why: one_line(&why).into_owned(),
            }
        })
        .collect()
}
