//! The HTML report in a real browser (issue 10): Debian's headless Chromium opens it from a
//! `file://` URL, in a network namespace of its own (so nothing can leave the machine),
//! and the test reads what Chromium saw: a screenshot that is not blank, a DOM with the
//! expected cells, no console message, and no request made by the page. A note holding
//! `<script>` and `<img onerror>` stays text.
//!
//! `.ci/run` installs `chromium`; where it is missing the tests say so and pass, except
//! under CI, where they fail.

mod common;

#[path = "../benches/fixture/mod.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Sandbox;

/// Chromium, when installed.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| PathBuf::from(name))
    });
    common::tool_available(found.is_some(), "chromium (Debian's chromium)")
        .then_some(())
        .and(found)
}

/// What headless Chromium did with a page.
struct Visit {
    /// `--dump-dom`: the DOM after load, serialised.
    dom: String,
    /// The page's console messages.
    console: Vec<String>,
    /// The URLs the page asked for (Chromium's own background requests left out).
    requests: Vec<String>,
    /// The screenshot, decoded: width, height, RGB(A) bytes and bytes per pixel.
    screenshot: (u32, u32, Vec<u8>, usize),
}

/// Opens `page` in headless Chromium twice — once for the DOM, console and network log,
/// once for a screenshot — with no network: in a namespace of its own where `unshare`
/// works (root, as in CI), and always with every host name resolving to nothing.
fn visit(chromium: &Path, page: &Path, work: &Path) -> Visit {
    let url = format!("file://{}", page.display());
    let net_log = work.join("net-log.json");
    let shot = work.join("shot.png");
    let run = |args: &[String]| -> Output {
        let isolated = Command::new("unshare").args(["-n", "true"]).status();
        let mut cmd = if isolated.is_ok_and(|s| s.success()) {
            let mut cmd = Command::new("unshare");
            cmd.arg("-n").arg(chromium);
            cmd
        } else {
            Command::new(chromium)
        };
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1280,1600",
        ])
        .args(args)
        .arg(&url)
        .env("HOME", work)
        .output()
        .expect("chromium runs")
    };
    let dump = run(&[
        "--enable-logging=stderr".into(),
        "--v=0".into(),
        format!("--log-net-log={}", net_log.display()),
        "--dump-dom".into(),
    ]);
    assert!(dump.status.success(), "chromium --dump-dom failed");
    let console = String::from_utf8_lossy(&dump.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&net_log).expect("the net log")).expect("JSON");
    let start_job = &log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"];
    let requests = log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| &e["type"] == start_job)
        // Chromium's own requests have no page behind them.
        .filter(|e| e["params"]["initiator"] != "not an origin")
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect();
    let taken = run(&[format!("--screenshot={}", shot.display())]);
    assert!(taken.status.success(), "chromium --screenshot failed");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("the screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    pixels.truncate(info.buffer_size());
    let bytes_per_pixel = info.color_type.samples();
    Visit {
        dom: String::from_utf8_lossy(&dump.stdout).into_owned(),
        console,
        requests,
        screenshot: (info.width, info.height, pixels, bytes_per_pixel),
    }
}

/// Pixels of the screenshot that are not (near) white, and how many distinct colours.
fn ink(visit: &Visit) -> (usize, usize) {
    let (_, _, pixels, step) = &visit.screenshot;
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0;
    for pixel in pixels.chunks(*step) {
        let rgb = (pixel[0], pixel[1], pixel[2]);
        colours.insert(rgb);
        if pixel[..3].iter().any(|&c| c < 230) {
            inked += 1;
        }
    }
    (inked, colours.len())
}

