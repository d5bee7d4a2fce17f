//! Re-testing only what changed (DESIGN.md §7): which trusted results hold at a commit.
//! One rule, used by the gate and when a run starts (`--carry-from`): a result holds for a
//! cell of the checklist at commit G when it is the signer's own (not carried), its cell's
//! definition is the cell's definition now, and its item's content key is the item's key at
//! G. Among the results that hold, those recorded on G's own tree win; otherwise the worst
//! counts — a failure on identical content stands until someone tests it again. No commit
//! ancestry is involved: content is judged, so a result survives rebases and squash merges
//! and holds nowhere its content changed.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::checklist::definition::{Definitions, differences, value_of};
use crate::checklist::{Cell, Checklist, Item};
use crate::content_key::{ContentKey, Keys};
use crate::git::{History, short_commit};
use crate::journal::CarriedFrom;
use crate::signoff::statement::{CellFacts, Decision, Statement};
use crate::status::Status;
use crate::verdict::Outcome;

/// A checklist at one commit: each cell's definition and each item's content key.
pub struct At<'a> {
    pub checklist: &'a Checklist,
    definitions: Definitions<'a>,
    /// Each cell's definition sha256, worked out when first asked, by item then environment.
    cell_definitions: Vec<OnceCell<String>>,
    keys: &'a Keys<'a>,
    item_keys: Vec<ContentKey>,
    /// Checklists read from earlier commits to say how a definition changed, by commit and
    /// path (`None` when it could not be read): each is read and parsed once.
    earlier: RefCell<HashMap<(String, String), EarlierChecklist>>,
    /// Earlier commits' keys to say which file changed, by commit: one snapshot each.
    snapshots: RefCell<HashMap<String, Option<Rc<crate::git::Snapshot>>>>,
    /// What changed for a list of `paths` since a commit, said once.
    changes: RefCell<HashMap<(String, Vec<String>), String>>,
}

/// A checklist as an earlier commit had it, or `None` when it could not be read.
type EarlierChecklist = Option<Rc<Checklist>>;

/// Why a result does not hold at the commit, or that it does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holds {
    Yes,
    /// Carried from another statement: not the signer's own.
    Carried,
    /// No result in that cell.
    Untested,
    /// The cell is not one of this checklist's.
    NotACell,
    /// The cell's definition changed.
    Definition,
    /// The statement records no content key (signed outside a repository, or version 1).
    NoKey,
    /// The item's content changed.
    Content,
    /// A glob of the item (or of `global_paths`) selects nothing at this commit.
    NothingHere,
}

