//! The checklist as written: serde types mirroring DESIGN.md §1, and the default matrix.

use super::*;

// Output: serde types mirroring DESIGN.md §1.

#[derive(Debug, Serialize)]
pub(super) struct OutChecklist {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) matrix: Matrix,
    pub(super) sections: Vec<OutSection>,
}

/// A matrix, as written in the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub(super) browsers: Vec<OutBrowser>,
    pub(super) viewports: Vec<OutViewport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) exclude: Vec<OutExclusion>,
    /// Whether this is [`default_matrix`], which an import may add to.
    #[serde(skip)]
    pub(super) is_default: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct OutBrowser {
    pub(super) id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) launch: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct OutViewport {
    pub(super) id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    pub(super) width: u32,
    pub(super) height: u32,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct OutExclusion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) browser: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) viewport: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct OutSection {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) items: Vec<OutItem>,
}

#[derive(Debug, Serialize)]
pub(super) struct OutItem {
    pub(super) id: String,
    pub(super) title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) steps: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) expect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) severity: Option<crate::checklist::Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) only: Option<OutOnly>,
}

#[derive(Debug, Serialize)]
pub(super) struct OutOnly {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) browsers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) viewports: Option<Vec<String>>,
}

/// Chrome, Firefox, Safari and Edge by phone, tablet, laptop and wide desktop.
pub fn default_matrix() -> Matrix {
    let browser = |id: &str, name: &str, launch: Option<&str>| OutBrowser {
        id: id.into(),
        name: Some(name.into()),
        launch: launch.map(str::to_string),
    };
    let viewport = |id: &str, name: &str, width, height| OutViewport {
        id: id.into(),
        name: Some(name.into()),
        width,
        height,
    };
    Matrix {
        browsers: vec![
            browser(
                "chrome",
                "Google Chrome",
                Some("chromium --new-window --window-size={width},{height} {url}"),
            ),
            browser("firefox", "Mozilla Firefox", None),
            browser("safari", "Safari", None),
            browser("edge", "Microsoft Edge", None),
        ],
        viewports: vec![
            viewport("phone", "Phone", 390, 844),
            viewport("tablet", "Tablet", 820, 1180),
            viewport("laptop", "Laptop", 1366, 768),
            viewport("wide", "Wide desktop", 1920, 1080),
        ],
        exclude: Vec::new(),
        is_default: true,
    }
}
