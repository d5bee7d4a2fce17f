//! `greenlight import`: checklists from CSV, XLSX and Markdown, driven through the binary and
//! read back with the checklist loader.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use greenlight::checklist::Checklist;
use tempfile::TempDir;

struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Copies `tests/fixtures/import/NAME` into the sandbox.
    fn fixture(&self, name: &str) -> PathBuf {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(name);
        let target = self.path().join(name);
        std::fs::copy(&source, &target).expect("fixture copied");
        target
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("greenlight").expect("the binary");
        cmd.current_dir(self.path())
            .env("GREENLIGHT_HOME", self.path().join("home"))
            .env_remove("GREENLIGHT_CONFIG")
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("xdg"))
            .env("NO_COLOR", "1");
        cmd
    }

    /// `greenlight import SOURCE -o checklists/OUT ARGS…`, which must succeed; the loaded
    /// checklist, standard output and the warnings (standard error, one per line).
    fn import(&self, source: &Path, out: &str, args: &[&str]) -> Imported {
        let target = self.path().join("checklists").join(out);
        let output = self
            .cmd()
            .arg("import")
            .arg(source)
            .arg("-o")
            .arg(&target)
            .args(args)
            .output()
            .expect("import runs");
        let stdout = String::from_utf8(output.stdout).expect("utf-8");
        let stderr = String::from_utf8(output.stderr).expect("utf-8");
        assert!(
            output.status.success(),
            "import failed:\n{stdout}\n{stderr}"
        );
        let checklist = Checklist::load(&target).expect("the imported checklist is valid");
        Imported {
            checklist,
            yaml: std::fs::read_to_string(&target).expect("written"),
            stdout,
            warnings: stderr.lines().map(str::to_string).collect(),
        }
    }
}

struct Imported {
    checklist: Checklist,
    yaml: String,
    stdout: String,
    warnings: Vec<String>,
}

impl Imported {
    /// `(section id, section title, [item ids])`, in order.
    fn outline(&self) -> Vec<(String, String, Vec<String>)> {
        let c = &self.checklist;
        c.sections
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.title.clone(),
                    c.items[s.items.clone()]
                        .iter()
                        .map(|i| i.id.clone())
                        .collect(),
                )
            })
            .collect()
    }

    fn item(&self, id: &str) -> &greenlight::checklist::Item {
        let index = self
            .checklist
            .item_by_id(id)
            .unwrap_or_else(|| panic!("no item `{id}` in\n{}", self.yaml));
        &self.checklist.items[index]
    }

    /// The `browser/viewport` keys an item is tested in.
    fn environments(&self, id: &str) -> Vec<String> {
        self.item(id)
            .environments
            .iter()
            .map(|e| self.checklist.environment_key(*e))
            .collect()
    }

    /// The warnings, each without `warning: ` and the source's path.
    fn warnings(&self, source: &Path) -> Vec<String> {
        let prefix = format!("warning: {} ", source.display());
        self.warnings
            .iter()
            .map(|w| {
                w.strip_prefix(&prefix)
                    .unwrap_or_else(|| panic!("unexpected output on stderr: {w}"))
                    .to_string()
            })
            .collect()
    }
}

fn outline(sections: &[(&str, &str, &[&str])]) -> Vec<(String, String, Vec<String>)> {
    sections
        .iter()
        .map(|(id, title, items)| {
            (
                id.to_string(),
                title.to_string(),
                items.iter().map(|i| i.to_string()).collect(),
            )
        })
        .collect()
}

fn all_environments(c: &Checklist) -> Vec<String> {
    (0..c.environments.len())
        .map(|e| c.environment_key(e))
        .collect()
}

fn starts(warnings: &[String], expected: &[&str]) {
    assert_eq!(warnings.len(), expected.len(), "warnings: {warnings:#?}");
    for (warning, start) in warnings.iter().zip(expected) {
        assert!(
            warning.starts_with(start),
            "`{warning}` does not start with `{start}`; all: {warnings:#?}"
        );
    }
}

