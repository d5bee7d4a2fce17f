//! What a run's journal amounts to: the latest result of every cell, the counts, and the
//! policy's verdict. Replaying the journal is the only way to get here, so every view (the
//! walk, `status`, the exports, the sign-off) agrees by construction.

use std::collections::HashSet;

use serde::Serialize;

use crate::checklist::{Cell, Checklist};
use crate::journal::{Entry, ResultEntry};
use crate::status::Status;
use crate::verdict::{Outcome, Verdict};

const NONE: u32 = u32::MAX;

/// The latest result of every cell, rebuilt from the journal, with the counts kept up to
/// date as entries arrive (the walk redraws them on every key).
#[derive(Debug, Clone)]
pub struct Results {
    environments: usize,
    /// `item * environments + environment` → index into the entries of the newest result
    /// that counts, or `NONE`.
    latest: Vec<u32>,
    /// How many result entries each cell has had (saturating), so that a cell's history is
    /// only searched for when it has one.
    entry_counts: Vec<u16>,
    undone: HashSet<u64>,
    /// Per cell, the index of its newest result entry, undone or not.
    newest_entry: Vec<u32>,
    /// Per entry, the index of the result entry before it for the same cell (`NONE` for the
    /// first, and for undo entries): an undo finds what counts again by following these
    /// links instead of scanning the journal back, so opening a run with many undos stays
    /// linear.
    previous_of_cell: Vec<u32>,
    counts: Counts,
    per_environment: Vec<Counts>,
    untested_per_item: Vec<u32>,
}

/// Counts of cells by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub blocked: usize,
    pub skip: usize,
    pub untested: usize,
}

impl Counts {
    fn slot(&mut self, status: Option<Status>) -> &mut usize {
        match status {
            Some(Status::Pass) => &mut self.pass,
            Some(Status::Fail) => &mut self.fail,
            Some(Status::Blocked) => &mut self.blocked,
            Some(Status::Skip) => &mut self.skip,
            None => &mut self.untested,
        }
    }

    /// How many cells are in `state`.
    pub fn of(&self, state: Option<Status>) -> usize {
        match state {
            Some(Status::Pass) => self.pass,
            Some(Status::Fail) => self.fail,
            Some(Status::Blocked) => self.blocked,
            Some(Status::Skip) => self.skip,
            None => self.untested,
        }
    }

    /// Moves one cell from one status to another.
    fn change(&mut self, from: Option<Status>, to: Option<Status>) {
        *self.slot(from) -= 1;
        *self.slot(to) += 1;
    }

    /// Every cell counted.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.blocked + self.skip + self.untested
    }

    /// Cells with any result.
    pub fn done(&self) -> usize {
        self.total() - self.untested
    }

    /// How many of the cells have a result, in whole percent rounded down (so 99.9% never
    /// shows as 100%).
    pub fn percent_done(&self) -> usize {
        (self.done() * 100).checked_div(self.total()).unwrap_or(0)
    }
}

/// Why a journal entry does not count: it names something the checklist does not have, or
/// undoes something that is not an earlier result. Only a journal edited by hand does this,
/// since a run's checklist copy never changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ignored {
    #[error("journal entry {seq} names item `{item}`, which the checklist does not have; ignored")]
    UnknownItem { seq: u64, item: String },
    #[error(
        "journal entry {seq} names {browser}/{viewport}, which is not a cell of item `{item}`; ignored"
    )]
    NotACell {
        seq: u64,
        item: String,
        browser: String,
        viewport: String,
    },
    #[error("journal entry {seq} undoes entry {undoes}, which is not an earlier result; ignored")]
    NotAnEarlierResult { seq: u64, undoes: u64 },
}

impl Results {
    /// Replays `entries` against `checklist`. Entries that name cells the checklist does not
    /// have are skipped and reported through `warn` (the run's own checklist copy never
    /// changes, so this only happens to a journal edited by hand).
    pub fn replay(
        checklist: &Checklist,
        entries: &[Entry],
        warn: &mut dyn FnMut(String),
    ) -> Results {
        let slots = checklist.items.len() * checklist.environments.len();
        let mut per_environment = vec![Counts::default(); checklist.environments.len()];
        for item in &checklist.items {
            for &environment in &item.environments {
                per_environment[environment].untested += 1;
            }
        }
        let mut results = Results {
            environments: checklist.environments.len(),
            latest: vec![NONE; slots],
            entry_counts: vec![0; slots],
            undone: HashSet::new(),
            newest_entry: vec![NONE; slots],
            previous_of_cell: Vec::with_capacity(entries.len()),
            counts: Counts {
                untested: checklist.cell_count(),
                ..Counts::default()
            },
            per_environment,
            untested_per_item: checklist
                .items
                .iter()
                .map(|item| item.environments.len() as u32)
                .collect(),
        };
        for index in 0..entries.len() {
            if let Err(ignored) = results.apply(checklist, entries, index) {
                warn(ignored.to_string());
            }
        }
        results
    }