impl<'a> At<'a> {
    /// `checklist` at the commit `keys` were worked out at.
    pub fn new(checklist: &'a Checklist, keys: &'a Keys<'a>) -> At<'a> {
        let cells = checklist.items.len() * checklist.environments.len();
        At {
            checklist,
            definitions: Definitions::new(checklist),
            cell_definitions: (0..cells).map(|_| OnceCell::new()).collect(),
            item_keys: keys.of_items(checklist),
            keys,
            earlier: RefCell::default(),
            snapshots: RefCell::default(),
            changes: RefCell::default(),
        }
    }

    /// The commit's tree.
    pub fn tree(&self) -> &str {
        self.keys.tree()
    }

    /// The sha256 of `cell`'s definition.
    pub fn definition(&self, cell: Cell) -> &str {
        let index = cell.item * self.checklist.environments.len() + cell.environment;
        self.cell_definitions[index].get_or_init(|| self.definitions.sha256(cell))
    }

    /// The content key of the item at `item`.
    pub fn key(&self, item: usize) -> &ContentKey {
        &self.item_keys[item]
    }

    /// Whether the result `facts` records holds for `cell`.
    pub fn holds(&self, cell: Cell, facts: &CellFacts) -> Holds {
        if facts.status.is_none() {
            return Holds::Untested;
        }
        if facts.carried_from.is_some() {
            return Holds::Carried;
        }
        if facts.definition.as_deref() != Some(self.definition(cell)) {
            return Holds::Definition;
        }
        let Some(recorded) = facts.content_key.as_deref() else {
            return Holds::NoKey;
        };
        let now = self.key(cell.item);
        if *now == ContentKey::Nothing {
            return Holds::NothingHere;
        }
        if now.holds_for(recorded) {
            Holds::Yes
        } else {
            Holds::Content
        }
    }

    /// Whether `statement` was signed on this commit's own tree.
    pub fn on_tree(&self, statement: &Statement) -> bool {
        statement.predicate.tree.as_deref() == Some(self.tree())
    }

    /// Why `item`'s key is "nothing" here (a glob that selects no file, a link that
    /// cannot be followed), when it is.
    pub fn why_nothing(&self, item: &Item) -> String {
        self.keys
            .selection(&item.paths)
            .nothing
            .clone()
            .unwrap_or_else(|| "its paths select nothing at this commit".to_string())
    }

    /// Says how the content `item`'s key covers changed from commit `from` to this one:
    /// `web/pricing/page.tsx changed, .gitattributes added`; or, when `from` is not in the
    /// repository, that it cannot say which file.
    pub fn content_change(&self, history: Option<&History>, from: &str, item: &Item) -> String {
        let known = (from.to_string(), item.paths.clone());
        if let Some(said) = self.changes.borrow().get(&known) {
            return said.clone();
        }
        let said = self.describe_change(history, from, item);
        self.changes.borrow_mut().insert(known, said.clone());
        said
    }

    fn describe_change(&self, history: Option<&History>, from: &str, item: &Item) -> String {
        let unknown = || {
            format!(
                "its content changed since commit {} (not in this clone, to say which file)",
                short_commit(from)
            )
        };
        let Some(history) = history else {
            return unknown();
        };
        let snapshot = self
            .snapshots
            .borrow_mut()
            .entry(from.to_string())
            .or_insert_with(|| history.snapshot(from).ok().map(Rc::new))
            .clone();
        let Some(snapshot) = snapshot else {
            return unknown();
        };
        let Ok(then) = Keys::new(&snapshot, &self.checklist.policy.global_paths) else {
            return unknown();
        };
        if let Some(why) = &self.keys.selection(&item.paths).nothing {
            return why.clone();
        }
        let (was, now) = (then.listing(&item.paths), self.keys.listing(&item.paths));
        let by_path = |lines: &std::collections::BTreeSet<String>| -> BTreeMap<String, String> {
            lines
                .iter()
                .map(|line| (entry_path(line).to_string(), line.clone()))
                .collect()
        };
        let (was, now) = (by_path(&was), by_path(&now));
        let mut said = Vec::new();
        for (path, line) in &now {
            match was.get(path) {
                Some(old) if old == line => {}
                Some(_) => said.push(format!("{path} changed")),
                None => said.push(format!("{path} added")),
            }
        }
        said.extend(
            was.keys()
                .filter(|path| !now.contains_key(*path))
                .map(|path| format!("{path} removed")),
        );
        if said.is_empty() {
            return format!(
                "its content key differs from commit {}'s",
                short_commit(from)
            );
        }
        let more = said.len().saturating_sub(CHANGES_SHOWN);
        said.truncate(CHANGES_SHOWN);
        let mut text = format!("since commit {}: {}", short_commit(from), said.join(", "));
        if item.paths.is_empty() {
            text = format!("it names no `paths`, so any change counts — {text}");
        }
        if more > 0 {
            text.push_str(&format!(" (+{more} more)"));
        }
        text
    }

    /// Says how `cell`'s definition now differs from the one `statement` recorded, reading
    /// the checklist it followed from its commit; or that it cannot say how.
    pub fn definition_change(
        &self,
        history: Option<&History>,
        statement: &Statement,
        cell: Cell,
    ) -> String {
        let unknown = "its definition differs from the pinned checklist's".to_string();
        let facts = &statement.predicate.checklist;
        let (Some(history), Some(commit)) = (history, statement.commit()) else {
            return unknown;
        };
        let read = || {
            let bytes = crate::git::file_at(history.root(), commit, &facts.path)?;
            if crate::fsutil::sha256_hex(&bytes) != facts.sha256 {
                return None;
            }
            Checklist::from_bytes(&bytes, &facts.path).ok().map(Rc::new)
        };
        let then = self
            .earlier
            .borrow_mut()
            .entry((commit.to_string(), facts.path.clone()))
            .or_insert_with(read)
            .clone();
        let Some(then) = then else {
            return unknown;
        };
        let env = self.checklist.environments[cell.environment];
        let Some(then_cell) = then.cell_by_ids(
            &self.checklist.items[cell.item].id,
            &self.checklist.browsers[env.browser].id,
            &self.checklist.viewports[env.viewport].id,
        ) else {
            return unknown;
        };
        let said = differences(&value_of(&then, then_cell), &self.definitions.value(cell));
        if said.is_empty() {
            unknown
        } else {
            format!("its definition changed: {}", said.join(", "))
        }
    }
}

/// How many changed files a reason names.
const CHANGES_SHOWN: usize = 3;

/// The path of a content key's line (`MODE ID PATH`, or `link PATH -> …`).
fn entry_path(line: &str) -> &str {
    match line.strip_prefix("link ") {
        Some(rest) => rest.split(" -> ").next().unwrap_or(rest),
        None => line.splitn(3, ' ').nth(2).unwrap_or(line),
    }
}

/// How bad a status is, for "the worst result wins".
fn rank(status: Status) -> u8 {
    match status {
        Status::Pass => 0,
        Status::Skip => 1,
        Status::Blocked => 2,
        Status::Fail => 3,
    }
}

/// The worse of two outcomes for `item`; between two failures, the more severe.
pub fn worse(a: Outcome, b: Outcome, item: &Item) -> Outcome {
    if rank(a.status) != rank(b.status) {
        return if rank(a.status) > rank(b.status) {
            a
        } else {
            b
        };
    }
    let default = item.severity;
    if b.severity.unwrap_or(default) < a.severity.unwrap_or(default) {
        b
    } else {
        a
    }
}

/// A result that holds for a cell, from the statement at `source`.
#[derive(Debug, Clone, Copy)]
pub struct Holding {
    pub source: usize,
    pub outcome: Outcome,
    /// Recorded on the commit's own tree.
    pub on_tree: bool,
    /// When it was recorded (seconds since 1970; 0 when the statement does not say).
    pub recorded: i64,
}

/// When `facts` was recorded, for ordering results (0 when unknown or unreadable).
pub fn recorded_at(facts: &CellFacts) -> i64 {
    facts
        .recorded_at
        .as_deref()
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        .map_or(0, |at| at.timestamp())
}

/// The results that count among `holding`, and the worst of them; `None` when nothing
/// holds. Results recorded on the commit's own tree win over those recorded on other trees
/// before them — a re-test there settles the cell — but not over later ones: a failure
/// found afterwards (or in the same second) on the same content stands, whichever tree
/// the author goes back to.
/// Without results on its own tree, every one counts.
pub fn counting<'h>(holding: &'h [Holding], item: &Item) -> Option<(Vec<&'h Holding>, Outcome)> {
    let newest_on_tree = holding
        .iter()
        .filter(|h| h.on_tree)
        .map(|h| h.recorded)
        .max();
    let group: Vec<&Holding> = holding
        .iter()
        .filter(|h| newest_on_tree.is_none_or(|newest| h.on_tree || h.recorded >= newest))
        .collect();
    let worst = group
        .iter()
        .map(|h| h.outcome)
        .reduce(|a, b| worse(a, b, item))?;
    Some((group, worst))
}

