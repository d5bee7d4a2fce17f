//! End to end, as a person would: the real binary in a real terminal (tmux), keys typed,
//! the screen read back, and the results checked with `greenlight status --json`.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Sandbox, TESTER};

/// A tmux server of this test's own, killed when the test ends. Its windows stay open
/// after their command ends (`remain-on-exit`), so the exit code can be read.
struct Tmux {
    socket: String,
    config: tempfile::NamedTempFile,
}

impl Tmux {
    fn start() -> Option<Tmux> {
        let available = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !common::tool_available(available, "tmux (Debian's tmux)") {
            return None;
        }
        // One server per test: tests run in parallel, and each kills its server when done.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut config = tempfile::NamedTempFile::new().expect("a config file");
        std::io::Write::write_all(&mut config, b"set -g remain-on-exit on\n")
            .expect("the config written");
        Some(Tmux {
            socket: format!("greenlight-test-{}-{n}", std::process::id()),
            config,
        })
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg(self.config.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs `command` in a new 120×40 window named `name`; the window stays open afterwards
    /// so its exit code can be read.
    fn run(&self, name: &str, command: &str) {
        self.run_sized(name, command, 120, 40);
    }

    /// Runs `command` in a new window of `width`×`height`, like `run`.
    fn run_sized(&self, name: &str, command: &str, width: u16, height: u16) {
        let script = format!("{command}; echo EXIT=$?");
        let (width, height) = (width.to_string(), height.to_string());
        self.tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &width,
            "-y",
            &height,
            &script,
        ]);
    }

    /// Pastes `text` into the window as a terminal does, bracketed when the program asked
    /// for it (`paste-buffer -p`).
    fn paste(&self, name: &str, text: &str) {
        self.tmux(&["set-buffer", "-b", "clip", text]);
        self.tmux(&["paste-buffer", "-p", "-b", "clip", "-t", name]);
    }

    fn screen(&self, name: &str) -> String {
        // From the start of the history: once the command ends, tmux adds a line about the
        // dead pane and scrolls the first line of output out of the visible screen.
        self.tmux(&["capture-pane", "-p", "-S", "-", "-t", name])
    }

