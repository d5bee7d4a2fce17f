//! A sandbox for driving the real binary: its own data home, no git identity, no colour.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use assert_cmd::Command;
use tempfile::TempDir;

pub const TESTER: &str = "Ada Lovelace <ada@example.com>";

/// A temporary home and working folder for one test.
pub struct Sandbox {
    pub dir: TempDir,
    /// How many keys of each kind [`keygen`] has copied in, so that each call gets another.
    keys_made: Mutex<HashMap<String, usize>>,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary folder"),
            keys_made: Mutex::default(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// The environment every command in the sandbox runs with: its own data home and
    /// config, no git identity or repository from outside, no colour.
    fn isolation(&self) -> Vec<(&'static str, String)> {
        let path = |p: &Path| p.display().to_string();
        vec![
            ("GREENLIGHT_HOME", path(&self.home())),
            ("HOME", path(self.path())),
            ("XDG_CONFIG_HOME", path(&self.path().join("xdg"))),
            ("GIT_CONFIG_GLOBAL", "/dev/null".into()),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            (
                "GIT_CEILING_DIRECTORIES",
                path(self.path().parent().unwrap_or(self.path())),
            ),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// `greenlight` run in the sandbox, isolated from the user's git and config.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// [`Sandbox::cmd`] as a standard command, for what assert_cmd does not set (the user
    /// it runs as).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("greenlight"));
        cmd.current_dir(self.path()).env_remove("GREENLIGHT_CONFIG");
        for (name, value) in self.isolation() {
            cmd.env(name, value);
        }
        cmd
    }

    /// A shell command line that runs `greenlight ARGS` in the sandbox as [`Sandbox::cmd`]
    /// does, for a terminal (tmux) to run. `args` is already shell text.
    pub fn shell(&self, args: &str) -> String {
        let vars: Vec<String> = self
            .isolation()
            .into_iter()
            .map(|(name, value)| format!("{name}='{value}'"))
            .collect();
        format!(
            "cd '{}' && env -u GREENLIGHT_CONFIG {} '{}' {args}",
            self.path().display(),
            vars.join(" "),
            assert_cmd::cargo::cargo_bin("greenlight").display()
        )
    }

    /// Runs git in `dir` (inside the sandbox) with a fixed identity; panics if it fails.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(dir).args(args);
        for (name, value) in self.isolation() {
            cmd.env(name, value);
        }
        for name in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] {
            cmd.env(name, "Ada Lovelace");
        }
        for name in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] {
            cmd.env(name, "ada@example.com");
        }
        let output = cmd.output().expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// Makes the sandbox a git repository (once) and commits `paths` (relative to it) as
    /// they are now; returns the new commit's full id. The gate and sign-offs read content
    /// keys from a real commit's tree, so tests that sign or gate commit what they test.
    pub fn commit(&self, paths: &[&str], message: &str) -> String {
        if !self.path().join(".git").exists() {
            self.git(self.path(), &["init", "-q", "-b", "main"]);
        }
        let mut add = vec!["add", "-f", "--"];
        add.extend_from_slice(paths);
        self.git(self.path(), &add);
        self.git(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
        );
        self.git(self.path(), &["rev-parse", "HEAD"])
    }

    /// Copies a fixture into the sandbox and returns its path.
    pub fn fixture(&self, name: &str) -> PathBuf {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let target = self.path().join(name);
        std::fs::copy(&source, &target).expect("fixture copied");
        target
    }