/// A trusted statement a run may carry from, with the sha256 of its exact bytes.
pub struct Source<'s> {
    pub sha256: String,
    pub statement: &'s Statement,
    /// Its cells by item, browser and viewport.
    index: HashMap<(&'s str, &'s str, &'s str), &'s CellFacts>,
}

impl<'s> Source<'s> {
    /// `statement`, whose exact bytes hash to `sha256`, indexed.
    pub fn new(sha256: String, statement: &'s Statement) -> Source<'s> {
        let index = statement
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
        Source {
            sha256,
            statement,
            index,
        }
    }

    /// The statement's result for the cell named by these ids.
    fn cell(&self, item: &str, browser: &str, viewport: &str) -> Option<&'s CellFacts> {
        self.index.get(&(item, browser, viewport)).copied()
    }

    /// Where a pass carried from this statement's `cell` came from.
    fn provenance(&self, cell: &CellFacts) -> CarriedFrom {
        let tester = &self.statement.predicate.tester;
        CarriedFrom {
            statement: self.sha256.clone(),
            commit: self.statement.commit().unwrap_or("").to_string(),
            tester: format!("{} <{}>", tester.name, tester.email),
            tested_by: cell.tester.clone(),
            tested_at: cell.recorded_at.clone(),
        }
    }
}

/// What a new run carries, and why the rest is not carried.
#[derive(Debug, Default)]
pub struct Plan {
    /// The cells carried, in checklist order, each with where its pass came from.
    pub carried: Vec<(Cell, CarriedFrom)>,
    /// Per item and reason: the item's id, how many of its cells are not carried, and why.
    pub not_carried: Vec<(String, usize, String)>,
}