#[test]
fn csv_with_blank_rows_duplicates_unknown_columns_and_odd_values() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("odd.csv");
    let imported = sandbox.import(&source, "odd.yaml", &[]);
    let c = &imported.checklist;

    assert_eq!(c.id, "odd");
    assert_eq!(c.title, "Odd");
    assert_eq!(
        imported.outline(),
        outline(&[
            (
                "login",
                "Login",
                &[
                    "log-in-with-a-password",
                    "log-in-with-a-password-2",
                    "login-sso"
                ]
            ),
            ("checkout", "Checkout", &["pay-by-card", "login-sso-2"]),
        ])
    );
    let first = imported.item("log-in-with-a-password");
    assert_eq!(first.title, "Log in with a password");
    assert_eq!(
        first.steps.as_deref(),
        Some("1. Open /login\n2. Type the password")
    );
    assert_eq!(first.expect.as_deref(), Some("The dashboard opens"));
    assert_eq!(first.severity.level(), 1);
    assert!(first.required);
    assert_eq!(
        first.environments.len(),
        25,
        "the default matrix, with the browser and the size the sheet names added"
    );

    let second = imported.item("log-in-with-a-password-2");
    assert_eq!(second.severity.level(), 3);
    assert_eq!(second.steps.as_deref(), Some("Again on a second tab"));

    let sso = imported.item("login-sso");
    assert_eq!(sso.severity.level(), 2);
    assert!(!sso.required);
    assert_eq!(
        imported.environments("login-sso"),
        [
            "chrome/phone",
            "chrome/tablet",
            "chrome/laptop",
            "chrome/wide",
            "chrome/watch",
            "opera/phone",
            "opera/tablet",
            "opera/laptop",
            "opera/wide",
            "opera/watch"
        ],
        "Opera, which the sheet names, is added rather than dropped"
    );
    let watch = &imported.checklist.viewports[4];
    assert_eq!(
        (watch.id.as_str(), watch.width, watch.height),
        ("watch", 198, 242)
    );
    assert!(
        imported
            .yaml
            .contains("# viewport `watch` was added to the matrix at 198×242"),
        "{}",
        imported.yaml
    );

    let card = imported.item("pay-by-card");
    assert_eq!(card.severity.level(), 1, "`critical` is a priority word");
    assert_eq!(card.environments.len(), 15);
    assert!(
        imported
            .environments("pay-by-card")
            .iter()
            .all(|e| e.ends_with("/phone") || e.ends_with("/tablet") || e.ends_with("/watch"))
    );

    let paypal = imported.item("login-sso-2");
    assert_eq!(paypal.title, "Pay by PayPal");
    assert_eq!(paypal.severity.level(), 2);
    assert!(paypal.required);
    assert_eq!(
        imported.environments("login-sso-2"),
        [
            "safari/phone",
            "safari/tablet",
            "safari/laptop",
            "safari/wide",
            "safari/watch"
        ]
    );

    starts(
        &imported.warnings(&source),
        &[
            "row 1: column `Owner` is not a checklist field",
            "row 4: browser `opera` (Opera) was added to the matrix",
            "row 7: no title",
            "row 8: viewport `watch` was added to the matrix at 198×242",
            "row 9: required `maybe` is not yes, no",
            "row 9: id `login-sso` is already used; this item's id is `login-sso-2`",
        ],
    );
    assert!(
        imported.stdout.contains("2 sections, 5 items from")
            && imported.stdout.contains("see the 6 notes above"),
        "{}",
        imported.stdout
    );
}

#[test]
fn windows_1252_csv_with_the_default_matrix() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("cafe-1252.csv");
    let imported = sandbox.import(&source, "menu.yaml", &[]);
    let c = &imported.checklist;
    assert_eq!((c.id.as_str(), c.title.as_str()), ("menu", "Cafe 1252"));
    assert_eq!(
        imported.outline(),
        outline(&[(
            "checklist",
            "Checklist",
            &["cafe-menu-loads", "prices-show"]
        )])
    );
    let cafe = imported.item("cafe-menu-loads");
    assert_eq!(cafe.title, "Café menu loads");
    assert_eq!(
        cafe.steps.as_deref(),
        Some("Open the café page, then the crème brûlée")
    );
    assert_eq!(cafe.url.as_deref(), Some("/café"));
    assert_eq!(imported.item("prices-show").title, "Prices show €");

    let browsers: Vec<(&str, &str)> = c
        .browsers
        .iter()
        .map(|b| (b.id.as_str(), b.name.as_str()))
        .collect();
    assert_eq!(
        browsers,
        [
            ("chrome", "Google Chrome"),
            ("firefox", "Mozilla Firefox"),
            ("safari", "Safari"),
            ("edge", "Microsoft Edge")
        ]
    );
    assert_eq!(
        c.browsers[0].launch.as_deref(),
        Some("chromium --new-window --window-size={width},{height} {url}")
    );
    let viewports: Vec<(&str, &str, u32, u32)> = c
        .viewports
        .iter()
        .map(|v| (v.id.as_str(), v.name.as_str(), v.width, v.height))
        .collect();
    assert_eq!(
        viewports,
        [
            ("phone", "Phone", 390, 844),
            ("tablet", "Tablet", 820, 1180),
            ("laptop", "Laptop", 1366, 768),
            ("wide", "Wide desktop", 1920, 1080)
        ]
    );
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    assert!(imported.stdout.contains("1 sections, 2 items"));
}