    /// Writes a file into the sandbox.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let target = self.path().join(name);
        std::fs::write(&target, text).expect("file written");
        target
    }

    /// `greenlight record RUN ARGS…`, asserted on by the caller.
    pub fn record(&self, run: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd().arg("record").arg(run).args(args).assert()
    }

    /// `greenlight signoff RUN --key KEY -o OUT EXTRA…`, asserted on by the caller.
    pub fn signoff(
        &self,
        run: &str,
        key: &Path,
        out: &Path,
        extra: &[&str],
    ) -> assert_cmd::assert::Assert {
        self.cmd()
            .args(["signoff", run, "--key"])
            .arg(key)
            .arg("-o")
            .arg(out)
            .args(extra)
            .assert()
    }

    /// An allowed-signers file in the sandbox trusting `key` (its `.pub` beside it) for
    /// `email`.
    pub fn allowed_signers(&self, email: &str, key: &Path) -> PathBuf {
        let public = std::fs::read_to_string(key.with_extension("pub")).expect("the public key");
        let public: Vec<&str> = public.split_whitespace().take(2).collect();
        self.write(
            "allowed_signers",
            &format!("{email} {}\n", public.join(" ")),
        )
    }

    /// Starts a run of `checklist` and returns its id.
    pub fn start(&self, checklist: &Path) -> String {
        self.start_at(checklist, "0123456789abcdef0123456789abcdef01234567")
    }

    /// Starts a run of `checklist` at `commit` and returns its id.
    pub fn start_at(&self, checklist: &Path, commit: &str) -> String {
        let output = self
            .cmd()
            .args(["start"])
            .arg(checklist)
            .args(["--release", "1.4.0", "--commit", commit, "--tester", TESTER])
            .output()
            .expect("start runs");
        assert!(
            output.status.success(),
            "start failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }

    /// Runs greenlight with `args`, which must succeed, and reads its standard output as
    /// JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let output = self.cmd().args(args).output().expect("greenlight runs");
        assert!(
            output.status.success(),
            "greenlight {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON on standard output")
    }

    /// `status --json` of a run.
    pub fn status(&self, run: &str) -> serde_json::Value {
        let output = self
            .cmd()
            .args(["status", run, "--json"])
            .output()
            .expect("status runs");
        assert!(
            output.status.success(),
            "status failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("status is JSON")
    }

    pub fn run_dir(&self, run: &str) -> PathBuf {
        self.home().join("runs").join(run)
    }

    pub fn journal(&self, run: &str) -> PathBuf {
        self.run_dir(run).join("journal.jsonl")
    }
}

/// A run of a fixture opened for writing through the library, for tests of the walk.
pub struct Walk {
    pub home: TempDir,
    pub session: greenlight::run::RunSession,
    pub app: greenlight::tui::app::App,
    /// What the event loop is given: no `capture` command unless a test sets one.
    pub options: greenlight::tui::event_loop::WalkOptions,
    /// How the last effect carried out left the walk (signed, for one).
    pub flow: Option<greenlight::tui::event_loop::Flow>,
}

impl Walk {
    pub fn new(fixture: &str) -> Walk {
        let home = tempfile::tempdir().expect("a temporary folder");
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        let bytes = std::fs::read(&path).expect("fixture");
        let checklist = greenlight::checklist::Checklist::load(&path).expect("valid fixture");
        let store = greenlight::store::RunStore::new(home.path());
        let meta = greenlight::store::RunMeta {
            id: String::new(),
            release: "1.4.0".into(),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            repository: None,
            tester: TESTER.into(),
            checklist: greenlight::store::ChecklistRef {
                id: checklist.id.clone(),
                title: checklist.title.clone(),
                version: checklist.version.clone(),
                path: fixture.into(),
                sha256: greenlight::fsutil::sha256_hex(&bytes),
            },
            share: None,
            started_at: "2026-11-25T12:00:00Z".into(),
            tool: "greenlight test".into(),
        };
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .into();
        let meta = store.create(meta, &bytes, now).expect("run created");
        let session = greenlight::run::RunSession::open(&store, &meta.id, &mut |w| panic!("{w}"))
            .expect("run opened");
        let app = greenlight::tui::app::App::new(session.run());
        Walk {
            home,
            session,
            app,
            options: Default::default(),
            flow: None,
        }
    }

    /// Presses keys as a person would: through the keymap, the app and the journal.
    pub fn press(&mut self, key: crossterm_key::KeyEvent) {
        if let Some(action) = greenlight::tui::event_loop::key_action(&mut self.app, key) {
            self.act(action);
        }
    }

    /// Lets the summary sign with `key` (a private key file), writing under the walk's
    /// temporary home.
    pub fn sign_with(&mut self, key: &Path) {
        self.options.signing = greenlight::tui::event_loop::SigningSetup {
            key: Some(Ok(key.to_path_buf())),
            repository: Some(self.home.path().to_path_buf()),
        };
    }

    /// Applies one action and carries out its effect.
    pub fn act(
        &mut self,
        action: greenlight::tui::app::Action,
    ) -> Option<greenlight::tui::app::Effect> {
        let effect = self.app.handle(self.session.run(), action)?;
        // Nothing is started in a test: an allowance is remembered, the browser is not run.
        if let greenlight::tui::app::Effect::AllowLaunch { key, .. } = &effect {
            self.app.launch_allowed(key.clone());
            return Some(effect);
        }
        if matches!(
            effect,
            greenlight::tui::app::Effect::Launch(_) | greenlight::tui::app::Effect::Quit
        ) {
            return Some(effect);
        }
        self.flow = Some(greenlight::tui::event_loop::carry_out(
            effect.clone(),
            &mut self.session,
            &mut self.app,
            TESTER,
            &self.options,
        ));
        Some(effect)
    }

    /// Pastes `text` as a terminal with bracketed paste delivers it, and carries out what
    /// follows.
    pub fn paste(&mut self, text: &str) {
        if let Some(effect) = self.app.paste(self.session.run(), text) {
            self.flow = Some(greenlight::tui::event_loop::carry_out(
                effect,
                &mut self.session,
                &mut self.app,
                TESTER,
                &self.options,
            ));
        }
    }

    /// Passes `cells` cells with `p`, starting each new environment with Enter as a tester
    /// does at the crossing card; returns how many cards were met.
    pub fn pass_cells(&mut self, cells: usize) -> usize {
        let mut cards = 0;
        for _ in 0..cells {
            if self.app.mode() == greenlight::tui::keymap::Mode::Crossing {
                self.code(crossterm_key::KeyCode::Enter);
                cards += 1;
            }
            self.keys("p");
        }
        cards
    }

    /// Presses each character of `keys` in turn.
    pub fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            self.press(key(crossterm_key::KeyCode::Char(c)));
        }
    }

    pub fn code(&mut self, code: crossterm_key::KeyCode) {
        self.press(key(code));
    }

    /// The status of a cell named by ids.
    pub fn status(
        &self,
        item: &str,
        browser: &str,
        viewport: &str,
    ) -> Option<greenlight::status::Status> {
        let run = self.session.run();
        let c = run.checklist();
        let cell = greenlight::checklist::Cell {
            item: c.item_by_id(item).expect("item"),
            environment: c
                .environment_of(
                    c.browser_by_id(browser).expect("browser"),
                    c.viewport_by_id(viewport).expect("viewport"),
                )
                .expect("environment"),
        };
        run.status(cell)
    }

    /// `item@browser/viewport` of the cursor.
    pub fn cursor(&self) -> String {
        let c = self.session.run().checklist();
        let cursor = self.app.cursor();
        format!(
            "{}@{}",
            c.items[cursor.item].id,
            c.environment_key(cursor.environment)
        )
    }

    /// What the status line says now, and whether it reports a problem.
    pub fn notice(&self) -> Option<(String, bool)> {
        let notice = self.app.notice.as_ref()?;
        let text = greenlight::tui::strings::notice(notice, self.session.run().checklist());
        Some((text, notice.is_error()))
    }

    /// The entries of the run, oldest first.
    pub fn entries(&self) -> &[greenlight::journal::Entry] {
        self.session.run().entries()
    }

    /// The newest entry, which must be a result.
    pub fn last_result(&self) -> greenlight::journal::ResultEntry {
        match self.entries().last() {
            Some(greenlight::journal::Entry::Result(result)) => result.clone(),
            other => panic!("the newest entry is not a result: {other:?}"),
        }
    }
}