/// Which cells of `at`'s checklist start as passes carried from `sources` (trusted,
/// verified statements of the checklist): a cell carries when the results of `sources`
/// that hold for it count a pass, from the newest approval that passed it.
pub fn plan(at: &At<'_>, sources: &[Source<'_>], history: Option<&History>) -> Plan {
    let checklist = at.checklist;
    let mut plan = Plan::default();
    let mut reasons: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut content_said: HashMap<(usize, String), String> = HashMap::new();
    for cell in checklist.cells() {
        let item = &checklist.items[cell.item];
        let env = checklist.environments[cell.environment];
        let (browser, viewport) = (
            &checklist.browsers[env.browser].id,
            &checklist.viewports[env.viewport].id,
        );
        let mut holding = Vec::new();
        let mut why_not: Option<(Holds, usize)> = None;
        for (index, source) in sources.iter().enumerate() {
            let Some(facts) = source.cell(&item.id, browser, viewport) else {
                continue;
            };
            match at.holds(cell, facts) {
                Holds::Yes => holding.push(Holding {
                    source: index,
                    outcome: Outcome::new(facts.status.unwrap_or(Status::Pass), facts.severity),
                    on_tree: at.on_tree(source.statement),
                    recorded: recorded_at(facts),
                }),
                Holds::Untested | Holds::Carried | Holds::NotACell => {}
                other => {
                    if why_not.as_ref().is_none_or(|(held, _)| other > *held) {
                        why_not = Some((other, index));
                    }
                }
            }
        }
        let why = match counting(&holding, item) {
            Some((group, worst)) if worst.status == Status::Pass => {
                let newest = group
                    .iter()
                    .filter(|h| {
                        sources[h.source].statement.predicate.decision == Decision::Approved
                    })
                    .max_by_key(|h| &sources[h.source].statement.predicate.signed);
                if let Some(newest) = newest {
                    let source = &sources[newest.source];
                    if let Some(facts) = source.cell(&item.id, browser, viewport) {
                        plan.carried.push((cell, source.provenance(facts)));
                        continue;
                    }
                }
                "only a rejection passed it on this content".to_string()
            }
            Some((_, worst)) => {
                format!("a trusted result on the same content says {}", worst.status)
            }
            None => match why_not {
                None => "no trusted sign-off has a result for it".to_string(),
                Some((held, index)) => {
                    let source = &sources[index];
                    let commit = source.statement.commit().unwrap_or("").to_string();
                    match held {
                        Holds::Content => content_said
                            .entry((cell.item, commit.clone()))
                            .or_insert_with(|| at.content_change(history, &commit, item))
                            .clone(),
                        Holds::Definition => at.definition_change(history, source.statement, cell),
                        Holds::NothingHere => at.why_nothing(item),
                        _ => "the sign-off records no content key (signed outside a repository, \
                              or by an older greenlight)"
                            .to_string(),
                    }
                }
            },
        };
        *reasons.entry((cell.item, why)).or_default() += 1;
    }
    plan.not_carried = reasons
        .into_iter()
        .map(|((item, why), cells)| (checklist.items[item].id.clone(), cells, why))
        .collect();
    plan
}

/// How many of `total` cells hold passes carried from earlier approvals, and from which, in
/// words — "392 of 608 cells carried: 392 from the approval 205c44d36275 of commit
/// f3854af8508e by Ada <ada@example.com>" — for the report, the comment and the summary;
/// `None` when nothing was carried.
pub fn describe<'a>(
    carried: impl IntoIterator<Item = &'a CarriedFrom>,
    total: usize,
) -> Option<String> {
    let mut sources: BTreeMap<(&str, &str, &str), usize> = Default::default();
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
                short_commit(commit),
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

    #[test]
    fn the_path_of_a_key_line_is_found_whatever_it_holds() {
        assert_eq!(entry_path("100644 abc web/a b.css"), "web/a b.css");
        assert_eq!(entry_path("link web/l -> ../x: not in the tree"), "web/l");
    }

    fn holding(status: Status, on_tree: bool, recorded: i64) -> Holding {
        Holding {
            source: 0,
            outcome: Outcome::new(status, None),
            on_tree,
            recorded,
        }
    }

    #[test]
    fn results_on_the_commits_own_tree_win_otherwise_the_worst_counts() {
        let checklist = Checklist::parse(
            "id: t\ntitle: T\nmatrix:\n  browsers: [{id: c}]\n  viewports: [{id: p, width: 1, height: 1}]\n\
             sections:\n  - id: s\n    title: S\n    items:\n      - {id: a, title: A}\n",
            "t.yaml",
        )
        .expect("valid");
        let item = &checklist.items[0];
        let old_fail = holding(Status::Fail, false, 100);
        let new_pass = holding(Status::Pass, true, 200);
        let other_pass = holding(Status::Pass, false, 50);
        let (_, worst) = counting(&[old_fail, other_pass], item).expect("holds");
        assert_eq!(
            worst.status,
            Status::Fail,
            "a failure on the same content stands"
        );
        let all = [old_fail, new_pass, other_pass];
        let (group, worst) = counting(&all, item).expect("holds");
        assert_eq!(
            worst.status,
            Status::Pass,
            "a re-test on this very tree wins"
        );
        assert_eq!(group.len(), 1);
        // A failure found after the re-test, on the same content, is not outranked by it.
        let later_fail = holding(Status::Fail, false, 300);
        let later = [old_fail, new_pass, later_fail];
        let (group, worst) = counting(&later, item).expect("holds");
        assert_eq!(worst.status, Status::Fail, "a later failure stands");
        assert_eq!(group.len(), 2);
        assert!(counting(&[], item).is_none());
    }
}
