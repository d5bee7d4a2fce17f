//! The checklist file exactly as written: serde types that mirror DESIGN.md §1.
//!
//! Unknown fields are refused (`deny_unknown_fields`) so that a typo never silently drops an
//! item. Values that need range checks (severities, sizes) are kept wide here and checked in
//! the checks that follow, where every problem can be reported with its position.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChecklist {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub version: Option<RawVersion>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    pub matrix: RawMatrix,
    #[serde(default)]
    pub policy: Option<RawPolicy>,
    pub sections: Vec<RawSection>,
}

/// `version:` may be a number or a string; both are kept as text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawVersion {
    Integer(i64),
    Float(f64),
    Text(String),
}

impl RawVersion {
    pub fn into_text(self) -> String {
        match self {
            RawVersion::Integer(n) => n.to_string(),
            RawVersion::Float(x) => x.to_string(),
            RawVersion::Text(s) => s,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatrix {
    pub browsers: Vec<RawBrowser>,
    pub viewports: Vec<RawViewport>,
    #[serde(default)]
    pub exclude: Vec<RawExclusion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrowser {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub launch: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawViewport {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExclusion {
    #[serde(default)]
    pub browser: Option<String>,
    #[serde(default)]
    pub viewport: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    #[serde(default)]
    pub block_on_severity: Option<i64>,
    #[serde(default)]
    pub require_complete: Option<bool>,
    #[serde(default)]
    pub allow_skip: Option<bool>,
    #[serde(default)]
    pub approvals: Option<i64>,
    #[serde(default)]
    pub global_paths: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: String,
    pub title: String,
    pub items: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub steps: Option<String>,
    #[serde(default)]
    pub expect: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub severity: Option<i64>,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub only: Option<RawOnly>,
    #[serde(default)]
    pub paths: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnly {
    #[serde(default)]
    pub browsers: Option<Vec<String>>,
    #[serde(default)]
    pub viewports: Option<Vec<String>>,
}
