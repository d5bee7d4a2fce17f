//! Cell definitions (DESIGN.md §7): what a cell is, as far as testing it goes — its item's
//! fields (title, steps, expect, url, severity, required, only, paths), its browser (id,
//! name, launch), its viewport (id, width, height) and the checklist's `base_url`. Two
//! cells whose definitions hash the same were tested the same way, whichever checklist
//! file, version or commit they came from; a result holds only for its definition.

use serde_json::{Value, json};

use super::{Cell, Checklist, Item};

/// The JSON of each item's and each environment's part of a definition, made once, so a
/// checklist of 120,000 cells hashes its definitions in one pass.
pub struct Definitions<'a> {
    checklist: &'a Checklist,
    items: Vec<String>,
    environments: Vec<String>,
    base_url: String,
}

impl<'a> Definitions<'a> {
    /// The definitions of `checklist`'s cells.
    pub fn new(checklist: &'a Checklist) -> Definitions<'a> {
        let items = checklist
            .items
            .iter()
            .map(|i| item(i).to_string())
            .collect();
        let environments = (0..checklist.environments.len())
            .map(|index| environment(checklist, index).to_string())
            .collect();
        Definitions {
            checklist,
            items,
            environments,
            base_url: Value::from(checklist.base_url.clone()).to_string(),
        }
    }

    /// The definition of `cell`, as the JSON its sha256 is taken of.
    fn text(&self, cell: Cell) -> String {
        format!(
            "{{\"base_url\":{},\"environment\":{},\"item\":{}}}",
            self.base_url, self.environments[cell.environment], self.items[cell.item]
        )
    }

    /// The sha256 of `cell`'s definition: what a statement records and the gate compares.
    pub fn sha256(&self, cell: Cell) -> String {
        crate::fsutil::sha256_hex(self.text(cell).as_bytes())
    }

    /// `cell`'s definition as a value, to say how two definitions differ.
    pub fn value(&self, cell: Cell) -> Value {
        serde_json::from_str(&self.text(cell)).unwrap_or(Value::Null)
    }

    /// The checklist these are the definitions of.
    pub fn checklist(&self) -> &'a Checklist {
        self.checklist
    }
}

/// `cell`'s definition in `checklist` as a value, worked out for that cell alone (to say
/// how an earlier checklist's cell differed, without preparing all of its definitions).
pub fn value_of(checklist: &Checklist, cell: Cell) -> Value {
    json!({
        "base_url": checklist.base_url,
        "environment": environment(checklist, cell.environment),
        "item": item(&checklist.items[cell.item]),
    })
}

/// An environment's part of a cell's definition: its browser and its viewport.
fn environment(checklist: &Checklist, index: usize) -> Value {
    let env = checklist.environments[index];
    let browser = &checklist.browsers[env.browser];
    let viewport = &checklist.viewports[env.viewport];
    json!({
        "browser": {"id": browser.id, "name": browser.name, "launch": browser.launch},
        "viewport": {"id": viewport.id, "width": viewport.width, "height": viewport.height},
    })
}

/// An item's part of a cell's definition.
fn item(item: &Item) -> Value {
    json!({
        "title": item.title,
        "steps": item.steps,
        "expect": item.expect,
        "url": item.url,
        "severity": item.severity.level(),
        "required": item.required,
        "only": item.only,
        "paths": item.paths,
    })
}

/// How definition `was` differs from `now`, field by field, for people: `viewport.width:
/// 390 → 1920`. Long texts are named, not quoted.
pub fn differences(was: &Value, now: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare("", was, now, &mut out);
    out
}

fn compare(at: &str, was: &Value, now: &Value, out: &mut Vec<String>) {
    if was == now {
        return;
    }
    match (was, now) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                let null = Value::Null;
                compare(
                    &path,
                    a.get(key).unwrap_or(&null),
                    b.get(key).unwrap_or(&null),
                    out,
                );
            }
        }
        _ => {
            let short = |v: &Value| {
                let text = v.to_string();
                (text.chars().count() <= 40).then_some(text)
            };
            // `environment.browser.id` reads better as `browser.id`.
            let at = at.strip_prefix("environment.").unwrap_or(at);
            match (short(was), short(now)) {
                (Some(a), Some(b)) => out.push(format!("{at}: {a} → {b}")),
                _ => out.push(format!("{at} changed")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECKLIST: &str = "id: t\ntitle: T\nbase_url: https://staging.example.com\n\
        matrix:\n  browsers: [{id: chrome}]\n  viewports: [{id: phone, width: 390, height: 844}]\n\
        sections:\n  - id: s\n    title: S\n    items:\n      - id: a\n        title: A\n";

    fn definition_of(text: &str) -> (String, Value) {
        let checklist = Checklist::parse(text, "t.yaml").expect("valid");
        let definitions = Definitions::new(&checklist);
        let cell = Cell {
            item: 0,
            environment: 0,
        };
        (definitions.sha256(cell), definitions.value(cell))
    }

    #[test]
    fn every_part_of_a_cell_changes_its_definition_and_is_named() {
        let (base, base_value) = definition_of(CHECKLIST);
        for (from, to, named) in [
            (
                "https://staging.example.com",
                "https://evil.example",
                "base_url",
            ),
            ("width: 390", "width: 1920", "viewport.width: 390 → 1920"),
            ("height: 844", "height: 845", "viewport.height"),
            ("{id: chrome}", "{id: chrome, launch: x}", "browser.launch"),
            (
                "{id: chrome}",
                "{id: chrome, name: Chromium}",
                "browser.name",
            ),
            ("title: A", "title: B", "item.title"),
            (
                "title: A\n",
                "title: A\n        required: false\n",
                "item.required",
            ),
            (
                "title: A\n",
                "title: A\n        paths: [web/**]\n",
                "item.paths",
            ),
        ] {
            let changed = CHECKLIST.replace(from, to);
            assert_ne!(changed, CHECKLIST);
            let (sha, value) = definition_of(&changed);
            assert_ne!(sha, base, "{to}");
            let said = differences(&base_value, &value);
            assert!(said.iter().any(|d| d.starts_with(named)), "{to}: {said:?}");
        }
        // What is not part of a cell's definition: the checklist's title, a section's.
        let (same, _) = definition_of(&CHECKLIST.replace("title: T", "title: Other"));
        assert_eq!(same, base);
    }
}
