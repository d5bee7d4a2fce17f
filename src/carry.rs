//! Re-testing only what changed (DESIGN.md §7): which passes of an earlier trusted approval
//! still hold at a later commit. One rule, used both when a run starts (`--carry-from`) and
//! by the gate, which checks every carried cell again: a pass carries to a cell when the
//! item names `paths`, its definition is the one the earlier approval signed, and no file
//! changed since the earlier commit is one its paths name.

use std::collections::HashMap;

use crate::checklist::paths::PathMatcher;
use crate::checklist::{Cell, Checklist, Item};
use crate::journal::CarriedFrom;
use crate::signoff::statement::{CellFacts, Decision, Statement};
use crate::status::Status;

/// How many approvals deep the gate follows a carried pass back to where it was tested.
pub const MAX_CHAIN: usize = 8;

/// The first changed file a list of globs names, or why the globs do not compile.
type Touched = Result<Option<String>, String>;

/// An earlier approval, indexed for carrying from it, with the files changed between its
/// commit and the one being tested.
pub struct Earlier<'a> {
    statement: &'a Statement,
    sha256: String,
    changed: Vec<String>,
    cells: HashMap<(&'a str, &'a str, &'a str), &'a CellFacts>,
    /// [`Earlier::item_refusal`] by item id: the gate asks once per carried cell, and
    /// hashing the definition and compiling the globs is per item.
    refusals: std::cell::RefCell<HashMap<String, Option<String>>>,
    /// The first changed file each list of globs names: items share their lists.
    touched: std::cell::RefCell<HashMap<Vec<String>, Touched>>,
}

impl<'a> Earlier<'a> {
    /// `statement` (whose exact bytes hash to `sha256`), with `changed` the output of
    /// `git diff --name-only EARLIER..NOW`.
    pub fn new(statement: &'a Statement, sha256: &str, changed: Vec<String>) -> Earlier<'a> {
        let cells = statement
            .predicate
            .cells
            .iter()
            .map(|c| {
                (
                    (c.item.as_str(), c.browser.as_str(), c.viewport.as_str()),
                    c,
                )
            })
            .collect();
        Earlier {
            statement,
            sha256: sha256.to_string(),
            changed,
            cells,
            refusals: Default::default(),
            touched: Default::default(),
        }
    }

    /// The commit the earlier approval is for.
    pub fn commit(&self) -> &str {
        self.statement.commit().unwrap_or("")
    }

    /// Where a pass carried from this approval came from, as the new statement records it.
    pub fn provenance(&self) -> CarriedFrom {
        let tester = &self.statement.predicate.tester;
        CarriedFrom {
            statement: self.sha256.clone(),
            commit: self.commit().to_string(),
            tester: format!("{} <{}>", tester.name, tester.email),
            tested_by: None,
            tested_at: None,
        }
    }

    /// [`Earlier::provenance`] for one carried cell: with who tested it in the earlier run,
    /// and when.
    pub fn provenance_of(&self, item: &str, browser: &str, viewport: &str) -> CarriedFrom {
        let cell = self.pass_of(item, browser, viewport);
        CarriedFrom {
            tested_by: cell.and_then(|c| c.tester.clone()),
            tested_at: cell.and_then(|c| c.recorded_at.clone()),
            ..self.provenance()
        }
    }

    /// Why none of `item`'s cells can carry from this approval, or `None` when they may.
    pub fn item_refusal(&self, item: &Item) -> Option<String> {
        if let Some(known) = self.refusals.borrow().get(&item.id) {
            return known.clone();
        }
        let refusal = self.judge_item(item);
        self.refusals
            .borrow_mut()
            .insert(item.id.clone(), refusal.clone());
        refusal
    }

    fn judge_item(&self, item: &Item) -> Option<String> {
        if self.statement.predicate.decision != Decision::Approved {
            return Some("the earlier sign-off is a rejection".into());
        }
        if item.paths.is_empty() {
            return Some("it names no `paths`, so any change can affect it".into());
        }
        match self.statement.predicate.definitions.get(&item.id) {
            None => return Some("the earlier approval does not define it".into()),
            Some(earlier) if *earlier != item.definition_sha256() => {
                return Some("its definition changed since the earlier approval".into());
            }
            Some(_) => {}
        }
        match self.first_touched(&item.paths) {
            Ok(touched) => touched.map(|file| format!("{file} changed")),
            Err(why) => Some(why),
        }
    }

    /// The first changed file `paths` name, compiling each list of globs once.
    fn first_touched(&self, paths: &[String]) -> Touched {
        if let Some(known) = self.touched.borrow().get(paths) {
            return known.clone();
        }
        let touched = PathMatcher::new(paths)
            .map(|matcher| matcher.first_match(&self.changed).map(str::to_string));
        self.touched
            .borrow_mut()
            .insert(paths.to_vec(), touched.clone());
        touched
    }

    /// The earlier approval's result for the cell named by these ids, when it is a pass.
    pub fn pass_of(&self, item: &str, browser: &str, viewport: &str) -> Option<&'a CellFacts> {
        self.cells
            .get(&(item, browser, viewport))
            .copied()
            .filter(|cell| cell.status == Some(Status::Pass))
    }
}

