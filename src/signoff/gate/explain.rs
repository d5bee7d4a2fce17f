//! `gate --explain ITEM BROWSER VIEWPORT`: which result counts for one cell at the gated
//! commit, and why each other trusted result does not — the field of the definition that
//! changed, the file under the item's paths that changed, a glob that selects nothing, a
//! result carried from a statement the gate was not given.

use serde::Serialize;

use super::{Kept, StatementReport};
use crate::carry::{At, Holding, Holds, counting};
use crate::git::{History, short_commit};
use crate::signoff::statement::Decision;
use crate::status::Status;
use crate::untrusted::one_line;
use crate::verdict::Outcome;

/// The cell asked about, by its ids.
#[derive(Debug, Clone)]
pub struct CellQuery {
    pub item: String,
    pub browser: String,
    pub viewport: String,
}

/// One trusted statement's result for the cell, and whether it counts.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub path: String,
    pub tester: String,
    pub commit: String,
    #[serde(with = "crate::status::or_untested")]
    pub status: Option<Status>,
    pub counts: bool,
    pub why: String,
}

/// Why the cell's result at the gated commit is what it is.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub checklist: String,
    pub item: String,
    pub browser: String,
    pub viewport: String,
    /// The sha256 of the pinned cell's definition.
    pub definition: String,
    /// The item's content key at the gated commit.
    pub content_key: String,
    /// What counts for the cell: the worst of the results that hold (on the commit's own
    /// tree, when there are any); untested when none does.
    #[serde(with = "crate::status::or_untested")]
    pub result: Option<Status>,
    pub statements: Vec<Explained>,
}

pub(super) fn explain(
    query: &CellQuery,
    ats: &[At<'_>],
    kept: &[Kept],
    reports: &[StatementReport],
    history: Option<&History>,
) -> Result<Explanation, String> {
    let found = ats.iter().find_map(|at| {
        at.checklist
            .cell_by_ids(&query.item, &query.browser, &query.viewport)
            .map(|cell| (at, cell))
    });
    let Some((at, cell)) = found else {
        return Err(format!(
            "no pinned checklist has a cell `{}` in {}/{} (item, browser and viewport ids, as \
             in the checklist)",
            one_line(&query.item),
            one_line(&query.browser),
            one_line(&query.viewport)
        ));
    };
    let checklist = at.checklist;
    let item = &checklist.items[cell.item];
    let given: std::collections::HashSet<&str> = kept.iter().map(|k| k.sha256.as_str()).collect();
    let mut holding = Vec::new();
    let mut lines = Vec::new();
    for (k, kept) in kept.iter().enumerate() {
        let statement = &kept.statement;
        if kept.vetoes_only || statement.predicate.checklist.id != checklist.id {
            continue;
        }
        let Some(facts) = statement.predicate.cells.iter().find(|c| {
            c.item == query.item && c.browser == query.browser && c.viewport == query.viewport
        }) else {
            continue;
        };
        let commit = statement.commit().unwrap_or("").to_string();
        let rejection_pass = statement.predicate.decision == Decision::Rejected
            && facts.status == Some(Status::Pass);
        let held = if rejection_pass {
            Holds::NotACell
        } else {
            at.holds(cell, facts)
        };
        let why = match held {
            _ if rejection_pass => "a rejection's pass fills no cell; only approvals do".into(),
            Holds::Yes => {
                holding.push(Holding {
                    source: k,
                    outcome: Outcome::new(facts.status.unwrap_or(Status::Pass), facts.severity),
                    on_tree: at.on_tree(statement),
                    recorded: crate::carry::recorded_at(facts),
                });
                String::new()
            }
            Holds::Untested => "no result in this cell".into(),
            Holds::Carried => {
                let from = facts.carried_from.as_ref();
                let source = from.map_or("", |f| f.statement.as_str());
                format!(
                    "carried from the approval {} by {}: not the signer's own, so it counts only \
                     through that statement, which the gate was {}",
                    source.get(..12).unwrap_or(source),
                    from.map_or("?", |f| f.tester.as_str()),
                    if given.contains(source) {
                        "given"
                    } else {
                        "not given (pass its folder or comment)"
                    }
                )
            }
            Holds::Definition => at.definition_change(history, statement, cell),
            Holds::Content => at.content_change(history, &commit, item),
            Holds::NothingHere => at.why_nothing(item),
            Holds::NoKey | Holds::NotACell => {
                "signed without content keys (outside a repository, or by an older greenlight)"
                    .into()
            }
        };
        lines.push((
            k,
            Explained {
                path: reports[kept.report].path.clone(),
                tester: reports[kept.report].tester.clone().unwrap_or_default(),
                commit: one_line(&commit).into_owned(),
                status: facts.status,
                counts: false,
                why: one_line(&why).into_owned(),
            },
        ));
    }
    let counted = counting(&holding, item);
    let result = counted.as_ref().map(|(_, worst)| worst.status);
    for (k, line) in &mut lines {
        if !line.why.is_empty() {
            continue;
        }
        let in_group = counted
            .as_ref()
            .is_some_and(|(group, _)| group.iter().any(|h| h.source == *k));
        let statement = &kept[*k].statement;
        line.counts = in_group;
        line.why = if !in_group {
            "holds, but a later result recorded on this commit's own tree wins".into()
        } else if at.on_tree(statement) {
            "holds: recorded on this commit's own tree".into()
        } else {
            format!(
                "holds: same definition, and the content its paths select is the same as at \
                 commit {}{}",
                short_commit(statement.commit().unwrap_or("")),
                if statement.predicate.decision == Decision::Rejected {
                    " (a rejection's result)"
                } else {
                    ""
                }
            )
        };
    }
    Ok(Explanation {
        checklist: checklist.id.clone(),
        item: item.id.clone(),
        browser: query.browser.clone(),
        viewport: query.viewport.clone(),
        definition: at.definition(cell).to_string(),
        content_key: at.key(cell.item).as_text(),
        result,
        statements: lines.into_iter().map(|(_, line)| line).collect(),
    })
}