/// A run of the small fixture with a pass, a failure (with a screenshot and `note`), a
/// blocked and a skipped cell, exported as HTML; the report's path.
fn report_with_note(sandbox: &Sandbox, note: &str) -> PathBuf {
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let shot = sandbox.path().join("shot.png");
    std::fs::write(&shot, fixture::evidence_png(40)).unwrap();
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    sandbox
        .cmd()
        .args([
            "record",
            &run,
            "text-size",
            "safari",
            "phone",
            "fail",
            "--note",
            note,
        ])
        .arg("--evidence")
        .arg(&shot)
        .assert()
        .success();
    sandbox
        .record(
            &run,
            &[
                "no-shift",
                "chrome",
                "laptop",
                "blocked",
                "--note",
                "no test account",
            ],
        )
        .success();
    let report = sandbox.path().join("report.html");
    sandbox
        .cmd()
        .args(["export", &run, "--format", "html", "-o"])
        .arg(&report)
        .assert()
        .success();
    report
}

#[test]
fn the_report_renders_offline_with_its_cells_and_no_errors() {
    let Some(chromium) = chromium() else { return };
    let sandbox = Sandbox::new();
    let report = report_with_note(&sandbox, "Body text is 9px on the checkout page");
    let visit = visit(&chromium, &report, sandbox.path());

    for (cell, class, glyph) in [
        ("no-shift@chrome/phone", "good", "✓"),
        ("text-size@safari/phone", "bad", "✗3"),
        ("no-shift@chrome/laptop", "warn", "!"),
        ("text-size@chrome/phone", "faint", "·"),
    ] {
        let marker = format!("data-cell=\"{cell}\"");
        let at = visit
            .dom
            .find(&marker)
            .unwrap_or_else(|| panic!("{cell} in the DOM"));
        let element = &visit.dom[visit.dom[..at].rfind("<td").unwrap()..];
        let element = &element[..element.find("</td>").unwrap()];
        assert!(
            element.contains(&format!("class=\"c {class}\"")) && element.ends_with(glyph),
            "{cell}: {element}"
        );
    }
    assert!(visit.dom.contains("Body text is 9px on the checkout page"));
    assert!(visit.dom.contains("src=\"data:image/png;base64,"));
    assert_eq!(visit.console, Vec::<String>::new(), "no console message");
    assert_eq!(
        visit.requests,
        Vec::<String>::new(),
        "no request from the page"
    );

    let (width, height, _, _) = visit.screenshot;
    let (inked, colours) = ink(&visit);
    assert!(
        inked > (width * height) as usize / 50,
        "the screenshot shows text and colour: {inked} of {width}×{height} pixels"
    );
    assert!(
        colours > 10,
        "coloured cells, not one flat colour: {colours}"
    );
}

#[test]
fn a_note_with_script_or_an_onerror_image_stays_text() {
    let Some(chromium) = chromium() else { return };
    let sandbox = Sandbox::new();
    let attack = "<script>document.title='pwned'</script>\
                  <img src=x onerror=\"document.title='pwned'\">\
                  \"><svg onload=alert(1)>";
    let report = report_with_note(&sandbox, attack);
    let visit = visit(&chromium, &report, sandbox.path());
    assert!(
        !visit.dom.contains("<script") && !visit.dom.contains("<svg"),
        "no element made from the note"
    );
    assert!(
        !visit.dom.contains("<img src=\"x\""),
        "no image made from the note"
    );
    assert!(
        visit
            .dom
            .contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "the note is shown as the text it is"
    );
    assert!(
        !visit.dom.contains("pwned</title>"),
        "the title is untouched"
    );
    assert_eq!(visit.console, Vec::<String>::new());
    assert_eq!(visit.requests, Vec::<String>::new());
}

#[test]
fn the_harness_sees_console_messages_and_requests_when_a_page_makes_them() {
    let Some(chromium) = chromium() else { return };
    let sandbox = Sandbox::new();
    let page = sandbox.write(
        "bad.html",
        "<!doctype html><body><img src=\"http://example.invalid/x.png\">\
         <script>console.error('boom')</script></body>",
    );
    let visit = visit(&chromium, &page, sandbox.path());
    assert!(
        visit.console.iter().any(|l| l.contains("boom")),
        "{:?}",
        visit.console
    );
    assert_eq!(visit.requests, ["http://example.invalid/x.png"]);
    let (inked, _) = ink(&visit);
    assert!(
        inked < 10_000,
        "a nearly blank page is seen as blank: {inked}"
    );
}
