//! One-key evidence: the tester's own screenshot command, from their config, run to write a
//! file that greenlight then attaches like any other evidence.
//!
//! The command is a shell command line (`grim -g "$(slurp)" {file}` needs a shell), which is
//! safe because it comes from the tester's own config file, never from a checklist. `{file}`
//! stands for the path greenlight chooses, quoted for the shell.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a screenshot command may take (an interactive selection included) before it is
/// stopped, so that a command that never ends cannot freeze the walk.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// Why no screenshot came of the command.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("the `capture` command has no {{file}} to write the screenshot to")]
    NoFilePlaceholder,
    #[error("cannot make the folder for screenshots {}: {source}", dir.display())]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot run `sh`: {0}")]
    Spawn(std::io::Error),
    #[error("the `capture` command failed ({status}){stderr}")]
    Failed { status: String, stderr: String },
    #[error("the `capture` command took longer than {} s and was stopped", TIME_LIMIT.as_secs())]
    TimedOut,
    #[error("the `capture` command wrote nothing to {} (cancelled?)", path.display())]
    NothingWritten { path: PathBuf },
}

/// Runs `template` with `{file}` as a new file in `dir` named after `stem`; returns that
/// file once the command has succeeded and the file holds something.
pub fn capture(template: &str, dir: &Path, stem: &str) -> Result<PathBuf, CaptureError> {
    if !template.contains("{file}") {
        return Err(CaptureError::NoFilePlaceholder);
    }
    std::fs::create_dir_all(dir).map_err(|source| CaptureError::Folder {
        dir: dir.to_path_buf(),
        source,
    })?;
    let path = free_path(dir, stem);
    let quoted = shlex::try_quote(&path.to_string_lossy())
        .map(|q| q.into_owned())
        .unwrap_or_else(|_| path.to_string_lossy().into_owned());
    let command_line = template.replace("{file}", &quoted);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&command_line)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(CaptureError::Spawn)?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(CaptureError::Spawn)? {
            Some(status) => break status,
            None if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CaptureError::TimedOut);
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.by_ref().take(4096).read_to_string(&mut stderr);
        }
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
        return Err(CaptureError::Failed {
            status: status.to_string(),
            stderr: last.map(|l| format!(": {}", l.trim())).unwrap_or_default(),
        });
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() && meta.len() > 0 => Ok(path),
        _ => Err(CaptureError::NothingWritten { path }),
    }
}

/// `dir/stem-N.png` for the first N not taken.
fn free_path(dir: &Path, stem: &str) -> PathBuf {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (1..)
        .map(|n| dir.join(format!("{stem}-{n}.png")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.png")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_the_command_writes_is_returned_with_a_name_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let first = capture("printf png > {file}", dir.path(), "hero/chrome phone").unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"png");
        assert_eq!(first.file_name().unwrap(), "hero_chrome_phone-1.png");
        let second = capture("printf png > {file}", dir.path(), "hero/chrome phone").unwrap();
        assert_ne!(
            first, second,
            "a second screenshot does not overwrite the first"
        );
    }

    #[test]
    fn a_path_with_spaces_and_quotes_reaches_the_command_as_one_word() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("it's a \"folder\"");
        let path = capture("test $# -eq 0 && printf x > {file}", &folder, "a").unwrap();
        assert!(path.starts_with(&folder));
    }

    #[test]
    fn failures_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let err = capture("echo no grim here >&2; exit 3", dir.path(), "a").unwrap_err();
        assert!(matches!(err, CaptureError::NoFilePlaceholder));
        let err = capture("echo no grim here >&2; exit 3 # {file}", dir.path(), "a").unwrap_err();
        assert!(err.to_string().contains("no grim here"), "{err}");
        let err = capture("true {file}", dir.path(), "a").unwrap_err();
        assert!(matches!(err, CaptureError::NothingWritten { .. }), "{err}");
    }
}