#[test]
fn semicolon_csv_with_a_bom_and_flags_for_title_and_id() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("semicolon.csv");
    let imported = sandbox.import(
        &source,
        "whatever.yaml",
        &["--title", "Shop UX", "--id", "My Shop"],
    );
    let c = &imported.checklist;
    assert_eq!((c.id.as_str(), c.title.as_str()), ("my-shop", "Shop UX"));
    assert_eq!(
        imported.outline(),
        outline(&[
            (
                "search",
                "Search",
                &[
                    "search-finds-shoes-even-with-typos",
                    "filters-keep-their-state"
                ]
            ),
            ("cart", "Cart", &["add-to-cart"]),
        ])
    );
    let search = imported.item("search-finds-shoes-even-with-typos");
    assert_eq!(search.title, "Search finds \"shoes\", even with typos");
    assert_eq!(search.expect.as_deref(), Some("Results within 1 s"));
    assert_eq!(search.severity.level(), 3);
    assert_eq!(
        imported.item("filters-keep-their-state").severity.level(),
        1
    );
    assert_eq!(imported.item("add-to-cart").severity.level(), 2);
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
}

#[test]
fn a_matrix_file_and_browsers_and_viewports_columns() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("for-matrix.csv");
    let matrix = sandbox.fixture("matrix.csv");
    let imported = sandbox.import(
        &source,
        "matrix-test.yaml",
        &["--matrix", matrix.to_str().unwrap()],
    );
    let c = &imported.checklist;
    assert_eq!(
        all_environments(c),
        ["firefox/desktop", "chrome/phone", "chrome/desktop"]
    );
    assert_eq!(c.browsers[0].name, "Firefox");
    assert_eq!(
        c.browsers[0].launch.as_deref(),
        Some("firefox --new-window {url}")
    );
    assert_eq!((c.viewports[0].width, c.viewports[0].height), (375, 667));
    assert_eq!(
        imported.outline(),
        outline(&[(
            "checklist",
            "Checklist",
            &["menu-opens", "layout-holds", "everywhere"]
        )])
    );
    assert_eq!(
        imported.environments("menu-opens"),
        ["chrome/phone", "chrome/desktop"]
    );
    assert_eq!(
        imported.environments("layout-holds"),
        ["firefox/desktop", "chrome/desktop"]
    );
    assert_eq!(imported.environments("everywhere").len(), 3);
    starts(
        &imported.warnings(&source),
        &["row 4: `Only firefox phone` is left out: its browsers and viewports are all excluded"],
    );
}

#[test]
fn a_bad_matrix_is_an_error_naming_its_rows() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("for-matrix.csv");
    let matrix = sandbox.fixture("bad-matrix.csv");
    let output = sandbox.path().join("out.yaml");
    sandbox
        .cmd()
        .arg("import")
        .arg(&source)
        .arg("-o")
        .arg(&output)
        .arg("--matrix")
        .arg(&matrix)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad-matrix.csv row 3: width `wide` is not a size in pixels",
        ))
        .stderr(predicates::str::contains(
            "bad-matrix.csv row 4: excluded browser `opera` is not in the matrix",
        ));
    assert!(!output.exists());
}

#[test]
fn a_sheet_without_a_title_column_is_an_error_listing_its_columns() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("no-title.csv");
    let output = sandbox.path().join("out.yaml");
    sandbox
        .cmd()
        .arg("import")
        .arg(&source)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "row 1: no column names the checks; the first row with text has `Section`, `Name of check?`, `Notes`",
        ));
    assert!(!output.exists());
}

