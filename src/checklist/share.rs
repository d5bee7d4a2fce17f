//! One tester's share of the matrix (DESIGN.md §2): some browsers, some viewports, some
//! sections. A run records its share and works on the checklist restricted to it, so the
//! walk, the counts, the exports and the policy all stay inside the share by construction.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Checklist, Environment, Item, Section};

/// The part of the matrix a run covers; `None` on an axis means all of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browsers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewports: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<String>>,
}

/// Why a share cannot be taken of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("the share names {what} `{id}`, which the checklist does not have (it has {known})")]
    Unknown {
        what: &'static str,
        id: String,
        known: String,
    },
    #[error(
        "the share holds no cell: no item of its sections applies to its browsers and viewports"
    )]
    Empty,
}

impl Share {
    /// Whether the share is the whole matrix.
    pub fn is_whole(&self) -> bool {
        self.browsers.is_none() && self.viewports.is_none() && self.sections.is_none()
    }

    /// `safari × phone, tablet · sections checkout`: the share in words, by its ids.
    pub fn describe(&self) -> String {
        let names = |list: Option<&Vec<String>>, all: &str| {
            list.map_or(all.to_string(), |ids| ids.join(", "))
        };
        let mut words = format!(
            "{} × {}",
            names(self.browsers.as_ref(), "every browser"),
            names(self.viewports.as_ref(), "every viewport")
        );
        if let Some(sections) = &self.sections {
            words.push_str(&format!(" · sections {}", sections.join(", ")));
        }
        words
    }
}

/// Which of `ids` the share's `wanted` list keeps (all when there is no list), refusing a
/// name that is not among them.
fn keep<'a>(
    what: &'static str,
    wanted: Option<&[String]>,
    ids: impl Iterator<Item = &'a str> + Clone,
) -> Result<Vec<bool>, ShareError> {
    let Some(wanted) = wanted else {
        return Ok(ids.map(|_| true).collect());
    };
    for id in wanted {
        if !ids.clone().any(|known| known == id) {
            return Err(ShareError::Unknown {
                what,
                id: id.clone(),
                known: ids.clone().collect::<Vec<_>>().join(", "),
            });
        }
    }
    Ok(ids.map(|id| wanted.iter().any(|w| w == id)).collect())
}

/// The elements of `all` that `keep` keeps.
fn pick<T: Clone>(keep: &[bool], all: &[T]) -> Vec<T> {
    all.iter()
        .zip(keep)
        .filter(|(_, kept)| **kept)
        .map(|(x, _)| x.clone())
        .collect()
}