pub use ratatui::crossterm::event as crossterm_key;

pub fn key(code: crossterm_key::KeyCode) -> crossterm_key::KeyEvent {
    crossterm_key::KeyEvent::new(code, crossterm_key::KeyModifiers::NONE)
}

/// Whether a tool a test needs (`what`, with the package that has it) is there. Where it is
/// missing the test says it skipped — except in CI, where `.ci/run` sets
/// `GREENLIGHT_TEST_TOOLS=required` and a missing tool fails the test: there, no test
/// passes by skipping.
pub fn tool_available(found: bool, what: &str) -> bool {
    if found {
        return true;
    }
    if std::env::var("GREENLIGHT_TEST_TOOLS").as_deref() == Ok("required") {
        panic!("{what} is missing, and this run requires every tool the tests use");
    }
    eprintln!("skipped: {what} is missing (.ci/run installs it)");
    false
}

/// Whether `program` runs with `args`.
pub fn runs(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// Whether `ssh-keygen` can be run (see [`tool_available`]).
pub fn ssh_keygen_available() -> bool {
    tool_available(
        runs("ssh-keygen", &["-?"]),
        "ssh-keygen (Debian's openssh-client)",
    )
}

/// A key of `kind` in the sandbox, as `id_{kind}` with its `.pub`: a copy of a key that
/// ssh-keygen made once, committed under `tests/fixtures/keys/` (#20) — fresh random keys made
/// a test fail whenever ssh-keygen drew a P-256 key ssh-key could not read. The kinds:
/// `ed25519`, `ecdsa` (P-256, a full-length private scalar), `ecdsa-31` (P-256 whose scalar
/// ssh-keygen stores in 31 bytes), `ecdsa-30` (in 30 bytes), `ecdsa-521`, `rsa` (3072 bits).
/// Each call for a kind in one sandbox copies a different key of it (ed25519 has three, for
/// a team of testers), over the `id_{kind}` a caller has not moved away. With a passphrase,
/// the copy is encrypted with it by `ssh-keygen -p`.
pub fn keygen(sandbox: &Sandbox, kind: &str, passphrase: &str) -> PathBuf {
    let nth = {
        let mut made = sandbox.keys_made.lock().expect("the key counter");
        let count = made.entry(kind.to_string()).or_insert(0);
        *count += 1;
        *count
    };
    let name = match nth {
        1 => format!("id_{kind}"),
        n => format!("id_{kind}_{n}"),
    };
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(&name);
    assert!(
        source.is_file(),
        "no fixture key {name}: tests/fixtures/keys/ has no key number {nth} of kind {kind}"
    );
    let path = sandbox.path().join(format!("id_{kind}"));
    copy_key(&source, &path);
    if !passphrase.is_empty() {
        let status = std::process::Command::new("ssh-keygen")
            .args(["-q", "-p", "-P", "", "-N", passphrase, "-f"])
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("ssh-keygen runs");
        assert!(status.success(), "ssh-keygen -p on a copy of {name}");
    }
    path
}

/// The committed fixture key `name` (and its `.pub`) copied into the sandbox, the private
/// key readable by its owner only, as ssh-keygen requires.
pub fn fixture_key(sandbox: &Sandbox, name: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name);
    let path = sandbox.path().join(name);
    copy_key(&source, &path);
    path
}

/// Copies a private key and the `.pub` beside it; the private key gets mode 0600.
fn copy_key(source: &Path, target: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::copy(source, target).expect("the fixture key copied");
    std::fs::set_permissions(target, std::fs::Permissions::from_mode(0o600))
        .expect("the key made private");
    std::fs::copy(source.with_extension("pub"), target.with_extension("pub"))
        .expect("the fixture's .pub copied");
}

/// The `TYPE BASE64` of the public key beside `key` (its `.pub`), for allowed-signers lines.
pub fn public_key(key: &Path) -> String {
    let text = std::fs::read_to_string(key.with_extension("pub")).expect("the .pub file");
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}