/// A workbook: a checklist sheet starting on row 2, a notes sheet, and a `MATRIX` sheet.
fn write_workbook(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Checks").unwrap();
    let header = [
        "Area",
        "Check",
        "How to test",
        "Severity (1-3)",
        "Required",
        "Devices",
        "Browser",
    ];
    for (c, text) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *text).unwrap();
    }
    // Spreadsheet rows are 1-based: index 2 is row 3.
    let rows: [(u32, &[&str]); 6] = [
        (
            2,
            &[
                "Dashboard",
                "Widgets load",
                "Open /",
                "",
                "x",
                "Phone, Desktop",
            ],
        ),
        (3, &["", "No layout shift", "", "minor"]),
        (5, &["Settings"]),
        (
            6,
            &[
                "",
                "Save settings",
                "Change a setting\nClick Save",
                "",
                "x",
                "desktop",
            ],
        ),
        (7, &["", "", "orphan steps"]),
        (8, &["", "Webkit on phones", "", "", "", "phone", "webkit"]),
    ];
    for (r, cells) in rows {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(r, c as u16, *text).unwrap();
            }
        }
    }
    sheet.write_number(2, 3, 2.0).unwrap();
    sheet.write_number(6, 3, 1.0).unwrap();
    sheet.write_string(9, 0, "Empty section").unwrap();

    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Ask Ana before release").unwrap();

    let matrix = workbook.add_worksheet();
    matrix.set_name("MATRIX").unwrap();
    let rows: [&[&str]; 6] = [
        &[
            "kind", "id", "name", "width", "height", "browser", "viewport",
        ],
        &["browser", "firefox", "Firefox"],
        &["browser", "webkit"],
        &["viewport", "phone", "Phone"],
        &["viewport", "desktop"],
        &["exclude", "", "", "", "", "webkit", "phone"],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                matrix.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    for (r, w, h) in [(3, 375.0, 812.0), (4, 1280.0, 800.0)] {
        matrix.write_number(r, 3, w).unwrap();
        matrix.write_number(r, 4, h).unwrap();
    }
    workbook.save(path).unwrap();
}

#[test]
fn xlsx_with_a_matrix_sheet_heading_rows_and_x_marks() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("web_shop-ux.xlsx");
    write_workbook(&source);
    let imported = sandbox.import(&source, "web-shop.yaml", &[]);
    let c = &imported.checklist;
    assert_eq!(
        (c.id.as_str(), c.title.as_str()),
        ("web-shop", "Web shop ux")
    );
    assert_eq!(
        all_environments(c),
        ["firefox/phone", "firefox/desktop", "webkit/desktop"]
    );
    assert_eq!(c.viewports[0].name, "Phone");
    assert_eq!((c.viewports[1].width, c.viewports[1].height), (1280, 800));
    assert_eq!(
        imported.outline(),
        outline(&[
            (
                "dashboard",
                "Dashboard",
                &["widgets-load", "no-layout-shift"]
            ),
            ("settings", "Settings", &["save-settings"]),
        ])
    );
    let widgets = imported.item("widgets-load");
    assert_eq!(widgets.steps.as_deref(), Some("Open /"));
    assert_eq!(widgets.severity.level(), 2);
    assert!(widgets.required);
    assert_eq!(widgets.environments.len(), 3);
    let shift = imported.item("no-layout-shift");
    assert_eq!(shift.severity.level(), 3);
    assert!(!shift.required, "blank in an x-marked column: not required");
    let save = imported.item("save-settings");
    assert_eq!(
        save.steps.as_deref(),
        Some("Change a setting\nClick Save\norphan steps"),
        "a row with steps and no title goes on with the item above"
    );
    assert_eq!(save.severity.level(), 1);
    assert_eq!(
        imported.environments("save-settings"),
        ["firefox/desktop", "webkit/desktop"]
    );
    starts(
        &imported.warnings(&source),
        &[
            "sheet `Notes`: not read",
            "row 9: `Webkit on phones` is left out",
            "row 10: section `Empty section` has no items",
        ],
    );
}

