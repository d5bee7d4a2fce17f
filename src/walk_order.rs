//! The order in which a tester goes through the cells, and where the walk goes next: the
//! next untested cell after a result, and where a reopened run resumes. Plain functions
//! over the checklist and what is done, so that the walk, and anything else that wants
//! "what is left", agree on one rule.

use crate::checklist::{Cell, Checklist};
use crate::run::Run;

/// The order in which "next untested" walks the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Every item in one environment, then the next environment: set a browser up once.
    ByEnvironment,
    /// One item across every environment, then the next item.
    ByItem,
}

impl Order {
    /// The other order.
    pub fn toggled(self) -> Order {
        match self {
            Order::ByEnvironment => Order::ByItem,
            Order::ByItem => Order::ByEnvironment,
        }
    }
}

/// What the search needs to know of a run: which cells are untested, and how many are left
/// per item and per environment, so that whole items or environments with nothing left are
/// skipped without looking at their cells.
pub trait Progress {
    /// Whether `cell` has no result.
    fn is_untested(&self, cell: Cell) -> bool;
    /// How many cells of `item` have no result.
    fn untested_in_item(&self, item: usize) -> usize;
    /// How many cells of `environment` have no result.
    fn untested_in_environment(&self, environment: usize) -> usize;
}

impl Progress for Run {
    fn is_untested(&self, cell: Cell) -> bool {
        self.status(cell).is_none()
    }

    fn untested_in_item(&self, item: usize) -> usize {
        self.results().untested_in_item(item)
    }

    fn untested_in_environment(&self, environment: usize) -> usize {
        self.results().untested_in_environment(environment)
    }
}

/// Positions in an order: `major * minors + minor`, where the major axis is environments
/// (by environment) or items (by item).
struct Grid {
    order: Order,
    items: usize,
    environments: usize,
}

impl Grid {
    fn of(checklist: &Checklist, order: Order) -> Grid {
        Grid {
            order,
            items: checklist.items.len(),
            environments: checklist.environments.len(),
        }
    }

    fn majors_and_minors(&self) -> (usize, usize) {
        match self.order {
            Order::ByEnvironment => (self.environments, self.items),
            Order::ByItem => (self.items, self.environments),
        }
    }

    fn cell(&self, major: usize, minor: usize) -> Cell {
        match self.order {
            Order::ByEnvironment => Cell {
                environment: major,
                item: minor,
            },
            Order::ByItem => Cell {
                item: major,
                environment: minor,
            },
        }
    }

    fn position(&self, cell: Cell) -> (usize, usize) {
        match self.order {
            Order::ByEnvironment => (cell.environment, cell.item),
            Order::ByItem => (cell.item, cell.environment),
        }
    }
}

/// Every cell whose item `visible` allows, in `order`.
pub fn sequence<'a>(
    checklist: &'a Checklist,
    order: Order,
    visible: &'a dyn Fn(usize) -> bool,
) -> impl Iterator<Item = Cell> + 'a {
    let grid = Grid::of(checklist, order);
    let (majors, minors) = grid.majors_and_minors();
    (0..majors)
        .flat_map(move |major| (0..minors).map(move |minor| (major, minor)))
        .map(move |(major, minor)| grid.cell(major, minor))
        .filter(move |c| visible(c.item) && checklist.applies(c.item, c.environment))
}