    fn wait_for(&self, name: &str, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen(name);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn type_text(&self, name: &str, text: &str) {
        self.tmux(&["send-keys", "-t", name, "-l", text]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

#[test]
fn a_tester_walks_fails_with_a_note_quits_resumes_and_finds_every_result() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    tmux.run(
        "walk",
        &sandbox.shell(&format!(
            "run '{}' --release e2e --commit abc1234abc1234abc1234abc1234abc1234abcde --tester '{TESTER}'",
            checklist.display()
        )),
    );
    tmux.wait_for("walk", "Small checklist · release e2e");
    tmux.wait_for("walk", "0/7 (0%)");
    tmux.keys("walk", &["p"]);
    tmux.wait_for("walk", "1/7");
    // Typed at full speed, without waiting for the dialog: the note's first digit stays
    // in it, and Tab, pressed once the note has text, moves the severity on to major.
    tmux.type_text("walk", "f3 tiles cut off");
    tmux.keys("walk", &["Tab"]);
    tmux.keys("walk", &["M-Enter"]);
    tmux.type_text("walk", "at 390px");
    tmux.wait_for("walk", "2 major");
    tmux.keys("walk", &["Enter"]);
    tmux.wait_for("walk", "2/7");
    // The phone size is done: the walk stops on a card until the laptop's window is set.
    let card = tmux.wait_for("walk", "Now: Google Chrome · Laptop 1366×768");
    assert!(
        card.contains("Set the Google Chrome window to 1366×768"),
        "{card}"
    );
    tmux.keys("walk", &["p"]);
    tmux.wait_for("walk", "`p` does nothing yet");
    tmux.keys("walk", &["Enter"]);
    tmux.keys("walk", &["m"]);
    let matrix = tmux.wait_for("walk", "item \\ environment");
    assert!(matrix.contains("✓") && matrix.contains("✗2"), "{matrix}");
    tmux.keys("walk", &["q"]);
    let after = tmux.wait_for("walk", "EXIT=0");
    assert!(
        after.contains("2/7 cells done"),
        "the terminal is back to the shell:\n{after}"
    );

    let status = sandbox.status("");
    assert_eq!(status["counts"]["pass"], 1);
    assert_eq!(status["counts"]["fail"], 1);
    assert_eq!(status["commit"], "abc1234abc1234abc1234abc1234abc1234abcde");
    let output = sandbox
        .cmd()
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(output.stdout).unwrap();
    assert!(csv.contains("\"3 tiles cut off\nat 390px\""), "{csv}");

    tmux.run("resume", &sandbox.shell("resume"));
    let screen = tmux.wait_for("resume", "2/7");
    assert!(
        screen.contains("Google Chrome · Laptop 1366×768"),
        "resumes on the first untested cell:\n{screen}"
    );
    tmux.keys("resume", &["b"]);
    tmux.type_text("resume", "no laptop today");
    tmux.keys("resume", &["Enter"]);
    tmux.wait_for("resume", "3/7");
    tmux.keys("resume", &["C-c"]);
    tmux.wait_for("resume", "EXIT=0");
    assert_eq!(sandbox.status("")["counts"]["blocked"], 1);
}

/// The walk's process id, found as the child of the tmux pane's shell.
fn walk_pid(tmux: &Tmux, name: &str) -> u32 {
    let shell = tmux.tmux(&["list-panes", "-t", name, "-F", "#{pane_pid}"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let children = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&children.stdout);
        if let Some(pid) = text.lines().find_map(|l| l.trim().parse().ok()) {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "no walk process under the pane's shell"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_until_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            Instant::now() < deadline,
            "the walk (pid {pid}) is still running"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_restores_the_terminal_and_a_closed_window_ends_the_walk() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let command = sandbox.shell(&format!(
        "run '{}' --release r --tester '{TESTER}'",
        checklist.display()
    ));
    for signal in ["TERM", "INT", "QUIT", "HUP"] {
        let name = format!("sig{signal}");
        tmux.run(
            &name,
            &format!("{command}; stty -a | grep -o -- '-\\?icanon'"),
        );
        tmux.wait_for(&name, "0/7");
        let pid = walk_pid(&tmux, &name);
        let flag = |format: &str| {
            let out = Command::new("tmux")
                .args([
                    "-L",
                    &tmux.socket,
                    "display-message",
                    "-p",
                    "-t",
                    &name,
                    format,
                ])
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        assert_eq!(
            (flag("#{alternate_on}"), flag("#{mouse_any_flag}")),
            ("1".to_string(), "1".to_string()),
            "the walk holds the alternate screen and the mouse"
        );
        Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        let after = tmux.wait_for(&name, "EXIT=0");
        assert!(
            after.contains("icanon") && !after.contains("-icanon"),
            "SIG{signal}: cooked mode is back:\n{after}"
        );
        assert!(
            after.contains("0/7 cells done"),
            "SIG{signal}: the main screen is back:\n{after}"
        );
        assert_eq!(
            (flag("#{alternate_on}"), flag("#{mouse_any_flag}")),
            ("0".to_string(), "0".to_string()),
            "SIG{signal}: the alternate screen and mouse reporting are off"
        );
    }

    tmux.run("closed", &command);
    tmux.wait_for("closed", "0/7");
    let pid = walk_pid(&tmux, "closed");
    tmux.tmux(&["kill-session", "-t", "closed"]);
    wait_until_gone(pid);
}

#[test]
fn a_tester_signs_off_from_the_summary_and_the_sign_off_verifies() {
    let Some(tmux) = Tmux::start() else { return };
    if !common::ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.fixture("small.yaml");
    let key = common::keygen(&sandbox, "ed25519", "");
    signing_key_in_config(&sandbox, &key);
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = sandbox.write("allowed_signers", &format!("ada@example.com {public}"));
    tmux.run(
        "sign",
        &sandbox.shell(&format!(
            "run small.yaml --release 9.9 --commit abc1234abc1234abc1234abc1234abc1234abcde --tester '{TESTER}'"
        )),
    );
    tmux.wait_for("sign", "0/7");
    let mut cards = 0;
    for n in 1..=7 {
        tmux.keys("sign", &["p"]);
        let screen = tmux.wait_for("sign", &format!("{n}/7"));
        if screen.contains("Another environment") {
            cards += 1;
            tmux.keys("sign", &["Enter"]);
        }
    }
    assert_eq!(cards, 2, "Chrome at the laptop size, then Safari");
    tmux.keys("sign", &["S"]);
    tmux.wait_for("sign", "Verdict: passes");
    tmux.keys("sign", &["a"]);
    tmux.wait_for("sign", "Approve release 9.9");
    tmux.type_text("sign", "all good on staging");
    tmux.keys("sign", &["Enter"]);
    let confirm = tmux.wait_for("sign", "Sign this?");
    assert!(
        confirm.contains("APPROVE release 9.9") && confirm.contains("at commit abc1234"),
        "names what will be signed:\n{confirm}"
    );
    tmux.type_text("sign", "yes");
    tmux.keys("sign", &["Enter"]);
    let screen = tmux.wait_for("sign", "EXIT=0");
    assert!(
        screen.contains("approved release 9.9 at commit abc1234"),
        "{screen}"
    );
    let folder = std::fs::read_dir(sandbox.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("signoff-"))
        .expect("a sign-off folder")
        .path();
    sandbox
        .cmd()
        .arg("verify")
        .arg(&folder)
        .arg("--allowed-signers")
        .arg(&allowed)
        .assert()
        .success();
}

#[test]
fn a_passphrase_protected_key_asks_for_its_passphrase_without_echo() {
    let Some(tmux) = Tmux::start() else { return };
    if !common::ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let key = common::keygen(&sandbox, "ed25519", "open sesame");
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let signoff = |name: &str| {
        tmux.run(
            name,
            &sandbox.shell(&format!(
                "signoff {run} --reject --comment 'not yet' --key '{}' -o out-{name}",
                key.display()
            )),
        );
        tmux.wait_for(name, "Passphrase for");
    };
    signoff("wrong");
    for guess in ["guess", "guess again", "last guess"] {
        tmux.type_text("wrong", guess);
        tmux.keys("wrong", &["Enter"]);
    }
    let screen = tmux.wait_for("wrong", "EXIT=2");
    assert!(
        screen.contains("wrong passphrase; 2 more tries")
            && screen.contains("wrong passphrase; 1 more try\n"),
        "{screen}"
    );
    assert!(screen.contains("wrong passphrase for"), "{screen}");
    assert!(
        !screen.contains("guess"),
        "the passphrase is not echoed:\n{screen}"
    );

    signoff("right");
    tmux.type_text("right", "open sesame");
    tmux.keys("right", &["Enter"]);
    let screen = tmux.wait_for("right", "EXIT=0");
    assert!(screen.contains("rejected release 1.4.0"), "{screen}");
    assert!(
        !screen.contains("open sesame"),
        "the passphrase is not echoed:\n{screen}"
    );
    assert!(sandbox.path().join("out-right/signoff.json.sig").is_file());
    // The private key is nowhere in what was written.
    let private = std::fs::read_to_string(&key).unwrap();
    let body: String = private.lines().nth(1).unwrap().chars().take(40).collect();
    for file in std::fs::read_dir(sandbox.path().join("out-right")).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains(&body));
    }
}

#[test]
fn without_a_file_the_walk_takes_the_only_checklist_or_offers_a_choice() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("checklists");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(sandbox.fixture("small.yaml"), dir.join("a-small.yaml")).unwrap();
    std::fs::copy(sandbox.fixture("wide.yaml"), dir.join("b-wide.yaml")).unwrap();
    let command = sandbox.shell(&format!("run --release r --tester '{TESTER}'"));
    tmux.run("pick", &command);
    let screen = tmux.wait_for("pick", "Which one? [1-2]");
    assert!(
        screen.contains("1) checklists/a-small.yaml")
            && screen.contains("2) checklists/b-wide.yaml"),
        "{screen}"
    );
    tmux.type_text("pick", "2");
    tmux.keys("pick", &["Enter"]);
    tmux.wait_for("pick", "0/12");
    tmux.keys("pick", &["q"]);
    tmux.wait_for("pick", "EXIT=0");

    std::fs::remove_file(dir.join("b-wide.yaml")).unwrap();
    tmux.run("only", &command);
    tmux.wait_for("only", "Small checklist");
    tmux.keys("only", &["q"]);
    tmux.wait_for("only", "EXIT=0");
}

#[test]
fn a_pasted_stack_trace_is_one_note_and_a_stray_paste_records_nothing() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    tmux.run_sized(
        "paste",
        &sandbox.shell(&format!(
            "run '{}' --release e2e --commit abc1234abc1234abc1234abc1234abc1234abcde --tester '{TESTER}'",
            checklist.display()
        )),
        80,
        24,
    );
    tmux.wait_for("paste", "0/7 (0%)");

    // Outside a field a paste is nothing — not `s` (skip), not `q` (quit).
    tmux.paste("paste", "skip this\nq");
    tmux.wait_for("paste", "the paste was ignored");

    let trace = "TypeError: cannot read 'width' of undefined\n    at layout (app.js:88:14)\n    at render (app.js:120)";
    tmux.keys("paste", &["f"]);
    tmux.wait_for("paste", "Severity");
    tmux.paste("paste", trace);
    tmux.keys("paste", &["Enter"]);
    tmux.wait_for("paste", "1/7");
    tmux.keys("paste", &["q"]);
    tmux.wait_for("paste", "EXIT=0");

    let journal =
        std::fs::read_to_string(sandbox.journal(sandbox.status("")["run"].as_str().unwrap()))
            .unwrap();
    let entries: Vec<serde_json::Value> = journal
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(entries.len(), 1, "exactly one new entry: {journal}");
    assert_eq!(entries[0]["status"], "fail");
    assert_eq!(entries[0]["note"], trace, "the whole paste, lines and all");
}

#[test]
fn resume_starts_in_the_browser_and_size_asked_for_and_names_the_ones_there_are() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    tmux.run_sized(
        "there",
        &sandbox.shell(&format!("resume {run} --browser safari --viewport phone")),
        80,
        24,
    );
    let screen = tmux.wait_for("there", " Safari · Phone 390×844  (3/3)");
    assert!(screen.contains("0/7"), "{screen}");
    tmux.keys("there", &["p"]);
    tmux.wait_for("there", "recorded pass: no-shift in Safari");
    tmux.keys("there", &["q"]);
    tmux.wait_for("there", "EXIT=0");

    tmux.run_sized(
        "nowhere",
        &sandbox.shell(&format!("resume {run} --browser opera")),
        80,
        24,
    );
    let screen = tmux.wait_for("nowhere", "EXIT=");
    assert!(
        screen.contains("this run has no browser `opera`; its browsers are: chrome, safari"),
        "{screen}"
    );
    assert!(!screen.contains("EXIT=0"), "{screen}");

    tmux.run_sized(
        "excluded",
        &sandbox.shell(&format!("resume {run} --browser safari --viewport laptop")),
        80,
        24,
    );
    let screen = tmux.wait_for("excluded", "EXIT=");
    assert!(
        screen.contains("this run does not test safari at laptop"),
        "{screen}"
    );
}

#[test]
fn ctrl_c_keeps_a_note_then_quits_saying_truthfully_what_is_saved() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    tmux.run_sized("quit", &sandbox.shell(&format!("resume {run}")), 80, 24);
    tmux.wait_for("quit", "0/7");
    tmux.keys("quit", &["p", "f"]);
    tmux.wait_for("quit", "Severity");
    tmux.type_text("quit", "menu overlaps the logo");
    tmux.keys("quit", &["C-c"]);
    tmux.wait_for("quit", "Ctrl-C again quits");
    tmux.keys("quit", &["C-c"]);
    // The shell wraps at 80 columns: read the text as one line.
    let screen = tmux.wait_for("quit", "EXIT=0").replace('\n', "");
    assert!(
        screen.contains(
            "not saved (a draft you did not finish): text-size in Google Chrome · Phone 390×844: menu overlaps the logo"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("1/7 cells done, every result is saved (the draft notes above"),
        "{screen}"
    );
}

#[test]
fn signing_from_the_walk_takes_a_passphrase_typed_at_full_speed_or_pasted() {
    let Some(tmux) = Tmux::start() else { return };
    if !common::ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.fixture("small.yaml");
    let key = common::keygen(&sandbox, "ed25519", "open sesame");
    signing_key_in_config(&sandbox, &key);
    for (name, by_paste) in [("typed", false), ("pasted", true)] {
        tmux.run(
            name,
            &sandbox.shell(&format!(
                "run small.yaml --release 9.{} --commit abc1234abc1234abc1234abc1234abc1234abcde --tester '{TESTER}'",
                u8::from(by_paste)
            )),
        );
        tmux.wait_for(name, "0/7");
        // The summary, a rejection, its comment, yes, and the passphrase: all in one burst,
        // as fast as tmux sends keys, without waiting for any dialog to appear.
        tmux.keys(name, &["S", "r"]);
        tmux.type_text(name, "the hero image is cut off on phones");
        tmux.keys(name, &["Enter"]);
        tmux.type_text(name, "yes");
        tmux.keys(name, &["Enter"]);
        if by_paste {
            tmux.wait_for(name, "Unlock your SSH key");
            tmux.paste(name, "open sesame");
        } else {
            tmux.type_text(name, "open sesame");
        }
        tmux.keys(name, &["Enter"]);
        let screen = tmux.wait_for(name, "EXIT=");
        assert!(
            screen.contains("rejected release 9.") && screen.contains("EXIT=0"),
            "{name}:\n{screen}"
        );
        assert!(!screen.contains("open sesame"), "never echoed:\n{screen}");
    }
    let folders: Vec<_> = std::fs::read_dir(sandbox.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("signoff-"))
        .collect();
    assert_eq!(folders.len(), 2, "two sign-offs, one per run");
}

#[test]
fn at_80x24_every_line_of_a_long_note_can_be_scrolled_to_in_the_summary() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let note: Vec<String> = (1..30)
        .map(|n| format!("line {n} of what I saw"))
        .chain(["THE LAST LINE".to_string()])
        .collect();
    sandbox
        .record(
            &run,
            &[
                "no-shift",
                "chrome",
                "phone",
                "fail",
                "--note",
                &note.join("\n"),
            ],
        )
        .success();
    tmux.run_sized("long", &sandbox.shell(&format!("resume {run}")), 80, 24);
    tmux.wait_for("long", "1/7");
    tmux.keys("long", &["S"]);
    let screen = tmux.wait_for("long", "more lines of this one");
    assert!(!screen.contains("THE LAST LINE"), "{screen}");
    for _ in 0..10 {
        tmux.keys("long", &["J"]);
    }
    let screen = tmux.wait_for("long", "THE LAST LINE");
    assert!(screen.contains("line 29 of what I saw"), "{screen}");
    // Back up to the entry's first line.
    for _ in 0..10 {
        tmux.keys("long", &["K"]);
    }
    tmux.wait_for("long", "line 1 of what I saw");
    tmux.keys("long", &["q"]);
    tmux.wait_for("long", "EXIT=0");
}

