//! The few facts greenlight asks git for. git missing or failing means "unknown", never an
//! error: a run can be recorded outside a repository.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A value from git's configuration, such as `user.email`.
pub fn config_value(key: &str) -> Option<String> {
    git(&["config", "--get", key])
}

/// The commit checked out in the current folder's repository.
pub fn head_commit() -> Option<String> {
    git(&["rev-parse", "--verify", "--quiet", "HEAD"])
}

/// The URL of the current repository's `origin` remote, or of its first remote.
pub fn remote_url() -> Option<String> {
    git(&["remote", "get-url", "origin"]).or_else(|| {
        let remotes = git(&["remote"])?;
        let first = remotes.lines().next()?;
        git(&["remote", "get-url", first])
    })
}

/// The top folder of the current repository.
pub fn toplevel() -> Option<String> {
    git(&["rev-parse", "--show-toplevel"])
}