    /// Applies the entry at `index`, the newest of `entries`.
    pub fn apply(
        &mut self,
        checklist: &Checklist,
        entries: &[Entry],
        index: usize,
    ) -> Result<(), Ignored> {
        // One link per entry, whatever becomes of it, so links stay aligned with indexes.
        self.previous_of_cell.resize(index + 1, NONE);
        match &entries[index] {
            Entry::Result(result) => {
                let cell = cell_of(checklist, result)?;
                let before = self.status(entries, cell);
                let slot = self.slot(cell);
                self.previous_of_cell[index] = self.newest_entry[slot];
                self.newest_entry[slot] = index as u32;
                self.latest[slot] = index as u32;
                self.entry_counts[slot] = self.entry_counts[slot].saturating_add(1);
                self.recount(cell, before, Some(result.status));
            }
            Entry::Undo(undo) => {
                let target = undo
                    .undoes
                    .checked_sub(1)
                    .and_then(|i| entries.get(i as usize))
                    .filter(|_| undo.undoes < undo.seq);
                let Some(Entry::Result(result)) = target else {
                    return Err(Ignored::NotAnEarlierResult {
                        seq: undo.seq,
                        undoes: undo.undoes,
                    });
                };
                let cell = cell_of(checklist, result)?;
                self.undone.insert(undo.undoes);
                let slot = self.slot(cell);
                if self.latest[slot] as usize == (undo.undoes - 1) as usize {
                    let before = self.status(entries, cell);
                    self.latest[slot] = self.counting_before(entries, (undo.undoes - 1) as usize);
                    let after = self.status(entries, cell);
                    self.recount(cell, before, after);
                }
            }
        }
        Ok(())
    }

    /// The newest result of the same cell before entry `index` that is not undone, found by
    /// following the cell's links.
    fn counting_before(&self, entries: &[Entry], index: usize) -> u32 {
        let mut at = self.previous_of_cell[index];
        while at != NONE {
            match &entries[at as usize] {
                Entry::Result(r) if self.undone.contains(&r.seq) => {
                    at = self.previous_of_cell[at as usize];
                }
                _ => return at,
            }
        }
        NONE
    }

    fn recount(&mut self, cell: Cell, before: Option<Status>, after: Option<Status>) {
        self.counts.change(before, after);
        self.per_environment[cell.environment].change(before, after);
        let untested = &mut self.untested_per_item[cell.item];
        *untested = *untested + u32::from(after.is_none()) - u32::from(before.is_none());
    }

    /// How many cells of `item` have no result: lets a search for untested cells skip whole
    /// items.
    pub fn untested_in_item(&self, item: usize) -> usize {
        self.untested_per_item[item] as usize
    }

    /// How many cells of `environment` have no result.
    pub fn untested_in_environment(&self, environment: usize) -> usize {
        self.per_environment[environment].untested
    }

    /// Whether `cell` has more than one result entry, so that its history is worth showing.
    pub fn has_history(&self, cell: Cell) -> bool {
        self.entry_counts[self.slot(cell)] > 1
    }

    fn slot(&self, cell: Cell) -> usize {
        cell.item * self.environments + cell.environment
    }

    /// The entry index of the result that counts for `cell`, if any.
    pub fn latest_index(&self, cell: Cell) -> Option<usize> {
        let index = self.latest[self.slot(cell)];
        (index != NONE).then_some(index as usize)
    }