#[test]
fn release_markdown_with_headings_tasks_and_steps() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("RELEASE.md");
    let imported = sandbox.import(&source, "release.yaml", &[]);
    let c = &imported.checklist;
    assert_eq!(c.title, "Release checklist for Shop 3.2");
    assert_eq!(c.id, "release");
    assert_eq!(
        imported.outline(),
        outline(&[
            (
                "release-checklist-for-shop-3-2",
                "Release checklist for Shop 3.2",
                &["staging-is-deployed-from-the-release"]
            ),
            (
                "sign-up-and-login",
                "Sign-up and login",
                &[
                    "sign-up-with-a-new-e-mail-address",
                    "log-in-with-sso",
                    "log-in-with-sso-on-a-phone"
                ]
            ),
            ("checkout", "Checkout", &["pay-by-card", "pay-by-card-2"]),
            (
                "checkout-receipts",
                "Checkout › Receipts",
                &["the-receipt-pdf-opens"]
            ),
        ])
    );
    let signup = imported.item("sign-up-with-a-new-e-mail-address");
    assert_eq!(
        signup.steps.as_deref(),
        Some(
            "1. Open /signup in a private window\n2. Fill in the form and submit\n   - use a `+tag` address"
        )
    );
    assert_eq!(
        signup.expect.as_deref(),
        Some("the welcome e-mail arrives within a minute")
    );
    let sso = imported.item("log-in-with-sso");
    assert_eq!(
        sso.steps.as_deref(),
        Some("The SSO button is under the form.")
    );
    assert_eq!(sso.expect.as_deref(), Some("you land on the dashboard"));
    assert_eq!(imported.item("log-in-with-sso-on-a-phone").steps, None);
    assert_eq!(
        imported.item("pay-by-card-2").steps.as_deref(),
        Some("```\n- [ ] card 4242 4242 4242 4242\n```")
    );
    assert!(
        c.items
            .iter()
            .all(|i| i.severity.level() == 2 && i.required)
    );
    starts(
        &imported.warnings(&source),
        &[
            "line 33: a bulleted list of 1 item without checkboxes",
            "line 39: task-list item has no text",
        ],
    );
    assert!(
        imported.stdout.contains("4 sections, 7 items"),
        "{}",
        imported.stdout
    );
}

#[test]
fn pull_request_template() {
    let sandbox = Sandbox::new();
    let source = sandbox.fixture("PULL_REQUEST_TEMPLATE.md");
    let imported = sandbox.import(&source, "pr.yaml", &[]);
    let c = &imported.checklist;
    assert_eq!(c.title, "Pull request template");
    assert_eq!(
        imported.outline(),
        outline(&[(
            "ux-checklist",
            "UX checklist",
            &[
                "tested-in-light-and-dark-mode",
                "keyboard-only",
                "screen-reader-announces-the-new-controls",
                "no-layout-shift-on-slow-3g"
            ]
        )])
    );
    assert_eq!(
        imported.item("keyboard-only").title,
        "Keyboard only: every control is reachable with Tab"
    );
    starts(
        &imported.warnings(&source),
        &[
            "line 9: a bulleted list of 2 items without checkboxes; not imported (--lists imports them)",
        ],
    );
}

#[test]
fn markdown_without_tasks_is_an_error() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("notes.md");
    std::fs::write(&source, "# Notes\n\nJust prose.\n").unwrap();
    sandbox
        .cmd()
        .arg("import")
        .arg(&source)
        .arg("-o")
        .arg("out.yaml")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no task-list items (`- [ ] The page loads`) and no lists",
        ));
    assert!(!sandbox.path().join("out.yaml").exists());
}

/// A front-end checklist the way such READMEs are written: a title, prose, a `## Area` and
/// `### Best practices` under each, every item a task with a bold label and a priority badge,
/// its sentence wrapped onto a second line, code and resource quotes between items.
fn front_end_markdown() -> (String, Vec<(String, String, u8)>) {
    let mut text = String::from(
        "# Front-End QA\n\nEverything to check before launch.\n\n* ![Low][low_img] can be omitted\n* ![High][high_img] never omitted\n\n",
    );
    let mut expected = Vec::new();
    let badges = [("High", 1u8), ("Medium", 2), ("Low", 3)];
    for area in ["Head", "HTML", "Images", "JavaScript", "Accessibility"] {
        text.push_str(&format!(
            "## {area}\n\n> **Notes:** read the spec first.\n\n"
        ));
        for sub in ["Best practices", "Testing"] {
            text.push_str(&format!("### {sub}\n\n"));
            for n in 0..10 {
                let number = expected.len() + 1;
                let (badge, level) = badges[number % 3];
                text.push_str(&format!(
                    "* [ ] **Check {number}:** ![{badge}][{}_img] The page passes check number {number} in every\nbrowser the team supports, at every size.\n\n",
                    badge.to_lowercase()
                ));
                if n % 3 == 0 {
                    text.push_str("```html\n<meta charset=\"utf-8\">\n```\n\n> * 📖 [Docs](https://example.com)\n\n");
                }
                expected.push((
                    format!("{area} › {sub}"),
                    format!(
                        "Check {number}: The page passes check number {number} in every browser the team supports, at every size."
                    ),
                    level,
                ));
            }
        }
        text.push_str("**[⬆ back to top](#table-of-contents)**\n\n---\n\n");
    }
    text.push_str("[low_img]: https://example.com/low.svg\n[medium_img]: https://example.com/medium.svg\n[high_img]: https://example.com/high.svg\n");
    (text, expected)
}

