//! Checklists: the model of DESIGN.md §1, loaded and validated from YAML.
//!
//! A [`Checklist`] is always valid: every id is unique, every item applies to at least one
//! environment, and the environments and cells are computed once at load time so that the
//! walk, the journal and the exports agree on one order — sections, items, browsers,
//! viewports, as written in the file.

mod checks;
pub mod definition;
pub mod limits;
mod load;
pub mod paths;
mod positions;
mod raw;
mod severity;
mod share;

use std::collections::HashMap;

pub use load::{ChecklistError, LoadError, Problem};
pub use positions::{Position, PositionIndex};
pub use severity::{Severity, UnknownSeverity};
pub use share::{Share, ShareError};

/// A browser of the matrix.
#[derive(Debug, Clone)]
pub struct Browser {
    pub id: String,
    pub name: String,
    /// A command template with `{url}`, `{width}` and `{height}`, when the browser can be
    /// started from here.
    pub launch: Option<String>,
}

/// A screen size of the matrix.
#[derive(Debug, Clone)]
pub struct Viewport {
    pub id: String,
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// One (browser, viewport) pair that the matrix does not exclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    pub browser: usize,
    pub viewport: usize,
}

/// When a run may be approved (DESIGN.md §1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// A failure of this severity or worse blocks approval.
    pub block_on_severity: Severity,
    /// A required cell that is untested, blocked or skipped blocks approval.
    pub require_complete: bool,
    /// A skipped required cell (with its note) does not block.
    pub allow_skip: bool,
    /// Distinct trusted testers whose approvals the gate needs.
    pub approvals: u32,
    /// Globs of files whose change can affect every item (lockfiles, build and style
    /// configuration): part of every item's content key (DESIGN.md §7).
    pub global_paths: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            block_on_severity: Severity::BLOCKER,
            require_complete: true,
            allow_skip: false,
            approvals: 1,
            global_paths: Vec::new(),
        }
    }
}

/// A group of items, in file order.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// Indices into [`Checklist::items`].
    pub items: std::ops::Range<usize>,
}

/// An item's `only:` as written: the browsers and viewports it is limited to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Only {
    pub browsers: Option<Vec<String>>,
    pub viewports: Option<Vec<String>>,
}

/// One thing to check, in every environment it applies to.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub steps: Option<String>,
    pub expect: Option<String>,
    pub url: Option<String>,
    pub severity: Severity,
    pub required: bool,
    /// Index into [`Checklist::sections`].
    pub section: usize,
    /// Indices into [`Checklist::environments`] this item applies to, ascending.
    pub environments: Vec<usize>,
    /// `only:` as written, part of what the item is (DESIGN.md §7).
    pub only: Option<Only>,
    /// The repository files (gitignore-style globs from the repository root) whose change
    /// can affect the item; empty when any change can (its content key is then the whole
    /// tree: DESIGN.md §7).
    pub paths: Vec<String>,
}

/// One (item, environment) pair the item applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell {
    pub item: usize,
    pub environment: usize,
}

/// A loaded, valid checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub browsers: Vec<Browser>,
    pub viewports: Vec<Viewport>,
    pub environments: Vec<Environment>,
    pub policy: Policy,
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
    item_index: HashMap<String, usize>,
    /// `browser * viewports.len() + viewport` → environment index, when not excluded.
    environment_index: Vec<Option<usize>>,
    /// The share this checklist was restricted to, if it was.
    pub share: Option<Share>,
}

impl Checklist {
    /// Parses and validates checklist text; `origin` names the file in error messages.
    pub fn parse(source: &str, origin: &str) -> Result<Checklist, ChecklistError> {
        load::parse(source, origin)
    }

    /// Parses and validates checklist bytes (UTF-8 is checked too).
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Checklist, ChecklistError> {
        load::parse_bytes(bytes, origin)
    }

    /// Reads and validates a checklist file.
    pub fn load(path: &std::path::Path) -> Result<Checklist, LoadError> {
        load::load_file(path).map(|(checklist, _)| checklist)
    }

    /// Reads and validates a checklist file; returns it with the exact bytes read, for a
    /// run to keep and hash.
    pub fn load_with_bytes(path: &std::path::Path) -> Result<(Checklist, Vec<u8>), LoadError> {
        load::load_file(path)
    }

    /// Every cell in checklist order: sections, items, then environments.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.items.iter().enumerate().flat_map(|(item, it)| {
            it.environments
                .iter()
                .map(move |&environment| Cell { item, environment })
        })
    }

    /// How many cells there are in all.
    pub fn cell_count(&self) -> usize {
        self.items.iter().map(|item| item.environments.len()).sum()
    }

    /// The item with this id.
    pub fn item_by_id(&self, id: &str) -> Option<usize> {
        self.item_index.get(id).copied()
    }

    /// The browser with this id.
    pub fn browser_by_id(&self, id: &str) -> Option<usize> {
        self.browsers.iter().position(|b| b.id == id)
    }

    /// The viewport with this id.
    pub fn viewport_by_id(&self, id: &str) -> Option<usize> {
        self.viewports.iter().position(|v| v.id == id)
    }

    /// The environment for a browser and viewport, unless the matrix excludes the pair.
    pub fn environment_of(&self, browser: usize, viewport: usize) -> Option<usize> {
        self.environment_index
            .get(browser * self.viewports.len() + viewport)
            .copied()
            .flatten()
    }

    /// The cell named by ids, when the checklist has it: the item, an environment of the
    /// browser and viewport that the matrix has, and the item applying there.
    pub fn cell_by_ids(&self, item: &str, browser: &str, viewport: &str) -> Option<Cell> {
        let item = self.item_by_id(item)?;
        let environment =
            self.environment_of(self.browser_by_id(browser)?, self.viewport_by_id(viewport)?)?;
        self.applies(item, environment)
            .then_some(Cell { item, environment })
    }

    /// Whether `item` applies to `environment`.
    pub fn applies(&self, item: usize, environment: usize) -> bool {
        self.items[item]
            .environments
            .binary_search(&environment)
            .is_ok()
    }

    /// `browser/viewport`, the name of an environment in CSV headers and messages.
    pub fn environment_key(&self, environment: usize) -> String {
        let env = self.environments[environment];
        format!(
            "{}/{}",
            self.browsers[env.browser].id, self.viewports[env.viewport].id
        )
    }

    /// `Safari · Phone 390×844`, the name of an environment for people.
    pub fn environment_label(&self, environment: usize) -> String {
        let env = self.environments[environment];
        let viewport = &self.viewports[env.viewport];
        format!(
            "{} · {} {}×{}",
            self.browsers[env.browser].name, viewport.name, viewport.width, viewport.height
        )
    }

    /// The item's full address: its `url` joined to `base_url` when it is relative.
    pub fn item_url(&self, item: usize) -> Option<String> {
        let url = self.items[item].url.as_deref()?;
        if url.contains("://") {
            return Some(url.to_string());
        }
        Some(match self.base_url.as_deref() {
            Some(base) => format!(
                "{}/{}",
                base.trim_end_matches('/'),
                url.trim_start_matches('/')
            ),
            None => url.to_string(),
        })
    }
}