    /// The result that counts for `cell`, if any.
    pub fn latest<'a>(&self, entries: &'a [Entry], cell: Cell) -> Option<&'a ResultEntry> {
        match &entries[self.latest_index(cell)?] {
            Entry::Result(result) => Some(result),
            Entry::Undo(_) => None,
        }
    }

    /// The indexes of every result entry of `cell`, newest first, undone ones included:
    /// followed through the per-cell links, so it costs the cell's history, not the journal.
    pub fn history_indexes(&self, cell: Cell) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.newest_entry[self.slot(cell)];
        std::iter::from_fn(move || {
            if at == NONE {
                return None;
            }
            let here = at as usize;
            at = self.previous_of_cell[here];
            Some(here)
        })
    }

    /// Whether the entry with this `seq` has been undone.
    pub fn is_undone(&self, seq: u64) -> bool {
        self.undone.contains(&seq)
    }

    /// The status of `cell`; `None` is untested.
    pub fn status(&self, entries: &[Entry], cell: Cell) -> Option<Status> {
        self.latest(entries, cell).map(|r| r.status)
    }

    /// Counts over every cell.
    pub fn totals(&self) -> Counts {
        self.counts
    }

    /// Counts per environment, in the checklist's order.
    pub fn per_environment(&self) -> &[Counts] {
        &self.per_environment
    }

    /// The policy's verdict on the run's cells (DESIGN.md §1).
    pub fn verdict(&self, checklist: &Checklist, entries: &[Entry]) -> Verdict {
        let outcomes = checklist.cells().map(|cell| {
            let outcome = self
                .latest(entries, cell)
                .map(|r| Outcome::new(r.status, r.severity));
            (cell, outcome)
        });
        crate::verdict::judge(checklist, outcomes)
    }
}