/// The next untested cell after `from` in `order` among items `visible` allows. The major
/// `from` is in (its environment, or its item) is finished first, wrapping round within it,
/// so that the walk never leaves a browser and size with cells still to test there; then the
/// next majors with anything untested, in order, wrapping round; `from` itself last. Majors
/// with nothing untested are skipped whole.
pub fn next_untested(
    checklist: &Checklist,
    progress: &dyn Progress,
    order: Order,
    from: Cell,
    visible: &dyn Fn(usize) -> bool,
) -> Option<Cell> {
    let grid = Grid::of(checklist, order);
    let (majors, minors) = grid.majors_and_minors();
    if majors == 0 || minors == 0 {
        return None;
    }
    let (start_major, start_minor) = grid.position(from);
    let has_untested = |major| match order {
        Order::ByEnvironment => progress.untested_in_environment(major) > 0,
        Order::ByItem => progress.untested_in_item(major) > 0,
    };
    let search = |major: usize, minors: &mut dyn Iterator<Item = usize>| {
        minors
            .map(|minor| grid.cell(major, minor))
            .find(|&c| wanted(checklist, progress, visible, c))
    };
    if has_untested(start_major) {
        let mut rest_of_own = (start_minor + 1..minors).chain(0..start_minor);
        if let Some(found) = search(start_major, &mut rest_of_own) {
            return Some(found);
        }
    }
    for step in 1..majors {
        let major = (start_major + step) % majors;
        if has_untested(major)
            && let Some(found) = search(major, &mut (0..minors))
        {
            return Some(found);
        }
    }
    search(start_major, &mut std::iter::once(start_minor))
}

/// Whether the search stops at `cell`: a cell of a visible item with no result.
fn wanted(
    checklist: &Checklist,
    progress: &dyn Progress,
    visible: &dyn Fn(usize) -> bool,
    cell: Cell,
) -> bool {
    visible(cell.item)
        && checklist.applies(cell.item, cell.environment)
        && progress.is_untested(cell)
}