#[test]
fn a_hundred_wrapped_items_keep_whole_titles_their_parents_and_their_badges() {
    let sandbox = Sandbox::new();
    let (text, expected) = front_end_markdown();
    let source = sandbox.path().join("FRONT-END.md");
    std::fs::write(&source, text).unwrap();
    let imported = sandbox.import(&source, "front-end.yaml", &[]);
    let c = &imported.checklist;
    assert_eq!(c.title, "Front-End QA");
    let found: Vec<(String, String, u8)> = c
        .items
        .iter()
        .map(|item| {
            (
                c.sections[item.section].title.clone(),
                item.title.clone(),
                item.severity.level(),
            )
        })
        .collect();
    assert_eq!(found.len(), 100);
    assert_eq!(found, expected);
    assert_eq!(c.items[0].id, "check-1", "the label names the item");
    assert!(c.items.iter().all(|i| i.id.len() <= 40));
    assert!(
        imported.stdout.contains("10 sections, 100 items"),
        "{}",
        imported.stdout
    );
}

/// PyYAML, a YAML 1.1 reader, when python3 has it: `None` (a skip) outside CI, a failure in
/// CI, which installs it.
fn pyyaml() -> Option<()> {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    common::tool_available(ok, "python3 with PyYAML (Debian's python3-yaml)").then_some(())
}

#[test]
fn the_yaml_written_reads_the_same_in_yaml_1_1_and_1_2() {
    let tricky = [
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "~",
        "null",
        "NULL",
        "1_000",
        "0b101",
        "0x1F",
        "017",
        "1:20",
        "1.5",
        ".5",
        "1.0e+3",
        "-.inf",
        ".NaN",
        "2001-12-14",
        "+1",
        "1.",
        "true",
        "False",
        "<<",
        "=",
    ];
    let mut csv = String::from("id,title,steps,expect\n");
    for (n, text) in tricky.iter().enumerate() {
        csv.push_str(&format!("{text},{text},{text},item {n}: {text}\n"));
    }
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("tricky.csv");
    std::fs::write(&source, &csv).unwrap();
    let imported = sandbox.import(&source, "tricky.yaml", &[]);
    // As greenlight (YAML 1.2) reads it.
    let ours: Vec<(String, String)> = imported
        .checklist
        .items
        .iter()
        .map(|i| (i.title.clone(), i.steps.clone().unwrap_or_default()))
        .collect();
    let titles: Vec<&str> = ours.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, tricky, "every title kept as typed");
    let Some(()) = pyyaml() else { return };
    let script = "import json, sys, yaml\n\
        d = yaml.safe_load(open(sys.argv[1]))\n\
        items = [i for s in d['sections'] for i in s['items']]\n\
        print(json.dumps([[i['title'], i.get('steps'), i['id']] for i in items], default=repr))";
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(sandbox.path().join("checklists/tricky.yaml"))
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let theirs: Vec<(serde_json::Value, serde_json::Value, serde_json::Value)> =
        serde_json::from_slice(&output.stdout).expect("JSON");
    for ((title, steps), (their_title, their_steps, their_id)) in ours.iter().zip(&theirs) {
        assert_eq!(
            their_title.as_str(),
            Some(title.as_str()),
            "title {title:?}"
        );
        assert_eq!(
            their_steps.as_str(),
            Some(steps.as_str()),
            "steps {steps:?}"
        );
        assert!(their_id.is_string(), "id of {title:?} read as {their_id}");
    }
    assert_eq!(theirs.len(), tricky.len());
}

