//! What the previous run of the same checklist found, cell by cell: so that re-testing a
//! release after a fix shows each cell's earlier result and note instead of a blank
//! "untested", and failing a cell again offers the note that described it last time.

use std::collections::HashMap;

use crate::checklist::{Cell, Checklist, Severity};
use crate::run::Run;
use crate::status::Status;
use crate::store::RunStore;

/// One cell's result in the earlier run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierResult {
    pub status: Status,
    pub severity: Option<Severity>,
    pub note: Option<String>,
    /// When it was recorded (UTC, RFC 3339).
    pub at: String,
}

/// The latest results of the run before this one, by the ids of their cells (the checklist
/// may have changed between the runs: only cells both have are matched).
#[derive(Debug, Clone, Default)]
pub struct EarlierResults {
    pub run: String,
    pub release: String,
    by_cell: HashMap<(String, String, String), EarlierResult>,
}

impl EarlierResults {
    /// The results of `earlier`, by cell ids.
    pub fn of(earlier: &Run) -> EarlierResults {
        let checklist = earlier.checklist();
        let by_cell = checklist
            .cells()
            .filter_map(|cell| {
                let result = earlier.latest(cell)?;
                Some((
                    ids(checklist, cell),
                    EarlierResult {
                        status: result.status,
                        severity: result.severity,
                        note: result.note.clone(),
                        at: result.at.clone(),
                    },
                ))
            })
            .collect();
        EarlierResults {
            run: earlier.meta().id.clone(),
            release: earlier.meta().release.clone(),
            by_cell,
        }
    }

    /// The earlier result of `cell` of `checklist`, when the earlier run had one.
    pub fn of_cell(&self, checklist: &Checklist, cell: Cell) -> Option<&EarlierResult> {
        self.by_cell.get(&ids(checklist, cell))
    }
}

fn ids(checklist: &Checklist, cell: Cell) -> (String, String, String) {
    let env = checklist.environments[cell.environment];
    (
        checklist.items[cell.item].id.clone(),
        checklist.browsers[env.browser].id.clone(),
        checklist.viewports[env.viewport].id.clone(),
    )
}

/// The newest run of the same checklist (by id) started before `run`, when there is one it
/// can read: the run a re-test follows.
pub fn previous_run(store: &RunStore, run: &Run) -> Option<Run> {
    let meta = run.meta();
    let mut candidates: Vec<crate::store::RunMeta> = store
        .ids()
        .ok()?
        .into_iter()
        .filter(|id| *id != meta.id)
        .filter_map(|id| store.meta(&id).ok())
        .filter(|other| {
            other.checklist.id == meta.checklist.id && other.started_at < meta.started_at
        })
        .collect();
    candidates.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    let newest = candidates.pop()?;
    Run::open(store, &newest.id, &mut |_| {}).ok()
}
