//! A sandbox for driving the real binary: its own data home, no git identity, no colour.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub const TESTER: &str = "Ada Lovelace <ada@example.com>";

/// A temporary home and working folder for one test.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// `greenlight` run in the sandbox, isolated from the user's git and config.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("greenlight").expect("the binary");
        cmd.current_dir(self.path())
            .env("GREENLIGHT_HOME", self.home())
            .env_remove("GREENLIGHT_CONFIG")
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("xdg"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env(
                "GIT_CEILING_DIRECTORIES",
                self.path().parent().unwrap_or(self.path()),
            )
            .env("NO_COLOR", "1");
        cmd
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

    /// Starts a run of `checklist` and returns its id.
    pub fn start(&self, checklist: &Path) -> String {
        let output = self
            .cmd()
            .args(["start"])
            .arg(checklist)
            .args([
                "--release",
                "1.4.0",
                "--commit",
                "0123456789abcdef0123",
                "--tester",
                TESTER,
            ])
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