#[test]
fn a_test_case_sheet_with_a_caption_one_step_per_row_and_a_name_column() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("regression.csv");
    std::fs::write(
        &source,
        "Web shop — regression test cases,,,,,,,,,\n\
         Exported 2026-11-02 by QA,,,,,,,,,\n\
         ,,,,,,,,,\n\
         TestCaseID,Module,Test Scenario,Precondition,Test Data,Step #,Test Steps,Expected Result,Priority,Name\n\
         TC-01,Login,Log in with a password,User exists,ana@example.com / secret,1,Open /login,Login form shows,High,Ana\n\
         ,,,,,2,Type the e-mail and password,,,\n\
         ,,,,,3,Press Log in,The dashboard opens,,\n\
         TC-02,Login,Log in with SSO,,,1,Click SSO,Redirected to the IdP,P2,Ben\n\
         Checkout,,,,,,,,,\n\
         TC-03,,Pay by card,Cart has one item,4242 4242 4242 4242,1,Pay,Receipt shows,Low,Ana\n",
    )
    .unwrap();
    let imported = sandbox.import(&source, "regression.yaml", &[]);
    assert_eq!(
        imported.outline(),
        outline(&[
            ("login", "Login", &["tc-01", "tc-02"]),
            ("checkout", "Checkout", &["tc-03"]),
        ])
    );
    let first = imported.item("tc-01");
    assert_eq!(
        first.title, "Log in with a password",
        "not the author's name"
    );
    assert_eq!(
        first.steps.as_deref(),
        Some(
            "Precondition: User exists\nTest data: ana@example.com / secret\n1. Open /login\n2. Type the e-mail and password\n3. Press Log in"
        )
    );
    assert_eq!(
        first.expect.as_deref(),
        Some("Login form shows\nThe dashboard opens")
    );
    let levels: Vec<u8> = ["tc-01", "tc-02", "tc-03"]
        .iter()
        .map(|id| imported.item(id).severity.level())
        .collect();
    assert_eq!(levels, [1, 2, 3], "High, P2, Low");
    starts(
        &imported.warnings(&source),
        &[
            "row 1: above the header (a caption?); not read",
            "row 2: above the header (a caption?); not read",
            "row 4: column `Name (not the title)` is not a checklist field",
        ],
    );
    assert!(
        imported
            .stdout
            .contains("3 items (2 rows merged into the items above them)"),
        "{}",
        imported.stdout
    );
}

#[test]
fn a_title_alone_on_its_row_is_a_section_when_items_say_more() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("qa.csv");
    std::fs::write(
        &source,
        "Check,Steps,Expected\n\
         Login,,\n\
         Log in with a password,Open /login,The dashboard opens\n\
         Log out,Click Log out,The login page shows\n\
         Checkout,,\n\
         Pay by card,Pay,A receipt\n",
    )
    .unwrap();
    let imported = sandbox.import(&source, "qa.yaml", &[]);
    assert_eq!(
        imported.outline(),
        outline(&[
            ("login", "Login", &["log-in-with-a-password", "log-out"]),
            ("checkout", "Checkout", &["pay-by-card"]),
        ])
    );
    assert!(imported.warnings(&source).is_empty());
}

#[test]
fn greenlights_own_workbook_imports_as_its_checklist() {
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| {
        let output = sandbox.cmd().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    let fixture = sandbox.path().join("small.yaml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.yaml"),
        &fixture,
    )
    .unwrap();
    let id = run(&[
        "start",
        fixture.to_str().unwrap(),
        "--release",
        "1.0",
        "--commit",
        "abc1234abc1234abc1234abc1234abc1234abcde",
        "--tester",
        "Ada <ada@example.com>",
    ]);
    run(&["record", &id, "no-shift", "chrome", "phone", "pass"]);
    let workbook = sandbox.path().join("results.xlsx");
    run(&["export", &id, "-o", workbook.to_str().unwrap()]);
    let imported = sandbox.import(&workbook, "again.yaml", &[]);
    assert_eq!(
        imported.outline(),
        outline(&[
            ("layout", "Layout", &["no-shift", "text-size"]),
            ("print", "Print", &["print-preview"]),
        ])
    );
    assert_eq!(
        imported.item("no-shift").title,
        "Nothing jumps around while the page loads"
    );
    assert!(
        imported
            .warnings(&workbook)
            .iter()
            .any(|w| w.starts_with("sheet `Matrix`: not read")),
        "{:?}",
        imported.warnings(&workbook)
    );
}