/// What a new run carries from an earlier approval, and why the rest is not carried.
#[derive(Debug, Default)]
pub struct Plan {
    /// The cells carried, in checklist order, each with where its pass came from.
    pub carried: Vec<(Cell, CarriedFrom)>,
    /// Per item not carried in full: its id, how many of its cells are not carried, and why.
    pub not_carried: Vec<(String, usize, String)>,
}

/// Which cells of `checklist` carry a pass from `earlier`.
pub fn plan(checklist: &Checklist, earlier: &Earlier<'_>) -> Plan {
    let mut plan = Plan::default();
    for (index, item) in checklist.items.iter().enumerate() {
        let cells = item.environments.iter().map(|&environment| Cell {
            item: index,
            environment,
        });
        if let Some(why) = earlier.item_refusal(item) {
            plan.not_carried
                .push((item.id.clone(), item.environments.len(), why));
            continue;
        }
        let mut missed = 0;
        for cell in cells {
            let env = checklist.environments[cell.environment];
            let browser = &checklist.browsers[env.browser].id;
            let viewport = &checklist.viewports[env.viewport].id;
            if earlier.pass_of(&item.id, browser, viewport).is_some() {
                plan.carried
                    .push((cell, earlier.provenance_of(&item.id, browser, viewport)));
            } else {
                missed += 1;
            }
        }
        if missed > 0 {
            plan.not_carried.push((
                item.id.clone(),
                missed,
                "the earlier approval has no pass there (failed, blocked, skipped or not tested)"
                    .into(),
            ));
        }
    }
    plan
}

/// The approvals given to the gate, by the sha256 of their exact bytes, through which the
/// gate checks each carried cell of an approval again, link by link, against the gated
/// commit: nothing a statement says about its carried cells is believed.
pub struct Provenance<'a> {
    approvals: HashMap<String, &'a Statement>,
    history: Option<&'a crate::git::History>,
    gated: String,
    earlier: std::cell::RefCell<HashMap<String, Result<std::rc::Rc<Earlier<'a>>, String>>>,
    /// How many carried passes held through each approval (by sha256), for the report.
    used: std::cell::RefCell<HashMap<String, usize>>,
}

