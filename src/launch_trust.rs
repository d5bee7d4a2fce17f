//! Which `launch` commands the tester has allowed to run (DESIGN.md §6). A checklist comes
//! from a pull request as easily as from a colleague, and its `launch` command runs on the
//! tester's machine; so each command runs only once the tester has seen it and allowed it,
//! and the allowance is kept for that checklist (by its sha256) and that command (by its
//! own): a changed checklist or a changed command asks again.
//!
//! The allowances are lines of `KEY` in `launch-allowed` in the config folder.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::fsutil::sha256_hex;

/// The allowance of `command` (a browser's `launch` template) in the checklist whose bytes
/// hash to `checklist_sha256`.
pub fn key(checklist_sha256: &str, command: &str) -> String {
    sha256_hex(format!("{checklist_sha256}\n{command}").as_bytes())
}

/// The allowances on this machine.
#[derive(Debug, Clone, Default)]
pub struct LaunchTrust {
    file: PathBuf,
    allowed: HashSet<String>,
}

impl LaunchTrust {
    /// The file of allowances beside `config_file`.
    pub fn beside(config_file: &Path) -> PathBuf {
        config_file
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("launch-allowed")
    }

    /// Reads the allowances in `file`; a missing file allows nothing.
    pub fn load(file: &Path) -> Result<LaunchTrust> {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", file.display())),
        };
        Ok(LaunchTrust {
            file: file.to_path_buf(),
            allowed: text
                .lines()
                .map(str::trim)
                .filter(|l| l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_string)
                .collect(),
        })
    }

    /// The allowed keys.
    pub fn allowed(&self) -> &HashSet<String> {
        &self.allowed
    }

    /// Remembers `key` as allowed, on disk first.
    pub fn allow(&mut self, key: &str) -> Result<()> {
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .with_context(|| format!("cannot write {}", self.file.display()))?;
        writeln!(file, "{key}").with_context(|| format!("cannot write {}", self.file.display()))?;
        file.sync_all().ok();
        self.allowed.insert(key.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowances_live_beside_the_config_and_an_unreadable_file_is_an_error() {
        assert_eq!(
            LaunchTrust::beside(Path::new("/home/ada/.config/greenlight/config.yaml")),
            Path::new("/home/ada/.config/greenlight/launch-allowed")
        );
        let dir = tempfile::tempdir().unwrap();
        assert!(
            LaunchTrust::load(dir.path()).is_err(),
            "a folder where the file should be is not an empty list"
        );
    }

    #[test]
    fn an_allowance_is_for_that_checklist_and_that_command_and_survives() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config/launch-allowed");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, format!("junk\n{}\nbeef\n", "z".repeat(64))).unwrap();
        let mut trust = LaunchTrust::load(&file).unwrap();
        assert!(trust.allowed().is_empty(), "only 64 hex digits make a key");
        let allowed = key("aa", "chromium {url}");
        assert!(!trust.allowed().contains(&allowed));
        trust.allow(&allowed).unwrap();
        let again = LaunchTrust::load(&file).unwrap();
        assert!(again.allowed().contains(&allowed));
        assert!(
            !again.allowed().contains(&key("ab", "chromium {url}")),
            "another checklist"
        );
        assert!(
            !again.allowed().contains(&key("aa", "sh -c 'id' {url}")),
            "another command"
        );
    }
}