#[test]
fn a_sheet_with_a_column_per_environment_makes_the_matrix_and_its_results_a_run() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("seed-team.csv");
    std::fs::write(
        &source,
        "Check,Chrome Desktop,Safari iPhone,Firefox Desktop,Edge Desktop\n\
         Layout,,,,\n\
         Hero image keeps its space,pass,fail - pushes the headline down,ok,\n\
         Text is readable,✓,✓,✓,n/a\n\
         Checkout,,,,\n\
         Pay by card,pass,blocked,,later\n",
    )
    .unwrap();
    let imported = sandbox.import(
        &source,
        "seed.yaml",
        &[
            "--results-into-run",
            "--release",
            "4.1",
            "--commit",
            "abc1234abc1234abc1234abc1234abc1234abcde",
            "--tester",
            "Ada <ada@example.com>",
        ],
    );
    let c = &imported.checklist;
    assert_eq!(
        all_environments(c),
        [
            "chrome/desktop",
            "safari/iphone",
            "firefox/desktop",
            "edge/desktop"
        ],
        "the columns are the matrix, and only they"
    );
    assert_eq!(
        imported.outline(),
        outline(&[
            (
                "layout",
                "Layout",
                &["hero-image-keeps-its-space", "text-is-readable"]
            ),
            ("checkout", "Checkout", &["pay-by-card"]),
        ])
    );
    assert!(
        imported
            .yaml
            .contains("# The matrix was made from the sheet's columns")
    );
    starts(
        &imported.warnings(&source),
        &["row 6: column `Edge Desktop`: `later` is not a result"],
    );
    assert!(
        imported.stdout.contains("started run")
            && imported.stdout.contains("recorded the 9 results"),
        "{}",
        imported.stdout
    );

    let output = sandbox.cmd().args(["status", "--json"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["release"], "4.1");
    let counts = &status["counts"];
    assert_eq!(
        (
            &counts["pass"],
            &counts["fail"],
            &counts["blocked"],
            &counts["skip"]
        ),
        (&6.into(), &1.into(), &1.into(), &1.into()),
        "{status:#}"
    );
    let export = sandbox
        .cmd()
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(export.stdout).unwrap();
    assert!(csv.contains("pushes the headline down"), "{csv}");
    assert!(
        csv.contains("marked blocked in"),
        "a status that needs a note says where it came from: {csv}"
    );
}

#[test]
fn columns_mapped_by_hand_win_over_the_guess() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("hand.csv");
    std::fs::write(
        &source,
        "Name,What to check,How,Test\n\
         Ana,The menu opens,Tap the burger,smoke\n\
         Ben,The footer links work,Click each,regression\n",
    )
    .unwrap();
    let imported = sandbox.import(
        &source,
        "hand.yaml",
        &["--columns", "What to check=title,How=steps,Test=ignore"],
    );
    let titles: Vec<&str> = imported
        .checklist
        .items
        .iter()
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(titles, ["The menu opens", "The footer links work"]);
    assert_eq!(
        imported.item("the-menu-opens").steps.as_deref(),
        Some("Tap the burger")
    );
    sandbox
        .cmd()
        .arg("import")
        .arg(&source)
        .args(["-o", "x.yaml", "--columns", "What to check=headline"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--columns `What to check=headline`: `headline` is not a field",
        ));
}

/// Runs `greenlight import SOURCE` with at most 1 GB of address space, as a shell's
/// `ulimit -v` sets it: a reader that asked for more would abort.
fn import_within_a_gigabyte(sandbox: &Sandbox, source: &Path) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("greenlight");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 1048576; exec "$0" import "$1" -o "$2""#)
        .arg(binary)
        .arg(source)
        .arg(sandbox.path().join("out.yaml"))
        .env("GREENLIGHT_HOME", sandbox.path().join("home"))
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

#[test]
fn a_sheet_that_claims_to_reach_xfd1048576_costs_only_its_cells() {
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("far.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "title").unwrap();
    sheet.write_string(1, 0, "The page loads").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    workbook.save(&source).unwrap();
    let output = import_within_a_gigabyte(&sandbox, &source);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let yaml = std::fs::read_to_string(sandbox.path().join("out.yaml")).unwrap();
    assert!(yaml.contains("The page loads"), "{yaml}");
}

#[test]
fn a_zip_bomb_workbook_is_refused_before_anything_is_inflated() {
    use std::io::Write;
    let sandbox = Sandbox::new();
    let source = sandbox.path().join("bomb.xlsx");
    let file = std::fs::File::create(&source).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    assert!(
        std::fs::metadata(&source).unwrap().len() < 2 << 20,
        "a small file"
    );
    let output = import_within_a_gigabyte(&sandbox, &source);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`xl/worksheets/sheet1.xml` unpacks to 300 MB"),
        "{stderr}"
    );
}