/// Where a walk over a run starts: its first untested cell in `order`, or its first cell
/// when every cell has a result (or the checklist's first cell if it has none).
pub fn resume_position(checklist: &Checklist, progress: &dyn Progress, order: Order) -> Cell {
    let everything = |_| true;
    let mut cells = sequence(checklist, order, &everything);
    let first = cells.next().unwrap_or(Cell {
        item: 0,
        environment: 0,
    });
    if progress.is_untested(first) {
        return first;
    }
    next_untested(checklist, progress, order, first, &everything).unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A run's progress as a plain grid of done cells, its counts made from the grid.
    struct Done {
        done: Vec<Vec<bool>>,
    }

    impl Progress for Done {
        fn is_untested(&self, cell: Cell) -> bool {
            !self.done[cell.item][cell.environment]
        }
        fn untested_in_item(&self, item: usize) -> usize {
            self.done[item].iter().filter(|d| !**d).count()
        }
        fn untested_in_environment(&self, environment: usize) -> usize {
            self.done.iter().filter(|row| !row[environment]).count()
        }
    }

    /// A checklist of `items` items over browsers × one viewport, item `i` restricted to
    /// the browsers `only[i]` names (every one when empty).
    fn checklist(browsers: usize, only: &[Vec<usize>]) -> Checklist {
        let mut yaml = String::from("id: t\ntitle: T\nmatrix:\n  browsers:\n");
        for b in 0..browsers {
            yaml.push_str(&format!("    - id: b{b}\n"));
        }
        yaml.push_str("  viewports: [{id: v, width: 1, height: 1}]\nsections:\n  - id: s\n    title: S\n    items:\n");
        for (i, only) in only.iter().enumerate() {
            yaml.push_str(&format!("      - id: i{i}\n        title: I{i}\n"));
            if !only.is_empty() {
                let names: Vec<String> = only.iter().map(|b| format!("b{b}")).collect();
                yaml.push_str(&format!(
                    "        only: {{browsers: [{}]}}\n",
                    names.join(", ")
                ));
            }
        }
        Checklist::parse(&yaml, "t.yaml").expect("a valid generated checklist")
    }

    /// The rule written the plain way: the cells of `from`'s own major after it, wrapping
    /// round within it; then every cell of the other majors in order, wrapping round; then
    /// `from` itself — the first untested visible one.
    fn plain_scan(
        checklist: &Checklist,
        done: &Done,
        order: Order,
        from: Cell,
        visible: &dyn Fn(usize) -> bool,
    ) -> Option<Cell> {
        let grid = Grid::of(checklist, order);
        let (majors, minors) = grid.majors_and_minors();
        let (major, minor) = grid.position(from);
        let own = (1..minors).map(|step| (major, (minor + step) % minors));
        let others =
            (1..majors).flat_map(|step| (0..minors).map(move |m| ((major + step) % majors, m)));
        own.chain(others)
            .chain(std::iter::once((major, minor)))
            .map(|(major, minor)| grid.cell(major, minor))
            .find(|&c| {
                visible(c.item) && checklist.applies(c.item, c.environment) && done.is_untested(c)
            })
    }

    proptest! {
        #[test]
        fn next_untested_agrees_with_a_plain_scan(
            browsers in 1usize..5,
            shape in prop::collection::vec((prop::collection::vec(0usize..5, 0..3), any::<bool>()), 1..8),
            done_bits in prop::collection::vec(any::<bool>(), 40),
            cursor in (0usize..8, 0usize..5),
            by_item in any::<bool>(),
        ) {
            let only: Vec<Vec<usize>> = shape
                .iter()
                .map(|(only, _)| {
                    let mut only: Vec<usize> = only.iter().map(|b| b % browsers).collect();
                    only.sort_unstable();
                    only.dedup();
                    only
                })
                .collect();
            let visible_items: Vec<bool> = shape.iter().map(|(_, hidden)| !hidden).collect();
            let checklist = checklist(browsers, &only);
            let environments = checklist.environments.len();
            let done = Done {
                done: (0..only.len())
                    .map(|i| {
                        // Cells that do not apply count as done, so the counts are the run's.
                        (0..environments)
                            .map(|e| !checklist.applies(i, e) || done_bits[(i * environments + e) % 40])
                            .collect()
                    })
                    .collect(),
            };
            let from = Cell { item: cursor.0 % only.len(), environment: cursor.1 % environments };
            let order = if by_item { Order::ByItem } else { Order::ByEnvironment };
            let visible = |item: usize| visible_items[item];
            prop_assert_eq!(
                next_untested(&checklist, &done, order, from, &visible),
                plain_scan(&checklist, &done, order, from, &visible)
            );
        }
    }

    #[test]
    fn the_sequence_holds_only_cells_that_apply_to_visible_items() {
        // Item 1 is for browser 1 only; item 2 is hidden.
        let checklist = checklist(2, &[vec![], vec![1], vec![]]);
        let visible = |item: usize| item != 2;
        let at = |item, environment| Cell { item, environment };
        let by_environment: Vec<Cell> =
            sequence(&checklist, Order::ByEnvironment, &visible).collect();
        assert_eq!(by_environment, [at(0, 0), at(0, 1), at(1, 1)]);
        let by_item: Vec<Cell> = sequence(&checklist, Order::ByItem, &visible).collect();
        assert_eq!(by_item, [at(0, 0), at(0, 1), at(1, 1)]);
    }

    #[test]
    fn a_run_resumes_on_its_first_untested_cell_or_its_first_cell() {
        let checklist = checklist(2, &[vec![], vec![1]]);
        let mut done = Done {
            done: vec![vec![false, false], vec![false, false]],
        };
        let at = |item, environment| Cell { item, environment };
        assert_eq!(
            resume_position(&checklist, &done, Order::ByEnvironment),
            at(0, 0)
        );
        done.done[0][0] = true;
        assert_eq!(
            resume_position(&checklist, &done, Order::ByEnvironment),
            at(0, 1)
        );
        assert_eq!(resume_position(&checklist, &done, Order::ByItem), at(0, 1));
        done.done[0][1] = true;
        assert_eq!(
            resume_position(&checklist, &done, Order::ByEnvironment),
            at(1, 1),
            "item 1 applies only to the second browser"
        );
        done.done[1][1] = true;
        assert_eq!(
            resume_position(&checklist, &done, Order::ByEnvironment),
            at(0, 0),
            "all done: the first cell"
        );
    }
}