#[test]
fn a_comment_typed_on_after_a_refusal_signs_nothing_in_a_real_terminal() {
    let Some(tmux) = Tmux::start() else { return };
    if !common::ssh_keygen_available() {
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.fixture("small.yaml");
    let key = common::keygen(&sandbox, "ed25519", "");
    signing_key_in_config(&sandbox, &key);
    tmux.run(
        "refused",
        &sandbox.shell(&format!(
            "run small.yaml --release 9.9 --commit abc1234abc1234abc1234abc1234abc1234abcde --tester '{TESTER}'"
        )),
    );
    tmux.wait_for("refused", "0/7");
    // Approve is refused (nothing is tested); the tester, eyes on the browser, types the
    // comment on at full speed, with an `r` in "after", and presses Enter and y.
    tmux.keys("refused", &["S", "a"]);
    tmux.type_text("refused", "approved after the fix on staging");
    tmux.keys("refused", &["Enter"]);
    tmux.type_text("refused", "yes");
    tmux.keys("refused", &["Enter"]);
    let screen = tmux.wait_for("refused", "Verdict:");
    assert!(!screen.contains("Reject release"), "{screen}");
    assert!(!screen.contains("Sign this?"), "{screen}");
    tmux.keys("refused", &["q"]);
    let screen = tmux.wait_for("refused", "EXIT=0");
    assert!(!screen.contains("rejected release"), "{screen}");
    let signed = std::fs::read_dir(sandbox.path())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("signoff-"));
    assert!(!signed, "nothing was signed");
}

