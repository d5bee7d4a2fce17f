//! Where the tester is: the cursor's cell, the item filter, and every move between cells.
//! The walk and the matrix share it.

use ratatui::layout::{Position, Rect};

use crate::checklist::{Cell, Checklist};

/// Items down from the cursor for PgDn and PgUp.
const PAGE: usize = 10;

/// The cursor and the filter that limits where it may go.
#[derive(Debug, Clone)]
pub struct Cursor {
    cell: Cell,
    /// The applied filter (lowercase); empty shows everything.
    filter: String,
    /// Per item: whether it matches the filter.
    visible: Vec<bool>,
}

/// A move of the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Items(isize),
    PageDown,
    PageUp,
    FirstItem,
    LastItem,
    Environments(isize),
}

impl Cursor {
    /// A cursor on `cell` with no filter.
    pub fn new(checklist: &Checklist, cell: Cell) -> Cursor {
        Cursor {
            cell,
            filter: String::new(),
            visible: vec![true; checklist.items.len()],
        }
    }

    /// The cell the cursor is on.
    pub fn cell(&self) -> Cell {
        self.cell
    }

    /// Puts the cursor on `cell` (one the caller knows applies).
    pub fn go_to(&mut self, cell: Cell) {
        self.cell = cell;
    }

    /// The filter's text, lowercase; empty when there is none.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Whether `item` matches the filter.
    pub fn is_visible(&self, item: usize) -> bool {
        self.visible.get(item).copied().unwrap_or(false)
    }

    /// Whether the cursor is on a cell the tester can record (the filter may hide every
    /// item of the environment).
    pub fn on_a_cell(&self, checklist: &Checklist) -> bool {
        self.is_visible(self.cell.item) && checklist.applies(self.cell.item, self.cell.environment)
    }

    /// Items that match the filter and apply to `environment`, in order.
    pub fn navigable<'a>(
        &'a self,
        checklist: &'a Checklist,
        environment: usize,
    ) -> impl DoubleEndedIterator<Item = usize> + 'a {
        (0..checklist.items.len())
            .filter(move |&i| self.is_visible(i) && checklist.applies(i, environment))
    }

    /// Moves the cursor; it never leaves the cells the filter shows.
    pub fn apply(&mut self, checklist: &Checklist, step: Move) {
        match step {
            Move::Items(delta) => self.move_item(checklist, delta),
            Move::PageDown => self.move_item(checklist, PAGE as isize),
            Move::PageUp => self.move_item(checklist, -(PAGE as isize)),
            Move::FirstItem => {
                let first = self.navigable(checklist, self.cell.environment).next();
                self.cell.item = first.unwrap_or(self.cell.item);
            }
            Move::LastItem => {
                let last = self.navigable(checklist, self.cell.environment).next_back();
                self.cell.item = last.unwrap_or(self.cell.item);
            }
            Move::Environments(delta) => self.move_environment(checklist, delta),
        }
    }

    fn move_item(&mut self, checklist: &Checklist, delta: isize) {
        let items: Vec<usize> = self.navigable(checklist, self.cell.environment).collect();
        if items.is_empty() {
            return;
        }
        let here = items
            .binary_search(&self.cell.item)
            .unwrap_or_else(|insert| insert.min(items.len() - 1));
        let target = here.saturating_add_signed(delta).min(items.len() - 1);
        self.cell.item = items[target];
    }

    fn move_environment(&mut self, checklist: &Checklist, delta: isize) {
        let count = checklist.environments.len();
        let mut environment = self.cell.environment;
        loop {
            let Some(next) = environment.checked_add_signed(delta).filter(|&e| e < count) else {
                return;
            };
            environment = next;
            if checklist.applies(self.cell.item, environment) {
                self.cell.environment = environment;
                return;
            }
            // The item does not apply there: land on the nearest item that does, in the
            // very next environment, rather than skip environments the user asked for.
            if let Some(item) = self.nearest_item(checklist, environment) {
                self.cell = Cell { item, environment };
                return;
            }
        }
    }

    fn nearest_item(&self, checklist: &Checklist, environment: usize) -> Option<usize> {
        self.navigable(checklist, environment)
            .min_by_key(|&i| i.abs_diff(self.cell.item))
    }

    /// Applies a filter and keeps the cursor on a visible item when there is one: the
    /// nearest match in this environment first (the browser is set up already), else the
    /// first visible cell in `first_visible`'s order.
    pub fn set_filter(
        &mut self,
        checklist: &Checklist,
        filter: &str,
        first_visible: impl FnOnce(&Cursor) -> Option<Cell>,
    ) {
        self.filter = filter.to_lowercase();
        let needle = self.filter.as_str();
        self.visible = checklist
            .items
            .iter()
            .map(|item| {
                needle.is_empty()
                    || item.title.to_lowercase().contains(needle)
                    || item.id.contains(needle)
                    || checklist.sections[item.section]
                        .title
                        .to_lowercase()
                        .contains(needle)
            })
            .collect();
        if !self.is_visible(self.cell.item) {
            match self.nearest_item(checklist, self.cell.environment) {
                Some(item) => self.cell.item = item,
                None => self.cell = first_visible(self).unwrap_or(self.cell),
            }
        }
    }

    /// Puts the cursor on the cell drawn at (`column`, `row`) last frame, if any.
    pub fn click(
        &mut self,
        checklist: &Checklist,
        targets: &[(Rect, Cell)],
        column: u16,
        row: u16,
    ) {
        let target = targets
            .iter()
            .find(|(rect, _)| rect.contains(Position::new(column, row)))
            .map(|(_, cell)| *cell);
        if let Some(cell) = target
            && checklist.applies(cell.item, cell.environment)
        {
            self.cell = cell;
        }
    }
}
