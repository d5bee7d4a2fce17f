//! Where the walk's long jumps land: the failed, blocked and skipped cells in the summary's
//! order and in walk order, the entries of the environment and section pickers, and the cell
//! a jump to an environment or a section arrives on.

use crate::checklist::{Cell, Checklist, Severity};
use crate::run::Run;
use crate::status::Status;
use crate::walk_order::{Order, sequence};

use super::picker::PickerEntry;

/// The group a cell to look at again belongs to in the summary, in the summary's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemGroup {
    Failed(Severity),
    Blocked,
    Skipped,
}

impl ProblemGroup {
    /// Every group, in the summary's order.
    pub fn all() -> impl Iterator<Item = ProblemGroup> {
        Severity::ALL
            .into_iter()
            .map(ProblemGroup::Failed)
            .chain([ProblemGroup::Blocked, ProblemGroup::Skipped])
    }

    /// The group of a cell whose newest result has `status` and `severity`; `None` for a pass.
    pub fn of(status: Status, severity: Option<Severity>) -> Option<ProblemGroup> {
        match status {
            Status::Pass => None,
            Status::Fail => Some(ProblemGroup::Failed(severity.unwrap_or(Severity::MINOR))),
            Status::Blocked => Some(ProblemGroup::Blocked),
            Status::Skip => Some(ProblemGroup::Skipped),
        }
    }
}

/// Every failed, blocked or skipped cell in the summary's order: failures by severity, then
/// blocked, then skipped, each in checklist order.
pub fn problems(run: &Run) -> Vec<(ProblemGroup, Cell)> {
    let checklist = run.checklist();
    let mut found: Vec<(ProblemGroup, Cell)> = checklist
        .cells()
        .filter_map(|cell| {
            let latest = run.latest(cell)?;
            Some((ProblemGroup::of(latest.status, latest.severity)?, cell))
        })
        .collect();
    // A stable sort keeps checklist order within a group.
    found.sort_by_key(|(group, _)| *group);
    found
}

/// The next (or, with `forward` false, previous) failed, blocked or skipped cell after
/// `from` in walk order, wrapping round; `None` when there is none but `from` itself.
pub fn next_problem(
    run: &Run,
    order: Order,
    from: Cell,
    visible: &dyn Fn(usize) -> bool,
    forward: bool,
) -> Option<Cell> {
    let wanted = |cell: &Cell| run.status(*cell).is_some_and(Status::wants_another_look);
    let cells: Vec<Cell> = sequence(run.checklist(), order, visible).collect();
    let here = cells.iter().position(|&c| c == from);
    let count = cells.len();
    let start = here.unwrap_or(if forward { count.saturating_sub(1) } else { 0 });
    (1..=count)
        .map(|step| {
            if forward {
                (start + step) % count
            } else {
                (start + count - step % count) % count
            }
        })
        .map(|i| cells[i])
        .find(|c| wanted(c) && *c != from)
}

/// One entry per environment, with how much of it is done.
pub fn environment_entries(run: &Run) -> Vec<PickerEntry> {
    let checklist = run.checklist();
    run.per_environment()
        .iter()
        .enumerate()
        .map(|(index, counts)| PickerEntry {
            label: checklist.environment_label(index),
            detail: format!("{}/{} done", counts.done(), counts.total()),
            index,
        })
        .collect()
}

/// One entry per section, with its number of items.
pub fn section_entries(checklist: &Checklist) -> Vec<PickerEntry> {
    checklist
        .sections
        .iter()
        .enumerate()
        .map(|(index, section)| PickerEntry {
            label: section.title.clone(),
            detail: format!("{} items", section.items.len()),
            index,
        })
        .collect()
}

/// Where a jump to `environment` lands: its first untested visible item, else the item the
/// cursor is on when it applies there, else its first visible item.
pub fn landing_in_environment(
    run: &Run,
    from: Cell,
    environment: usize,
    visible: &dyn Fn(usize) -> bool,
) -> Option<Cell> {
    let checklist = run.checklist();
    let cell = |item| Cell { item, environment };
    let candidates =
        || (0..checklist.items.len()).filter(|&i| visible(i) && checklist.applies(i, environment));
    candidates()
        .find(|&i| run.status(cell(i)).is_none())
        .or_else(|| candidates().find(|&i| i == from.item))
        .or_else(|| candidates().next())
        .map(cell)
}

/// Where a jump to `section` lands: its first untested item in the cursor's environment,
/// else its first item there, else its first cell in any environment.
pub fn landing_in_section(
    run: &Run,
    from: Cell,
    section: usize,
    visible: &dyn Fn(usize) -> bool,
) -> Option<Cell> {
    let checklist = run.checklist();
    let items = checklist.sections.get(section)?.items.clone();
    let in_environment = |environment: usize| {
        items
            .clone()
            .filter(move |&i| visible(i) && checklist.applies(i, environment))
            .map(move |item| Cell { item, environment })
    };
    in_environment(from.environment)
        .find(|&c| run.status(c).is_none())
        .or_else(|| in_environment(from.environment).next())
        .or_else(|| (0..checklist.environments.len()).find_map(|e| in_environment(e).next()))
}