/// Old index → new index for the kept positions of `keep`.
fn renumber(keep: &[bool]) -> Vec<Option<usize>> {
    let mut next = 0;
    keep.iter()
        .map(|&kept| {
            kept.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

impl Checklist {
    /// The checklist as a run of `share` sees it: only the share's browsers, viewports and
    /// sections, only items with a cell in it, every index renumbered to match.
    pub fn restrict(&self, share: &Share) -> Result<Checklist, ShareError> {
        if share.is_whole() {
            return Ok(self.clone());
        }
        let browsers = keep(
            "browser",
            share.browsers.as_deref(),
            self.browsers.iter().map(|b| b.id.as_str()),
        )?;
        let viewports = keep(
            "viewport",
            share.viewports.as_deref(),
            self.viewports.iter().map(|v| v.id.as_str()),
        )?;
        let sections = keep(
            "section",
            share.sections.as_deref(),
            self.sections.iter().map(|s| s.id.as_str()),
        )?;
        let (new_browser, new_viewport) = (renumber(&browsers), renumber(&viewports));
        let kept_viewports = viewports.iter().filter(|k| **k).count();
        let mut environment_index =
            vec![None; browsers.iter().filter(|k| **k).count() * kept_viewports];
        let mut new_environment = vec![None; self.environments.len()];
        let mut environments = Vec::new();
        for (old, env) in self.environments.iter().enumerate() {
            if let (Some(browser), Some(viewport)) =
                (new_browser[env.browser], new_viewport[env.viewport])
            {
                new_environment[old] = Some(environments.len());
                environment_index[browser * kept_viewports + viewport] = Some(environments.len());
                environments.push(Environment { browser, viewport });
            }
        }
        let mut items = Vec::new();
        let mut new_sections = Vec::new();
        for (old_section, section) in self.sections.iter().enumerate() {
            if !sections[old_section] {
                continue;
            }
            let first = items.len();
            for item in &self.items[section.items.clone()] {
                let in_share: Vec<usize> = item
                    .environments
                    .iter()
                    .filter_map(|&e| new_environment[e])
                    .collect();
                if !in_share.is_empty() {
                    items.push(Item {
                        section: new_sections.len(),
                        environments: in_share,
                        ..item.clone()
                    });
                }
            }
            if items.len() > first {
                new_sections.push(Section {
                    items: first..items.len(),
                    ..section.clone()
                });
            }
        }
        if items.is_empty() {
            return Err(ShareError::Empty);
        }
        let item_index: HashMap<String, usize> = items
            .iter()
            .enumerate()
            .map(|(n, item)| (item.id.clone(), n))
            .collect();
        Ok(Checklist {
            browsers: pick(&browsers, &self.browsers),
            viewports: pick(&viewports, &self.viewports),
            environments,
            sections: new_sections,
            items,
            item_index,
            environment_index,
            share: Some(share.clone()),
            ..self.clone()
        })
    }

    /// `safari × phone, tablet · sections checkout — 84 cells`, the share in words; `None`
    /// for the whole matrix.
    pub fn share_label(&self) -> Option<String> {
        let share = self.share.as_ref()?;
        Some(format!(
            "{} — {}",
            share.describe(),
            crate::words::count(self.cell_count(), "cell")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECKLIST: &str = "id: t\ntitle: T\nmatrix:\n  browsers: [{id: chrome}, {id: safari}, {id: edge}]\n  viewports: [{id: phone, width: 1, height: 1}, {id: laptop, width: 2, height: 2}]\n  exclude: [{browser: safari, viewport: laptop}]\nsections:\n  - id: a\n    title: A\n    items:\n      - {id: one, title: One}\n      - {id: two, title: Two, only: {viewports: [laptop]}}\n  - id: b\n    title: B\n    items:\n      - {id: three, title: Three}\n";

    fn share(browsers: &[&str], viewports: &[&str], sections: &[&str]) -> Share {
        let list =
            |ids: &[&str]| (!ids.is_empty()).then(|| ids.iter().map(|s| s.to_string()).collect());
        Share {
            browsers: list(browsers),
            viewports: list(viewports),
            sections: list(sections),
        }
    }

    #[test]
    fn a_share_keeps_its_browsers_viewports_sections_and_only_items_with_cells() {
        let checklist = Checklist::parse(CHECKLIST, "t.yaml").unwrap();
        assert_eq!(checklist.cell_count(), 5 * 2 + 2);
        let safari = checklist.restrict(&share(&["safari"], &[], &[])).unwrap();
        // safari has no laptop, and `two` is laptop only.
        let ids: Vec<&str> = safari.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["one", "three"]);
        assert_eq!(safari.cell_count(), 2);
        assert_eq!(safari.environment_key(0), "safari/phone");
        assert_eq!(safari.item_by_id("two"), None);
        assert_eq!(safari.browser_by_id("chrome"), None);
        assert_eq!(
            safari.share_label().as_deref(),
            Some("safari × every viewport — 2 cells")
        );
        let laptops = checklist
            .restrict(&share(&["chrome", "edge"], &["laptop"], &["a"]))
            .unwrap();
        let cells: Vec<String> = laptops
            .cells()
            .map(|c| {
                format!(
                    "{}@{}",
                    laptops.items[c.item].id,
                    laptops.environment_key(c.environment)
                )
            })
            .collect();
        assert_eq!(
            cells,
            [
                "one@chrome/laptop",
                "one@edge/laptop",
                "two@chrome/laptop",
                "two@edge/laptop"
            ]
        );
        let edge = laptops.browser_by_id("edge").unwrap();
        let laptop = laptops.viewport_by_id("laptop").unwrap();
        assert_eq!(laptops.environment_of(edge, laptop), Some(1));
        assert_eq!(laptops.sections.len(), 1);
        assert!(checklist.share_label().is_none());
    }

    #[test]
    fn unknown_names_and_empty_shares_are_refused() {
        let checklist = Checklist::parse(CHECKLIST, "t.yaml").unwrap();
        assert_eq!(
            checklist
                .restrict(&share(&["opera"], &[], &[]))
                .unwrap_err()
                .to_string(),
            "the share names browser `opera`, which the checklist does not have (it has chrome, safari, edge)"
        );
        assert_eq!(
            checklist
                .restrict(&share(&["safari"], &["laptop"], &[]))
                .unwrap_err(),
            ShareError::Empty
        );
        assert_eq!(
            checklist.restrict(&Share::default()).unwrap().cell_count(),
            checklist.cell_count()
        );
    }
}