/// The cell a journal entry names, or why it names none.
pub fn cell_of(checklist: &Checklist, result: &ResultEntry) -> Result<Cell, Ignored> {
    if checklist.item_by_id(&result.item).is_none() {
        return Err(Ignored::UnknownItem {
            seq: result.seq,
            item: result.item.clone(),
        });
    }
    checklist
        .cell_by_ids(&result.item, &result.browser, &result.viewport)
        .ok_or_else(|| Ignored::NotACell {
            seq: result.seq,
            item: result.item.clone(),
            browser: result.browser.clone(),
            viewport: result.viewport.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Severity;
    use crate::journal::{ResultEntry, UndoEntry};
    use crate::verdict::VerdictKind;

    const CHECKLIST: &str = "id: t\ntitle: T\nmatrix:\n  browsers: [{id: a}, {id: b}]\n  viewports: [{id: p, width: 1, height: 1}]\nsections:\n  - id: s\n    title: S\n    items: [{id: x, title: X}, {id: y, title: Y}]\n";

    fn result(seq: u64, item: &str, browser: &str, status: Status) -> Entry {
        Entry::Result(ResultEntry {
            seq,
            at: String::new(),
            tester: String::new(),
            item: item.into(),
            browser: browser.into(),
            viewport: "p".into(),
            status,
            severity: (status == Status::Fail).then_some(Severity::BLOCKER),
            note: None,
            evidence: vec![],
            carried_from: None,
        })
    }

    fn undo(seq: u64, undoes: u64) -> Entry {
        Entry::Undo(UndoEntry {
            seq,
            at: String::new(),
            tester: String::new(),
            undoes,
        })
    }

    /// The counts kept up to date entry by entry equal a count made from scratch.
    fn recounted(
        checklist: &Checklist,
        results: &Results,
        entries: &[Entry],
    ) -> (Counts, Vec<Counts>) {
        let mut all = Counts::default();
        let mut per = vec![Counts::default(); checklist.environments.len()];
        for cell in checklist.cells() {
            let status = results.status(entries, cell);
            *all.slot(status) += 1;
            *per[cell.environment].slot(status) += 1;
        }
        (all, per)
    }

    /// The rule written the plain way: a cell's result is its newest result entry that no
    /// undo names.
    fn plainly(entries: &[Entry], item: &str, browser: &str) -> Option<Status> {
        let undone: HashSet<u64> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Undo(u) if u.undoes < u.seq => Some(u.undoes),
                _ => None,
            })
            .collect();
        entries.iter().rev().find_map(|e| match e {
            Entry::Result(r)
                if r.item == item && r.browser == browser && !undone.contains(&r.seq) =>
            {
                Some(r.status)
            }
            _ => None,
        })
    }

    proptest::proptest! {
        #[test]
        fn undos_in_any_order_leave_what_a_plain_reading_gives(
            steps in proptest::collection::vec((0u8..4, proptest::prelude::any::<bool>(), 0u64..12), 1..40)
        ) {
            let checklist = Checklist::parse(CHECKLIST, "t.yaml").unwrap();
            let cells = [("x", "a"), ("x", "b"), ("y", "a"), ("y", "b")];
            let mut entries = Vec::new();
            for (n, (cell, is_undo, back)) in steps.into_iter().enumerate() {
                let seq = n as u64 + 1;
                // Undos only of earlier results, as the journal writer makes them.
                let target = (1..seq).rev().nth(back as usize).filter(|t| {
                    matches!(entries.get(*t as usize - 1), Some(Entry::Result(_)))
                });
                entries.push(match (is_undo, target) {
                    (true, Some(target)) => undo(seq, target),
                    _ => {
                        let (item, browser) = cells[cell as usize];
                        let status = [Status::Pass, Status::Fail][(seq % 2) as usize];
                        result(seq, item, browser, status)
                    }
                });
            }
            let results = Results::replay(&checklist, &entries, &mut |_| {});
            for (item, browser) in cells {
                let cell = Cell {
                    item: checklist.item_by_id(item).unwrap(),
                    environment: checklist
                        .environment_of(
                            checklist.browser_by_id(browser).unwrap(),
                            checklist.viewport_by_id("p").unwrap(),
                        )
                        .unwrap(),
                };
                proptest::prop_assert_eq!(
                    results.status(&entries, cell),
                    plainly(&entries, item, browser)
                );
                let history: Vec<usize> = results.history_indexes(cell).collect();
                let plain_history: Vec<usize> = entries
                    .iter()
                    .enumerate()
                    .rev()
                    .filter(|(_, e)| matches!(e, Entry::Result(r) if r.item == item && r.browser == browser))
                    .map(|(i, _)| i)
                    .collect();
                proptest::prop_assert_eq!(history, plain_history);
            }
            proptest::prop_assert_eq!(
                recounted(&checklist, &results, &entries),
                (results.totals(), results.per_environment().to_vec())
            );
        }
    }

    #[test]
    fn an_undo_of_itself_or_of_a_later_entry_is_ignored_with_a_warning() {
        let checklist = Checklist::parse(CHECKLIST, "t.yaml").unwrap();
        for entries in [
            vec![result(1, "x", "a", Status::Pass), undo(2, 2)],
            vec![result(1, "x", "a", Status::Pass), undo(2, 3)],
            vec![undo(1, 0)],
        ] {
            let mut warnings = Vec::new();
            let results = Results::replay(&checklist, &entries, &mut |w| warnings.push(w));
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(
                warnings[0].contains("which is not an earlier result"),
                "{warnings:?}"
            );
            let passes = entries
                .iter()
                .filter(|e| matches!(e, Entry::Result(_)))
                .count();
            assert_eq!(results.totals().pass, passes, "nothing undone");
        }
    }

    #[test]
    fn counts_follow_results_replacements_and_undos() {
        let checklist = Checklist::parse(CHECKLIST, "t.yaml").unwrap();
        let entries = vec![
            result(1, "x", "a", Status::Pass),
            result(2, "x", "a", Status::Fail),
            result(3, "y", "b", Status::Skip),
            undo(4, 2),
            undo(5, 1),
            result(6, "y", "a", Status::Blocked),
            undo(7, 6),
            undo(8, 6),
        ];
        for n in 1..=entries.len() {
            let results = Results::replay(&checklist, &entries[..n], &mut |_| {});
            let (all, per) = recounted(&checklist, &results, &entries[..n]);
            assert_eq!(results.totals(), all, "after {n} entries");
            assert_eq!(
                results.per_environment(),
                per.as_slice(),
                "after {n} entries"
            );
            for (e, counts) in per.iter().enumerate() {
                assert_eq!(results.untested_in_environment(e), counts.untested);
                for state in crate::status::STATES {
                    assert_eq!(per[e].of(state), *per[e].clone().slot(state));
                }
            }
            for item in 0..checklist.items.len() {
                let untested = checklist
                    .cells()
                    .filter(|c| c.item == item && results.status(&entries[..n], *c).is_none())
                    .count();
                assert_eq!(
                    results.untested_in_item(item),
                    untested,
                    "item {item} after {n}"
                );
            }
        }
        let results = Results::replay(&checklist, &entries, &mut |_| {});
        assert_eq!(
            results.totals(),
            Counts {
                skip: 1,
                untested: 3,
                ..Counts::default()
            }
        );
        let x_in_a = Cell {
            item: 0,
            environment: 0,
        };
        assert!(results.has_history(x_in_a));
        assert!(!results.has_history(Cell {
            item: 1,
            environment: 1
        }));
        let verdict = results.verdict(&checklist, &entries);
        assert_eq!(
            verdict.reason_texts(),
            [
                "3 required cells untested",
                "1 required cell skipped (y in b/p); the policy does not allow skipping"
            ]
        );
        assert_eq!(verdict.verdict, VerdictKind::Blocked);
    }
}
