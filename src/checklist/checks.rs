//! The checks a checklist must pass beyond its shape: valid and unique ids, names the matrix
//! has, sizes in range, items that apply somewhere. Every problem is collected with the
//! YAML path of the value at fault; loading turns paths into positions.

use std::collections::HashMap;

use super::raw::{RawChecklist, RawItem, RawMatrix};
use super::{Browser, Checklist, Environment, Item, Policy, Section, Severity, Viewport};

/// A problem whose position is still a YAML path.
pub struct Pending {
    /// The dotted YAML path of the value at fault.
    pub path: String,
    pub message: String,
    /// An earlier place the message refers to as "first at line N".
    pub first_at: Option<String>,
}

/// Builds a checklist from its raw form, collecting every problem on the way.
#[derive(Default)]
pub struct Checker {
    problems: Vec<Pending>,
}

fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn list(names: impl Iterator<Item = impl AsRef<str>>) -> String {
    names
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Checker {
    /// The problems found, if any: the checklist built is only usable when there are none.
    pub fn problems(self) -> Option<Vec<Pending>> {
        (!self.problems.is_empty()).then_some(self.problems)
    }

    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Pending {
            path: path.into(),
            message: message.into(),
            first_at: None,
        });
    }

    fn check_id(&mut self, path: String, what: &str, id: &str) {
        if !is_valid_id(id) {
            self.problem(
                path,
                format!(
                    "{what} id `{id}` is not valid: use lowercase letters, digits, `-` and `_`, starting with a letter or digit"
                ),
            );
        }
    }

    /// Records `id` at `path`, reporting a duplicate of an earlier one.
    fn unique(&mut self, seen: &mut HashMap<String, String>, what: &str, id: &str, path: String) {
        match seen.get(id) {
            Some(first) => self.problems.push(Pending {
                message: format!("duplicate {what} id `{id}`"),
                first_at: Some(first.clone()),
                path,
            }),
            None => {
                seen.insert(id.to_string(), path);
            }
        }
    }

    fn non_empty(&mut self, path: String, what: &str, text: &str) {
        if text.trim().is_empty() {
            self.problem(path, format!("{what} is empty"));
        }
    }

    /// Builds the checklist, recording every problem; it is only usable when there are none.
    pub fn build(&mut self, raw: RawChecklist) -> Checklist {
        self.check_id("id".into(), "checklist", &raw.id);
        self.non_empty("title".into(), "`title`", &raw.title);
        let (browsers, viewports) = self.matrix_axes(&raw.matrix);
        let environment_index = self.environments(&raw.matrix, &browsers, &viewports);
        let environments: Vec<Environment> = (0..browsers.len())
            .flat_map(|b| {
                (0..viewports.len()).map(move |v| Environment {
                    browser: b,
                    viewport: v,
                })
            })
            .filter(|env| environment_index[env.browser * viewports.len() + env.viewport].is_some())
            .collect();
        if !browsers.is_empty() && !viewports.is_empty() && environments.is_empty() {
            self.problem(
                "matrix.exclude",
                "the matrix is empty: the exclusions remove every browser × viewport pair",
            );
        }
        let policy = self.policy(&raw);

        let mut sections = Vec::with_capacity(raw.sections.len());
        let mut items = Vec::new();
        let mut item_index = HashMap::new();
        let mut section_ids = HashMap::new();
        let mut item_paths = HashMap::new();
        if raw.sections.is_empty() {
            self.problem(
                "sections",
                "`sections` is empty: a checklist needs at least one section",
            );
        }
        for (s, raw_section) in raw.sections.into_iter().enumerate() {
            let path = format!("sections.{s}");
            self.check_id(format!("{path}.id"), "section", &raw_section.id);
            self.unique(
                &mut section_ids,
                "section",
                &raw_section.id,
                format!("{path}.id"),
            );
            self.non_empty(
                format!("{path}.title"),
                "section `title`",
                &raw_section.title,
            );
            if raw_section.items.is_empty() {
                self.problem(
                    format!("{path}.items"),
                    format!("section `{}` has no items", raw_section.id),
                );
            }
            let first = items.len();
            for (i, raw_item) in raw_section.items.into_iter().enumerate() {
                let item_path = format!("{path}.items.{i}");
                self.unique(
                    &mut item_paths,
                    "item",
                    &raw_item.id,
                    format!("{item_path}.id"),
                );
                let item = self.item(
                    raw_item,
                    &item_path,
                    s,
                    &browsers,
                    &viewports,
                    &environments,
                );
                item_index.entry(item.id.clone()).or_insert(items.len());
                items.push(item);
            }
            sections.push(Section {
                id: raw_section.id,
                title: raw_section.title,
                items: first..items.len(),
            });
        }

        Checklist {
            id: raw.id,
            title: raw.title,
            version: raw.version.map(|v| v.into_text()),
            description: raw.description,
            base_url: raw.base_url,
            browsers,
            viewports,
            environments,
            policy,
            sections,
            items,
            item_index,
            environment_index,
            share: None,
        }
    }

    fn matrix_axes(&mut self, matrix: &RawMatrix) -> (Vec<Browser>, Vec<Viewport>) {
        if matrix.browsers.is_empty() {
            self.problem(
                "matrix.browsers",
                "`matrix.browsers` is empty: list at least one browser",
            );
        }
        if matrix.viewports.is_empty() {
            self.problem(
                "matrix.viewports",
                "`matrix.viewports` is empty: list at least one viewport",
            );
        }
        let mut seen = HashMap::new();
        let mut browsers = Vec::new();
        for (n, b) in matrix.browsers.iter().enumerate() {
            let path = format!("matrix.browsers.{n}.id");
            self.check_id(path.clone(), "browser", &b.id);
            self.unique(&mut seen, "browser", &b.id, path);
            browsers.push(Browser {
                id: b.id.clone(),
                name: b.name.clone().unwrap_or_else(|| b.id.clone()),
                launch: b.launch.clone(),
            });
        }
        let mut seen = HashMap::new();
        let mut viewports = Vec::new();
        for (n, v) in matrix.viewports.iter().enumerate() {
            let path = format!("matrix.viewports.{n}");
            self.check_id(format!("{path}.id"), "viewport", &v.id);
            self.unique(&mut seen, "viewport", &v.id, format!("{path}.id"));
            let width = self.pixels(format!("{path}.width"), "width", v.width);
            let height = self.pixels(format!("{path}.height"), "height", v.height);
            viewports.push(Viewport {
                id: v.id.clone(),
                name: v.name.clone().unwrap_or_else(|| v.id.clone()),
                width,
                height,
            });
        }
        (browsers, viewports)
    }

    fn pixels(&mut self, path: String, what: &str, value: i64) -> u32 {
        match u32::try_from(value) {
            Ok(px) if (1..=100_000).contains(&px) => px,
            _ => {
                self.problem(
                    path,
                    format!("{what} {value} is not a size in pixels (1 to 100000)"),
                );
                1
            }
        }
    }

    /// `browser * viewports + viewport` → environment index, after exclusions.
    fn environments(
        &mut self,
        matrix: &RawMatrix,
        browsers: &[Browser],
        viewports: &[Viewport],
    ) -> Vec<Option<usize>> {
        let mut allowed = vec![true; browsers.len() * viewports.len()];
        for (n, rule) in matrix.exclude.iter().enumerate() {
            let path = format!("matrix.exclude.{n}");
            let browser = rule.browser.as_deref().and_then(|id| {
                self.named_in_matrix(&path, "browser", id, browsers.iter().map(|b| &b.id))
                    .map(Some)
            });
            let viewport = rule.viewport.as_deref().and_then(|id| {
                self.named_in_matrix(&path, "viewport", id, viewports.iter().map(|v| &v.id))
                    .map(Some)
            });
            if rule.browser.is_none() && rule.viewport.is_none() {
                self.problem(
                    path.clone(),
                    "an `exclude` entry needs `browser`, `viewport` or both",
                );
                continue;
            }
            // An unknown name was reported above; skip the rule rather than guess.
            if rule.browser.is_some() && browser.is_none()
                || rule.viewport.is_some() && viewport.is_none()
            {
                continue;
            }
            for b in 0..browsers.len() {
                for v in 0..viewports.len() {
                    let browser_matches = browser.flatten().is_none_or(|x| x == b);
                    let viewport_matches = viewport.flatten().is_none_or(|x| x == v);
                    if browser_matches && viewport_matches {
                        allowed[b * viewports.len() + v] = false;
                    }
                }
            }
        }
        let mut next = 0;
        allowed
            .into_iter()
            .map(|ok| {
                ok.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    }

    /// The index of the `what` (browser or viewport) called `id` that an exclusion at
    /// `path` names, reporting a name the matrix does not have.
    fn named_in_matrix<'a>(
        &mut self,
        path: &str,
        what: &str,
        id: &str,
        known: impl Iterator<Item = &'a String> + Clone,
    ) -> Option<usize> {
        let found = known.clone().position(|k| k == id);
        if found.is_none() {
            self.problem(
                format!("{path}.{what}"),
                format!(
                    "`exclude` names {what} `{id}`, which the matrix does not have (it has {})",
                    list(known)
                ),
            );
        }
        found
    }

    fn policy(&mut self, raw: &RawChecklist) -> Policy {
        let mut policy = Policy::default();
        if let Some(raw_policy) = &raw.policy {
            if let Some(level) = raw_policy.block_on_severity {
                match Severity::new(level) {
                    Some(severity) => policy.block_on_severity = severity,
                    None => self.problem(
                        "policy.block_on_severity",
                        format!("block_on_severity {level} is not 1, 2 or 3"),
                    ),
                }
            }
            if let Some(require) = raw_policy.require_complete {
                policy.require_complete = require;
            }
            if let Some(allow) = raw_policy.allow_skip {
                policy.allow_skip = allow;
            }
            if let Some(approvals) = raw_policy.approvals {
                match u32::try_from(approvals) {
                    Ok(n) if (1..=100).contains(&n) => policy.approvals = n,
                    _ => self.problem(
                        "policy.approvals",
                        format!("approvals {approvals} is not a number of testers (1 to 100)"),
                    ),
                }
            }
            if let Some(globs) = &raw_policy.global_paths {
                match super::paths::PathMatcher::check(globs) {
                    Ok(()) => policy.global_paths = globs.clone(),
                    Err(why) => self.problem("policy.global_paths", why),
                }
            }
        }
        policy
    }

    fn item(
        &mut self,
        raw: RawItem,
        path: &str,
        section: usize,
        browsers: &[Browser],
        viewports: &[Viewport],
        environments: &[Environment],
    ) -> Item {
        self.check_id(format!("{path}.id"), "item", &raw.id);
        self.non_empty(
            format!("{path}.title"),
            &format!("item `{}`: `title`", raw.id),
            &raw.title,
        );
        let severity = match raw.severity {
            None => Severity::MAJOR,
            Some(level) => Severity::new(level).unwrap_or_else(|| {
                self.problem(
                    format!("{path}.severity"),
                    format!("severity {level} is not 1, 2 or 3 (1 blocker, 2 major, 3 minor)"),
                );
                Severity::MAJOR
            }),
        };
        let raw_paths_empty = raw.paths.as_ref().is_some_and(Vec::is_empty);
        let only = raw.only.as_ref();
        let problems_before = self.problems.len();
        let allowed_browsers = self.only_names(
            only.and_then(|o| o.browsers.as_deref()),
            &format!("{path}.only.browsers"),
            "only.browsers",
            browsers.iter().map(|b| b.id.as_str()).collect(),
        );
        let allowed_viewports = self.only_names(
            only.and_then(|o| o.viewports.as_deref()),
            &format!("{path}.only.viewports"),
            "only.viewports",
            viewports.iter().map(|v| v.id.as_str()).collect(),
        );
        let applies_to: Vec<usize> = environments
            .iter()
            .enumerate()
            .filter(|(_, env)| {
                allowed_browsers
                    .as_ref()
                    .is_none_or(|set| set.contains(&env.browser))
                    && allowed_viewports
                        .as_ref()
                        .is_none_or(|set| set.contains(&env.viewport))
            })
            .map(|(n, _)| n)
            .collect();
        // An unknown name in `only` was just reported; "applies to nothing" would only repeat it.
        let only_was_wrong = self.problems.len() > problems_before;
        if applies_to.is_empty() && !environments.is_empty() && !only_was_wrong {
            self.problem(
                path.to_string(),
                format!(
                    "item `{}` applies to no environment: its `only` and the matrix's exclusions leave nothing to test",
                    raw.id
                ),
            );
        }
        let paths = raw.paths.unwrap_or_default();
        if raw_paths_empty {
            self.problem(
                format!("{path}.paths"),
                format!(
                    "item `{}`: `paths` is empty; remove it to mean any change can affect the item",
                    raw.id
                ),
            );
        }
        if let Err(why) = super::paths::PathMatcher::check(&paths) {
            self.problem(format!("{path}.paths"), format!("item `{}`: {why}", raw.id));
        }
        Item {
            id: raw.id,
            title: raw.title,
            steps: raw.steps,
            expect: raw.expect,
            url: raw.url,
            severity,
            required: raw.required.unwrap_or(true),
            section,
            environments: applies_to,
            only: raw.only.map(|only| super::Only {
                browsers: only.browsers,
                viewports: only.viewports,
            }),
            paths,
        }
    }

    /// The indices an `only` list allows, reporting names the matrix does not have.
    fn only_names(
        &mut self,
        names: Option<&[String]>,
        path: &str,
        field: &str,
        known: Vec<&str>,
    ) -> Option<Vec<usize>> {
        let names = names?;
        if names.is_empty() {
            self.problem(
                path.to_string(),
                format!("`{field}` is empty; remove it to mean every one"),
            );
        }
        let mut allowed = Vec::new();
        for (n, name) in names.iter().enumerate() {
            match known.iter().position(|k| k == name) {
                Some(index) => allowed.push(index),
                None => self.problem(
                    format!("{path}.{n}"),
                    format!(
                        "`{field}` names `{name}`, which the matrix does not have (it has {})",
                        list(known.iter())
                    ),
                ),
            }
        }
        Some(allowed)
    }
}
