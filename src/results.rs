//! What a run's journal amounts to: the latest result of every cell, the counts, and the
//! policy's verdict. Replaying the journal is the only way to get here, so every view (the
//! walk, `status`, the exports, the sign-off) agrees by construction.

use std::collections::HashSet;

use serde::Serialize;

use crate::checklist::{Cell, Checklist, Severity};
use crate::journal::{Entry, ResultEntry, Status};

const NONE: u32 = u32::MAX;

/// The latest result of every cell, rebuilt from the journal.
#[derive(Debug, Clone)]
pub struct Results {
    environments: usize,
    /// `item * environments + environment` → index into the entries of the newest result
    /// that counts, or `NONE`.
    latest: Vec<u32>,
    undone: HashSet<u64>,
}

/// Counts of cells by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub blocked: usize,
    pub skip: usize,
    pub untested: usize,
}

impl Counts {
    fn add(&mut self, status: Option<Status>) {
        match status {
            Some(Status::Pass) => self.pass += 1,
            Some(Status::Fail) => self.fail += 1,
            Some(Status::Blocked) => self.blocked += 1,
            Some(Status::Skip) => self.skip += 1,
            None => self.untested += 1,
        }
    }

    /// Every cell counted.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.blocked + self.skip + self.untested
    }

    /// Cells with any result.
    pub fn done(&self) -> usize {
        self.total() - self.untested
    }
}

/// Whether the checklist's policy lets the run be approved, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `passes` or `blocked`.
    pub verdict: &'static str,
    pub reasons: Vec<String>,
}

impl Verdict {
    /// Whether approval is allowed.
    pub fn passes(&self) -> bool {
        self.reasons.is_empty()
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.passes() {
            write!(f, "passes")
        } else {
            write!(f, "blocked: {}", self.reasons.join("; "))
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
        let mut results = Results {
            environments: checklist.environments.len(),
            latest: vec![NONE; checklist.items.len() * checklist.environments.len()],
            undone: HashSet::new(),
        };
        for index in 0..entries.len() {
            if let Err(message) = results.apply(checklist, entries, index) {
                warn(message);
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
    ) -> Result<(), String> {
        match &entries[index] {
            Entry::Result(result) => {
                let cell = cell_of(checklist, result)?;
                let slot = self.slot(cell);
                self.latest[slot] = index as u32;
            }
            Entry::Undo(undo) => {
                let target = undo
                    .undoes
                    .checked_sub(1)
                    .and_then(|i| entries.get(i as usize))
                    .filter(|_| undo.undoes < undo.seq);
                let Some(Entry::Result(result)) = target else {
                    return Err(format!(
                        "journal entry {} undoes entry {}, which is not an earlier result; ignored",
                        undo.seq, undo.undoes
                    ));
                };
                let cell = cell_of(checklist, result)?;
                self.undone.insert(undo.undoes);
                let slot = self.slot(cell);
                if self.latest[slot] as usize == (undo.undoes - 1) as usize {
                    self.latest[slot] = self.newest_counting(checklist, entries, cell, index);
                }
            }
        }
        Ok(())
    }

    fn newest_counting(
        &self,
        checklist: &Checklist,
        entries: &[Entry],
        cell: Cell,
        before: usize,
    ) -> u32 {
        entries[..before]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, entry)| match entry {
                Entry::Result(r)
                    if !self.undone.contains(&r.seq) && cell_of(checklist, r) == Ok(cell) =>
                {
                    Some(i as u32)
                }
                _ => None,
            })
            .unwrap_or(NONE)
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

    /// Whether the entry with this `seq` has been undone.
    pub fn is_undone(&self, seq: u64) -> bool {
        self.undone.contains(&seq)
    }

    /// The status of `cell`; `None` is untested.
    pub fn status(&self, entries: &[Entry], cell: Cell) -> Option<Status> {
        self.latest(entries, cell).map(|r| r.status)
    }

    /// Counts over every cell, and per environment (in the checklist's order).
    pub fn counts(&self, checklist: &Checklist, entries: &[Entry]) -> (Counts, Vec<Counts>) {
        let mut all = Counts::default();
        let mut per_environment = vec![Counts::default(); checklist.environments.len()];
        for cell in checklist.cells() {
            let status = self.status(entries, cell);
            all.add(status);
            per_environment[cell.environment].add(status);
        }
        (all, per_environment)
    }

    /// The policy's verdict: blocking failures, and untested required cells when the policy
    /// requires a complete run.
    pub fn verdict(&self, checklist: &Checklist, entries: &[Entry]) -> Verdict {
        let threshold = checklist.policy.block_on_severity;
        let mut blocking = 0;
        let mut untested_required = 0;
        for cell in checklist.cells() {
            match self.latest(entries, cell) {
                Some(result) if result.status == Status::Fail => {
                    let severity = result
                        .severity
                        .and_then(|s| Severity::new(s.into()))
                        .unwrap_or(checklist.items[cell.item].severity);
                    if severity.at_least(threshold) {
                        blocking += 1;
                    }
                }
                None if checklist.items[cell.item].required => untested_required += 1,
                _ => {}
            }
        }
        let mut reasons = Vec::new();
        if blocking > 0 {
            reasons.push(if threshold == Severity::BLOCKER {
                plural(blocking, "blocker failure", "blocker failures")
            } else {
                format!(
                    "{} of severity {} or worse",
                    plural(blocking, "failure", "failures"),
                    threshold.level()
                )
            });
        }
        if checklist.policy.require_complete && untested_required > 0 {
            reasons.push(format!(
                "{} untested",
                plural(untested_required, "required cell", "required cells")
            ));
        }
        Verdict {
            verdict: if reasons.is_empty() {
                "passes"
            } else {
                "blocked"
            },
            reasons,
        }
    }
}

/// The cell a journal entry names, or why it names none.
pub fn cell_of(checklist: &Checklist, result: &ResultEntry) -> Result<Cell, String> {
    let item = checklist.item_by_id(&result.item).ok_or_else(|| {
        format!(
            "journal entry {} names item `{}`, which the checklist does not have; ignored",
            result.seq, result.item
        )
    })?;
    let environment = checklist
        .browser_by_id(&result.browser)
        .zip(checklist.viewport_by_id(&result.viewport))
        .and_then(|(b, v)| checklist.environment_of(b, v))
        .filter(|&env| checklist.applies(item, env))
        .ok_or_else(|| {
            format!(
                "journal entry {} names {}/{}, which is not a cell of item `{}`; ignored",
                result.seq, result.browser, result.viewport, result.item
            )
        })?;
    Ok(Cell { item, environment })
}