#[test]
fn a_re_test_sees_the_earlier_failure_and_reflex_keys_record_nothing() {
    let Some(tmux) = Tmux::start() else { return };
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    // Release 1.4.0 failed the first cell; the fix is in, and 1.4.1 is tested.
    let first = sandbox.start(&checklist);
    sandbox
        .record(
            &first,
            &[
                "no-shift",
                "chrome",
                "phone",
                "fail",
                "--note",
                "hero jumps 40px",
            ],
        )
        .success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    tmux.run_sized(
        "retest",
        &sandbox.shell(&format!(
            "run '{}' --release 1.4.1 --commit abc1234abc1234abc1234abc1234abc1234abcde --tester '{TESTER}'",
            checklist.display()
        )),
        120,
        40,
    );
    let screen = tmux.wait_for("retest", "0/7");
    assert!(
        screen.contains("Before  ✗ fail") && screen.contains("hero jumps 40px"),
        "the earlier failure and its note are shown:\n{screen}"
    );
    // Failing it again offers the note; the tester adds to it.
    tmux.keys("retest", &["f"]);
    tmux.type_text("retest", " again after the fix");
    tmux.keys("retest", &["Enter"]);
    tmux.wait_for("retest", "1/7");
    // Back to it to attach a screenshot, then the reflex `p`: nothing is recorded.
    let shot = sandbox.write("shot.png", "png");
    tmux.keys("retest", &["k", "e"]);
    tmux.type_text("retest", shot.to_str().unwrap());
    tmux.keys("retest", &["Enter"]);
    tmux.wait_for("retest", "evidence attached");
    tmux.keys("retest", &["p"]);
    tmux.wait_for("retest", "p again records a pass over it");
    tmux.keys("retest", &["q"]);
    tmux.wait_for("retest", "EXIT=0");
    let status = sandbox.json(&["status", "--json"]);
    assert_eq!(status["release"], "1.4.1");
    assert_eq!(status["counts"]["fail"], 1, "still a failure: {status}");
    let csv = sandbox
        .cmd()
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.contains("hero jumps 40px again after the fix"), "{csv}");
}

/// Makes `key` the signing key of the sandbox's config, as a tester sets it up once.
fn signing_key_in_config(sandbox: &Sandbox, key: &std::path::Path) {
    std::fs::create_dir_all(sandbox.home()).unwrap();
    std::fs::write(
        sandbox.home().join("config.yaml"),
        format!("signing_key: {}\n", key.display()),
    )
    .unwrap();
}