impl<'a> Provenance<'a> {
    /// `approvals`: the trusted, verified approvals the gate was given, by sha256;
    /// `history`: the repository, when the gate runs in one.
    pub fn new(
        approvals: HashMap<String, &'a Statement>,
        history: Option<&'a crate::git::History>,
        gated: &str,
    ) -> Provenance<'a> {
        Provenance {
            approvals,
            history,
            gated: gated.to_string(),
            earlier: Default::default(),
            used: Default::default(),
        }
    }

    /// How many carried passes held through the approval with this sha256.
    pub fn used(&self, sha256: &str) -> usize {
        self.used.borrow().get(sha256).copied().unwrap_or(0)
    }

    /// The earlier approval with this sha256, indexed, with the files changed since its
    /// commit; or why it cannot be carried from.
    fn earlier(&self, sha256: &str) -> Result<std::rc::Rc<Earlier<'a>>, String> {
        if let Some(known) = self.earlier.borrow().get(sha256) {
            return known.clone();
        }
        let found = self.index(sha256);
        self.earlier
            .borrow_mut()
            .insert(sha256.to_string(), found.clone());
        found
    }

    fn index(&self, sha256: &str) -> Result<std::rc::Rc<Earlier<'a>>, String> {
        let short = sha256.get(..12).unwrap_or(sha256);
        let statement = self.approvals.get(sha256).ok_or_else(|| {
            format!(
                "carried from approval {short}, which the gate was not given as a trusted, verified approval"
            )
        })?;
        let history = self.history.ok_or(
            "the gate does not run in a git repository, so no carried cell can be checked",
        )?;
        let commit = statement.commit().unwrap_or("");
        let short_commit = crate::git::short_commit(commit);
        if !history.is_ancestor(commit, &self.gated)? {
            return Err(format!(
                "carried from commit {short_commit}, which is not an ancestor of the gated commit"
            ));
        }
        let changed = history.changed_files(commit, &self.gated)?;
        Ok(std::rc::Rc::new(Earlier::new(statement, sha256, changed)))
    }

    /// Whether the pass carried to `item` in `browser`/`viewport` from `from` still holds at
    /// the gated commit; following carried passes back up to [`MAX_CHAIN`] approvals.
    pub fn check(
        &self,
        item: &Item,
        browser: &str,
        viewport: &str,
        from: &CarriedFrom,
    ) -> Result<(), String> {
        let mut from = from.clone();
        let mut chain = Vec::new();
        for _ in 0..MAX_CHAIN {
            let earlier = self.earlier(&from.statement)?;
            if earlier.commit() != from.commit {
                return Err(format!(
                    "it names commit {} for approval {}, which is for another commit",
                    crate::git::short_commit(&from.commit),
                    from.statement.get(..12).unwrap_or(&from.statement)
                ));
            }
            if let Some(why) = earlier.item_refusal(item) {
                return Err(format!(
                    "{why} (since commit {})",
                    crate::git::short_commit(earlier.commit())
                ));
            }
            let cell = earlier
                .pass_of(&item.id, browser, viewport)
                .ok_or_else(|| "the approval it was carried from has no pass for it".to_string())?;
            chain.push(from.statement.clone());
            match &cell.carried_from {
                None => {
                    let mut used = self.used.borrow_mut();
                    for sha256 in chain {
                        *used.entry(sha256).or_default() += 1;
                    }
                    return Ok(());
                }
                Some(next) => from = next.clone(),
            }
        }
        Err(format!("carried through more than {MAX_CHAIN} approvals"))
    }
}

/// How many of `total` cells hold passes carried from earlier approvals, and from which, in
/// words — "392 of 608 cells carried: 392 from the approval 205c44d36275 of commit
/// f3854af8508e by Ada <ada@example.com>" — for the report, the comment and the summary;
/// `None` when nothing was carried.
pub fn describe<'a>(
    carried: impl IntoIterator<Item = &'a CarriedFrom>,
    total: usize,
) -> Option<String> {
    let mut sources: std::collections::BTreeMap<(&str, &str, &str), usize> = Default::default();
    for from in carried {
        *sources.entry(from.approval()).or_default() += 1;
    }
    if sources.is_empty() {
        return None;
    }
    let count: usize = sources.values().sum();
    let from: Vec<String> = sources
        .iter()
        .map(|((statement, commit, tester), n)| {
            format!(
                "{n} from the approval {} of commit {} by {tester}",
                statement.get(..12).unwrap_or(statement),
                crate::git::short_commit(commit),
            )
        })
        .collect();
    Some(format!(
        "{count} of {total} cells carried: {}",
        from.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(statement: &str, commit: &str) -> CarriedFrom {
        CarriedFrom {
            statement: statement.repeat(64),
            commit: commit.repeat(40),
            tester: "Ada <ada@example.com>".into(),
            tested_by: None,
            tested_at: None,
        }
    }

    #[test]
    fn carried_cells_are_described_by_approval() {
        assert_eq!(describe(std::iter::empty(), 10), None);
        let (a, b) = (from("a", "1"), from("b", "2"));
        let text = describe([&a, &b, &a], 10).expect("something carried");
        assert_eq!(
            text,
            "3 of 10 cells carried: 2 from the approval aaaaaaaaaaaa of commit 111111111111 by \
             Ada <ada@example.com>; 1 from the approval bbbbbbbbbbbb of commit 222222222222 by \
             Ada <ada@example.com>"
        );
    }
}
